/* context.c: the context (threads, random state, precision), version and the FFI declarations. */
#include "context.h"
#include "cuda_services.h"
#include "error.h"

#include <stdlib.h>
#include <time.h>
/* _OPENMP: the build requires OpenMP, but this file still compiles (one thread) without */
#ifdef _OPENMP
#include <omp.h>
#endif

void openblas_set_num_threads(int num_threads); /* OpenBLAS's own; not in cblas.h */

extern const char stn_cdef_text[]; /* generated at build time from stn.h */

const char *stn_version(void) { return "0.1.0"; }
const char *stn_cdef(void) { return stn_cdef_text; }

stn_status stn_ctx_create(stn_ctx **out) {
  if (!out) return STN_FAIL(STN_ERR_ARG, "stn_ctx_create: out is NULL");
  stn_ctx *ctx = (stn_ctx *)calloc(1, sizeof *ctx);
  if (!ctx) return STN_FAIL(STN_ERR_MEMORY, "stn_ctx_create: out of memory");
#ifdef _OPENMP
  ctx->num_threads = omp_get_max_threads();
#else
  ctx->num_threads = 1;
#endif
  stn_manual_seed(ctx, 0);
  *out = ctx;
  return STN_OK;
}

void stn_ctx_destroy(stn_ctx *ctx) {
  if (!ctx) return;
  stn_cuda_state_destroy(ctx);
  free(ctx);
}

stn_status stn_set_num_threads(stn_ctx *ctx, int n) {
  if (n < 1) return STN_FAIL(STN_ERR_ARG, "stn_set_num_threads: n must be at least 1, got %d", n);
  ctx->num_threads = n;
#ifdef _OPENMP
  omp_set_num_threads(n);
#endif
  openblas_set_num_threads(n);
  return STN_OK;
}

int stn_get_num_threads(stn_ctx *ctx) { return ctx->num_threads; }

stn_status stn_set_precision(stn_ctx *ctx, int precision) {
  if (precision == STN_PRECISION_BF16)
    return STN_FAIL(STN_ERR_ARG, "stn_set_precision: bf16 is not implemented yet (fp32 and tf32 are)");
  if (precision != STN_PRECISION_FP32 && precision != STN_PRECISION_TF32)
    return STN_FAIL(STN_ERR_ARG, "stn_set_precision: unknown precision %d (STN_PRECISION_FP32 or _TF32)", precision);
  int before = ctx->precision;
  ctx->precision = precision;
  stn_status st = stn_cuda_precision_changed(ctx);
  if (st != STN_OK) ctx->precision = before;
  return st;
}

int stn_get_precision(stn_ctx *ctx) { return ctx->precision; }

double stn_wall_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
