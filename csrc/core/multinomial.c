/* multinomial.c: Torch7's multinomial: n draws of category indices from each row of a
 * matrix of (unnormalized) probabilities, with or without replacement. Draw k of the
 * whole call (row-major over rows and draws) is uniform number k of the context's
 * generator, so a seed gives the same indices run after run. */
#include "context.h"
#include "dtype.h"
#include "error.h"
#include "storage.h"
#include "tensor.h"
#include "philox.h"

#include <math.h>
#include <stdlib.h>

/* Row r of p (rows x cats, any strides) as doubles into w; fails on a negative, NaN or
 * infinite entry, or a row summing to 0. */
#define MULTINOMIAL_ROW(T, S)                                                                    \
  static stn_status row_##S(const stn_tensor *p, int64_t r, int64_t cats, double *w) {          \
    const T *base = (const T *)stn_ptr(p) + r * (p->ndim == 2 ? p->strides[0] : 0);             \
    int64_t step = p->strides[p->ndim - 1];                                                     \
    double sum = 0;                                                                             \
    for (int64_t k = 0; k < cats; k++) {                                                        \
      double v = (double)base[k * step];                                                        \
      if (!(v >= 0) || isinf(v))                                                                \
        return STN_FAIL(STN_ERR_ARG, "stn_multinomial: probability %g at row %lld, category %lld " \
                        "(probabilities must be finite and >= 0)", v, (long long)r + 1, (long long)k + 1); \
      w[k] = v;                                                                                 \
      sum += v;                                                                                 \
    }                                                                                           \
    if (!(sum > 0) || isinf(sum))                                                               \
      return STN_FAIL(STN_ERR_ARG, "stn_multinomial: row %lld sums to %g (a positive finite sum needed)", \
                      (long long)r + 1, sum);                                                   \
    return STN_OK;                                                                              \
  }
MULTINOMIAL_ROW(float, float)
MULTINOMIAL_ROW(double, double)

/* The first category whose cumulative weight exceeds v (v below the total): never one of
 * weight 0. cum holds the running sums of w. */
static int64_t pick(const double *cum, int64_t cats, double v) {
  int64_t lo = 0, hi = cats - 1;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (cum[mid] > v) hi = mid; else lo = mid + 1;
  }
  return lo;
}

stn_status stn_multinomial(stn_ctx *ctx, stn_tensor *out, const stn_tensor *p, int64_t n, int replacement) {
  static const char *fn = "stn_multinomial";
  STN_TRY(stn_check_tensor_any(fn, "p", p));
  STN_TRY(stn_check_tensor_any(fn, "out", out));
  if (p->device != STN_CPU || out->device != STN_CPU)
    return STN_FAIL(STN_ERR_DEVICE, "%s: p and out must be CPU tensors", fn);
  if (p->dtype != STN_FLOAT && p->dtype != STN_DOUBLE) return stn_dtype_unsupported(fn, p->dtype, "Float and Double");
  STN_TRY(stn_check_dtype(fn, "out", out, STN_LONG));
  if (p->ndim != 1 && p->ndim != 2)
    return STN_FAIL(STN_ERR_ARG, "%s: p must be 1-D or 2-D (one distribution per row), got %s", fn, stn_shape_str(p));
  int64_t rows = p->ndim == 2 ? p->shape[0] : 1, cats = p->shape[p->ndim - 1];
  if (cats <= 0 || rows <= 0) return STN_FAIL(STN_ERR_ARG, "%s: p (%s) has no categories", fn, stn_shape_str(p));
  if (n <= 0 || n > STN_MAX_NUMEL / rows)
    return STN_FAIL(STN_ERR_ARG, "%s: %lld draws asked (at least 1)", fn, (long long)n);
  if (!replacement && n > cats)
    return STN_FAIL(STN_ERR_ARG, "%s: %lld draws without replacement from %lld categories", fn, (long long)n,
                    (long long)cats);
  const int64_t size[2] = {rows, n};
  STN_TRY(p->ndim == 2 ? stn_resize_out(ctx, out, STN_LONG, 2, size) : stn_resize_out(ctx, out, STN_LONG, 1, size + 1));
  double *w = (double *)malloc((size_t)cats * 2 * sizeof(double));
  if (!w) return STN_FAIL(STN_ERR_MEMORY, "%s: cannot allocate %lld categories", fn, (long long)cats);
  double *cum = w + cats;
  uint64_t seed = ctx->seed, offset = ctx->offset;
  ctx->offset += (uint64_t)(rows * n + 3) / 4; /* one word per draw, as a uniform fill */
  int64_t *o = (int64_t *)stn_ptr(out);
  int64_t os0 = p->ndim == 2 ? out->strides[0] : 0, os1 = out->strides[out->ndim - 1];
  stn_status st = STN_OK;
  for (int64_t r = 0; r < rows && st == STN_OK; r++) {
    st = p->dtype == STN_FLOAT ? row_float(p, r, cats, w) : row_double(p, r, cats, w);
    int64_t nonzero = 0;
    for (int64_t k = 0; k < cats && st == STN_OK; k++) nonzero += w[k] > 0;
    if (st == STN_OK && !replacement && n > nonzero)
      st = STN_FAIL(STN_ERR_ARG, "%s: row %lld has %lld categories of non-zero probability, %lld draws without "
                    "replacement asked", fn, (long long)r + 1, (long long)nonzero, (long long)n);
    int stale = 1; /* cum must be recomputed from w */
    for (int64_t j = 0; j < n && st == STN_OK; j++) {
      if (stale) {
        double s = 0;
        for (int64_t k = 0; k < cats; k++) cum[k] = s += w[k];
        stale = 0;
      }
      double v = (double)stn_rand_uniform(seed, offset, r * n + j) * cum[cats - 1];
      int64_t k = pick(cum, cats, v);
      o[r * os0 + j * os1] = k + 1; /* 1-based, as Torch7 returns them */
      if (!replacement) {
        w[k] = 0;
        stale = 1;
      }
    }
  }
  free(w);
  return st;
}
