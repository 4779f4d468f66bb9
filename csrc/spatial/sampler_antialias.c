/* sampler_antialias.c: the CPU side and the device dispatch of antialiased sampling
 * (sampler_antialias.h); the loops are sampler_antialias_generic.h, once for Float and
 * once for Double. */
#include "core/dtype.h"
#include "sampler_antialias.h"

#include <math.h>
#include <stdlib.h>

#define STN_GENERIC_FILE "spatial/sampler_antialias_generic.h"
#include "core/generic_floating.h"

stn_status stn_sampler_antialias_forward(stn_ctx *ctx, const stn_sampler_geom *g, const stn_tensor *images,
                                         const stn_tensor *grid, stn_tensor *output) {
  if (g->B * g->C * g->Ho * g->Wo == 0) return STN_OK;
  if (images->device == STN_CUDA) STN_CUDA_DISPATCH(stn_sampler_antialias_forward_cuda(ctx, g, images, grid, output));
  STN_DISPATCH_FLOATING("stn_sampler_forward", images->dtype, aa_forward, (g, images, grid, output));
}

stn_status stn_sampler_antialias_mask(stn_ctx *ctx, const stn_sampler_geom *g, const stn_tensor *grid,
                                      stn_tensor *grad_output) {
  if (g->B * g->C * g->Ho * g->Wo == 0) return STN_OK;
  if (grid->device == STN_CUDA) STN_CUDA_DISPATCH(stn_sampler_antialias_mask_cuda(ctx, g, grid, grad_output));
  STN_DISPATCH_FLOATING("stn_sampler_backward", grid->dtype, aa_mask, (g, grid, grad_output));
}

stn_status stn_sampler_antialias_backward(stn_ctx *ctx, const stn_sampler_geom *g, const stn_tensor *images,
                                          const stn_tensor *grid, const stn_tensor *grad_output,
                                          stn_tensor *grad_images, stn_tensor *grad_grid) {
  if (g->B * g->C * g->Ho * g->Wo == 0) return STN_OK; /* the plain backward wrote the zeros */
  if (images->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_sampler_antialias_backward_cuda(ctx, g, images, grid, grad_output, grad_images, grad_grid));
  STN_DISPATCH_FLOATING("stn_sampler_backward", images->dtype, aa_backward,
                        (g, images, grid, grad_output, grad_images, grad_grid));
}
