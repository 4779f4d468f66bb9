/* threads.h: how the nn kernels share the CPU: OpenMP threads, with OpenBLAS held to
 * one thread while they run (they call sgemm from inside their parallel regions, and
 * OpenBLAS's own pool would fight the OpenMP threads for the same cores). */
#ifndef STN_NN_THREADS_H
#define STN_NN_THREADS_H

#include "core/context.h"

#ifdef _OPENMP
#include <omp.h>
#endif

void openblas_set_num_threads(int num_threads); /* OpenBLAS's own; not in cblas.h */

static inline void stn_blas_single_begin(void) { openblas_set_num_threads(1); }
static inline void stn_blas_single_end(stn_ctx *ctx) { openblas_set_num_threads(ctx->num_threads); }

static inline int stn_threads(stn_ctx *ctx) { return ctx->num_threads > 0 ? ctx->num_threads : 1; }

static inline int stn_thread_id(void) {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

#endif /* STN_NN_THREADS_H */
