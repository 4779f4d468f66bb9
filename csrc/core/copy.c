/* copy.c: dst <- src for any two layouts and element types with the same element count
 * (copies that touch a CUDA tensor go to cuda/core/copy.cu), and contiguous copies of
 * inputs. */
#include "copy.h"
#include "context.h"
#include "dtype.h"
#include "error.h"
#include "storage.h"
#include "strided.h"
#include "tensor.h"

#include <math.h>
#include <string.h>

/* One row converter per (destination, source) type pair: o[j * so] <- x[j * sx] for j
 * below len. Integer to integer wraps modulo 2^bits as C's conversions do (Torch7 the
 * same); floating to integer truncates toward zero to int64, then wraps the same way,
 * which is what Torch7's C cast gives on the machines it ran on (-1.5 -> Byte 255) but
 * defined here. Returns 1 when a floating value has no integer at all (NaN, an infinity,
 * beyond int64), having written 0 there. */
typedef int (*convert_row_fn)(void *o, int64_t so, const void *x, int64_t sx, int64_t len);

#define IS_FLOATING(T) ((T)0.5 != 0)
/* int64 as doubles, [lo, hi): exact powers of two. */
#define INT64_LO (-9223372036854775808.0)
#define INT64_HI 9223372036854775808.0
/* v (an int64) wrapped into T: through the unsigned type of T's width (int8 read back
 * signed, uint8 unsigned), as two's complement does. */
#define IS_SIGNED(T) ((T)-1 < 0)
#define WRAP_TO(T, v)                                                                          \
  (sizeof(T) == 1 ? (IS_SIGNED(T) ? (T)(int8_t)(uint8_t)(uint64_t)(v) : (T)(uint8_t)(uint64_t)(v)) \
   : sizeof(T) == 2 ? (T)(int16_t)(uint16_t)(uint64_t)(v)                                      \
   : sizeof(T) == 4 ? (T)(int32_t)(uint32_t)(uint64_t)(v) : (T)(int64_t)(v))

#define CONVERT_ROW(DC, DT, DS, SC, ST, SS)                                                  \
  static int convert_##DS##_##SS(void *o, int64_t so, const void *x, int64_t sx, int64_t len) { \
    DT *out = (DT *)o;                                                                       \
    const ST *in = (const ST *)x;                                                            \
    if (!IS_FLOATING(DT) && IS_FLOATING(ST)) {                                               \
      int bad = 0;                                                                           \
      for (int64_t j = 0; j < len; j++) {                                                    \
        double v = (double)in[j * sx];                                                       \
        int ok = v >= INT64_LO && v < INT64_HI;                                              \
        bad |= !ok;                                                                          \
        out[j * so] = ok ? WRAP_TO(DT, (int64_t)v) : (DT)0;                                  \
      }                                                                                      \
      return bad;                                                                            \
    }                                                                                        \
    if (!IS_FLOATING(DT) && sizeof(DT) < sizeof(ST)) {                                       \
      for (int64_t j = 0; j < len; j++) out[j * so] = WRAP_TO(DT, (int64_t)in[j * sx]);      \
      return 0;                                                                              \
    }                                                                                        \
    for (int64_t j = 0; j < len; j++) out[j * so] = (DT)in[j * sx];                          \
    return 0;                                                                                \
  }
#define CONVERT_FROM_ALL(DC, DT, DS)                                                         \
  CONVERT_ROW(DC, DT, DS, STN_FLOAT, float, float)                                           \
  CONVERT_ROW(DC, DT, DS, STN_DOUBLE, double, double)                                        \
  CONVERT_ROW(DC, DT, DS, STN_LONG, int64_t, long)                                           \
  CONVERT_ROW(DC, DT, DS, STN_INT, int32_t, int)                                             \
  CONVERT_ROW(DC, DT, DS, STN_BYTE, uint8_t, byte)                                           \
  CONVERT_ROW(DC, DT, DS, STN_CHAR, int8_t, char)                                            \
  CONVERT_ROW(DC, DT, DS, STN_SHORT, int16_t, short)
