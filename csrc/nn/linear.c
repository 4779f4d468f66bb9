/* linear.c: nn.Linear on the CPU: y = x W^T + b for a batch of rows (or one vector),
 * and its gradients, through sgemm (Float) or dgemm (Double), linear_generic.h; CUDA
 * tensors go to cuda/nn/linear.cu. */
#include "nn/gemm.h"
#include "nn/linear.h"
#include "core/storage.h"

#define STN_GENERIC_FILE "nn/linear_generic.h"
#include "core/generic_floating.h"

/* Checks shared by both entry points: input B x in (or in), weight out x in, bias out. */
static stn_status linear_check(const char *fn, const stn_tensor *input, const stn_tensor *weight,
                               const stn_tensor *bias, int64_t *B, int64_t *nin, int64_t *nout) {
  STN_TRY(stn_check_nn_input(fn, "input", input));
  STN_TRY(stn_check_on(fn, "weight", weight, input));
  if (weight->ndim != 2 || !stn_tensor_is_contiguous(weight))
    return STN_FAIL(STN_ERR_ARG, "%s: weight must be a contiguous 2-D (out x in) tensor, got %s", fn, stn_shape_str(weight));
  *nout = weight->shape[0];
  *nin = weight->shape[1];
  if (input->ndim == 2) *B = input->shape[0];
  else if (input->ndim == 1) *B = 1;
  else return STN_FAIL(STN_ERR_ARG, "%s: input must be 1-D or 2-D (B x in), got %s", fn, stn_shape_str(input));
  if (input->shape[input->ndim - 1] != *nin)
    return STN_FAIL(STN_ERR_ARG, "%s: input %s has %lld features but the weight (%s) takes %lld", fn,
                    stn_shape_str(input), (long long)input->shape[input->ndim - 1], stn_shape_str(weight), (long long)*nin);
  if (stn_present(bias)) {
    STN_TRY(stn_check_on(fn, "bias", bias, input));
    if (bias->ndim != 1 || bias->shape[0] != *nout || !stn_tensor_is_contiguous(bias))
      return STN_FAIL(STN_ERR_ARG, "%s: bias %s must hold %lld contiguous values", fn, stn_shape_str(bias), (long long)*nout);
  }
  return STN_OK;
}

stn_status stn_linear_forward(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, const stn_tensor *weight,
                              const stn_tensor *bias) {
  static const char *fn = "stn_linear_forward";
  int64_t B = 0, nin = 0, nout = 0;
  STN_TRY(linear_check(fn, input, weight, bias, &B, &nin, &nout));
  STN_TRY(stn_check_on(fn, "output", output, input));
  int64_t size[2] = {B, nout};
  if (input->ndim == 2) STN_TRY(stn_resize_out(ctx, output, input->dtype, 2, size));
  else STN_TRY(stn_resize_out(ctx, output, input->dtype, 1, size + 1));
  STN_TRY(stn_check_contiguous(fn, "output", output));
  if (!stn_present(bias)) bias = NULL;
  if (input->device == STN_CUDA) STN_CUDA_DISPATCH(stn_linear_forward_cuda(ctx, input, output, weight, bias));
  STN_DISPATCH_FLOATING(fn, input->dtype, linear_forward, (ctx, input, output, weight, bias, B, nin, nout));
}

stn_status stn_linear_backward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *gradOutput,
                               stn_tensor *gradInput, const stn_tensor *weight, stn_tensor *gradWeight,
                               stn_tensor *gradBias, float scale) {
  static const char *fn = "stn_linear_backward";
  int64_t B = 0, nin = 0, nout = 0;
  STN_TRY(linear_check(fn, input, weight, NULL, &B, &nin, &nout));
  STN_TRY(stn_check_on(fn, "gradOutput", gradOutput, input));
  if (stn_tensor_numel(gradOutput) != B * nout || gradOutput->ndim != input->ndim ||
      gradOutput->shape[gradOutput->ndim - 1] != nout)
    return STN_FAIL(STN_ERR_ARG, "%s: gradOutput is %s but the output of input %s is %s%lld", fn,
                    stn_shape_str(gradOutput), stn_shape_str(input), input->ndim == 2 ? "Bx" : "", (long long)nout);
  if (gradInput) {
    STN_TRY(stn_check_on(fn, "gradInput", gradInput, input));
    STN_TRY(stn_resize_as(ctx, gradInput, input));
    STN_TRY(stn_check_contiguous(fn, "gradInput", gradInput));
  }
  if (gradWeight) {
    STN_TRY(stn_check_on(fn, "gradWeight", gradWeight, input));
    if (stn_tensor_numel(gradWeight) != nout * nin || !stn_tensor_is_contiguous(gradWeight))
      return STN_FAIL(STN_ERR_ARG, "%s: gradWeight %s must be contiguous with the weight's shape %s", fn,
                      stn_shape_str(gradWeight), stn_shape_str(weight));
  }
  if (!gradWeight || !stn_present(gradBias)) gradBias = NULL;
  if (gradBias) {
    STN_TRY(stn_check_on(fn, "gradBias", gradBias, input));
    if (stn_tensor_numel(gradBias) != nout || !stn_tensor_is_contiguous(gradBias))
      return STN_FAIL(STN_ERR_ARG, "%s: gradBias %s must hold %lld contiguous values", fn, stn_shape_str(gradBias),
                      (long long)nout);
  }
  if (input->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_linear_backward_cuda(ctx, input, gradOutput, gradInput, weight, gradWeight, gradBias, scale));
  STN_DISPATCH_FLOATING(fn, input->dtype, linear_backward,
                        (ctx, input, gradOutput, gradInput, weight, gradWeight, gradBias, scale, B, nin, nout));
}
