/* sampler_hwc.c: the BCHW sampler's CPU loops for several channels, through a
 * channels-last copy of one batch element: each corner's channels are then contiguous
 * and a sample is a few SIMD multiply-adds over them. Called by sampler_cpu.c, one task
 * per (batch element, channel group), each on its own thread's scratch.
 *
 * Same bits as the planar loops: an output is ((w0 a + w1 b) + w2 c) + w3 d per channel,
 * an image gradient element takes its terms in pixel and corner order, and the channel
 * sums of the grid gradient follow the lane order of sampler_chunk.h. */

#include "sampler_chunk.h"

#include <stdlib.h>
#include <string.h>

/* Lanes of the channel loops. GCC lowers an 8-float vector to two SSE registers in the
 * baseline clone and to one AVX register in the AVX2 one: the same operations per lane. */
typedef float f8 __attribute__((vector_size(32)));
typedef float f4 __attribute__((vector_size(16)));

/* dst[p * Cp + c] = src[c * stride + p] for c < nch, p < n; channels nch..Cp-1 are 0.
 * Cp is a multiple of 4 and dst 16-byte aligned. */
STN_INLINE void to_hwc(const float *src, int64_t stride, int64_t nch, int64_t n, float *restrict dst, int64_t Cp) {
  for (int64_t c = 0; c < Cp; c += 4) {
    const float *r = src + c * stride;
    const int rows = nch - c >= 4 ? 4 : (int)(nch - c);
    int64_t p = 0;
    if (rows == 4) {
      for (; p + 4 <= n; p += 4) {
        __m128 v0 = _mm_loadu_ps(r + p), v1 = _mm_loadu_ps(r + stride + p);
        __m128 v2 = _mm_loadu_ps(r + 2 * stride + p), v3 = _mm_loadu_ps(r + 3 * stride + p);
        _MM_TRANSPOSE4_PS(v0, v1, v2, v3);
        _mm_store_ps(dst + p * Cp + c, v0), _mm_store_ps(dst + (p + 1) * Cp + c, v1);
        _mm_store_ps(dst + (p + 2) * Cp + c, v2), _mm_store_ps(dst + (p + 3) * Cp + c, v3);
      }
    } else { /* the last rows: missing ones read the group's first row and are masked to zeros */
      const float *rk[4];
      __m128 keep[4];
      for (int k = 0; k < 4; k++) {
        rk[k] = k < rows ? r + k * stride : src;
        keep[k] = _mm_castsi128_ps(_mm_set1_epi32(k < rows ? -1 : 0));
      }
      for (; p + 4 <= n; p += 4) {
        __m128 v0 = _mm_and_ps(_mm_loadu_ps(rk[0] + p), keep[0]), v1 = _mm_and_ps(_mm_loadu_ps(rk[1] + p), keep[1]);
        __m128 v2 = _mm_and_ps(_mm_loadu_ps(rk[2] + p), keep[2]), v3 = _mm_and_ps(_mm_loadu_ps(rk[3] + p), keep[3]);
        _MM_TRANSPOSE4_PS(v0, v1, v2, v3);
        _mm_store_ps(dst + p * Cp + c, v0), _mm_store_ps(dst + (p + 1) * Cp + c, v1);
        _mm_store_ps(dst + (p + 2) * Cp + c, v2), _mm_store_ps(dst + (p + 3) * Cp + c, v3);
      }
    }
    for (; p < n; p++)
      for (int k = 0; k < 4; k++) dst[p * Cp + c + k] = k < rows ? r[k * stride + p] : 0.0f;
  }
}

/* dst[c * stride + p] = src[p * Cp + c] for c < nch, p < n. */
STN_INLINE void from_hwc(const float *restrict src, int64_t Cp, int64_t nch, int64_t n, float *dst, int64_t stride) {
  for (int64_t c = 0; c < nch; c += 4) {
    const int rows = nch - c < 4 ? (int)(nch - c) : 4;
    float *r = dst + c * stride;
    int64_t p = 0;
    for (; p + 4 <= n; p += 4) {
      __m128 v[4];
      for (int k = 0; k < 4; k++) v[k] = _mm_load_ps(src + (p + k) * Cp + c);
      _MM_TRANSPOSE4_PS(v[0], v[1], v[2], v[3]);
      if (rows == 4) {
        _mm_storeu_ps(r + p, v[0]), _mm_storeu_ps(r + stride + p, v[1]);
        _mm_storeu_ps(r + 2 * stride + p, v[2]), _mm_storeu_ps(r + 3 * stride + p, v[3]);
      } else {
        for (int k = 0; k < rows; k++) _mm_storeu_ps(r + k * stride + p, v[k]);
      }
    }
    for (; p < n; p++)
      for (int k = 0; k < rows; k++) r[k * stride + p] = src[p * Cp + c + k];
  }
}

