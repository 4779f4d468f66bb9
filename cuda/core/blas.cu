/* blas.cu: CUDA twins of stn_addmm, stn_baddbmm and stn_addmv (csrc/core/blas.c) on cuBLAS.
 * The entry points have given every operand a BLAS layout (csrc/core/matrix.h), sized the
 * output and folded m into it (m is NULL or the output; beta is 0 when it is NULL).
 * cuBLAS is column-major, where a row-major matrix reads as its transpose: a row-major
 * C = A B is computed as C^T = B^T A^T, a column-major (transposed) C directly. */
#include "common.cuh"
#include "core/blas.h"
#include "core/matrix.h"

/* The op that turns the column-major reading of x's memory into x (want_t = 0) or into
 * x^T (want_t = 1): a row-major x reads as x^T. */
static cublasOperation_t op_for(stn_mat x, int want_t) {
  int reads_as_t = x.order == STN_ROW_MAJOR;
  return reads_as_t == want_t ? CUBLAS_OP_N : CUBLAS_OP_T;
}

/* C (n x p, batch of nb with strides sa, sb, sc) = alpha A B + beta C. */
static stn_status gemm(stn_ctx *ctx, int64_t nb, int64_t n, int64_t p, int64_t k, float alpha, const float *A,
                       stn_mat la, long long sa, const float *B, stn_mat lb, long long sb, float beta, float *Cm,
                       stn_mat lc, long long sc) {
  cublasHandle_t h = ctx->cuda->cublas;
  if (lc.order == STN_ROW_MAJOR) { /* C^T (p x n) = B^T A^T */
    cublasOperation_t ob = op_for(lb, 1), oa = op_for(la, 1);
    if (nb == 1)
      STN_CUBLAS_CHECK(cublasSgemm(h, ob, oa, (int)p, (int)n, (int)k, &alpha, B, (int)lb.ld, A, (int)la.ld, &beta, Cm,
                                   (int)lc.ld));
    else
      STN_CUBLAS_CHECK(cublasSgemmStridedBatched(h, ob, oa, (int)p, (int)n, (int)k, &alpha, B, (int)lb.ld, sb, A,
                                                 (int)la.ld, sa, &beta, Cm, (int)lc.ld, sc, (int)nb));
  } else { /* C (n x p) = A B */
    cublasOperation_t oa = op_for(la, 0), ob = op_for(lb, 0);
    if (nb == 1)
      STN_CUBLAS_CHECK(cublasSgemm(h, oa, ob, (int)n, (int)p, (int)k, &alpha, A, (int)la.ld, B, (int)lb.ld, &beta, Cm,
                                   (int)lc.ld));
    else
      STN_CUBLAS_CHECK(cublasSgemmStridedBatched(h, oa, ob, (int)n, (int)p, (int)k, &alpha, A, (int)la.ld, sa, B,
                                                 (int)lb.ld, sb, &beta, Cm, (int)lc.ld, sc, (int)nb));
  }
  return STN_OK;
}

extern "C" stn_status stn_addmm_cuda(stn_ctx *ctx, stn_tensor *out, float beta, const stn_tensor *m, float alpha,
                                     const stn_tensor *a, const stn_tensor *b) {
  (void)m; /* NULL or out itself */
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  return gemm(ctx, 1, a->shape[0], b->shape[1], a->shape[1], alpha, stn_data(a), stn_mat_of(a), 0, stn_data(b),
              stn_mat_of(b), 0, beta, stn_data(out), stn_mat_of(out), 0);
}

extern "C" stn_status stn_baddbmm_cuda(stn_ctx *ctx, stn_tensor *out, float beta, const stn_tensor *m, float alpha,
                                       const stn_tensor *a, const stn_tensor *b) {
  (void)m;
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  int64_t nb = a->shape[0];
  if (nb > INT_MAX) return STN_FAIL(STN_ERR_ARG, "stn_baddbmm: %lld matrices is beyond cuBLAS's batch count", (long long)nb);
  return gemm(ctx, nb, a->shape[1], b->shape[2], a->shape[2], alpha, stn_data(a), stn_mat_of(a), a->strides[0],
              stn_data(b), stn_mat_of(b), b->strides[0], beta, stn_data(out), stn_mat_of(out), out->strides[0]);
}

extern "C" stn_status stn_addmv_cuda(stn_ctx *ctx, stn_tensor *out, float beta, const stn_tensor *v, float alpha,
                                     const stn_tensor *mat, const stn_tensor *vec) {
  (void)v;
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  int64_t n = mat->shape[0], k = mat->shape[1];
  stn_mat lm = stn_mat_of(mat);
  int incx = k > 1 ? (int)vec->strides[0] : 1, incy = n > 1 ? (int)out->strides[0] : 1;
  if (lm.order == STN_ROW_MAJOR) /* reads as the k x n matrix mat^T */
    STN_CUBLAS_CHECK(cublasSgemv(cs->cublas, CUBLAS_OP_T, (int)k, (int)n, &alpha, stn_data(mat), (int)lm.ld,
                                 stn_data(vec), incx, &beta, stn_data(out), incy));
  else
    STN_CUBLAS_CHECK(cublasSgemv(cs->cublas, CUBLAS_OP_N, (int)n, (int)k, &alpha, stn_data(mat), (int)lm.ld,
                                 stn_data(vec), incx, &beta, stn_data(out), incy));
  return STN_OK;
}
