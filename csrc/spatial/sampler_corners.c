/* sampler_corners.c: the SIMD corner loops: the corners and weights of a chunk of output
 * pixels for the CPU sampler loops, and the chunk's grid gradient from its corner sums:
 * 16 pixels at a time with AVX-512, 8 with AVX2, else 4 with SSE4.1 (the ISA floor), as
 * stn_isa_active says. All three do the same float operations on every lane as stn_corners_of (sampler.h), the
 * grid-to-pixel map being coords.h's own formula evaluated on vectors, so they give the
 * same bits as each other and as the GPU; no FMA anywhere. */
#include "sampler_cpu.h"
#include "core/cpu_isa.h"
#include "sampler_reflect_simd.h"

#include <immintrin.h>

/* ------------------------------------------------------------------ SSE4.1, 4 pixels */

/* One axis of four samples (size pixels, map = stn_pixel_map_of(size, align)):
 * stn_axis_of's steps. max(u, -2) also maps NaN to -2 (maxps returns its second operand then). */
static inline __m128 axis4(__m128 v, int size, stn_pixel_map map, __m128i *i0) {
  const float size_f = (float)size;
  const __m128 tol = _mm_set1_ps(stn_snap_tolerance(size));
  __m128 u = STN_GRID_TO_PIXEL(v, map);
  const __m128 r = _mm_floor_ps(_mm_add_ps(u, _mm_set1_ps(0.5f)));
  const __m128 d = _mm_andnot_ps(_mm_set1_ps(-0.0f), _mm_sub_ps(u, r));
  u = _mm_blendv_ps(u, r, _mm_cmple_ps(d, tol));
  u = _mm_min_ps(_mm_max_ps(u, _mm_set1_ps(-2.0f)), _mm_set1_ps(size_f + 1.0f));
  const __m128 f = _mm_floor_ps(u);
  *i0 = _mm_cvttps_epi32(f);
  return _mm_sub_ps(u, f);
}

/* 1.0f where index i lies in [0, size), else 0.0f. */
static inline __m128 inside4(__m128i i, int32_t size) {
  const __m128i in = _mm_and_si128(_mm_cmpgt_epi32(i, _mm_set1_epi32(-1)), _mm_cmpgt_epi32(_mm_set1_epi32(size), i));
  return _mm_and_ps(_mm_castsi128_ps(in), _mm_set1_ps(1.0f));
}

static inline __m128i clamp4(__m128i i, int32_t size) {
  return _mm_min_epi32(_mm_max_epi32(i, _mm_setzero_si128()), _mm_set1_epi32(size - 1));
}

