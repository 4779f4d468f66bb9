/* storage.h: giving tensors memory: refcounted storages on either device (public:
 * stn/core.h), CPU blocks cached for reuse, and the resizes ops start with. */
#ifndef STN_CORE_STORAGE_H
#define STN_CORE_STORAGE_H

#include "stn.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Resizes out to a's shape unless it has it already; out must have a's element type
 * (an op never changes the type of a result it is handed, as in Torch7). */
stn_status stn_resize_as(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a);
/* stn_tensor_resize for a result an op writes as dtype: refuses an out of another type,
 * whose storage the op's kernel would misread. */
stn_status stn_resize_out(stn_ctx *ctx, stn_tensor *out, int dtype, int dim, const int64_t *size);
/* An uninitialized contiguous float tensor of the given shape on a device. */
stn_status stn_tensor_new(stn_ctx *ctx, stn_tensor *out, int device, int dim, const int64_t *size);
/* The same with elements of type dtype. */
stn_status stn_tensor_new_typed(stn_ctx *ctx, stn_tensor *out, int device, int dtype, int dim, const int64_t *size);

#ifdef __cplusplus
}
#endif
#endif /* STN_CORE_STORAGE_H */
