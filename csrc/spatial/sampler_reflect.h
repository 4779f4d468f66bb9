/* sampler_reflect.h: bilinear sampling with reflection padding, Float, on the CPU
 * (sampler_reflect.c): the grid reflected into the image, then the bilinear fast path
 * with border padding (sampler_cpu.c), which reads the same four pixels with the same
 * weights there; the grid gradient is that path's times d(reflection)/d(u). */
#ifndef STN_SAMPLER_REFLECT_H
#define STN_SAMPLER_REFLECT_H

#include "sampler.h"

/* output <- sample(images, grid). */
stn_status stn_sampler_reflect_forward_cpu(const stn_sampler_geom *g, const float *images, const float *grid,
                                           float *output, int num_threads);
/* grad_images (NULL: skipped) and grad_grid <- backward. */
stn_status stn_sampler_reflect_backward_cpu(const stn_sampler_geom *g, const float *images, const float *grid,
                                            const float *grad_output, float *grad_images, float *grad_grid,
                                            int num_threads);

#endif /* STN_SAMPLER_REFLECT_H */
