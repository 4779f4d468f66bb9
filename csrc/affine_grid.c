/* affine_grid.c: the affine grid generator of both families: theta B x 2 x 3 -> grid
 * B x H x W x 2, (y, x) order for stnbhwd's BHWD modules, (x, y) for the BCHW ones,
 * corners aligned or not; and its gradient w.r.t. theta. CUDA twin: cuda/affine_grid.cu. */
#include "affine.h"

#include <string.h>

static stn_status check_theta(const char *fn, const stn_tensor *theta) {
  STN_TRY(stn_check_tensor(fn, "theta", theta));
  if (theta->ndim != 3 || theta->shape[1] != 2 || theta->shape[2] != 3)
    return STN_FAIL(STN_ERR_ARG, "%s: theta must be B x 2 x 3, got %s", fn, stn_shape_str(theta));
  return STN_OK;
}

static stn_status check_size(const char *fn, int64_t height, int64_t width, int align_corners) {
  int64_t least = align_corners ? 2 : 1;
  if (height < least || width < least || height > (1 << 30) || width > (1 << 30))
    return STN_FAIL(STN_ERR_ARG, "%s: grid size %lldx%lld out of range (at least %lldx%lld%s)", fn, (long long)height,
                    (long long)width, (long long)least, (long long)least,
                    align_corners ? ": with corners aligned the formula divides by size - 1" : "");
  return STN_OK;
}

stn_status stn_affine_grid_forward(stn_ctx *ctx, const stn_tensor *theta, stn_tensor *grid, int64_t height,
                                   int64_t width, int order_xy, int align_corners) {
  static const char *fn = "stn_affine_grid_forward";
  STN_TRY(check_theta(fn, theta));
  STN_TRY(stn_check_tensor(fn, "grid", grid));
  STN_TRY(stn_check_same_device(fn, theta, grid));
  STN_TRY(check_size(fn, height, width, align_corners));
  int64_t B = theta->shape[0], size[4] = {B, height, width, 2};
  STN_TRY(stn_tensor_resize(ctx, grid, 4, size));
  if (B == 0) return STN_OK;
  stn_tensor th, out;
  STN_TRY(stn_contiguous_copy(ctx, &th, theta));
  stn_status st = stn_contiguous_copy(ctx, &out, grid); /* a view when grid is contiguous */
  if (st == STN_OK && grid->device == STN_CUDA) {
#ifdef STN_WITH_CUDA
    st = stn_affine_grid_forward_cuda(ctx, &th, &out, height, width, order_xy != 0, align_corners != 0);
#else
    st = STN_FAIL(STN_ERR_DEVICE, "%s: this stn was built without CUDA", fn);
#endif
  } else if (st == STN_OK) {
    const float *t = stn_data(&th);
    float *g = stn_data(&out);
#pragma omp parallel for schedule(static) if (B * height * width >= STN_OMP_MIN)
    for (int64_t bi = 0; bi < B * height; bi++) {
      int64_t b = bi / height, i = bi % height;
      const float *tb = t + 6 * b;
      float y = stn_grid_coord(i, height, align_corners != 0);
      float *row = g + bi * width * 2;
      for (int64_t j = 0; j < width; j++) {
        float x = stn_grid_coord(j, width, align_corners != 0);
        float u = order_xy ? x : y, v = order_xy ? y : x;
        row[2 * j] = stn_affine_apply(tb[0], tb[1], tb[2], u, v);
        row[2 * j + 1] = stn_affine_apply(tb[3], tb[4], tb[5], u, v);
      }
    }
  }
  if (st == STN_OK && out.mem != grid->mem) st = stn_copy(ctx, grid, &out);
  stn_tensor_release(&th);
  stn_tensor_release(&out);
  return st;
}

stn_status stn_affine_grid_backward(stn_ctx *ctx, const stn_tensor *grad_grid, stn_tensor *grad_theta, int order_xy,
                                    int align_corners) {
  static const char *fn = "stn_affine_grid_backward";
  STN_TRY(stn_check_tensor(fn, "grad_grid", grad_grid));
  STN_TRY(stn_check_tensor(fn, "grad_theta", grad_theta));
  STN_TRY(stn_check_same_device(fn, grad_grid, grad_theta));
  if (grad_grid->ndim != 4 || grad_grid->shape[3] != 2)
    return STN_FAIL(STN_ERR_ARG, "%s: grad_grid must be B x H x W x 2, got %s", fn, stn_shape_str(grad_grid));
  int64_t B = grad_grid->shape[0], height = grad_grid->shape[1], width = grad_grid->shape[2];
  STN_TRY(check_size(fn, height, width, align_corners));
  int64_t size[3] = {B, 2, 3};
  STN_TRY(stn_tensor_resize(ctx, grad_theta, 3, size));
  if (B == 0) return STN_OK;
  stn_tensor gg, out;
  STN_TRY(stn_contiguous_copy(ctx, &gg, grad_grid));
  stn_status st = stn_contiguous_copy(ctx, &out, grad_theta);
  if (st == STN_OK && grad_grid->device == STN_CUDA) {
#ifdef STN_WITH_CUDA
    st = stn_affine_grid_backward_cuda(ctx, &gg, &out, order_xy != 0, align_corners != 0);
#else
    st = STN_FAIL(STN_ERR_DEVICE, "%s: this stn was built without CUDA", fn);
#endif
  } else if (st == STN_OK) {
    const float *g = stn_data(&gg);
    float *t = stn_data(&out);
    /* per element: row sums first, then rows in order (double, fixed order) */
#pragma omp parallel for schedule(static) if (B * height * width >= STN_OMP_MIN)
    for (int64_t b = 0; b < B; b++) {
      double acc[6] = {0, 0, 0, 0, 0, 0}; /* per output component r: sum g*y, sum g*x, sum g */
      for (int64_t i = 0; i < height; i++) {
        const float *row = g + (b * height + i) * width * 2;
        double y = stn_grid_coord(i, height, align_corners != 0), s0 = 0, s1 = 0, x0 = 0, x1 = 0;
        for (int64_t j = 0; j < width; j++) {
          double x = stn_grid_coord(j, width, align_corners != 0);
          s0 += row[2 * j], s1 += row[2 * j + 1];
          x0 += row[2 * j] * x, x1 += row[2 * j + 1] * x;
        }
        acc[0] += s0 * y, acc[1] += x0, acc[2] += s0;
        acc[3] += s1 * y, acc[4] += x1, acc[5] += s1;
      }
      stn_affine_grid_store(t + 6 * b, acc, order_xy != 0);
    }
  }
  if (st == STN_OK && out.mem != grad_theta->mem) st = stn_copy(ctx, grad_theta, &out);
  stn_tensor_release(&gg);
  stn_tensor_release(&out);
  return st;
}
