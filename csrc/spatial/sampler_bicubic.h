/* sampler_bicubic.h: the bicubic sampler's Float fast path on the CPU (sampler_bicubic.c),
 * for contiguous BCHW images and every padding. sampler_modes.c hands it what it takes;
 * the generic loops (sampler_modes_generic.h) stay the reference, for Double and BHWC. */
#ifndef STN_SAMPLER_BICUBIC_H
#define STN_SAMPLER_BICUBIC_H

#include "sampler.h"

/* Whether the fast path takes this call (Float, bicubic, contiguous BCHW, sides up to 2^22). */
int stn_sampler_bicubic_fast(const stn_sampler_geom *g, const stn_tensor *images);

/* output <- sample(images, grid); grad_images (NULL: skipped) and grad_grid <- backward.
 * The bits of the generic Float loops, on every path of core/cpu_paths.h. */
void stn_sampler_bicubic_forward_cpu(const stn_sampler_geom *g, const float *images, const float *grid,
                                     float *output);
void stn_sampler_bicubic_backward_cpu(const stn_sampler_geom *g, const float *images, const float *grid,
                                      const float *grad_output, float *grad_images, float *grad_grid);

#endif /* STN_SAMPLER_BICUBIC_H */
