/* softmax.c: SoftMax and LogSoftMax on the CPU over the feature dimension, Torch7's
 * layouts: n, B x n, C x H x W (over C at each pixel), B x C x H x W. Rows are stable
 * (the maximum is subtracted first); Float or Double (softmax_generic.h). CUDA tensors
 * go to cuda/nn/softmax.cu. */
#include "nn/softmax.h"

#include <math.h>

#define STN_GENERIC_FILE "nn/softmax_generic.h"
#include "core/generic_floating.h"

stn_status stn_softmax_forward(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, int use_log) {
  static const char *fn = "stn_softmax_forward";
  STN_TRY(stn_check_nn_input(fn, "input", input));
  STN_TRY(stn_check_on(fn, "output", output, input));
  stn_softmax_geom sg = {0, 0, 0};
  STN_TRY(stn_softmax_check(fn, input, &sg));
  int64_t outer = sg.outer, n = sg.n, inner = sg.inner;
  STN_TRY(stn_resize_as(ctx, output, input));
  STN_TRY(stn_check_contiguous(fn, "output", output));
  if (input->device == STN_CUDA) STN_CUDA_DISPATCH(stn_softmax_forward_cuda(ctx, &sg, input, output, use_log));
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  if (input->dtype == STN_DOUBLE) softmax_rows_double(&xc, output, outer, n, inner, use_log);
  else softmax_rows_float(&xc, output, outer, n, inner, use_log);
  stn_tensor_release(&xc);
  return STN_OK;
}

stn_status stn_softmax_backward(stn_ctx *ctx, const stn_tensor *output, const stn_tensor *gradOutput,
                                stn_tensor *gradInput, int use_log) {
  static const char *fn = "stn_softmax_backward";
  STN_TRY(stn_check_nn_input(fn, "output", output));
  STN_TRY(stn_check_on(fn, "gradOutput", gradOutput, output));
  STN_TRY(stn_check_on(fn, "gradInput", gradInput, output));
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
  if (output->dtype == STN_DOUBLE) softmax_grad_rows_double(output, &gc, gradInput, outer, n, inner, use_log);
  else softmax_grad_rows_float(output, &gc, gradInput, outer, n, inner, use_log);
  stn_tensor_release(&gc);
  return STN_OK;
}
