/* sampler_nearest.h: the nearest mode's Float fast path on the CPU (sampler_nearest.c),
 * every padding and both layouts. Each sample's pixel is computed once per chunk of output
 * pixels (SIMD on the AVX2 and AVX-512 paths), then every channel reads it (forward: a
 * gather) or adds to it (image gradient: a scatter, samples in order); the grid gradient
 * is 0. The same pixels and the same sums as the generic loops (sampler_modes_generic.h):
 * the same bits. sampler_modes.c hands it the checked geometry and contiguous operands. */
#ifndef STN_SAMPLER_NEAREST_H
#define STN_SAMPLER_NEAREST_H

#include "sampler.h"

/* output <- sample(images, grid). */
stn_status stn_sampler_nearest_forward_cpu(const stn_sampler_geom *g, const float *images, const float *grid,
                                           float *output, int num_threads);
/* grad_images (NULL: skipped) <- the scattered grad_output; grad_grid <- 0. */
stn_status stn_sampler_nearest_backward_cpu(const stn_sampler_geom *g, const float *grid, const float *grad_output,
                                            float *grad_images, float *grad_grid, int num_threads);

#endif /* STN_SAMPLER_NEAREST_H */
