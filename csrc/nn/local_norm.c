/* local_norm.c: Torch7's SpatialSubtractiveNormalization and SpatialDivisiveNormalization
 * on the CPU, as dedicated kernels. Torch7 builds them from a zero-padded convolution
 * whose weights (the kernel, normalized) are the same for every plane, so the local
 * sum over planes is one single-map correlation of the plane sum: that is what runs
 * here. Border handling is Torch7's: each pixel is divided by the kernel mass that
 * falls inside the image. Float or Double (local_norm_generic.h); CUDA tensors go to
 * cuda/nn/local_norm.cu.
 *
 * K: the kernel (kh x kw, or k k^T for a 1-D k), Z its sum, cin(p) the sum of the K
 * entries that land inside the image around pixel p, N the number of planes.
 *   subtractive: m = (K * sum_c x_c) / (N cin);               y_c = x_c - m
 *   divisive:    adj = sqrt((K * sum_c x_c^2) / (Z N)) Z / cin;
 *                thr = adj > threshold ? adj : thresval;      y_c = x_c / thr   */
#include "nn/local_norm.h"

#include <math.h>
#include <string.h>

stn_status stn_localnorm_check(const char *fn, const stn_tensor *input, const stn_tensor *kernel,
                               stn_localnorm_geom *g) {
  STN_TRY(stn_check_nn_input(fn, "input", input));
  STN_TRY(stn_check_on(fn, "kernel", kernel, input));
  int64_t b, c, h, w;
  STN_TRY(stn_check_images(fn, input, &b, &c, &h, &w));
  if ((kernel->ndim != 1 && kernel->ndim != 2) || kernel->shape[0] % 2 == 0 ||
      (kernel->ndim == 2 && kernel->shape[1] % 2 == 0))
    return STN_FAIL(STN_ERR_ARG, "%s: the averaging kernel must be 1-D or 2-D with odd sizes, got %s", fn,
                    stn_shape_str(kernel));
  g->B = b, g->C = c, g->H = h, g->W = w;
  g->kdim = kernel->ndim;
  g->kh = (int)kernel->shape[0];
  g->kw = kernel->ndim == 2 ? (int)kernel->shape[1] : g->kh;
  return STN_OK;
}

#define STN_GENERIC_FILE "nn/local_norm_generic.h"
#include "core/generic_floating.h"

stn_status stn_localnorm_forward(stn_ctx *ctx, const stn_localnorm_plan *plan, const stn_tensor *input,
                                 stn_tensor *output, const stn_tensor *kernel, stn_tensor *work) {
  static const char *fn = "stn_localnorm_forward";
  STN_TRY(stn_check_plan(fn, "plan", plan));
  STN_TRY(stn_check_nn_input(fn, "input", input));
  int divisive = plan->divisive;
  double threshold = plan->threshold, thresval = plan->thresval;
  STN_TRY(stn_check_on(fn, "output", output, input));
  stn_localnorm_geom g;
  STN_TRY(stn_localnorm_check(fn, input, kernel, &g));
  STN_TRY(stn_resize_as(ctx, output, input));
  STN_TRY(stn_check_contiguous(fn, "output", output));
  if (input->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_localnorm_forward_cuda(ctx, plan, &g, input, output, kernel, work));
  STN_DISPATCH_FLOATING(fn, input->dtype, ln_forward,
                        (ctx, fn, &g, divisive, threshold, thresval, input, output, kernel, work));
}

stn_status stn_localnorm_backward(stn_ctx *ctx, const stn_localnorm_plan *plan, const stn_tensor *input,
                                  const stn_tensor *gradOutput, stn_tensor *gradInput, const stn_tensor *kernel,
                                  stn_tensor *work) {
  static const char *fn = "stn_localnorm_backward";
  STN_TRY(stn_check_plan(fn, "plan", plan));
  STN_TRY(stn_check_nn_input(fn, "input", input));
  int divisive = plan->divisive;
  double threshold = plan->threshold, thresval = plan->thresval;
  STN_TRY(stn_check_on(fn, "gradOutput", gradOutput, input));
  STN_TRY(stn_check_on(fn, "gradInput", gradInput, input));
  STN_TRY(stn_check_same_shape(fn, "gradOutput", gradOutput, "input", input));
  stn_localnorm_geom g;
  STN_TRY(stn_localnorm_check(fn, input, kernel, &g));
  STN_TRY(stn_resize_as(ctx, gradInput, input));
  STN_TRY(stn_check_contiguous(fn, "gradInput", gradInput));
  if (input->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_localnorm_backward_cuda(ctx, plan, &g, input, gradOutput, gradInput, kernel, work));
  STN_DISPATCH_FLOATING(fn, input->dtype, ln_backward,
                        (ctx, fn, &g, divisive, threshold, thresval, input, gradOutput, gradInput, kernel, work));
}
