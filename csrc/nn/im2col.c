/* im2col.c: unrolling image windows into the columns of a matrix (im2col) and its
 * adjoint (col2im), for the convolutions' products on the CPU. Column matrices have
 * rows (c, i, j) of the window and N = oH * oW columns per image, at row stride ld
 * (ld > N when several images sit side by side in one matrix); tap (i, j) of output
 * pixel (oy, ox) reads input pixel (oy dH - padH + i dilH, ox dW - padW + j dilW). For
 * float and double (im2col_generic.h). */
#include "nn/conv2d.h"

/* Output columns ox whose input column ox * dW + ix0 lies inside the image: [*lo, *hi). */
static inline void inside(const stn_conv_geom *g, int64_t ix0, int64_t *lo, int64_t *hi) {
  *lo = ix0 >= 0 ? 0 : (-ix0 + g->dW - 1) / g->dW;
  *hi = g->W - 1 - ix0 < 0 ? 0 : (g->W - 1 - ix0) / g->dW + 1;
  if (*hi > g->oW) *hi = g->oW;
  if (*lo > *hi) *lo = *hi;
}

#define STN_GENERIC_FILE "nn/im2col_generic.h"
#include "core/generic_floating.h"
