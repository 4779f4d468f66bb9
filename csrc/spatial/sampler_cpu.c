/* sampler_cpu.c: the sampler's CPU loops for every descriptor (stn_sampler_forward_cpu,
 * stn_sampler_backward_cpu): the task loops (threads), the planar loops (BHWC images,
 * and BCHW ones of few channels) and the channels-last loops (BCHW images of several
 * channels). Each sample's corners and weights are computed once for all channels
 * (sampler_corners.c); every output and gradient element is written by exactly one
 * thread in a fixed order, so results do not depend on the thread count. */

#include "sampler_cpu.h"
#include "core/cpu_paths.h"

#include <stdlib.h>
#include <string.h>

/* The task loops are built for the generic and AVX2 paths; AVX-512 runs the AVX2 build
 * (its own build measured no faster: bench/NOTES.md, issue 17), with its own corner loop. */

/* ------------------------------------------------------------------ planar loops */

/* The BCHW forward of a chunk one pixel at a time, its corners in registers for nch
 * channels (inlined with nch = 1..4: more go the channels-last way). */
STN_INLINE void pixels_forward(const corner_chunk *restrict cc, int n, const float *restrict img,
                               float *restrict out, const int64_t nch, const int64_t hw, const int64_t P) {
  for (int p = 0; p < n; p++) {
    const int32_t a = cc->o[0][p], b = cc->o[1][p], c2 = cc->o[2][p], d = cc->o[3][p];
    const float w0 = cc->w[0][p], w1 = cc->w[1][p], w2 = cc->w[2][p], w3 = cc->w[3][p];
    for (int64_t c = 0; c < nch; c++) {
      const float *in = img + c * hw;
      out[c * P + p] = w0 * in[a] + w1 * in[b] + w2 * in[c2] + w3 * in[d];
    }
  }
}

/* Output pixels [p0, p0 + n) of batch element b, every channel: BCHW images of up to 4
 * channels (more where sampler_hwc declines the plane) one pixel at a time; BHWD ones one
 * pixel at a time, vectorized over its contiguous channels. */
STN_INLINE void forward_task_body(const stn_sampler_geom *g, const float *images, const float *grid, float *output,
                                  int64_t b, int64_t p0, int n) {
  corner_chunk cc;
  stn_chunk_corners(g, grid, b, p0, n, &cc, 0);
  const int64_t C = g->C, hw = g->H * g->W, P = g->Ho * g->Wo;
  const float *img = images + b * g->img_b;
  float *out = output + b * g->out_b + p0 * g->out_p;
  if (!stn_sampler_channels_last(g)) {
    if (C == 1) pixels_forward(&cc, n, img, out, 1, hw, P);
    else if (C == 2) pixels_forward(&cc, n, img, out, 2, hw, P);
    else if (C == 3) pixels_forward(&cc, n, img, out, 3, hw, P);
    else if (C == 4) pixels_forward(&cc, n, img, out, 4, hw, P);
    else /* more channels on a plane too big for the channels-last copies (sampler_hwc) */
      for (int64_t c = 0; c < C; c += 4)
        pixels_forward(&cc, n, img + c * hw, out + c * P, C - c < 4 ? C - c : 4, hw, P);
    return;
  }
  for (int p = 0; p < n; p++) {
    const float *a = img + (int64_t)cc.o[0][p] * C, *bb = img + (int64_t)cc.o[1][p] * C;
    const float *c2 = img + (int64_t)cc.o[2][p] * C, *d = img + (int64_t)cc.o[3][p] * C;
    const float v0 = cc.w[0][p], v1 = cc.w[1][p], v2 = cc.w[2][p], v3 = cc.w[3][p];
    float *restrict o = out + p * C;
    for (int64_t c = 0; c < C; c++) o[c] = v0 * a[c] + v1 * bb[c] + v2 * c2[c] + v3 * d[c];
  }
}
STN_PATHS_AVX2(forward_task, forward_task_body,
          (const stn_sampler_geom *g, const float *images, const float *grid, float *output, int64_t b, int64_t p0,
           int n),
          (g, images, grid, output, b, p0, n))

