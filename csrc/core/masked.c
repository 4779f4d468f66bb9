/* masked.c: Torch7's ops with a Byte mask (maskedFill, maskedCopy, maskedSelect), the
 * subscripts of the non-zero elements (nonzero) and the logical all / any of a Byte
 * tensor, on every element type. A mask is read into a host array of positions first
 * (its values checked to be 0 or 1), which the CUDA twin (cuda/core/masked.cu) gets as
 * it is; nonzero, all and any run on the host for CUDA tensors. */
#include "context.h"
#include "copy.h"
#include "dtype.h"
#include "error.h"
#include "index.h"
#include "storage.h"
#include "tensor.h"

#include <stdlib.h>
#include <string.h>

#define STN_GENERIC_FILE "core/masked_generic.h"
#include "core/generic_all.h"

/* A contiguous host copy of t in *host unless t is one already; *view is what to read. */
static stn_status on_host(stn_ctx *ctx, const stn_tensor *t, stn_tensor *host, const stn_tensor **view) {
  memset(host, 0, sizeof *host);
  *view = t;
  if (t->device == STN_CPU && stn_tensor_is_contiguous(t)) return STN_OK;
  *view = host;
  STN_TRY(stn_tensor_new_typed(ctx, host, STN_CPU, t->dtype, t->ndim, t->shape));
  return stn_copy(ctx, host, t);
}

/* mask (a Byte tensor on t's device with t's element count) as positions: *pos (malloc'd,
 * n entries), and the number of ones in *ones. A value other than 0 or 1 fails. */
static stn_status mask_positions(stn_ctx *ctx, const char *fn, const stn_tensor *t, const char *tname,
                                 const stn_tensor *mask, int64_t **pos, int64_t *ones) {
  *pos = NULL;
  STN_TRY(stn_check_tensor_any(fn, tname, t));
  STN_TRY(stn_check_tensor_any(fn, "mask", mask));
  STN_TRY(stn_check_same_device(fn, t, mask));
  STN_TRY(stn_check_dtype(fn, "mask", mask, STN_BYTE));
  int64_t n = stn_tensor_numel(mask);
  if (n != stn_tensor_numel(t))
    return STN_FAIL(STN_ERR_ARG, "%s: mask (%s) and %s (%s) must have the same number of elements", fn,
                    stn_shape_str(mask), tname, stn_shape_str(t));
  stn_tensor host;
  const stn_tensor *m;
  stn_status st = on_host(ctx, mask, &host, &m);
  int64_t *p = (int64_t *)malloc((size_t)(n > 0 ? n : 1) * sizeof *p);
  if (st == STN_OK && !p) st = STN_FAIL(STN_ERR_MEMORY, "%s: out of memory for a mask of %lld", fn, (long long)n);
  int64_t count = 0;
  const uint8_t *md = st == STN_OK ? (const uint8_t *)stn_ptr(m) : NULL;
  for (int64_t i = 0; st == STN_OK && i < n; i++) {
    if (md[i] > 1)
      st = STN_FAIL(STN_ERR_ARG, "%s: mask holds %d at entry %lld (a mask holds 0 and 1 only)", fn, (int)md[i],
                    (long long)i + 1);
    else p[i] = md[i] ? count++ : -1;
  }
  stn_tensor_release(&host);
  if (st != STN_OK) {
    free(p);
    return st;
  }
  *pos = p;
  *ones = count;
  return STN_OK;
}

static stn_status apply(stn_ctx *ctx, const char *fn, stn_tensor *t, const stn_tensor *src, const int64_t *pos,
                        int64_t n, int mode, double value) {
  if (n == 0) return STN_OK;
  if (t->device == STN_CUDA) {
    STN_TRY(stn_check_tensor(fn, "the tensor", t));
    STN_CUDA_DISPATCH(stn_masked_cuda(ctx, t, src, pos, n, mode, value));
  }
  STN_DISPATCH_ALL(fn, t->dtype, masked_apply, (t, src, pos, n, mode, value));
}

stn_status stn_masked_fill(stn_ctx *ctx, stn_tensor *t, const stn_tensor *mask, double value) {
  static const char *fn = "stn_masked_fill";
  int64_t *pos, ones;
  STN_TRY(mask_positions(ctx, fn, t, "t", mask, &pos, &ones));
  stn_status st = stn_check_value(fn, t->dtype, value);
  if (st == STN_OK) st = apply(ctx, fn, t, NULL, pos, stn_tensor_numel(t), STN_MASK_FILL, value);
  free(pos);
  return st;
}

stn_status stn_masked_copy(stn_ctx *ctx, stn_tensor *t, const stn_tensor *mask, const stn_tensor *src) {
  static const char *fn = "stn_masked_copy";
  STN_TRY(stn_check_tensor_any(fn, "src", src));
  STN_TRY(stn_check_same_device(fn, t, src));
  int64_t *pos, ones;
  STN_TRY(mask_positions(ctx, fn, t, "t", mask, &pos, &ones));
  stn_status st = stn_check_same_dtype(fn, "t", t, "src", src);
  if (st == STN_OK && stn_tensor_numel(src) < ones)
    st = STN_FAIL(STN_ERR_ARG, "%s: src has %lld elements (%s) but the mask has %lld ones", fn,
                  (long long)stn_tensor_numel(src), stn_shape_str(src), (long long)ones);
  /* src sharing t's storage is read from a copy */
  stn_tensor tmp = {0}, use = *src;
  if (st == STN_OK && stn_shares_storage(t, src)) {
    st = stn_tensor_new_typed(ctx, &tmp, src->device, src->dtype, src->ndim, src->shape);
    if (st == STN_OK) st = stn_copy(ctx, &tmp, src);
    use = tmp;
  }
  if (st == STN_OK) st = apply(ctx, fn, t, &use, pos, stn_tensor_numel(t), STN_MASK_COPY, 0);
  stn_tensor_release(&tmp);
  free(pos);
  return st;
}

