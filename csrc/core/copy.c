/* copy.c: dst <- src for any two layouts and element types with the same element count
 * (copies that touch a CUDA tensor go to cuda/core/copy.cu), and contiguous copies of
 * inputs. */
#include "copy.h"
#include "context.h"
#include "dtype.h"
#include "error.h"
#include "half.h"
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

/* int64 v as a double rounded to odd (toward zero, the last bit set when inexact), so
 * that rounding it on to 16 bits is v's own rounding (53 bits keep more than two
 * beyond bfloat16's 8). */
static double int64_to_double_odd(int64_t v) {
  uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  int shift = 0;
  while ((m >> shift) >= ((uint64_t)1 << 53)) shift++;
  uint64_t kept = m >> shift;
  if (shift && (m & (((uint64_t)1 << shift) - 1))) kept |= 1;
  double d = ldexp((double)kept, shift);
  return v < 0 ? -d : d;
}

/* Element j of a row of type st as a double, exactly (int64 rounded to odd). */
static double load_as_double(int st, const void *x, int64_t j) {
  switch (st) {
  case STN_FLOAT: return ((const float *)x)[j];
  case STN_DOUBLE: return ((const double *)x)[j];
  case STN_LONG: return int64_to_double_odd(((const int64_t *)x)[j]);
  case STN_INT: return ((const int32_t *)x)[j];
  case STN_BYTE: return ((const uint8_t *)x)[j];
  case STN_CHAR: return ((const int8_t *)x)[j];
  case STN_SHORT: return ((const int16_t *)x)[j];
  default: return stn_half_load(st, ((const uint16_t *)x)[j]);
  }
}

/* A row converter where one side (or both) is a 16-bit float type (dt, st: the types).
 * Into 16 bits: the source value rounded once (to odd in float first, see half.h);
 * out of 16 bits: the exact float, then the float row converter into the other type
 * (its rule for the integer types, NaN and infinities included). */
static int convert_half_row(int dt, int st, void *o, int64_t so, const void *x, int64_t sx, int64_t len) {
  uint16_t *out16 = (uint16_t *)o;
  const uint16_t *in16 = (const uint16_t *)x;
  if (dt == st) {
    for (int64_t j = 0; j < len; j++) out16[j * so] = in16[j * sx];
    return 0;
  }
  /* the common ones, Float <-> 16 bits (a float is rounded once as it is), with
   * unit-stride loops the compiler vectorizes */
#define HALF_LOOP(EXPR)                                                                        \
  do {                                                                                         \
    if (so == 1 && sx == 1)                                                                    \
      for (int64_t j = 0; j < len; j++) { const int64_t i = j, k = j; EXPR; }                  \
    else                                                                                       \
      for (int64_t j = 0; j < len; j++) { const int64_t i = j * so, k = j * sx; EXPR; }        \
  } while (0)
  if (stn_dtype_is_half(dt) && st == STN_FLOAT) {
    const float *in = (const float *)x;
    if (dt == STN_HALF) HALF_LOOP(out16[i] = stn_float_to_half(in[k]));
    else HALF_LOOP(out16[i] = stn_float_to_bf16(in[k]));
    return 0;
  }
  if (stn_dtype_is_half(dt)) {
    for (int64_t j = 0; j < len; j++)
      out16[j * so] = stn_half_store(dt, stn_double_to_float_odd(load_as_double(st, x, j * sx)));
    return 0;
  }
  if (dt == STN_FLOAT) {
    float *out = (float *)o;
    if (st == STN_HALF) HALF_LOOP(out[i] = stn_half_to_float(in16[k]));
    else HALF_LOOP(out[i] = stn_bf16_to_float(in16[k]));
    return 0;
  }
#undef HALF_LOOP
  enum { CHUNK = 256 };
  float buf[CHUNK];
  const int64_t dsize = stn_dtype_size(dt);
  int bad = 0;
  for (int64_t j0 = 0; j0 < len; j0 += CHUNK) {
    const int64_t n = len - j0 < CHUNK ? len - j0 : CHUNK;
    for (int64_t j = 0; j < n; j++) buf[j] = stn_half_load(st, in16[(j0 + j) * sx]);
    bad |= convert_row[dt][STN_FLOAT]((char *)o + j0 * so * dsize, so, buf, 1, n);
  }
  return bad;
}

stn_status stn_copy(stn_ctx *ctx, stn_tensor *dst, const stn_tensor *src) {
  static const char *fn = "stn_copy";
  STN_TRY(stn_check_view(fn, "dst", dst));
  STN_TRY(stn_check_view(fn, "src", src));
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
  const int dt = dst->dtype, st = src->dtype, half = stn_dtype_is_half(dt) || stn_dtype_is_half(st);
  const convert_row_fn convert = half ? NULL : convert_row[dt][st];
  int bad = 0;
#pragma omp parallel for schedule(static) reduction(| : bad) if (pl.numel >= STN_OMP_MIN)
  for (int64_t r = 0; r < pl.rows; r++) {
    int64_t len, so, sa;
    int64_t oo = stn_rows_at(&pl, dst, r, &len, &so);
    int64_t xo = stn_rows_at(&pl, &s, r, &len, &sa);
    if (half) bad |= convert_half_row(dt, st, dd + oo * dsize, so, sd + xo * ssize, sa, len);
    else bad |= convert(dd + oo * dsize, so, sd + xo * ssize, sa, len);
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
