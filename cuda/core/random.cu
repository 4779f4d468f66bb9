/* random.cu: CUDA twins of the fills in csrc/core/random.c; element i draws the same
 * Philox numbers as on the CPU, so a seed gives the same tensor on both devices. */
#include "common.cuh"
#include "core/random.h"
#include "core/philox.h"

__global__ void fill_random_kernel(stn_view t, int64_t n, int kind, float a, float b, uint64_t seed, uint64_t offset) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    float v;
    /* explicit roundings: no fused multiply-add, so the values are the CPU's bit for bit */
    if (kind == 0) v = __fadd_rn(a, __fmul_rn(b - a, stn_rand_uniform(seed, offset, i)));
    else if (kind == 1) v = __fadd_rn(a, __fmul_rn(b, stn_rand_normal(seed, offset, i)));
    else v = stn_rand_uniform(seed, offset, i) < a ? 1.f : 0.f;
    t.data[stn_view_offset(t, i)] = v;
  }
}

__global__ void bernoulli_tensor_kernel(stn_view t, stn_view p, int64_t n, uint64_t seed, uint64_t offset) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    t.data[stn_view_offset(t, i)] = stn_rand_uniform(seed, offset, i) < p.data[stn_view_offset(p, i)] ? 1.f : 0.f;
}

__global__ void random_int_kernel(stn_view t, int64_t n, int64_t lo, uint64_t count, uint64_t seed, uint64_t offset) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    t.data[stn_view_offset(t, i)] = (float)(lo + (int64_t)stn_rand_below(seed, offset, i, count));
}

static stn_status fill(stn_ctx *ctx, stn_tensor *t, int kind, float a, float b, uint64_t seed, uint64_t offset) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  int64_t n = stn_tensor_numel(t);
  fill_random_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(stn_view_of(t), n, kind, a, b, seed, offset);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

extern "C" stn_status stn_uniform_cuda(stn_ctx *ctx, stn_tensor *t, float lo, float hi, uint64_t seed, uint64_t offset) {
  return fill(ctx, t, 0, lo, hi, seed, offset);
}
extern "C" stn_status stn_normal_cuda(stn_ctx *ctx, stn_tensor *t, float mean, float stdv, uint64_t seed,
                                      uint64_t offset) {
  return fill(ctx, t, 1, mean, stdv, seed, offset);
}
extern "C" stn_status stn_bernoulli_cuda(stn_ctx *ctx, stn_tensor *t, float p, uint64_t seed, uint64_t offset) {
  return fill(ctx, t, 2, p, 0, seed, offset);
}
extern "C" stn_status stn_bernoulli_tensor_cuda(stn_ctx *ctx, stn_tensor *t, const stn_tensor *p, uint64_t seed,
                                                uint64_t offset) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  int64_t n = stn_tensor_numel(t);
  bernoulli_tensor_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(stn_view_of(t), stn_view_of(p), n, seed,
                                                                                   offset);
  STN_LAUNCH_CHECK();
  return STN_OK;
}
extern "C" stn_status stn_random_int_cuda(stn_ctx *ctx, stn_tensor *t, int64_t lo, uint64_t count, uint64_t seed,
                                          uint64_t offset) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  int64_t n = stn_tensor_numel(t);
  random_int_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(stn_view_of(t), n, lo, count, seed, offset);
  STN_LAUNCH_CHECK();
  return STN_OK;
}
