/* gather.c: element-wise picks along a dim by a Long index tensor of the same number of
 * dims (Torch7's gather, scatter and scatter of a value), on every element type. The
 * index is read into a checked host array first (csrc/core/index.c), so no position is
 * used before it is known to be in range; CUDA tensors go to cuda/core/gather.cu. */
#include "context.h"
#include "copy.h"
#include "dtype.h"
#include "error.h"
#include "index.h"
#include "storage.h"
#include "tensor.h"

#include <stdlib.h>

#define STN_GENERIC_FILE "core/gather_generic.h"
#include "core/generic_all.h"

/* index (a Long tensor on t's device) has t's dims, and other's sizes but at dim (other
 * may be NULL); at dim, other has at least index's size when `at_least`. */
static stn_status shape_args(const char *fn, const stn_tensor *t, const char *tname, int dim, const stn_tensor *index,
                             const stn_tensor *other, const char *oname, int at_least) {
  STN_TRY(stn_check_tensor_any(fn, tname, t));
  STN_TRY(stn_check_tensor_any(fn, "index", index));
  STN_TRY(stn_check_same_device(fn, t, index));
  STN_TRY(stn_check_dtype(fn, "index", index, STN_LONG));
  if (t->ndim < 1) return STN_FAIL(STN_ERR_ARG, "%s: %s has no dimensions", fn, tname);
  if (dim < 0 || dim >= t->ndim)
    return STN_FAIL(STN_ERR_ARG, "%s: dimension %d out of range for a %d-D tensor (%s)", fn, dim + 1, t->ndim,
                    stn_shape_str(t));
  if (index->ndim != t->ndim)
    return STN_FAIL(STN_ERR_ARG, "%s: index (%s) must have the %d dims of %s (%s)", fn, stn_shape_str(index), t->ndim,
                    tname, stn_shape_str(t));
  const stn_tensor *with[2] = {t, other};
  const char *names[2] = {tname, oname};
  for (int w = 0; w < 2; w++) {
    const stn_tensor *x = with[w];
    if (!x) continue;
    int ok = x->ndim == index->ndim;
    for (int d = 0; ok && d < x->ndim; d++)
      ok = d == dim ? (w == 1 && at_least ? x->shape[d] >= index->shape[d] : 1) : x->shape[d] == index->shape[d];
    if (!ok)
      return STN_FAIL(STN_ERR_ARG, "%s: index is %s but %s is %s: they must have the same sizes except at dimension %d%s",
                      fn, stn_shape_str(index), names[w], stn_shape_str(x), dim + 1,
                      w == 1 && at_least ? " (where src needs at least index's)" : "");
  }
  return STN_OK;
}

/* The lines of target, src and the index on target's device (idx: the index's values). */
static stn_status apply(stn_ctx *ctx, const char *fn, stn_tensor *target, const stn_tensor *src, const stn_tensor *index,
                        int dim, const int64_t *idx, int mode, double value) {
  if (target->device == STN_CUDA) {
    STN_TRY(stn_check_tensor(fn, "the tensor", target));
    STN_CUDA_DISPATCH(stn_gather_cuda(ctx, target, src, index, dim, idx, mode, value));
  }
  STN_DISPATCH_ALL(fn, target->dtype, gather_lines, (target, src, index, dim, idx, mode, value));
}

/* The index's values checked against the tensor they point into (`into`), then apply. */
static stn_status run(stn_ctx *ctx, const char *fn, stn_tensor *target, const stn_tensor *src, const stn_tensor *index,
                      int dim, const stn_tensor *into, int mode, double value) {
  int64_t *idx, n;
  STN_TRY(stn_index_values(ctx, fn, index, into, dim, &idx, &n));
  stn_status st = n > 0 ? apply(ctx, fn, target, src, index, dim, idx, mode, value) : STN_OK;
  free(idx);
  return st;
}

stn_status stn_gather(stn_ctx *ctx, stn_tensor *out, const stn_tensor *src, int dim, const stn_tensor *index) {
  static const char *fn = "stn_gather";
  STN_TRY(stn_check_tensor_any(fn, "out", out));
  STN_TRY(stn_check_same_device(fn, out, src));
  STN_TRY(shape_args(fn, src, "src", dim, index, NULL, NULL, 0));
  /* out may share storage with src or the index: gather aside */
  stn_tensor tmp = {0}, *dst = out;
  int aside = stn_shares_storage(out, src) || stn_shares_storage(out, index);
  stn_status st = aside ? stn_tensor_new_typed(ctx, &tmp, src->device, src->dtype, index->ndim, index->shape)
                        : stn_resize_out(ctx, out, src->dtype, index->ndim, index->shape);
  if (aside) dst = &tmp;
  if (st == STN_OK) st = run(ctx, fn, dst, src, index, dim, src, STN_INDEX_GATHER, 0);
  if (st == STN_OK && aside) {
    st = stn_resize_out(ctx, out, src->dtype, index->ndim, index->shape);
    if (st == STN_OK) st = stn_copy(ctx, out, &tmp);
  }
  stn_tensor_release(&tmp);
  return st;
}

stn_status stn_scatter(stn_ctx *ctx, stn_tensor *dst, int dim, const stn_tensor *index, const stn_tensor *src) {
  static const char *fn = "stn_scatter";
  STN_TRY(stn_check_tensor_any(fn, "src", src));
  STN_TRY(stn_check_same_device(fn, dst, src));
  STN_TRY(shape_args(fn, dst, "dst", dim, index, src, "src", 1));
  STN_TRY(stn_check_same_dtype(fn, "dst", dst, "src", src));
  /* src sharing dst's storage is read from a copy */
  stn_tensor tmp = {0}, use = *src;
  stn_status st = STN_OK;
  if (stn_shares_storage(dst, src)) {
    st = stn_tensor_new_typed(ctx, &tmp, src->device, src->dtype, src->ndim, src->shape);
    if (st == STN_OK) st = stn_copy(ctx, &tmp, src);
    use = tmp;
  }
  if (st == STN_OK) st = run(ctx, fn, dst, &use, index, dim, dst, STN_INDEX_COPY, 0);
  stn_tensor_release(&tmp);
  return st;
}

stn_status stn_scatter_fill(stn_ctx *ctx, stn_tensor *dst, int dim, const stn_tensor *index, double value) {
  static const char *fn = "stn_scatter_fill";
  STN_TRY(shape_args(fn, dst, "dst", dim, index, NULL, NULL, 0));
  STN_TRY(stn_check_value(fn, dst->dtype, value));
  return run(ctx, fn, dst, NULL, index, dim, dst, STN_INDEX_FILL, value);
}
