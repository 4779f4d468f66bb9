/* copy.c: dst <- src for any two layouts with the same element count (copies that
 * touch a CUDA tensor go to cuda/core/copy.cu), and contiguous copies of inputs. */
#include "copy.h"
#include "context.h"
#include "error.h"
#include "storage.h"
#include "strided.h"
#include "tensor.h"

#include <string.h>

stn_status stn_copy(stn_ctx *ctx, stn_tensor *dst, const stn_tensor *src) {
  static const char *fn = "stn_copy";
  STN_TRY(stn_check_tensor(fn, "dst", dst));
  STN_TRY(stn_check_tensor(fn, "src", src));
  if (stn_tensor_numel(dst) != stn_tensor_numel(src))
    return STN_FAIL(STN_ERR_ARG, "%s: dst has %lld elements (%s) but src has %lld (%s)", fn,
                    (long long)stn_tensor_numel(dst), stn_shape_str(dst), (long long)stn_tensor_numel(src),
                    stn_shape_str(src));
  if (stn_tensor_numel(dst) == 0) return STN_OK;
  if (dst->device == STN_CUDA || src->device == STN_CUDA) STN_CUDA_DISPATCH(stn_copy_cuda(ctx, dst, src));
  if (stn_same_view(dst, src)) return STN_OK;
  if (stn_tensor_is_contiguous(dst) && stn_tensor_is_contiguous(src)) {
    memmove(stn_data(dst), stn_data(src), (size_t)stn_tensor_numel(dst) * sizeof(float));
    return STN_OK;
  }
  stn_tensor tmp, s;
  STN_TRY(stn_conform(ctx, fn, "src", dst, src, &tmp, &s));
  const stn_tensor *ts[2] = {dst, &s};
  stn_rows pl;
  stn_rows_plan(&pl, ts, 2);
  float *dd = stn_data(dst);
  const float *sd = stn_data(&s);
#pragma omp parallel for schedule(static) if (pl.numel >= STN_OMP_MIN)
  for (int64_t r = 0; r < pl.rows; r++) {
    int64_t len, so, sa;
    float *o = dd + stn_rows_at(&pl, dst, r, &len, &so);
    const float *x = sd + stn_rows_at(&pl, &s, r, &len, &sa);
    for (int64_t j = 0; j < len; j++) o[j * so] = x[j * sa];
  }
  stn_tensor_release(&tmp);
  return STN_OK;
}

stn_status stn_contiguous_copy(stn_ctx *ctx, stn_tensor *out, const stn_tensor *t) {
  memset(out, 0, sizeof *out);
  if (stn_tensor_is_contiguous(t)) {
    stn_tensor_set(out, t);
    return STN_OK;
  }
  STN_TRY(stn_tensor_new(ctx, out, t->device, t->ndim, t->shape));
  stn_status st = stn_copy(ctx, out, t);
  if (st != STN_OK) stn_tensor_release(out);
  return st;
}
