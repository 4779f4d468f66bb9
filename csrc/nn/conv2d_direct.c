/* conv2d_direct.c: SpatialConvolution's CPU passes without column matrices, on the
 * tiles of csrc/nn/conv_tiles.c (CPUs with AVX2 and FMA; csrc/nn/conv2d.c picks this
 * path or im2col + sgemm per pass). Work units are groups of images run side by side
 * (forward, image gradient) or the fixed slots of images whose weight gradients are
 * summed together, split
 * further over lane tiles when there are fewer than eight units per thread; every
 * unit writes its own outputs, so the bits never depend on the thread count. */
#include "nn/conv2d_direct.h"
#include "nn/threads.h"

#include <stdint.h>

/* Slots of consecutive images for the weight gradient, each summed into its own
 * accumulator (K x O), the slots' sums added at the end: up to 8 (as csrc/nn/conv2d.c),
 * fewer where the batch's pixels are few, so that adding up the accumulators does not
 * cost as much as the products. The count depends on the sizes only. */
#define DIRECT_SLOTS 8
#define SLOT_PIXELS 1024 /* pixels of the batch per slot, at least */
static int64_t weight_slots(const stn_conv_geom *g) {
  int64_t s = g->B * g->N / SLOT_PIXELS;
  if (s > DIRECT_SLOTS) s = DIRECT_SLOTS;
  if (s < 2) s = 2;
  return s < g->B ? s : g->B;
}

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
  if (nth <= 1 || units == 0 || units >= 8 * nth) return 1;
  int64_t q = (8 * nth + units - 1) / units;
  return q < tiles ? q : tiles;
}

/* Images a forward pass (or image gradient) runs side by side: on small maps, as many as
 * a tile has rows, so that the pixels of each class of tap ranges (conv_tile_plan.c)
 * fill whole tiles however few they are per image. */
static int64_t forward_images(const stn_conv_geom *g, int R) {
  int64_t G = g->N <= STN_CONV_SMALL_MAP ? R : 1;
  if (G > g->B) G = g->B;
  while (G > 1 && G * stn_conv_direct_image_floats(g) >= INT32_MAX) G--;
  return G;
}

/* Images a weight gradient sums in one pass over each tile: a few hundred pixels'
 * worth (several on a small map), so that short sums over a small map's pixels do not
 * spend their time on loading and storing the accumulators. */
#define WEIGHT_PIXELS (2 * STN_CONV_SMALL_MAP)
static int64_t weight_images(const stn_conv_geom *g) {
  int64_t G = WEIGHT_PIXELS / g->N;
  if (G > 64) G = 64;
  if (G < 1) G = 1;
  while (G > 1 && G * stn_conv_direct_image_floats(g) >= INT32_MAX) G--;
  return G;
}

/* A forward pass's plans: for G images, and for the last group's B mod G (their tiles
 * written to mem, forward_plans_floats(g, G, R) floats). */
typedef struct {
  stn_conv_plan full, rest;
  int64_t G;
} forward_plans;

static int64_t tile_floats(int64_t count) { return al(count * (int64_t)(sizeof(stn_conv_tile) / sizeof(float))); }

static int64_t forward_plans_floats(const stn_conv_geom *g, int64_t G, int R) {
  int64_t rest = g->B % G;
  int64_t n = tile_floats(stn_conv_plan_forward(g, G, R, NULL));
  return rest ? n + tile_floats(stn_conv_plan_forward(g, rest, R, NULL)) : n;
}

static forward_plans make_forward_plans(const stn_conv_geom *g, int64_t G, int R, float *mem) {
  forward_plans p = {{(stn_conv_tile *)mem, 0, R}, {NULL, 0, R}, G};
  p.full.count = stn_conv_plan_forward(g, G, R, (stn_conv_tile *)mem);
  int64_t rest = g->B % G;
  if (rest) {
    stn_conv_tile *t = (stn_conv_tile *)(mem + tile_floats(p.full.count));
    p.rest = (stn_conv_plan){t, stn_conv_plan_forward(g, rest, R, t), R};
  }
  return p;
}

/* The plan for the group of images starting at b0, and its image count. */
static const stn_conv_plan *plan_at(const forward_plans *p, int64_t B, int64_t b0, int64_t *n) {
  *n = B - b0 < p->G ? B - b0 : p->G;
  return *n == p->G ? &p->full : &p->rest;
}

