/* sampler_modes.h: the samplers beside the bilinear fast path (sampler_cpu.c, sampler.cu):
 * the nearest and bicubic modes, and every mode with reflection padding, on the CPU
 * (sampler_modes.c, Float and Double) and on CUDA (cuda/spatial/sampler_modes.cu, Float).
 * sampler.c hands them the checked geometry and contiguous tensors, as it does the fast path. */
#ifndef STN_SAMPLER_MODES_H
#define STN_SAMPLER_MODES_H

#include "sampler.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Whether a descriptor goes to these loops rather than the bilinear fast path. */
static inline int stn_sampler_uses_modes(const stn_sampler_desc *d) {
  return d->mode != STN_SAMPLER_BILINEAR || d->padding == STN_PADDING_REFLECTION;
}

/* output <- sample(images, grid); grad_images (NULL: skipped) and grad_grid <- backward
 * (the nearest mode's grid gradient is 0). */
stn_status stn_sampler_modes_forward_cpu(const stn_sampler_geom *g, const stn_tensor *images, const stn_tensor *grid,
                                         stn_tensor *output, int num_threads);
stn_status stn_sampler_modes_backward_cpu(const stn_sampler_geom *g, const stn_tensor *images, const stn_tensor *grid,
                                          const stn_tensor *grad_output, stn_tensor *grad_images,
                                          stn_tensor *grad_grid, int num_threads);
stn_status stn_sampler_modes_forward_cuda(stn_ctx *ctx, const stn_sampler_geom *g, const stn_tensor *images,
                                          const stn_tensor *grid, stn_tensor *output);
stn_status stn_sampler_modes_backward_cuda(stn_ctx *ctx, const stn_sampler_geom *g, const stn_tensor *images,
                                           const stn_tensor *grid, const stn_tensor *grad_output,
                                           stn_tensor *grad_images, stn_tensor *grad_grid);

#ifdef __cplusplus
}
#endif
#endif /* STN_SAMPLER_MODES_H */
