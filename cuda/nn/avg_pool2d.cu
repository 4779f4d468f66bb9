/* avg_pool2d.cu: CUDA twin of csrc/nn/avg_pool2d.c: forward one thread per output;
 * backward one thread per input pixel gathering from the windows that cover it. */
#include "nn_common.cuh"
#include "nn/pool.h"

/* Window of (oy, ox) clipped to the image, and its divisor (as csrc/nn/avg_pool2d.c). */
__device__ __forceinline__ float avg_window(const stn_pool_geom &g, int64_t oy, int64_t ox, int include_pad,
                                            int64_t *h0, int64_t *h1, int64_t *w0, int64_t *w1) {
  int64_t hs = oy * g.dH - g.padH, ws = ox * g.dW - g.padW;
  int64_t he = min(hs + g.kH, g.H + g.padH), we = min(ws + g.kW, g.W + g.padW);
  int64_t area = (he - hs) * (we - ws);
  *h0 = max(hs, (int64_t)0), *w0 = max(ws, (int64_t)0);
  *h1 = min(he, g.H), *w1 = min(we, g.W);
  return (float)(include_pad ? area : (*h1 - *h0) * (*w1 - *w0));
}

__global__ void avg_pool_forward_kernel(const float *x, float *y, stn_pool_geom g, int include_pad) {
  int64_t n = g.B * g.C * g.oH * g.oW;
  STN_KERNEL_LOOP(i, n) {
    int64_t ox = i % g.oW, oy = (i / g.oW) % g.oH, p = i / (g.oW * g.oH);
    const float *xp = x + p * g.H * g.W;
    int64_t h0, h1, w0, w1;
    float div = avg_window(g, oy, ox, include_pad, &h0, &h1, &w0, &w1), s = 0.f;
    for (int64_t iy = h0; iy < h1; iy++)
      for (int64_t ix = w0; ix < w1; ix++) s += xp[iy * g.W + ix];
    y[i] = div > 0 ? s / div : 0.f;
  }
}

__global__ void avg_pool_backward_kernel(const float *gy, float *gx, stn_pool_geom g, int include_pad) {
  int64_t n = g.B * g.C * g.H * g.W;
  STN_KERNEL_LOOP(i, n) {
    int64_t ix = i % g.W, iy = (i / g.W) % g.H, p = i / (g.W * g.H);
    int64_t oy0 = iy + g.padH - g.kH + 1, ox0 = ix + g.padW - g.kW + 1;
    oy0 = oy0 <= 0 ? 0 : (oy0 + g.dH - 1) / g.dH;
    ox0 = ox0 <= 0 ? 0 : (ox0 + g.dW - 1) / g.dW;
    int64_t oy1 = min((iy + g.padH) / g.dH + 1, g.oH), ox1 = min((ix + g.padW) / g.dW + 1, g.oW);
    const float *gp = gy + p * g.oH * g.oW;
    float s = 0.f;
    for (int64_t oy = oy0; oy < oy1; oy++)
      for (int64_t ox = ox0; ox < ox1; ox++) {
        int64_t h0, h1, w0, w1;
        float div = avg_window(g, oy, ox, include_pad, &h0, &h1, &w0, &w1);
        if (div > 0) s += gp[oy * g.oW + ox] / div;
      }
    gx[i] = s;
  }
}

extern "C" stn_status stn_avg_pool2d_forward_cuda(stn_ctx *ctx, const stn_pool_geom *geom, int count_include_pad,
                                                  const stn_tensor *input, stn_tensor *output) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  stn_pool_geom g = *geom;
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  int64_t n = g.B * g.C * g.oH * g.oW;
  avg_pool_forward_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(stn_data(&xc), stn_data(output), g,
                                                                                count_include_pad);
  stn_status st = STN_LAUNCH_STATUS();
  stn_tensor_release(&xc);
  return st;
}

extern "C" stn_status stn_avg_pool2d_backward_cuda(stn_ctx *ctx, const stn_pool_geom *geom, int count_include_pad,
                                                   const stn_tensor *gradOutput, stn_tensor *gradInput) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  stn_pool_geom g = *geom;
  stn_tensor gc;
  STN_TRY(stn_contiguous_copy(ctx, &gc, gradOutput));
  int64_t n = g.B * g.C * g.H * g.W;
  avg_pool_backward_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(stn_data(&gc), stn_data(gradInput), g,
                                                                                 count_include_pad);
  stn_status st = STN_LAUNCH_STATUS();
  stn_tensor_release(&gc);
  return st;
}
