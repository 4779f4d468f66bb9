/* subsampling.cu: CUDA twin of csrc/nn/subsampling.c, in float, with the CPU's
 * arithmetic: forward one thread per output; gradInput one thread per input pixel
 * gathering over the windows that cover it; gradWeight and gradBias one block per
 * plane, each thread a fixed set of output pixels, then a fixed tree (no atomics: the
 * bits repeat run after run). */
#include "nn_common.cuh"
#include "nn/subsampling.h"

#define SUBSAMPLING_THREADS 256

/* The window sum of csrc/nn/subsampling_generic.h: rows, then columns. */
__device__ __forceinline__ float window_sum(const stn_subsampling_geom &g, const float *xp) {
  float s = 0.f;
  for (int ky = 0; ky < g.kH; ky++)
    for (int kx = 0; kx < g.kW; kx++) s += xp[ky * g.W + kx];
  return s;
}

__global__ void subsampling_forward_kernel(const float *x, float *y, const float *w, const float *b,
                                           stn_subsampling_geom g) {
  int64_t n = g.B * g.C * g.oH * g.oW;
  STN_KERNEL_LOOP(i, n) {
    int64_t ox = i % g.oW, oy = (i / g.oW) % g.oH, p = i / (g.oW * g.oH), k = p % g.C;
    float s = window_sum(g, x + p * g.H * g.W + oy * g.dH * g.W + ox * g.dW);
    y[i] = __fadd_rn(b[k], __fmul_rn(w[k], s)); /* rounded as the CPU does: no fused multiply-add */
  }
}

__global__ void subsampling_grad_input_kernel(const float *gy, float *gx, const float *w, stn_subsampling_geom g) {
  int64_t n = g.B * g.C * g.H * g.W;
  STN_KERNEL_LOOP(i, n) {
    int64_t ix = i % g.W, iy = (i / g.W) % g.H, p = i / (g.W * g.H), k = p % g.C;
    int64_t oy0, oy1, ox0, ox1;
    stn_subsampling_cover(iy, g.kH, g.dH, g.oH, &oy0, &oy1);
    stn_subsampling_cover(ix, g.kW, g.dW, g.oW, &ox0, &ox1);
    if (oy0 >= oy1 || ox0 >= ox1) {
      gx[i] = 0.f;
      continue;
    }
    const float *gp = gy + p * g.oH * g.oW;
    float s = 0.f;
    for (int64_t oy = oy0; oy < oy1; oy++)
      for (int64_t ox = ox0; ox < ox1; ox++) s += gp[oy * g.oW + ox];
    gx[i] = w[k] * s;
  }
}

/* Block k: gw[k] += scale * sum go * window sum, gb[k] += scale * sum go over the batch
 * and the output pixels of plane k; gw or gb may be NULL. */
__global__ void subsampling_grad_params_kernel(const float *x, const float *gy, float *gw, float *gb,
                                               stn_subsampling_geom g, float scale) {
  __shared__ float part_w[SUBSAMPLING_THREADS], part_b[SUBSAMPLING_THREADS];
  int64_t k = blockIdx.x, S = g.oH * g.oW;
  float sw = 0.f, sb = 0.f;
  for (int64_t i = threadIdx.x; i < g.B * S; i += blockDim.x) {
    int64_t b = i / S, r = i - b * S, oy = r / g.oW, ox = r - oy * g.oW;
    float go = gy[(b * g.C + k) * S + r];
    sb += go;
    if (gw) sw += __fmul_rn(go, window_sum(g, x + (b * g.C + k) * g.H * g.W + oy * g.dH * g.W + ox * g.dW));
  }
  part_w[threadIdx.x] = sw, part_b[threadIdx.x] = sb;
  __syncthreads();
  for (int h = blockDim.x / 2; h > 0; h >>= 1) {
    if (threadIdx.x < h) {
      part_w[threadIdx.x] += part_w[threadIdx.x + h];
      part_b[threadIdx.x] += part_b[threadIdx.x + h];
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    if (gw) gw[k] += scale * part_w[0];
    if (gb) gb[k] += scale * part_b[0];
  }
}

extern "C" stn_status stn_subsampling_forward_cuda(stn_ctx *ctx, const stn_subsampling_geom *geom,
                                                   const stn_tensor *input, stn_tensor *output,
                                                   const stn_tensor *weight, const stn_tensor *bias) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  stn_subsampling_geom g = *geom;
  int64_t n = g.B * g.C * g.oH * g.oW;
  if (n == 0) return STN_OK;
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  subsampling_forward_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(
      stn_data(&xc), stn_data(output), stn_data(weight), stn_data(bias), g);
  stn_status st = STN_LAUNCH_STATUS();
  stn_tensor_release(&xc);
  return st;
}

/* The parameters' gradients (after the checks: C fits a grid). */
static stn_status grad_params(stn_ctx *ctx, const stn_subsampling_geom &g, const stn_tensor *input,
                              const stn_tensor *gc, const stn_conv2d_grads *grads) {
  float *gw = grads->weight ? stn_data(grads->weight) : NULL, *gb = grads->bias ? stn_data(grads->bias) : NULL;
  if (!gw) { /* the bias gradient alone does not read the input */
    subsampling_grad_params_kernel<<<(unsigned)g.C, SUBSAMPLING_THREADS, 0, stn_stream(ctx)>>>(
        NULL, stn_data(gc), NULL, gb, g, grads->scale);
    return STN_LAUNCH_STATUS();
  }
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  subsampling_grad_params_kernel<<<(unsigned)g.C, SUBSAMPLING_THREADS, 0, stn_stream(ctx)>>>(
      stn_data(&xc), stn_data(gc), gw, gb, g, grads->scale);
  stn_status st = STN_LAUNCH_STATUS();
  stn_tensor_release(&xc);
  return st;
}

extern "C" stn_status stn_subsampling_backward_cuda(stn_ctx *ctx, const stn_subsampling_geom *geom,
                                                    const stn_tensor *input, const stn_tensor *gradOutput,
                                                    const stn_tensor *weight, const stn_conv2d_grads *grads) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  stn_subsampling_geom g = *geom;
  if (g.C > INT32_MAX) return STN_FAIL(STN_ERR_ARG, "stn_subsampling_backward: %lld planes", (long long)g.C);
  if (g.B * g.C == 0) return STN_OK;
  stn_tensor gc;
  STN_TRY(stn_contiguous_copy(ctx, &gc, gradOutput));
  stn_status st = STN_OK;
  /* the parameters' gradients first: they read the input, which gradInput may share */
  if (grads->weight || grads->bias) st = grad_params(ctx, g, input, &gc, grads);
  if (st == STN_OK && grads->input) {
    int64_t n = g.B * g.C * g.H * g.W;
    subsampling_grad_input_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(
        stn_data(&gc), stn_data(grads->input), stn_data(weight), g);
    st = STN_LAUNCH_STATUS();
  }
  stn_tensor_release(&gc);
  return st;
}
