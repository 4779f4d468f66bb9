/* activation.c: the element-wise nonlinearities of nn (Threshold/ReLU, Tanh, Sigmoid),
 * forward and backward, on strided Float or Double CPU tensors (activation_generic.h);
 * CUDA tensors go to cuda/nn/activation.cu.
 * Outputs may be the inputs themselves (Torch7's in-place modules). */
#include "nn/activation.h"
#include "core/strided.h"

#include <math.h>

#define STN_GENERIC_FILE "nn/activation_generic.h"
#include "core/generic_floating.h"

static stn_status check_kind(const char *fn, int kind) {
  if (kind < STN_ACT_THRESHOLD || kind > STN_ACT_SIGMOID) return STN_FAIL(STN_ERR_ARG, "%s: unknown activation %d", fn, kind);
  return STN_OK;
}

stn_status stn_activation_forward(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, int kind,
                                  double threshold, double value) {
  static const char *fn = "stn_activation_forward";
  STN_TRY(check_kind(fn, kind));
  STN_TRY(stn_check_nn_input(fn, "input", input));
  STN_TRY(stn_check_on(fn, "output", output, input));
  STN_TRY(stn_resize_as(ctx, output, input));
  if (input->device == STN_CUDA) /* the CUDA twin computes in float */
    STN_CUDA_DISPATCH(stn_activation_forward_cuda(ctx, input, output, kind, (float)threshold, (float)value));
  STN_DISPATCH_FLOATING(fn, input->dtype, act_forward, (input, output, kind, threshold, value));
}

stn_status stn_activation_backward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *output,
                                   const stn_tensor *gradOutput, stn_tensor *gradInput, int kind, double threshold) {
  static const char *fn = "stn_activation_backward";
  STN_TRY(check_kind(fn, kind));
  /* the threshold's derivative reads the input, tanh's and sigmoid's the output */
  const stn_tensor *z = kind == STN_ACT_THRESHOLD ? input : output;
  STN_TRY(stn_check_nn_input(fn, kind == STN_ACT_THRESHOLD ? "input" : "output", z));
  STN_TRY(stn_check_on(fn, "gradOutput", gradOutput, z));
  STN_TRY(stn_check_on(fn, "gradInput", gradInput, z));
  STN_TRY(stn_check_same_shape(fn, "gradOutput", gradOutput, kind == STN_ACT_THRESHOLD ? "input" : "output", z));
  STN_TRY(stn_resize_as(ctx, gradInput, z));
  if (z->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_activation_backward_cuda(ctx, input, output, gradOutput, gradInput, kind, (float)threshold));
  STN_DISPATCH_FLOATING(fn, z->dtype, act_backward, (z, gradOutput, gradInput, kind, threshold));
}