static void corners_sse(const stn_sampler_geom *g, const float *gp, int n, corner_chunk *restrict cc, int grads) {
  const int border = g->desc.padding != STN_PADDING_ZEROS, xs = stn_grid_x_slot(g->desc.grid_order);
  const int reflect = g->desc.padding == STN_PADDING_REFLECTION;
  const int32_t H = (int32_t)g->H, W = (int32_t)g->W;
  const stn_pixel_map mx = stn_pixel_map_of(W, g->desc.align_corners), my = stn_pixel_map_of(H, g->desc.align_corners);
  const __m128 one = _mm_set1_ps(1.0f), neg = _mm_set1_ps(-0.0f);
  const __m128i Wv = _mm_set1_epi32(W), onei = _mm_set1_epi32(1);
  for (int p = 0; p < n; p += 4) {
    __m128 a, c;
    if (p + 4 <= n && !reflect) {
      a = _mm_loadu_ps(gp + 2 * p), c = _mm_loadu_ps(gp + 2 * p + 4);
    } else { /* the last few pixels, padded with zeros; reflected values one at a time */
      float t[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      const int m = n - p < 4 ? n - p : 4;
      for (int k = 0; k < 2 * m; k++) t[k] = gp[2 * p + k];
      if (reflect)
        for (int k = 0; k < 4; k++) {
          float dx, dy;
          t[2 * k + xs] = reflect_value(t[2 * k + xs], W, g->desc.align_corners, &dx);
          t[2 * k + 1 - xs] = reflect_value(t[2 * k + 1 - xs], H, g->desc.align_corners, &dy);
          cc->rx[p + k] = dx, cc->ry[p + k] = dy;
        }
      a = _mm_loadu_ps(t), c = _mm_loadu_ps(t + 4);
    }
    const __m128 v0 = _mm_shuffle_ps(a, c, _MM_SHUFFLE(2, 0, 2, 0)), v1 = _mm_shuffle_ps(a, c, _MM_SHUFFLE(3, 1, 3, 1));
    __m128i x0, y0;
    const __m128 wx1 = axis4(xs ? v1 : v0, W, mx, &x0);
    const __m128 wy1 = axis4(xs ? v0 : v1, H, my, &y0);
    const __m128i x1 = _mm_add_epi32(x0, onei), y1 = _mm_add_epi32(y0, onei);
    __m128 m00 = one, m01 = one, m10 = one, m11 = one;
    if (!border) {
      const __m128 mx0 = inside4(x0, W), mx1 = inside4(x1, W), my0 = inside4(y0, H), my1 = inside4(y1, H);
      m00 = _mm_mul_ps(my0, mx0), m01 = _mm_mul_ps(my0, mx1), m10 = _mm_mul_ps(my1, mx0), m11 = _mm_mul_ps(my1, mx1);
    }
    const __m128i cx0 = clamp4(x0, W), cx1 = clamp4(x1, W);
    const __m128i ry0 = _mm_mullo_epi32(clamp4(y0, H), Wv), ry1 = _mm_mullo_epi32(clamp4(y1, H), Wv);
    const __m128 wx0 = _mm_sub_ps(one, wx1), wy0 = _mm_sub_ps(one, wy1);
    _mm_store_si128((__m128i *)(cc->o[0] + p), _mm_add_epi32(ry0, cx0));
    _mm_store_si128((__m128i *)(cc->o[1] + p), _mm_add_epi32(ry0, cx1));
    _mm_store_si128((__m128i *)(cc->o[2] + p), _mm_add_epi32(ry1, cx0));
    _mm_store_si128((__m128i *)(cc->o[3] + p), _mm_add_epi32(ry1, cx1));
    _mm_store_ps(cc->w[0] + p, _mm_mul_ps(_mm_mul_ps(wy0, wx0), m00));
    _mm_store_ps(cc->w[1] + p, _mm_mul_ps(_mm_mul_ps(wy0, wx1), m01));
    _mm_store_ps(cc->w[2] + p, _mm_mul_ps(_mm_mul_ps(wy1, wx0), m10));
    _mm_store_ps(cc->w[3] + p, _mm_mul_ps(_mm_mul_ps(wy1, wx1), m11));
    if (grads) {
      _mm_store_ps(cc->dx[0] + p, _mm_mul_ps(_mm_xor_ps(wy0, neg), m00));
      _mm_store_ps(cc->dx[1] + p, _mm_mul_ps(wy0, m01));
      _mm_store_ps(cc->dx[2] + p, _mm_mul_ps(_mm_xor_ps(wy1, neg), m10));
      _mm_store_ps(cc->dx[3] + p, _mm_mul_ps(wy1, m11));
      _mm_store_ps(cc->dy[0] + p, _mm_mul_ps(_mm_xor_ps(wx0, neg), m00));
      _mm_store_ps(cc->dy[1] + p, _mm_mul_ps(_mm_xor_ps(wx1, neg), m01));
      _mm_store_ps(cc->dy[2] + p, _mm_mul_ps(wx0, m10));
      _mm_store_ps(cc->dy[3] + p, _mm_mul_ps(wx1, m11));
    }
  }
}

/* ------------------------------------------------------------------ AVX2, 8 pixels */

#if STN_HAVE_PATHS /* core/cpu_paths.h: GCC on x86-64, as every per-path kernel */
#define STN_HAVE_AVX2_PATH 1
#define AVX2 __attribute__((target("avx2")))

static inline AVX2 __m256 axis8(__m256 v, int size, stn_pixel_map map, __m256i *i0) {
  const float size_f = (float)size;
  const __m256 tol = _mm256_set1_ps(stn_snap_tolerance(size));
  __m256 u = STN_GRID_TO_PIXEL(v, map);
  const __m256 r = _mm256_floor_ps(_mm256_add_ps(u, _mm256_set1_ps(0.5f)));
  const __m256 d = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), _mm256_sub_ps(u, r));
  u = _mm256_blendv_ps(u, r, _mm256_cmp_ps(d, tol, _CMP_LE_OQ));
  u = _mm256_min_ps(_mm256_max_ps(u, _mm256_set1_ps(-2.0f)), _mm256_set1_ps(size_f + 1.0f));
  const __m256 f = _mm256_floor_ps(u);
  *i0 = _mm256_cvttps_epi32(f);
  return _mm256_sub_ps(u, f);
}

