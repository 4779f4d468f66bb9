/* subsampling_generic.h: SpatialSubSampling's CPU loops for one element type (see
 * core/dtype.h), instantiated by csrc/nn/subsampling.c for float and double. Every
 * result element is computed by one thread in a fixed order, so the bits never depend
 * on the thread count. */

/* The sum of the kH x kW window whose top-left corner is xp (a plane W wide), rows
 * then columns: the order the CUDA twin sums in too. */
static inline scalar_t STN_T(window_sum)(const stn_subsampling_geom *g, const scalar_t *xp) {
  scalar_t s = 0;
  for (int ky = 0; ky < g->kH; ky++)
    for (int kx = 0; kx < g->kW; kx++) s += xp[ky * g->W + kx];
  return s;
}

static void STN_T(subsampling_forward)(const stn_subsampling_geom *g, const stn_tensor *xc, stn_tensor *output,
                                       const stn_tensor *weight, const stn_tensor *bias) {
  const scalar_t *x = STN_NN_DATA(xc), *w = STN_NN_DATA(weight), *b = STN_NN_DATA(bias);
  scalar_t *y = STN_NN_DATA(output);
  int64_t planes = g->B * g->C;
#pragma omp parallel for schedule(static) if (planes * g->oH * g->oW * g->kW * g->kH >= STN_OMP_MIN)
  for (int64_t p = 0; p < planes; p++) {
    int64_t k = p % g->C;
    const scalar_t *xp = x + p * g->H * g->W;
    scalar_t *yp = y + p * g->oH * g->oW;
    for (int64_t oy = 0; oy < g->oH; oy++)
      for (int64_t ox = 0; ox < g->oW; ox++)
        yp[oy * g->oW + ox] = b[k] + w[k] * STN_T(window_sum)(g, xp + oy * g->dH * g->W + ox * g->dW);
  }
}

/* gradInput gathered per input pixel over the windows that cover it (rows, then
 * columns, ascending): weight[k] times their gradOutput sum; 0 where no window reaches. */
static void STN_T(subsampling_grad_input)(const stn_subsampling_geom *g, const stn_tensor *gc,
                                          const stn_tensor *weight, stn_tensor *gradInput) {
  const scalar_t *gy = STN_NN_DATA(gc), *w = STN_NN_DATA(weight);
  scalar_t *gx = STN_NN_DATA(gradInput);
  int64_t planes = g->B * g->C;
#pragma omp parallel for schedule(static) if (planes * g->H * g->W >= STN_OMP_MIN)
  for (int64_t p = 0; p < planes; p++) {
    int64_t k = p % g->C;
    const scalar_t *gp = gy + p * g->oH * g->oW;
    scalar_t *xp = gx + p * g->H * g->W;
    for (int64_t iy = 0; iy < g->H; iy++) {
      int64_t oy0, oy1;
      stn_subsampling_cover(iy, g->kH, g->dH, g->oH, &oy0, &oy1);
      for (int64_t ix = 0; ix < g->W; ix++) {
        int64_t ox0, ox1;
        stn_subsampling_cover(ix, g->kW, g->dW, g->oW, &ox0, &ox1);
        if (oy0 >= oy1 || ox0 >= ox1) {
          xp[iy * g->W + ix] = 0;
          continue;
        }
        scalar_t s = 0;
        for (int64_t oy = oy0; oy < oy1; oy++)
          for (int64_t ox = ox0; ox < ox1; ox++) s += gp[oy * g->oW + ox];
        xp[iy * g->W + ix] = w[k] * s;
      }
    }
  }
}

/* gradWeight[k] += scale * sum gradOutput * window sum, gradBias[k] += scale * sum
 * gradOutput, over the batch and the output pixels of plane k in order (in accreal);
 * either may be NULL. */
static void STN_T(subsampling_grad_params)(const stn_subsampling_geom *g, const stn_tensor *xc, const stn_tensor *gc,
                                           stn_tensor *gradWeight, stn_tensor *gradBias, float scale) {
  const scalar_t *x = STN_NN_DATA(xc), *gy = STN_NN_DATA(gc);
  scalar_t *gw = gradWeight ? STN_NN_DATA(gradWeight) : NULL, *gb = gradBias ? STN_NN_DATA(gradBias) : NULL;
  int64_t per_plane = g->B * g->oH * g->oW * (gw ? (int64_t)g->kW * g->kH : 1);
#pragma omp parallel for schedule(static) if (g->C * per_plane >= STN_OMP_MIN)
  for (int64_t k = 0; k < g->C; k++) {
    accreal sw = 0, sb = 0;
    for (int64_t b = 0; b < g->B; b++) {
      const scalar_t *xp = x + (b * g->C + k) * g->H * g->W;
      const scalar_t *gp = gy + (b * g->C + k) * g->oH * g->oW;
      for (int64_t oy = 0; oy < g->oH; oy++)
        for (int64_t ox = 0; ox < g->oW; ox++) {
          accreal go = gp[oy * g->oW + ox];
          sb += go;
          if (gw) sw += go * STN_T(window_sum)(g, xp + oy * g->dH * g->W + ox * g->dW);
        }
    }
    if (gw) gw[k] += (scalar_t)((accreal)scale * sw);
    if (gb) gb[k] += (scalar_t)((accreal)scale * sb);
  }
}
