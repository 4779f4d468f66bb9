/* full_conv2d.cu: CUDA twin of csrc/nn/full_conv2d.c, on the column matrices of
 * cuda/nn/im2col.cuh with the transposed convolution's geometry (csrc/nn/full_conv2d.h):
 * chunks of images, each pass one cuBLAS product. Forward: cols = W^T @ x, col2im, bias;
 * gradInput = W @ im2col(gy); gradWeight += scale x @ im2col(gy)^T; gradBias by the
 * fixed-order reduction of bias_grad.cuh. No atomics, so runs repeat bit for bit. */
#include "bias_grad.cuh"
#include "gemm.cuh"
#include "im2col.cuh"
#include "nn/full_conv2d.h"

/* y[b][c][p] += bias[c] over nb images of C planes of S pixels. */
template <typename I>
static __global__ void full_bias_kernel(float *y, const float *bias, I C, I S, I n) {
  for (I i = blockIdx.x * (I)blockDim.x + threadIdx.x; i < n; i += (I)gridDim.x * blockDim.x) y[i] += bias[(i / S) % C];
}

static stn_status run_full_bias(stn_ctx *ctx, float *y, const float *bias, const stn_conv_geom *g, int64_t nb) {
  int64_t S = g->H * g->W, n = nb * g->C * S;
  if (fits32(g, nb))
    full_bias_kernel<int><<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(y, bias, (int)g->C, (int)S, (int)n);
  else full_bias_kernel<int64_t><<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(y, bias, g->C, S, n);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

extern "C" stn_status stn_full_conv2d_forward_cuda(stn_ctx *ctx, const stn_conv_geom *geom, const stn_tensor *input,
                                                   stn_tensor *output, const stn_tensor *weight, const stn_tensor *bias,
                                                   stn_tensor *work) {
  static const char *fn = "stn_full_conv2d_forward";
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  stn_conv_geom g = *geom;
  int64_t nb = chunk_images(&g);
  STN_TRY(stn_scratch(ctx, fn, work, STN_CUDA, nb * (g.K * g.N + g.O * g.N)));
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  const float *x = stn_data(&xc), *w = stn_data(weight), *bd = bias ? stn_data(bias) : NULL;
  float *cols = stn_data(work), *out = stn_data(output);
  int64_t isz = g.O * g.N, osz = g.C * g.H * g.W;
  stn_status st = STN_OK;
  for (int64_t b0 = 0; b0 < g.B && st == STN_OK; b0 += nb) {
    int64_t m = g.B - b0 < nb ? g.B - b0 : nb, ldp = m * g.N;
    float *prod = cols + m * g.K * g.N;
    /* the chunk's input in product layout (O x m*N), then its columns W^T @ x */
    st = run_permute(ctx, prod, (float *)x + b0 * isz, NULL, &g, m, 1);
    if (st == STN_OK) st = stn_sgemm_rm(ctx, 1, 0, g.K, ldp, g.O, 1.f, w, g.K, prod, ldp, 0.f, cols, ldp);
    if (st == STN_OK) st = run_col2im(ctx, cols, out + b0 * osz, &g, m);
    if (st == STN_OK && bd) st = run_full_bias(ctx, out + b0 * osz, bd, &g, m);
  }
  stn_tensor_release(&xc);
  return st;
}

extern "C" stn_status stn_full_conv2d_backward_cuda(stn_ctx *ctx, const stn_conv_geom *geom, const stn_tensor *input,
                                                    const stn_tensor *gradOutput, const stn_tensor *weight,
                                                    const stn_conv2d_grads *grads, stn_tensor *work) {
  static const char *fn = "stn_full_conv2d_backward";
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
  int64_t isz = g.O * g.N, osz = g.C * g.H * g.W;
  if (gradBias) st = stn_bias_grad_cuda(ctx, gy, stn_data(gradBias), g.B, g.C, g.H * g.W, scale);
  for (int64_t b0 = 0; b0 < g.B && st == STN_OK; b0 += nb) {
    int64_t m = g.B - b0 < nb ? g.B - b0 : nb, ldp = m * g.N;
    float *prod = cols + m * g.K * g.N;
    st = run_im2col(ctx, gy + b0 * osz, cols, &g, m);
    if (st == STN_OK && gradInput) {
      st = stn_sgemm_rm(ctx, 0, 0, g.O, ldp, g.K, 1.f, w, g.K, cols, ldp, 0.f, prod, ldp);
      if (st == STN_OK) st = run_permute(ctx, prod, stn_data(gradInput) + b0 * isz, NULL, &g, m, 0);
    }
    if (st == STN_OK && gradWeight) {
      st = run_permute(ctx, prod, (float *)x + b0 * isz, NULL, &g, m, 1);
      if (st == STN_OK)
        st = stn_sgemm_rm(ctx, 0, 1, g.O, g.K, ldp, scale, prod, ldp, cols, ldp, 1.f, stn_data(gradWeight), g.K);
    }
  }
  stn_tensor_release(&xc);
  stn_tensor_release(&gc);
  return st;
}
