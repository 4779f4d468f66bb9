/* gemm.cuh: the row-major product of the CUDA nn layers, through cuBLAS. */
#ifndef STN_CUDA_NN_GEMM_CUH
#define STN_CUDA_NN_GEMM_CUH

#include "../core/common.cuh"

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

#endif /* STN_CUDA_NN_GEMM_CUH */