static inline AVX2 __m256 inside8(__m256i i, int32_t size) {
  const __m256i in =
      _mm256_and_si256(_mm256_cmpgt_epi32(i, _mm256_set1_epi32(-1)), _mm256_cmpgt_epi32(_mm256_set1_epi32(size), i));
  return _mm256_and_ps(_mm256_castsi256_ps(in), _mm256_set1_ps(1.0f));
}

static inline AVX2 __m256i clamp8(__m256i i, int32_t size) {
  return _mm256_min_epi32(_mm256_max_epi32(i, _mm256_setzero_si256()), _mm256_set1_epi32(size - 1));
}

/* With reflection padding: the chunk's grid values x, y (vx, vy, 16 lanes: 8 used with AVX2)
 * replaced by their reflections, the chain factors stored. Lanes that fold more than once
 * take the scalar code's values. */
static inline void reflect_fixup(const stn_sampler_geom *g, const float *gp, int p, int m, unsigned slow, float *vx,
                                 float *vy, float *rx, float *ry) {
  const int xs = stn_grid_x_slot(g->desc.grid_order);
  for (; slow; slow &= slow - 1) {
    const int j = __builtin_ctz(slow);
    if (j >= m) break;
    vx[j] = reflect_value(gp[2 * (p + j) + xs], (int)g->W, g->desc.align_corners, &rx[j]);
    vy[j] = reflect_value(gp[2 * (p + j) + 1 - xs], (int)g->H, g->desc.align_corners, &ry[j]);
  }
}

