/* sampler_modes_generic.h: the CPU loops of the nearest and bicubic modes, and of any
 * mode with reflection padding, for one element type (core/dtype.h), on the checked
 * geometry of sampler.h and contiguous operands. A sample is the separable sum over its
 * taps (sampler_taps_generic.h): value = sum_j wy[j] * (sum_i wx[i] * image[y_j][x_i]),
 * rows j and taps i in order. Every output and gradient element is written by one task in
 * a fixed order, so results do not depend on the thread count. */

#include "spatial/sampler_taps_generic.h"

/* Both axes of sample t (batch element b, pixel p): x along the width, y along the height.
 * Inlined with a constant mode and padding (MODES_SWITCH below): the taps' branches fold
 * away and their loops unroll. */
STN_TAPS_FN void STN_T(sample_taps)(const stn_sampler_geom *g, const scalar_t *grid, int64_t t, STN_T(taps) *tx,
                                    STN_T(taps) *ty, const int mode, const int pad) {
  const int xs = stn_grid_x_slot(g->desc.grid_order), align = g->desc.align_corners;
  *tx = STN_T(taps_of)(grid[2 * t + xs], (int)g->W, align, pad, mode);
  *ty = STN_T(taps_of)(grid[2 * t + 1 - xs], (int)g->H, align, pad, mode);
}

/* Calls FN(..., mode, padding) with the descriptor's mode and padding as constants. */
#ifndef MODES_SWITCH
#define MODES_CASE(M, PD, FN, ...)                                                                                     \
  case (M) * 3 + (PD): FN(__VA_ARGS__, (M), (PD)); break;
#define MODES_SWITCH(g, FN, ...)                                                                                       \
  switch ((g)->desc.mode * 3 + (g)->desc.padding) {                                                                   \
    MODES_CASE(1, 0, FN, __VA_ARGS__) MODES_CASE(1, 1, FN, __VA_ARGS__) MODES_CASE(1, 2, FN, __VA_ARGS__)             \
    MODES_CASE(2, 0, FN, __VA_ARGS__) MODES_CASE(2, 1, FN, __VA_ARGS__) MODES_CASE(2, 2, FN, __VA_ARGS__)             \
    MODES_CASE(0, 2, FN, __VA_ARGS__)                                                                                  \
  default: FN(__VA_ARGS__, (g)->desc.mode, (g)->desc.padding); break;                                                 \
  }
#endif

/* Output pixel t (batch element b, pixel p), every channel. */
STN_TAPS_FN void STN_T(forward_one)(const stn_sampler_geom *g, const scalar_t *img, const scalar_t *gr, scalar_t *out,
                                    int64_t b, int64_t p, const int mode, const int pad) {
  const int64_t t = b * g->Ho * g->Wo + p;
  STN_T(taps) tx, ty;
  STN_T(sample_taps)(g, gr, t, &tx, &ty, mode, pad);
  int64_t ox[4], oy[4];
  for (int k = 0; k < 4; k++) ox[k] = tx.i[k] * g->img_x, oy[k] = ty.i[k] * g->img_y;
  const scalar_t *ib = img + b * g->img_b;
  scalar_t *o = out + b * g->out_b + p * g->out_p;
  if (mode == STN_SAMPLER_NEAREST) { /* the pixel itself (weight 1), or 0 outside */
    const int inside = tx.w[0] != 0 && ty.w[0] != 0;
    const scalar_t *src = ib + oy[0] + ox[0];
    for (int64_t ch = 0; ch < g->C; ch++) o[ch * g->out_c] = inside ? src[ch * g->img_c] : (scalar_t)0;
    return;
  }
  for (int64_t ch = 0; ch < g->C; ch++) {
    const scalar_t *ic = ib + ch * g->img_c;
    scalar_t s = 0;
    for (int j = 0; j < ty.n; j++) {
      const scalar_t *row = ic + oy[j];
      scalar_t r = 0;
      for (int i = 0; i < tx.n; i++) r += tx.w[i] * row[ox[i]];
      s += ty.w[j] * r;
    }
    o[ch * g->out_c] = s;
  }
}

