/* sampler_reflect_simd.h: reflection padding on SIMD vectors, for the Float fast paths of
 * the nearest mode (sampler_nearest.c) and of bilinear reflection (sampler_corners.c):
 * lane for lane the float operations of STN_T(reflect) (sampler_taps_generic.h), so that
 * every path gives the generic loops' bits; and bilinear reflection's map of grid values
 * through the reflection. A lane whose coordinate folds more than once (|u - lo| >= 2 span:
 * an fmod) is flagged for the caller's scalar code, which is the generic arithmetic itself
 * (the float instance of sampler_taps_generic.h, included here: a file including this
 * header must not instantiate that file for float again). */
#ifndef STN_SAMPLER_REFLECT_SIMD_H
#define STN_SAMPLER_REFLECT_SIMD_H

#include "core/cpu_paths.h"
#include "core/dtype.h"
#include "sampler.h"

#include <immintrin.h>

#include "sampler_taps_float.h"

/* The constants of the reflection along one axis of size pixels. */
typedef struct reflect_axis {
  float lo;    /* the lower border: 0 (corners aligned) or -0.5 */
  float span;  /* hi - lo */
  float span2; /* 2 span */
  float top;   /* size - 1, the last pixel */
  int live;    /* span > 0; else (one pixel, corners aligned) everything reads pixel 0, d = 0 */
  float scale, shift; /* grid value -> pixel (coords.h) */
  float add, den;     /* reflected pixel c -> grid value (2c + add) / den - 1 */
} reflect_axis;

static inline reflect_axis reflect_axis_of(int size, int align) {
  reflect_axis a;
  const stn_pixel_map m = stn_pixel_map_of(size, align);
  a.lo = align ? 0.0f : -0.5f;
  a.span = align ? (float)(size - 1) : (float)size;
  a.span2 = 2 * a.span;
  a.top = (float)(size - 1);
  a.live = a.span > 0;
  a.scale = m.scale, a.shift = m.shift;
  a.add = align ? 0.0f : 1.0f;
  a.den = align ? (float)(size - 1) : (float)size;
  return a;
}

#if STN_HAVE_PATHS
/* c = the reflected, clipped coordinate of u and *d = dc/du (+-1, or 0 where clipped), as
 * STN_T(reflect); c = d = 0 where u is not finite or the axis is not live. *slow: the live
 * finite lanes with |u - lo| >= 2 span, whose c and d the caller computes in scalar. */
STN_TARGET_AVX512 static inline __m512 reflect16(__m512 u, const reflect_axis *k, __m512 *d, __mmask16 *slow) {
  const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f), sign = _mm512_set1_ps(-0.0f);
  const __m512 lo = _mm512_set1_ps(k->lo), span = _mm512_set1_ps(k->span), span2 = _mm512_set1_ps(k->span2);
  /* fpclass 0x99: NaN or an infinity */
  const __mmask16 live = (__mmask16)(~_mm512_fpclass_ps_mask(u, 0x99) & (k->live ? 0xffff : 0));
  __m512 y = _mm512_sub_ps(u, lo);
  const __mmask16 neg = _mm512_cmp_ps_mask(y, zero, _CMP_LT_OQ);
  y = _mm512_andnot_ps(sign, y); /* -y where y < 0 (and +0 for -0, which reads the same) */
  *slow = live & _mm512_cmp_ps_mask(y, span2, _CMP_GE_OQ);
  const __mmask16 flip = _mm512_cmp_ps_mask(y, span, _CMP_GE_OQ);
  y = _mm512_mask_sub_ps(y, flip, span2, y);
  const __m512 t = _mm512_add_ps(y, lo), top = _mm512_set1_ps(k->top);
  const __mmask16 low = _mm512_cmp_ps_mask(t, zero, _CMP_LE_OQ) | (__mmask16)~live;
  const __mmask16 high = _mm512_cmp_ps_mask(t, top, _CMP_GE_OQ) & ~low;
  /* d: -1 where one of neg, flip holds, 1 where both or none; 0 where clipped (the generic
   * code's +-0: the callers only test d == 0) */
  *d = _mm512_maskz_mov_ps((__mmask16)~(low | high), _mm512_mask_xor_ps(one, neg ^ flip, one, sign));
  return _mm512_mask_blend_ps(low, _mm512_mask_blend_ps(high, t, top), zero);
}