static AVX2 void corners_avx2(const stn_sampler_geom *g, const float *gp, int n, corner_chunk *restrict cc, int grads) {
  const int border = g->desc.padding != STN_PADDING_ZEROS, xs = stn_grid_x_slot(g->desc.grid_order);
  const int reflect = g->desc.padding == STN_PADDING_REFLECTION;
  const reflect_axis rx = reflect_axis_of((int)g->W, g->desc.align_corners);
  const reflect_axis ry = reflect_axis_of((int)g->H, g->desc.align_corners);
  const int32_t H = (int32_t)g->H, W = (int32_t)g->W;
  const stn_pixel_map mx = stn_pixel_map_of(W, g->desc.align_corners), my = stn_pixel_map_of(H, g->desc.align_corners);
  const __m256 one = _mm256_set1_ps(1.0f), neg = _mm256_set1_ps(-0.0f);
  const __m256i Wv = _mm256_set1_epi32(W), onei = _mm256_set1_epi32(1);
  for (int p = 0; p < n; p += 8) {
    __m256 a, c;
    if (p + 8 <= n) {
      a = _mm256_loadu_ps(gp + 2 * p), c = _mm256_loadu_ps(gp + 2 * p + 8);
    } else {
      float t[16] = {0};
      for (int k = 0; k < 2 * (n - p); k++) t[k] = gp[2 * p + k];
      a = _mm256_loadu_ps(t), c = _mm256_loadu_ps(t + 8);
    }
    /* within each 128-bit half, then the halves' middle quarters swapped: pixels in order */
    const __m256 e = _mm256_shuffle_ps(a, c, _MM_SHUFFLE(2, 0, 2, 0)), o = _mm256_shuffle_ps(a, c, _MM_SHUFFLE(3, 1, 3, 1));
    const __m256 v0 = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), _MM_SHUFFLE(3, 1, 2, 0)));
    const __m256 v1 = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(o), _MM_SHUFFLE(3, 1, 2, 0)));
    __m256 vx = xs ? v1 : v0, vy = xs ? v0 : v1;
    if (reflect) {
      __m256 dx, dy;
      int sx, sy;
      vx = reflect_grid8(vx, &rx, &dx, &sx), vy = reflect_grid8(vy, &ry, &dy, &sy);
      if (grads) _mm256_store_ps(cc->rx + p, dx), _mm256_store_ps(cc->ry + p, dy);
      if (sx | sy) {
        _Alignas(32) float tx[8], ty[8];
        _mm256_store_ps(tx, vx), _mm256_store_ps(ty, vy);
        reflect_fixup(g, gp, p, n - p, (unsigned)(sx | sy), tx, ty, cc->rx + p, cc->ry + p);
        vx = _mm256_load_ps(tx), vy = _mm256_load_ps(ty);
      }
    }
    __m256i x0, y0;
    const __m256 wx1 = axis8(vx, W, mx, &x0);
    const __m256 wy1 = axis8(vy, H, my, &y0);
    const __m256i x1 = _mm256_add_epi32(x0, onei), y1 = _mm256_add_epi32(y0, onei);
    __m256 m00 = one, m01 = one, m10 = one, m11 = one;
    if (!border) {
      const __m256 mx0 = inside8(x0, W), mx1 = inside8(x1, W), my0 = inside8(y0, H), my1 = inside8(y1, H);
      m00 = _mm256_mul_ps(my0, mx0), m01 = _mm256_mul_ps(my0, mx1);
      m10 = _mm256_mul_ps(my1, mx0), m11 = _mm256_mul_ps(my1, mx1);
    }
    const __m256i cx0 = clamp8(x0, W), cx1 = clamp8(x1, W);
    const __m256i ry0 = _mm256_mullo_epi32(clamp8(y0, H), Wv), ry1 = _mm256_mullo_epi32(clamp8(y1, H), Wv);
    const __m256 wx0 = _mm256_sub_ps(one, wx1), wy0 = _mm256_sub_ps(one, wy1);
    _mm256_store_si256((__m256i *)(cc->o[0] + p), _mm256_add_epi32(ry0, cx0));
    _mm256_store_si256((__m256i *)(cc->o[1] + p), _mm256_add_epi32(ry0, cx1));
    _mm256_store_si256((__m256i *)(cc->o[2] + p), _mm256_add_epi32(ry1, cx0));
    _mm256_store_si256((__m256i *)(cc->o[3] + p), _mm256_add_epi32(ry1, cx1));
    _mm256_store_ps(cc->w[0] + p, _mm256_mul_ps(_mm256_mul_ps(wy0, wx0), m00));
    _mm256_store_ps(cc->w[1] + p, _mm256_mul_ps(_mm256_mul_ps(wy0, wx1), m01));
    _mm256_store_ps(cc->w[2] + p, _mm256_mul_ps(_mm256_mul_ps(wy1, wx0), m10));
    _mm256_store_ps(cc->w[3] + p, _mm256_mul_ps(_mm256_mul_ps(wy1, wx1), m11));
    if (grads) {
      _mm256_store_ps(cc->dx[0] + p, _mm256_mul_ps(_mm256_xor_ps(wy0, neg), m00));
      _mm256_store_ps(cc->dx[1] + p, _mm256_mul_ps(wy0, m01));
      _mm256_store_ps(cc->dx[2] + p, _mm256_mul_ps(_mm256_xor_ps(wy1, neg), m10));
      _mm256_store_ps(cc->dx[3] + p, _mm256_mul_ps(wy1, m11));
      _mm256_store_ps(cc->dy[0] + p, _mm256_mul_ps(_mm256_xor_ps(wx0, neg), m00));
      _mm256_store_ps(cc->dy[1] + p, _mm256_mul_ps(_mm256_xor_ps(wx1, neg), m01));
      _mm256_store_ps(cc->dy[2] + p, _mm256_mul_ps(wx0, m10));
      _mm256_store_ps(cc->dy[3] + p, _mm256_mul_ps(wx1, m11));
    }
  }
}
/* ------------------------------------------------------------------ AVX-512, 16 pixels */