static stn_status STN_T(sampler_modes_forward)(const stn_sampler_geom *g, const stn_tensor *images,
                                               const stn_tensor *grid, stn_tensor *output) {
  const scalar_t *img = (const scalar_t *)stn_ptr(images), *gr = (const scalar_t *)stn_ptr(grid);
  scalar_t *out = (scalar_t *)stn_ptr(output);
  const int64_t P = g->Ho * g->Wo;
  const int64_t work = g->B * P * (g->C + 4) * (g->desc.mode == STN_SAMPLER_BICUBIC ? 16 : 1);
#pragma omp parallel for collapse(2) schedule(static) if (work >= STN_OMP_MIN)
  for (int64_t b = 0; b < g->B; b++)
    for (int64_t p = 0; p < P; p++) {
      MODES_SWITCH(g, STN_T(forward_one), g, img, gr, out, b, p)
    }
  return STN_OK;
}

/* The grid gradient of sample t: channels in order. */
STN_TAPS_FN void STN_T(grid_grad_one)(const stn_sampler_geom *g, const scalar_t *img, const scalar_t *gr,
                                      const scalar_t *go, scalar_t *gg, int64_t b, int64_t p, scalar_t scale_x,
                                      scalar_t scale_y, const int mode, const int pad) {
  const int64_t t = b * g->Ho * g->Wo + p;
  const int xs = stn_grid_x_slot(g->desc.grid_order);
  STN_T(taps) tx, ty;
  STN_T(sample_taps)(g, gr, t, &tx, &ty, mode, pad);
  int64_t ox[4], oy[4];
  for (int k = 0; k < 4; k++) ox[k] = tx.i[k] * g->img_x, oy[k] = ty.i[k] * g->img_y;
  const scalar_t *ib = img + b * g->img_b, *gop = go + b * g->out_b + p * g->out_p;
  accreal ax = 0, ay = 0;
  for (int64_t ch = 0; ch < g->C; ch++) {
    const scalar_t *ic = ib + ch * g->img_c;
    const scalar_t v = gop[ch * g->out_c];
    accreal sx = 0, sy = 0;
    for (int j = 0; j < ty.n; j++) {
      const scalar_t *row = ic + oy[j];
      accreal r = 0, rd = 0;
      for (int i = 0; i < tx.n; i++) r += (accreal)tx.w[i] * row[ox[i]], rd += (accreal)tx.d[i] * row[ox[i]];
      sx += ty.w[j] * rd;
      sy += ty.d[j] * r;
    }
    ax += v * sx;
    ay += v * sy;
  }
  gg[2 * t + xs] = (scalar_t)(ax * scale_x);
  gg[2 * t + 1 - xs] = (scalar_t)(ay * scale_y);
}

/* The grid gradient: one task per sample, channels in order. */
static void STN_T(modes_grid_grad)(const stn_sampler_geom *g, const scalar_t *img, const scalar_t *gr,
                                   const scalar_t *go, scalar_t *gg) {
  const int64_t P = g->Ho * g->Wo;
  if (g->desc.mode == STN_SAMPLER_NEAREST) { /* piecewise constant: no gradient */
    for (int64_t k = 0; k < 2 * g->B * P; k++) gg[k] = 0;
    return;
  }
  const scalar_t scale_x = STN_T(pixel_scale_of)((int)g->W, g->desc.align_corners);
  const scalar_t scale_y = STN_T(pixel_scale_of)((int)g->H, g->desc.align_corners);
  const int64_t work = g->B * P * (g->C + 4) * (g->desc.mode == STN_SAMPLER_BICUBIC ? 32 : 2);
#pragma omp parallel for collapse(2) schedule(static) if (work >= STN_OMP_MIN)
  for (int64_t b = 0; b < g->B; b++)
    for (int64_t p = 0; p < P; p++) {
      MODES_SWITCH(g, STN_T(grid_grad_one), g, img, gr, go, gg, b, p, scale_x, scale_y)
    }
}