/* Output pixels of a chunk, channels-last: y[p] = ((w0 x[o0] + w1 x[o1]) + w2 x[o2]) + w3 x[o3]. */
STN_INLINE void pixels_forward_hwc(const corner_chunk *restrict cc, int n, const float *restrict x, float *restrict y,
                                   int64_t Cp) {
  for (int p = 0; p < n; p++) {
    const float *a = x + cc->o[0][p] * Cp, *b = x + cc->o[1][p] * Cp;
    const float *c = x + cc->o[2][p] * Cp, *d = x + cc->o[3][p] * Cp;
    const float w0 = cc->w[0][p], w1 = cc->w[1][p], w2 = cc->w[2][p], w3 = cc->w[3][p];
    float *yp = y + p * Cp;
    for (int64_t k = 0; k < Cp; k += 8)
      *(f8 *)(yp + k) = ((w0 * *(const f8 *)(a + k) + w1 * *(const f8 *)(b + k)) + w2 * *(const f8 *)(c + k)) +
                        w3 * *(const f8 *)(d + k);
  }
}

/* The lower four lanes of t plus the upper four. */
STN_INLINE __m128 fold8(f8 t) {
  const f4 lo = {t[0], t[1], t[2], t[3]}, hi = {t[4], t[5], t[6], t[7]};
  return (__m128)(lo + hi);
}

/* Backward of a chunk, channels-last, from gradOutput z (Cp floats a pixel): the image
 * gradient scattered into gacc (when IMG), and each corner's channel sum of z times the
 * corner's value into s (when GRID), in the lanes of sampler_chunk.h: Cp == 4 (then 4
 * lanes, one channel each) or a multiple of 8. Inlined with constant flags (and Cp). */
STN_INLINE void pixels_backward_hwc(const corner_chunk *restrict cc, int n, const float *restrict x,
                                    const float *restrict z, float *gacc, float (*s)[4], const int64_t Cp,
                                    const int IMG, const int GRID) {
  for (int p = 0; p < n; p++) {
    const int64_t oa = cc->o[0][p] * Cp, ob = cc->o[1][p] * Cp, oc = cc->o[2][p] * Cp, od = cc->o[3][p] * Cp;
    const float w0 = cc->w[0][p], w1 = cc->w[1][p], w2 = cc->w[2][p], w3 = cc->w[3][p];
    const float *zp = z + p * Cp;
    if (Cp == 4) {
      const f4 v = *(const f4 *)zp;
      if (GRID)
        _mm_store_ps(s[p], lane4_sums((__m128)(v * *(const f4 *)(x + oa)), (__m128)(v * *(const f4 *)(x + ob)),
                                      (__m128)(v * *(const f4 *)(x + oc)), (__m128)(v * *(const f4 *)(x + od))));
      if (IMG) {
        *(f4 *)(gacc + oa) += w0 * v;
        *(f4 *)(gacc + ob) += w1 * v;
        *(f4 *)(gacc + oc) += w2 * v;
        *(f4 *)(gacc + od) += w3 * v;
      }
    } else {
      f8 t0 = {0}, t1 = {0}, t2 = {0}, t3 = {0};
      for (int64_t k = 0; k < Cp; k += 8) {
        const f8 v = *(const f8 *)(zp + k);
        if (GRID) {
          t0 += v * *(const f8 *)(x + oa + k);
          t1 += v * *(const f8 *)(x + ob + k);
          t2 += v * *(const f8 *)(x + oc + k);
          t3 += v * *(const f8 *)(x + od + k);
        }
        if (IMG) {
          *(f8 *)(gacc + oa + k) += w0 * v;
          *(f8 *)(gacc + ob + k) += w1 * v;
          *(f8 *)(gacc + oc + k) += w2 * v;
          *(f8 *)(gacc + od + k) += w3 * v;
        }
      }
      if (GRID) _mm_store_ps(s[p], lane4_sums(fold8(t0), fold8(t1), fold8(t2), fold8(t3)));
    }
  }
}

