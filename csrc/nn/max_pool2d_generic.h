/* max_pool2d_generic.h: SpatialMaxPooling's plane loops for one element type (see
 * core/dtype.h), instantiated by csrc/nn/max_pool2d.c for float and double: any window
 * (the float 2x2 stride-2 fast paths stay in max_pool2d.c). Indices (of the input's
 * type) are 1-based offsets within the plane. */

static inline void STN_T(max_plane_forward)(const stn_pool_geom *g, const scalar_t *xp, scalar_t *yp, scalar_t *ip) {
  for (int64_t oy = 0; oy < g->oH; oy++) {
    int64_t h0 = oy * g->dH - g->padH, h1 = h0 + g->kH < g->H ? h0 + g->kH : g->H;
    if (h0 < 0) h0 = 0;
    for (int64_t ox = 0; ox < g->oW; ox++) {
      int64_t w0 = ox * g->dW - g->padW, w1 = w0 + g->kW < g->W ? w0 + g->kW : g->W;
      if (w0 < 0) w0 = 0;
      /* selects, not branches (the winner is unpredictable); the first NaN wins and
       * stays, as in the CUDA kernel */
      scalar_t best = xp[h0 * g->W + w0];
      int64_t at = h0 * g->W + w0;
      for (int64_t iy = h0; iy < h1; iy++)
        for (int64_t ix = w0; ix < w1; ix++) {
          scalar_t v = xp[iy * g->W + ix];
          int take = (v > best) | ((v != v) & (best == best));
          best = take ? v : best;
          at = take ? iy * g->W + ix : at;
        }
      yp[oy * g->oW + ox] = best;
      ip[oy * g->oW + ox] = (scalar_t)(at + 1);
    }
  }
}

static inline void STN_T(max_plane_backward)(const stn_pool_geom *g, const scalar_t *gy, const scalar_t *ind,
                                             scalar_t *gp) {
  int64_t plane = g->H * g->W, oplane = g->oH * g->oW;
  for (int64_t i = 0; i < plane; i++) gp[i] = 0;
  for (int64_t o = 0; o < oplane; o++) {
    int64_t at = (int64_t)ind[o] - 1;
    if (at >= 0 && at < plane) gp[at] += gy[o]; /* bounds-checked: indices is a user-visible tensor */
  }
}
