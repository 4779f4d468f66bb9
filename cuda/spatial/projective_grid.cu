/* projective_grid.cu: CUDA twin of stn_projective_grid_forward/backward
 * (csrc/spatial/projective_grid.c), the per-point arithmetic of projective.h.
 * Forward: one thread per grid point (y walks the batch, x the pixels).
 * Backward: one block per batch element whose threads walk its pixels in a fixed
 * pattern, each summing its terms in double, then warp shuffles and the warps' partial
 * sums added in order (fixed shapes, no atomics), so grad M is the same run after run. */
#include "../core/common.cuh"

#include "spatial/projective.h"

#define PROJ_THREADS 256
#define PROJ_BWD_THREADS 512

__global__ void projective_grid_forward_kernel(const float *matrix, float *grid, int B, int H, int W, int align) {
  stn_pdl_wait();
  stn_pdl_trigger();
  const int HW = H * W;
  for (int b = blockIdx.y; b < B; b += gridDim.y) {
    float m[9];
    for (int k = 0; k < 9; k++) m[k] = matrix[9 * (int64_t)b + k];
    float *gb = grid + (int64_t)b * HW * 2;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < HW; i += gridDim.x * blockDim.x) {
      const int y = i / W, x = i - y * W;
      float gx = __int_as_float(0x7fc00000), gy = gx; /* NaN at infinity, as the CPU writes */
      stn_projective_point(m, stn_grid_coord(x, W, align), stn_grid_coord(y, H, align), &gx, &gy);
      gb[2 * i] = gx;
      gb[2 * i + 1] = gy;
    }
  }
}

__global__ void __launch_bounds__(PROJ_BWD_THREADS) projective_grid_backward_kernel(const float *matrix,
                                                                                     const float *gg, float *gm,
                                                                                     int H, int W, int align) {
  __shared__ double part[9][PROJ_BWD_THREADS / 32];
  stn_pdl_wait();
  stn_pdl_trigger();
  const int64_t b = blockIdx.x;
  float m[9];
  double md[9];
  for (int k = 0; k < 9; k++) m[k] = matrix[9 * b + k], md[k] = m[k];
  const int HW = H * W;
  const float *g = gg + b * HW * 2;
  double acc[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  for (int i = threadIdx.x; i < HW; i += blockDim.x) {
    const int yi = i / W, xi = i - yi * W;
    const float fx = stn_grid_coord(xi, W, align), fy = stn_grid_coord(yi, H, align);
    float gx, gy;
    if (!stn_projective_point(m, fx, fy, &gx, &gy)) continue; /* at infinity: no gradient */
    const double x = fx, y = fy;
    double f[3];
    stn_projective_factors(md, x, y, g[2 * i], g[2 * i + 1], f);
    for (int r = 0; r < 3; r++) acc[3 * r] += f[r] * x, acc[3 * r + 1] += f[r] * y, acc[3 * r + 2] += f[r];
  }
  for (int k = 0; k < 9; k++)
    for (int off = 16; off > 0; off /= 2) acc[k] += __shfl_down_sync(0xffffffffu, acc[k], off);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0)
    for (int k = 0; k < 9; k++) part[k][warp] = acc[k];
  __syncthreads();
  if (threadIdx.x < 9) {
    double sum = 0.0;
    for (int w = 0; w < PROJ_BWD_THREADS / 32; w++) sum += part[threadIdx.x][w];
    gm[9 * b + threadIdx.x] = (float)sum;
  }
}

static stn_status check_sizes(const char *fn, int64_t B, int64_t height, int64_t width) {
  if (B > 2147483647 || height * width > 1073741823)
    return STN_FAIL(STN_ERR_ARG, "%s: batch %lld or grid %lldx%lld beyond the CUDA kernel's 32-bit indices", fn,
                    (long long)B, (long long)height, (long long)width);
  return STN_OK;
}

extern "C" stn_status stn_projective_grid_forward_cuda(stn_ctx *ctx, const stn_tensor *matrix, stn_tensor *grid,
                                                       int64_t height, int64_t width, int align_corners) {
  int64_t B = matrix->shape[0], HW = height * width;
  if (B * HW == 0) return STN_OK;
  STN_TRY(check_sizes("stn_projective_grid_forward", B, height, width));
  int64_t y = B < 65535 ? B : 65535, x = (HW + PROJ_THREADS - 1) / PROJ_THREADS;
  int64_t cap = ((int64_t)ctx->cuda->sm_count * 32 + y - 1) / y;
  if (x > cap) x = cap;
  STN_CUDA_CHECK(stn_launch_pdl(ctx, projective_grid_forward_kernel, dim3((unsigned)x, (unsigned)y), PROJ_THREADS, 0,
                                (const float *)stn_data(matrix), stn_data(grid), (int)B, (int)height, (int)width,
                                align_corners));
  return STN_OK;
}

extern "C" stn_status stn_projective_grid_backward_cuda(stn_ctx *ctx, const stn_tensor *matrix,
                                                        const stn_tensor *grad_grid, stn_tensor *grad_matrix,
                                                        int align_corners) {
  int64_t B = grad_grid->shape[0];
  if (B == 0) return STN_OK;
  STN_TRY(check_sizes("stn_projective_grid_backward", B, grad_grid->shape[1], grad_grid->shape[2]));
  STN_CUDA_CHECK(stn_launch_pdl(ctx, projective_grid_backward_kernel, dim3((unsigned)B), PROJ_BWD_THREADS, 0,
                                (const float *)stn_data(matrix), (const float *)stn_data(grad_grid),
                                stn_data(grad_matrix), (int)grad_grid->shape[1], (int)grad_grid->shape[2],
                                align_corners));
  return STN_OK;
}
