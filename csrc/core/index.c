/* index.c: whole slices along a dim picked by a Long tensor of 1-based positions:
 * gathered (index_select), copied, added or filled, on every element type; and the
 * index and value checks the other indexing ops (gather.c, masked.c) share. CUDA
 * tensors go to cuda/core/index.cu with the positions checked on the host. */
#include "index.h"
#include "context.h"
#include "copy.h"
#include "dtype.h"
#include "error.h"
#include "storage.h"
#include "tensor.h"

#include <stdlib.h>
#include <string.h>

#define STN_GENERIC_FILE "core/index_generic.h"
#include "core/generic_all.h"

stn_status stn_check_value(const char *fn, int dtype, double value) {
  double lo, hi;
  if (!stn_integer_range(dtype, &lo, &hi)) return STN_OK;
  if (!(value >= lo && value < hi))
    return STN_FAIL(STN_ERR_ARG, "%s: value %g does not fit a %s tensor", fn, value, stn_dtype_name(dtype));
  return STN_OK;
}

stn_status stn_index_values(stn_ctx *ctx, const char *fn, const stn_tensor *index, const stn_tensor *t, int dim,
                            int64_t **out, int64_t *n) {
  int64_t size = t->shape[dim];
  *out = NULL;
  *n = 0;
  STN_TRY(stn_check_tensor_any(fn, "index", index));
  STN_TRY(stn_check_dtype(fn, "index", index, STN_LONG));
  int64_t count = stn_tensor_numel(index);
  /* a contiguous host copy unless the index is one already */
  stn_tensor host = {0};
  const stn_tensor *from = index;
  stn_status st = STN_OK;
  if (count > 0 && (index->device != STN_CPU || !stn_tensor_is_contiguous(index))) {
    st = stn_tensor_new_typed(ctx, &host, STN_CPU, STN_LONG, index->ndim, index->shape);
    if (st == STN_OK) st = stn_copy(ctx, &host, index);
    from = &host;
  }
  int64_t *vals = (int64_t *)malloc((size_t)(count > 0 ? count : 1) * sizeof *vals);
  if (st == STN_OK && !vals) st = STN_FAIL(STN_ERR_MEMORY, "%s: out of memory for %lld indices", fn, (long long)count);
  if (st == STN_OK && count > 0) memcpy(vals, stn_ptr(from), (size_t)count * sizeof *vals);
  stn_tensor_release(&host);
  for (int64_t k = 0; st == STN_OK && k < count; k++) {
    if (vals[k] < 1 || vals[k] > size)
      st = STN_FAIL(STN_ERR_ARG, "%s: index %lld (entry %lld) out of range for dimension %d of size %lld (%s)", fn,
                    (long long)vals[k], (long long)k + 1, dim + 1, (long long)size, stn_shape_str(t));
    else vals[k] -= 1;
  }
  if (st != STN_OK) {
    free(vals);
    return st;
  }
  *out = vals;
  *n = count;
  return STN_OK;
}

/* The checks every op here starts with: t has dim, index is a 1-D Long tensor on t's
 * device; its positions (0-based, checked against t's size at dim) in *idx. */
static stn_status index_args(stn_ctx *ctx, const char *fn, const stn_tensor *t, const char *tname, int dim,
                             const stn_tensor *index, int64_t **idx, int64_t *n) {
  *idx = NULL;
  STN_TRY(stn_check_tensor_any(fn, tname, t));
  STN_TRY(stn_check_tensor_any(fn, "index", index));
  STN_TRY(stn_check_same_device(fn, t, index));
  if (t->ndim < 1) return STN_FAIL(STN_ERR_ARG, "%s: %s has no dimensions", fn, tname);
  if (dim < 0 || dim >= t->ndim)
    return STN_FAIL(STN_ERR_ARG, "%s: dimension %d out of range for a %d-D tensor (%s)", fn, dim + 1, t->ndim,
                    stn_shape_str(t));
  STN_TRY(stn_check_dtype(fn, "index", index, STN_LONG));
  /* an empty tensor (no dims) is an empty list too */
  if (index->ndim != 1 && !(index->ndim == 0 && stn_tensor_numel(index) == 0))
    return STN_FAIL(STN_ERR_ARG, "%s: index must be 1-D, got %s", fn, stn_shape_str(index));
  return stn_index_values(ctx, fn, index, t, dim, idx, n);
}

/* big's slices idx (n of them, 0-based; -1 skips one) and small's slices 0..n-1 along
 * dim, on big's device. */
static stn_status run(stn_ctx *ctx, const char *fn, stn_tensor *big, const stn_tensor *small, int dim,
                      const int64_t *idx, int64_t n, int mode, double value, int serial) {
  if (n == 0 || stn_tensor_numel(big) == 0) return STN_OK;
  if (big->device == STN_CUDA) {
    STN_TRY(stn_check_tensor(fn, "the tensor", big));
    STN_CUDA_DISPATCH(stn_index_cuda(ctx, big, small, dim, idx, n, mode, value));
  }
  STN_DISPATCH_ALL(fn, big->dtype, index_run, (big, small, dim, idx, n, mode, value, serial));
}

