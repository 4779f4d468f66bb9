/* full_conv2d.c: SpatialFullConvolution (the transposed convolution) on the CPU, Float
 * and Double (full_conv2d_generic.h): forward is a convolution's image gradient (W^T @
 * x, then col2im) plus the bias, the image gradient a convolution of gradOutput
 * (im2col, then W @ columns), the weight gradient x @ columns^T. The geometry is the
 * transposed convolution's (csrc/nn/full_conv2d.h). CUDA: cuda/nn/full_conv2d.cu. */
#include "nn/full_conv2d.h"
#include "nn/gemm.h"
#include "nn/threads.h"

/* How a call shares its threads: images over threads (a batch), one image with its
 * products and column loops split, or everything in the calling thread (below
 * FULL_PARALLEL_FLOPS, where waking the others costs more than it saves). */
#define FULL_PARALLEL_FLOPS 2e7
enum { FULL_SERIAL = 0, FULL_SPLIT, FULL_PER_IMAGE };
static int full_mode(stn_ctx *ctx, const stn_conv_geom *g) {
  double flops = 2.0 * (double)g->B * (double)g->O * (double)g->K * (double)g->N;
  if (stn_threads(ctx) == 1 || flops < FULL_PARALLEL_FLOPS) return FULL_SERIAL;
  return g->B > 1 ? FULL_PER_IMAGE : FULL_SPLIT;
}

/* A batch's weight gradients are summed in this many slots of consecutive images. */
#define FULL_SLOTS 8

#define STN_GENERIC_FILE "nn/full_conv2d_generic.h"
#include "core/generic_floating.h"

/* Checks the plan and the arguments both entry points share, and fills g. */
static stn_status full_check(const char *fn, const stn_full_conv2d_plan *plan, const stn_tensor *input,
                             const stn_tensor *weight, const stn_tensor *bias, stn_conv_geom *g) {
  STN_TRY(stn_check_plan(fn, "plan", plan));
  int kW = plan->kW, kH = plan->kH, dW = plan->dW, dH = plan->dH, padW = plan->padW, padH = plan->padH;
  int adjW = plan->adjW, adjH = plan->adjH;
  STN_TRY(stn_check_nn_input(fn, "input", input));
  int64_t b, c, h, w;
  STN_TRY(stn_check_images(fn, input, &b, &c, &h, &w));
  if (kW < 1 || kH < 1 || dW < 1 || dH < 1 || padW < 0 || padH < 0)
    return STN_FAIL(STN_ERR_ARG, "%s: kernel %dx%d, stride %d,%d, padding %d,%d: kernel and stride must be positive, "
                    "padding non-negative", fn, kW, kH, dW, dH, padW, padH);
  if (adjW < 0 || adjH < 0 || adjW >= dW || adjH >= dH)
    return STN_FAIL(STN_ERR_ARG, "%s: adj %d,%d must be at least 0 and below the stride %d,%d", fn, adjW, adjH, dW, dH);
  STN_TRY(stn_check_on(fn, "weight", weight, input));
  if (weight->ndim != 4 || weight->shape[0] != c || weight->shape[2] != kH || weight->shape[3] != kW)
    return STN_FAIL(STN_ERR_ARG, "%s: weight %s does not fit input %s with a %dx%d kernel (expected %lld x O x %d x %d)",
                    fn, stn_shape_str(weight), stn_shape_str(input), kW, kH, (long long)c, kH, kW);
  if (!stn_tensor_is_contiguous(weight))
    return STN_FAIL(STN_ERR_ARG, "%s: weight %s must be contiguous", fn, stn_shape_str(weight));
  int64_t nout = weight->shape[1];
  if (stn_present(bias)) {
    STN_TRY(stn_check_on(fn, "bias", bias, input));
    if (bias->ndim != 1 || bias->shape[0] != nout)
      return STN_FAIL(STN_ERR_ARG, "%s: bias %s must hold one value per output plane (%lld)", fn, stn_shape_str(bias),
                      (long long)nout);
  }
  if (h < 1 || w < 1 || h > INT32_MAX || w > INT32_MAX)
    return STN_FAIL(STN_ERR_ARG, "%s: input %s must be 1 to 2^31 - 1 pixels high and wide", fn, stn_shape_str(input));
  int64_t oH = (h - 1) * dH - 2 * (int64_t)padH + kH + adjH, oW = (w - 1) * dW - 2 * (int64_t)padW + kW + adjW;
  if (oH < 1 || oW < 1)
    return STN_FAIL(STN_ERR_ARG, "%s: input %s gives a %lldx%lld output (kernel %dx%d, stride %d,%d, padding %d,%d, "
                    "adj %d,%d): too small", fn, stn_shape_str(input), (long long)oH, (long long)oW, kW, kH, dW, dH,
                    padW, padH, adjW, adjH);
  g->B = b, g->C = nout, g->H = oH, g->W = oW, g->O = c, g->oH = h, g->oW = w;
  g->kW = kW, g->kH = kH, g->dW = dW, g->dH = dH, g->padW = padW, g->padH = padH, g->dilW = 1, g->dilH = 1;
  g->K = nout * kH * kW;
  g->N = h * w;
  return STN_OK;
}

stn_status stn_full_conv2d_forward(stn_ctx *ctx, const stn_full_conv2d_plan *plan, const stn_tensor *input,
                                   stn_tensor *output, const stn_tensor *weight, const stn_tensor *bias,
                                   stn_tensor *work) {
  static const char *fn = "stn_full_conv2d_forward";
  stn_conv_geom g;
  STN_TRY(full_check(fn, plan, input, weight, bias, &g));
  STN_TRY(stn_check_on(fn, "output", output, input));
  STN_TRY(stn_resize_images(ctx, output, input, g.B, g.C, g.H, g.W));
  STN_TRY(stn_check_contiguous(fn, "output", output));
  if (!stn_present(bias)) bias = NULL;
  if (input->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_full_conv2d_forward_cuda(ctx, &g, input, output, weight, bias, work));
  STN_DISPATCH_FLOATING(fn, input->dtype, full_forward, (ctx, fn, &g, input, output, weight, bias, work));
}

stn_status stn_full_conv2d_backward(stn_ctx *ctx, const stn_full_conv2d_plan *plan, const stn_tensor *input,
                                    const stn_tensor *gradOutput, const stn_tensor *weight,
                                    const stn_conv2d_grads *grads, stn_tensor *work) {
  static const char *fn = "stn_full_conv2d_backward";
  stn_conv_geom g;
  STN_TRY(full_check(fn, plan, input, weight, NULL, &g));
  stn_conv2d_grads checked = grads ? *grads : (stn_conv2d_grads){NULL, NULL, NULL, 1.f};
  STN_TRY(stn_conv_check_grads(ctx, fn, &g, (const int64_t[3]){g.C, g.H, g.W}, input, gradOutput, weight, &checked));
  if (!checked.input && !checked.weight) return STN_OK;
  if (input->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_full_conv2d_backward_cuda(ctx, &g, input, gradOutput, weight, &checked, work));
  STN_DISPATCH_FLOATING(fn, input->dtype, full_backward, (ctx, fn, &g, input, gradOutput, weight, &checked, work));
}
