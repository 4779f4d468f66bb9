/* conv2d_direct.c: SpatialConvolution's CPU passes without column matrices, on the
 * tiles of csrc/nn/conv_tiles.c (CPUs with AVX2 and FMA; csrc/nn/conv2d.c picks this
 * path or im2col + sgemm per pass). Work units are images (forward, image gradient) or
 * the fixed slots of images whose weight gradients are summed together, split
 * further over lane tiles when there are fewer than eight units per thread; every
 * unit writes its own outputs, so the bits never depend on the thread count. */
#include "nn/conv2d_direct.h"
#include "nn/threads.h"

#include <stdint.h>

/* Fixed slots of consecutive images for the weight gradient (as csrc/nn/conv2d.c). */
#define DIRECT_SLOTS 8

/* Scratch regions start at multiples of 16 floats (64 bytes) into the work buffer. */
static inline int64_t al(int64_t n) { return (n + 15) / 16 * 16; }

/* Offsets are 32-bit: a padded image must hold fewer than 2^31 floats. */
static int fits(const stn_conv_geom *g) { return stn_conv_direct_image_floats(g) < INT32_MAX; }

/* The tiles read adjacent taps: dilated kernels go to im2col + sgemm. */
static int undilated(const stn_conv_geom *g) { return g->dilW == 1 && g->dilH == 1; }

/* Below these sizes im2col + sgemm is as fast (the lanes would mostly be padding, or
 * the tiles' fixed costs would dominate). */
int stn_conv_direct_forward_ok(const stn_conv_geom *g) {
  if (!stn_conv_direct_available() || !undilated(g) || !fits(g)) return 0;
  return g->K >= 16 && g->O >= 8;
}

int stn_conv_direct_weight_ok(const stn_conv_geom *g) {
  if (!stn_conv_direct_available() || !undilated(g) || !fits(g)) return 0;
  return g->O >= 8;
}

int stn_conv_direct_input_ok(const stn_conv_geom *g) {
  if (!stn_conv_direct_available() || !undilated(g) || !stn_conv_transposable(g)) return 0;
  stn_conv_geom t = stn_conv_transposed_geom(g);
  if (!fits(&t)) return 0;
  return g->C >= 8 && t.K >= 16;
}

/* Lane-tile groups per unit: enough units for eight per thread, so that dynamic
 * scheduling evens out (the pads and transpositions of a split unit are repeated,
 * but they cost little next to the products). */
static int64_t groups_for(int64_t units, int64_t tiles, int nth) {
  if (nth <= 1 || units >= 8 * nth) return 1;
  int64_t q = (8 * nth + units - 1) / units;
  return q < tiles ? q : tiles;
}

stn_status stn_conv2d_direct_forward(stn_ctx *ctx, const char *fn, const stn_conv_geom *g, const float *x,
                                     const float *w, const float *bias, float *out, stn_tensor *work, int nth) {
  int64_t tiles = stn_conv_direct_tiles(g->O), isz = g->C * g->H * g->W, osz = g->O * g->N;
  int64_t pwsz = al(stn_conv_direct_packed_floats(g->O, g->K)), tabsz = al(g->K + g->N);
  int64_t xpsz = al(stn_conv_direct_image_floats(g)), bufsz = al(stn_conv_direct_buf_floats(g->N));
  STN_TRY(stn_scratch(ctx, fn, work, STN_CPU, pwsz + tabsz + nth * (xpsz + bufsz)));
  float *pw = stn_data(work), *thr = pw + pwsz + tabsz;
  int32_t *off = (int32_t *)(pw + pwsz), *base = off + g->K;
  stn_conv_direct_tables(g, off, base);
  int64_t groups = groups_for(g->B, tiles, nth), units = g->B * groups;
#pragma omp parallel num_threads(nth) if (nth > 1)
  {
    float *xp = thr + stn_thread_id() * (xpsz + bufsz), *buf = xp + xpsz;
    int64_t padded = -1; /* the image now in xp */
#pragma omp for schedule(static)
    for (int64_t t = 0; t < tiles; t++) stn_conv_direct_pack(w, g->O, g->K, 0, 0, 0, pw, t, t + 1);
#pragma omp for schedule(dynamic, 1) /* a thread slowed by other work takes fewer */
    for (int64_t u = 0; u < units; u++) {
      int64_t b = u / groups, q = u % groups;
      if (b != padded) stn_conv_direct_pad(g, x + b * isz, xp), padded = b;
      stn_conv_direct_forward(g, off, base, xp, pw, bias, out + b * osz, buf, q * tiles / groups,
                              (q + 1) * tiles / groups);
    }
  }
  return STN_OK;
}

