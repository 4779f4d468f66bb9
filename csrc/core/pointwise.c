/* pointwise.c: element-wise ops (unary with scalar parameters, binary, ternary) on
 * strided CPU tensors of every element type; CUDA tensors go to cuda/core/pointwise.cu.
 * A float tensor with a float result runs the float loops below (vectorized, float
 * arithmetic); every other type, and comparisons into a Byte result, run the generic
 * kernels of pointwise_generic.h. Which ops exist on the integer types is Torch7's rule
 * (TensorMath.lua): the others are refused naming the op and the type. */
#include "pointwise.h"
#include "context.h"
#include "dtype.h"
#include "error.h"
#include "half.h"
#include "storage.h"
#include "strided.h"
#include "tensor.h"

#include <math.h>

#define STN_GENERIC_FILE "core/pointwise_generic.h"
#include "core/generic_all.h"

/* One run: o[j] = EXPR for j < len, where EXPR reads X (= a[j]) and, for binary and
 * ternary ops, Y (= b[j]) and Z (= c[j]). The unit-stride branch lets gcc vectorize. */
#define RUN1(EXPR)                                                              \
  if (so == 1 && sa == 1) {                                                     \
    for (int64_t j = 0; j < len; j++) { float X = x[j]; o[j] = (EXPR); }        \
  } else {                                                                      \
    for (int64_t j = 0; j < len; j++) { float X = x[j * sa]; o[j * so] = (EXPR); } \
  }                                                                             \
  break
#define RUN2(EXPR)                                                              \
  if (so == 1 && sa == 1 && sb == 1) {                                          \
    for (int64_t j = 0; j < len; j++) { float X = x[j], Y = y[j]; o[j] = (EXPR); } \
  } else {                                                                      \
    for (int64_t j = 0; j < len; j++) {                                         \
      float X = x[j * sa], Y = y[j * sb];                                       \
      o[j * so] = (EXPR);                                                       \
    }                                                                           \
  }                                                                             \
  break

/* Torch7's float remainder: the quotient rounded to float, the rest in double (exact
 * product, one rounding at the end); cuda/core/pointwise.cu computes it the same way. */
static inline float stn_remainder(float x, float d) {
  if (d == 0.f) return NAN;
  return (float)((double)x - (double)d * floor((double)(x / d)));
}

static void unary_run(int op, float *o, int64_t so, const float *x, int64_t sa, int64_t len, float p, float q) {
  switch (op) {
  case STN_FILL: if (so == 1) { for (int64_t j = 0; j < len; j++) o[j] = p; } else { for (int64_t j = 0; j < len; j++) o[j * so] = p; } break;
  case STN_ADD_SCALAR: RUN1(X + p);
  case STN_MUL_SCALAR: RUN1(X * p);
  case STN_DIV_SCALAR: RUN1(X / p);
  case STN_ABS: RUN1(fabsf(X));
  case STN_SQRT: RUN1(sqrtf(X));
  case STN_EXP: RUN1(expf(X));
  case STN_LOG: RUN1(logf(X));
  case STN_NEG: RUN1(-X);
  case STN_SIGN: RUN1((float)((X > 0.f) - (X < 0.f)));
  case STN_TANH: RUN1(tanhf(X));
  case STN_SIGMOID: RUN1(1.f / (1.f + expf(-X)));
  case STN_FLOOR: RUN1(floorf(X));
  case STN_CEIL: RUN1(ceilf(X));
  case STN_ROUND: RUN1(roundf(X));
  case STN_POW_SCALAR: RUN1(p == 2.f ? X * X : powf(X, p));
  case STN_RPOW_SCALAR: RUN1(powf(p, X));
  case STN_CLAMP: RUN1(X < p ? p : (X > q ? q : X));
  case STN_EQ_SCALAR: RUN1((float)(X == p));
  case STN_NE_SCALAR: RUN1((float)(X != p));
  case STN_GT_SCALAR: RUN1((float)(X > p));
  case STN_LT_SCALAR: RUN1((float)(X < p));
  case STN_GE_SCALAR: RUN1((float)(X >= p));
  case STN_LE_SCALAR: RUN1((float)(X <= p));
  case STN_SIN: RUN1(sinf(X));
  case STN_COS: RUN1(cosf(X));
  case STN_TAN: RUN1(tanf(X));
  case STN_ASIN: RUN1(asinf(X));
  case STN_ACOS: RUN1(acosf(X));
  case STN_ATAN: RUN1(atanf(X));
  case STN_SINH: RUN1(sinhf(X));
  case STN_COSH: RUN1(coshf(X));
  case STN_FMOD_SCALAR: RUN1(fmodf(X, p));
  case STN_REMAINDER_SCALAR: RUN1(stn_remainder(X, p));
  case STN_TRUNC: RUN1(truncf(X));
  case STN_FRAC: RUN1(X - truncf(X));
  case STN_LOG1P: RUN1(log1pf(X));
  case STN_RSQRT: RUN1(1.f / sqrtf(X));
  case STN_CINV: RUN1(1.f / X);
  }
}

