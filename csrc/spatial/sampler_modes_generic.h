/* sampler_modes_generic.h: the CPU loops of the nearest and bicubic modes, and of any
 * mode with reflection padding, for one element type (core/dtype.h), on the checked
 * geometry of sampler.h and contiguous operands. A sample is the separable sum over its
 * taps (sampler_taps_generic.h): value = sum_j wy[j] * (sum_i wx[i] * image[y_j][x_i]),
 * rows j and taps i in order. Every output and gradient element is written by one task in
 * a fixed order, so results do not depend on the thread count. */

#include "spatial/sampler_taps_generic.h"

/* Both axes of sample t (batch element b, pixel p): x along the width, y along the height. */
static inline void STN_T(sample_taps)(const stn_sampler_geom *g, const scalar_t *grid, int64_t t, STN_T(taps) *tx,
                                      STN_T(taps) *ty) {
  const int xs = stn_grid_x_slot(g->desc.grid_order), align = g->desc.align_corners;
  const int pad = g->desc.padding, mode = g->desc.mode;
  *tx = STN_T(taps_of)(grid[2 * t + xs], (int)g->W, align, pad, mode);
  *ty = STN_T(taps_of)(grid[2 * t + 1 - xs], (int)g->H, align, pad, mode);
}

static stn_status STN_T(sampler_modes_forward)(const stn_sampler_geom *g, const stn_tensor *images,
                                               const stn_tensor *grid, stn_tensor *output) {
  const scalar_t *img = (const scalar_t *)stn_ptr(images), *gr = (const scalar_t *)stn_ptr(grid);
  scalar_t *out = (scalar_t *)stn_ptr(output);
  const int64_t P = g->Ho * g->Wo;
  const int64_t work = g->B * P * (g->C + 4) * (g->desc.mode == STN_SAMPLER_BICUBIC ? 16 : 1);
#pragma omp parallel for schedule(static) if (work >= STN_OMP_MIN)
  for (int64_t t = 0; t < g->B * P; t++) {
    const int64_t b = t / P, p = t % P;
    STN_T(taps) tx, ty;
    STN_T(sample_taps)(g, gr, t, &tx, &ty);
    int64_t ox[4], oy[4];
    for (int k = 0; k < 4; k++) ox[k] = tx.i[k] * g->img_x, oy[k] = ty.i[k] * g->img_y;
    const scalar_t *ib = img + b * g->img_b;
    scalar_t *o = out + b * g->out_b + p * g->out_p;
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
  return STN_OK;
}

/* The grid gradient: one task per sample, channels in order. */
static void STN_T(modes_grid_grad)(const stn_sampler_geom *g, const scalar_t *img, const scalar_t *gr,
                                   const scalar_t *go, scalar_t *gg) {
  const int64_t P = g->Ho * g->Wo;
  if (g->desc.mode == STN_SAMPLER_NEAREST) { /* piecewise constant: no gradient */
    for (int64_t k = 0; k < 2 * g->B * P; k++) gg[k] = 0;
    return;
  }
  const int xs = stn_grid_x_slot(g->desc.grid_order);
  const scalar_t scale_x = STN_T(pixel_scale_of)((int)g->W, g->desc.align_corners);
  const scalar_t scale_y = STN_T(pixel_scale_of)((int)g->H, g->desc.align_corners);
  const int64_t work = g->B * P * (g->C + 4) * (g->desc.mode == STN_SAMPLER_BICUBIC ? 32 : 2);
#pragma omp parallel for schedule(static) if (work >= STN_OMP_MIN)
  for (int64_t t = 0; t < g->B * P; t++) {
    const int64_t b = t / P, p = t % P;
    STN_T(taps) tx, ty;
    STN_T(sample_taps)(g, gr, t, &tx, &ty);
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
}

/* The image gradient: one task per (batch element, channel), which alone adds to that
 * channel's plane, samples in order. */
static void STN_T(modes_image_grad)(const stn_sampler_geom *g, const scalar_t *gr, const scalar_t *go,
                                    scalar_t *gi) {
  const int64_t P = g->Ho * g->Wo;
  const int64_t work = g->B * g->C * P * (g->desc.mode == STN_SAMPLER_BICUBIC ? 24 : 4);
#pragma omp parallel for schedule(static) if (work >= STN_OMP_MIN)
  for (int64_t task = 0; task < g->B * g->C; task++) {
    const int64_t b = task / g->C, ch = task % g->C;
    scalar_t *gic = gi + b * g->img_b + ch * g->img_c;
    for (int64_t y = 0; y < g->H; y++)
      for (int64_t x = 0; x < g->W; x++) gic[y * g->img_y + x * g->img_x] = 0;
    const scalar_t *gop = go + b * g->out_b + ch * g->out_c;
    for (int64_t p = 0; p < P; p++) {
      const scalar_t v = gop[p * g->out_p];
      STN_T(taps) tx, ty;
      STN_T(sample_taps)(g, gr, b * P + p, &tx, &ty);
      for (int j = 0; j < ty.n; j++) {
        scalar_t *row = gic + ty.i[j] * g->img_y;
        const scalar_t vy = ty.w[j] * v;
        for (int i = 0; i < tx.n; i++) row[tx.i[i] * g->img_x] += tx.w[i] * vy;
      }
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
