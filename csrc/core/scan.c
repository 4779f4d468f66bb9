/* scan.c: cumulative sums and products along one dim (Torch7's cumsum, cumprod). Each
 * line along dim is walked from its first element, the running value kept in double
 * and rounded to float at each step, as THFloatTensor_cumsum does with its accreal; the
 * CUDA twin (cuda/core/scan.cu) walks each line in the same order, so the two agree
 * bitwise. */
#include "context.h"
#include "copy.h"
#include "error.h"
#include "scan.h"
#include "storage.h"
#include "tensor.h"

#include <string.h>

static void scan_line(const float *x, int64_t sx, float *y, int64_t sy, int64_t n, int op) {
  double run = op == STN_CUMPROD ? 1.0 : 0.0;
  for (int64_t i = 0; i < n; i++) {
    if (op == STN_CUMPROD) run *= x[i * sx];
    else run += x[i * sx];
    y[i * sy] = (float)run;
  }
}

static void scan_cpu(const stn_tensor *out, const stn_tensor *a, int dim, int op) {
  stn_tensor ah = *a, oh = *out; /* size 1 at dim: line k starts at row-major position k */
  ah.shape[dim] = 1;
  oh.shape[dim] = 1;
  int64_t lines = stn_tensor_numel(&ah), n = a->shape[dim];
  if (n == 0) return;
  const float *ad = stn_data(a);
  float *od = stn_data(out);
#pragma omp parallel for schedule(static) if (lines * n >= STN_OMP_MIN)
  for (int64_t k = 0; k < lines; k++)
    scan_line(ad + stn_offset_of(&ah, k), a->strides[dim], od + stn_offset_of(&oh, k), out->strides[dim], n, op);
}

static stn_status scan_on_device(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int dim, int op) {
  if (a->device == STN_CUDA) STN_CUDA_DISPATCH(stn_scan_cuda(ctx, out, a, dim, op));
  scan_cpu(out, a, dim, op);
  return STN_OK;
}

stn_status stn_scan(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int dim, int op) {
  static const char *fn = "stn_scan";
  if (op != STN_CUMSUM && op != STN_CUMPROD) return STN_FAIL(STN_ERR_ARG, "%s: unknown operation %d", fn, op);
  STN_TRY(stn_check_tensor(fn, "out", out));
  STN_TRY(stn_check_tensor(fn, "a", a));
  STN_TRY(stn_check_same_device(fn, out, a));
  if (dim < 0 || dim >= a->ndim)
    return STN_FAIL(STN_ERR_ARG, "%s: dimension %d out of range for a %d-D tensor (%s)", fn, dim + 1, a->ndim,
                    stn_shape_str(a));
  int64_t size[STN_MAX_DIM];
  memcpy(size, a->shape, sizeof size);
  /* an out sharing a's storage is computed aside, then copied: a partial overlap
   * would read values already written */
  if (!stn_shares_storage(out, a)) {
    STN_TRY(stn_resize_out(ctx, out, STN_FLOAT, a->ndim, size));
    return scan_on_device(ctx, out, a, dim, op);
  }
  stn_tensor tmp = {0};
  stn_status st = stn_tensor_new(ctx, &tmp, a->device, a->ndim, size);
  if (st == STN_OK) st = scan_on_device(ctx, &tmp, a, dim, op);
  if (st == STN_OK) st = stn_resize_out(ctx, out, STN_FLOAT, a->ndim, size);
  if (st == STN_OK) st = stn_copy(ctx, out, &tmp);
  stn_tensor_release(&tmp);
  return st;
}