static void binary_run(int op, float *o, int64_t so, const float *x, int64_t sa, const float *y, int64_t sb,
                       int64_t len, float p) {
  switch (op) {
  case STN_ADD: RUN2(X + p * Y);
  case STN_CMUL: RUN2(X * Y);
  case STN_CDIV: RUN2(X / Y);
  case STN_CPOW: RUN2(powf(X, Y));
  case STN_CMAX: RUN2(X > Y ? X : Y);
  case STN_CMIN: RUN2(X < Y ? X : Y);
  case STN_EQ: RUN2((float)(X == Y));
  case STN_NE: RUN2((float)(X != Y));
  case STN_GT: RUN2((float)(X > Y));
  case STN_LT: RUN2((float)(X < Y));
  case STN_GE: RUN2((float)(X >= Y));
  case STN_LE: RUN2((float)(X <= Y));
  case STN_ATAN2: RUN2(atan2f(X, Y));
  case STN_CFMOD: RUN2(fmodf(X, Y));
  case STN_CREMAINDER: RUN2(stn_remainder(X, Y));
  case STN_LERP: RUN2(X + p * (Y - X));
  }
}


/* Torch7's names of the ops, for messages. */
static const char *const unary_names[] = {
  "fill", "add", "mul", "div", "abs", "sqrt", "exp", "log", "neg", "sign", "tanh", "sigmoid", "floor", "ceil", "round",
  "pow", "pow (number ^ tensor)", "clamp", "eq", "ne", "gt", "lt", "ge", "le", "sin", "cos", "tan", "asin", "acos",
  "atan", "sinh", "cosh", "fmod", "remainder", "trunc", "frac", "log1p", "rsqrt", "cinv"};
static const char *const binary_names[] = {"add", "cmul", "cdiv", "cpow", "cmax", "cmin", "eq", "ne",
                                           "gt", "lt", "ge", "le", "atan2", "cfmod", "cremainder", "lerp"};

static int is_floating(int dtype) { return dtype == STN_FLOAT || dtype == STN_DOUBLE; }
static int unary_is_compare(int op) { return op >= STN_EQ_SCALAR && op <= STN_LE_SCALAR; }
static int binary_is_compare(int op) { return op >= STN_EQ && op <= STN_LE; }

/* The ops Torch7 defines on its integer tensors: fill, arithmetic with a number, sign,
 * clamp, the comparisons, fmod and remainder; abs and neg on the signed ones (all but Byte). */
static stn_status unary_supported(const char *fn, int op, int dtype) {
  if (is_floating(dtype)) return STN_OK;
  switch (op) {
  case STN_FILL: case STN_ADD_SCALAR: case STN_MUL_SCALAR: case STN_DIV_SCALAR: case STN_SIGN: case STN_CLAMP:
  case STN_FMOD_SCALAR: case STN_REMAINDER_SCALAR:
    return STN_OK;
  case STN_ABS: case STN_NEG:
    if (dtype != STN_BYTE) return STN_OK;
    return STN_FAIL(STN_ERR_ARG, "%s: %s is not defined on Byte tensors (Float, Double, Long, Int, Char and Short only)", fn,
                    unary_names[op]);
  default:
    if (unary_is_compare(op)) return STN_OK;
    return STN_FAIL(STN_ERR_ARG, "%s: %s is not defined on %s tensors (Float and Double only, as in Torch7)", fn,
                    unary_names[op], stn_dtype_name(dtype));
  }
}

/* Everything but atan2 and lerp, which Torch7 has for the floating types only. */
static stn_status binary_supported(const char *fn, int op, int dtype) {
  if (is_floating(dtype) || (op != STN_ATAN2 && op != STN_LERP)) return STN_OK;
  return STN_FAIL(STN_ERR_ARG, "%s: %s is not defined on %s tensors (Float and Double only, as in Torch7)", fn,
                  binary_names[op], stn_dtype_name(dtype));
}

