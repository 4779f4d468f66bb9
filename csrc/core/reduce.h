/* reduce.h: the CUDA twins of the reductions (stn_reduce_all, stn_reduce_dim:
 * csrc/core/reduce.c; cuda/core/reduce.cu), called once the entry point has checked the
 * arguments and sized the outputs. */
#ifndef STN_CORE_REDUCE_H
#define STN_CORE_REDUCE_H

#include "stn.h"

#ifdef __cplusplus
extern "C" {
#endif

stn_status stn_reduce_all_cuda(stn_ctx *ctx, const stn_tensor *a, int op, int biased, double *result);
stn_status stn_reduce_dim_cuda(stn_ctx *ctx, stn_tensor *out, stn_tensor *indices, const stn_tensor *a, int dim, int op, int biased);

#ifdef __cplusplus
}
#endif
#endif /* STN_CORE_REDUCE_H */