/* Pads images [0, n) of x (isz floats apart) into xp side by side. */
static void pad_images(const stn_conv_geom *g, int64_t n, const float *x, int64_t isz, float *xp) {
  int64_t xpsz = stn_conv_direct_image_floats(g);
  for (int64_t b = 0; b < n; b++) stn_conv_direct_pad(g, x + b * isz, xp + b * xpsz);
}

stn_status stn_conv2d_direct_forward(stn_ctx *ctx, const char *fn, const stn_conv_geom *g, const float *x,
                                     const float *w, const float *bias, float *out, stn_tensor *work, int nth) {
  int R = stn_conv_direct_rows(g);
  int64_t G = forward_images(g, R), tiles = stn_conv_direct_tiles(g->O), isz = g->C * g->H * g->W, osz = g->O * g->N;
  int64_t pwsz = al(stn_conv_direct_packed_floats(g->O, g->K)), plsz = forward_plans_floats(g, G, R);
  int64_t xpsz = al(G * stn_conv_direct_image_floats(g));
  int64_t bufsz = al(stn_conv_direct_buf_floats(G * g->N) + stn_conv_direct_steps(g));
  STN_TRY(stn_scratch(ctx, fn, work, STN_CPU, pwsz + plsz + nth * (xpsz + bufsz)));
  float *pw = stn_data(work), *thr = pw + pwsz + plsz;
  forward_plans plans = make_forward_plans(g, G, R, pw + pwsz);
  int64_t images = (g->B + G - 1) / G, groups = groups_for(images, tiles, nth), units = images * groups;
#pragma omp parallel num_threads(nth) if (nth > 1)
  {
    float *xp = thr + stn_thread_id() * (xpsz + bufsz), *buf = xp + xpsz;
    int64_t padded = -1; /* the group of images now in xp */
#pragma omp for schedule(static)
    for (int64_t t = 0; t < tiles; t++) stn_conv_direct_pack(w, g->O, g->K, 0, 0, 0, pw, t, t + 1);
#pragma omp for schedule(dynamic, 1) /* a thread slowed by other work takes fewer */
    for (int64_t u = 0; u < units; u++) {
      int64_t b0 = u / groups * G, q = u % groups, n;
      const stn_conv_plan *plan = plan_at(&plans, g->B, b0, &n);
      if (b0 != padded) pad_images(g, n, x + b0 * isz, isz, xp), padded = b0;
      stn_conv_direct_forward(g, plan, n, xp, pw, bias, out + b0 * osz, buf, q * tiles / groups,
                              (q + 1) * tiles / groups);
    }
  }
  return STN_OK;
}