/* The grid gradient's corner sums of a BCHW chunk read from the planar images, in the
 * lane order of sampler_cpu.h (L lanes; inlined with L = 4 and 8). */
STN_INLINE void pixels_lanes(const corner_chunk *restrict cc, int n, const float *img, const float *go,
                             float (*s)[4], const int64_t C, const int64_t hw, const int64_t P, const int L) {
  for (int p = 0; p < n; p++) {
    float l[4][8] = {{0}};
    for (int64_t c0 = 0; c0 < C; c0 += L) {
      const int m = C - c0 < L ? (int)(C - c0) : L;
      for (int j = 0; j < m; j++) {
        const float v = go[(c0 + j) * P + p], *ic = img + (c0 + j) * hw;
        for (int k = 0; k < 4; k++) {
          if (L == 4) l[k][j] = v * ic[cc->o[k][p]];
          else l[k][j] += v * ic[cc->o[k][p]];
        }
      }
    }
    for (int k = 0; k < 4; k++) s[p][k] = L == 4 ? lane4_sum(l[k]) : lane8_sum(l[k]);
  }
}

/* One-channel BCHW backward of a chunk: the image gradient scattered into gi (IMG) and
 * the corner sums of sampler_cpu.h (one lane: the product plus +0) into s (GRID).
 * Inlined with constant flags. */
STN_INLINE void pixels_one(const corner_chunk *restrict cc, int n, const float *restrict img, const float *restrict go,
                           float *gi, float (*s)[4], const int IMG, const int GRID) {
  for (int p = 0; p < n; p++) {
    const int32_t a = cc->o[0][p], b = cc->o[1][p], c2 = cc->o[2][p], d = cc->o[3][p];
    const float v = go[p];
    if (GRID) {
      const __m128 x = _mm_set_ps(img[d], img[c2], img[b], img[a]);
      _mm_store_ps(s[p], _mm_add_ps(_mm_mul_ps(_mm_set1_ps(v), x), _mm_setzero_ps()));
    }
    if (IMG) {
      gi[a] += cc->w[0][p] * v;
      gi[b] += cc->w[1][p] * v;
      gi[c2] += cc->w[2][p] * v;
      gi[d] += cc->w[3][p] * v;
    }
  }
}

/* Backward of batch element b over output pixels [p0, p1) and channels [c0, c1), for
 * BHWD images, one-channel BCHW ones, BCHW ones on planes too big for the channels-last
 * copies (sampler_hwc), and the grid gradient alone of BCHW ones: scatters
 * into the image gradient (gimg, the element's; NULL: skipped), and, when ggrid is not
 * NULL, writes the grid gradient of those pixels (c0..c1 must then be every channel).
 * BHWD sums each corner's gradOutput times value over the channels in order; BCHW
 * follows the lane order of sampler_cpu.h. */