stn_status stn_conv2d_direct_backward(stn_ctx *ctx, const char *fn, const stn_conv_geom *g, const float *x,
                                      const float *gy, const float *w, float *gx, float *gw, float *gb, float scale,
                                      stn_tensor *work, int nth) {
  stn_conv_geom t = gx ? stn_conv_transposed_geom(g) : *g; /* gx = the forward pass of gy under t */
  int64_t isz = g->C * g->H * g->W, osz = g->O * g->N, ld = stn_conv_direct_lanes_pad(g->O);
  int64_t otiles = stn_conv_direct_tiles(g->O), ctiles = gx ? stn_conv_direct_tiles(g->C) : 0;
  /* units: the slots (with gw: images summed together in a fixed order) or single images */
  int64_t ranges = gw ? (g->B < DIRECT_SLOTS ? g->B : DIRECT_SLOTS) : g->B;
  int64_t accsz = gw ? al((g->K + STN_CONV_ROWS) * ld + ld) : 0; /* rows k, then the bias sums */
  int64_t tabsz = gw ? al(g->K + g->N) : 0, pwtsz = gx ? al(stn_conv_direct_packed_floats(t.O, t.K)) : 0;
  int64_t ttabsz = gx ? al(t.K + t.N) : 0;
  int64_t xpsz = gw ? al(stn_conv_direct_image_floats(g)) : 0, gytsz = gw ? al(ld * g->N) : 0;
  int64_t gypsz = gx ? al(stn_conv_direct_image_floats(&t)) : 0, bufsz = gx ? al(stn_conv_direct_buf_floats(t.N)) : 0;
  int64_t rowsz = gw ? al(ld) : 0, per = xpsz + gytsz + gypsz + bufsz + rowsz;
  STN_TRY(stn_scratch(ctx, fn, work, STN_CPU, ranges * accsz + tabsz + pwtsz + ttabsz + nth * per));
  float *acc = stn_data(work), *pwt = acc + ranges * accsz + tabsz, *thr = pwt + pwtsz + ttabsz;
  int32_t *off = (int32_t *)(acc + ranges * accsz), *base = off + g->K;
  int32_t *toff = (int32_t *)(pwt + pwtsz), *tbase = toff + t.K;
  if (gw) stn_conv_direct_tables(g, off, base);
  if (gx) stn_conv_direct_tables(&t, toff, tbase);
  int64_t groups = groups_for(ranges, otiles > ctiles ? otiles : ctiles, nth), units = ranges * groups;
#pragma omp parallel num_threads(nth) if (nth > 1)
  {
    float *xp = thr + stn_thread_id() * per, *gyt = xp + xpsz, *gyp = gyt + gytsz, *buf = gyp + gypsz;
    float *row = buf + bufsz;
#pragma omp for schedule(static)
    for (int64_t c = 0; c < ctiles; c++) stn_conv_direct_pack(w, g->C, t.K, 1, g->C, (int64_t)g->kH * g->kW, pwt, c, c + 1);
#pragma omp for schedule(dynamic, 1)
    for (int64_t u = 0; u < units; u++) {
      int64_t r = u / groups, q = u % groups;
      int64_t b0 = gw ? r * g->B / ranges : r, b1 = gw ? (r + 1) * g->B / ranges : r + 1;
      int64_t o0 = q * otiles / groups, o1 = (q + 1) * otiles / groups;
      float *a = acc + r * accsz, *ab = a + (g->K + STN_CONV_ROWS) * ld;
      for (int64_t b = b0; b < b1; b++) {
        if (gw && o0 < o1) {
          stn_conv_direct_pad(g, x + b * isz, xp);
          stn_conv_direct_lanes(g, gy + b * osz, gyt, o0, o1);
          stn_conv_direct_weights(g, off, base, xp, gyt, a, b > b0, o0, o1);
          for (int64_t j = o0; j < o1 && gb; j++) { /* bias: the lanes summed over the pixels */
            int wd = 16 * j + 16 <= ld ? 16 : 8;
            float s[16] = {0};
            const float *v = gyt + 16 * j * g->N;
            for (int64_t n = 0; n < g->N; n++)
              for (int l = 0; l < wd; l++) s[l] += v[n * wd + l];
            for (int l = 0; l < wd; l++) ab[16 * j + l] = (b > b0 ? ab[16 * j + l] : 0.f) + s[l];
          }
        }
        if (gx) {
          stn_conv_direct_pad(&t, gy + b * osz, gyp);
          stn_conv_direct_forward(&t, toff, tbase, gyp, pwt, NULL, gx + b * isz, buf, q * ctiles / groups,
                                  (q + 1) * ctiles / groups);
        }
      }
    }
    if (gw) { /* the slots' sums, added in slot order, 16 kernel entries at a time */
#pragma omp for schedule(static)
      for (int64_t k0 = 0; k0 < g->K; k0 += 16)
        for (int64_t k = k0; k < k0 + 16 && k < g->K; k++) {
          for (int64_t o = 0; o < g->O; o++) row[o] = acc[k * ld + o];
          for (int64_t r = 1; r < ranges; r++)
            for (int64_t o = 0; o < g->O; o++) row[o] += acc[r * accsz + k * ld + o];
          for (int64_t o = 0; o < g->O; o++) gw[o * g->K + k] += scale * row[o];
        }
#pragma omp for schedule(static)
      for (int64_t o = 0; o < (gb ? g->O : 0); o++) {
        float s = 0.f;
        for (int64_t r = 0; r < ranges; r++) s += acc[r * accsz + (g->K + STN_CONV_ROWS) * ld + o];
        gb[o] += scale * s;
      }
    }
  }
  return STN_OK;
}