stn_status stn_masked_select(stn_ctx *ctx, stn_tensor *out, const stn_tensor *src, const stn_tensor *mask) {
  static const char *fn = "stn_masked_select";
  STN_TRY(stn_check_tensor_any(fn, "out", out));
  STN_TRY(stn_check_same_device(fn, out, src));
  int64_t *pos, ones;
  STN_TRY(mask_positions(ctx, fn, src, "src", mask, &pos, &ones));
  /* out may share storage with src or the mask: select aside */
  stn_tensor tmp = {0}, *dst = out;
  int aside = stn_shares_storage(out, src) || stn_shares_storage(out, mask);
  stn_status st = aside ? stn_tensor_new_typed(ctx, &tmp, src->device, src->dtype, 1, &ones)
                        : stn_resize_out(ctx, out, src->dtype, 1, &ones);
  if (aside) dst = &tmp;
  if (st == STN_OK && ones > 0) st = apply(ctx, fn, dst, src, pos, stn_tensor_numel(src), STN_MASK_SELECT, 0);
  if (st == STN_OK && aside) {
    st = stn_resize_out(ctx, out, src->dtype, 1, &ones);
    if (st == STN_OK) st = stn_copy(ctx, out, &tmp);
  }
  stn_tensor_release(&tmp);
  free(pos);
  return st;
}

static stn_status count_nonzero(const char *fn, const stn_tensor *a, int64_t *count) {
  STN_DISPATCH_ALL(fn, a->dtype, count_nonzero, (a, count));
}

static stn_status write_nonzero(const char *fn, const stn_tensor *a, int64_t *out) {
  STN_DISPATCH_ALL(fn, a->dtype, write_nonzero, (a, out));
}

stn_status stn_nonzero(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a) {
  static const char *fn = "stn_nonzero";
  STN_TRY(stn_check_tensor_any(fn, "out", out));
  STN_TRY(stn_check_tensor_any(fn, "a", a));
  STN_TRY(stn_check_same_device(fn, out, a));
  STN_TRY(stn_check_dtype(fn, "out", out, STN_LONG));
  stn_tensor host, res = {0};
  const stn_tensor *h;
  STN_TRY(on_host(ctx, a, &host, &h));
  int64_t count = 0, size[2];
  stn_status st = stn_tensor_numel(h) > 0 ? count_nonzero(fn, h, &count) : STN_OK;
  size[0] = count;
  size[1] = a->ndim;
  /* the subscripts are written on the host, then copied where out lives */
  int direct = out->device == STN_CPU && !stn_shares_storage(out, a);
  /* none: an empty tensor, as Torch7's resize to 0 x dims gives */
  if (st == STN_OK && count == 0) st = stn_resize_out(ctx, out, STN_LONG, 0, size);
  else if (st == STN_OK) {
    st = direct ? stn_resize_out(ctx, out, STN_LONG, 2, size) : stn_tensor_new_typed(ctx, &res, STN_CPU, STN_LONG, 2, size);
    const stn_tensor *w = direct ? out : &res;
    if (st == STN_OK && direct && !stn_tensor_is_contiguous(out)) {
      st = stn_tensor_new_typed(ctx, &res, STN_CPU, STN_LONG, 2, size);
      w = &res;
      direct = 0;
    }
    if (st == STN_OK) st = write_nonzero(fn, h, (int64_t *)stn_ptr(w));
    if (st == STN_OK && !direct) {
      st = stn_resize_out(ctx, out, STN_LONG, 2, size);
      if (st == STN_OK) st = stn_copy(ctx, out, &res);
    }
  }
  stn_tensor_release(&res);
  stn_tensor_release(&host);
  return st;
}

/* *result <- whether all (want_all) or any of mask's elements are non-zero. */
static stn_status logical(stn_ctx *ctx, const char *fn, const stn_tensor *mask, int want_all, int *result) {
  STN_TRY(stn_check_tensor_any(fn, "mask", mask));
  STN_TRY(stn_check_dtype(fn, "mask", mask, STN_BYTE));
  if (!result) return STN_FAIL(STN_ERR_ARG, "%s: result is NULL", fn);
  stn_tensor host;
  const stn_tensor *h;
  STN_TRY(on_host(ctx, mask, &host, &h));
  int64_t n = stn_tensor_numel(h);
  const uint8_t *md = (const uint8_t *)stn_ptr(h);
  int r = want_all;
  for (int64_t i = 0; i < n && r == want_all; i++) r = md[i] != 0;
  *result = r;
  stn_tensor_release(&host);
  return STN_OK;
}

stn_status stn_logical_all(stn_ctx *ctx, const stn_tensor *mask, int *result) {
  return logical(ctx, "stn_logical_all", mask, 1, result);
}

stn_status stn_logical_any(stn_ctx *ctx, const stn_tensor *mask, int *result) {
  return logical(ctx, "stn_logical_any", mask, 0, result);
}
