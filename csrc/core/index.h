/* index.h: the CUDA twins of stn_index_select and stn_index_copy (csrc/core/index.c;
 * cuda/core/index.cu), called with checked indices in host memory. */
#ifndef STN_CORE_INDEX_H
#define STN_CORE_INDEX_H

#include "stn.h"

#ifdef __cplusplus
extern "C" {
#endif

stn_status stn_index_select_cuda(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int dim, const int64_t *idx, int64_t n);
/* idx[k] < 0 marks a slice k to skip (an earlier duplicate; stn_index_copy keeps the last) */
stn_status stn_index_copy_cuda(stn_ctx *ctx, stn_tensor *dst, int dim, const int64_t *idx, int64_t n, const stn_tensor *src);

#ifdef __cplusplus
}
#endif
#endif /* STN_CORE_INDEX_H */
