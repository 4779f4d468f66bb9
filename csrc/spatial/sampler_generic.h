/* sampler_generic.h: the sampler's CPU loops for one element type (scalar_t, see
 * core/dtype.h) on the checked geometry of sampler.h and contiguous operands. Float keeps
 * its SIMD loops (sampler_cpu.c, sampler_corners.c), which round exactly as the GPU does;
 * Double goes through the scalar loops below: the same bilinear sample as sampler.h's
 * stn_corners_of, computed in double, with its snap to pixel centres at double's own
 * rounding (size * 2^-51 pixels), far below the steps of a Jacobian check. */

#if STN_DTYPE == 0

static stn_status STN_T(sampler_forward_typed)(const stn_sampler_geom *g, const stn_tensor *images,
                                               const stn_tensor *grid, stn_tensor *output, int num_threads) {
  return stn_sampler_forward_cpu(g, stn_data(images), stn_data(grid), stn_data(output), num_threads);
}

static stn_status STN_T(sampler_backward_typed)(const stn_sampler_geom *g, const stn_tensor *images,
                                                const stn_tensor *grid, const stn_tensor *grad_output,
                                                stn_tensor *grad_images, stn_tensor *grad_grid, int num_threads) {
  return stn_sampler_backward_cpu(g, stn_data(images), stn_data(grid), stn_data(grad_output),
                                  grad_images ? stn_data(grad_images) : NULL, stn_data(grad_grid), num_threads);
}

#else

/* One axis of a sample (stn_axis_of in scalar_t): neighbours i0, i1 clamped into the
 * image, the weight of i1, and whether each lies inside (always, with border padding). */
typedef struct STN_T(axis) {
  int64_t i0, i1;
  scalar_t w1, m0, m1;
} STN_T(axis);

static inline STN_T(axis) STN_T(axis_of)(scalar_t v, int64_t size, int align, int border) {
  const scalar_t scale = align ? (scalar_t)(size - 1) * (scalar_t)0.5 : (scalar_t)size * (scalar_t)0.5;
  const scalar_t shift = align ? (scalar_t)0 : (scalar_t)0.5;
  scalar_t u = (v + 1) * scale - shift;
  const scalar_t r = floor(u + (scalar_t)0.5);
  if (fabs(u - r) <= (scalar_t)size * (scalar_t)4.440892098500626e-16) u = r;
  if (!(u >= -2)) u = -2; /* far outside (or NaN) is the same as just outside */
  if (u > (scalar_t)size + 1) u = (scalar_t)size + 1;
  const scalar_t f = floor(u);
  const int64_t i0 = (int64_t)f, i1 = i0 + 1;
  STN_T(axis) a;
  a.w1 = u - f;
  a.m0 = (border || (i0 >= 0 && i0 < size)) ? 1 : 0;
  a.m1 = (border || (i1 >= 0 && i1 < size)) ? 1 : 0;
  a.i0 = i0 < 0 ? 0 : (i0 > size - 1 ? size - 1 : i0);
  a.i1 = i1 < 0 ? 0 : (i1 > size - 1 ? size - 1 : i1);
  return a;
}

/* The four corners 00, 01, 10, 11 (row, column): element offsets in an image plane
 * (rows sy, pixels sx apart), weights, and the weights of d(value)/d(pixel x, y). */
typedef struct STN_T(corners) {
  int64_t off[4];
  scalar_t w[4], dx[4], dy[4];
} STN_T(corners);

static inline STN_T(corners) STN_T(corners_of)(const stn_sampler_geom *g, const scalar_t *pair) {
  const int xs = stn_grid_x_slot(g->desc.grid_order), align = g->desc.align_corners;
  const int border = g->desc.padding == STN_PADDING_BORDER;
  const STN_T(axis) ax = STN_T(axis_of)(pair[xs], g->W, align, border);
  const STN_T(axis) ay = STN_T(axis_of)(pair[1 - xs], g->H, align, border);
  const scalar_t wx1 = ax.w1, wx0 = 1 - ax.w1, wy1 = ay.w1, wy0 = 1 - ay.w1;
  const scalar_t m00 = ay.m0 * ax.m0, m01 = ay.m0 * ax.m1, m10 = ay.m1 * ax.m0, m11 = ay.m1 * ax.m1;
  const int64_t sy = g->img_y, sx = g->img_x;
  STN_T(corners) c;
  c.off[0] = ay.i0 * sy + ax.i0 * sx, c.off[1] = ay.i0 * sy + ax.i1 * sx;
  c.off[2] = ay.i1 * sy + ax.i0 * sx, c.off[3] = ay.i1 * sy + ax.i1 * sx;
  c.w[0] = wy0 * wx0 * m00, c.w[1] = wy0 * wx1 * m01, c.w[2] = wy1 * wx0 * m10, c.w[3] = wy1 * wx1 * m11;
  c.dx[0] = -wy0 * m00, c.dx[1] = wy0 * m01, c.dx[2] = -wy1 * m10, c.dx[3] = wy1 * m11;
  c.dy[0] = -wx0 * m00, c.dy[1] = -wx1 * m01, c.dy[2] = wx0 * m10, c.dy[3] = wx1 * m11;
  return c;
}

