/* sampler_half.c: the samplers on the 16-bit float types (sampler_half.h). */
#include "sampler_half.h"
#include "core/error.h"
#include "core/half_call.h"

stn_status stn_sampler_half_forward(stn_ctx *ctx, const char *fn, stn_sampler_forward_fn forward,
                                    const stn_sampler_desc *desc, const stn_tensor *images, const stn_tensor *grid,
                                    stn_tensor *output) {
  if (!output) return STN_FAIL(STN_ERR_ARG, "%s: output is NULL", fn);
  const stn_half_args a = {fn, {images, grid}, {"images", "grid"}, {output}, {"output"}};
  stn_half_call c;
  STN_TRY(stn_half_call_begin(ctx, &c, &a));
  return stn_half_call_end(ctx, &c, forward(ctx, desc, stn_half_in(&c, 0), stn_half_in(&c, 1), stn_half_out(&c, 0)));
}

stn_status stn_sampler_half_backward(stn_ctx *ctx, const char *fn, stn_sampler_backward_fn backward,
                                     const stn_sampler_desc *desc, const stn_tensor *images, const stn_tensor *grid,
                                     const stn_tensor *grad_output, stn_tensor *grad_images, stn_tensor *grad_grid) {
  if (!grad_output) return STN_FAIL(STN_ERR_ARG, "%s: grad_output is NULL", fn);
  if (!grad_grid) return STN_FAIL(STN_ERR_ARG, "%s: grad_grid is NULL", fn);
  const stn_half_args a = {fn, {images, grid, grad_output}, {"images", "grid", "grad_output"},
                           {grad_images, grad_grid}, {"grad_images", "grad_grid"}};
  stn_half_call c;
  STN_TRY(stn_half_call_begin(ctx, &c, &a));
  return stn_half_call_end(ctx, &c,
                           backward(ctx, desc, stn_half_in(&c, 0), stn_half_in(&c, 1), stn_half_in(&c, 2),
                                    stn_half_out(&c, 0), stn_half_out(&c, 1)));
}
