/* conv2d.cu: CUDA twin of csrc/nn/conv2d.c. The whole batch (or large chunks of it) is
 * unrolled into one column matrix (cuda/nn/im2col.cuh), so each pass is one cuBLAS
 * product: out = W @ cols, gW += gy @ cols^T, gcols = W^T @ gy. */
#include "bias_grad.cuh"
#include "gemm.cuh"
#include "im2col.cuh"
#include "nn/conv2d.h"

extern "C" stn_status stn_conv2d_forward_cuda(stn_ctx *ctx, const stn_conv_geom *geom, const stn_tensor *input,
                                              stn_tensor *output, const stn_tensor *weight, const stn_tensor *bias,
                                              stn_tensor *work) {
  static const char *fn = "stn_conv2d_forward";
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  stn_conv_geom g = *geom;
  int64_t nb = chunk_images(&g);
  STN_TRY(stn_scratch(ctx, fn, work, STN_CUDA, nb * (g.K * g.N + g.O * g.N)));
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  const float *x = stn_data(&xc), *w = stn_data(weight), *bd = bias ? stn_data(bias) : NULL;
  float *cols = stn_data(work), *out = stn_data(output);
  stn_status st = STN_OK;
  for (int64_t b0 = 0; b0 < g.B && st == STN_OK; b0 += nb) {
    int64_t m = g.B - b0 < nb ? g.B - b0 : nb;
    float *prod = cols + m * g.K * g.N;
    st = run_im2col(ctx, x + b0 * g.C * g.H * g.W, cols, &g, m);
    if (st == STN_OK)
      st = stn_sgemm_rm(ctx, 0, 0, g.O, m * g.N, g.K, 1.f, w, g.K, cols, m * g.N, 0.f, prod, m * g.N);
    if (st == STN_OK) st = run_permute(ctx, prod, out + b0 * g.O * g.N, bd, &g, m, 0);
  }
  stn_tensor_release(&xc);
  return st;
}

extern "C" stn_status stn_conv2d_backward_cuda(stn_ctx *ctx, const stn_conv_geom *geom, const stn_tensor *input,
                                               const stn_tensor *gradOutput, const stn_tensor *weight,
                                               const stn_conv2d_grads *grads, stn_tensor *work) {
  static const char *fn = "stn_conv2d_backward";
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  stn_conv_geom g = *geom;
  stn_tensor *gradInput = grads->input, *gradWeight = grads->weight, *gradBias = grads->bias;
  const float scale = grads->scale;
  int64_t nb = chunk_images(&g);
  STN_TRY(stn_scratch(ctx, fn, work, STN_CUDA, nb * (g.K * g.N + g.O * g.N)));
  stn_tensor xc, gc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  stn_status st = stn_contiguous_copy(ctx, &gc, gradOutput);
  if (st != STN_OK) { stn_tensor_release(&xc); return st; }
  const float *x = stn_data(&xc), *gy = stn_data(&gc), *w = stn_data(weight);
  float *cols = stn_data(work);
  if (gradBias) st = stn_bias_grad_cuda(ctx, gy, stn_data(gradBias), g.B, g.O, g.N, scale);
  for (int64_t b0 = 0; b0 < g.B && st == STN_OK; b0 += nb) {
    int64_t m = g.B - b0 < nb ? g.B - b0 : nb, ldp = m * g.N;
    float *prod = cols + m * g.K * g.N;
    st = run_permute(ctx, prod, (float *)gy + b0 * g.O * g.N, NULL, &g, m, 1);
    if (st == STN_OK && gradWeight) {
      /* the columns are rebuilt from input, so backward depends on its arguments only */
      st = run_im2col(ctx, x + b0 * g.C * g.H * g.W, cols, &g, m);
      if (st == STN_OK)
        st = stn_sgemm_rm(ctx, 0, 1, g.O, g.K, ldp, scale, prod, ldp, cols, ldp, 1.f, stn_data(gradWeight), g.K);
    }
    if (st == STN_OK && gradInput) {
      st = stn_sgemm_rm(ctx, 1, 0, g.K, ldp, g.O, 1.f, w, g.K, prod, ldp, 0.f, cols, ldp);
      if (st == STN_OK) st = run_col2im(ctx, cols, stn_data(gradInput) + b0 * g.C * g.H * g.W, &g, m);
    }
  }
  stn_tensor_release(&xc);
  stn_tensor_release(&gc);
  return st;
}
