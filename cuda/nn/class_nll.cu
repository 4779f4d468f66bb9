/* class_nll.cu: CUDA twin of csrc/nn/class_nll.c. The loss is one block's fixed-order
 * reduction; the result and the first bad label come back in one small copy (the
 * criterion returns a number, so this pass synchronizes once; not when no loss is asked
 * for, as in a CUDA graph capture). Backward needs no
 * state: every block recomputes the (small) label weight sum itself. A label equal to
 * ignore_index is skipped, as on the CPU. */
#include "nn_common.cuh"
#include "nn/criterion.h"

#define NLL_THREADS 256

/* res = {loss, total weight, first bad row or -1, its label} */
__global__ void nll_forward_kernel(const float *x, const float *t, const float *w, float *out, float *res, int64_t B,
                                   int64_t n, int size_average, float ignored) {
  __shared__ double s_loss[NLL_THREADS], s_w[NLL_THREADS];
  __shared__ long long s_bad[NLL_THREADS];
  double l = 0, tw = 0;
  long long bad = B;
  for (int64_t i = threadIdx.x; i < B; i += blockDim.x) {
    float ti = t[i];
    if (ti == ignored) continue;
    if (!(ti >= 1.f && ti <= (float)n && ti == floorf(ti))) {
      if (i < bad) bad = i;
      continue;
    }
    int64_t c = (int64_t)ti - 1;
    double wi = w ? w[c] : 1.0;
    l -= wi * x[i * n + c];
    tw += wi;
  }
  s_loss[threadIdx.x] = l, s_w[threadIdx.x] = tw, s_bad[threadIdx.x] = bad;
  __syncthreads();
  for (int k = blockDim.x / 2; k > 0; k >>= 1) {
    if (threadIdx.x < k) {
      s_loss[threadIdx.x] += s_loss[threadIdx.x + k];
      s_w[threadIdx.x] += s_w[threadIdx.x + k];
      s_bad[threadIdx.x] = min(s_bad[threadIdx.x], s_bad[threadIdx.x + k]);
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    double loss = s_loss[0];
    if (size_average && s_w[0] != 0) loss /= s_w[0];
    out[0] = (float)loss;
    res[0] = (float)loss;
    res[1] = (float)s_w[0];
    res[2] = s_bad[0] < B ? (float)s_bad[0] : -1.f;
    res[3] = s_bad[0] < B ? t[s_bad[0]] : 0.f;
  }
}

__global__ void nll_backward_kernel(const float *t, const float *w, float *gx, int64_t B, int64_t n, int size_average,
                                    float ignored) {
  __shared__ double s_w[NLL_THREADS];
  double tw = 0;
  for (int64_t i = threadIdx.x; i < B; i += blockDim.x) {
    float ti = t[i];
    if (ti != ignored && ti >= 1.f && ti <= (float)n && ti == floorf(ti)) tw += w ? w[(int64_t)ti - 1] : 1.0;
  }
  s_w[threadIdx.x] = tw;
  __syncthreads();
  for (int k = blockDim.x / 2; k > 0; k >>= 1) {
    if (threadIdx.x < k) s_w[threadIdx.x] += s_w[threadIdx.x + k];
    __syncthreads();
  }
  float norm = size_average && s_w[0] != 0 ? (float)(1.0 / s_w[0]) : 1.f;
  STN_KERNEL_LOOP(i, B * n) {
    int64_t row = i / n, c = i - row * n;
    float ti = t[row];
    gx[i] = (ti != ignored && ti == (float)(c + 1)) ? -(w ? w[c] : 1.f) * norm : 0.f;
  }
}

extern "C" stn_status stn_class_nll_forward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target,
                                                 stn_tensor *output, const stn_tensor *weights, int size_average,
                                                 int64_t ignore_index, double *loss) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  int64_t B = input->ndim == 2 ? input->shape[0] : 1, n = input->shape[input->ndim - 1];
  stn_tensor xc = {}, tc = {}, wc = {}, res = {};
  int64_t four = 4;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  stn_status st = stn_contiguous_copy(ctx, &tc, target);
  if (st == STN_OK) st = weights ? stn_contiguous_copy(ctx, &wc, weights) : STN_OK;
  if (st == STN_OK) st = stn_tensor_new(ctx, &res, STN_CUDA, 1, &four);
  if (st == STN_OK) {
    nll_forward_kernel<<<1, NLL_THREADS, 0, stn_stream(ctx)>>>(stn_data(&xc), stn_data(&tc),
                                                               weights ? stn_data(&wc) : NULL, stn_data(output),
                                                               stn_data(&res), B, n, size_average,
                                                               (float)ignore_index);
    st = STN_LAUNCH_STATUS();
    float host[4] = {0, 0, -1, 0};
    /* without loss nothing is read back (a captured step cannot wait for the GPU) */
    if (st == STN_OK && loss) st = stn_cuda_memcpy(ctx, host, STN_CPU, stn_data(&res), STN_CUDA, sizeof host);
    if (st == STN_OK && host[2] >= 0)
      st = STN_FAIL(STN_ERR_ARG, "stn_class_nll_forward: target %g at position %lld is not a class label in 1..%lld (input %s)",
                    (double)host[3], (long long)host[2] + 1, (long long)n, stn_shape_str(input));
    if (st == STN_OK && loss) *loss = host[0];
    stn_tensor_release(&res);
  }
  stn_tensor_release(&wc);
  stn_tensor_release(&xc);
  stn_tensor_release(&tc);
  return st;
}

extern "C" stn_status stn_class_nll_backward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target,
                                                  stn_tensor *gradInput, const stn_tensor *weights, int size_average,
                                                  int64_t ignore_index) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  int64_t B = input->ndim == 2 ? input->shape[0] : 1, n = input->shape[input->ndim - 1];
  stn_tensor tc = {}, wc = {};
  STN_TRY(stn_contiguous_copy(ctx, &tc, target));
  stn_status st = weights ? stn_contiguous_copy(ctx, &wc, weights) : STN_OK;
  if (st == STN_OK) {
    int blocks = stn_blocks(ctx, B * n, NLL_THREADS);
    nll_backward_kernel<<<blocks, NLL_THREADS, 0, stn_stream(ctx)>>>(stn_data(&tc), weights ? stn_data(&wc) : NULL,
                                                                     stn_data(gradInput), B, n, size_average,
                                                                     (float)ignore_index);
    st = STN_LAUNCH_STATUS();
  }
  stn_tensor_release(&wc);
  stn_tensor_release(&tc);
  return st;
}
