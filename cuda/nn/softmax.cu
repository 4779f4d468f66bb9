/* softmax.cu: CUDA twin of csrc/nn/softmax.c. Rows of a classifier (inner == 1) get a
 * warp each (shuffle reductions, fixed order); spatial rows (inner > 1) get a thread
 * each, neighbouring threads on neighbouring pixels so reads coalesce. */
#include "nn_common.cuh"
#include "nn/softmax.h"

__device__ __forceinline__ float warp_max(float v) {
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}
__device__ __forceinline__ float warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

/* One warp per row of n contiguous entries. */
__global__ void softmax_rows_kernel(const float *x, float *y, int64_t rows, int64_t n, int use_log) {
  int lane = threadIdx.x & 31;
  int64_t warps = (int64_t)gridDim.x * (blockDim.x / 32);
  for (int64_t r = blockIdx.x * (int64_t)(blockDim.x / 32) + threadIdx.x / 32; r < rows; r += warps) {
    const float *xr = x + r * n;
    float *yr = y + r * n;
    float m = -INFINITY;
    for (int64_t j = lane; j < n; j += 32) m = fmaxf(m, xr[j]);
    m = warp_max(m);
    float s = 0.f;
    for (int64_t j = lane; j < n; j += 32) s += expf(xr[j] - m);
    s = warp_sum(s);
    if (use_log) {
      float ls = m + logf(s);
      for (int64_t j = lane; j < n; j += 32) yr[j] = xr[j] - ls;
    } else {
      float inv = 1.f / s;
      for (int64_t j = lane; j < n; j += 32) yr[j] = expf(xr[j] - m) * inv;
    }
  }
}

__global__ void softmax_rows_backward_kernel(const float *y, const float *g, float *gx, int64_t rows, int64_t n,
                                             int use_log) {
  int lane = threadIdx.x & 31;
  int64_t warps = (int64_t)gridDim.x * (blockDim.x / 32);
  for (int64_t r = blockIdx.x * (int64_t)(blockDim.x / 32) + threadIdx.x / 32; r < rows; r += warps) {
    const float *yr = y + r * n, *gr = g + r * n;
    float *gxr = gx + r * n;
    float s = 0.f;
    for (int64_t j = lane; j < n; j += 32) s += use_log ? gr[j] : gr[j] * yr[j];
    s = warp_sum(s);
    for (int64_t j = lane; j < n; j += 32) gxr[j] = use_log ? gr[j] - expf(yr[j]) * s : yr[j] * (gr[j] - s);
  }
}

/* One thread per (outer, inner) position; entries at stride inner. */
__global__ void softmax_spatial_kernel(const float *x, float *y, int64_t outer, int64_t n, int64_t inner, int use_log) {
  STN_KERNEL_LOOP(r, outer * inner) {
    int64_t base = (r / inner) * n * inner + r % inner;
    const float *xr = x + base;
    float *yr = y + base;
    float m = -INFINITY, s = 0.f;
    for (int64_t j = 0; j < n; j++) m = fmaxf(m, xr[j * inner]);
    for (int64_t j = 0; j < n; j++) s += expf(xr[j * inner] - m);
    if (use_log) {
      float ls = m + logf(s);
      for (int64_t j = 0; j < n; j++) yr[j * inner] = xr[j * inner] - ls;
    } else {
      for (int64_t j = 0; j < n; j++) yr[j * inner] = expf(xr[j * inner] - m) / s;
    }
  }
}

__global__ void softmax_spatial_backward_kernel(const float *y, const float *g, float *gx, int64_t outer, int64_t n,
                                                int64_t inner, int use_log) {
  STN_KERNEL_LOOP(r, outer * inner) {
    int64_t base = (r / inner) * n * inner + r % inner;
    const float *yr = y + base, *gr = g + base;
    float *gxr = gx + base;
    float s = 0.f;
    for (int64_t j = 0; j < n; j++) s += use_log ? gr[j * inner] : gr[j * inner] * yr[j * inner];
    for (int64_t j = 0; j < n; j++)
      gxr[j * inner] = use_log ? gr[j * inner] - expf(yr[j * inner]) * s : yr[j * inner] * (gr[j * inner] - s);
  }
}

extern "C" stn_status stn_softmax_forward_cuda(stn_ctx *ctx, const stn_softmax_geom *g, const stn_tensor *input,
                                               stn_tensor *output, int use_log) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  int64_t outer = g->outer, n = g->n, inner = g->inner;
  if (outer * n * inner == 0) return STN_OK;
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  if (inner == 1)
    softmax_rows_kernel<<<stn_blocks(ctx, outer * 32, 256), 256, 0, stn_stream(ctx)>>>(stn_data(&xc), stn_data(output),
                                                                                      outer, n, use_log);
  else
    softmax_spatial_kernel<<<stn_blocks(ctx, outer * inner, 256), 256, 0, stn_stream(ctx)>>>(
        stn_data(&xc), stn_data(output), outer, n, inner, use_log);
  stn_status st = STN_LAUNCH_STATUS();
  stn_tensor_release(&xc);
  return st;
}

extern "C" stn_status stn_softmax_backward_cuda(stn_ctx *ctx, const stn_softmax_geom *g, const stn_tensor *output,
                                                const stn_tensor *gradOutput, stn_tensor *gradInput, int use_log) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  int64_t outer = g->outer, n = g->n, inner = g->inner;
  if (outer * n * inner == 0) return STN_OK;
  stn_tensor gc;
  STN_TRY(stn_contiguous_copy(ctx, &gc, gradOutput));
  if (inner == 1)
    softmax_rows_backward_kernel<<<stn_blocks(ctx, outer * 32, 256), 256, 0, stn_stream(ctx)>>>(
        stn_data(output), stn_data(&gc), stn_data(gradInput), outer, n, use_log);
  else
    softmax_spatial_backward_kernel<<<stn_blocks(ctx, outer * inner, 256), 256, 0, stn_stream(ctx)>>>(
        stn_data(output), stn_data(&gc), stn_data(gradInput), outer, n, inner, use_log);
  stn_status st = STN_LAUNCH_STATUS();
  stn_tensor_release(&gc);
  return st;
}