#define AVX512 __attribute__((target("avx2,avx512f,avx512vl,avx512bw,avx512dq")))

static inline AVX512 __m512 axis16(__m512 v, int size, stn_pixel_map map, __m512i *i0) {
  const float size_f = (float)size;
  const __m512 tol = _mm512_set1_ps(stn_snap_tolerance(size));
  __m512 u = STN_GRID_TO_PIXEL(v, map);
  /* roundscale 0x09: toward -inf, no precision exception: the floor of roundps 0x09 */
  const __m512 r = _mm512_roundscale_ps(_mm512_add_ps(u, _mm512_set1_ps(0.5f)), 0x09);
  const __m512 d = _mm512_andnot_ps(_mm512_set1_ps(-0.0f), _mm512_sub_ps(u, r));
  u = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(d, tol, _CMP_LE_OQ), u, r);
  u = _mm512_min_ps(_mm512_max_ps(u, _mm512_set1_ps(-2.0f)), _mm512_set1_ps(size_f + 1.0f));
  const __m512 f = _mm512_roundscale_ps(u, 0x09);
  *i0 = _mm512_cvttps_epi32(f);
  return _mm512_sub_ps(u, f);
}

static inline AVX512 __m512 inside16(__m512i i, int32_t size) {
  const __mmask16 in = _mm512_cmpgt_epi32_mask(i, _mm512_set1_epi32(-1)) & _mm512_cmpgt_epi32_mask(_mm512_set1_epi32(size), i);
  return _mm512_maskz_mov_ps(in, _mm512_set1_ps(1.0f));
}

static inline AVX512 __m512i clamp16(__m512i i, int32_t size) {
  return _mm512_min_epi32(_mm512_max_epi32(i, _mm512_setzero_si512()), _mm512_set1_epi32(size - 1));
}

