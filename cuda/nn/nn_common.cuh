/* nn_common.cuh: what the CUDA nn layers share: row-major sgemm through cuBLAS, and
 * the fixed-order reduction behind every bias gradient (no atomics, so a training run
 * is bitwise repeatable). */
#ifndef STN_CUDA_NN_COMMON_CUH
#define STN_CUDA_NN_COMMON_CUH

#include "../core/common.cuh"
#include "nn/nn_common.h"

/* Row-major C (M x N) <- alpha * op(A) @ op(B) + beta * C: cuBLAS is column-major, so
 * it computes C^T = op(B)^T @ op(A)^T with the operands swapped. */
static inline stn_status stn_sgemm_rm(stn_ctx *ctx, int transA, int transB, int64_t M, int64_t N, int64_t K,
                                      float alpha, const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
                                      float *C, int64_t ldc) {
  if (M <= 0 || N <= 0) return STN_OK;
  if (M > INT32_MAX || N > INT32_MAX || K > INT32_MAX || lda > INT32_MAX || ldb > INT32_MAX || ldc > INT32_MAX)
    return STN_FAIL(STN_ERR_ARG, "stn_sgemm_rm: a %lldx%lldx%lld product is too large for cuBLAS", (long long)M,
                    (long long)N, (long long)K);
  STN_CUBLAS_CHECK(cublasSgemm(ctx->cuda->cublas, transB ? CUBLAS_OP_T : CUBLAS_OP_N, transA ? CUBLAS_OP_T : CUBLAS_OP_N,
                               (int)N, (int)M, (int)K, &alpha, B, (int)ldb, A, (int)lda, &beta, C, (int)ldc));
  return STN_OK;
}

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

/* Grid-stride loop over n items. */
#define STN_KERNEL_LOOP(i, n) \
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < (n); i += (int64_t)gridDim.x * blockDim.x)

#endif /* STN_CUDA_NN_COMMON_CUH */
