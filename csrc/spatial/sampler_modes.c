/* sampler_modes.c: the CPU loops of the nearest and bicubic modes and of reflection
 * padding (sampler_modes.h), Float and Double through one generic body
 * (sampler_modes_generic.h). */
#include "sampler_modes.h"

#include "core/dtype.h"
#include "sampler_nearest.h"
#include "sampler_bicubic.h"

#include <math.h>
#include <stdlib.h>

#define STN_GENERIC_FILE "spatial/sampler_modes_generic.h"
#include "core/generic_floating.h"

/* The Float fast paths: nearest (sampler_nearest.c); bilinear with reflection, the bilinear
 * fast path (sampler_cpu.c), whose corner step reflects the grid values
 * (sampler_reflect_simd.h). */
static int nearest_fast(const stn_sampler_geom *g, const stn_tensor *images) {
  return images->dtype == STN_FLOAT && g->desc.mode == STN_SAMPLER_NEAREST;
}
static int reflect_fast(const stn_sampler_geom *g, const stn_tensor *images) {
  return images->dtype == STN_FLOAT && g->desc.mode == STN_SAMPLER_BILINEAR && g->desc.padding == STN_PADDING_REFLECTION;
}

stn_status stn_sampler_modes_forward_cpu(const stn_sampler_geom *g, const stn_tensor *images, const stn_tensor *grid,
                                         stn_tensor *output, int num_threads) {
  if (nearest_fast(g, images))
    return stn_sampler_nearest_forward_cpu(g, stn_data(images), stn_data(grid), stn_data(output), num_threads);
  if (reflect_fast(g, images))
    return stn_sampler_forward_cpu(g, stn_data(images), stn_data(grid), stn_data(output), num_threads);
  if (stn_sampler_bicubic_fast(g, images)) {
    stn_sampler_bicubic_forward_cpu(g, stn_data(images), stn_data(grid), stn_data(output));
    return STN_OK;
  }
  STN_DISPATCH_FLOATING("stn_sampler_forward", images->dtype, sampler_modes_forward, (g, images, grid, output));
}

stn_status stn_sampler_modes_backward_cpu(const stn_sampler_geom *g, const stn_tensor *images, const stn_tensor *grid,
                                          const stn_tensor *grad_output, stn_tensor *grad_images,
                                          stn_tensor *grad_grid, int num_threads) {
  float *gi = grad_images && images->dtype == STN_FLOAT ? stn_data(grad_images) : NULL;
  if (nearest_fast(g, images))
    return stn_sampler_nearest_backward_cpu(g, stn_data(grid), stn_data(grad_output), gi, stn_data(grad_grid),
                                            num_threads);
  if (reflect_fast(g, images))
    return stn_sampler_backward_cpu(g, stn_data(images), stn_data(grid), stn_data(grad_output), gi,
                                    stn_data(grad_grid), num_threads);
  if (stn_sampler_bicubic_fast(g, images)) {
    stn_sampler_bicubic_backward_cpu(g, stn_data(images), stn_data(grid), stn_data(grad_output),
                                     grad_images ? stn_data(grad_images) : NULL, stn_data(grad_grid));
    return STN_OK;
  }
  STN_DISPATCH_FLOATING("stn_sampler_backward", images->dtype, sampler_modes_backward,
                        (g, images, grid, grad_output, grad_images, grad_grid));
}
