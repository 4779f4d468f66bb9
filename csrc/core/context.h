/* context.h: the context every call takes (threads, random state, CUDA state), the
 * size from which CPU loops run on several threads, and the one way an entry point
 * hands CUDA tensors to its CUDA twin. */
#ifndef STN_CORE_CONTEXT_H
#define STN_CORE_CONTEXT_H

#include "error.h"
#include "stn.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct stn_cuda_state; /* cuda/core/common.cuh */

struct stn_ctx {
  int num_threads;
  uint64_t seed;                /* Philox key */
  uint64_t offset;              /* Philox counter: numbers drawn so far, in blocks of 4 */
  struct stn_cuda_state *cuda;  /* NULL until the first CUDA call */
  int precision;                /* stn_precision: the CUDA products' math (stn_set_precision) */
};

/* CPU threading: parallelize loops of at least this many elements */
#define STN_OMP_MIN 32768

/* CUDA dispatch: `if (x->device == STN_CUDA) STN_CUDA_DISPATCH(twin(...));` returns the
 * twin's status. Built without CUDA it fails naming the function instead; the call
 * then sits in sizeof, never evaluated nor linked, so its arguments still count as
 * used. This is the only place that tests STN_WITH_CUDA for a dispatch. */
#ifdef STN_WITH_CUDA
#define STN_CUDA_DISPATCH(call) return (call)
#else
#define STN_CUDA_DISPATCH(call) \
  return ((void)sizeof(call), STN_FAIL(STN_ERR_DEVICE, "%s: this stn was built without CUDA", __func__))
#endif

#ifdef __cplusplus
}
#endif
#endif /* STN_CORE_CONTEXT_H */
