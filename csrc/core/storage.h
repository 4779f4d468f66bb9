/* storage.h: giving tensors memory: refcounted storages on either device (public:
 * stn/core.h), CPU blocks cached for reuse, and the resizes ops start with. */
#ifndef STN_CORE_STORAGE_H
#define STN_CORE_STORAGE_H

#include "stn.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Resizes out to a's shape unless it has it already. */
stn_status stn_resize_as(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a);
/* An uninitialized contiguous tensor of the given shape on a device. */
stn_status stn_tensor_new(stn_ctx *ctx, stn_tensor *out, int device, int dim, const int64_t *size);

#ifdef __cplusplus
}
#endif
#endif /* STN_CORE_STORAGE_H */