/* The forward of element b, channels [c0, c1) (more than 4: fewer go the planar way). */
STN_CLONES void stn_sampler_hwc_forward(const stn_sampler_geom *g, const float *images, const float *grid,
                                        float *output, int64_t b, int64_t c0, int64_t c1, stn_hwc_scratch *sc) {
  const int64_t hw = g->H * g->W, P = g->Ho * g->Wo, nch = c1 - c0, Cp = (nch + 7) / 8 * 8;
  corner_chunk cc;
  to_hwc(images + b * g->img_b + c0 * hw, hw, nch, hw, sc->x, Cp);
  float *out = output + b * g->out_b + c0 * P;
  for (int64_t q0 = 0; q0 < P; q0 += CHUNK) {
    const int n = (int)(P - q0 < CHUNK ? P - q0 : CHUNK);
    stn_chunk_corners(g, grid, b, q0, n, &cc, 0);
    pixels_forward_hwc(&cc, n, sc->x, sc->z, Cp);
    from_hwc(sc->z, Cp, nch, n, out + q0, P);
  }
}

/* Backward of element b, channels [c0, c1): the image gradient of those channels into
 * gimg (the element's; NULL: skipped) and, when ggrid is not NULL (c0..c1 must then be
 * every channel), the grid gradient of the element. */
STN_CLONES void stn_sampler_hwc_backward(const stn_sampler_geom *g, const float *images, const float *grid,
                                         const float *grad_output, float *gimg, float *ggrid, int64_t b, int64_t c0,
                                         int64_t c1, stn_hwc_scratch *sc) {
  const int64_t hw = g->H * g->W, P = g->Ho * g->Wo, nch = c1 - c0, Cp = sampler_padded(nch);
  corner_chunk cc;
  _Alignas(16) float s[CHUNK][4];
  to_hwc(images + b * g->img_b + c0 * hw, hw, nch, hw, sc->x, Cp);
  if (gimg) memset(sc->g, 0, (size_t)(hw * Cp) * sizeof(float));
  const float *go = grad_output + b * g->out_b + c0 * P;
  for (int64_t q0 = 0; q0 < P; q0 += CHUNK) {
    const int n = (int)(P - q0 < CHUNK ? P - q0 : CHUNK);
    stn_chunk_corners(g, grid, b, q0, n, &cc, ggrid != NULL);
    to_hwc(go + q0, P, nch, n, sc->z, Cp);
    const float *x = sc->x, *z = sc->z;
    if (Cp == 4) {
      if (gimg && ggrid) pixels_backward_hwc(&cc, n, x, z, sc->g, s, 4, 1, 1);
      else if (gimg) pixels_backward_hwc(&cc, n, x, z, sc->g, s, 4, 1, 0);
      else pixels_backward_hwc(&cc, n, x, z, sc->g, s, 4, 0, 1);
    } else {
      if (gimg && ggrid) pixels_backward_hwc(&cc, n, x, z, sc->g, s, Cp, 1, 1);
      else if (gimg) pixels_backward_hwc(&cc, n, x, z, sc->g, s, Cp, 1, 0);
      else pixels_backward_hwc(&cc, n, x, z, sc->g, s, Cp, 0, 1);
    }
    if (ggrid) stn_chunk_grid_grad(g, &cc, s, n, ggrid + (b * P + q0) * 2);
  }
  if (gimg) from_hwc(sc->g, Cp, nch, hw, gimg + c0 * hw, hw);
}

/* Scratch for channel groups of up to gmax channels (image, image gradient when
 * with_grad, a chunk of gradOutput or output), 64-byte aligned. */
int stn_hwc_scratch_alloc(stn_hwc_scratch *sc, const stn_sampler_geom *g, int64_t gmax, int with_grad) {
  const int64_t Cp = (gmax + 7) / 8 * 8, hw = g->H * g->W; /* room for either padding */
  const size_t plane = (size_t)((hw * Cp * (int64_t)sizeof(float) + 63) / 64 * 64);
  const size_t chunk = (size_t)(CHUNK * Cp) * sizeof(float);
  sc->x = (float *)aligned_alloc(64, plane);
  sc->g = with_grad ? (float *)aligned_alloc(64, plane) : NULL;
  sc->z = (float *)aligned_alloc(64, chunk);
  if (sc->x && sc->z && (sc->g || !with_grad)) return 1;
  stn_hwc_scratch_free(sc);
  return 0;
}

void stn_hwc_scratch_free(stn_hwc_scratch *sc) {
  free(sc->x);
  free(sc->g);
  free(sc->z);
  sc->x = sc->g = sc->z = NULL;
}