STN_FOR_EACH_DTYPE(CONVERT_FROM_ALL)

#define CONVERT_TABLE_ROW(DC, DT, DS) \
  [DC] = {convert_##DS##_float, convert_##DS##_double, convert_##DS##_long, convert_##DS##_int,  \
          convert_##DS##_byte,  convert_##DS##_char,   convert_##DS##_short},
static const convert_row_fn convert_row[STN_NUM_DTYPES][STN_NUM_DTYPES] = {STN_FOR_EACH_DTYPE(CONVERT_TABLE_ROW)};

stn_status stn_copy(stn_ctx *ctx, stn_tensor *dst, const stn_tensor *src) {
  static const char *fn = "stn_copy";
  STN_TRY(stn_check_tensor_any(fn, "dst", dst));
  STN_TRY(stn_check_tensor_any(fn, "src", src));
  if (stn_tensor_numel(dst) != stn_tensor_numel(src))
    return STN_FAIL(STN_ERR_ARG, "%s: dst has %lld elements (%s) but src has %lld (%s)", fn,
                    (long long)stn_tensor_numel(dst), stn_shape_str(dst), (long long)stn_tensor_numel(src),
                    stn_shape_str(src));
  if (stn_tensor_numel(dst) == 0) return STN_OK;
  if (dst->device == STN_CUDA || src->device == STN_CUDA) STN_CUDA_DISPATCH(stn_copy_cuda(ctx, dst, src));
  int same_type = dst->dtype == src->dtype;
  if (same_type && stn_same_view(dst, src)) return STN_OK;
  if (same_type && stn_tensor_is_contiguous(dst) && stn_tensor_is_contiguous(src)) {
    memmove(stn_ptr(dst), stn_ptr(src), (size_t)(stn_tensor_numel(dst) * stn_dtype_size(dst->dtype)));
    return STN_OK;
  }
  stn_tensor tmp, s;
  STN_TRY(stn_conform(ctx, fn, "src", dst, src, &tmp, &s));
  const stn_tensor *ts[2] = {dst, &s};
  stn_rows pl;
  stn_rows_plan(&pl, ts, 2);
  char *dd = (char *)stn_ptr(dst);
  const char *sd = (const char *)stn_ptr(&s);
  const int64_t dsize = stn_dtype_size(dst->dtype), ssize = stn_dtype_size(src->dtype);
  const convert_row_fn convert = convert_row[dst->dtype][src->dtype];
  int bad = 0;
#pragma omp parallel for schedule(static) reduction(| : bad) if (pl.numel >= STN_OMP_MIN)
  for (int64_t r = 0; r < pl.rows; r++) {
    int64_t len, so, sa;
    int64_t oo = stn_rows_at(&pl, dst, r, &len, &so);
    int64_t xo = stn_rows_at(&pl, &s, r, &len, &sa);
    bad |= convert(dd + oo * dsize, so, sd + xo * ssize, sa, len);
  }
  stn_tensor_release(&tmp);
  if (bad)
    return STN_FAIL(STN_ERR_ARG, "%s: a %s value is NaN, infinite or beyond int64, so it has no %s value", fn,
                    stn_dtype_name(src->dtype), stn_dtype_name(dst->dtype));
  return STN_OK;
}

stn_status stn_contiguous_copy(stn_ctx *ctx, stn_tensor *out, const stn_tensor *t) {
  memset(out, 0, sizeof *out);
  if (stn_tensor_is_contiguous(t)) {
    stn_tensor_set(out, t);
    return STN_OK;
  }
  STN_TRY(stn_tensor_new_typed(ctx, out, t->device, t->dtype, t->ndim, t->shape));
  stn_status st = stn_copy(ctx, out, t);
  if (st != STN_OK) stn_tensor_release(out);
  return st;
}
