/* scan.c: cumulative sums and products along one dim (Torch7's cumsum, cumprod), on every
 * element type (the kernel: scan_generic.h). Each line along dim is walked from its first
 * element, the running value kept in Torch7's accreal (double for Float and Double,
 * int64_t for the integer types) and cast to the element type at each step. The CUDA twin
 * (cuda/core/scan.cu, Float only) walks each line in the same order, so the two agree
 * bitwise. */
#include "context.h"
#include "copy.h"
#include "dtype.h"
#include "error.h"
#include "scan.h"
#include "storage.h"
#include "tensor.h"

#include <string.h>

#define STN_GENERIC_FILE "core/scan_generic.h"
#include "core/generic_all.h"

static stn_status scan_on_device(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int dim, int op) {
  if (a->device == STN_CUDA) STN_CUDA_DISPATCH(stn_scan_cuda(ctx, out, a, dim, op));
  STN_DISPATCH_ALL("stn_scan", a->dtype, scan_cpu, (out, a, dim, op));
}

stn_status stn_scan(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int dim, int op) {
  static const char *fn = "stn_scan";
  if (op != STN_CUMSUM && op != STN_CUMPROD) return STN_FAIL(STN_ERR_ARG, "%s: unknown operation %d", fn, op);
  STN_TRY(stn_check_tensor_any(fn, "out", out));
  STN_TRY(stn_check_tensor_any(fn, "a", a));
  STN_TRY(stn_check_same_dtype(fn, "out", out, "a", a));
  STN_TRY(stn_check_same_device(fn, out, a));
  if (a->device == STN_CUDA && a->dtype != STN_FLOAT)
    return STN_FAIL(STN_ERR_ARG, "%s: %s of a CUDA %s tensor is not supported (CUDA scans are Float only)", fn,
                    op == STN_CUMSUM ? "cumsum" : "cumprod", stn_dtype_name(a->dtype));
  if (dim < 0 || dim >= a->ndim)
    return STN_FAIL(STN_ERR_ARG, "%s: dimension %d out of range for a %d-D tensor (%s)", fn, dim + 1, a->ndim,
                    stn_shape_str(a));
  int64_t size[STN_MAX_DIM];
  memcpy(size, a->shape, sizeof size);
  /* an out sharing a's storage is computed aside, then copied: a partial overlap
   * would read values already written */
  if (!stn_shares_storage(out, a)) {
    STN_TRY(stn_resize_out(ctx, out, a->dtype, a->ndim, size));
    return scan_on_device(ctx, out, a, dim, op);
  }
  stn_tensor tmp = {0};
  stn_status st = stn_tensor_new_typed(ctx, &tmp, a->device, a->dtype, a->ndim, size);
  if (st == STN_OK) st = scan_on_device(ctx, &tmp, a, dim, op);
  if (st == STN_OK) st = stn_resize_out(ctx, out, a->dtype, a->ndim, size);
  if (st == STN_OK) st = stn_copy(ctx, out, &tmp);
  stn_tensor_release(&tmp);
  return st;
}