/* A number argument for an op on an integer tensor: truncated toward zero, as Torch7's
 * conversion of a Lua number to its element type. A fill value, or a term or factor of
 * the wrapping arithmetic (add, csub, mul, the scale of add/addcmul/addcdiv), is taken
 * modulo 2^bits, as every value converted to an integer type is (stn_copy, element
 * writes; ByteTensor:csub(1) adds -1 = 255, the same ring result); a number whose wrap
 * would change an op's meaning (div, fmod, remainder, clamp, comparisons) is refused
 * when the type cannot hold it. */
static stn_status integer_scalar(const char *fn, const char *op, int dtype, double v, int wrap, int64_t *out) {
  double lo, hi;
  stn_integer_range(dtype, &lo, &hi);
  double t = trunc(v);
  if (wrap && t >= -9223372036854775808.0 && t < 9223372036854775808.0) {
    *out = stn_integer_wrap(dtype, (int64_t)t);
    return STN_OK;
  }
  if (!(t >= lo && t < hi))
    return STN_FAIL(STN_ERR_ARG, "%s: %s: the number %g does not fit a %s tensor (%.0f to %.0f)", fn, op, v,
                    stn_dtype_name(dtype), lo, hi - 1);
  *out = (int64_t)t;
  return STN_OK;
}

/* A number for an op on a tensor of dtype: kept in double (rounded to float by the
 * float instance) for the floating types, checked and truncated for the others. */
typedef struct pw_scalar { double f; int64_t i; } pw_scalar;
static stn_status scalar_of(const char *fn, const char *op, int dtype, double v, int wrap, pw_scalar *s) {
  s->f = v;
  s->i = 0;
  return is_floating(dtype) ? STN_OK : integer_scalar(fn, op, dtype, v, wrap, &s->i);
}

#define PW_SCALAR(s, T) (is_floating(STN_DTYPE_OF_##T) ? (T)(s).f : (T)(s).i)
#define STN_DTYPE_OF_float STN_FLOAT
#define STN_DTYPE_OF_double STN_DOUBLE
#define STN_DTYPE_OF_int64_t STN_LONG
#define STN_DTYPE_OF_int32_t STN_INT
#define STN_DTYPE_OF_uint8_t STN_BYTE
#define STN_DTYPE_OF_int8_t STN_CHAR
#define STN_DTYPE_OF_int16_t STN_SHORT

/* Each generic kernel for a's type, with the scalars converted to it. */
#define PW_BY_TYPE(dtype, CALL)                                                                \
  switch (dtype) {                                                                             \
  case STN_FLOAT: CALL(float, float); break;                                                   \
  case STN_DOUBLE: CALL(double, double); break;                                                \
  case STN_LONG: CALL(long, int64_t); break;                                                   \
  case STN_INT: CALL(int, int32_t); break;                                                     \
  case STN_CHAR: CALL(char, int8_t); break;                                                    \
  case STN_SHORT: CALL(short, int16_t); break;                                                 \
  default: CALL(byte, uint8_t); break;                                                         \
  }

static stn_status zero_divisor(const char *fn, const char *op, int dtype) {
  return STN_FAIL(STN_ERR_ARG, "%s: %s: integer division by zero (%s tensor)", fn, op, stn_dtype_name(dtype));
}

/* The comparison op of stn_binary for a scalar comparison of stn_unary. */
static int compare_of_unary(int op) { return STN_EQ + (op - STN_EQ_SCALAR); }

/* Resizes out to a's shape, out keeping its own type (Byte or a's, checked before). */
static stn_status resize_result(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a) {
  if (out == a) return STN_OK;
  return stn_resize_out(ctx, out, out->dtype, a->ndim, a->shape);
}

/* A comparison writes Byte or a's type; every other op a's type. */
static stn_status check_result_type(const char *fn, const stn_tensor *out, const stn_tensor *a, int compare) {
  if (compare && out->dtype == STN_BYTE) return STN_OK;
  if (out->dtype == a->dtype) return STN_OK;
  if (compare)
    return STN_FAIL(STN_ERR_ARG, "%s: a comparison of %s tensors writes a Byte or a %s result, not a %s one", fn,
                    stn_dtype_name(a->dtype), stn_dtype_name(a->dtype), stn_dtype_name(out->dtype));
  return STN_FAIL(STN_ERR_ARG, "%s: the result is a %s tensor but the input a %s one (convert one of them first)", fn,
                  stn_dtype_name(out->dtype), stn_dtype_name(a->dtype));
}