STN_INLINE void backward_task_body(const stn_sampler_geom *g, const float *images, const float *grid,
                                   const float *grad_output, float *gimg, float *ggrid, int64_t b, int64_t c0,
                                   int64_t c1, int64_t p0, int64_t p1) {
  const int64_t C = g->C, hw = g->H * g->W, P = g->Ho * g->Wo;
  const float *img = images + b * g->img_b;
  corner_chunk cc;
  _Alignas(16) float s[CHUNK][4];
  for (int64_t q0 = p0; q0 < p1; q0 += CHUNK) {
    const int n = (int)(p1 - q0 < CHUNK ? p1 - q0 : CHUNK);
    stn_chunk_corners(g, grid, b, q0, n, &cc, ggrid != NULL);
    const float *go = grad_output + b * g->out_b + q0 * g->out_p;
    if (!stn_sampler_channels_last(g)) {
      if (C == 1 && gimg && ggrid) pixels_one(&cc, n, img, go, gimg, s, 1, 1);
      else if (C == 1 && gimg) pixels_one(&cc, n, img, go, gimg, s, 1, 0);
      else if (C == 1) pixels_one(&cc, n, img, go, gimg, s, 0, 1);
      else {
        if (ggrid && sampler_lanes(C) == 4) pixels_lanes(&cc, n, img, go, s, C, hw, P, 4);
        else if (ggrid) pixels_lanes(&cc, n, img, go, s, C, hw, P, 8);
        /* a plane too big for the channels-last copies (sampler_hwc): channel by channel */
        if (gimg)
          for (int64_t c = c0; c < c1; c++) pixels_one(&cc, n, img + c * hw, go + c * P, gimg + c * hw, s, 1, 0);
      }
    } else {
      for (int p = 0; p < n; p++) {
        const int64_t a = (int64_t)cc.o[0][p] * C, bb = (int64_t)cc.o[1][p] * C;
        const int64_t c2 = (int64_t)cc.o[2][p] * C, d = (int64_t)cc.o[3][p] * C;
        const float *restrict gc = go + p * C;
        if (ggrid) {
          float t0 = 0.0f, t1 = 0.0f, t2 = 0.0f, t3 = 0.0f;
          for (int64_t c = c0; c < c1; c++) {
            const float v = gc[c];
            t0 += v * img[a + c];
            t1 += v * img[bb + c];
            t2 += v * img[c2 + c];
            t3 += v * img[d + c];
          }
          s[p][0] = t0, s[p][1] = t1, s[p][2] = t2, s[p][3] = t3;
        }
        if (gimg) {
          const float v0 = cc.w[0][p], v1 = cc.w[1][p], v2 = cc.w[2][p], v3 = cc.w[3][p];
          for (int64_t c = c0; c < c1; c++) {
            const float v = gc[c];
            gimg[a + c] += v0 * v;
            gimg[bb + c] += v1 * v;
            gimg[c2 + c] += v2 * v;
            gimg[d + c] += v3 * v;
          }
        }
      }
    }
    if (ggrid) stn_chunk_grid_grad(g, &cc, s, n, ggrid + (b * P + q0) * 2);
  }
}
STN_PATHS_AVX2(backward_task, backward_task_body,
          (const stn_sampler_geom *g, const float *images, const float *grid, const float *grad_output, float *gimg,
           float *ggrid, int64_t b, int64_t c0, int64_t c1, int64_t p0, int64_t p1),
          (g, images, grid, grad_output, gimg, ggrid, b, c0, c1, p0, p1))

/* ------------------------------------------------------------------ channels-last loops
 * BCHW images of several channels go through a channels-last copy of one batch element:
 * each corner's channels are then contiguous and a sample is a few SIMD multiply-adds
 * over them; one task per (batch element, channel group), each on its own thread's
 * scratch. Same bits as the planar loops: an output is ((w0 a + w1 b) + w2 c) + w3 d per
 * channel, an image gradient element takes its terms in pixel and corner order, and the
 * channel sums of the grid gradient follow the lane order of sampler_cpu.h. */

/* A thread's scratch for the channels-last loops: the element's image and image
 * gradient, channels last, and a chunk of output or gradOutput. */
