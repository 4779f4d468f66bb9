/* subsampling.c: SpatialSubSampling on the CPU, Torch7's semantics: per plane k,
 * y[k][i][j] = bias[k] + weight[k] * the sum of the kH x kW window at (i dH, j dW); the
 * rows and columns past the last window are not read. Float or Double
 * (subsampling_generic.h); CUDA: cuda/nn/subsampling.cu. */
#include "nn/subsampling.h"

#define STN_GENERIC_FILE "nn/subsampling_generic.h"
#include "core/generic_floating.h"

/* The plan and the input (Torch7's rules, plus a stride of at least 1, which THNN
 * divides by unchecked). */
static stn_status subsampling_check(const char *fn, const stn_subsampling_plan *plan, const stn_tensor *input,
                                    stn_subsampling_geom *g) {
  STN_TRY(stn_check_plan(fn, "plan", plan));
  STN_TRY(stn_check_nn_input(fn, "input", input));
  int64_t b, c, h, w;
  STN_TRY(stn_check_images(fn, input, &b, &c, &h, &w));
  if (plan->kW < 1 || plan->kH < 1 || plan->dW < 1 || plan->dH < 1)
    return STN_FAIL(STN_ERR_ARG, "%s: kernel %dx%d and stride %d,%d must be positive", fn, plan->kW, plan->kH,
                    plan->dW, plan->dH);
  if (h < plan->kH || w < plan->kW)
    return STN_FAIL(STN_ERR_ARG, "%s: input %s is smaller than the %dx%d kernel", fn, stn_shape_str(input), plan->kW,
                    plan->kH);
  g->B = b, g->C = c, g->H = h, g->W = w;
  g->kW = plan->kW, g->kH = plan->kH, g->dW = plan->dW, g->dH = plan->dH;
  g->oH = (h - plan->kH) / plan->dH + 1;
  g->oW = (w - plan->kW) / plan->dW + 1;
  return STN_OK;
}

/* A per-plane vector (weight, bias or their gradients): present, on the input's
 * device and of its type, contiguous, C elements. */
static stn_status check_plane_vector(const char *fn, const char *name, const stn_tensor *t, const stn_tensor *input,
                                     const stn_subsampling_geom *g) {
  if (!t) return STN_FAIL(STN_ERR_ARG, "%s: %s is NULL", fn, name);
  STN_TRY(stn_check_on(fn, name, t, input));
  if (t->ndim != 1 || t->shape[0] != g->C)
    return STN_FAIL(STN_ERR_ARG, "%s: %s is %s but input %s has %lld planes (expected %lld elements)", fn, name,
                    stn_shape_str(t), stn_shape_str(input), (long long)g->C, (long long)g->C);
  return stn_check_contiguous(fn, name, t);
}

stn_status stn_subsampling_forward(stn_ctx *ctx, const stn_subsampling_plan *plan, const stn_tensor *input,
                                   stn_tensor *output, const stn_tensor *weight, const stn_tensor *bias) {
  static const char *fn = "stn_subsampling_forward";
  stn_subsampling_geom g;
  STN_TRY(subsampling_check(fn, plan, input, &g));
  STN_TRY(check_plane_vector(fn, "weight", weight, input, &g));
  STN_TRY(check_plane_vector(fn, "bias", bias, input, &g));
  STN_TRY(stn_check_on(fn, "output", output, input));
  STN_TRY(stn_resize_images(ctx, output, input, g.B, g.C, g.oH, g.oW));
  STN_TRY(stn_check_contiguous(fn, "output", output));
  if (input->device == STN_CUDA) STN_CUDA_DISPATCH(stn_subsampling_forward_cuda(ctx, &g, input, output, weight, bias));
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  if (input->dtype == STN_DOUBLE) subsampling_forward_double(&g, &xc, output, weight, bias);
  else subsampling_forward_float(&g, &xc, output, weight, bias);
  stn_tensor_release(&xc);
  return STN_OK;
}

stn_status stn_subsampling_backward(stn_ctx *ctx, const stn_subsampling_plan *plan, const stn_tensor *input,
                                    const stn_tensor *gradOutput, const stn_tensor *weight,
                                    const stn_conv2d_grads *grads) {
  static const char *fn = "stn_subsampling_backward";
  stn_subsampling_geom g;
  STN_TRY(subsampling_check(fn, plan, input, &g));
  STN_TRY(check_plane_vector(fn, "weight", weight, input, &g));
  STN_TRY(stn_check_on(fn, "gradOutput", gradOutput, input));
  int d = input->ndim;
  if (gradOutput->ndim != d || gradOutput->shape[d - 3] != g.C || gradOutput->shape[d - 2] != g.oH ||
      gradOutput->shape[d - 1] != g.oW || (d == 4 && gradOutput->shape[0] != g.B))
    return STN_FAIL(STN_ERR_ARG, "%s: gradOutput is %s but the output of input %s is %s%lldx%lldx%lld", fn,
                    stn_shape_str(gradOutput), stn_shape_str(input), d == 4 ? "Bx" : "", (long long)g.C,
                    (long long)g.oH, (long long)g.oW);
  stn_conv2d_grads todo = {0};
  if (grads) todo = *grads;
  if (todo.input) {
    STN_TRY(stn_check_on(fn, "gradInput", todo.input, input));
    STN_TRY(stn_resize_as(ctx, todo.input, input));
    STN_TRY(stn_check_contiguous(fn, "gradInput", todo.input));
  }
  if (todo.weight) STN_TRY(check_plane_vector(fn, "gradWeight", todo.weight, input, &g));
  if (todo.bias) STN_TRY(check_plane_vector(fn, "gradBias", todo.bias, input, &g));
  if (!todo.input && !todo.weight && !todo.bias) return STN_OK;
  if (input->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_subsampling_backward_cuda(ctx, &g, input, gradOutput, weight, &todo));
  stn_tensor gc, xc = {0};
  STN_TRY(stn_contiguous_copy(ctx, &gc, gradOutput));
  if (todo.weight) { /* only the weight gradient reads the input */
    stn_status st = stn_contiguous_copy(ctx, &xc, input);
    if (st != STN_OK) {
      stn_tensor_release(&gc);
      return st;
    }
  }
  int dbl = input->dtype == STN_DOUBLE;
  /* the parameters' gradients first: they read the input, which gradInput may share */
  if (todo.weight || todo.bias) {
    const stn_tensor *x = todo.weight ? &xc : input;
    if (dbl) subsampling_grad_params_double(&g, x, &gc, todo.weight, todo.bias, todo.scale);
    else subsampling_grad_params_float(&g, x, &gc, todo.weight, todo.bias, todo.scale);
  }
  if (todo.input) {
    if (dbl) subsampling_grad_input_double(&g, &gc, weight, todo.input);
    else subsampling_grad_input_float(&g, &gc, weight, todo.input);
  }
  if (todo.weight) stn_tensor_release(&xc);
  stn_tensor_release(&gc);
  return STN_OK;
}