/* CUDA kernels compute in float: a fill of any type and a comparison of float tensors
 * into a Byte result are the only other ones. */
static stn_status cuda_refused(const char *fn, const char *op, const stn_tensor *out, const stn_tensor *a) {
  return STN_FAIL(STN_ERR_ARG, "%s: %s on CUDA takes float tensors only (CUDA kernels compute in float), got a Cuda%s input and a Cuda%s result",
                  fn, op, stn_dtype_name(a->dtype), stn_dtype_name(out->dtype));
}

/* The one element-wise op of the 16-bit float types: out <- p rounded once to its type. */
static stn_status fill_half(stn_ctx *ctx, const char *fn, stn_tensor *out, double p) {
  STN_TRY(stn_check_view(fn, "out", out));
  const uint16_t bits = stn_half_bits(out->dtype, p);
  if (out->device == STN_CUDA) STN_CUDA_DISPATCH(stn_fill_cuda(ctx, out, p, bits));
  const stn_tensor *ts[1] = {out};
  stn_rows pl;
  stn_rows_plan(&pl, ts, 1);
  uint16_t *od = stn_ptr(out);
#pragma omp parallel for schedule(static) if (pl.numel >= STN_OMP_MIN)
  for (int64_t r = 0; r < pl.rows; r++) {
    int64_t len, so;
    uint16_t *o = od + stn_rows_at(&pl, out, r, &len, &so);
    for (int64_t j = 0; j < len; j++) o[j * so] = bits;
  }
  return STN_OK;
}

stn_status stn_unary(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int op, double p, double q) {
  static const char *fn = "stn_unary";
  if (op < STN_FILL || op > STN_CINV) return STN_FAIL(STN_ERR_ARG, "%s: unknown op %d", fn, op);
  if (op == STN_FILL && out && stn_dtype_is_half(out->dtype)) return fill_half(ctx, fn, out, p);
  STN_TRY(stn_check_tensor_any(fn, "out", out));
  if (op == STN_FILL) a = out;
  STN_TRY(stn_check_tensor_any(fn, "a", a));
  STN_TRY(stn_check_same_device(fn, out, a));
  int compare = unary_is_compare(op);
  STN_TRY(check_result_type(fn, out, a, compare));
  STN_TRY(unary_supported(fn, op, a->dtype));
  pw_scalar ps, qs;
  int wrap = op == STN_ADD_SCALAR || op == STN_MUL_SCALAR || op == STN_FILL;
  STN_TRY(scalar_of(fn, unary_names[op], a->dtype, p, wrap, &ps));
  STN_TRY(scalar_of(fn, unary_names[op], a->dtype, op == STN_CLAMP ? q : 0, 0, &qs));
  if (!is_floating(a->dtype) && ps.i == 0 &&
      (op == STN_DIV_SCALAR || op == STN_FMOD_SCALAR || op == STN_REMAINDER_SCALAR))
    return zero_divisor(fn, unary_names[op], a->dtype);
  STN_TRY(resize_result(ctx, out, a));
  if (out->device == STN_CUDA) {
    if (a->dtype == STN_FLOAT && out->dtype == STN_FLOAT) STN_CUDA_DISPATCH(stn_unary_cuda(ctx, out, a, op, (float)p, (float)q));
    if (op == STN_FILL) STN_CUDA_DISPATCH(stn_fill_cuda(ctx, out, ps.f, ps.i));
    if (compare && a->dtype == STN_FLOAT) STN_CUDA_DISPATCH(stn_compare_cuda(ctx, out, a, NULL, compare_of_unary(op), (float)p));
    return cuda_refused(fn, unary_names[op], out, a);
  }
  stn_rows pl;
  if (a->dtype == STN_FLOAT && out->dtype == STN_FLOAT) {
    const stn_tensor *ts[2] = {out, a};
    stn_rows_plan(&pl, ts, 2);
    float *od = stn_data(out);
    const float *ad = stn_data(a);
    float pf = (float)p, qf = (float)q;
#pragma omp parallel for schedule(static) if (pl.numel >= STN_OMP_MIN)
    for (int64_t r = 0; r < pl.rows; r++) {
      int64_t len, so, sa;
      float *o = od + stn_rows_at(&pl, out, r, &len, &so);
      const float *x = ad + stn_rows_at(&pl, a, r, &len, &sa);
      unary_run(op, o, so, x, sa, len, pf, qf);
    }
    return STN_OK;
  }
  const stn_tensor *ts[2] = {out, a};
  stn_rows_plan(&pl, ts, 2);
  int bad = 0;
  if (compare) {
#define CALL(sfx, T) pw_compare_##sfx(&pl, out, a, NULL, compare_of_unary(op), PW_SCALAR(ps, T))
    PW_BY_TYPE(a->dtype, CALL)
#undef CALL
  } else {
#define CALL(sfx, T) bad = pw_unary_##sfx(&pl, out, a, op, PW_SCALAR(ps, T), PW_SCALAR(qs, T))
    PW_BY_TYPE(a->dtype, CALL)
#undef CALL
  }
  if (bad) return STN_FAIL(STN_ERR_ARG, "%s: %s failed on a %s tensor", fn, unary_names[op], stn_dtype_name(a->dtype));
  return STN_OK;
}

