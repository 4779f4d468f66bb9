/* conv2d_double.c: SpatialConvolution(MM) on Double CPU tensors, the plain way: per
 * image, im2col (csrc/nn/im2col.c) and one dgemm, sums in double. The float passes
 * (direct AVX2, grouped im2col + threaded sgemm) stay in conv2d.c and conv2d_direct.c. */
#include "nn/conv2d.h"
#include "nn/gemm.h"

#include <string.h>

stn_status stn_conv2d_forward_double(stn_ctx *ctx, const char *fn, const stn_conv_geom *g, const stn_tensor *input,
                                     stn_tensor *output, const stn_tensor *weight, const stn_tensor *bias,
                                     stn_tensor *work) {
  STN_TRY(stn_scratch_typed(ctx, fn, work, STN_CPU, STN_DOUBLE, g->K * g->N));
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  const double *x = stn_ptr(&xc), *w = stn_ptr(weight), *b = bias ? stn_ptr(bias) : NULL;
  double *out = stn_ptr(output), *col = stn_ptr(work);
  int64_t isz = g->C * g->H * g->W, osz = g->O * g->N;
  for (int64_t i = 0; i < g->B; i++) {
    double *y = out + i * osz;
    stn_im2col_double(x + i * isz, col, g->N, g, 0, g->C);
    if (b)
      for (int64_t o = 0; o < g->O; o++)
        for (int64_t n = 0; n < g->N; n++) y[o * g->N + n] = b[o];
    stn_dgemm_cpu(ctx, &(stn_dgemm){.M = g->O, .N = g->N, .K = g->K, .alpha = 1, .A = w, .lda = g->K, .B = col,
                                    .ldb = g->N, .beta = b ? 1 : 0, .C = y, .ldc = g->N});
  }
  stn_tensor_release(&xc);
  return STN_OK;
}

stn_status stn_conv2d_backward_double(stn_ctx *ctx, const char *fn, const stn_conv_geom *g, const stn_tensor *input,
                                      const stn_tensor *gradOutput, const stn_tensor *weight,
                                      const stn_conv2d_grads *grads, stn_tensor *work) {
  STN_TRY(stn_scratch_typed(ctx, fn, work, STN_CPU, STN_DOUBLE, g->K * g->N));
  stn_tensor xc, gc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  stn_status st = stn_contiguous_copy(ctx, &gc, gradOutput);
  if (st != STN_OK) { stn_tensor_release(&xc); return st; }
  const double *x = stn_ptr(&xc), *gy = stn_ptr(&gc), *w = stn_ptr(weight);
  double *gx = grads->input ? stn_ptr(grads->input) : NULL, *gw = grads->weight ? stn_ptr(grads->weight) : NULL;
  double *gb = grads->bias ? stn_ptr(grads->bias) : NULL, *col = stn_ptr(work), scale = grads->scale;
  int64_t isz = g->C * g->H * g->W, osz = g->O * g->N;
  for (int64_t i = 0; i < g->B; i++) {
    const double *gyi = gy + i * osz;
    if (gw) {
      stn_im2col_double(x + i * isz, col, g->N, g, 0, g->C);
      stn_dgemm_cpu(ctx, &(stn_dgemm){.transB = 1, .M = g->O, .N = g->K, .K = g->N, .alpha = scale, .A = gyi,
                                      .lda = g->N, .B = col, .ldb = g->N, .beta = 1, .C = gw, .ldc = g->K});
      if (gb)
        for (int64_t o = 0; o < g->O; o++) {
          double s = 0;
          for (int64_t n = 0; n < g->N; n++) s += gyi[o * g->N + n];
          gb[o] += scale * s;
        }
    }
    if (gx) {
      stn_dgemm_cpu(ctx, &(stn_dgemm){.transA = 1, .M = g->K, .N = g->N, .K = g->O, .alpha = 1, .A = w, .lda = g->K,
                                      .B = gyi, .ldb = g->N, .beta = 0, .C = col, .ldc = g->N});
      memset(gx + i * isz, 0, (size_t)isz * sizeof(double));
      stn_col2im_double(col, g->N, gx + i * isz, g, 0, g->C);
    }
  }
  stn_tensor_release(&xc);
  stn_tensor_release(&gc);
  return STN_OK;
}
