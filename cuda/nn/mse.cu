/* mse.cu: CUDA twin of csrc/nn/mse.c: the loss is one block's fixed-order reduction
 * (copied back once: the criterion returns a number), the gradient element-wise. */
#include "nn_common.cuh"
#include "nn/criterion.h"

#define MSE_THREADS 1024

__global__ void mse_forward_kernel(const float *x, const float *t, float *out, float *res, int64_t n, int size_average) {
  __shared__ double part[MSE_THREADS];
  double s = 0;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) {
    double d = (double)x[i] - t[i];
    s += d * d;
  }
  part[threadIdx.x] = s;
  __syncthreads();
  for (int k = blockDim.x / 2; k > 0; k >>= 1) {
    if (threadIdx.x < k) part[threadIdx.x] += part[threadIdx.x + k];
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    double v = part[0];
    if (size_average && n > 0) v /= (double)n;
    out[0] = (float)v;
    res[0] = (float)v;
  }
}

__global__ void mse_backward_kernel(const float *x, const float *t, float *gx, int64_t n, float k) {
  STN_KERNEL_LOOP(i, n) gx[i] = k * (x[i] - t[i]);
}

extern "C" stn_status stn_mse_forward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target,
                                           stn_tensor *output, int size_average, double *loss) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  int64_t n = stn_tensor_numel(input), one = 1;
  stn_tensor xc = {}, tc = {}, res = {};
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  stn_status st = stn_contiguous_copy(ctx, &tc, target);
  if (st == STN_OK) st = stn_tensor_new(ctx, &res, STN_CUDA, 1, &one);
  if (st == STN_OK) {
    mse_forward_kernel<<<1, MSE_THREADS, 0, stn_stream(ctx)>>>(stn_data(&xc), stn_data(&tc), stn_data(output),
                                                               stn_data(&res), n, size_average);
    st = STN_LAUNCH_STATUS();
    float host = 0;
    if (st == STN_OK) st = stn_cuda_memcpy(ctx, &host, STN_CPU, stn_data(&res), STN_CUDA, sizeof host);
    if (st == STN_OK) *loss = host;
  }
  stn_tensor_release(&res);
  stn_tensor_release(&xc);
  stn_tensor_release(&tc);
  return st;
}

extern "C" stn_status stn_mse_backward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target,
                                            stn_tensor *gradInput, int size_average) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  int64_t n = stn_tensor_numel(input);
  if (n == 0) return STN_OK;
  stn_tensor xc = {}, tc = {};
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  stn_status st = stn_contiguous_copy(ctx, &tc, target);
  if (st == STN_OK) {
    float k = size_average ? 2.f / (float)n : 2.f;
    mse_backward_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(stn_data(&xc), stn_data(&tc),
                                                                              stn_data(gradInput), n, k);
    st = STN_LAUNCH_STATUS();
  }
  stn_tensor_release(&xc);
  stn_tensor_release(&tc);
  return st;
}
