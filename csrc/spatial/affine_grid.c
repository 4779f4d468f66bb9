/* affine_grid.c: the affine grid generator of both families: theta B x 2 x 3 -> grid
 * B x H x W x 2, (y, x) order for stnbhwd's BHWD modules, (x, y) for the BCHW ones,
 * corners aligned or not; and its gradient w.r.t. theta. CUDA twin: cuda/spatial/affine_grid.cu. */
#include "affine.h"
#include "core/storage.h"

#include <stdlib.h>
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

/* The normalized coordinates of pixels 0..n-1 (one division each, done once per call). */
static float *grid_coords(int64_t n, int align) {
  float *c = (float *)malloc((size_t)n * sizeof(float));
  if (c)
    for (int64_t i = 0; i < n; i++) c[i] = stn_grid_coord(i, n, align);
  return c;
}

static stn_status grid_forward_cpu(const float *t, float *g, int64_t B, int64_t height, int64_t width, int order_xy,
                                   int align) {
  float *xs = grid_coords(width, align), *ys = grid_coords(height, align);
  if (!xs || !ys) {
    free(xs);
    free(ys);
    return STN_FAIL(STN_ERR_MEMORY, "stn_affine_grid_forward: out of memory");
  }
#pragma omp parallel for schedule(static) if (B * height * width >= STN_OMP_MIN)
  for (int64_t bi = 0; bi < B * height; bi++) {
    const float *tb = t + 6 * (bi / height);
    const float y = ys[bi % height];
    float *row = g + bi * width * 2;
    /* stn_affine_apply's roundings, with the row's constant product taken out of the loop */
    if (order_xy) {
      const float r0 = tb[1] * y, r1 = tb[4] * y;
      for (int64_t j = 0; j < width; j++) {
        row[2 * j] = (tb[0] * xs[j] + r0) + tb[2];
        row[2 * j + 1] = (tb[3] * xs[j] + r1) + tb[5];
      }
    } else {
      const float r0 = tb[0] * y, r1 = tb[3] * y;
      for (int64_t j = 0; j < width; j++) {
        row[2 * j] = (r0 + tb[1] * xs[j]) + tb[2];
        row[2 * j + 1] = (r1 + tb[4] * xs[j]) + tb[5];
      }
    }
  }
  free(xs);
  free(ys);
  return STN_OK;
}

/* Four pixels' (g0, g1) pairs in double: v0 holds pixels j, j + 1, v1 pixels j + 2, j + 3. */
typedef double d4 __attribute__((vector_size(32)));
typedef float f4 __attribute__((vector_size(16)));

/* The sums of one row of the grid gradient (2 * width floats, (g0, g1) per pixel) with
 * xx (each x twice): sg = {sum g0, sum g1}, sx = {sum g0 x, sum g1 x}, in double, in a
 * fixed order: four lanes per component (pixels j mod 4), each in pixel order, then
 * (l0 + l1) + (l2 + l3). Written with 4-double vectors, which the AVX2 clone keeps in
 * one register and the baseline splits in two: the same operations on each lane. */
static inline __attribute__((always_inline)) void grid_row_sums(const float *row, const double *xx, int64_t width,
                                                                double *sg, double *sx) {
  d4 s0 = {0, 0, 0, 0}, s1 = s0, t0 = s0, t1 = s0;
  int64_t j = 0;
  for (; j + 4 <= width; j += 4) {
    f4 a, c;
    __builtin_memcpy(&a, row + 2 * j, sizeof a);
    __builtin_memcpy(&c, row + 2 * j + 4, sizeof c);
    const d4 v0 = __builtin_convertvector(a, d4), v1 = __builtin_convertvector(c, d4);
    d4 x0, x1;
    __builtin_memcpy(&x0, xx + 2 * j, sizeof x0);
    __builtin_memcpy(&x1, xx + 2 * j + 4, sizeof x1);
    s0 += v0, s1 += v1;
    t0 += v0 * x0, t1 += v1 * x1;
  }
  for (; j < width; j++) { /* the last pixels go to their lanes */
    d4 *s = (j & 2) ? &s1 : &s0, *t = (j & 2) ? &t1 : &t0;
    const int l = (int)(j & 1) * 2;
    const double a = row[2 * j], c = row[2 * j + 1];
    (*s)[l] += a, (*s)[l + 1] += c;
    (*t)[l] += a * xx[2 * j], (*t)[l + 1] += c * xx[2 * j];
  }
  for (int k = 0; k < 2; k++) {
    sg[k] = (s0[k] + s0[k + 2]) + (s1[k] + s1[k + 2]);
    sx[k] = (t0[k] + t0[k + 2]) + (t1[k] + t1[k + 2]);
  }
}

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(STN_NO_CLONES)
__attribute__((target_clones("avx2", "default")))
#endif
static void grid_backward_element(const float *g, float *t, int64_t height, int64_t width, const double *xx,
                                  const float *ys, int order_xy) {
  double acc[6] = {0, 0, 0, 0, 0, 0}; /* per output component r: sum g*y, sum g*x, sum g */
  for (int64_t i = 0; i < height; i++) {
    double sg[2], sx[2];
    grid_row_sums(g + i * width * 2, xx, width, sg, sx);
    const double y = ys[i];
    acc[0] += sg[0] * y, acc[1] += sx[0], acc[2] += sg[0];
    acc[3] += sg[1] * y, acc[4] += sx[1], acc[5] += sg[1];
  }
  stn_affine_grid_store(t, acc, order_xy);
}

