/* sampler_half.h: the samplers (2-D and volumetric) on Half and BFloat16 tensors: images,
 * grid and grad_output of one 16-bit type, results of that type. Each 16-bit value is
 * read as the float it is exactly, the Float sampler runs (its float arithmetic and
 * accumulation, its deterministic CUDA backward), and each result is rounded to the
 * 16-bit type once (core/half_call.h). */
#ifndef STN_SPATIAL_SAMPLER_HALF_H
#define STN_SPATIAL_SAMPLER_HALF_H

#include "stn.h"

/* The Float entry points these run: stn_sampler_forward/backward or stn_sampler3d_*. */
typedef stn_status (*stn_sampler_forward_fn)(stn_ctx *ctx, const stn_sampler_desc *desc, const stn_tensor *images,
                                             const stn_tensor *grid, stn_tensor *output);
typedef stn_status (*stn_sampler_backward_fn)(stn_ctx *ctx, const stn_sampler_desc *desc, const stn_tensor *images,
                                              const stn_tensor *grid, const stn_tensor *grad_output,
                                              stn_tensor *grad_images, stn_tensor *grad_grid);

stn_status stn_sampler_half_forward(stn_ctx *ctx, const char *fn, stn_sampler_forward_fn forward,
                                    const stn_sampler_desc *desc, const stn_tensor *images, const stn_tensor *grid,
                                    stn_tensor *output);
stn_status stn_sampler_half_backward(stn_ctx *ctx, const char *fn, stn_sampler_backward_fn backward,
                                     const stn_sampler_desc *desc, const stn_tensor *images, const stn_tensor *grid,
                                     const stn_tensor *grad_output, stn_tensor *grad_images, stn_tensor *grad_grid);

#endif /* STN_SPATIAL_SAMPLER_HALF_H */
