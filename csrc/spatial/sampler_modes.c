/* sampler_modes.c: the CPU loops of the nearest and bicubic modes and of reflection
 * padding (sampler_modes.h), Float and Double through one generic body
 * (sampler_modes_generic.h). */
#include "sampler_modes.h"

#include "core/dtype.h"
#include "sampler_bicubic.h"

#include <math.h>
#include <stdlib.h>

#define STN_GENERIC_FILE "spatial/sampler_modes_generic.h"
#include "core/generic_floating.h"

/* Bilinear with reflection, Float: the grid reflected into the image (grid values whose
 * pixel coordinates lie in [0, size - 1]), then the bilinear fast path with border
 * padding, which reads the same four pixels with the same weights there; the grid
 * gradient is its gradient times d(reflection)/d(u) (+-1, 0 where clipped or not finite). */
static int reflect_by_fast_path(const stn_sampler_geom *g, const stn_tensor *images) {
  return images->dtype == STN_FLOAT && g->desc.mode == STN_SAMPLER_BILINEAR && g->desc.padding == STN_PADDING_REFLECTION;
}

/* out <- the reflected grid, chain (NULL: not wanted) <- d(reflection)/d(u); geom <- g read
 * with border padding. Returns 0 when out of memory. */
static int reflect_grid(const stn_sampler_geom *g, const float *grid, float **out, float **chain,
                        stn_sampler_geom *geom) {
  const int64_t n = g->B * g->Ho * g->Wo * 2;
  const int xs = stn_grid_x_slot(g->desc.grid_order), align = g->desc.align_corners;
  *out = malloc((size_t)(n > 0 ? n : 1) * sizeof(float));
  if (chain) *chain = malloc((size_t)(n > 0 ? n : 1) * sizeof(float));
  if (!*out || (chain && !*chain)) {
    free(*out);
    if (chain) free(*chain);
    return 0;
  }
  *geom = *g;
  geom->desc.padding = STN_PADDING_BORDER;
#pragma omp parallel for schedule(static) if (n >= STN_OMP_MIN)
  for (int64_t k = 0; k < n; k++) {
    const int size = (int)((k & 1) == xs ? g->W : g->H);
    const float u = to_pixel_float(grid[k], size, align);
    float d = 0, c = 0;
    if (u - u == 0) c = reflect_float(u, size, align, &d);
    /* back to a grid value: the inverse of coords.h's map (one pixel aligned: any value) */
    (*out)[k] = align ? (size > 1 ? 2 * c / (float)(size - 1) - 1 : 0.0f) : (2 * c + 1) / (float)size - 1;
    if (chain) (*chain)[k] = d;
  }
  return 1;
}

stn_status stn_sampler_modes_forward_cpu(const stn_sampler_geom *g, const stn_tensor *images, const stn_tensor *grid,
                                         stn_tensor *output, int num_threads) {
  if (reflect_by_fast_path(g, images)) {
    float *rg;
    stn_sampler_geom geom;
    if (!reflect_grid(g, stn_data(grid), &rg, NULL, &geom))
      return STN_FAIL(STN_ERR_MEMORY, "stn_sampler_forward: out of memory for the reflected grid");
    const stn_status st = stn_sampler_forward_cpu(&geom, stn_data(images), rg, stn_data(output), num_threads);
    free(rg);
    return st;
  }
  if (stn_sampler_bicubic_fast(g, images)) {
    stn_sampler_bicubic_forward_cpu(g, stn_data(images), stn_data(grid), stn_data(output));
    return STN_OK;
  }
  STN_DISPATCH_FLOATING("stn_sampler_forward", images->dtype, sampler_modes_forward, (g, images, grid, output));
}

stn_status stn_sampler_modes_backward_cpu(const stn_sampler_geom *g, const stn_tensor *images, const stn_tensor *grid,
                                          const stn_tensor *grad_output, stn_tensor *grad_images,
                                          stn_tensor *grad_grid, int num_threads) {
  if (reflect_by_fast_path(g, images)) {
    float *rg, *chain;
    stn_sampler_geom geom;
    if (!reflect_grid(g, stn_data(grid), &rg, &chain, &geom))
      return STN_FAIL(STN_ERR_MEMORY, "stn_sampler_backward: out of memory for the reflected grid");
    float *gg = stn_data(grad_grid);
    const stn_status st = stn_sampler_backward_cpu(&geom, stn_data(images), rg, stn_data(grad_output),
                                                   grad_images ? stn_data(grad_images) : NULL, gg, num_threads);
    const int64_t n = g->B * g->Ho * g->Wo * 2;
    if (st == STN_OK)
      for (int64_t k = 0; k < n; k++) gg[k] = chain[k] == 0 ? 0.0f : gg[k] * chain[k];
    free(rg);
    free(chain);
    return st;
  }
  if (stn_sampler_bicubic_fast(g, images)) {
    stn_sampler_bicubic_backward_cpu(g, stn_data(images), stn_data(grid), stn_data(grad_output),
                                     grad_images ? stn_data(grad_images) : NULL, stn_data(grad_grid));
    return STN_OK;
  }
  STN_DISPATCH_FLOATING("stn_sampler_backward", images->dtype, sampler_modes_backward,
                        (g, images, grid, grad_output, grad_images, grad_grid));
}
