/* nn_gemm.c: row-major sgemm for the nn layers on the CPU, with the threads shared
 * out by OpenMP (each thread a single-threaded OpenBLAS call on its own block of
 * rows or columns), so that OpenBLAS's pool never competes with OpenMP's. */
#include "nn_common.h"

#include <cblas.h>

void stn_sgemm_cpu(stn_ctx *ctx, int transA, int transB, int64_t M, int64_t N, int64_t K, float alpha,
                   const float *A, int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  int nt = stn_threads(ctx);
  double flops = 2.0 * (double)M * (double)N * (double)K;
  if (nt > 1 && flops < 1e7) nt = 1; /* not worth waking threads */
  enum CBLAS_TRANSPOSE ta = transA ? CblasTrans : CblasNoTrans, tb = transB ? CblasTrans : CblasNoTrans;
  stn_blas_single_begin();
  if (nt == 1) {
    cblas_sgemm(CblasRowMajor, ta, tb, (int)M, (int)N, (int)K, alpha, A, (int)lda, B, (int)ldb, beta, C, (int)ldc);
  } else {
    /* split the longer side of C into nt blocks (multiples of 16 where possible) */
    int split_n = N >= M;
    int64_t len = split_n ? N : M;
    int64_t step = (len + nt - 1) / nt;
    if (step > 16) step = (step + 15) / 16 * 16;
#pragma omp parallel for num_threads(nt) schedule(static)
    for (int t = 0; t < nt; t++) {
      int64_t lo = t * step, hi = lo + step < len ? lo + step : len;
      if (lo >= hi) continue;
      if (split_n) {
        const float *b = transB ? B + lo * ldb : B + lo;
        cblas_sgemm(CblasRowMajor, ta, tb, (int)M, (int)(hi - lo), (int)K, alpha, A, (int)lda, b, (int)ldb, beta,
                    C + lo, (int)ldc);
      } else {
        const float *a = transA ? A + lo : A + lo * lda;
        cblas_sgemm(CblasRowMajor, ta, tb, (int)(hi - lo), (int)N, (int)K, alpha, a, (int)lda, B, (int)ldb, beta,
                    C + lo * ldc, (int)ldc);
      }
    }
  }
  stn_blas_single_end(ctx);
}