/* out <- a op b on out's device; b has a's shape and type, out is sized. */
static stn_status binary_all(stn_ctx *ctx, const char *fn, stn_tensor *out, const stn_tensor *a, const stn_tensor *b,
                             int op, double p) {
  int compare = binary_is_compare(op);
  pw_scalar ps;
  STN_TRY(scalar_of(fn, binary_names[op], a->dtype, op == STN_ADD || op == STN_LERP ? p : 0, 1, &ps));
  if (out->device == STN_CUDA) {
    if (a->dtype == STN_FLOAT && out->dtype == STN_FLOAT) STN_CUDA_DISPATCH(stn_binary_cuda(ctx, out, a, b, op, (float)p));
    if (compare && a->dtype == STN_FLOAT) STN_CUDA_DISPATCH(stn_compare_cuda(ctx, out, a, b, op, 0.f));
    return cuda_refused(fn, binary_names[op], out, a);
  }
  const stn_tensor *ts[3] = {out, a, b};
  stn_rows pl;
  stn_rows_plan(&pl, ts, 3);
  if (a->dtype == STN_FLOAT && out->dtype == STN_FLOAT) {
    float *od = stn_data(out);
    const float *ad = stn_data(a), *bd = stn_data(b);
    float pf = (float)p;
#pragma omp parallel for schedule(static) if (pl.numel >= STN_OMP_MIN)
    for (int64_t r = 0; r < pl.rows; r++) {
      int64_t len, so, sa, sb;
      float *o = od + stn_rows_at(&pl, out, r, &len, &so);
      const float *x = ad + stn_rows_at(&pl, a, r, &len, &sa);
      const float *y = bd + stn_rows_at(&pl, b, r, &len, &sb);
      binary_run(op, o, so, x, sa, y, sb, len, pf);
    }
    return STN_OK;
  }
  int bad = 0;
  if (compare) {
#define CALL(sfx, T) pw_compare_##sfx(&pl, out, a, b, op, 0)
    PW_BY_TYPE(a->dtype, CALL)
#undef CALL
  } else {
#define CALL(sfx, T) bad = pw_binary_##sfx(&pl, out, a, b, op, PW_SCALAR(ps, T))
    PW_BY_TYPE(a->dtype, CALL)
#undef CALL
  }
  if (bad && op == STN_CPOW)
    return STN_FAIL(STN_ERR_ARG, "%s: cpow: a power does not fit a %s tensor", fn, stn_dtype_name(a->dtype));
  if (bad) return zero_divisor(fn, binary_names[op], a->dtype);
  return STN_OK;
}

stn_status stn_binary(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, const stn_tensor *b, int op, double p) {
  static const char *fn = "stn_binary";
  if (op < STN_ADD || op > STN_LERP) return STN_FAIL(STN_ERR_ARG, "%s: unknown op %d", fn, op);
  STN_TRY(stn_check_tensor_any(fn, "out", out));
  STN_TRY(stn_check_tensor_any(fn, "a", a));
  STN_TRY(stn_check_tensor_any(fn, "b", b));
  STN_TRY(stn_check_same_device(fn, out, a));
  STN_TRY(stn_check_same_device(fn, a, b));
  STN_TRY(stn_check_same_dtype(fn, "a", a, "b", b));
  STN_TRY(check_result_type(fn, out, a, binary_is_compare(op)));
  STN_TRY(binary_supported(fn, op, a->dtype));
  stn_tensor tmp, bb;
  STN_TRY(stn_conform(ctx, fn, "b", a, b, &tmp, &bb));
  stn_status st = resize_result(ctx, out, a);
  if (st == STN_OK) st = binary_all(ctx, fn, out, a, &bb, op, p);
  stn_tensor_release(&tmp);
  return st;
}

