/* bias_grad.cuh: the fixed-order reduction behind every CUDA bias gradient (no
 * atomics, so a training run is bitwise repeatable). */
#ifndef STN_CUDA_NN_BIAS_GRAD_CUH
#define STN_CUDA_NN_BIAS_GRAD_CUH

#include "../core/common.cuh"

/* gb[c] += scale * sum over b < B, s < S of g[(b * C + c) * S + s]: one block per c,
 * each thread sums a fixed stride of the items, then a fixed tree in shared memory. */
static __global__ void stn_bias_grad_kernel(const float *g, float *gb, int64_t B, int64_t C, int64_t S, float scale) {
  __shared__ float part[256];
  int64_t c = blockIdx.x;
  float s = 0.f;
  if (S >= blockDim.x) {
    for (int64_t b = 0; b < B; b++) /* no divisions: each thread a fixed column set */
      for (int64_t k = threadIdx.x; k < S; k += blockDim.x) s += g[(b * C + c) * S + k];
  } else {
    for (int64_t i = threadIdx.x; i < B * S; i += blockDim.x) {
      int64_t b = i / S, k = i - b * S;
      s += g[(b * C + c) * S + k];
    }
  }
  part[threadIdx.x] = s;
  __syncthreads();
  for (int w = blockDim.x / 2; w > 0; w >>= 1) {
    if (threadIdx.x < w) part[threadIdx.x] += part[threadIdx.x + w];
    __syncthreads();
  }
  if (threadIdx.x == 0) gb[c] += scale * part[0];
}

static inline stn_status stn_bias_grad_cuda(stn_ctx *ctx, const float *g, float *gb, int64_t B, int64_t C, int64_t S,
                                            float scale) {
  if (C <= 0) return STN_OK;
  if (C > INT32_MAX) return STN_FAIL(STN_ERR_ARG, "stn_bias_grad_cuda: %lld channels", (long long)C);
  stn_bias_grad_kernel<<<(unsigned)C, 256, 0, stn_stream(ctx)>>>(g, gb, B, C, S, scale);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

#endif /* STN_CUDA_NN_BIAS_GRAD_CUH */
