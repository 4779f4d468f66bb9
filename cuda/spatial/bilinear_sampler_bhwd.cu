/* bilinear_sampler_bhwd.cu: CUDA twin of stn_bilinear_sampler_bhwd_forward/backward
 * (csrc/bilinear_sampler_bhwd.c): BHWD images, (y, x) grid, corners aligned, zeros
 * outside; the kernels are in cuda/sampler.cu. */
#include "../core/common.cuh"

#include "spatial/sampler.h"

extern "C" stn_status stn_bilinear_sampler_bhwd_forward_cuda(stn_ctx *ctx, const stn_tensor *images,
                                                             const stn_tensor *grid, stn_tensor *output) {
  stn_sampler_geom g = stn_sampler_geom_of(images, grid, 1, 0, 1, STN_PADDING_ZEROS);
  return stn_sampler_forward_cuda(ctx, &g, images, grid, output);
}

extern "C" stn_status stn_bilinear_sampler_bhwd_backward_cuda(stn_ctx *ctx, const stn_tensor *images,
                                                              const stn_tensor *grid, const stn_tensor *grad_output,
                                                              stn_tensor *grad_images, stn_tensor *grad_grid,
                                                              int need_grad_images) {
  stn_sampler_geom g = stn_sampler_geom_of(images, grid, 1, 0, 1, STN_PADDING_ZEROS);
  return stn_sampler_backward_cuda(ctx, &g, images, grid, grad_output, need_grad_images ? grad_images : NULL,
                                   grad_grid);
}