/* Per element: each row's sums first (grid_row_sums), then the rows in order (double). */
static stn_status grid_backward_cpu(const float *g, float *t, int64_t B, int64_t height, int64_t width, int order_xy,
                                    int align) {
  float *xs = grid_coords(width, align), *ys = grid_coords(height, align);
  double *xx = (double *)malloc((size_t)(2 * width + 4) * sizeof(double));
  if (!xs || !ys || !xx) {
    free(xs);
    free(ys);
    free(xx);
    return STN_FAIL(STN_ERR_MEMORY, "stn_affine_grid_backward: out of memory");
  }
  for (int64_t j = 0; j < width; j++) xx[2 * j] = xx[2 * j + 1] = xs[j];
#pragma omp parallel for schedule(static) if (B * height * width >= STN_OMP_MIN)
  for (int64_t b = 0; b < B; b++)
    grid_backward_element(g + b * height * width * 2, t + 6 * b, height, width, xx, ys, order_xy);
  free(xs);
  free(ys);
  free(xx);
  return STN_OK;
}

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
  return grid_forward_cpu(stn_data(th), stn_data(out), th->shape[0], height, width, order_xy, align_corners);
}

static stn_status grid_backward_run(stn_ctx *ctx, const stn_tensor *gg, stn_tensor *out, int order_xy,
                                    int align_corners) {
  if (out->device == STN_CUDA) STN_CUDA_DISPATCH(stn_affine_grid_backward_cuda(ctx, gg, out, order_xy, align_corners));
  return grid_backward_cpu(stn_data(gg), stn_data(out), gg->shape[0], gg->shape[1], gg->shape[2], order_xy,
                           align_corners);
}

stn_status stn_affine_grid_forward(stn_ctx *ctx, const stn_tensor *theta, stn_tensor *grid, int64_t height,
                                   int64_t width, int grid_order, int align_corners) {
  static const char *fn = "stn_affine_grid_forward";
  STN_TRY(check_order(fn, grid_order));
  STN_TRY(check_theta(fn, theta));
  STN_TRY(stn_check_tensor(fn, "grid", grid));
  STN_TRY(stn_check_same_device(fn, theta, grid));
  STN_TRY(check_size(fn, height, width, align_corners));
  int64_t B = theta->shape[0], size[4] = {B, height, width, 2};
  STN_TRY(stn_resize_out(ctx, grid, STN_FLOAT, 4, size));
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
  STN_TRY(check_order(fn, grid_order));
  STN_TRY(stn_check_tensor(fn, "grad_grid", grad_grid));
  STN_TRY(stn_check_tensor(fn, "grad_theta", grad_theta));
  STN_TRY(stn_check_same_device(fn, grad_grid, grad_theta));
  if (grad_grid->ndim != 4 || grad_grid->shape[3] != 2)
    return STN_FAIL(STN_ERR_ARG, "%s: grad_grid must be B x H x W x 2, got %s", fn, stn_shape_str(grad_grid));
  int64_t B = grad_grid->shape[0], height = grad_grid->shape[1], width = grad_grid->shape[2];
  STN_TRY(check_size(fn, height, width, align_corners));
  int64_t size[3] = {B, 2, 3};
  STN_TRY(stn_resize_out(ctx, grad_theta, STN_FLOAT, 3, size));
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
