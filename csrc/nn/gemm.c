/* gemm.c: row-major sgemm for the nn layers on the CPU, with the threads shared out
 * by OpenMP (each thread a single-threaded OpenBLAS call on its own block of rows or
 * columns), so that OpenBLAS's pool never competes with OpenMP's. */
#include "nn/gemm.h"
#include "nn/threads.h"

#include <cblas.h>

void stn_sgemm_serial(const stn_gemm *p) {
  cblas_sgemm(CblasRowMajor, p->transA ? CblasTrans : CblasNoTrans, p->transB ? CblasTrans : CblasNoTrans, (int)p->M,
              (int)p->N, (int)p->K, p->alpha, p->A, (int)p->lda, p->B, (int)p->ldb, p->beta, p->C, (int)p->ldc);
}

void stn_sgemm_cpu(stn_ctx *ctx, const stn_gemm *p) {
  int64_t M = p->M, N = p->N;
  if (M <= 0 || N <= 0) return;
  int nt = stn_threads(ctx);
  double flops = 2.0 * (double)M * (double)N * (double)p->K;
  if (nt > 1 && flops < 1e7) nt = 1; /* not worth waking threads */
  stn_blas_single_begin();
  if (nt == 1) {
    stn_sgemm_serial(p);
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
      stn_gemm b = *p; /* this thread's block of C */
      if (split_n) {
        b.N = hi - lo;
        b.B = p->transB ? p->B + lo * p->ldb : p->B + lo;
        b.C = p->C + lo;
      } else {
        b.M = hi - lo;
        b.A = p->transA ? p->A + lo : p->A + lo * p->lda;
        b.C = p->C + lo * p->ldc;
      }
      stn_sgemm_serial(&b);
    }
  }
  stn_blas_single_end(ctx);
}

void stn_dgemm_cpu(stn_ctx *ctx, const stn_dgemm *p) {
  (void)ctx; /* OpenBLAS runs at the context's thread count (stn_blas_single_end) */
  if (p->M <= 0 || p->N <= 0) return;
  cblas_dgemm(CblasRowMajor, p->transA ? CblasTrans : CblasNoTrans, p->transB ? CblasTrans : CblasNoTrans, (int)p->M,
              (int)p->N, (int)p->K, p->alpha, p->A, (int)p->lda, p->B, (int)p->ldb, p->beta, p->C, (int)p->ldc);
}
