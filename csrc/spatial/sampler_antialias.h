/* sampler_antialias.h: antialiased bilinear sampling (desc->antialias = 1), the op that
 * sampler.c runs after the plain sampler. The plain sampler computes every pixel first;
 * these then (re)compute the pixels whose footprint is wider than one input pixel along
 * an axis (docs/spatial_transformer.md, "Antialiased sampling", has the definition), so
 * that a pixel whose footprint is at most one pixel wide is plain bilinear bit for bit.
 * CPU: sampler_antialias_generic.h (Float and Double); CUDA: cuda/spatial/sampler_antialias.cu. */
#ifndef STN_SAMPLER_ANTIALIAS_H
#define STN_SAMPLER_ANTIALIAS_H

#include "sampler.h"

#ifdef __cplusplus
extern "C" {
#endif

/* output: the plain sampler's result; its wide-footprint pixels are overwritten. */
stn_status stn_sampler_antialias_forward(stn_ctx *ctx, const stn_sampler_geom *g, const stn_tensor *images,
                                         const stn_tensor *grid, stn_tensor *output);
/* Zeroes grad_output (a scratch copy) at the wide-footprint pixels, every channel, so that
 * the plain backward on it gives the other pixels' share. */
stn_status stn_sampler_antialias_mask(stn_ctx *ctx, const stn_sampler_geom *g, const stn_tensor *grid,
                                      stn_tensor *grad_output);
/* After the plain backward on the masked grad_output: overwrites grad_grid at the
 * wide-footprint pixels and adds their share to grad_images (NULL: skipped). */
stn_status stn_sampler_antialias_backward(stn_ctx *ctx, const stn_sampler_geom *g, const stn_tensor *images,
                                          const stn_tensor *grid, const stn_tensor *grad_output,
                                          stn_tensor *grad_images, stn_tensor *grad_grid);

stn_status stn_sampler_antialias_forward_cuda(stn_ctx *ctx, const stn_sampler_geom *g, const stn_tensor *images,
                                              const stn_tensor *grid, stn_tensor *output);
stn_status stn_sampler_antialias_mask_cuda(stn_ctx *ctx, const stn_sampler_geom *g, const stn_tensor *grid,
                                           stn_tensor *grad_output);
stn_status stn_sampler_antialias_backward_cuda(stn_ctx *ctx, const stn_sampler_geom *g, const stn_tensor *images,
                                               const stn_tensor *grid, const stn_tensor *grad_output,
                                               stn_tensor *grad_images, stn_tensor *grad_grid);

#ifdef __cplusplus
}
#endif
#endif /* STN_SAMPLER_ANTIALIAS_H */
