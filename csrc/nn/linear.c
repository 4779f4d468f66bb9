/* linear.c: nn.Linear on the CPU: y = x W^T + b for a batch of rows (or one vector),
 * and its gradients, through sgemm; CUDA tensors go to cuda/nn/linear.cu. */
#include "nn/gemm.h"
#include "nn/linear.h"
#include "core/storage.h"

/* Checks shared by both entry points: input B x in (or in), weight out x in, bias out. */
static stn_status linear_check(const char *fn, const stn_tensor *input, const stn_tensor *weight,
                               const stn_tensor *bias, int64_t *B, int64_t *nin, int64_t *nout) {
  STN_TRY(stn_check_tensor(fn, "input", input));
  STN_TRY(stn_check_on(fn, "weight", weight, input->device));
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
    STN_TRY(stn_check_on(fn, "bias", bias, input->device));
    if (bias->ndim != 1 || bias->shape[0] != *nout || !stn_tensor_is_contiguous(bias))
      return STN_FAIL(STN_ERR_ARG, "%s: bias %s must hold %lld contiguous values", fn, stn_shape_str(bias), (long long)*nout);
  }
  return STN_OK;
}

stn_status stn_linear_forward(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, const stn_tensor *weight,
                              const stn_tensor *bias) {
  static const char *fn = "stn_linear_forward";
  int64_t B, nin, nout;
  STN_TRY(linear_check(fn, input, weight, bias, &B, &nin, &nout));
  STN_TRY(stn_check_on(fn, "output", output, input->device));
  int64_t size[2] = {B, nout};
  if (input->ndim == 2) STN_TRY(stn_resize_out(ctx, output, STN_FLOAT, 2, size));
  else STN_TRY(stn_resize_out(ctx, output, STN_FLOAT, 1, size + 1));
  STN_TRY(stn_check_contiguous(fn, "output", output));
  if (!stn_present(bias)) bias = NULL;
  if (input->device == STN_CUDA) STN_CUDA_DISPATCH(stn_linear_forward_cuda(ctx, input, output, weight, bias));
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  float *y = stn_data(output);
  if (bias) {
    const float *b = stn_data(bias);
    for (int64_t r = 0; r < B; r++)
      for (int64_t j = 0; j < nout; j++) y[r * nout + j] = b[j];
  }
  stn_sgemm_cpu(ctx, &(stn_gemm){.transB = 1, .M = B, .N = nout, .K = nin, .alpha = 1.f, .A = stn_data(&xc), .lda = nin,
                             .B = stn_data(weight), .ldb = nin, .beta = bias ? 1.f : 0.f, .C = y, .ldc = nout});
  stn_tensor_release(&xc);
  return STN_OK;
}

stn_status stn_linear_backward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *gradOutput,
                               stn_tensor *gradInput, const stn_tensor *weight, stn_tensor *gradWeight,
                               stn_tensor *gradBias, float scale) {
  static const char *fn = "stn_linear_backward";
  int64_t B, nin, nout;
  STN_TRY(linear_check(fn, input, weight, NULL, &B, &nin, &nout));
  STN_TRY(stn_check_on(fn, "gradOutput", gradOutput, input->device));
  if (stn_tensor_numel(gradOutput) != B * nout || gradOutput->ndim != input->ndim ||
      gradOutput->shape[gradOutput->ndim - 1] != nout)
    return STN_FAIL(STN_ERR_ARG, "%s: gradOutput is %s but the output of input %s is %s%lld", fn,
                    stn_shape_str(gradOutput), stn_shape_str(input), input->ndim == 2 ? "Bx" : "", (long long)nout);
  if (gradInput) {
    STN_TRY(stn_check_on(fn, "gradInput", gradInput, input->device));
    STN_TRY(stn_resize_as(ctx, gradInput, input));
    STN_TRY(stn_check_contiguous(fn, "gradInput", gradInput));
  }
  if (gradWeight) {
    STN_TRY(stn_check_on(fn, "gradWeight", gradWeight, input->device));
    if (stn_tensor_numel(gradWeight) != nout * nin || !stn_tensor_is_contiguous(gradWeight))
      return STN_FAIL(STN_ERR_ARG, "%s: gradWeight %s must be contiguous with the weight's shape %s", fn,
                      stn_shape_str(gradWeight), stn_shape_str(weight));
  }
  if (!gradWeight || !stn_present(gradBias)) gradBias = NULL;
  if (gradBias) {
    STN_TRY(stn_check_on(fn, "gradBias", gradBias, input->device));
    if (stn_tensor_numel(gradBias) != nout || !stn_tensor_is_contiguous(gradBias))
      return STN_FAIL(STN_ERR_ARG, "%s: gradBias %s must hold %lld contiguous values", fn, stn_shape_str(gradBias),
                      (long long)nout);
  }
  if (input->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_linear_backward_cuda(ctx, input, gradOutput, gradInput, weight, gradWeight, gradBias, scale));
  stn_tensor gc;
  STN_TRY(stn_contiguous_copy(ctx, &gc, gradOutput));
  const float *g = stn_data(&gc);
  if (gradInput)
    stn_sgemm_cpu(ctx, &(stn_gemm){.M = B, .N = nin, .K = nout, .alpha = 1.f, .A = g, .lda = nout, .B = stn_data(weight),
                               .ldb = nin, .beta = 0.f, .C = stn_data(gradInput), .ldc = nin});
  if (gradWeight) {
    stn_tensor xc;
    stn_status st = stn_contiguous_copy(ctx, &xc, input);
    if (st != STN_OK) { stn_tensor_release(&gc); return st; }
    stn_sgemm_cpu(ctx, &(stn_gemm){.transA = 1, .M = nout, .N = nin, .K = B, .alpha = scale, .A = g, .lda = nout,
                                   .B = stn_data(&xc), .ldb = nin, .beta = 1.f, .C = stn_data(gradWeight), .ldc = nin});
    stn_tensor_release(&xc);
    if (gradBias) {
      float *gb = stn_data(gradBias);
      for (int64_t j = 0; j < nout; j++) {
        double s = 0;
        for (int64_t r = 0; r < B; r++) s += g[r * nout + j];
        gb[j] += scale * (float)s;
      }
    }
  }
  stn_tensor_release(&gc);
  return STN_OK;
}
