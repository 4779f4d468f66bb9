/* sampler_modes.c: the CPU loops of the nearest and bicubic modes and of reflection
 * padding (sampler_modes.h), Float and Double through one generic body
 * (sampler_modes_generic.h). */
#include "sampler_modes.h"

#include "core/dtype.h"

#include <math.h>

#define STN_GENERIC_FILE "spatial/sampler_modes_generic.h"
#include "core/generic_floating.h"

stn_status stn_sampler_modes_forward_cpu(const stn_sampler_geom *g, const stn_tensor *images, const stn_tensor *grid,
                                         stn_tensor *output) {
  STN_DISPATCH_FLOATING("stn_sampler_forward", images->dtype, sampler_modes_forward, (g, images, grid, output));
}

stn_status stn_sampler_modes_backward_cpu(const stn_sampler_geom *g, const stn_tensor *images, const stn_tensor *grid,
                                          const stn_tensor *grad_output, stn_tensor *grad_images,
                                          stn_tensor *grad_grid) {
  STN_DISPATCH_FLOATING("stn_sampler_backward", images->dtype, sampler_modes_backward,
                        (g, images, grid, grad_output, grad_images, grad_grid));
}
