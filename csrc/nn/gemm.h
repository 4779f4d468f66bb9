/* gemm.h: the row-major products of the nn layers on the CPU (single precision, and
 * double for the Double passes). */
#ifndef STN_NN_GEMM_H
#define STN_NN_GEMM_H

#include "core/context.h"

/* C (M x N) <- alpha op(A) op(B) + beta C, row-major; op transposes when transA /
 * transB is set. */
typedef struct stn_gemm {
  int transA, transB;
  int64_t M, N, K;
  float alpha;
  const float *A;
  int64_t lda;
  const float *B;
  int64_t ldb;
  float beta;
  float *C;
  int64_t ldc;
} stn_gemm;

/* The product with the threads shared out by OpenMP, each a single-threaded OpenBLAS
 * call on its own block of C (csrc/nn/gemm.c). */
void stn_sgemm_cpu(stn_ctx *ctx, const stn_gemm *p);
/* The product as one OpenBLAS call in the calling thread. */
void stn_sgemm_serial(const stn_gemm *p);

/* The same product in double (the Double CPU passes: one OpenBLAS dgemm call, with
 * OpenBLAS's own threads). */
typedef struct stn_dgemm {
  int transA, transB;
  int64_t M, N, K;
  double alpha;
  const double *A;
  int64_t lda;
  const double *B;
  int64_t ldb;
  double beta;
  double *C;
  int64_t ldc;
} stn_dgemm;
void stn_dgemm_cpu(stn_ctx *ctx, const stn_dgemm *p);

#endif /* STN_NN_GEMM_H */
