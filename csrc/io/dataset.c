/* dataset.c: building a data set in memory from decoded bytes: the selected rows
 * turned into floats (one pass, no float copy of the whole set). */
#include "core/context.h"
#include "core/error.h"
#include "core/tensor.h"

stn_status stn_bytes_to_float(stn_ctx *ctx, const uint8_t *src, int64_t src_rows, int64_t row_len, const int64_t *rows,
                              int64_t n, float scale, stn_tensor *out) {
  static const char *fn = "stn_bytes_to_float";
  (void)ctx;
  STN_TRY(stn_check_tensor(fn, "out", out));
  if (out->device != STN_CPU || !stn_tensor_is_contiguous(out))
    return STN_FAIL(STN_ERR_ARG, "%s: out must be a contiguous cpu tensor", fn);
  if (n < 0 || row_len < 0 || src_rows < 0 || (n > 0 && !src))
    return STN_FAIL(STN_ERR_ARG, "%s: bad arguments (%lld rows of %lld bytes)", fn, (long long)n, (long long)row_len);
  int64_t count;
  if (__builtin_mul_overflow(n, row_len, &count) || stn_tensor_numel(out) != count)
    return STN_FAIL(STN_ERR_ARG, "%s: out (%s) must hold %lld x %lld elements", fn, stn_shape_str(out), (long long)n,
                    (long long)row_len);
  for (int64_t k = 0; k < n; k++) {
    int64_t r = rows ? rows[k] : k;
    if (r < 0 || r >= src_rows)
      return STN_FAIL(STN_ERR_ARG, "%s: row %lld (entry %lld) outside the %lld rows of the source", fn, (long long)r,
                      (long long)k + 1, (long long)src_rows);
  }
  float *dst = stn_data(out);
#pragma omp parallel for schedule(static) if (n * row_len >= STN_OMP_MIN)
  for (int64_t k = 0; k < n; k++) {
    const uint8_t *s = src + (size_t)(rows ? rows[k] : k) * (size_t)row_len;
    float *d = dst + (size_t)k * (size_t)row_len;
    for (int64_t j = 0; j < row_len; j++) d[j] = s[j] * scale;
  }
  return STN_OK;
}