/* out <- a + p b op c on out's device; b and c have a's shape and type, out is sized. */
static stn_status ternary_all(stn_ctx *ctx, const char *fn, stn_tensor *out, const stn_tensor *a, const stn_tensor *b,
                              const stn_tensor *c, int op, double p) {
  const char *name = op == STN_ADDCMUL ? "addcmul" : "addcdiv";
  pw_scalar ps;
  STN_TRY(scalar_of(fn, name, a->dtype, p, 1, &ps));
  if (out->device == STN_CUDA) {
    if (a->dtype == STN_FLOAT) STN_CUDA_DISPATCH(stn_ternary_cuda(ctx, out, a, b, c, op, (float)p));
    return cuda_refused(fn, name, out, a);
  }
  const stn_tensor *ts[4] = {out, a, b, c};
  stn_rows pl;
  stn_rows_plan(&pl, ts, 4);
  if (a->dtype == STN_FLOAT) {
    float *od = stn_data(out);
    const float *ad = stn_data(a), *bd = stn_data(b), *cd = stn_data(c);
    float pf = (float)p;
#pragma omp parallel for schedule(static) if (pl.numel >= STN_OMP_MIN)
    for (int64_t r = 0; r < pl.rows; r++) {
      int64_t len, so, sa, sb, sc;
      float *o = od + stn_rows_at(&pl, out, r, &len, &so);
      const float *x = ad + stn_rows_at(&pl, a, r, &len, &sa);
      const float *y = bd + stn_rows_at(&pl, b, r, &len, &sb);
      const float *z = cd + stn_rows_at(&pl, c, r, &len, &sc);
      if (op == STN_ADDCMUL)
        for (int64_t j = 0; j < len; j++) o[j * so] = x[j * sa] + pf * y[j * sb] * z[j * sc];
      else
        for (int64_t j = 0; j < len; j++) o[j * so] = x[j * sa] + pf * y[j * sb] / z[j * sc];
    }
    return STN_OK;
  }
  int bad = 0;
#define CALL(sfx, T) bad = pw_ternary_##sfx(&pl, out, a, b, c, op, PW_SCALAR(ps, T))
  PW_BY_TYPE(a->dtype, CALL)
#undef CALL
  if (bad) return zero_divisor(fn, name, a->dtype);
  return STN_OK;
}

stn_status stn_ternary(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, const stn_tensor *b, const stn_tensor *c,
                       int op, double p) {
  static const char *fn = "stn_ternary";
  if (op != STN_ADDCMUL && op != STN_ADDCDIV) return STN_FAIL(STN_ERR_ARG, "%s: unknown op %d", fn, op);
  STN_TRY(stn_check_tensor_any(fn, "out", out));
  STN_TRY(stn_check_tensor_any(fn, "a", a));
  STN_TRY(stn_check_tensor_any(fn, "b", b));
  STN_TRY(stn_check_tensor_any(fn, "c", c));
  STN_TRY(stn_check_same_device(fn, out, a));
  STN_TRY(stn_check_same_device(fn, a, b));
  STN_TRY(stn_check_same_device(fn, a, c));
  STN_TRY(stn_check_same_dtype(fn, "a", a, "b", b));
  STN_TRY(stn_check_same_dtype(fn, "a", a, "c", c));
  STN_TRY(check_result_type(fn, out, a, 0));
  stn_tensor tb, tc, bb, cc;
  STN_TRY(stn_conform(ctx, fn, "b", a, b, &tb, &bb));
  stn_status st = stn_conform(ctx, fn, "c", a, c, &tc, &cc);
  if (st == STN_OK) st = stn_resize_as(ctx, out, a);
  if (st == STN_OK) st = ternary_all(ctx, fn, out, a, &bb, &cc, op, p);
  stn_tensor_release(&tb);
  stn_tensor_release(&tc);
  return st;
}
