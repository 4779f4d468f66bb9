/* max_pool2d.c: SpatialMaxPooling on the CPU (Torch7's semantics: windows clipped to
 * the image, padding never wins, NaN propagates, ceil or floor output sizes). The
 * argmax of each window is kept in indices as a 1-based offset within its plane, for
 * the backward pass. CUDA tensors go to cuda/max_pool2d.cu. */
#include "nn_common.h"

#include <float.h>
#include <math.h>

stn_status stn_max_pool2d_forward(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, stn_tensor *indices,
                                  int kW, int kH, int dW, int dH, int padW, int padH, int ceil_mode) {
  static const char *fn = "stn_max_pool2d_forward";
  stn_pool_geom g;
  STN_TRY(stn_pool_check(fn, input, output, kW, kH, dW, dH, padW, padH, ceil_mode, &g));
  STN_TRY(stn_check_on(fn, "indices", indices, input->device));
  STN_TRY(stn_resize_images(ctx, output, input, g.B, g.C, g.oH, g.oW));
  STN_TRY(stn_resize_images(ctx, indices, input, g.B, g.C, g.oH, g.oW));
  STN_TRY(stn_check_contiguous(fn, "output", output));
  STN_TRY(stn_check_contiguous(fn, "indices", indices));
  if (input->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_max_pool2d_forward_cuda(ctx, input, output, indices, kW, kH, dW, dH, padW, padH, ceil_mode));
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  const float *x = stn_data(&xc);
  float *y = stn_data(output), *ind = stn_data(indices);
  int64_t planes = g.B * g.C;
#pragma omp parallel for schedule(static) if (planes * g.oH * g.oW * kW * kH >= STN_OMP_MIN)
  for (int64_t p = 0; p < planes; p++) {
    const float *xp = x + p * g.H * g.W;
    float *yp = y + p * g.oH * g.oW, *ip = ind + p * g.oH * g.oW;
    for (int64_t oy = 0; oy < g.oH; oy++) {
      int64_t h0 = oy * dH - padH, h1 = h0 + kH < g.H ? h0 + kH : g.H;
      if (h0 < 0) h0 = 0;
      for (int64_t ox = 0; ox < g.oW; ox++) {
        int64_t w0 = ox * dW - padW, w1 = w0 + kW < g.W ? w0 + kW : g.W;
        if (w0 < 0) w0 = 0;
        float best = -INFINITY;
        int64_t at = h0 * g.W + w0;
        for (int64_t iy = h0; iy < h1; iy++)
          for (int64_t ix = w0; ix < w1; ix++) {
            float v = xp[iy * g.W + ix];
            if (v > best || isnan(v)) {
              best = v;
              at = iy * g.W + ix;
              if (isnan(v)) goto found;
            }
          }
      found:
        yp[oy * g.oW + ox] = best;
        ip[oy * g.oW + ox] = (float)(at + 1);
      }
    }
  }
  stn_tensor_release(&xc);
  return STN_OK;
}

stn_status stn_max_pool2d_backward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *gradOutput,
                                   stn_tensor *gradInput, const stn_tensor *indices, int kW, int kH, int dW, int dH,
                                   int padW, int padH, int ceil_mode) {
  static const char *fn = "stn_max_pool2d_backward";
  stn_pool_geom g;
  STN_TRY(stn_pool_check(fn, input, NULL, kW, kH, dW, dH, padW, padH, ceil_mode, &g));
  STN_TRY(stn_pool_check_grad(fn, input, gradOutput, gradInput, &g));
  STN_TRY(stn_check_on(fn, "indices", indices, input->device));
  if (!stn_same_shape(indices, gradOutput) || !stn_tensor_is_contiguous(indices))
    return STN_FAIL(STN_ERR_ARG, "%s: indices %s do not come from a forward pass giving %s (run forward first)", fn,
                    stn_shape_str(indices), stn_shape_str(gradOutput));
  STN_TRY(stn_resize_as(ctx, gradInput, input));
  STN_TRY(stn_check_contiguous(fn, "gradInput", gradInput));
  if (input->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_max_pool2d_backward_cuda(ctx, input, gradOutput, gradInput, indices, kW, kH, dW, dH, padW,
                                                   padH, ceil_mode));
  stn_tensor gc;
  STN_TRY(stn_contiguous_copy(ctx, &gc, gradOutput));
  const float *gy = stn_data(&gc), *ind = stn_data(indices);
  float *gx = stn_data(gradInput);
  int64_t planes = g.B * g.C, plane = g.H * g.W, oplane = g.oH * g.oW;
#pragma omp parallel for schedule(static) if (planes * plane >= STN_OMP_MIN)
  for (int64_t p = 0; p < planes; p++) {
    float *gp = gx + p * plane;
    for (int64_t i = 0; i < plane; i++) gp[i] = 0.f;
    for (int64_t o = 0; o < oplane; o++) {
      int64_t at = (int64_t)ind[p * oplane + o] - 1;
      if (at >= 0 && at < plane) gp[at] += gy[p * oplane + o]; /* bounds-checked: indices is a user-visible tensor */
    }
  }
  stn_tensor_release(&gc);
  return STN_OK;
}
