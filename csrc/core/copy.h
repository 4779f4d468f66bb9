/* copy.h: copies between any two layouts and devices (stn_copy is public), and the
 * contiguous copies ops make of their inputs. The twin is cuda/core/copy.cu. */
#ifndef STN_CORE_COPY_H
#define STN_CORE_COPY_H

#include "stn.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A contiguous tensor on t's device holding t's values (a new storage, or a view of t
 * itself when t is already contiguous). Release with stn_tensor_release. */
stn_status stn_contiguous_copy(stn_ctx *ctx, stn_tensor *out, const stn_tensor *t);

/* CUDA twin of stn_copy: called once the sizes are checked, when either side is on the GPU. */
stn_status stn_copy_cuda(stn_ctx *ctx, stn_tensor *dst, const stn_tensor *src);

#ifdef __cplusplus
}
#endif
#endif /* STN_CORE_COPY_H */
