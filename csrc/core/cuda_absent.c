/* cuda_absent.c: built only when nvcc was not found: the CUDA queries of the public API
 * answer (no device), and the services of cuda_services.h fail naming the missing
 * CUDA, so that no other source needs an #ifdef to link. */
#include "cuda_services.h"
#include "error.h"

#include <stdio.h>

int stn_cuda_compiled(void) { return 0; }

int stn_cuda_device_count(char *reason, int len) {
  if (reason && len > 0) snprintf(reason, (size_t)len, "this stn was built without CUDA");
  return 0;
}

stn_status stn_cuda_device_name(int device, char *name, int len) {
  (void)device; (void)name; (void)len;
  return STN_FAIL(STN_ERR_DEVICE, "stn_cuda_device_name: this stn was built without CUDA");
}

stn_status stn_cuda_synchronize(stn_ctx *ctx) {
  (void)ctx;
  return STN_FAIL(STN_ERR_DEVICE, "stn_cuda_synchronize: this stn was built without CUDA");
}

stn_status stn_cuda_memory_stats(stn_ctx *ctx, int64_t *in_use, int64_t *cached) {
  (void)ctx;
  *in_use = 0;
  *cached = 0;
  return STN_OK;
}

stn_status stn_cuda_empty_cache(stn_ctx *ctx) {
  (void)ctx;
  return STN_OK;
}

static stn_status no_cuda(const char *fn) { return STN_FAIL(STN_ERR_DEVICE, "%s: this stn was built without CUDA", fn); }

stn_status stn_cuda_memory_info(stn_ctx *ctx, stn_cuda_memory *out) {
  (void)ctx; (void)out;
  return no_cuda("stn_cuda_memory_info");
}

stn_status stn_cuda_reset_peak_memory(stn_ctx *ctx) {
  (void)ctx;
  return no_cuda("stn_cuda_reset_peak_memory");
}

/* The setting is kept (it applies to CUDA products only; CPU results are fp32). */
stn_status stn_cuda_precision_changed(stn_ctx *ctx) {
  (void)ctx;
  return STN_OK;
}

int stn_cuda_capturing(stn_ctx *ctx) {
  (void)ctx;
  return 0;
}

stn_status stn_cuda_graph_begin(stn_ctx *ctx) {
  (void)ctx;
  return no_cuda("stn_cuda_graph_begin");
}

stn_status stn_cuda_graph_end(stn_ctx *ctx, stn_cuda_graph **out) {
  (void)ctx;
  *out = NULL;
  return no_cuda("stn_cuda_graph_end");
}

void stn_cuda_graph_abort(stn_ctx *ctx) { (void)ctx; }

stn_status stn_cuda_graph_launch(stn_ctx *ctx, stn_cuda_graph *graph) {
  (void)ctx; (void)graph;
  return no_cuda("stn_cuda_graph_launch");
}

void stn_cuda_graph_destroy(stn_ctx *ctx, stn_cuda_graph *graph) { (void)ctx; (void)graph; }

/* Storage on the GPU is refused here, so no CUDA block ever exists to free or copy. */
stn_status stn_cuda_alloc(stn_ctx *ctx, void **ptr, int64_t bytes) {
  (void)ctx; (void)bytes;
  *ptr = NULL;
  return STN_FAIL(STN_ERR_DEVICE, "stn_storage: this stn was built without CUDA");
}

void stn_cuda_free(stn_ctx *ctx, void *ptr, int64_t bytes) { (void)ctx; (void)ptr; (void)bytes; }

stn_status stn_cuda_memcpy(stn_ctx *ctx, void *dst, int dst_device, const void *src, int src_device, int64_t bytes) {
  (void)ctx; (void)dst; (void)dst_device; (void)src; (void)src_device; (void)bytes;
  return STN_FAIL(STN_ERR_DEVICE, "stn_cuda_memcpy: this stn was built without CUDA");
}

void stn_cuda_state_destroy(stn_ctx *ctx) { (void)ctx; } /* a context never gets CUDA state here */
