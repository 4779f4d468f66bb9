/* index.c: whole slices along a dim picked by a list of 0-based positions: gathered
 * (index_select) or scattered (index_copy). CUDA tensors go to cuda/core/index.cu. */
#include "index.h"
#include "context.h"
#include "error.h"
#include "storage.h"
#include "tensor.h"

#include <stdlib.h>
#include <string.h>

static stn_status check_args(const char *fn, const stn_tensor *t, const char *tname, int dim, const int64_t *idx,
                             int64_t n) {
  if (t->ndim < 1) return STN_FAIL(STN_ERR_ARG, "%s: %s has no dimensions", fn, tname);
  if (dim < 0 || dim >= t->ndim)
    return STN_FAIL(STN_ERR_ARG, "%s: dimension %d out of range for a %d-D tensor (%s)", fn, dim + 1, t->ndim,
                    stn_shape_str(t));
  if (n < 0 || (n > 0 && !idx)) return STN_FAIL(STN_ERR_ARG, "%s: %lld indices at %p", fn, (long long)n, (const void *)idx);
  for (int64_t k = 0; k < n; k++)
    if (idx[k] < 0 || idx[k] >= t->shape[dim])
      return STN_FAIL(STN_ERR_ARG, "%s: index %lld (0-based, entry %lld) out of range for dimension %d of size %lld (%s)",
                      fn, (long long)idx[k], (long long)k + 1, dim + 1, (long long)t->shape[dim], stn_shape_str(t));
  return STN_OK;
}

/* Pairs element (.., k, ..) of `small` (n slices at dim) with element (.., idx[k], ..)
 * of `big` and copies small <- big (gather) or big <- small (scatter). A negative
 * idx[k] skips slice k. Runs along the last dim of small are shared out to threads;
 * the caller guarantees that no two runs write the same place. */
static void walk(const stn_tensor *big, const stn_tensor *small, int dim, const int64_t *idx, int gather) {
  int last = small->ndim - 1;
  int64_t cols = small->shape[last], numel = stn_tensor_numel(small);
  int64_t rows = cols ? numel / cols : 0;
  int64_t bl = big->strides[last], sl = small->strides[last];
  float *bd = stn_data(big), *sd = stn_data(small);
#pragma omp parallel for schedule(static) if (numel >= STN_OMP_MIN)
  for (int64_t r = 0; r < rows; r++) {
    int64_t bo = 0, so = 0, rem = r, skip = 0;
    for (int d = last - 1; d >= 0; d--) {
      int64_t c = rem % small->shape[d];
      rem /= small->shape[d];
      so += c * small->strides[d];
      if (d == dim) {
        if (idx[c] < 0) skip = 1;
        c = idx[c];
      }
      bo += c * big->strides[d];
    }
    if (skip) continue;
    float *b = bd + bo, *s = sd + so;
    if (dim == last) {
      for (int64_t j = 0; j < cols; j++) {
        if (idx[j] < 0) continue;
        if (gather) s[j * sl] = b[idx[j] * bl];
        else b[idx[j] * bl] = s[j * sl];
      }
    } else if (gather) {
      for (int64_t j = 0; j < cols; j++) s[j * sl] = b[j * bl];
    } else {
      for (int64_t j = 0; j < cols; j++) b[j * bl] = s[j * sl];
    }
  }
}

/* out (sized, n slices at dim) <- the slices idx of a, on a's device. */
static stn_status gather(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int dim, const int64_t *idx, int64_t n) {
  if (a->device == STN_CUDA) STN_CUDA_DISPATCH(stn_index_select_cuda(ctx, out, a, dim, idx, n));
  walk(a, out, dim, idx, 1);
  return STN_OK;
}

