/* conv2d.cu: CUDA twin of csrc/nn/conv2d.c. The whole batch (or large chunks of it) is
 * unrolled into one column matrix cols (K x Bc*N, image-major columns), so each pass
 * is one cuBLAS product: out = W @ cols, gW += gy @ cols^T, gcols = W^T @ gy. A
 * permute kernel moves between the O x Bc*N product layout and B x O x N tensors;
 * col2im gathers (one thread per input pixel), so nothing uses atomics. */
#include "bias_grad.cuh"
#include "gemm.cuh"
#include "nn/conv2d.h"

/* Enough columns for the largest batch chunk: at most ~2^27 floats of columns. */
static int64_t chunk_images(const stn_conv_geom *g) {
  int64_t per = g->K * g->N + g->O * g->N;
  int64_t c = ((int64_t)1 << 27) / (per > 0 ? per : 1);
  if (c < 1) c = 1;
  return c < g->B ? c : g->B;
}

/* Kernels index with I: int when every offset fits (fast division), else int64_t. */

/* One thread per (c, b, oy, ox): writes the kH*kW column entries of that pixel. */
template <typename I>
__global__ void im2col_kernel(const float *x, float *cols, stn_conv_geom g, I nb) {
  I C = (I)g.C, H = (I)g.H, W = (I)g.W, oH = (I)g.oH, oW = (I)g.oW, N = (I)g.N;
  I n = C * nb * N, ldc = nb * N;
  for (I i = blockIdx.x * (I)blockDim.x + threadIdx.x; i < n; i += (I)gridDim.x * blockDim.x) {
    I ox = i % oW, t = i / oW;
    I oy = t % oH;
    t /= oH;
    I b = t % nb, c = t / nb;
    const float *xp = x + (b * C + c) * H * W;
    float *dst = cols + (c * g.kH * g.kW) * ldc + b * N + oy * oW + ox;
    I iy0 = oy * g.dH - g.padH, ix0 = ox * g.dW - g.padW;
    for (int ki = 0; ki < g.kH; ki++) {
      I iy = iy0 + ki;
      for (int kj = 0; kj < g.kW; kj++) {
        I ix = ix0 + kj;
        float v = (iy >= 0 && iy < H && ix >= 0 && ix < W) ? xp[iy * W + ix] : 0.f;
        dst[(ki * g.kW + kj) * ldc] = v;
      }
    }
  }
}

/* One thread per input pixel (b, c, iy, ix): sums the column entries read from it. */
template <typename I>
__global__ void col2im_kernel(const float *cols, float *gx, stn_conv_geom g, I nb) {
  I C = (I)g.C, H = (I)g.H, W = (I)g.W, oH = (I)g.oH, oW = (I)g.oW, N = (I)g.N;
  I n = nb * C * H * W, ldc = nb * N;
  for (I i = blockIdx.x * (I)blockDim.x + threadIdx.x; i < n; i += (I)gridDim.x * blockDim.x) {
    I ix = i % W, t = i / W;
    I iy = t % H;
    t /= H;
    I c = t % C, b = t / C;
    float s = 0.f;
    for (int ki = 0; ki < g.kH; ki++) {
      I ty = iy + g.padH - ki;
      if (ty < 0 || ty % g.dH) continue;
      I oy = ty / g.dH;
      if (oy >= oH) continue;
      for (int kj = 0; kj < g.kW; kj++) {
        I tx = ix + g.padW - kj;
        if (tx < 0 || tx % g.dW) continue;
        I ox = tx / g.dW;
        if (ox >= oW) continue;
        s += cols[((c * g.kH + ki) * g.kW + kj) * ldc + b * N + oy * oW + ox];
      }
    }
    gx[i] = s;
  }
}

/* out[b][o][k] = prod[o][b * N + k] + bias[o] (prod: O x nb*N), or the reverse
 * (prod <- out) when to_prod. */
template <typename I>
__global__ void permute_kernel(float *prod, float *out, const float *bias, I O, I N, I nb, int to_prod) {
  I n = nb * O * N;
  for (I i = blockIdx.x * (I)blockDim.x + threadIdx.x; i < n; i += (I)gridDim.x * blockDim.x) {
    I k = i % N, t = i / N;
    I o = t % O, b = t / O;
    I p = o * nb * N + b * N + k;
    if (to_prod) prod[p] = out[i];
    else out[i] = prod[p] + (bias ? bias[o] : 0.f);
  }
}

/* Every offset below 2^30 (then the kernels use 32-bit arithmetic, loop steps included)? */
static int fits32(const stn_conv_geom *g, int64_t nb) {
  int64_t big = nb * (g->K > g->O ? g->K : g->O) * g->N;
  int64_t in = nb * g->C * g->H * g->W;
  return big < (1 << 30) && in < (1 << 30);
}

