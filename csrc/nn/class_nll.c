/* class_nll.c: ClassNLLCriterion on the CPU: loss = -sum_i w[t_i] x[i][t_i], divided by
 * sum_i w[t_i] when size averaging; 1-based labels of any type, each checked (one
 * equal to ignore_index skipped); Float
 * or Double (class_nll_generic.h). CUDA tensors go to cuda/nn/class_nll.cu. */
#include "nn/criterion.h"
#include "core/storage.h"

#include <math.h>

#define STN_GENERIC_FILE "nn/class_nll_generic.h"
#include "core/generic_floating.h"

/* Checks shared by both passes: input n or B x n, target with B labels, weights n. */
static stn_status nll_check(const char *fn, const stn_tensor *input, const stn_tensor *target,
                            const stn_tensor *weights, int64_t *B, int64_t *n) {
  STN_TRY(stn_check_nn_input(fn, "input", input));
  STN_TRY(stn_check_tensor_any(fn, "target", target));
  if (target->mem && target->device != input->device)
    return STN_FAIL(STN_ERR_DEVICE, "%s: target is on %s but the input is on %s", fn, stn_device_str(target->device),
                    stn_device_str(input->device));
  if (input->device == STN_CUDA) STN_TRY(stn_check_dtype(fn, "target (on CUDA)", target, STN_FLOAT));
  if (input->ndim == 1) *B = 1, *n = input->shape[0];
  else if (input->ndim == 2) *B = input->shape[0], *n = input->shape[1];
  else return STN_FAIL(STN_ERR_ARG, "%s: input must be 1-D (n) or 2-D (B x n), got %s", fn, stn_shape_str(input));
  if (stn_tensor_numel(target) != *B || target->ndim > 2 || (target->ndim == 2 && target->shape[1] != 1))
    return STN_FAIL(STN_ERR_ARG, "%s: target %s must hold one label per row of input %s (%lld)", fn,
                    stn_shape_str(target), stn_shape_str(input), (long long)*B);
  if (stn_present(weights)) {
    STN_TRY(stn_check_on(fn, "weights", weights, input));
    if (weights->ndim != 1 || weights->shape[0] != *n)
      return STN_FAIL(STN_ERR_ARG, "%s: weights %s must hold one value per class (%lld)", fn, stn_shape_str(weights),
                      (long long)*n);
  }
  return STN_OK;
}

/* The labels of target (of any element type) as doubles, contiguous, on the CPU. */
static stn_status labels_of(stn_ctx *ctx, const stn_tensor *target, stn_tensor *out) {
  STN_TRY(stn_tensor_new_typed(ctx, out, STN_CPU, STN_DOUBLE, target->ndim, target->shape));
  stn_status st = stn_copy(ctx, out, target);
  if (st != STN_OK) stn_tensor_release(out);
  return st;
}

/* The first label that is neither ignored nor an integer in 1..n, or -1. */
static int64_t bad_label(const double *t, int64_t B, int64_t n, double ignored) {
  for (int64_t i = 0; i < B; i++)
    if (t[i] != ignored && !(t[i] >= 1 && t[i] <= (double)n && t[i] == floor(t[i]))) return i;
  return -1;
}

static stn_status label_error(const char *fn, int64_t row, double label, int64_t n, const stn_tensor *input) {
  return STN_FAIL(STN_ERR_ARG, "%s: target %g at position %lld is not a class label in 1..%lld (input %s)", fn,
                  (double)label, (long long)row + 1, (long long)n, stn_shape_str(input));
}

stn_status stn_class_nll_forward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target, stn_tensor *output,
                                 const stn_tensor *weights, int size_average, int64_t ignore_index, double *loss) {
  static const char *fn = "stn_class_nll_forward";
  int64_t B = 0, n = 0;
  STN_TRY(nll_check(fn, input, target, weights, &B, &n));
  STN_TRY(stn_check_on(fn, "output", output, input));
  int64_t one = 1;
  STN_TRY(stn_resize_out(ctx, output, input->dtype, 1, &one));
  if (!stn_present(weights)) weights = NULL;
  if (input->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_class_nll_forward_cuda(ctx, input, target, output, weights, size_average, ignore_index, loss));
  double unread;
  if (!loss) loss = &unread;
  stn_tensor xc, tc, wc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  stn_status st = labels_of(ctx, target, &tc);
  if (st == STN_OK) st = weights ? stn_contiguous_copy(ctx, &wc, weights) : STN_OK;
  if (st == STN_OK) {
    const double *t = (const double *)stn_ptr(&tc);
    int64_t bad = bad_label(t, B, n, (double)ignore_index);
    if (bad >= 0) st = label_error(fn, bad, t[bad], n, input);
    else if (input->dtype == STN_DOUBLE)
      nll_loss_double(&xc, t, weights ? &wc : NULL, B, n, size_average, (double)ignore_index, output, loss);
    else
      nll_loss_float(&xc, t, weights ? &wc : NULL, B, n, size_average, (double)ignore_index, output, loss);
    if (weights) stn_tensor_release(&wc);
  }
  stn_tensor_release(&xc);
  stn_tensor_release(&tc);
  return st;
}

stn_status stn_class_nll_backward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target,
                                  stn_tensor *gradInput, const stn_tensor *weights, int size_average,
                                  int64_t ignore_index) {
  static const char *fn = "stn_class_nll_backward";
  int64_t B = 0, n = 0;
  STN_TRY(nll_check(fn, input, target, weights, &B, &n));
  STN_TRY(stn_check_on(fn, "gradInput", gradInput, input));
  STN_TRY(stn_resize_as(ctx, gradInput, input));
  STN_TRY(stn_check_contiguous(fn, "gradInput", gradInput));
  if (!stn_present(weights)) weights = NULL;
  if (input->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_class_nll_backward_cuda(ctx, input, target, gradInput, weights, size_average, ignore_index));
  stn_tensor tc, wc;
  STN_TRY(labels_of(ctx, target, &tc));
  stn_status st = weights ? stn_contiguous_copy(ctx, &wc, weights) : STN_OK;
  if (st == STN_OK) {
    const double *t = (const double *)stn_ptr(&tc);
    int64_t bad = bad_label(t, B, n, (double)ignore_index);
    if (bad >= 0) st = label_error(fn, bad, t[bad], n, input);
    else if (input->dtype == STN_DOUBLE) nll_grad_double(t, weights ? &wc : NULL, B, n, size_average, (double)ignore_index, gradInput);
    else nll_grad_float(t, weights ? &wc : NULL, B, n, size_average, (double)ignore_index, gradInput);
    if (weights) stn_tensor_release(&wc);
  }
  stn_tensor_release(&tc);
  return st;
}
