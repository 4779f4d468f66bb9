/* random.cu: CUDA twins of the fills in csrc/core/random.c; element i draws the same
 * Philox numbers as on the CPU, so a seed gives the same tensor on both devices. */
#include "common.cuh"
#include "core/random.h"
#include "core/philox.h"

__global__ void fill_random_kernel(stn_view t, int64_t n, int kind, float a, float b, uint64_t seed, uint64_t offset) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    float v;
    /* explicit roundings: no fused multiply-add, so the values are the CPU's bit for bit */
    /* log, exp and tan are CUDA's: within an ulp or so of the CPU's libm, so those kinds
     * agree with the CPU to a relative 1e-6 rather than bitwise; geometric works in
     * double, where only a ratio within 1e-16 of an integer could round differently */
    switch (kind) {
    case STN_DRAW_UNIFORM: v = __fadd_rn(a, __fmul_rn(b - a, stn_rand_uniform(seed, offset, i))); break;
    case STN_DRAW_NORMAL: v = __fadd_rn(a, __fmul_rn(b, stn_rand_normal(seed, offset, i))); break;
    case STN_DRAW_BERNOULLI: v = stn_rand_uniform(seed, offset, i) < a ? 1.f : 0.f; break;
    case STN_DRAW_LOG_NORMAL: v = expf(__fadd_rn(a, __fmul_rn(b, stn_rand_normal(seed, offset, i)))); break;
    case STN_DRAW_EXPONENTIAL: v = __fsub_rn(0.f, __fdiv_rn(logf(stn_rand_open0(seed, offset, i)), a)); break;
    case STN_DRAW_CAUCHY:
      v = __fadd_rn(a, __fmul_rn(b, tanf(__fmul_rn(3.14159265f, stn_rand_centered(seed, offset, i)))));
      break;
    default: v = (float)__dadd_rn(floor(__ddiv_rn(log((double)stn_rand_open0(seed, offset, i)), log((double)a))), 1.0); break;
    }
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

extern "C" stn_status stn_draw_cuda(stn_ctx *ctx, stn_tensor *t, int kind, float a, float b, uint64_t seed,
                                    uint64_t offset) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  int64_t n = stn_tensor_numel(t);
  fill_random_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(stn_view_of(t), n, kind, a, b, seed, offset);
  STN_LAUNCH_CHECK();
  return STN_OK;
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
