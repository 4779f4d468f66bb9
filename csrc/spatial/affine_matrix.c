/* affine_matrix.c: the restriction of gtsrb.torch's AffineTransformMatrixGenerator:
 * B x k parameters (angle, scale, tx, ty, those whose flag is set) -> B x 2 x 3 theta,
 * and its analytic gradient, on Float and Double tensors (CPU; CUDA: Float). The arithmetic
 * is in affine.h, the CPU loops in affine_matrix_generic.h; CUDA twin: cuda/spatial/affine_matrix.cu. */
#include "affine.h"
#include "checks.h"
#include "core/dtype.h"
#include "core/half.h"
#include "core/half_call.h"
#include "core/storage.h"

#define STN_GENERIC_FILE "spatial/affine_matrix_generic.h"
#include "core/generic_floating.h"

#include <string.h>

static stn_status check_params(const char *fn, const stn_tensor *params, int rot, int scale, int trans) {
  STN_TRY(stn_spatial_check(fn, "params", params, NULL, NULL));
  int k = stn_affine_param_count(rot, scale, trans);
  if (params->ndim != 2 || params->shape[1] != k)
    return STN_FAIL(STN_ERR_ARG, "%s: params must be B x %d for rotation=%d scale=%d translation=%d, got %s", fn, k,
                    rot != 0, scale != 0, trans != 0, stn_shape_str(params));
  return STN_OK;
}

/* The kernels on contiguous operands, on the tensors' device. */
static stn_status matrix_forward_run(stn_ctx *ctx, const stn_tensor *p, stn_tensor *out, int rot, int scale, int trans) {
  if (out->device == STN_CUDA) STN_CUDA_DISPATCH(stn_affine_matrix_forward_cuda(ctx, p, out, rot, scale, trans));
  STN_DISPATCH_FLOATING("stn_affine_matrix_forward", p->dtype, matrix_forward_typed, (p, out, rot, scale, trans));
}

static stn_status matrix_backward_run(stn_ctx *ctx, const stn_tensor *p, const stn_tensor *g, stn_tensor *out, int rot,
                                      int scale, int trans) {
  if (out->device == STN_CUDA) STN_CUDA_DISPATCH(stn_affine_matrix_backward_cuda(ctx, p, g, out, rot, scale, trans));
  STN_DISPATCH_FLOATING("stn_affine_matrix_backward", p->dtype, matrix_backward_typed, (p, g, out, rot, scale, trans));
}

stn_status stn_affine_matrix_forward(stn_ctx *ctx, const stn_tensor *params, stn_tensor *theta, int use_rotation,
                                     int use_scale, int use_translation) {
  static const char *fn = "stn_affine_matrix_forward";
  if (params && stn_dtype_is_half(params->dtype)) {
    const stn_half_args a = {fn, {params}, {"params"}, {theta}, {"theta"}};
    stn_half_call c;
    STN_TRY(stn_half_call_begin(ctx, &c, &a));
    return stn_half_call_end(ctx, &c, stn_affine_matrix_forward(ctx, stn_half_in(&c, 0), stn_half_out(&c, 0), use_rotation, use_scale, use_translation));
  }
  int rot = use_rotation != 0, scale = use_scale != 0, trans = use_translation != 0;
  STN_TRY(check_params(fn, params, rot, scale, trans));
  STN_TRY(stn_spatial_check(fn, "theta", theta, "params", params));
  STN_TRY(stn_check_same_device(fn, params, theta));
  int64_t B = params->shape[0], size[3] = {B, 2, 3};
  STN_TRY(stn_resize_out(ctx, theta, params->dtype, 3, size));
  if (B == 0) return STN_OK;
  stn_tensor p, out;
  STN_TRY(stn_contiguous_copy(ctx, &p, params));
  stn_status st = stn_contiguous_copy(ctx, &out, theta);
  if (st == STN_OK) st = matrix_forward_run(ctx, &p, &out, rot, scale, trans);
  if (st == STN_OK && out.mem != theta->mem) st = stn_copy(ctx, theta, &out);
  stn_tensor_release(&p);
  stn_tensor_release(&out);
  return st;
}

stn_status stn_affine_matrix_backward(stn_ctx *ctx, const stn_tensor *params, const stn_tensor *grad_theta,
                                      stn_tensor *grad_params, int use_rotation, int use_scale, int use_translation) {
  static const char *fn = "stn_affine_matrix_backward";
  if (params && stn_dtype_is_half(params->dtype)) {
    const stn_half_args a = {fn, {params, grad_theta}, {"params", "grad_theta"}, {grad_params}, {"grad_params"}};
    stn_half_call c;
    STN_TRY(stn_half_call_begin(ctx, &c, &a));
    return stn_half_call_end(ctx, &c, stn_affine_matrix_backward(ctx, stn_half_in(&c, 0), stn_half_in(&c, 1), stn_half_out(&c, 0), use_rotation, use_scale, use_translation));
  }
  int rot = use_rotation != 0, scale = use_scale != 0, trans = use_translation != 0;
  STN_TRY(check_params(fn, params, rot, scale, trans));
  STN_TRY(stn_spatial_check(fn, "grad_theta", grad_theta, "params", params));
  STN_TRY(stn_spatial_check(fn, "grad_params", grad_params, "params", params));
  STN_TRY(stn_check_same_device(fn, params, grad_theta));
  STN_TRY(stn_check_same_device(fn, params, grad_params));
  int64_t B = params->shape[0];
  if (grad_theta->ndim != 3 || grad_theta->shape[0] != B || grad_theta->shape[1] != 2 || grad_theta->shape[2] != 3)
    return STN_FAIL(STN_ERR_ARG, "%s: grad_theta must be %lldx2x3 for params %s, got %s", fn, (long long)B,
                    stn_shape_str(params), stn_shape_str(grad_theta));
  STN_TRY(stn_resize_as(ctx, grad_params, params));
  if (B == 0) return STN_OK;
  stn_tensor p, g, out;
  STN_TRY(stn_contiguous_copy(ctx, &p, params));
  stn_status st = stn_contiguous_copy(ctx, &g, grad_theta);
  if (st == STN_OK) st = stn_contiguous_copy(ctx, &out, grad_params);
  else memset(&out, 0, sizeof out);
  if (st == STN_OK) st = matrix_backward_run(ctx, &p, &g, &out, rot, scale, trans);
  if (st == STN_OK && out.mem != grad_params->mem) st = stn_copy(ctx, grad_params, &out);
  stn_tensor_release(&p);
  stn_tensor_release(&g);
  stn_tensor_release(&out);
  return st;
}