stn_status stn_index_select(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int dim, const stn_tensor *index) {
  static const char *fn = "stn_index_select";
  STN_TRY(stn_check_tensor_any(fn, "out", out));
  STN_TRY(stn_check_same_device(fn, out, a));
  int64_t *idx, n;
  STN_TRY(index_args(ctx, fn, a, "a", dim, index, &idx, &n));
  int64_t size[STN_MAX_DIM];
  memcpy(size, a->shape, sizeof size);
  size[dim] = n;
  /* out may share a's storage (be a itself, or the index's): gather aside */
  stn_tensor sa = *a, tmp = {0}, *dst = out;
  int aside = stn_shares_storage(out, &sa) || stn_shares_storage(out, index);
  stn_status st = aside ? stn_tensor_new_typed(ctx, &tmp, a->device, a->dtype, a->ndim, size)
                        : stn_resize_out(ctx, out, a->dtype, a->ndim, size);
  if (aside) dst = &tmp;
  if (st == STN_OK && stn_tensor_numel(dst) > 0) st = run(ctx, fn, &sa, dst, dim, idx, n, STN_INDEX_GATHER, 0, 0);
  if (st == STN_OK && aside) {
    st = stn_resize_out(ctx, out, a->dtype, a->ndim, size);
    if (st == STN_OK) st = stn_copy(ctx, out, &tmp);
  }
  stn_tensor_release(&tmp);
  free(idx);
  return st;
}

/* copy and add: src has dst's sizes but n at dim, and dst's type. */
static stn_status put(stn_ctx *ctx, const char *fn, stn_tensor *dst, int dim, const stn_tensor *index,
                      const stn_tensor *src, int mode) {
  STN_TRY(stn_check_tensor_any(fn, "src", src));
  STN_TRY(stn_check_same_device(fn, dst, src));
  int64_t *idx, n;
  STN_TRY(index_args(ctx, fn, dst, "dst", dim, index, &idx, &n));
  stn_status st = stn_check_same_dtype(fn, "dst", dst, "src", src);
  int ok = src->ndim == dst->ndim;
  for (int d = 0; ok && d < dst->ndim; d++) ok = src->shape[d] == (d == dim ? n : dst->shape[d]);
  if (st == STN_OK && !ok)
    st = STN_FAIL(STN_ERR_ARG, "%s: src is %s but dst (%s) with %lld indices along dimension %d needs the same "
                  "sizes with %lld at dimension %d", fn, stn_shape_str(src), stn_shape_str(dst), (long long)n, dim + 1,
                  (long long)n, dim + 1);
  if (st != STN_OK || stn_tensor_numel(src) == 0) {
    free(idx);
    return st;
  }
  /* A repeated index: copy keeps the last (as a serial loop), so earlier ones become -1
   * and no two threads write one slice; add must visit each, so it runs serially. */
  unsigned char *seen = (unsigned char *)calloc((size_t)dst->shape[dim], 1);
  if (!seen) {
    free(idx);
    return STN_FAIL(STN_ERR_MEMORY, "%s: out of memory", fn);
  }
  int repeated = 0;
  for (int64_t k = n - 1; k >= 0; k--) {
    int64_t i = idx[k];
    if (seen[i]) {
      repeated = 1;
      if (mode == STN_INDEX_COPY) idx[k] = -1;
    }
    seen[i] = 1;
  }
  free(seen);
  /* src sharing dst's storage is read from a copy */
  stn_tensor tmp = {0}, use = *src;
  if (stn_shares_storage(dst, src)) {
    st = stn_tensor_new_typed(ctx, &tmp, src->device, src->dtype, src->ndim, src->shape);
    if (st == STN_OK) st = stn_copy(ctx, &tmp, src);
    use = tmp;
  }
  if (st == STN_OK) st = run(ctx, fn, dst, &use, dim, idx, n, mode, 0, repeated);
  stn_tensor_release(&tmp);
  free(idx);
  return st;
}

stn_status stn_index_copy(stn_ctx *ctx, stn_tensor *dst, int dim, const stn_tensor *index, const stn_tensor *src) {
  return put(ctx, "stn_index_copy", dst, dim, index, src, STN_INDEX_COPY);
}

stn_status stn_index_add(stn_ctx *ctx, stn_tensor *dst, int dim, const stn_tensor *index, const stn_tensor *src) {
  return put(ctx, "stn_index_add", dst, dim, index, src, STN_INDEX_ADD);
}

stn_status stn_index_fill(stn_ctx *ctx, stn_tensor *dst, int dim, const stn_tensor *index, double value) {
  static const char *fn = "stn_index_fill";
  int64_t *idx, n;
  STN_TRY(index_args(ctx, fn, dst, "dst", dim, index, &idx, &n));
  stn_status st = stn_check_value(fn, dst->dtype, value);
  if (st == STN_OK) st = run(ctx, fn, dst, NULL, dim, idx, n, STN_INDEX_FILL, value, 0);
  free(idx);
  return st;
}