/* The slices idx of dst (no index twice; -1 skips) <- src, on dst's device. */
static stn_status scatter(stn_ctx *ctx, stn_tensor *dst, int dim, const int64_t *idx, int64_t n, const stn_tensor *src) {
  if (dst->device == STN_CUDA) STN_CUDA_DISPATCH(stn_index_copy_cuda(ctx, dst, dim, idx, n, src));
  walk(dst, src, dim, idx, 0);
  return STN_OK;
}

stn_status stn_index_select(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int dim, const int64_t *idx, int64_t n) {
  static const char *fn = "stn_index_select";
  STN_TRY(stn_check_tensor(fn, "out", out));
  STN_TRY(stn_check_tensor(fn, "a", a));
  STN_TRY(stn_check_same_device(fn, out, a));
  STN_TRY(check_args(fn, a, "a", dim, idx, n));
  int64_t size[STN_MAX_DIM];
  memcpy(size, a->shape, sizeof size);
  size[dim] = n;
  stn_tensor sa = *a, tmp = {0}, *dst = out;
  int aside = stn_shares_storage(out, &sa); /* out may be a itself: gather aside */
  stn_status st = aside ? stn_tensor_new(ctx, &tmp, a->device, a->ndim, size) : stn_resize_out(ctx, out, STN_FLOAT, a->ndim, size);
  if (aside) dst = &tmp;
  if (st == STN_OK && stn_tensor_numel(dst) > 0) st = gather(ctx, dst, &sa, dim, idx, n);
  if (st == STN_OK && aside) {
    st = stn_resize_out(ctx, out, STN_FLOAT, a->ndim, size);
    if (st == STN_OK) st = stn_copy(ctx, out, &tmp);
  }
  stn_tensor_release(&tmp);
  return st;
}

stn_status stn_index_copy(stn_ctx *ctx, stn_tensor *dst, int dim, const int64_t *idx, int64_t n, const stn_tensor *src) {
  static const char *fn = "stn_index_copy";
  STN_TRY(stn_check_tensor(fn, "dst", dst));
  STN_TRY(stn_check_tensor(fn, "src", src));
  STN_TRY(stn_check_same_device(fn, dst, src));
  STN_TRY(check_args(fn, dst, "dst", dim, idx, n));
  int ok = src->ndim == dst->ndim;
  for (int d = 0; ok && d < dst->ndim; d++) ok = src->shape[d] == (d == dim ? n : dst->shape[d]);
  if (!ok)
    return STN_FAIL(STN_ERR_ARG, "%s: src is %s but dst (%s) with %lld indices along dimension %d needs the same "
                    "sizes with %lld at dimension %d", fn, stn_shape_str(src), stn_shape_str(dst), (long long)n, dim + 1,
                    (long long)n, dim + 1);
  if (stn_tensor_numel(src) == 0) return STN_OK;
  /* a repeated index: the last copy wins (as in a serial loop); earlier ones become -1,
   * so no two threads write the same slice */
  int64_t *uniq = (int64_t *)malloc((size_t)n * sizeof *uniq);
  unsigned char *seen = (unsigned char *)calloc((size_t)dst->shape[dim], 1);
  if (!uniq || !seen) {
    free(uniq);
    free(seen);
    return STN_FAIL(STN_ERR_MEMORY, "%s: out of memory", fn);
  }
  for (int64_t k = n - 1; k >= 0; k--) {
    uniq[k] = seen[idx[k]] ? -1 : idx[k];
    seen[idx[k]] = 1;
  }
  free(seen);
  /* src sharing dst's storage is read from a copy */
  stn_tensor tmp = {0}, use = *src;
  stn_status st = STN_OK;
  if (stn_shares_storage(dst, src)) {
    st = stn_tensor_new(ctx, &tmp, src->device, src->ndim, src->shape);
    if (st == STN_OK) st = stn_copy(ctx, &tmp, src);
    use = tmp;
  }
  if (st == STN_OK) st = scatter(ctx, dst, dim, uniq, n, &use);
  stn_tensor_release(&tmp);
  free(uniq);
  return st;
}
