/* affine_grid.cu: CUDA twin of stn_affine_grid_forward/backward (csrc/affine_grid.c).
 * Forward: one thread per grid point. Backward: one block per batch element, rows
 * shared out among its threads, then a fixed-shape tree, so that grad_theta is the
 * same run after run. */
#include "common.cuh"

#include "../csrc/affine.h"

__global__ void affine_grid_forward_kernel(const float *theta, float *grid, int64_t B, int H, int W, int order_xy,
                                           int align) {
  int64_t n = B * H * W;
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    int64_t b = i / ((int64_t)H * W);
    int r = (int)(i % ((int64_t)H * W)), y = r / W, x = r % W;
    const float *t = theta + 6 * b;
    float fy = stn_grid_coord(y, H, align), fx = stn_grid_coord(x, W, align);
    float u = order_xy ? fx : fy, v = order_xy ? fy : fx;
    grid[2 * i] = stn_affine_apply(t[0], t[1], t[2], u, v);
    grid[2 * i + 1] = stn_affine_apply(t[3], t[4], t[5], u, v);
  }
}

#define GRID_BWD_THREADS 256

__global__ void affine_grid_backward_kernel(const float *gg, float *gtheta, int H, int W, int order_xy, int align) {
  __shared__ double part[6][GRID_BWD_THREADS];
  int64_t b = blockIdx.x;
  double acc[6] = {0, 0, 0, 0, 0, 0};
  for (int i = threadIdx.x; i < H; i += blockDim.x) {
    const float *row = gg + ((int64_t)b * H + i) * W * 2;
    double y = stn_grid_coord(i, H, align), s0 = 0, s1 = 0, x0 = 0, x1 = 0;
    for (int j = 0; j < W; j++) {
      double x = stn_grid_coord(j, W, align);
      s0 += row[2 * j], s1 += row[2 * j + 1];
      x0 += row[2 * j] * x, x1 += row[2 * j + 1] * x;
    }
    acc[0] += s0 * y, acc[1] += x0, acc[2] += s0;
    acc[3] += s1 * y, acc[4] += x1, acc[5] += s1;
  }
  for (int k = 0; k < 6; k++) part[k][threadIdx.x] = acc[k];
  __syncthreads();
  for (int half = GRID_BWD_THREADS / 2; half > 0; half /= 2) {
    if (threadIdx.x < half)
      for (int k = 0; k < 6; k++) part[k][threadIdx.x] += part[k][threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    double sums[6];
    for (int k = 0; k < 6; k++) sums[k] = part[k][0];
    stn_affine_grid_store(gtheta + 6 * b, sums, order_xy);
  }
}

extern "C" stn_status stn_affine_grid_forward_cuda(stn_ctx *ctx, const stn_tensor *theta, stn_tensor *grid,
                                                   int64_t height, int64_t width, int order_xy, int align_corners) {
  int64_t B = theta->shape[0], n = B * height * width;
  if (n == 0) return STN_OK;
  affine_grid_forward_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(
      stn_data(theta), stn_data(grid), B, (int)height, (int)width, order_xy, align_corners);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

extern "C" stn_status stn_affine_grid_backward_cuda(stn_ctx *ctx, const stn_tensor *grad_grid, stn_tensor *grad_theta,
                                                    int order_xy, int align_corners) {
  int64_t B = grad_grid->shape[0];
  if (B == 0) return STN_OK;
  if (B > 2147483647) return STN_FAIL(STN_ERR_ARG, "stn_affine_grid_backward: batch of %lld too large", (long long)B);
  affine_grid_backward_kernel<<<(unsigned)B, GRID_BWD_THREADS, 0, stn_stream(ctx)>>>(
      stn_data(grad_grid), stn_data(grad_theta), (int)grad_grid->shape[1], (int)grad_grid->shape[2], order_xy,
      align_corners);
  STN_LAUNCH_CHECK();
  return STN_OK;
}
