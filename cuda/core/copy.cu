/* copy.cu: CUDA twin of stn_copy (csrc/core/copy.c): device to device through a strided
 * kernel, host <-> device through one contiguous memcpy plus, where a side is not
 * contiguous, a strided copy on that side. */
#include "common.cuh"
#include "core/copy.h"
#include "core/cuda_services.h"
#include "core/storage.h"

#include <string.h>

__global__ void strided_copy_kernel(stn_view dst, stn_view src, int64_t n) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    dst.data[stn_view_offset(dst, i)] = src.data[stn_view_offset(src, i)];
}

/* Device-to-device copy between two same-numel views, read and written in row-major order. */
static stn_status device_copy(stn_ctx *ctx, stn_tensor *dst, const stn_tensor *src) {
  int64_t n = stn_tensor_numel(dst);
  if (stn_tensor_is_contiguous(dst) && stn_tensor_is_contiguous(src)) {
    STN_CUDA_CHECK(cudaMemcpyAsync(stn_data(dst), stn_data(src), (size_t)n * sizeof(float), cudaMemcpyDeviceToDevice,
                                   stn_stream(ctx)));
    return STN_OK;
  }
  /* each view is walked in its own row-major order, so shapes may differ */
  strided_copy_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(stn_view_of(dst), stn_view_of(src), n);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

extern "C" stn_status stn_copy_cuda(stn_ctx *ctx, stn_tensor *dst, const stn_tensor *src) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  int64_t n = stn_tensor_numel(dst);
  if (dst->device == STN_CUDA && src->device == STN_CUDA) return device_copy(ctx, dst, src);

  /* across devices: bring the source side to a contiguous block first */
  stn_tensor csrc, cdst;
  STN_TRY(stn_contiguous_copy(ctx, &csrc, src));
  stn_status st = STN_OK;
  if (stn_tensor_is_contiguous(dst)) {
    st = stn_cuda_memcpy(ctx, stn_data(dst), dst->device, stn_data(&csrc), src->device, n * (int64_t)sizeof(float));
  } else {
    st = stn_tensor_new(ctx, &cdst, dst->device, src->ndim, src->shape);
    if (st == STN_OK)
      st = stn_cuda_memcpy(ctx, stn_data(&cdst), dst->device, stn_data(&csrc), src->device, n * (int64_t)sizeof(float));
    if (st == STN_OK) st = stn_copy(ctx, dst, &cdst); /* same device now */
    stn_tensor_release(&cdst);
  }
  stn_tensor_release(&csrc);
  return st;
}
