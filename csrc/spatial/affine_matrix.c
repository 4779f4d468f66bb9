/* affine_matrix.c: the restriction of gtsrb.torch's AffineTransformMatrixGenerator:
 * B x k parameters (angle, scale, tx, ty, those whose flag is set) -> B x 2 x 3 theta,
 * and its analytic gradient. The arithmetic is in affine.h; CUDA twin: cuda/spatial/affine_matrix.cu. */
#include "affine.h"
#include "core/storage.h"

#include <string.h>

static stn_status check_params(const char *fn, const stn_tensor *params, int rot, int scale, int trans) {
  STN_TRY(stn_check_tensor(fn, "params", params));
  int k = stn_affine_param_count(rot, scale, trans);
  if (params->ndim != 2 || params->shape[1] != k)
    return STN_FAIL(STN_ERR_ARG, "%s: params must be B x %d for rotation=%d scale=%d translation=%d, got %s", fn, k,
                    rot != 0, scale != 0, trans != 0, stn_shape_str(params));
  return STN_OK;
}

/* The kernels on contiguous operands, on the tensors' device. */
static stn_status matrix_forward_run(stn_ctx *ctx, const stn_tensor *p, stn_tensor *out, int rot, int scale, int trans) {
  if (out->device == STN_CUDA) STN_CUDA_DISPATCH(stn_affine_matrix_forward_cuda(ctx, p, out, rot, scale, trans));
  int k = (int)p->shape[1];
  for (int64_t b = 0; b < p->shape[0]; b++) stn_affine_matrix_of(stn_data(p) + b * k, stn_data(out) + 6 * b, rot, scale, trans);
  return STN_OK;
}

static stn_status matrix_backward_run(stn_ctx *ctx, const stn_tensor *p, const stn_tensor *g, stn_tensor *out, int rot,
                                      int scale, int trans) {
  if (out->device == STN_CUDA) STN_CUDA_DISPATCH(stn_affine_matrix_backward_cuda(ctx, p, g, out, rot, scale, trans));
  int k = (int)p->shape[1];
  for (int64_t b = 0; b < p->shape[0]; b++)
    stn_affine_matrix_grad(stn_data(p) + b * k, stn_data(g) + 6 * b, stn_data(out) + b * k, rot, scale, trans);
  return STN_OK;
}

stn_status stn_affine_matrix_forward(stn_ctx *ctx, const stn_tensor *params, stn_tensor *theta, int use_rotation,
                                     int use_scale, int use_translation) {
  static const char *fn = "stn_affine_matrix_forward";
  int rot = use_rotation != 0, scale = use_scale != 0, trans = use_translation != 0;
  STN_TRY(check_params(fn, params, rot, scale, trans));
  STN_TRY(stn_check_tensor(fn, "theta", theta));
  STN_TRY(stn_check_same_device(fn, params, theta));
  int64_t B = params->shape[0], size[3] = {B, 2, 3};
  STN_TRY(stn_resize_out(ctx, theta, STN_FLOAT, 3, size));
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
  int rot = use_rotation != 0, scale = use_scale != 0, trans = use_translation != 0;
  STN_TRY(check_params(fn, params, rot, scale, trans));
  STN_TRY(stn_check_tensor(fn, "grad_theta", grad_theta));
  STN_TRY(stn_check_tensor(fn, "grad_params", grad_params));
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
