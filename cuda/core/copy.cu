/* copy.cu: CUDA twin of stn_copy (csrc/core/copy.c): device to device through a strided
 * kernel, host <-> device through one contiguous memcpy plus, where a side is not
 * contiguous, a strided copy on that side. A copy between two element types converts
 * on the host (csrc/core/copy.c has the one conversion rule), except Float <-> Half and
 * Float <-> BFloat16 on the device, which convert there with core/half.h's functions
 * (the host's own, so the bits are the same). */
#include "common.cuh"
#include "core/copy.h"
#include "core/cuda_services.h"
#include "core/half.h"
#include "core/storage.h"

#include <string.h>

/* Moves elements of E bytes (E: an unsigned integer type of the element's size). */
template <typename E>
__global__ void strided_copy_kernel(E *dd, stn_view dst, const E *sd, stn_view src, int64_t n) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    dd[stn_view_offset(dst, i)] = sd[stn_view_offset(src, i)];
}

template <typename E>
static stn_status strided_copy(stn_ctx *ctx, stn_tensor *dst, const stn_tensor *src, int64_t n) {
  strided_copy_kernel<E><<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(
      (E *)stn_ptr(dst), stn_view_of(dst), (const E *)stn_ptr(src), stn_view_of(src), n);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

/* dst <- src on the device, one side float and the other a 16-bit float type (type). */
__global__ void half_convert_kernel(void *dd, stn_view dst, const void *sd, stn_view src, int64_t n, int type,
                                    int to_half) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    if (to_half)
      ((uint16_t *)dd)[stn_view_offset(dst, i)] = stn_half_store(type, ((const float *)sd)[stn_view_offset(src, i)]);
    else
      ((float *)dd)[stn_view_offset(dst, i)] = stn_half_load(type, ((const uint16_t *)sd)[stn_view_offset(src, i)]);
  }
}

static bool is_half_pair(const stn_tensor *dst, const stn_tensor *src) {
  return dst->device == STN_CUDA && src->device == STN_CUDA &&
         ((dst->dtype == STN_FLOAT && stn_dtype_is_half(src->dtype)) ||
          (src->dtype == STN_FLOAT && stn_dtype_is_half(dst->dtype)));
}

static stn_status half_convert(stn_ctx *ctx, stn_tensor *dst, const stn_tensor *src, int64_t n) {
  const int to_half = stn_dtype_is_half(dst->dtype);
  half_convert_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(
      stn_ptr(dst), stn_view_of(dst), stn_ptr(src), stn_view_of(src), n, to_half ? dst->dtype : src->dtype, to_half);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

/* Device-to-device copy between two same-numel views of one element type, read and
 * written in row-major order. */
static stn_status device_copy(stn_ctx *ctx, stn_tensor *dst, const stn_tensor *src) {
  int64_t n = stn_tensor_numel(dst);
  int elsize = stn_dtype_size(dst->dtype);
  if (stn_tensor_is_contiguous(dst) && stn_tensor_is_contiguous(src)) {
    STN_CUDA_CHECK(cudaMemcpyAsync(stn_ptr(dst), stn_ptr(src), (size_t)(n * elsize), cudaMemcpyDeviceToDevice,
                                   stn_stream(ctx)));
    return STN_OK;
  }
  /* each view is walked in its own row-major order, so shapes may differ */
  switch (elsize) {
  case 1: return strided_copy<uint8_t>(ctx, dst, src, n);
  case 2: return strided_copy<uint16_t>(ctx, dst, src, n);
  case 4: return strided_copy<uint32_t>(ctx, dst, src, n);
  case 8: return strided_copy<uint64_t>(ctx, dst, src, n);
  default: return STN_FAIL(STN_ERR_INTERNAL, "stn_copy_cuda: element size %d", elsize);
  }
}

/* dst <- src across element types, by way of the host: src brought to a host tensor of
 * its type, converted there into a host tensor of dst's type, then copied to dst. */
static stn_status convert_copy(stn_ctx *ctx, stn_tensor *dst, const stn_tensor *src) {
  stn_tensor hs, hd;
  memset(&hs, 0, sizeof hs);
  memset(&hd, 0, sizeof hd);
  stn_status st = STN_OK;
  const stn_tensor *from = src;
  if (src->device == STN_CUDA) {
    st = stn_tensor_new_typed(ctx, &hs, STN_CPU, src->dtype, src->ndim, src->shape);
    if (st == STN_OK) st = stn_copy(ctx, &hs, src);
    from = &hs;
  }
  if (st == STN_OK) st = stn_tensor_new_typed(ctx, &hd, STN_CPU, dst->dtype, from->ndim, from->shape);
  if (st == STN_OK) st = stn_copy(ctx, &hd, from);
  if (st == STN_OK) st = stn_copy(ctx, dst, &hd);
  stn_tensor_release(&hs);
  stn_tensor_release(&hd);
  return st;
}

extern "C" stn_status stn_copy_cuda(stn_ctx *ctx, stn_tensor *dst, const stn_tensor *src) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  int64_t n = stn_tensor_numel(dst);
  if (dst->dtype != src->dtype && is_half_pair(dst, src)) return half_convert(ctx, dst, src, n);
  if (dst->dtype != src->dtype) return convert_copy(ctx, dst, src);
  if (dst->device == STN_CUDA && src->device == STN_CUDA) return device_copy(ctx, dst, src);
  const int64_t bytes = n * stn_dtype_size(dst->dtype);

  /* across devices: bring the source side to a contiguous block first */
  stn_tensor csrc, cdst;
  STN_TRY(stn_contiguous_copy(ctx, &csrc, src));
  stn_status st = STN_OK;
  if (stn_tensor_is_contiguous(dst)) {
    st = stn_cuda_memcpy(ctx, stn_ptr(dst), dst->device, stn_ptr(&csrc), src->device, bytes);
  } else {
    st = stn_tensor_new_typed(ctx, &cdst, dst->device, dst->dtype, src->ndim, src->shape);
    if (st == STN_OK) st = stn_cuda_memcpy(ctx, stn_ptr(&cdst), dst->device, stn_ptr(&csrc), src->device, bytes);
    if (st == STN_OK) st = stn_copy(ctx, dst, &cdst); /* same device now */
    stn_tensor_release(&cdst);
  }
  stn_tensor_release(&csrc);
  return st;
}
