/* linear.cu: CUDA twin of csrc/nn/linear.c: the bias is laid into the output rows, then
 * cuBLAS adds x W^T; the bias gradient is the fixed-order column sum of bias_grad.cuh. */
#include "bias_grad.cuh"
#include "gemm.cuh"
#include "nn_common.cuh"
#include "nn/linear.h"

__global__ void bias_rows_kernel(float *y, const float *b, int64_t rows, int64_t n) {
  STN_KERNEL_LOOP(i, rows * n) y[i] = b[i % n];
}

extern "C" stn_status stn_linear_forward_cuda(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output,
                                              const stn_tensor *weight, const stn_tensor *bias) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  int64_t nout = weight->shape[0], nin = weight->shape[1];
  int64_t B = input->ndim == 2 ? input->shape[0] : 1;
  float *y = stn_data(output);
  if (bias) {
    bias_rows_kernel<<<stn_blocks(ctx, B * nout, 256), 256, 0, stn_stream(ctx)>>>(y, stn_data(bias), B, nout);
    STN_LAUNCH_CHECK();
  }
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  stn_status st = stn_sgemm_rm(ctx, 0, 1, B, nout, nin, 1.f, stn_data(&xc), nin, stn_data(weight), nin,
                               bias ? 1.f : 0.f, y, nout);
  stn_tensor_release(&xc);
  return st;
}

extern "C" stn_status stn_linear_backward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *gradOutput,
                                               stn_tensor *gradInput, const stn_tensor *weight, stn_tensor *gradWeight,
                                               stn_tensor *gradBias, float scale) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  int64_t nout = weight->shape[0], nin = weight->shape[1];
  int64_t B = input->ndim == 2 ? input->shape[0] : 1;
  stn_tensor gc, xc;
  STN_TRY(stn_contiguous_copy(ctx, &gc, gradOutput));
  const float *g = stn_data(&gc);
  stn_status st = STN_OK;
  if (gradInput) st = stn_sgemm_rm(ctx, 0, 0, B, nin, nout, 1.f, g, nout, stn_data(weight), nin, 0.f, stn_data(gradInput), nin);
  if (st == STN_OK && gradWeight) {
    st = stn_contiguous_copy(ctx, &xc, input);
    if (st == STN_OK) {
      st = stn_sgemm_rm(ctx, 1, 0, nout, nin, B, scale, g, nout, stn_data(&xc), nin, 1.f, stn_data(gradWeight), nin);
      stn_tensor_release(&xc);
    }
    if (st == STN_OK && gradBias) st = stn_bias_grad_cuda(ctx, g, stn_data(gradBias), B, nout, 1, scale);
  }
  stn_tensor_release(&gc);
  return st;
}
