/* grid_sampler.cu: CUDA twin of stn_grid_sampler_forward/backward (csrc/grid_sampler.c):
 * BCHW images, (x, y) grid; the kernels are in cuda/sampler.cu. */
#include "../core/common.cuh"

#include "spatial/sampler.h"

extern "C" stn_status stn_grid_sampler_forward_cuda(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                                    stn_tensor *output, int align_corners, int padding) {
  stn_sampler_geom g = stn_sampler_geom_of(images, grid, 0, 1, align_corners, padding);
  return stn_sampler_forward_cuda(ctx, &g, images, grid, output);
}

extern "C" stn_status stn_grid_sampler_backward_cuda(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                                     const stn_tensor *grad_output, stn_tensor *grad_images,
                                                     stn_tensor *grad_grid, int need_grad_images, int align_corners,
                                                     int padding) {
  stn_sampler_geom g = stn_sampler_geom_of(images, grid, 0, 1, align_corners, padding);
  return stn_sampler_backward_cuda(ctx, &g, images, grid, grad_output, need_grad_images ? grad_images : NULL,
                                   grad_grid);
}
