/* sampler_chunk.h: what the CPU sampler loops (sampler_cpu.c, sampler_hwc.c) share: the
 * corners and weights of a chunk of output pixels, computed four pixels at a time with
 * SSE4.1 (the ISA floor), and the fixed lane order in which channel sums are taken. */
#ifndef STN_SAMPLER_CHUNK_H
#define STN_SAMPLER_CHUNK_H

#include "sampler.h"

#include <smmintrin.h>

/* Pixels per chunk: a chunk's corners are computed in one pass, then every channel
 * reuses them while they sit in L1 (with the channels-last path, a chunk of gradOutput
 * or output, Cp floats a pixel, stays in L1 or L2 too). A multiple of 4. */
#define CHUNK 64
#define STN_INLINE static inline __attribute__((always_inline))
/* Task functions are compiled twice, for AVX2 and for the baseline, and picked at load
 * time. No FMA: the corner arithmetic must round exactly as on the GPU, which picks the
 * same neighbours; and the wider clone must give the same bits as the baseline (build
 * with -DSTN_NO_CLONES to get the baseline alone and compare). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(STN_NO_CLONES)
#define STN_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define STN_CLONES
#endif

typedef struct corner_chunk {
  _Alignas(16) int32_t o[4][CHUNK]; /* pixel index y * W + x of each corner, clamped into the image */
  _Alignas(16) float w[4][CHUNK];   /* interpolation weights, 0 for corners outside (zeros padding) */
  _Alignas(16) float dx[4][CHUNK];  /* d(value)/d(pixel x) from the corner values */
  _Alignas(16) float dy[4][CHUNK];  /* d(value)/d(pixel y) */
} corner_chunk;

/* One axis of four samples: stn_axis_of (bilinear.h) in the same float operations and
 * order. max(u, -2) also maps NaN to -2 (maxps returns its second operand then). */
STN_INLINE __m128 axis4(__m128 v, float size_f, int align, __m128i *i0) {
  const __m128 s = _mm_set1_ps(align ? (size_f - 1.0f) * 0.5f : size_f * 0.5f);
  const __m128 shift = _mm_set1_ps(align ? 0.0f : 0.5f), half = _mm_set1_ps(0.5f);
  const __m128 tol = _mm_set1_ps(size_f * 2.384185791015625e-07f); /* stn_snap_tolerance */
  __m128 u = _mm_sub_ps(_mm_mul_ps(_mm_add_ps(v, _mm_set1_ps(1.0f)), s), shift);
  const __m128 r = _mm_floor_ps(_mm_add_ps(u, half));
  const __m128 d = _mm_andnot_ps(_mm_set1_ps(-0.0f), _mm_sub_ps(u, r));
  u = _mm_blendv_ps(u, r, _mm_cmple_ps(d, tol));
  u = _mm_max_ps(u, _mm_set1_ps(-2.0f));
  u = _mm_min_ps(u, _mm_set1_ps(size_f + 1.0f));
  const __m128 f = _mm_floor_ps(u);
  *i0 = _mm_cvttps_epi32(f);
  return _mm_sub_ps(u, f);
}

/* 1.0f where index i lies in [0, size) (or everywhere with border padding), else 0.0f. */
STN_INLINE __m128 inside4(__m128i i, int32_t size, int border) {
  if (border) return _mm_set1_ps(1.0f);
  const __m128i in = _mm_and_si128(_mm_cmpgt_epi32(i, _mm_set1_epi32(-1)), _mm_cmpgt_epi32(_mm_set1_epi32(size), i));
  return _mm_and_ps(_mm_castsi128_ps(in), _mm_set1_ps(1.0f));
}

STN_INLINE __m128i clamp4(__m128i i, int32_t size) {
  return _mm_min_epi32(_mm_max_epi32(i, _mm_setzero_si128()), _mm_set1_epi32(size - 1));
}

/* Corners of output pixels [p0, p0 + n) of batch element b (with grads, the derivative
 * weights too): the values of stn_corners_of (bilinear.h), bit for bit, four pixels at
 * a time; entries n..roundup(n, 4) - 1 are filled with harmless values. */
