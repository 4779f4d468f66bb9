/* reduce.c: sum, mean, variance, standard deviation, max, min, product and 2-norm over
 * a whole tensor or along one dim, on every element type (the kernels: reduce_generic.h).
 * Float and Double accumulate in double; the integer types support sum, prod, max and
 * min only, as in Torch7, with integer sums and products (int64_t). Work is cut into
 * fixed blocks combined in order, so a result does not depend on the thread count.
 * max and min along a dim give Long indices (1-based). CUDA tensors (Float only) go to
 * cuda/core/reduce.cu. */
#include "reduce.h"
#include "context.h"
#include "dtype.h"
#include "error.h"
#include "nan.h"
#include "storage.h"
#include "strided.h"
#include "tensor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *op_names[] = {"sum", "mean", "var", "std", "max", "min", "prod", "norm2"};

/* What a pass over values accumulates. */
enum { PASS_SUM, PASS_DEV2, PASS_PROD, PASS_EXTREME };

static int first_pass(int op) {
  switch (op) {
  case STN_PROD: return PASS_PROD;
  case STN_NORM2: return PASS_DEV2; /* around 0 */
  case STN_MAX: case STN_MIN: return PASS_EXTREME;
  default: return PASS_SUM;
  }
}

#define BLOCK 256 /* outputs per block of an along-dim reduction not on the last dim */

#define STN_GENERIC_FILE "core/reduce_generic.h"
#include "core/generic_all.h"

static stn_status check_op(const char *fn, int op) {
  if (op < STN_SUM || op > STN_NORM2) return STN_FAIL(STN_ERR_ARG, "%s: unknown op %d", fn, op);
  return STN_OK;
}

/* a's element type takes op: every op on Float and Double, sum, prod, max and min on
 * the integer types (Torch7 defines mean, var, std and norm for its floating types
 * only); CUDA kernels compute in float only. */
static stn_status check_op_dtype(const char *fn, int op, const stn_tensor *a) {
  if (a->dtype != STN_FLOAT && a->dtype != STN_DOUBLE && op != STN_SUM && op != STN_PROD && op != STN_MAX &&
      op != STN_MIN)
    return STN_FAIL(STN_ERR_ARG, "%s: %s of a %s tensor is not supported (Float and Double only, as in Torch7)", fn,
                    op_names[op], stn_dtype_name(a->dtype));
  if (a->device == STN_CUDA && a->dtype != STN_FLOAT)
    return STN_FAIL(STN_ERR_ARG, "%s: %s of a CUDA %s tensor is not supported (CUDA reductions are Float only)", fn,
                    op_names[op], stn_dtype_name(a->dtype));
  return STN_OK;
}

static stn_status reduce_all(stn_ctx *ctx, const stn_tensor *a, int op, int biased, double *result) {
  static const char *fn = "stn_reduce_all";
  STN_TRY(check_op(fn, op));
  STN_TRY(stn_check_tensor_any(fn, "a", a));
  STN_TRY(check_op_dtype(fn, op, a));
  if (!result) return STN_FAIL(STN_ERR_ARG, "%s: result is NULL", fn);
  int64_t n = stn_tensor_numel(a);
  if (n == 0 && (op == STN_MAX || op == STN_MIN))
    return STN_FAIL(STN_ERR_ARG, "%s: %s of an empty tensor (%s)", fn, op_names[op], stn_shape_str(a));
  if (a->device == STN_CUDA) STN_CUDA_DISPATCH(stn_reduce_all_cuda(ctx, a, op, biased, result));
  STN_DISPATCH_ALL(fn, a->dtype, reduce_all_cpu, (a, op, biased, result));
}

/* Lua reads the result as a double: a NaN is made the plain one (stn_plain_nan_d), as a
 * NaN input's payload survives the sum and a CUDA max may return the input NaN itself. */
