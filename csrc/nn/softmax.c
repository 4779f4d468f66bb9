/* softmax.c: SoftMax and LogSoftMax on the CPU over the feature dimension, Torch7's
 * layouts: n, B x n, C x H x W (over C at each pixel), B x C x H x W. Rows are stable
 * (the maximum is subtracted first). CUDA tensors go to cuda/nn/softmax.cu. */
#include "nn/softmax.h"

#include <math.h>

stn_status stn_softmax_forward(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, int use_log) {
  static const char *fn = "stn_softmax_forward";
  STN_TRY(stn_check_tensor(fn, "input", input));
  STN_TRY(stn_check_on(fn, "output", output, input->device));
  stn_softmax_geom sg = {0, 0, 0};
  STN_TRY(stn_softmax_check(fn, input, &sg));
  int64_t outer = sg.outer, n = sg.n, inner = sg.inner;
  STN_TRY(stn_resize_as(ctx, output, input));
  STN_TRY(stn_check_contiguous(fn, "output", output));
  if (input->device == STN_CUDA) STN_CUDA_DISPATCH(stn_softmax_forward_cuda(ctx, &sg, input, output, use_log));
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  const float *x = stn_data(&xc);
  float *y = stn_data(output);
  int64_t rows = outer * inner;
#pragma omp parallel for schedule(static) if (rows * n >= STN_OMP_MIN)
  for (int64_t r = 0; r < rows; r++) {
    int64_t base = (r / inner) * n * inner + r % inner;
    const float *xr = x + base;
    float *yr = y + base;
    float m = -INFINITY;
    for (int64_t j = 0; j < n; j++) m = xr[j * inner] > m ? xr[j * inner] : m;
    double s = 0;
    for (int64_t j = 0; j < n; j++) s += exp((double)(xr[j * inner] - m));
    if (use_log) {
      float ls = m + (float)log(s);
      for (int64_t j = 0; j < n; j++) yr[j * inner] = xr[j * inner] - ls;
    } else {
      float inv = (float)(1.0 / s);
      for (int64_t j = 0; j < n; j++) yr[j * inner] = expf(xr[j * inner] - m) * inv;
    }
  }
  stn_tensor_release(&xc);
  return STN_OK;
}

stn_status stn_softmax_backward(stn_ctx *ctx, const stn_tensor *output, const stn_tensor *gradOutput,
                                stn_tensor *gradInput, int use_log) {
  static const char *fn = "stn_softmax_backward";
  STN_TRY(stn_check_tensor(fn, "output", output));
  STN_TRY(stn_check_on(fn, "gradOutput", gradOutput, output->device));
  STN_TRY(stn_check_on(fn, "gradInput", gradInput, output->device));
  STN_TRY(stn_check_same_shape(fn, "gradOutput", gradOutput, "output", output));
  STN_TRY(stn_check_contiguous(fn, "output", output));
  stn_softmax_geom sg = {0, 0, 0};
  STN_TRY(stn_softmax_check(fn, output, &sg));
  int64_t outer = sg.outer, n = sg.n, inner = sg.inner;
  STN_TRY(stn_resize_as(ctx, gradInput, output));
  STN_TRY(stn_check_contiguous(fn, "gradInput", gradInput));
  if (output->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_softmax_backward_cuda(ctx, &sg, output, gradOutput, gradInput, use_log));
  stn_tensor gc;
  STN_TRY(stn_contiguous_copy(ctx, &gc, gradOutput));
  const float *y = stn_data(output), *g = stn_data(&gc);
  float *gx = stn_data(gradInput);
  int64_t rows = outer * inner;
#pragma omp parallel for schedule(static) if (rows * n >= STN_OMP_MIN)
  for (int64_t r = 0; r < rows; r++) {
    int64_t base = (r / inner) * n * inner + r % inner;
    const float *yr = y + base, *gr = g + base;
    float *gxr = gx + base;
    double s = 0;
    if (use_log) {
      /* y = log p: dx = g - p * sum(g) */
      for (int64_t j = 0; j < n; j++) s += gr[j * inner];
      for (int64_t j = 0; j < n; j++) gxr[j * inner] = gr[j * inner] - expf(yr[j * inner]) * (float)s;
    } else {
      /* y = p: dx = p * (g - sum(g * p)) */
      for (int64_t j = 0; j < n; j++) s += (double)gr[j * inner] * yr[j * inner];
      for (int64_t j = 0; j < n; j++) gxr[j * inner] = yr[j * inner] * (gr[j * inner] - (float)s);
    }
  }
  stn_tensor_release(&gc);
  return STN_OK;
}
