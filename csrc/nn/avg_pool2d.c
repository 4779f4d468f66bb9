/* avg_pool2d.c: SpatialAveragePooling on the CPU, Torch7's semantics: a window is
 * clipped to the padded image; count_include_pad divides by that clipped window's
 * area, otherwise by the number of image pixels in it. CUDA: cuda/nn/avg_pool2d.cu. */
#include "nn/pool.h"

/* Window of output (oy, ox): image rows [*h0, *h1), columns [*w0, *w1), and divisor. */
static inline float avg_window(const stn_pool_geom *g, int64_t oy, int64_t ox, int include_pad, int64_t *h0,
                               int64_t *h1, int64_t *w0, int64_t *w1) {
  int64_t hs = oy * g->dH - g->padH, ws = ox * g->dW - g->padW;
  int64_t he = hs + g->kH < g->H + g->padH ? hs + g->kH : g->H + g->padH;
  int64_t we = ws + g->kW < g->W + g->padW ? ws + g->kW : g->W + g->padW;
  int64_t area = (he - hs) * (we - ws);
  *h0 = hs < 0 ? 0 : hs, *w0 = ws < 0 ? 0 : ws;
  *h1 = he < g->H ? he : g->H, *w1 = we < g->W ? we : g->W;
  return (float)(include_pad ? area : (*h1 - *h0) * (*w1 - *w0));
}

stn_status stn_avg_pool2d_forward(stn_ctx *ctx, const stn_pool2d_plan *plan, const stn_tensor *input,
                                  stn_tensor *output) {
  static const char *fn = "stn_avg_pool2d_forward";
  stn_pool_geom g;
  STN_TRY(stn_pool_check(fn, plan, input, &g));
  int count_include_pad = plan->count_include_pad;
  STN_TRY(stn_check_on(fn, "output", output, input->device));
  STN_TRY(stn_resize_images(ctx, output, input, g.B, g.C, g.oH, g.oW));
  STN_TRY(stn_check_contiguous(fn, "output", output));
  if (input->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_avg_pool2d_forward_cuda(ctx, &g, count_include_pad, input, output));
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  const float *x = stn_data(&xc);
  float *y = stn_data(output);
  int64_t planes = g.B * g.C;
#pragma omp parallel for schedule(static) if (planes * g.oH * g.oW * g.kW * g.kH >= STN_OMP_MIN)
  for (int64_t p = 0; p < planes; p++) {
    const float *xp = x + p * g.H * g.W;
    for (int64_t oy = 0; oy < g.oH; oy++)
      for (int64_t ox = 0; ox < g.oW; ox++) {
        int64_t h0, h1, w0, w1;
        float div = avg_window(&g, oy, ox, count_include_pad, &h0, &h1, &w0, &w1);
        float s = 0.f;
        for (int64_t iy = h0; iy < h1; iy++)
          for (int64_t ix = w0; ix < w1; ix++) s += xp[iy * g.W + ix];
        y[(p * g.oH + oy) * g.oW + ox] = div > 0 ? s / div : 0.f;
      }
  }
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
  const float *gy = stn_data(&gc);
  float *gx = stn_data(gradInput);
  int64_t planes = g.B * g.C, plane = g.H * g.W;
#pragma omp parallel for schedule(static) if (planes * plane >= STN_OMP_MIN)
  for (int64_t p = 0; p < planes; p++) {
    float *gp = gx + p * plane;
    for (int64_t i = 0; i < plane; i++) gp[i] = 0.f;
    for (int64_t oy = 0; oy < g.oH; oy++)
      for (int64_t ox = 0; ox < g.oW; ox++) {
        int64_t h0, h1, w0, w1;
        float div = avg_window(&g, oy, ox, count_include_pad, &h0, &h1, &w0, &w1);
        if (div <= 0) continue;
        float v = gy[(p * g.oH + oy) * g.oW + ox] / div;
        for (int64_t iy = h0; iy < h1; iy++)
          for (int64_t ix = w0; ix < w1; ix++) gp[iy * g.W + ix] += v;
      }
  }
  stn_tensor_release(&gc);
  return STN_OK;
}
