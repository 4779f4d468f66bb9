/* avg_pool2d.c: SpatialAveragePooling on the CPU, Torch7's semantics: a window is
 * clipped to the padded image; count_include_pad divides by that clipped window's
 * area, otherwise by the number of image pixels in it. Float or Double
 * (avg_pool2d_generic.h); CUDA: cuda/nn/avg_pool2d.cu. */
#include "nn/pool.h"

/* Window of output (oy, ox): image rows [*h0, *h1), columns [*w0, *w1), and divisor. */
static inline int64_t avg_window(const stn_pool_geom *g, int64_t oy, int64_t ox, int include_pad, int64_t *h0,
                               int64_t *h1, int64_t *w0, int64_t *w1) {
  int64_t hs = oy * g->dH - g->padH, ws = ox * g->dW - g->padW;
  int64_t he = hs + g->kH < g->H + g->padH ? hs + g->kH : g->H + g->padH;
  int64_t we = ws + g->kW < g->W + g->padW ? ws + g->kW : g->W + g->padW;
  int64_t area = (he - hs) * (we - ws);
  *h0 = hs < 0 ? 0 : hs, *w0 = ws < 0 ? 0 : ws;
  *h1 = he < g->H ? he : g->H, *w1 = we < g->W ? we : g->W;
  return include_pad ? area : (*h1 - *h0) * (*w1 - *w0);
}

#define STN_GENERIC_FILE "nn/avg_pool2d_generic.h"
#include "core/generic_floating.h"

stn_status stn_avg_pool2d_forward(stn_ctx *ctx, const stn_pool2d_plan *plan, const stn_tensor *input,
                                  stn_tensor *output) {
  static const char *fn = "stn_avg_pool2d_forward";
  stn_pool_geom g;
  STN_TRY(stn_pool_check(fn, plan, input, &g));
  int count_include_pad = plan->count_include_pad;
  STN_TRY(stn_check_on(fn, "output", output, input));
  STN_TRY(stn_resize_images(ctx, output, input, g.B, g.C, g.oH, g.oW));
  STN_TRY(stn_check_contiguous(fn, "output", output));
  if (input->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_avg_pool2d_forward_cuda(ctx, &g, count_include_pad, input, output));
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  if (input->dtype == STN_DOUBLE) avg_forward_double(&g, count_include_pad, &xc, output);
  else avg_forward_float(&g, count_include_pad, &xc, output);
  stn_tensor_release(&xc);
  return STN_OK;
}

stn_status stn_avg_pool2d_backward(stn_ctx *ctx, const stn_pool2d_plan *plan, const stn_tensor *input,
                                   const stn_tensor *gradOutput, stn_tensor *gradInput) {
  static const char *fn = "stn_avg_pool2d_backward";
  stn_pool_geom g;
  STN_TRY(stn_pool_check(fn, plan, input, &g));
  int count_include_pad = plan->count_include_pad;
  STN_TRY(stn_pool_check_grad(fn, input, gradOutput, gradInput, &g));
  STN_TRY(stn_resize_as(ctx, gradInput, input));
  STN_TRY(stn_check_contiguous(fn, "gradInput", gradInput));
  if (input->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_avg_pool2d_backward_cuda(ctx, &g, count_include_pad, gradOutput, gradInput));
  stn_tensor gc;
  STN_TRY(stn_contiguous_copy(ctx, &gc, gradOutput));
  if (input->dtype == STN_DOUBLE) avg_backward_double(&g, count_include_pad, &gc, gradInput);
  else avg_backward_float(&g, count_include_pad, &gc, gradInput);
  stn_tensor_release(&gc);
  return STN_OK;
}