stn_status stn_reduce_all(stn_ctx *ctx, const stn_tensor *a, int op, int biased, double *result) {
  stn_status st = reduce_all(ctx, a, op, biased, result);
  if (st == STN_OK) *result = stn_plain_nan_d(*result);
  return st;
}

/* a reduced along dim into out (and ind) on a's device; the outputs are sized. */
static stn_status reduce_dim_all(stn_ctx *ctx, stn_tensor *out, stn_tensor *ind, const stn_tensor *a, int dim, int op,
                                 int biased) {
  if (a->device == STN_CUDA) STN_CUDA_DISPATCH(stn_reduce_dim_cuda(ctx, out, ind, a, dim, op, biased));
  STN_DISPATCH_ALL("stn_reduce_dim", a->dtype, reduce_dim_cpu, (out, ind, a, dim, op, biased));
}

stn_status stn_reduce_dim(stn_ctx *ctx, stn_tensor *out, stn_tensor *indices, const stn_tensor *a, int dim, int op,
                          int biased) {
  static const char *fn = "stn_reduce_dim";
  STN_TRY(check_op(fn, op));
  STN_TRY(stn_check_tensor_any(fn, "out", out));
  STN_TRY(stn_check_tensor_any(fn, "a", a));
  STN_TRY(check_op_dtype(fn, op, a));
  STN_TRY(stn_check_same_dtype(fn, "out", out, "a", a));
  STN_TRY(stn_check_same_device(fn, out, a));
  int extreme = op == STN_MAX || op == STN_MIN;
  if (!extreme) indices = NULL;
  if (indices) {
    STN_TRY(stn_check_tensor_any(fn, "indices", indices));
    STN_TRY(stn_check_dtype(fn, "indices", indices, STN_LONG));
    STN_TRY(stn_check_same_device(fn, indices, a));
  }
  if (dim < 0 || dim >= a->ndim)
    return STN_FAIL(STN_ERR_ARG, "%s: dimension %d out of range for a %d-D tensor (%s)", fn, dim + 1, a->ndim,
                    stn_shape_str(a));
  if (a->shape[dim] == 0 && extreme)
    return STN_FAIL(STN_ERR_ARG, "%s: %s along dimension %d of size 0 (%s)", fn, op_names[op], dim + 1, stn_shape_str(a));
  int64_t size[STN_MAX_DIM];
  memcpy(size, a->shape, sizeof size);
  size[dim] = 1;
  /* outputs that share a's storage (or each other's) are computed aside, then copied */
  stn_tensor sa = *a, to = {0}, ti = {0}, *o = out, *ix = indices;
  int o_aside = stn_shares_storage(out, &sa), i_aside = indices && (stn_shares_storage(indices, &sa) || stn_shares_storage(indices, out));
  stn_status st = STN_OK;
  if (o_aside) { st = stn_tensor_new_typed(ctx, &to, a->device, a->dtype, a->ndim, size); o = &to; }
  else st = stn_resize_out(ctx, out, a->dtype, a->ndim, size);
  if (st == STN_OK && i_aside) { st = stn_tensor_new_typed(ctx, &ti, a->device, STN_LONG, a->ndim, size); ix = &ti; }
  else if (st == STN_OK && indices) st = stn_resize_out(ctx, indices, STN_LONG, a->ndim, size);
  if (st == STN_OK) st = reduce_dim_all(ctx, o, ix, &sa, dim, op, biased);
  if (st == STN_OK && o_aside) {
    st = stn_resize_out(ctx, out, a->dtype, a->ndim, size);
    if (st == STN_OK) st = stn_copy(ctx, out, &to);
  }
  if (st == STN_OK && i_aside) {
    st = stn_resize_out(ctx, indices, STN_LONG, a->ndim, size);
    if (st == STN_OK) st = stn_copy(ctx, indices, &ti);
  }
  stn_tensor_release(&to);
  stn_tensor_release(&ti);
  return st;
}