typedef struct hwc_scratch {
  float *x, *g, *z;
} hwc_scratch;

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
 * corner's value into s (when GRID), in the lanes of sampler_cpu.h: Cp == 4 (then 4
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
STN_INLINE void hwc_forward_body(const stn_sampler_geom *g, const float *images, const float *grid,
                                      float *output, int64_t b, int64_t c0, int64_t c1, hwc_scratch *sc) {
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
STN_PATHS_AVX2(hwc_forward, hwc_forward_body,
          (const stn_sampler_geom *g, const float *images, const float *grid, float *output, int64_t b, int64_t c0,
           int64_t c1, hwc_scratch *sc),
          (g, images, grid, output, b, c0, c1, sc))

/* Backward of element b, channels [c0, c1): the image gradient of those channels into
 * gimg (the element's; NULL: skipped) and, when ggrid is not NULL (c0..c1 must then be
 * every channel), the grid gradient of the element. */
STN_INLINE void hwc_backward_body(const stn_sampler_geom *g, const float *images, const float *grid,
                                       const float *grad_output, float *gimg, float *ggrid, int64_t b, int64_t c0,
                                       int64_t c1, hwc_scratch *sc) {
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
STN_PATHS_AVX2(hwc_backward, hwc_backward_body,
          (const stn_sampler_geom *g, const float *images, const float *grid, const float *grad_output, float *gimg,
           float *ggrid, int64_t b, int64_t c0, int64_t c1, hwc_scratch *sc),
          (g, images, grid, grad_output, gimg, ggrid, b, c0, c1, sc))

static void hwc_scratch_free(hwc_scratch *sc) {
  free(sc->x);
  free(sc->g);
  free(sc->z);
  sc->x = sc->g = sc->z = NULL;
}

/* Scratch for channel groups of up to gmax channels (image, image gradient when
 * with_grad, a chunk of gradOutput or output), 64-byte aligned. */
static int hwc_scratch_alloc(hwc_scratch *sc, const stn_sampler_geom *g, int64_t gmax, int with_grad) {
  const int64_t Cp = (gmax + 7) / 8 * 8, hw = g->H * g->W; /* room for either padding */
  const size_t plane = (size_t)((hw * Cp * (int64_t)sizeof(float) + 63) / 64 * 64);
  const size_t chunk = (size_t)(CHUNK * Cp) * sizeof(float);
  sc->x = (float *)aligned_alloc(64, plane);
  sc->g = with_grad ? (float *)aligned_alloc(64, plane) : NULL;
  sc->z = (float *)aligned_alloc(64, chunk);
  if (sc->x && sc->z && (sc->g || !with_grad)) return 1;
  hwc_scratch_free(sc);
  return 0;
}

/* ------------------------------------------------------------------ tasks */

/* Zeroes channels [c0, c1) of one batch element's image gradient. */
static void zero_channels(const stn_sampler_geom *g, float *gimg, int64_t c0, int64_t c1) {
  int64_t hw = g->H * g->W;
  if (!stn_sampler_channels_last(g)) {
    memset(gimg + c0 * hw, 0, (size_t)((c1 - c0) * hw) * sizeof(float));
  } else {
    for (int64_t p = 0; p < hw; p++) memset(gimg + p * g->C + c0, 0, (size_t)(c1 - c0) * sizeof(float));
  }
}

/* Whether a call is worth threads, and into how many channel groups each batch element
 * is cut so that there are enough tasks (a few per thread) when the batch is small. */
static int sampler_big(const stn_sampler_geom *g) {
  const int64_t P = g->Ho * g->Wo, hw = g->H * g->W;
  return g->B * (g->C + 4) * (P > hw ? P : hw) >= STN_OMP_MIN;
}

int64_t stn_sampler_groups(const stn_sampler_geom *g, int num_threads) {
  int64_t groups = 1;
  if (sampler_big(g) && g->B < 4 * (int64_t)num_threads) {
    groups = (4 * (int64_t)num_threads + g->B - 1) / g->B;
    if (groups > g->C) groups = g->C;
  }
  return groups < 1 ? 1 : groups;
}

/* BCHW images of several channels go through channels-last copies (hwc_forward,
 * hwc_backward): from
 * 2 channels on for the backward, from 5 for the forward (with fewer, a pixel's channels
 * in registers beat the copies). */
/* Not for planes above 4M pixels: each thread's copies hold a plane of up to 8 channels
 * (128 MB each at that size), and a huge image (2^31 elements and more) would need as much
 * scratch again as its own size; the per-pixel loops need none. */
enum { HWC_MAX_PIXELS = 1 << 22 };
static int sampler_hwc(const stn_sampler_geom *g, int64_t least) {
  return !stn_sampler_channels_last(g) && g->C >= least && g->H * g->W <= HWC_MAX_PIXELS;
}

static stn_status no_scratch(void) {
  return STN_FAIL(STN_ERR_MEMORY, "stn_sampler: out of memory for the per-thread scratch");
}

stn_status stn_sampler_forward_cpu(const stn_sampler_geom *g, const float *images, const float *grid, float *output,
                                   int num_threads) {
  const int64_t P = g->Ho * g->Wo, nchunk = (P + CHUNK - 1) / CHUNK;
  const int big = sampler_big(g);
  __typeof__(&forward_task_generic) const forward_task = STN_PATH_PICK_AVX2(forward_task);
  __typeof__(&hwc_forward_generic) const hwc_forward = STN_PATH_PICK_AVX2(hwc_forward);
  if (!sampler_hwc(g, 5)) {
#pragma omp parallel for schedule(static) if (big)
    for (int64_t t = 0; t < g->B * nchunk; t++) {
      int64_t b = t / nchunk, p0 = (t % nchunk) * CHUNK;
      forward_task(g, images, grid, output, b, p0, (int)(P - p0 < CHUNK ? P - p0 : CHUNK));
    }
    return STN_OK;
  }
  const int64_t groups = stn_sampler_groups(g, num_threads), gsize = (g->C + groups - 1) / groups;
  int failed = 0;
#pragma omp parallel if (big)
  {
    hwc_scratch sc;
    const int ok = hwc_scratch_alloc(&sc, g, gsize, 0);
    if (!ok) {
#pragma omp atomic write
      failed = 1;
    }
#pragma omp for schedule(static)
    for (int64_t t = 0; t < g->B * groups; t++) {
      const int64_t b = t / groups, c0 = (t % groups) * gsize, c1 = c0 + gsize < g->C ? c0 + gsize : g->C;
      if (ok && c0 < c1) hwc_forward(g, images, grid, output, b, c0, c1, &sc);
    }
    hwc_scratch_free(&sc);
  }
  return failed ? no_scratch() : STN_OK;
}

/* Image gradient: tasks own (batch element, channel group) slices, each accumulated by
 * one thread in pixel order. With one group per element (the usual case: enough batch
 * elements to share out) the same pass also does the grid gradient; otherwise a second
 * pass over (element, pixel chunk) does it with every channel. Without the image
 * gradient, BCHW images of several channels still go element by element when there
 * are enough elements (their channels-last copy then serves every pixel). */
stn_status stn_sampler_backward_cpu(const stn_sampler_geom *g, const float *images, const float *grid,
                                    const float *grad_output, float *grad_images, float *grad_grid, int num_threads) {
  const int64_t P = g->Ho * g->Wo, nchunk = (P + CHUNK - 1) / CHUNK;
  const int big = sampler_big(g), hwc = sampler_hwc(g, 2);
  const int64_t groups = stn_sampler_groups(g, num_threads), gsize = (g->C + groups - 1) / groups;
  const int fused = groups == 1 && (grad_images || hwc);
  __typeof__(&backward_task_generic) const backward_task = STN_PATH_PICK_AVX2(backward_task);
  __typeof__(&hwc_backward_generic) const hwc_backward = STN_PATH_PICK_AVX2(hwc_backward);
  int failed = 0;
  if (grad_images || fused) {
#pragma omp parallel if (big)
    {
      hwc_scratch sc = {NULL, NULL, NULL};
      const int ok = !hwc || hwc_scratch_alloc(&sc, g, gsize, grad_images != NULL);
      if (!ok) {
#pragma omp atomic write
        failed = 1;
      }
#pragma omp for schedule(static)
      for (int64_t t = 0; t < g->B * groups; t++) {
        const int64_t b = t / groups, c0 = (t % groups) * gsize, c1 = c0 + gsize < g->C ? c0 + gsize : g->C;
        if (!ok || (c0 >= c1 && !fused)) continue;
        float *gimg = grad_images ? grad_images + b * g->img_b : NULL, *gg = fused ? grad_grid : NULL;
        if (hwc) {
          hwc_backward(g, images, grid, grad_output, gimg, gg, b, c0, c1, &sc);
        } else {
          if (gimg) zero_channels(g, gimg, c0, c1 > c0 ? c1 : c0);
          backward_task(g, images, grid, grad_output, gimg, gg, b, c0, c1 > c0 ? c1 : c0, 0, P);
        }
      }
      hwc_scratch_free(&sc);
    }
  }
  if (failed) return no_scratch();
  if (!fused) {
#pragma omp parallel for schedule(static) if (big)
    for (int64_t t = 0; t < g->B * nchunk; t++) {
      const int64_t b = t / nchunk, p0 = (t % nchunk) * CHUNK, p1 = p0 + CHUNK < P ? p0 + CHUNK : P;
      backward_task(g, images, grid, grad_output, NULL, grad_grid, b, 0, g->C, p0, p1);
    }
  }
  return STN_OK;
}