/* Sample t's (pixel p of its batch element) terms of the image gradient of channels [c0, c1). */
STN_TAPS_FN void STN_T(image_grad_one)(const stn_sampler_geom *g, const scalar_t *gr, const scalar_t *gob,
                                       scalar_t *gib, int64_t t, int64_t p, int64_t c0, int64_t c1, const int mode,
                                       const int pad) {
  STN_T(taps) tx, ty;
  STN_T(sample_taps)(g, gr, t, &tx, &ty, mode, pad);
  int64_t ox[4], oy[4];
  for (int k = 0; k < 4; k++) ox[k] = tx.i[k] * g->img_x, oy[k] = ty.i[k] * g->img_y;
  const scalar_t *gop = gob + p * g->out_p;
  if (mode == STN_SAMPLER_NEAREST) { /* weight 1 on the pixel read, if inside */
    if (tx.w[0] == 0 || ty.w[0] == 0) return;
    scalar_t *dst = gib + oy[0] + ox[0];
    for (int64_t ch = c0; ch < c1; ch++) dst[ch * g->img_c] += gop[ch * g->out_c];
    return;
  }
  for (int64_t ch = c0; ch < c1; ch++) {
    const scalar_t v = gop[ch * g->out_c];
    scalar_t *gic = gib + ch * g->img_c;
    for (int j = 0; j < ty.n; j++) {
      scalar_t *row = gic + oy[j];
      const scalar_t vy = ty.w[j] * v;
      for (int i = 0; i < tx.n; i++) row[ox[i]] += tx.w[i] * vy;
    }
  }
}

/* The image gradient: one task per (batch element, group of up to MODES_GROUP channels),
 * which alone adds to those channels' planes, samples in order (each sample's taps
 * computed once for the group). A plane's sum does not depend on the grouping. */
#ifndef MODES_GROUP
#define MODES_GROUP 16
#endif
static void STN_T(modes_image_grad)(const stn_sampler_geom *g, const scalar_t *gr, const scalar_t *go,
                                    scalar_t *gi) {
  const int64_t P = g->Ho * g->Wo, groups = (g->C + MODES_GROUP - 1) / MODES_GROUP;
  const int64_t work = g->B * g->C * P * (g->desc.mode == STN_SAMPLER_BICUBIC ? 24 : 4);
#pragma omp parallel for schedule(static) if (work >= STN_OMP_MIN)
  for (int64_t task = 0; task < g->B * groups; task++) {
    const int64_t b = task / groups, c0 = task % groups * MODES_GROUP;
    const int64_t c1 = c0 + MODES_GROUP < g->C ? c0 + MODES_GROUP : g->C;
    scalar_t *gib = gi + b * g->img_b;
    for (int64_t ch = c0; ch < c1; ch++)
      for (int64_t y = 0; y < g->H; y++)
        for (int64_t x = 0; x < g->W; x++) gib[ch * g->img_c + y * g->img_y + x * g->img_x] = 0;
    const scalar_t *gob = go + b * g->out_b;
    for (int64_t p = 0; p < P; p++) {
      MODES_SWITCH(g, STN_T(image_grad_one), g, gr, gob, gib, b * P + p, p, c0, c1)
    }
  }
}

static stn_status STN_T(sampler_modes_backward)(const stn_sampler_geom *g, const stn_tensor *images,
                                                const stn_tensor *grid, const stn_tensor *grad_output,
                                                stn_tensor *grad_images, stn_tensor *grad_grid) {
  const scalar_t *img = (const scalar_t *)stn_ptr(images), *gr = (const scalar_t *)stn_ptr(grid);
  const scalar_t *go = (const scalar_t *)stn_ptr(grad_output);
  STN_T(modes_grid_grad)(g, img, gr, go, (scalar_t *)stn_ptr(grad_grid));
  if (grad_images) STN_T(modes_image_grad)(g, gr, go, (scalar_t *)stn_ptr(grad_images));
  return STN_OK;
}