static stn_status run_im2col(stn_ctx *ctx, const float *x, float *cols, const stn_conv_geom *g, int64_t nb) {
  int64_t n = g->C * nb * g->N;
  if (fits32(g, nb)) im2col_kernel<int><<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(x, cols, *g, (int)nb);
  else im2col_kernel<int64_t><<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(x, cols, *g, nb);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

static stn_status run_col2im(stn_ctx *ctx, const float *cols, float *gx, const stn_conv_geom *g, int64_t nb) {
  int64_t n = nb * g->C * g->H * g->W;
  if (fits32(g, nb)) col2im_kernel<int><<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(cols, gx, *g, (int)nb);
  else col2im_kernel<int64_t><<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(cols, gx, *g, nb);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

static stn_status run_permute(stn_ctx *ctx, float *prod, float *out, const float *bias, const stn_conv_geom *g,
                              int64_t nb, int to_prod) {
  int64_t n = nb * g->O * g->N;
  if (fits32(g, nb))
    permute_kernel<int><<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(prod, out, bias, (int)g->O, (int)g->N,
                                                                               (int)nb, to_prod);
  else
    permute_kernel<int64_t><<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(prod, out, bias, g->O, g->N, nb,
                                                                                   to_prod);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

extern "C" stn_status stn_conv2d_forward_cuda(stn_ctx *ctx, const stn_conv_geom *geom, const stn_tensor *input,
                                              stn_tensor *output, const stn_tensor *weight, const stn_tensor *bias,
                                              stn_tensor *work) {
  static const char *fn = "stn_conv2d_forward";
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  stn_conv_geom g = *geom;
  int64_t nb = chunk_images(&g);
  STN_TRY(stn_scratch(ctx, fn, work, STN_CUDA, nb * (g.K * g.N + g.O * g.N)));
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  const float *x = stn_data(&xc), *w = stn_data(weight), *bd = bias ? stn_data(bias) : NULL;
  float *cols = stn_data(work), *out = stn_data(output);
  stn_status st = STN_OK;
  for (int64_t b0 = 0; b0 < g.B && st == STN_OK; b0 += nb) {
    int64_t m = g.B - b0 < nb ? g.B - b0 : nb;
    float *prod = cols + m * g.K * g.N;
    st = run_im2col(ctx, x + b0 * g.C * g.H * g.W, cols, &g, m);
    if (st == STN_OK)
      st = stn_sgemm_rm(ctx, 0, 0, g.O, m * g.N, g.K, 1.f, w, g.K, cols, m * g.N, 0.f, prod, m * g.N);
    if (st == STN_OK) st = run_permute(ctx, prod, out + b0 * g.O * g.N, bd, &g, m, 0);
  }
  stn_tensor_release(&xc);
  return st;
}

extern "C" stn_status stn_conv2d_backward_cuda(stn_ctx *ctx, const stn_conv_geom *geom, const stn_tensor *input,
                                               const stn_tensor *gradOutput, const stn_tensor *weight,
                                               const stn_conv2d_grads *grads, stn_tensor *work) {
  static const char *fn = "stn_conv2d_backward";
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  stn_conv_geom g = *geom;
  stn_tensor *gradInput = grads->input, *gradWeight = grads->weight, *gradBias = grads->bias;
  const float scale = grads->scale;
  int64_t nb = chunk_images(&g);
  STN_TRY(stn_scratch(ctx, fn, work, STN_CUDA, nb * (g.K * g.N + g.O * g.N)));
  stn_tensor xc, gc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  stn_status st = stn_contiguous_copy(ctx, &gc, gradOutput);
  if (st != STN_OK) { stn_tensor_release(&xc); return st; }
  const float *x = stn_data(&xc), *gy = stn_data(&gc), *w = stn_data(weight);
  float *cols = stn_data(work);
  if (gradBias) st = stn_bias_grad_cuda(ctx, gy, stn_data(gradBias), g.B, g.O, g.N, scale);
  for (int64_t b0 = 0; b0 < g.B && st == STN_OK; b0 += nb) {
    int64_t m = g.B - b0 < nb ? g.B - b0 : nb, ldp = m * g.N;
    float *prod = cols + m * g.K * g.N;
    st = run_permute(ctx, prod, (float *)gy + b0 * g.O * g.N, NULL, &g, m, 1);
    if (st == STN_OK && gradWeight) {
      /* the columns are rebuilt from input, so backward depends on its arguments only */
      st = run_im2col(ctx, x + b0 * g.C * g.H * g.W, cols, &g, m);
      if (st == STN_OK)
        st = stn_sgemm_rm(ctx, 0, 1, g.O, g.K, ldp, scale, prod, ldp, cols, ldp, 1.f, stn_data(gradWeight), g.K);
    }
    if (st == STN_OK && gradInput) {
      st = stn_sgemm_rm(ctx, 1, 0, g.K, ldp, g.O, 1.f, w, g.K, prod, ldp, 0.f, cols, ldp);
      if (st == STN_OK) st = run_col2im(ctx, cols, stn_data(gradInput) + b0 * g.C * g.H * g.W, &g, m);
    }
  }
  stn_tensor_release(&xc);
  stn_tensor_release(&gc);
  return st;
}
