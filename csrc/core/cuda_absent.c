/* cuda_absent.c: built only when nvcc was not found, so that the CUDA queries of the
 * public API still answer (no device) instead of failing to link. */
#include "internal.h"

#include <stdio.h>

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
