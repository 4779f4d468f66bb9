/* im2col.cuh: the column matrices of the CUDA convolutions (cuda/nn/conv2d.cu and its
 * transpose, cuda/nn/full_conv2d.cu), for the geometry of csrc/nn/conv2d.h. A chunk of
 * nb images is unrolled into one column matrix cols (K x nb*N, image-major columns), so
 * each product is one cuBLAS call; a permute kernel moves between the O x nb*N product
 * layout and B x O x N tensors; col2im gathers (one thread per image pixel), so nothing
 * uses atomics. */
#ifndef STN_CUDA_NN_IM2COL_CUH
#define STN_CUDA_NN_IM2COL_CUH

#include "../core/common.cuh"
#include "nn/conv2d.h"

/* Enough columns for the largest batch chunk: at most ~2^27 floats of columns. */
static inline int64_t chunk_images(const stn_conv_geom *g) {
  int64_t per = g->K * g->N + g->O * g->N;
  int64_t c = ((int64_t)1 << 27) / (per > 0 ? per : 1);
  if (c < 1) c = 1;
  return c < g->B ? c : g->B;
}

/* Kernels index with I: int when every offset fits (fast division), else int64_t. */

/* One thread per (c, b, oy, ox): writes the kH*kW column entries of that pixel (tap
 * (ki, kj) reads pixel (oy dH - padH + ki dilH, ox dW - padW + kj dilW)). */
template <typename I>
static __global__ void im2col_kernel(const float *x, float *cols, stn_conv_geom g, I nb) {
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
      I iy = iy0 + (I)ki * g.dilH;
      for (int kj = 0; kj < g.kW; kj++) {
        I ix = ix0 + (I)kj * g.dilW;
        float v = (iy >= 0 && iy < H && ix >= 0 && ix < W) ? xp[iy * W + ix] : 0.f;
        dst[(ki * g.kW + kj) * ldc] = v;
      }
    }
  }
}

/* One thread per input pixel (b, c, iy, ix): sums the column entries read from it. */
template <typename I>
static __global__ void col2im_kernel(const float *cols, float *gx, stn_conv_geom g, I nb) {
  I C = (I)g.C, H = (I)g.H, W = (I)g.W, oH = (I)g.oH, oW = (I)g.oW, N = (I)g.N;
  I n = nb * C * H * W, ldc = nb * N;
  for (I i = blockIdx.x * (I)blockDim.x + threadIdx.x; i < n; i += (I)gridDim.x * blockDim.x) {
    I ix = i % W, t = i / W;
    I iy = t % H;
    t /= H;
    I c = t % C, b = t / C;
    float s = 0.f;
    for (int ki = 0; ki < g.kH; ki++) {
      I ty = iy + g.padH - (I)ki * g.dilH;
      if (ty < 0 || ty % g.dH) continue;
      I oy = ty / g.dH;
      if (oy >= oH) continue;
      for (int kj = 0; kj < g.kW; kj++) {
        I tx = ix + g.padW - (I)kj * g.dilW;
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
static __global__ void permute_kernel(float *prod, float *out, const float *bias, I O, I N, I nb, int to_prod) {
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
static inline int fits32(const stn_conv_geom *g, int64_t nb) {
  int64_t big = nb * (g->K > g->O ? g->K : g->O) * g->N;
  int64_t in = nb * g->C * g->H * g->W;
  return big < (1 << 30) && in < (1 << 30);
}

static inline stn_status run_im2col(stn_ctx *ctx, const float *x, float *cols, const stn_conv_geom *g, int64_t nb) {
  int64_t n = g->C * nb * g->N;
  if (fits32(g, nb)) im2col_kernel<int><<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(x, cols, *g, (int)nb);
  else im2col_kernel<int64_t><<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(x, cols, *g, nb);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

static inline stn_status run_col2im(stn_ctx *ctx, const float *cols, float *gx, const stn_conv_geom *g, int64_t nb) {
  int64_t n = nb * g->C * g->H * g->W;
  if (fits32(g, nb)) col2im_kernel<int><<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(cols, gx, *g, (int)nb);
  else col2im_kernel<int64_t><<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(cols, gx, *g, nb);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

static inline stn_status run_permute(stn_ctx *ctx, float *prod, float *out, const float *bias, const stn_conv_geom *g,
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

#endif /* STN_CUDA_NN_IM2COL_CUH */
