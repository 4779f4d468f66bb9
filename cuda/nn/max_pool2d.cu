/* max_pool2d.cu: CUDA twin of csrc/nn/max_pool2d.c. Forward: one thread per output.
 * Backward gathers: one thread per input pixel sums the gradients of the windows
 * whose argmax it was, so overlapping windows need no atomics. */
#include "nn_common.cuh"
#include "nn/pool.h"

__global__ void max_pool_forward_kernel(const float *x, float *y, float *ind, stn_pool_geom g) {
  int64_t n = g.B * g.C * g.oH * g.oW;
  STN_KERNEL_LOOP(i, n) {
    int64_t ox = i % g.oW, oy = (i / g.oW) % g.oH, p = i / (g.oW * g.oH);
    const float *xp = x + p * g.H * g.W;
    int64_t h0 = oy * g.dH - g.padH, h1 = min(h0 + g.kH, g.H);
    int64_t w0 = ox * g.dW - g.padW, w1 = min(w0 + g.kW, g.W);
    h0 = max(h0, (int64_t)0);
    w0 = max(w0, (int64_t)0);
    float best = -INFINITY;
    int64_t at = h0 * g.W + w0;
    bool done = false;
    for (int64_t iy = h0; iy < h1 && !done; iy++)
      for (int64_t ix = w0; ix < w1; ix++) {
        float v = xp[iy * g.W + ix];
        if (v > best || isnan(v)) {
          best = v;
          at = iy * g.W + ix;
          if (isnan(v)) { done = true; break; }
        }
      }
    y[i] = best;
    ind[i] = (float)(at + 1);
  }
}

__global__ void max_pool_backward_kernel(const float *gy, const float *ind, float *gx, stn_pool_geom g) {
  int64_t n = g.B * g.C * g.H * g.W;
  STN_KERNEL_LOOP(i, n) {
    int64_t ix = i % g.W, iy = (i / g.W) % g.H, p = i / (g.W * g.H);
    /* outputs whose window covers (iy, ix): oy*dH - padH <= iy < oy*dH - padH + kH */
    int64_t oy0 = iy + g.padH - g.kH + 1, ox0 = ix + g.padW - g.kW + 1;
    oy0 = oy0 <= 0 ? 0 : (oy0 + g.dH - 1) / g.dH;
    ox0 = ox0 <= 0 ? 0 : (ox0 + g.dW - 1) / g.dW;
    int64_t oy1 = min((iy + g.padH) / g.dH + 1, g.oH), ox1 = min((ix + g.padW) / g.dW + 1, g.oW);
    float me = (float)(iy * g.W + ix + 1), s = 0.f;
    const float *gp = gy + p * g.oH * g.oW, *ip = ind + p * g.oH * g.oW;
    for (int64_t oy = oy0; oy < oy1; oy++)
      for (int64_t ox = ox0; ox < ox1; ox++)
        if (ip[oy * g.oW + ox] == me) s += gp[oy * g.oW + ox];
    gx[i] = s;
  }
}

extern "C" stn_status stn_max_pool2d_forward_cuda(stn_ctx *ctx, const stn_pool_geom *geom, const stn_tensor *input,
                                                  stn_tensor *output, stn_tensor *indices) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  stn_pool_geom g = *geom;
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  int64_t n = g.B * g.C * g.oH * g.oW;
  max_pool_forward_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(stn_data(&xc), stn_data(output),
                                                                                stn_data(indices), g);
  stn_status st = STN_LAUNCH_STATUS();
  stn_tensor_release(&xc);
  return st;
}

extern "C" stn_status stn_max_pool2d_backward_cuda(stn_ctx *ctx, const stn_pool_geom *geom,
                                                   const stn_tensor *gradOutput, stn_tensor *gradInput,
                                                   const stn_tensor *indices) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  stn_pool_geom g = *geom;
  stn_tensor gc;
  STN_TRY(stn_contiguous_copy(ctx, &gc, gradOutput));
  int64_t n = g.B * g.C * g.H * g.W;
  max_pool_backward_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(stn_data(&gc), stn_data(indices),
                                                                                 stn_data(gradInput), g);
  stn_status st = STN_LAUNCH_STATUS();
  stn_tensor_release(&gc);
  return st;
}
