/* cuda_services.h: what the core needs from CUDA besides an op's twin: device memory
 * from the context's caching allocator, copies between devices, the precision of the
 * products, and the teardown of a context's CUDA state. cuda/core/context.cu defines them; without CUDA,
 * cuda_absent.c does (allocation and copies fail naming the missing CUDA), so the
 * callers need no #ifdef. */
#ifndef STN_CORE_CUDA_SERVICES_H
#define STN_CORE_CUDA_SERVICES_H

#include "stn.h"

#ifdef __cplusplus
extern "C" {
#endif

stn_status stn_cuda_alloc(stn_ctx *ctx, void **ptr, int64_t bytes);
void stn_cuda_free(stn_ctx *ctx, void *ptr, int64_t bytes);
stn_status stn_cuda_memcpy(stn_ctx *ctx, void *dst, int dst_device, const void *src, int src_device, int64_t bytes);
/* Releases the context's stream, cuBLAS handle and cached blocks (nothing when it has none). */
void stn_cuda_state_destroy(stn_ctx *ctx);
/* Applies ctx->precision to the cuBLAS handle, when the context has CUDA state. */
stn_status stn_cuda_precision_changed(stn_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif /* STN_CORE_CUDA_SERVICES_H */
