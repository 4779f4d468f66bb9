/* affine_grid.c: the affine grid generator of both families: theta B x 2 x 3 -> grid
 * B x H x W x 2, (y, x) order for stnbhwd's BHWD modules, (x, y) for the BCHW ones,
 * corners aligned or not; and its gradient w.r.t. theta; Float and Double on the CPU (the
 * loops: affine_grid_generic.h), Float on CUDA. CUDA twin: cuda/spatial/affine_grid.cu. */
#include "affine.h"
#include "checks.h"
#include "core/dtype.h"
#include "core/half.h"
#include "core/half_call.h"
#include "core/storage.h"

#include <stdlib.h>
#include <string.h>

static stn_status check_theta(const char *fn, const stn_tensor *theta) {
  STN_TRY(stn_spatial_check(fn, "theta", theta, NULL, NULL));
  if (theta->ndim != 3 || theta->shape[1] != 2 || theta->shape[2] != 3)
    return STN_FAIL(STN_ERR_ARG, "%s: theta must be B x 2 x 3, got %s", fn, stn_shape_str(theta));
  return STN_OK;
}

#define STN_GENERIC_FILE "spatial/affine_grid_generic.h"
#include "core/generic_floating.h"

static stn_status check_order(const char *fn, int grid_order) {
  if (grid_order != STN_GRID_XY && grid_order != STN_GRID_YX)
    return STN_FAIL(STN_ERR_ARG, "%s: grid_order %d is not a grid order (0 STN_GRID_XY, 1 STN_GRID_YX)", fn, grid_order);
  return STN_OK;
}

/* The kernels on contiguous operands, on the tensors' device. */
static stn_status grid_forward_run(stn_ctx *ctx, const stn_tensor *th, stn_tensor *out, int64_t height, int64_t width,
                                   int order_xy, int align_corners) {
  if (out->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_affine_grid_forward_cuda(ctx, th, out, height, width, order_xy, align_corners));
  STN_DISPATCH_FLOATING("stn_affine_grid_forward", th->dtype, grid_forward_typed,
                        (th, out, height, width, order_xy, align_corners));
}

static stn_status grid_backward_run(stn_ctx *ctx, const stn_tensor *gg, stn_tensor *out, int order_xy,
                                    int align_corners) {
  if (out->device == STN_CUDA) STN_CUDA_DISPATCH(stn_affine_grid_backward_cuda(ctx, gg, out, order_xy, align_corners));
  STN_DISPATCH_FLOATING("stn_affine_grid_backward", gg->dtype, grid_backward_typed, (gg, out, order_xy, align_corners));
}

stn_status stn_affine_grid_forward(stn_ctx *ctx, const stn_tensor *theta, stn_tensor *grid, int64_t height,
                                   int64_t width, int grid_order, int align_corners) {
  static const char *fn = "stn_affine_grid_forward";
  if (theta && stn_dtype_is_half(theta->dtype)) {
    const stn_half_args a = {fn, {theta}, {"theta"}, {grid}, {"grid"}};
    stn_half_call c;
    STN_TRY(stn_half_call_begin(ctx, &c, &a));
    return stn_half_call_end(ctx, &c, stn_affine_grid_forward(ctx, stn_half_in(&c, 0), stn_half_out(&c, 0), height, width, grid_order, align_corners));
  }
  STN_TRY(check_order(fn, grid_order));
  STN_TRY(check_theta(fn, theta));
  STN_TRY(stn_spatial_check(fn, "grid", grid, "theta", theta));
  STN_TRY(stn_check_same_device(fn, theta, grid));
  STN_TRY(stn_grid_size_check(fn, height, width, align_corners));
  int64_t B = theta->shape[0], size[4] = {B, height, width, 2};
  STN_TRY(stn_resize_out(ctx, grid, theta->dtype, 4, size));
  if (B == 0) return STN_OK;
  stn_tensor th, out;
  STN_TRY(stn_contiguous_copy(ctx, &th, theta));
  stn_status st = stn_contiguous_copy(ctx, &out, grid); /* a view when grid is contiguous */
  if (st == STN_OK) st = grid_forward_run(ctx, &th, &out, height, width, grid_order == STN_GRID_XY, align_corners != 0);
  if (st == STN_OK && out.mem != grid->mem) st = stn_copy(ctx, grid, &out);
  stn_tensor_release(&th);
  stn_tensor_release(&out);
  return st;
}

stn_status stn_affine_grid_backward(stn_ctx *ctx, const stn_tensor *grad_grid, stn_tensor *grad_theta, int grid_order,
                                    int align_corners) {
  static const char *fn = "stn_affine_grid_backward";
  if (grad_grid && stn_dtype_is_half(grad_grid->dtype)) {
    const stn_half_args a = {fn, {grad_grid}, {"grad_grid"}, {grad_theta}, {"grad_theta"}};
    stn_half_call c;
    STN_TRY(stn_half_call_begin(ctx, &c, &a));
    return stn_half_call_end(ctx, &c, stn_affine_grid_backward(ctx, stn_half_in(&c, 0), stn_half_out(&c, 0), grid_order, align_corners));
  }
  STN_TRY(check_order(fn, grid_order));
  STN_TRY(stn_spatial_check(fn, "grad_grid", grad_grid, NULL, NULL));
  STN_TRY(stn_spatial_check(fn, "grad_theta", grad_theta, "grad_grid", grad_grid));
  STN_TRY(stn_check_same_device(fn, grad_grid, grad_theta));
  if (grad_grid->ndim != 4 || grad_grid->shape[3] != 2)
    return STN_FAIL(STN_ERR_ARG, "%s: grad_grid must be B x H x W x 2, got %s", fn, stn_shape_str(grad_grid));
  int64_t B = grad_grid->shape[0], height = grad_grid->shape[1], width = grad_grid->shape[2];
  STN_TRY(stn_grid_size_check(fn, height, width, align_corners));
  int64_t size[3] = {B, 2, 3};
  STN_TRY(stn_resize_out(ctx, grad_theta, grad_grid->dtype, 3, size));
  if (B == 0) return STN_OK;
  stn_tensor gg, out;
  STN_TRY(stn_contiguous_copy(ctx, &gg, grad_grid));
  stn_status st = stn_contiguous_copy(ctx, &out, grad_theta);
  if (st == STN_OK) st = grid_backward_run(ctx, &gg, &out, grid_order == STN_GRID_XY, align_corners != 0);
  if (st == STN_OK && out.mem != grad_theta->mem) st = stn_copy(ctx, grad_theta, &out);
  stn_tensor_release(&gg);
  stn_tensor_release(&out);
  return st;
}