static AVX512 void corners_avx512(const stn_sampler_geom *g, const float *gp, int n, corner_chunk *restrict cc,
                                  int grads) {
  const int border = g->desc.padding != STN_PADDING_ZEROS, xs = stn_grid_x_slot(g->desc.grid_order);
  const int reflect = g->desc.padding == STN_PADDING_REFLECTION;
  const reflect_axis rx = reflect_axis_of((int)g->W, g->desc.align_corners);
  const reflect_axis ry = reflect_axis_of((int)g->H, g->desc.align_corners);
  const int32_t H = (int32_t)g->H, W = (int32_t)g->W;
  const stn_pixel_map mx = stn_pixel_map_of(W, g->desc.align_corners), my = stn_pixel_map_of(H, g->desc.align_corners);
  const __m512 one = _mm512_set1_ps(1.0f), neg = _mm512_set1_ps(-0.0f);
  const __m512i Wv = _mm512_set1_epi32(W), onei = _mm512_set1_epi32(1);
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_add_epi32(even, onei);
  for (int p = 0; p < n; p += 16) {
    __m512 a, c;
    if (p + 16 <= n) {
      a = _mm512_loadu_ps(gp + 2 * p), c = _mm512_loadu_ps(gp + 2 * p + 16);
    } else {
      float t[32] = {0};
      for (int k = 0; k < 2 * (n - p); k++) t[k] = gp[2 * p + k];
      a = _mm512_loadu_ps(t), c = _mm512_loadu_ps(t + 16);
    }
    const __m512 v0 = _mm512_permutex2var_ps(a, even, c), v1 = _mm512_permutex2var_ps(a, odd, c);
    __m512 vx = xs ? v1 : v0, vy = xs ? v0 : v1;
    if (reflect) {
      __m512 dx, dy;
      __mmask16 sx, sy;
      vx = reflect_grid16(vx, &rx, &dx, &sx), vy = reflect_grid16(vy, &ry, &dy, &sy);
      if (grads) _mm512_store_ps(cc->rx + p, dx), _mm512_store_ps(cc->ry + p, dy);
      if (sx | sy) {
        _Alignas(64) float tx[16], ty[16];
        _mm512_store_ps(tx, vx), _mm512_store_ps(ty, vy);
        reflect_fixup(g, gp, p, n - p, (unsigned)(sx | sy), tx, ty, cc->rx + p, cc->ry + p);
        vx = _mm512_load_ps(tx), vy = _mm512_load_ps(ty);
      }
    }
    __m512i x0, y0;
    const __m512 wx1 = axis16(vx, W, mx, &x0);
    const __m512 wy1 = axis16(vy, H, my, &y0);
    const __m512i x1 = _mm512_add_epi32(x0, onei), y1 = _mm512_add_epi32(y0, onei);
    __m512 m00 = one, m01 = one, m10 = one, m11 = one;
    if (!border) {
      const __m512 mx0 = inside16(x0, W), mx1 = inside16(x1, W), my0 = inside16(y0, H), my1 = inside16(y1, H);
      m00 = _mm512_mul_ps(my0, mx0), m01 = _mm512_mul_ps(my0, mx1);
      m10 = _mm512_mul_ps(my1, mx0), m11 = _mm512_mul_ps(my1, mx1);
    }
    const __m512i cx0 = clamp16(x0, W), cx1 = clamp16(x1, W);
    const __m512i ry0 = _mm512_mullo_epi32(clamp16(y0, H), Wv), ry1 = _mm512_mullo_epi32(clamp16(y1, H), Wv);
    const __m512 wx0 = _mm512_sub_ps(one, wx1), wy0 = _mm512_sub_ps(one, wy1);
    _mm512_store_si512(cc->o[0] + p, _mm512_add_epi32(ry0, cx0));
    _mm512_store_si512(cc->o[1] + p, _mm512_add_epi32(ry0, cx1));
    _mm512_store_si512(cc->o[2] + p, _mm512_add_epi32(ry1, cx0));
    _mm512_store_si512(cc->o[3] + p, _mm512_add_epi32(ry1, cx1));
    _mm512_store_ps(cc->w[0] + p, _mm512_mul_ps(_mm512_mul_ps(wy0, wx0), m00));
    _mm512_store_ps(cc->w[1] + p, _mm512_mul_ps(_mm512_mul_ps(wy0, wx1), m01));
    _mm512_store_ps(cc->w[2] + p, _mm512_mul_ps(_mm512_mul_ps(wy1, wx0), m10));
    _mm512_store_ps(cc->w[3] + p, _mm512_mul_ps(_mm512_mul_ps(wy1, wx1), m11));
    if (grads) {
      _mm512_store_ps(cc->dx[0] + p, _mm512_mul_ps(_mm512_xor_ps(wy0, neg), m00));
      _mm512_store_ps(cc->dx[1] + p, _mm512_mul_ps(wy0, m01));
      _mm512_store_ps(cc->dx[2] + p, _mm512_mul_ps(_mm512_xor_ps(wy1, neg), m10));
      _mm512_store_ps(cc->dx[3] + p, _mm512_mul_ps(wy1, m11));
      _mm512_store_ps(cc->dy[0] + p, _mm512_mul_ps(_mm512_xor_ps(wx0, neg), m00));
      _mm512_store_ps(cc->dy[1] + p, _mm512_mul_ps(_mm512_xor_ps(wx1, neg), m01));
      _mm512_store_ps(cc->dy[2] + p, _mm512_mul_ps(wx0, m10));
      _mm512_store_ps(cc->dy[3] + p, _mm512_mul_ps(wx1, m11));
    }
  }
}
#endif

