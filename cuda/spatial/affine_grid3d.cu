/* affine_grid3d.cu: CUDA twin of stn_affine_grid3d_forward/backward
 * (csrc/spatial/affine_grid3d.c). Forward: one thread per grid point, grid-stride, the
 * CPU's roundings (affine_grid3d.h). Backward: one block per batch element whose threads
 * walk its points, each summing in double, then warp shuffles and the warps' partial sums
 * in a fixed order: grad_theta is the same run after run, with no float atomics. */
#include "../core/common.cuh"

#include "spatial/affine_grid3d.h"

#define G3_THREADS 256
#define G3_BWD_THREADS 512

__global__ void affine_grid3d_forward_kernel(const float *__restrict__ theta, float *__restrict__ grid, int64_t B,
                                             int64_t D, int64_t H, int64_t W, int align) {
  stn_pdl_wait();
  stn_pdl_trigger();
  const int64_t n = B * D * H * W, step = (int64_t)gridDim.x * blockDim.x;
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += step) {
    const int64_t j = i % W, h = (i / W) % H, d = (i / (W * H)) % D, b = i / (W * H * D);
    const float x = stn_grid_coord(j, W, align), y = stn_grid_coord(h, H, align), z = stn_grid_coord(d, D, align);
    float t[12];
    for (int k = 0; k < 12; k++) t[k] = __ldg(theta + 12 * b + k);
    for (int r = 0; r < 3; r++) grid[3 * i + r] = stn_affine3_apply(t + 4 * r, x, y, z);
  }
}

__global__ void __launch_bounds__(G3_BWD_THREADS) affine_grid3d_backward_kernel(const float *__restrict__ gg,
                                                                                float *__restrict__ gtheta, int64_t D,
                                                                                int64_t H, int64_t W, int align) {
  __shared__ double part[12][G3_BWD_THREADS / 32];
  stn_pdl_wait();
  stn_pdl_trigger();
  const int64_t b = blockIdx.x, n = D * H * W;
  const float *g = gg + b * n * 3;
  double acc[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) {
    const int64_t j = i % W, h = (i / W) % H, d = i / (W * H);
    const double base[3] = {stn_grid_coord(j, W, align), stn_grid_coord(h, H, align), stn_grid_coord(d, D, align)};
#pragma unroll
    for (int r = 0; r < 3; r++) {
      const double v = __ldg(g + 3 * i + r);
#pragma unroll
      for (int c = 0; c < 3; c++) acc[4 * r + c] = __dadd_rn(acc[4 * r + c], __dmul_rn(v, base[c]));
      acc[4 * r + 3] = __dadd_rn(acc[4 * r + 3], v);
    }
  }
#pragma unroll
  for (int k = 0; k < 12; k++)
    for (int off = 16; off > 0; off /= 2) acc[k] += __shfl_down_sync(0xffffffffu, acc[k], off);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0)
    for (int k = 0; k < 12; k++) part[k][warp] = acc[k];
  __syncthreads();
  if (threadIdx.x < 12) {
    double sum = 0.0;
    for (int w = 0; w < G3_BWD_THREADS / 32; w++) sum += part[threadIdx.x][w];
    gtheta[12 * b + threadIdx.x] = (float)sum;
  }
}

extern "C" stn_status stn_affine_grid3d_forward_cuda(stn_ctx *ctx, const stn_tensor *theta, stn_tensor *grid,
                                                     const int64_t *dhw, int align) {
  const int64_t B = theta->shape[0], n = B * dhw[0] * dhw[1] * dhw[2];
  if (n == 0) return STN_OK;
  int64_t x = (n + G3_THREADS - 1) / G3_THREADS, cap = (int64_t)ctx->cuda->sm_count * 32;
  if (x > cap) x = cap;
  affine_grid3d_forward_kernel<<<(unsigned)x, G3_THREADS, 0, stn_stream(ctx)>>>(
      (const float *)stn_data(theta), stn_data(grid), B, dhw[0], dhw[1], dhw[2], align);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

extern "C" stn_status stn_affine_grid3d_backward_cuda(stn_ctx *ctx, const stn_tensor *grad_grid, stn_tensor *grad_theta,
                                                      int align) {
  const int64_t B = grad_grid->shape[0];
  if (B == 0) return STN_OK;
  if (B > 2147483647)
    return STN_FAIL(STN_ERR_ARG, "stn_affine_grid3d_backward: batch %lld beyond one block per element", (long long)B);
  /* every block runs all its warps: the fixed-shape reduction reads G3_BWD_THREADS / 32 slots */
  affine_grid3d_backward_kernel<<<(unsigned)B, G3_BWD_THREADS, 0, stn_stream(ctx)>>>(
      (const float *)stn_data(grad_grid), stn_data(grad_theta), grad_grid->shape[1], grad_grid->shape[2],
      grad_grid->shape[3], align);
  STN_LAUNCH_CHECK();
  return STN_OK;
}
