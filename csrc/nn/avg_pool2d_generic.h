/* avg_pool2d_generic.h: SpatialAveragePooling's CPU loops for one element type (see
 * core/dtype.h), instantiated by csrc/nn/avg_pool2d.c for float and double. */

static void STN_T(avg_forward)(const stn_pool_geom *g, int count_include_pad, const stn_tensor *xc,
                               stn_tensor *output) {
  const scalar_t *x = STN_NN_DATA(xc);
  scalar_t *y = STN_NN_DATA(output);
  int64_t planes = g->B * g->C;
#pragma omp parallel for schedule(static) if (planes * g->oH * g->oW * g->kW * g->kH >= STN_OMP_MIN)
  for (int64_t p = 0; p < planes; p++) {
    const scalar_t *xp = x + p * g->H * g->W;
    for (int64_t oy = 0; oy < g->oH; oy++)
      for (int64_t ox = 0; ox < g->oW; ox++) {
        int64_t h0, h1, w0, w1;
        scalar_t div = (scalar_t)avg_window(g, oy, ox, count_include_pad, &h0, &h1, &w0, &w1);
        scalar_t s = 0;
        for (int64_t iy = h0; iy < h1; iy++)
          for (int64_t ix = w0; ix < w1; ix++) s += xp[iy * g->W + ix];
        y[(p * g->oH + oy) * g->oW + ox] = div > 0 ? s / div : (scalar_t)0;
      }
  }
}

static void STN_T(avg_backward)(const stn_pool_geom *g, int count_include_pad, const stn_tensor *gc,
                                stn_tensor *gradInput) {
  const scalar_t *gy = STN_NN_DATA(gc);
  scalar_t *gx = STN_NN_DATA(gradInput);
  int64_t planes = g->B * g->C, plane = g->H * g->W;
#pragma omp parallel for schedule(static) if (planes * plane >= STN_OMP_MIN)
  for (int64_t p = 0; p < planes; p++) {
    scalar_t *gp = gx + p * plane;
    for (int64_t i = 0; i < plane; i++) gp[i] = 0;
    for (int64_t oy = 0; oy < g->oH; oy++)
      for (int64_t ox = 0; ox < g->oW; ox++) {
        int64_t h0, h1, w0, w1;
        scalar_t div = (scalar_t)avg_window(g, oy, ox, count_include_pad, &h0, &h1, &w0, &w1);
        if (div <= 0) continue;
        scalar_t v = gy[(p * g->oH + oy) * g->oW + ox] / div;
        for (int64_t iy = h0; iy < h1; iy++)
          for (int64_t ix = w0; ix < w1; ix++) gp[iy * g->W + ix] += v;
      }
  }
}