/* ------------------------------------------------------------------ entry points */

void stn_chunk_corners(const stn_sampler_geom *g, const float *grid, int64_t b, int64_t p0, int n,
                       corner_chunk *restrict cc, int grads) {
  const float *gp = grid + (b * g->Ho * g->Wo + p0) * 2;
#ifdef STN_HAVE_AVX2_PATH
  const int isa = stn_isa_active();
  if (isa >= STN_ISA_AVX512) {
    corners_avx512(g, gp, n, cc, grads);
    return;
  }
  if (isa >= STN_ISA_AVX2) {
    corners_avx2(g, gp, n, cc, grads);
    return;
  }
#endif
  corners_sse(g, gp, n, cc, grads);
}

/* gx = ((dx0 s0 + dx1 s1) + dx2 s2) + dx3 s3 (and gy), times d(pixel)/d(grid value),
 * four pixels at a time: their corner sums s[p][k] transposed to one vector per corner. */
void stn_chunk_grid_grad(const stn_sampler_geom *g, const corner_chunk *restrict cc, float (*s)[4], int n,
                         float *gg) {
  const __m128 sx = _mm_set1_ps(stn_pixel_map_of((int)g->W, g->desc.align_corners).scale);
  const __m128 sy = _mm_set1_ps(stn_pixel_map_of((int)g->H, g->desc.align_corners).scale);
  const int xs = stn_grid_x_slot(g->desc.grid_order), reflect = g->desc.padding == STN_PADDING_REFLECTION;
  for (int p = 0; p < n; p += 4) {
    __m128 t0 = _mm_load_ps(s[p]), t1 = _mm_load_ps(s[p + 1]), t2 = _mm_load_ps(s[p + 2]), t3 = _mm_load_ps(s[p + 3]);
    _MM_TRANSPOSE4_PS(t0, t1, t2, t3);
    __m128 gx = _mm_mul_ps(_mm_load_ps(cc->dx[0] + p), t0), gy = _mm_mul_ps(_mm_load_ps(cc->dy[0] + p), t0);
    gx = _mm_add_ps(gx, _mm_mul_ps(_mm_load_ps(cc->dx[1] + p), t1));
    gy = _mm_add_ps(gy, _mm_mul_ps(_mm_load_ps(cc->dy[1] + p), t1));
    gx = _mm_add_ps(gx, _mm_mul_ps(_mm_load_ps(cc->dx[2] + p), t2));
    gy = _mm_add_ps(gy, _mm_mul_ps(_mm_load_ps(cc->dy[2] + p), t2));
    gx = _mm_add_ps(gx, _mm_mul_ps(_mm_load_ps(cc->dx[3] + p), t3));
    gy = _mm_add_ps(gy, _mm_mul_ps(_mm_load_ps(cc->dy[3] + p), t3));
    gx = _mm_mul_ps(gx, sx), gy = _mm_mul_ps(gy, sy);
    if (reflect) { /* the chain factor; 0 where it is 0 */
      const __m128 rx = _mm_load_ps(cc->rx + p), ry = _mm_load_ps(cc->ry + p), zero = _mm_setzero_ps();
      gx = _mm_and_ps(_mm_cmpneq_ps(rx, zero), _mm_mul_ps(gx, rx));
      gy = _mm_and_ps(_mm_cmpneq_ps(ry, zero), _mm_mul_ps(gy, ry));
    }
    const __m128 first = xs ? gy : gx, second = xs ? gx : gy;
    const __m128 lo = _mm_unpacklo_ps(first, second), hi = _mm_unpackhi_ps(first, second);
    float *out = gg + 2 * p;
    if (p + 4 <= n) {
      _mm_storeu_ps(out, lo), _mm_storeu_ps(out + 4, hi);
    } else {
      float t[8];
      _mm_storeu_ps(t, lo), _mm_storeu_ps(t + 4, hi);
      for (int k = 0; k < 2 * (n - p); k++) out[k] = t[k];
    }
  }
}