stn_status stn_conv2d_direct_backward(stn_ctx *ctx, const char *fn, const stn_conv_geom *g, const float *x,
                                      const float *gy, const float *w, float *gx, float *gw, float *gb, float scale,
                                      stn_tensor *work, int nth) {
  stn_conv_geom t = gx ? stn_conv_transposed_geom(g) : *g; /* gx = the forward pass of gy under t */
  int Rw = stn_conv_direct_rows(g), Rx = stn_conv_direct_rows(&t);
  int64_t isz = g->C * g->H * g->W, osz = g->O * g->N, ld = stn_conv_direct_lanes_pad(g->O);
  int64_t otiles = stn_conv_direct_tiles(g->O), ctiles = gx ? stn_conv_direct_tiles(g->C) : 0;
  /* weight gradient: the slots (images summed together in a fixed order), Gw images at a time */
  int64_t ranges = gw ? weight_slots(g) : 0, Gw = gw ? weight_images(g) : 1;
  if (gw && Gw > (g->B + ranges - 1) / ranges) Gw = (g->B + ranges - 1) / ranges; /* a slot's images at most */
  int64_t accsz = gw ? al((g->K + STN_CONV_ROWS) * ld + ld) : 0; /* rows k, then the bias sums */
  int64_t wplan = gw ? stn_conv_plan_weights(g, Rw, NULL) : 0, wplsz = tile_floats(wplan);
  int64_t xpsz = gw ? al(Gw * stn_conv_direct_image_floats(g)) : 0, gytsz = gw ? al(ld * Gw * g->N) : 0;
  int64_t rowsz = gw ? al(ld) : 0, stsz = gw ? al(stn_conv_direct_steps(g)) : 0, gwper = xpsz + gytsz + rowsz + stsz;
  /* image gradient: groups of Gx images */
  int64_t Gx = gx ? forward_images(&t, Rx) : 1, xplsz = gx ? forward_plans_floats(&t, Gx, Rx) : 0;
  int64_t pwtsz = gx ? al(stn_conv_direct_packed_floats(t.O, t.K)) : 0;
  int64_t gypsz = gx ? al(Gx * stn_conv_direct_image_floats(&t)) : 0;
  int64_t bufsz = gx ? al(stn_conv_direct_buf_floats(Gx * t.N) + stn_conv_direct_steps(&t)) : 0, gxper = gypsz + bufsz;
  int64_t per = gwper > gxper ? gwper : gxper; /* the phases run one after the other */
  STN_TRY(stn_scratch(ctx, fn, work, STN_CPU, ranges * accsz + wplsz + pwtsz + xplsz + nth * per));
  float *acc = stn_data(work), *pwt = acc + ranges * accsz + wplsz, *thr = pwt + pwtsz + xplsz;
  stn_conv_tile *wtiles = (stn_conv_tile *)(acc + ranges * accsz);
  stn_conv_plan wp = {wtiles, gw ? stn_conv_plan_weights(g, Rw, wtiles) : 0, Rw};
  forward_plans xplans = {{NULL, 0, Rx}, {NULL, 0, Rx}, 1};
  if (gx) xplans = make_forward_plans(&t, Gx, Rx, pwt + pwtsz);
  int64_t ximages = gx ? (g->B + Gx - 1) / Gx : 0, xq = groups_for(ximages, ctiles, nth), xunits = ximages * xq;
  int64_t wq = groups_for(ranges, otiles, nth), wunits = ranges * wq;
#pragma omp parallel num_threads(nth) if (nth > 1)
  {
    float *mine = thr + stn_thread_id() * per;
#pragma omp for schedule(static)
    for (int64_t c = 0; c < ctiles; c++)
      stn_conv_direct_pack(w, g->C, t.K, 1, g->C, (int64_t)g->kH * g->kW, pwt, c, c + 1);
#pragma omp for schedule(dynamic, 1)
    for (int64_t u = 0; u < xunits; u++) {
      float *gyp = mine, *buf = gyp + gypsz;
      int64_t b0 = u / xq * Gx, q = u % xq, n;
      const stn_conv_plan *plan = plan_at(&xplans, g->B, b0, &n);
      pad_images(&t, n, gy + b0 * osz, osz, gyp);
      stn_conv_direct_forward(&t, plan, n, gyp, pwt, NULL, gx + b0 * isz, buf, q * ctiles / xq, (q + 1) * ctiles / xq);
    }
#pragma omp for schedule(dynamic, 1)
    for (int64_t u = 0; u < wunits; u++) {
      float *xp = mine, *gyt = xp + xpsz;
      int64_t r = u / wq, q = u % wq;
      int64_t b0 = r * g->B / ranges, b1 = (r + 1) * g->B / ranges;
      int64_t o0 = q * otiles / wq, o1 = (q + 1) * otiles / wq;
      float *a = acc + r * accsz, *ab = a + (g->K + STN_CONV_ROWS) * ld;
      for (int64_t b = b0; b < b1 && o0 < o1; b += Gw) {
        int64_t n = b1 - b < Gw ? b1 - b : Gw;
        pad_images(g, n, x + b * isz, isz, xp);
        stn_conv_direct_lanes(g, n, gy + b * osz, gyt, o0, o1);
        stn_conv_direct_weights(g, &wp, n, xp, gyt, a, b > b0, (int32_t *)(gyt + gytsz + rowsz), o0, o1);
        for (int64_t j = o0; j < o1 && gb; j++) { /* bias: the lanes summed over each image's pixels */
          int wd = 16 * j + 16 <= ld ? 16 : 8;
          for (int64_t i = 0; i < n; i++) {
            float s[16] = {0};
            const float *v = gyt + 16 * j * n * g->N + i * g->N * wd;
            for (int64_t p = 0; p < g->N; p++)
              for (int l = 0; l < wd; l++) s[l] += v[p * wd + l];
            for (int l = 0; l < wd; l++) ab[16 * j + l] = (b + i > b0 ? ab[16 * j + l] : 0.f) + s[l];
          }
        }
      }
    }
    if (gw) { /* the slots' sums, added in slot order, 16 kernel entries at a time */
      float *row = mine + xpsz + gytsz;
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
