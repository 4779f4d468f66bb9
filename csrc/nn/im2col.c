/* im2col.c: unrolling image windows into the columns of a matrix (im2col) and its
 * adjoint (col2im), for the convolutions' products on the CPU. Column matrices have
 * rows (c, i, j) of the window and N = oH * oW columns per image, at row stride ld
 * (ld > N when several images sit side by side in one matrix). */
#include "nn/conv2d.h"

/* Output columns ox whose input column ox * dW + ix0 lies inside the image: [*lo, *hi). */
static inline void inside(const stn_conv_geom *g, int64_t ix0, int64_t *lo, int64_t *hi) {
  *lo = ix0 >= 0 ? 0 : (-ix0 + g->dW - 1) / g->dW;
  *hi = g->W - 1 - ix0 < 0 ? 0 : (g->W - 1 - ix0) / g->dW + 1;
  if (*hi > g->oW) *hi = g->oW;
  if (*lo > *hi) *lo = *hi;
}

void stn_im2col(const float *x, float *col, int64_t ld, const stn_conv_geom *g, int64_t c0, int64_t c1) {
  for (int64_t c = c0; c < c1; c++)
    for (int i = 0; i < g->kH; i++)
      for (int j = 0; j < g->kW; j++) {
        float *row = col + ((c * g->kH + i) * g->kW + j) * ld;
        int64_t ix0 = j - g->padW, lo, hi;
        inside(g, ix0, &lo, &hi);
        /* rows are short (oW floats): plain loops, which gcc vectorizes, beat memcpy calls */
        for (int64_t oy = 0; oy < g->oH; oy++) {
          float *d = row + oy * g->oW;
          int64_t iy = oy * g->dH - g->padH + i;
          if (iy < 0 || iy >= g->H) {
            for (int64_t ox = 0; ox < g->oW; ox++) d[ox] = 0.f;
            continue;
          }
          const float *s = x + (c * g->H + iy) * g->W + ix0;
          for (int64_t ox = 0; ox < lo; ox++) d[ox] = 0.f;
          if (g->dW == 1) for (int64_t ox = lo; ox < hi; ox++) d[ox] = s[ox];
          else for (int64_t ox = lo; ox < hi; ox++) d[ox] = s[ox * g->dW];
          for (int64_t ox = hi; ox < g->oW; ox++) d[ox] = 0.f;
        }
      }
}

void stn_col2im(const float *col, int64_t ld, float *gx, const stn_conv_geom *g, int64_t c0, int64_t c1) {
  for (int64_t c = c0; c < c1; c++)
    for (int i = 0; i < g->kH; i++)
      for (int j = 0; j < g->kW; j++) {
        const float *row = col + ((c * g->kH + i) * g->kW + j) * ld;
        int64_t ix0 = j - g->padW, lo, hi;
        inside(g, ix0, &lo, &hi);
        for (int64_t oy = 0; oy < g->oH; oy++) {
          int64_t iy = oy * g->dH - g->padH + i;
          if (iy < 0 || iy >= g->H) continue;
          const float *s = row + oy * g->oW;
          float *d = gx + (c * g->H + iy) * g->W + ix0;
          if (g->dW == 1) for (int64_t ox = lo; ox < hi; ox++) d[ox] += s[ox];
          else for (int64_t ox = lo; ox < hi; ox++) d[ox * g->dW] += s[ox];
        }
      }
}
