/* mse.c: MSECriterion on the CPU: loss = sum (x - t)^2, divided by the element count
 * when size averaging; gradient 2 (x - t) (/ n). Float or Double (mse_generic.h); CUDA
 * tensors go to cuda/nn/mse.cu. */
#include "nn/criterion.h"
#include "core/storage.h"

#define STN_GENERIC_FILE "nn/mse_generic.h"
#include "core/generic_floating.h"

static stn_status mse_check(const char *fn, const stn_tensor *input, const stn_tensor *target) {
  STN_TRY(stn_check_nn_input(fn, "input", input));
  STN_TRY(stn_check_on(fn, "target", target, input));
  if (stn_tensor_numel(input) != stn_tensor_numel(target))
    return STN_FAIL(STN_ERR_ARG, "%s: input %s and target %s differ in size", fn, stn_shape_str(input),
                    stn_shape_str(target));
  return STN_OK;
}

stn_status stn_mse_forward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target, stn_tensor *output,
                           int size_average, double *loss) {
  static const char *fn = "stn_mse_forward";
  STN_TRY(mse_check(fn, input, target));
  STN_TRY(stn_check_on(fn, "output", output, input));
  int64_t one = 1;
  STN_TRY(stn_resize_out(ctx, output, input->dtype, 1, &one));
  if (input->device == STN_CUDA) STN_CUDA_DISPATCH(stn_mse_forward_cuda(ctx, input, target, output, size_average, loss));
  stn_tensor xc, tc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  stn_status st = stn_contiguous_copy(ctx, &tc, target);
  if (st == STN_OK) {
    if (input->dtype == STN_DOUBLE) mse_loss_double(&xc, &tc, output, size_average, loss);
    else mse_loss_float(&xc, &tc, output, size_average, loss);
  }
  stn_tensor_release(&xc);
  stn_tensor_release(&tc);
  return st;
}

stn_status stn_mse_backward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target, stn_tensor *gradInput,
                            int size_average) {
  static const char *fn = "stn_mse_backward";
  STN_TRY(mse_check(fn, input, target));
  STN_TRY(stn_check_on(fn, "gradInput", gradInput, input));
  STN_TRY(stn_resize_as(ctx, gradInput, input));
  STN_TRY(stn_check_contiguous(fn, "gradInput", gradInput));
  if (input->device == STN_CUDA) STN_CUDA_DISPATCH(stn_mse_backward_cuda(ctx, input, target, gradInput, size_average));
  stn_tensor xc, tc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  stn_status st = stn_contiguous_copy(ctx, &tc, target);
  if (st == STN_OK) {
    if (input->dtype == STN_DOUBLE) mse_grad_double(&xc, &tc, gradInput, size_average);
    else mse_grad_float(&xc, &tc, gradInput, size_average);
  }
  stn_tensor_release(&xc);
  stn_tensor_release(&tc);
  return st;
}
