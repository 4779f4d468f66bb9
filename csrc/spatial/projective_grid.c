/* projective_grid.c: the projective grid generator: homographies M (B x 3 x 3) -> grid
 * B x H x W x 2 holding (u/w, v/w), (u, v, w) = M (x, y, 1) at each output pixel's
 * normalized coordinates (x, y), x first (the BCHW family's order), corners aligned or
 * not; and the gradient w.r.t. M. Points at infinity (projective.h's rule) hold NaN and
 * add nothing to the gradient. Float and Double on the CPU (projective_grid_generic.h),
 * Float on CUDA (cuda/spatial/projective_grid.cu). */
#include "projective.h"
#include "checks.h"
#include "core/dtype.h"
#include "core/half.h"
#include "core/half_call.h"
#include "core/storage.h"

#include <math.h>
#include <stdlib.h>

#define STN_GENERIC_FILE "spatial/projective_grid_generic.h"
#include "core/generic_floating.h"

static stn_status check_matrix(const char *fn, const stn_tensor *matrix) {
  STN_TRY(stn_spatial_check(fn, "matrix", matrix, NULL, NULL));
  if (matrix->ndim != 3 || matrix->shape[1] != 3 || matrix->shape[2] != 3)
    return STN_FAIL(STN_ERR_ARG, "%s: matrix must be B x 3 x 3, got %s", fn, stn_shape_str(matrix));
  return STN_OK;
}

static stn_status forward_run(stn_ctx *ctx, const stn_tensor *m, stn_tensor *out, int64_t height, int64_t width,
                              int align) {
  if (out->device == STN_CUDA) STN_CUDA_DISPATCH(stn_projective_grid_forward_cuda(ctx, m, out, height, width, align));
  STN_DISPATCH_FLOATING("stn_projective_grid_forward", m->dtype, projective_forward_typed, (m, out, height, width, align));
}

static stn_status backward_run(stn_ctx *ctx, const stn_tensor *m, const stn_tensor *gg, stn_tensor *out, int align) {
  if (out->device == STN_CUDA) STN_CUDA_DISPATCH(stn_projective_grid_backward_cuda(ctx, m, gg, out, align));
  STN_DISPATCH_FLOATING("stn_projective_grid_backward", m->dtype, projective_backward_typed, (m, gg, out, align));
}

stn_status stn_projective_grid_forward(stn_ctx *ctx, const stn_tensor *matrix, stn_tensor *grid, int64_t height,
                                       int64_t width, int align_corners) {
  static const char *fn = "stn_projective_grid_forward";
  if (matrix && stn_dtype_is_half(matrix->dtype)) {
    const stn_half_args a = {fn, {matrix}, {"matrix"}, {grid}, {"grid"}};
    stn_half_call c;
    STN_TRY(stn_half_call_begin(ctx, &c, &a));
    return stn_half_call_end(ctx, &c, stn_projective_grid_forward(ctx, stn_half_in(&c, 0), stn_half_out(&c, 0), height, width, align_corners));
  }
  STN_TRY(check_matrix(fn, matrix));
  STN_TRY(stn_spatial_check(fn, "grid", grid, "matrix", matrix));
  STN_TRY(stn_check_same_device(fn, matrix, grid));
  STN_TRY(stn_grid_size_check(fn, height, width, align_corners));
  int64_t B = matrix->shape[0], size[4] = {B, height, width, 2};
  STN_TRY(stn_resize_out(ctx, grid, matrix->dtype, 4, size));
  if (B == 0) return STN_OK;
  stn_tensor m, out;
  STN_TRY(stn_contiguous_copy(ctx, &m, matrix));
  stn_status st = stn_contiguous_copy(ctx, &out, grid); /* a view when grid is contiguous */
  if (st == STN_OK) st = forward_run(ctx, &m, &out, height, width, align_corners != 0);
  if (st == STN_OK && out.mem != grid->mem) st = stn_copy(ctx, grid, &out);
  stn_tensor_release(&m);
  stn_tensor_release(&out);
  return st;
}

stn_status stn_projective_grid_backward(stn_ctx *ctx, const stn_tensor *matrix, const stn_tensor *grad_grid,
                                        stn_tensor *grad_matrix, int align_corners) {
  static const char *fn = "stn_projective_grid_backward";
  if (matrix && stn_dtype_is_half(matrix->dtype)) {
    const stn_half_args a = {fn, {matrix, grad_grid}, {"matrix", "grad_grid"}, {grad_matrix}, {"grad_matrix"}};
    stn_half_call c;
    STN_TRY(stn_half_call_begin(ctx, &c, &a));
    return stn_half_call_end(ctx, &c, stn_projective_grid_backward(ctx, stn_half_in(&c, 0), stn_half_in(&c, 1), stn_half_out(&c, 0), align_corners));
  }
  STN_TRY(check_matrix(fn, matrix));
  STN_TRY(stn_spatial_check(fn, "grad_grid", grad_grid, "matrix", matrix));
  STN_TRY(stn_spatial_check(fn, "grad_matrix", grad_matrix, "matrix", matrix));
  STN_TRY(stn_check_same_device(fn, matrix, grad_grid));
  STN_TRY(stn_check_same_device(fn, matrix, grad_matrix));
  if (grad_grid->ndim != 4 || grad_grid->shape[3] != 2 || grad_grid->shape[0] != matrix->shape[0])
    return STN_FAIL(STN_ERR_ARG, "%s: grad_grid must be %lld x H x W x 2 (matrix is %s), got %s", fn,
                    (long long)matrix->shape[0], stn_shape_str(matrix), stn_shape_str(grad_grid));
  int64_t B = matrix->shape[0];
  STN_TRY(stn_grid_size_check(fn, grad_grid->shape[1], grad_grid->shape[2], align_corners));
  int64_t size[3] = {B, 3, 3};
  STN_TRY(stn_resize_out(ctx, grad_matrix, matrix->dtype, 3, size));
  if (B == 0) return STN_OK;
  stn_tensor m, gg, out;
  STN_TRY(stn_contiguous_copy(ctx, &m, matrix));
  stn_status st = stn_contiguous_copy(ctx, &gg, grad_grid);
  if (st != STN_OK) {
    stn_tensor_release(&m);
    return st;
  }
  st = stn_contiguous_copy(ctx, &out, grad_matrix);
  if (st == STN_OK) st = backward_run(ctx, &m, &gg, &out, align_corners != 0);
  if (st == STN_OK && out.mem != grad_matrix->mem) st = stn_copy(ctx, grad_matrix, &out);
  stn_tensor_release(&m);
  stn_tensor_release(&gg);
  stn_tensor_release(&out);
  return st;
}
