/* affine_grid.cu: CUDA twin of stn_affine_grid_forward/backward (csrc/spatial/affine_grid.c).
 * Forward: one thread per grid point (2-D launch: y walks the batch, x the pixels).
 * Backward: one block per batch element whose threads walk its pixels in memory order,
 * then fixed-shape reductions, so that grad_theta is the same run after run. */
#include "../core/common.cuh"

#include "spatial/affine.h"

#define GRID_THREADS 256

__global__ void affine_grid_forward_kernel(const float *theta, float *grid, int B, int H, int W, int order_xy,
                                           int align) {
  stn_pdl_wait();
  stn_pdl_trigger();
  const int HW = H * W;
  for (int b = blockIdx.y; b < B; b += gridDim.y) {
    const float *t = theta + 6 * (int64_t)b;
    const float t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3], t4 = t[4], t5 = t[5];
    float *gb = grid + (int64_t)b * HW * 2;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < HW; i += gridDim.x * blockDim.x) {
      const int y = i / W, x = i - y * W;
      const float fy = stn_grid_coord(y, H, align), fx = stn_grid_coord(x, W, align);
      const float u = order_xy ? fx : fy, v = order_xy ? fy : fx;
      gb[2 * i] = stn_affine_apply(t0, t1, t2, u, v);
      gb[2 * i + 1] = stn_affine_apply(t3, t4, t5, u, v);
    }
  }
}

/* 512 threads, three blocks per SM: every element's block of a 256-element batch is
 * resident at once on a large GPU (with 1024 threads they ran in two waves), and each
 * thread's pixels are loaded several at a time. The pixels' normalized coordinates come
 * from a per-block table (two float divisions per pixel otherwise) and each thread steps
 * its (y, x) without dividing. Partial sums: warp shuffles, then the warps' in order
 * (fixed shapes), one of the six sums per thread. */
#define GRID_BWD_THREADS 512
#define GRID_COORDS 2048 /* table entries: H + W up to this, else computed per pixel */

__global__ void __launch_bounds__(GRID_BWD_THREADS, 3) affine_grid_backward_kernel(const float *gg, float *gtheta,
                                                                                   int H, int W, int order_xy,
                                                                                   int align) {
  __shared__ double part[6][GRID_BWD_THREADS / 32];
  __shared__ double sums[6];
  __shared__ float coord[GRID_COORDS]; /* y coordinates of the rows, then x of the columns */
  const int HW = H * W, nt = blockDim.x;
  const bool table = H + W <= GRID_COORDS;
  if (table)
    for (int i = threadIdx.x; i < H + W; i += nt)
      coord[i] = i < H ? stn_grid_coord(i, H, align) : stn_grid_coord(i - H, W, align);
  stn_pdl_wait(); /* global memory from here on */
  stn_pdl_trigger();
  __syncthreads();
  const int64_t b = blockIdx.x;
  const float *g = gg + b * HW * 2;
  const bool pair = ((uintptr_t)gg & 7) == 0; /* a point's two values as one 8-byte load */
  const int step_y = nt / W, step_x = nt - step_y * W;
  int y = threadIdx.x / W, x = threadIdx.x - y * W;
  double acc[6] = {0, 0, 0, 0, 0, 0}; /* sum g0*y, g0*x, g0, g1*y, g1*x, g1 */
#pragma unroll 4
  for (int i = threadIdx.x; i < HW; i += nt) {
    const double fy = table ? coord[y] : stn_grid_coord(y, H, align);
    const double fx = table ? coord[H + x] : stn_grid_coord(x, W, align);
    const float2 v = pair ? __ldg((const float2 *)g + i) : make_float2(g[2 * i], g[2 * i + 1]);
    const double g0 = v.x, g1 = v.y;
    acc[0] += g0 * fy, acc[1] += g0 * fx, acc[2] += g0;
    acc[3] += g1 * fy, acc[4] += g1 * fx, acc[5] += g1;
    x += step_x, y += step_y;
    if (x >= W) x -= W, y += 1;
  }
  for (int k = 0; k < 6; k++)
    for (int off = 16; off > 0; off /= 2) acc[k] += __shfl_down_sync(0xffffffffu, acc[k], off);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0)
    for (int k = 0; k < 6; k++) part[k][warp] = acc[k];
  __syncthreads();
  if (threadIdx.x < 6) {
    double sum = 0.0;
    for (int w = 0; w < GRID_BWD_THREADS / 32; w++) sum += part[threadIdx.x][w];
    sums[threadIdx.x] = sum;
  }
  __syncthreads();
  if (threadIdx.x == 0) stn_affine_grid_store(gtheta + 6 * b, sums, order_xy);
}

static stn_status check_sizes(const char *fn, int64_t B, int64_t height, int64_t width) {
  if (B > 2147483647 || height * width > 1073741823)
    return STN_FAIL(STN_ERR_ARG, "%s: batch %lld or grid %lldx%lld beyond the CUDA kernel's 32-bit indices", fn,
                    (long long)B, (long long)height, (long long)width);
  return STN_OK;
}

extern "C" stn_status stn_affine_grid_forward_cuda(stn_ctx *ctx, const stn_tensor *theta, stn_tensor *grid,
                                                   int64_t height, int64_t width, int order_xy, int align_corners) {
  int64_t B = theta->shape[0], HW = height * width;
  if (B * HW == 0) return STN_OK;
  STN_TRY(check_sizes("stn_affine_grid_forward", B, height, width));
  int64_t y = B < 65535 ? B : 65535, x = (HW + GRID_THREADS - 1) / GRID_THREADS;
  int64_t cap = ((int64_t)ctx->cuda->sm_count * 32 + y - 1) / y;
  if (x > cap) x = cap;
  STN_CUDA_CHECK(stn_launch_pdl(ctx, affine_grid_forward_kernel, dim3((unsigned)x, (unsigned)y), GRID_THREADS, 0,
                                (const float *)stn_data(theta), stn_data(grid), (int)B, (int)height, (int)width,
                                order_xy, align_corners));
  return STN_OK;
}

extern "C" stn_status stn_affine_grid_backward_cuda(stn_ctx *ctx, const stn_tensor *grad_grid, stn_tensor *grad_theta,
                                                    int order_xy, int align_corners) {
  int64_t B = grad_grid->shape[0];
  if (B == 0) return STN_OK;
  STN_TRY(check_sizes("stn_affine_grid_backward", B, grad_grid->shape[1], grad_grid->shape[2]));
  STN_CUDA_CHECK(stn_launch_pdl(ctx, affine_grid_backward_kernel, dim3((unsigned)B), GRID_BWD_THREADS, 0,
                                (const float *)stn_data(grad_grid), stn_data(grad_theta), (int)grad_grid->shape[1],
                                (int)grad_grid->shape[2], order_xy, align_corners));
  return STN_OK;
}