/* d(pixel)/d(grid value) along an axis of size pixels. */
static inline scalar_t STN_T(pixel_scale)(int64_t size, int align) {
  return align ? (scalar_t)(size - 1) * (scalar_t)0.5 : (scalar_t)size * (scalar_t)0.5;
}

static stn_status STN_T(sampler_forward_typed)(const stn_sampler_geom *g, const stn_tensor *images,
                                               const stn_tensor *grid, stn_tensor *output, int num_threads) {
  (void)num_threads; /* OpenMP's own count, which the context sets */
  const scalar_t *img = (const scalar_t *)stn_ptr(images), *gr = (const scalar_t *)stn_ptr(grid);
  scalar_t *out = (scalar_t *)stn_ptr(output);
  const int64_t P = g->Ho * g->Wo;
#pragma omp parallel for schedule(static) if (g->B * P * (g->C + 4) >= STN_OMP_MIN)
  for (int64_t t = 0; t < g->B * P; t++) {
    const int64_t b = t / P, p = t % P;
    const STN_T(corners) c = STN_T(corners_of)(g, gr + 2 * t);
    const scalar_t *ib = img + b * g->img_b;
    scalar_t *o = out + b * g->out_b + p * g->out_p;
    for (int64_t ch = 0; ch < g->C; ch++) {
      const scalar_t *ic = ib + ch * g->img_c;
      o[ch * g->out_c] = ((c.w[0] * ic[c.off[0]] + c.w[1] * ic[c.off[1]]) + c.w[2] * ic[c.off[2]]) + c.w[3] * ic[c.off[3]];
    }
  }
  return STN_OK;
}

/* One task per batch element: it alone adds to that element's image gradient, in pixel
 * order, so the result does not depend on the thread count. */
static stn_status STN_T(sampler_backward_typed)(const stn_sampler_geom *g, const stn_tensor *images,
                                                const stn_tensor *grid, const stn_tensor *grad_output,
                                                stn_tensor *grad_images, stn_tensor *grad_grid, int num_threads) {
  (void)num_threads;
  const scalar_t *img = (const scalar_t *)stn_ptr(images), *gr = (const scalar_t *)stn_ptr(grid);
  const scalar_t *go = (const scalar_t *)stn_ptr(grad_output);
  scalar_t *gi = grad_images ? (scalar_t *)stn_ptr(grad_images) : NULL, *gg = (scalar_t *)stn_ptr(grad_grid);
  const int64_t P = g->Ho * g->Wo;
  const int xs = stn_grid_x_slot(g->desc.grid_order);
  const scalar_t scale_x = STN_T(pixel_scale)(g->W, g->desc.align_corners);
  const scalar_t scale_y = STN_T(pixel_scale)(g->H, g->desc.align_corners);
#pragma omp parallel for schedule(static) if (g->B * P * (g->C + 4) >= STN_OMP_MIN)
  for (int64_t b = 0; b < g->B; b++) {
    const scalar_t *ib = img + b * g->img_b;
    scalar_t *gib = gi ? gi + b * g->img_b : NULL;
    if (gib)
      for (int64_t k = 0; k < g->img_b; k++) gib[k] = 0;
    for (int64_t p = 0; p < P; p++) {
      const STN_T(corners) c = STN_T(corners_of)(g, gr + 2 * (b * P + p));
      const scalar_t *gop = go + b * g->out_b + p * g->out_p;
      accreal s[4] = {0, 0, 0, 0}; /* per corner: sum over channels of grad_output times value */
      for (int64_t ch = 0; ch < g->C; ch++) {
        const scalar_t v = gop[ch * g->out_c];
        const int64_t co = ch * g->img_c;
        for (int k = 0; k < 4; k++) {
          s[k] += (accreal)v * ib[c.off[k] + co];
          if (gib) gib[c.off[k] + co] += c.w[k] * v;
        }
      }
      accreal dx = 0, dy = 0;
      for (int k = 0; k < 4; k++) dx += c.dx[k] * s[k], dy += c.dy[k] * s[k];
      scalar_t *ggp = gg + 2 * (b * P + p);
      ggp[xs] = (scalar_t)(dx * scale_x);
      ggp[1 - xs] = (scalar_t)(dy * scale_y);
    }
  }
  return STN_OK;
}

#endif
