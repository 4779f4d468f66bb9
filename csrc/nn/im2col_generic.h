/* im2col_generic.h: im2col and col2im (see im2col.c) for one element type (see
 * core/dtype.h), instantiated by csrc/nn/im2col.c for float and double. */

void STN_T(stn_im2col)(const scalar_t *x, scalar_t *col, int64_t ld, const stn_conv_geom *g, int64_t c0, int64_t c1) {
  for (int64_t c = c0; c < c1; c++)
    for (int i = 0; i < g->kH; i++)
      for (int j = 0; j < g->kW; j++) {
        scalar_t *row = col + ((c * g->kH + i) * g->kW + j) * ld;
        int64_t ix0 = (int64_t)j * g->dilW - g->padW, lo, hi;
        inside(g, ix0, &lo, &hi);
        /* rows are short (oW floats): plain loops, which gcc vectorizes, beat memcpy calls */
        for (int64_t oy = 0; oy < g->oH; oy++) {
          scalar_t *d = row + oy * g->oW;
          int64_t iy = oy * g->dH - g->padH + (int64_t)i * g->dilH;
          if (iy < 0 || iy >= g->H) {
            for (int64_t ox = 0; ox < g->oW; ox++) d[ox] = 0;
            continue;
          }
          const scalar_t *s = x + (c * g->H + iy) * g->W + ix0;
          for (int64_t ox = 0; ox < lo; ox++) d[ox] = 0;
          if (g->dW == 1) for (int64_t ox = lo; ox < hi; ox++) d[ox] = s[ox];
          else for (int64_t ox = lo; ox < hi; ox++) d[ox] = s[ox * g->dW];
          for (int64_t ox = hi; ox < g->oW; ox++) d[ox] = 0;
        }
      }
}

void STN_T(stn_col2im)(const scalar_t *col, int64_t ld, scalar_t *gx, const stn_conv_geom *g, int64_t c0, int64_t c1) {
  for (int64_t c = c0; c < c1; c++)
    for (int i = 0; i < g->kH; i++)
      for (int j = 0; j < g->kW; j++) {
        const scalar_t *row = col + ((c * g->kH + i) * g->kW + j) * ld;
        int64_t ix0 = (int64_t)j * g->dilW - g->padW, lo, hi;
        inside(g, ix0, &lo, &hi);
        for (int64_t oy = 0; oy < g->oH; oy++) {
          int64_t iy = oy * g->dH - g->padH + (int64_t)i * g->dilH;
          if (iy < 0 || iy >= g->H) continue;
          const scalar_t *s = row + oy * g->oW;
          scalar_t *d = gx + (c * g->H + iy) * g->W + ix0;
          if (g->dW == 1) for (int64_t ox = lo; ox < hi; ox++) d[ox] += s[ox];
          else for (int64_t ox = lo; ox < hi; ox++) d[ox * g->dW] += s[ox];
        }
      }
}