STN_INLINE void chunk_corners(const stn_sampler_geom *g, const float *grid, int64_t b, int64_t p0, int n,
                              corner_chunk *restrict cc, int grads) {
  const float *gp = grid + (b * g->Ho * g->Wo + p0) * 2;
  const int border = g->padding == STN_PADDING_BORDER, align = g->align_corners;
  const int32_t H = (int32_t)g->H, W = (int32_t)g->W;
  const __m128 one = _mm_set1_ps(1.0f);
  const __m128i Wv = _mm_set1_epi32(W), onei = _mm_set1_epi32(1);
  for (int p = 0; p < n; p += 4) {
    __m128 a, c;
    if (p + 4 <= n) {
      a = _mm_loadu_ps(gp + 2 * p), c = _mm_loadu_ps(gp + 2 * p + 4);
    } else { /* the last few pixels, padded with zeros */
      float t[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      for (int k = 0; k < 2 * (n - p); k++) t[k] = gp[2 * p + k];
      a = _mm_loadu_ps(t), c = _mm_loadu_ps(t + 4);
    }
    const __m128 first = _mm_shuffle_ps(a, c, _MM_SHUFFLE(2, 0, 2, 0)), second = _mm_shuffle_ps(a, c, _MM_SHUFFLE(3, 1, 3, 1));
    __m128i x0, y0;
    const __m128 wx1 = axis4(g->grid_xy ? first : second, (float)W, align, &x0);
    const __m128 wy1 = axis4(g->grid_xy ? second : first, (float)H, align, &y0);
    const __m128i x1 = _mm_add_epi32(x0, onei), y1 = _mm_add_epi32(y0, onei);
    const __m128 mx0 = inside4(x0, W, border), mx1 = inside4(x1, W, border);
    const __m128 my0 = inside4(y0, H, border), my1 = inside4(y1, H, border);
    const __m128i cx0 = clamp4(x0, W), cx1 = clamp4(x1, W);
    const __m128i ry0 = _mm_mullo_epi32(clamp4(y0, H), Wv), ry1 = _mm_mullo_epi32(clamp4(y1, H), Wv);
    const __m128 wx0 = _mm_sub_ps(one, wx1), wy0 = _mm_sub_ps(one, wy1);
    const __m128 m00 = _mm_mul_ps(my0, mx0), m01 = _mm_mul_ps(my0, mx1);
    const __m128 m10 = _mm_mul_ps(my1, mx0), m11 = _mm_mul_ps(my1, mx1);
    _mm_store_si128((__m128i *)(cc->o[0] + p), _mm_add_epi32(ry0, cx0));
    _mm_store_si128((__m128i *)(cc->o[1] + p), _mm_add_epi32(ry0, cx1));
    _mm_store_si128((__m128i *)(cc->o[2] + p), _mm_add_epi32(ry1, cx0));
    _mm_store_si128((__m128i *)(cc->o[3] + p), _mm_add_epi32(ry1, cx1));
    _mm_store_ps(cc->w[0] + p, _mm_mul_ps(_mm_mul_ps(wy0, wx0), m00));
    _mm_store_ps(cc->w[1] + p, _mm_mul_ps(_mm_mul_ps(wy0, wx1), m01));
    _mm_store_ps(cc->w[2] + p, _mm_mul_ps(_mm_mul_ps(wy1, wx0), m10));
    _mm_store_ps(cc->w[3] + p, _mm_mul_ps(_mm_mul_ps(wy1, wx1), m11));
    if (grads) {
      const __m128 neg = _mm_set1_ps(-0.0f);
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

/* ---- channel sums in a fixed lane order
 * The grid gradient needs, per output pixel and corner, the sum over channels of
 * gradOutput times the corner's value. The channels-last path adds them in SIMD lanes,
 * so every path takes them in that order. With C <= 4, lane j holds channel j's product
 * (+0 for j >= C) and the sum is (l0 + l2) + (l1 + l3); otherwise lane j of 8 sums
 * channels j, j + 8, j + 16, ... in order, starting from +0, the upper four lanes are
 * added to the lower four (l0 + l4, ...) and those four summed the same way. The AVX2 and
 * baseline code, the channels-last and planar loops and every thread count then give
 * the same bits. */
STN_INLINE int sampler_lanes(int64_t C) { return C <= 4 ? 4 : 8; }
/* Channels padded to a whole number of lanes. */
STN_INLINE int64_t sampler_padded(int64_t C) { return C <= 4 ? 4 : (C + 7) / 8 * 8; }
STN_INLINE float lane4_sum(const float *l) { return (l[0] + l[2]) + (l[1] + l[3]); }
STN_INLINE float lane8_sum(const float *l) {
  const float f[4] = {l[0] + l[4], l[1] + l[5], l[2] + l[6], l[3] + l[7]};
  return lane4_sum(f);
}
/* The four corners' sums at once from their four lanes each: s = {lane4_sum(t0), ...}. */
STN_INLINE __m128 lane4_sums(__m128 t0, __m128 t1, __m128 t2, __m128 t3) {
  _MM_TRANSPOSE4_PS(t0, t1, t2, t3);
  return _mm_add_ps(_mm_add_ps(t0, t2), _mm_add_ps(t1, t3));
}

/* The grid gradient of a chunk's pixels from their corner sums s (s[p][k]: pixel p,
 * corner k; into gg, the chunk's grid gradient), as stn_corners_of's dx, dy weigh them. */
STN_INLINE void chunk_grid_grad(const stn_sampler_geom *g, const corner_chunk *restrict cc, float (*s)[4], int n,
                                float *gg) {
  const float sxs = stn_unnormalize_scale((int)g->W, g->align_corners);
  const float sys = stn_unnormalize_scale((int)g->H, g->align_corners);
  const int ix = g->grid_xy ? 0 : 1;
  for (int p = 0; p < n; p++) {
    const float *t = s[p];
    const float gx = cc->dx[0][p] * t[0] + cc->dx[1][p] * t[1] + cc->dx[2][p] * t[2] + cc->dx[3][p] * t[3];
    const float gy = cc->dy[0][p] * t[0] + cc->dy[1][p] * t[1] + cc->dy[2][p] * t[2] + cc->dy[3][p] * t[3];
    gg[2 * p + ix] = gx * sxs;
    gg[2 * p + 1 - ix] = gy * sys;
  }
}

#endif /* STN_SAMPLER_CHUNK_H */
