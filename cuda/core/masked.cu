/* masked.cu: the CUDA twin of stn_masked_fill / copy / select (csrc/core/masked.c). The
 * mask arrives as host positions (checked: for each element where the mask is 1, the
 * number of ones before it; -1 where it is 0); they are uploaded to scratch memory and
 * one thread handles each element, as the CPU loop does. */
#include "common.cuh"
#include "core/cuda_services.h"
#include "core/index.h"
#include "core/storage.h"

__global__ void masked_kernel(stn_view t, stn_view src, const long long *pos, long long n, int mode, float value) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
    long long p = pos[i];
    if (p < 0) continue;
    if (mode == STN_MASK_FILL) t.data[stn_view_offset(t, i)] = value;
    else if (mode == STN_MASK_COPY) t.data[stn_view_offset(t, i)] = src.data[stn_view_offset(src, p)];
    else t.data[p * t.stride[0]] = src.data[stn_view_offset(src, i)];
  }
}

extern "C" stn_status stn_masked_cuda(stn_ctx *ctx, stn_tensor *t, const stn_tensor *src, const int64_t *pos,
                                      int64_t n, int mode, double value) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  if (n == 0) return STN_OK;
  stn_tensor dev;
  STN_TRY(stn_tensor_new_typed(ctx, &dev, STN_CUDA, STN_LONG, 1, &n));
  stn_status st = stn_cuda_memcpy(ctx, stn_ptr(&dev), STN_CUDA, pos, STN_CPU, n * (int64_t)sizeof(int64_t));
  if (st == STN_OK) {
    /* a fill has no src: a view of t (never read) stands in */
    masked_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(stn_view_of(t), stn_view_of(src ? src : t),
                                                                      (const long long *)stn_ptr(&dev), n, mode,
                                                                      (float)value);
    st = STN_LAUNCH_STATUS();
  }
  stn_tensor_release(&dev); /* stream-ordered reuse: the kernel is done with it before any later use */
  return st;
}