/* The same on 8 lanes; *slow as lane bits (movemask). */
STN_TARGET_AVX2 static inline __m256 reflect8(__m256 u, const reflect_axis *k, __m256 *d, int *slow) {
  const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f), sign = _mm256_set1_ps(-0.0f);
  const __m256 lo = _mm256_set1_ps(k->lo), span = _mm256_set1_ps(k->span), span2 = _mm256_set1_ps(k->span2);
  const __m256 live = _mm256_and_ps(_mm256_cmp_ps(_mm256_sub_ps(u, u), zero, _CMP_EQ_OQ),
                                    _mm256_castsi256_ps(_mm256_set1_epi32(k->live ? -1 : 0)));
  __m256 y = _mm256_sub_ps(u, lo);
  const __m256 neg = _mm256_and_ps(_mm256_cmp_ps(y, zero, _CMP_LT_OQ), sign);
  y = _mm256_xor_ps(y, neg);
  __m256 s = _mm256_xor_ps(one, neg);
  *slow = _mm256_movemask_ps(_mm256_and_ps(live, _mm256_cmp_ps(y, span2, _CMP_GE_OQ)));
  const __m256 flip = _mm256_cmp_ps(y, span, _CMP_GE_OQ);
  y = _mm256_blendv_ps(y, _mm256_sub_ps(span2, y), flip);
  s = _mm256_xor_ps(s, _mm256_and_ps(flip, sign));
  const __m256 t = _mm256_add_ps(y, lo), top = _mm256_set1_ps(k->top);
  const __m256 low = _mm256_cmp_ps(t, zero, _CMP_LE_OQ), high = _mm256_cmp_ps(t, top, _CMP_GE_OQ);
  const __m256 c = _mm256_blendv_ps(_mm256_blendv_ps(t, top, high), zero, low);
  *d = _mm256_and_ps(live, _mm256_mul_ps(s, _mm256_andnot_ps(_mm256_or_ps(low, high), one)));
  return _mm256_and_ps(live, c);
}
#endif

/* ---- grid values through the reflection
 * Bilinear sampling with reflection padding reads the reflected coordinate as a grid value
 * of border padding: v -> u = pixel(v) -> c = reflect(u) (0 where u is not finite) ->
 * 2c / (size - 1) - 1 with corners aligned (0 for one pixel), else (2c + 1) / size - 1,
 * coords.h's map inverted; the grid gradient is border padding's times d = dc/du (0, exactly,
 * where d is +-0). */

/* The generic arithmetic for one value along an axis of size pixels; *d = dc/du. */
static inline float reflect_value(float v, int size, int align, float *d) {
  const float u = to_pixel_float(v, size, align);
  float c = 0;
  *d = 0;
  if (u - u == 0) c = reflect_float(u, size, align, d);
  return align ? (size > 1 ? 2 * c / (float)(size - 1) - 1 : 0.0f) : (2 * c + 1) / (float)size - 1;
}

#if STN_HAVE_PATHS
/* reflect_value on 16 lanes: the reflected grid values, *d; *slow: lanes whose values the
 * caller takes from reflect_value (they fold more than once). */
STN_TARGET_AVX512 static inline __m512 reflect_grid16(__m512 v, const reflect_axis *k, __m512 *d, __mmask16 *slow) {
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 u = _mm512_sub_ps(_mm512_mul_ps(_mm512_add_ps(v, one), _mm512_set1_ps(k->scale)), _mm512_set1_ps(k->shift));
  const __m512 c = reflect16(u, k, d, slow);
  const __m512 r = _mm512_sub_ps(
      _mm512_div_ps(_mm512_add_ps(_mm512_add_ps(c, c), _mm512_set1_ps(k->add)), _mm512_set1_ps(k->den)), one);
  /* one pixel with corners aligned: 0 (2c / (size - 1) would be 0 / 0) */
  return k->live ? r : _mm512_setzero_ps();
}

/* The same on 8 lanes; *slow as lane bits. */
STN_TARGET_AVX2 static inline __m256 reflect_grid8(__m256 v, const reflect_axis *k, __m256 *d, int *slow) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 u = _mm256_sub_ps(_mm256_mul_ps(_mm256_add_ps(v, one), _mm256_set1_ps(k->scale)), _mm256_set1_ps(k->shift));
  const __m256 c = reflect8(u, k, d, slow);
  const __m256 r = _mm256_sub_ps(
      _mm256_div_ps(_mm256_add_ps(_mm256_add_ps(c, c), _mm256_set1_ps(k->add)), _mm256_set1_ps(k->den)), one);
  return k->live ? r : _mm256_setzero_ps();
}
#endif

#endif /* STN_SAMPLER_REFLECT_SIMD_H */
