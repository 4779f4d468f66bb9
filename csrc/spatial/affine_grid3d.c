/* affine_grid3d.c: the 3-D affine grid generator: theta B x 3 x 4 -> grid
 * B x D x H x W x 3 of (x, y, z) = theta * (x_w, y_h, z_d, 1), and its gradient w.r.t.
 * theta; Float and Double on the CPU (affine_grid3d_generic.h), Float on CUDA
 * (cuda/spatial/affine_grid3d.cu). */
#include "affine_grid3d.h"
#include "checks.h"
#include "core/dtype.h"
#include "core/half.h"
#include "core/half_call.h"
#include "core/storage.h"

#include <stdlib.h>
#include <string.h>

#define STN_GENERIC_FILE "spatial/affine_grid3d_generic.h"
#include "core/generic_floating.h"

static stn_status check_size3(const char *fn, int64_t depth, int64_t height, int64_t width, int align_corners) {
  const int64_t least = align_corners ? 2 : 1, most = (int64_t)1 << 30;
  if (align_corners != 0 && align_corners != 1)
    return STN_FAIL(STN_ERR_ARG, "%s: align_corners must be 0 or 1, got %d", fn, align_corners);
  if (depth < least || height < least || width < least || depth > most || height > most || width > most)
    return STN_FAIL(STN_ERR_ARG, "%s: grid size %lldx%lldx%lld out of range (at least %lld per axis%s)", fn,
                    (long long)depth, (long long)height, (long long)width, (long long)least,
                    align_corners ? ": with corners aligned the formula divides by size - 1" : "");
  return STN_OK;
}

static stn_status forward_run(stn_ctx *ctx, const stn_tensor *th, stn_tensor *out, const int64_t *dhw, int align) {
  if (out->device == STN_CUDA) STN_CUDA_DISPATCH(stn_affine_grid3d_forward_cuda(ctx, th, out, dhw, align));
  STN_DISPATCH_FLOATING("stn_affine_grid3d_forward", th->dtype, grid3d_forward_typed, (th, out, dhw, align));
}

static stn_status backward_run(stn_ctx *ctx, const stn_tensor *gg, stn_tensor *out, int align) {
  if (out->device == STN_CUDA) STN_CUDA_DISPATCH(stn_affine_grid3d_backward_cuda(ctx, gg, out, align));
  STN_DISPATCH_FLOATING("stn_affine_grid3d_backward", gg->dtype, grid3d_backward_typed, (gg, out, align));
}

stn_status stn_affine_grid3d_forward(stn_ctx *ctx, const stn_tensor *theta, stn_tensor *grid, int64_t depth,
                                     int64_t height, int64_t width, int align_corners) {
  static const char *fn = "stn_affine_grid3d_forward";
  if (theta && stn_dtype_is_half(theta->dtype)) {
    const stn_half_args a = {fn, {theta}, {"theta"}, {grid}, {"grid"}};
    stn_half_call c;
    STN_TRY(stn_half_call_begin(ctx, &c, &a));
    return stn_half_call_end(ctx, &c, stn_affine_grid3d_forward(ctx, stn_half_in(&c, 0), stn_half_out(&c, 0), depth, height, width, align_corners));
  }
  STN_TRY(stn_spatial_check(fn, "theta", theta, NULL, NULL));
  if (theta->ndim != 3 || theta->shape[1] != 3 || theta->shape[2] != 4)
    return STN_FAIL(STN_ERR_ARG, "%s: theta must be B x 3 x 4, got %s", fn, stn_shape_str(theta));
  STN_TRY(stn_spatial_check(fn, "grid", grid, "theta", theta));
  STN_TRY(stn_check_same_device(fn, theta, grid));
  STN_TRY(check_size3(fn, depth, height, width, align_corners));
  const int64_t B = theta->shape[0], size[5] = {B, depth, height, width, 3}, dhw[3] = {depth, height, width};
  STN_TRY(stn_resize_out(ctx, grid, theta->dtype, 5, size));
  if (B == 0) return STN_OK;
  stn_tensor th, out;
  STN_TRY(stn_contiguous_copy(ctx, &th, theta));
  stn_status st = stn_contiguous_copy(ctx, &out, grid); /* a view when grid is contiguous */
  if (st == STN_OK) st = forward_run(ctx, &th, &out, dhw, align_corners);
  if (st == STN_OK && out.mem != grid->mem) st = stn_copy(ctx, grid, &out);
  stn_tensor_release(&th);
  stn_tensor_release(&out);
  return st;
}

stn_status stn_affine_grid3d_backward(stn_ctx *ctx, const stn_tensor *grad_grid, stn_tensor *grad_theta,
                                      int align_corners) {
  static const char *fn = "stn_affine_grid3d_backward";
  if (grad_grid && stn_dtype_is_half(grad_grid->dtype)) {
    const stn_half_args a = {fn, {grad_grid}, {"grad_grid"}, {grad_theta}, {"grad_theta"}};
    stn_half_call c;
    STN_TRY(stn_half_call_begin(ctx, &c, &a));
    return stn_half_call_end(ctx, &c, stn_affine_grid3d_backward(ctx, stn_half_in(&c, 0), stn_half_out(&c, 0), align_corners));
  }
  STN_TRY(stn_spatial_check(fn, "grad_grid", grad_grid, NULL, NULL));
  STN_TRY(stn_spatial_check(fn, "grad_theta", grad_theta, "grad_grid", grad_grid));
  STN_TRY(stn_check_same_device(fn, grad_grid, grad_theta));
  if (grad_grid->ndim != 5 || grad_grid->shape[4] != 3)
    return STN_FAIL(STN_ERR_ARG, "%s: grad_grid must be B x D x H x W x 3, got %s", fn, stn_shape_str(grad_grid));
  STN_TRY(check_size3(fn, grad_grid->shape[1], grad_grid->shape[2], grad_grid->shape[3], align_corners));
  const int64_t size[3] = {grad_grid->shape[0], 3, 4};
  STN_TRY(stn_resize_out(ctx, grad_theta, grad_grid->dtype, 3, size));
  if (size[0] == 0) return STN_OK;
  stn_tensor gg, out;
  STN_TRY(stn_contiguous_copy(ctx, &gg, grad_grid));
  stn_status st = stn_contiguous_copy(ctx, &out, grad_theta);
  if (st == STN_OK) st = backward_run(ctx, &gg, &out, align_corners);
  if (st == STN_OK && out.mem != grad_theta->mem) st = stn_copy(ctx, grad_theta, &out);
  stn_tensor_release(&gg);
  stn_tensor_release(&out);
  return st;
}
