/* activation.cu: CUDA twins of csrc/nn/activation.c (Threshold/ReLU, Tanh, Sigmoid):
 * one grid-stride kernel per direction over strided views. */
#include "nn_common.cuh"
#include "nn/activation.h"

__global__ void activation_forward_kernel(stn_view out, stn_view in, int64_t n, int kind, float th, float val) {
  STN_KERNEL_LOOP(i, n) {
    float x = in.data[stn_view_offset(in, i)], y;
    if (kind == STN_ACT_THRESHOLD) y = x > th ? x : val;
    else if (kind == STN_ACT_TANH) y = tanhf(x);
    else y = 1.f / (1.f + expf(-x));
    out.data[stn_view_offset(out, i)] = y;
  }
}

__global__ void activation_backward_kernel(stn_view gi, stn_view go, stn_view z, int64_t n, int kind, float th) {
  STN_KERNEL_LOOP(i, n) {
    float v = z.data[stn_view_offset(z, i)], g = go.data[stn_view_offset(go, i)], r;
    if (kind == STN_ACT_THRESHOLD) r = v > th ? g : 0.f;
    else if (kind == STN_ACT_TANH) r = g * (1.f - v * v);
    else r = g * v * (1.f - v);
    gi.data[stn_view_offset(gi, i)] = r;
  }
}

extern "C" stn_status stn_activation_forward_cuda(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, int kind,
                                                  float threshold, float value) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  int64_t n = stn_tensor_numel(input);
  if (n == 0) return STN_OK;
  activation_forward_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(stn_view_of(output), stn_view_of(input),
                                                                                  n, kind, threshold, value);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

extern "C" stn_status stn_activation_backward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *output,
                                                   const stn_tensor *gradOutput, stn_tensor *gradInput, int kind,
                                                   float threshold) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  const stn_tensor *z = kind == STN_ACT_THRESHOLD ? input : output;
  int64_t n = stn_tensor_numel(z);
  if (n == 0) return STN_OK;
  activation_backward_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(
      stn_view_of(gradInput), stn_view_of(gradOutput), stn_view_of(z), n, kind, threshold);
  STN_LAUNCH_CHECK();
  return STN_OK;
}
