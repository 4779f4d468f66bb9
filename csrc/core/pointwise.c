/* pointwise.c: element-wise ops (unary with scalar parameters, binary, ternary) on
 * strided CPU tensors; CUDA tensors go to cuda/core/pointwise.cu. */
#include "pointwise.h"
#include "context.h"
#include "error.h"
#include "storage.h"
#include "strided.h"
#include "tensor.h"

#include <math.h>

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

stn_status stn_unary(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int op, float p, float q) {
  static const char *fn = "stn_unary";
  if (op < STN_FILL || op > STN_CINV) return STN_FAIL(STN_ERR_ARG, "%s: unknown op %d", fn, op);
  STN_TRY(stn_check_tensor(fn, "out", out));
  if (op == STN_FILL) a = out;
  STN_TRY(stn_check_tensor(fn, "a", a));
  STN_TRY(stn_check_same_device(fn, out, a));
  STN_TRY(stn_resize_as(ctx, out, a));
  if (out->device == STN_CUDA) STN_CUDA_DISPATCH(stn_unary_cuda(ctx, out, a, op, p, q));
  const stn_tensor *ts[2] = {out, a};
  stn_rows pl;
  stn_rows_plan(&pl, ts, 2);
  float *od = stn_data(out);
  const float *ad = stn_data(a);
#pragma omp parallel for schedule(static) if (pl.numel >= STN_OMP_MIN)
  for (int64_t r = 0; r < pl.rows; r++) {
    int64_t len, so, sa;
    float *o = od + stn_rows_at(&pl, out, r, &len, &so);
    const float *x = ad + stn_rows_at(&pl, a, r, &len, &sa);
    unary_run(op, o, so, x, sa, len, p, q);
  }
  return STN_OK;
}

/* out <- a op b on out's device; b has a's shape, out is sized. */
static stn_status binary_all(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, const stn_tensor *b, int op, float p) {
  if (out->device == STN_CUDA) STN_CUDA_DISPATCH(stn_binary_cuda(ctx, out, a, b, op, p));
  const stn_tensor *ts[3] = {out, a, b};
  stn_rows pl;
  stn_rows_plan(&pl, ts, 3);
  float *od = stn_data(out);
  const float *ad = stn_data(a), *bd = stn_data(b);
#pragma omp parallel for schedule(static) if (pl.numel >= STN_OMP_MIN)
  for (int64_t r = 0; r < pl.rows; r++) {
    int64_t len, so, sa, sb;
    float *o = od + stn_rows_at(&pl, out, r, &len, &so);
    const float *x = ad + stn_rows_at(&pl, a, r, &len, &sa);
    const float *y = bd + stn_rows_at(&pl, b, r, &len, &sb);
    binary_run(op, o, so, x, sa, y, sb, len, p);
  }
  return STN_OK;
}

stn_status stn_binary(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, const stn_tensor *b, int op, float p) {
  static const char *fn = "stn_binary";
  if (op < STN_ADD || op > STN_LERP) return STN_FAIL(STN_ERR_ARG, "%s: unknown op %d", fn, op);
  STN_TRY(stn_check_tensor(fn, "out", out));
  STN_TRY(stn_check_tensor(fn, "a", a));
  STN_TRY(stn_check_tensor(fn, "b", b));
  STN_TRY(stn_check_same_device(fn, out, a));
  STN_TRY(stn_check_same_device(fn, a, b));
  stn_tensor tmp, bb;
  STN_TRY(stn_conform(ctx, fn, "b", a, b, &tmp, &bb));
  stn_status st = stn_resize_as(ctx, out, a);
  if (st == STN_OK) st = binary_all(ctx, out, a, &bb, op, p);
  stn_tensor_release(&tmp);
  return st;
}

/* out <- a + p b op c on out's device; b and c have a's shape, out is sized. */
static stn_status ternary_all(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, const stn_tensor *b,
                              const stn_tensor *c, int op, float p) {
  if (out->device == STN_CUDA) STN_CUDA_DISPATCH(stn_ternary_cuda(ctx, out, a, b, c, op, p));
  const stn_tensor *ts[4] = {out, a, b, c};
  stn_rows pl;
  stn_rows_plan(&pl, ts, 4);
  float *od = stn_data(out);
  const float *ad = stn_data(a), *bd = stn_data(b), *cd = stn_data(c);
#pragma omp parallel for schedule(static) if (pl.numel >= STN_OMP_MIN)
  for (int64_t r = 0; r < pl.rows; r++) {
    int64_t len, so, sa, sb, sc;
    float *o = od + stn_rows_at(&pl, out, r, &len, &so);
    const float *x = ad + stn_rows_at(&pl, a, r, &len, &sa);
    const float *y = bd + stn_rows_at(&pl, b, r, &len, &sb);
    const float *z = cd + stn_rows_at(&pl, c, r, &len, &sc);
    if (op == STN_ADDCMUL)
      for (int64_t j = 0; j < len; j++) o[j * so] = x[j * sa] + p * y[j * sb] * z[j * sc];
    else
      for (int64_t j = 0; j < len; j++) o[j * so] = x[j * sa] + p * y[j * sb] / z[j * sc];
  }
  return STN_OK;
}

stn_status stn_ternary(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, const stn_tensor *b, const stn_tensor *c,
                       int op, float p) {
  static const char *fn = "stn_ternary";
  if (op != STN_ADDCMUL && op != STN_ADDCDIV) return STN_FAIL(STN_ERR_ARG, "%s: unknown op %d", fn, op);
  STN_TRY(stn_check_tensor(fn, "out", out));
  STN_TRY(stn_check_tensor(fn, "a", a));
  STN_TRY(stn_check_tensor(fn, "b", b));
  STN_TRY(stn_check_tensor(fn, "c", c));
  STN_TRY(stn_check_same_device(fn, out, a));
  STN_TRY(stn_check_same_device(fn, a, b));
  STN_TRY(stn_check_same_device(fn, a, c));
  stn_tensor tb, tc, bb, cc;
  STN_TRY(stn_conform(ctx, fn, "b", a, b, &tb, &bb));
  stn_status st = stn_conform(ctx, fn, "c", a, c, &tc, &cc);
  if (st == STN_OK) st = stn_resize_as(ctx, out, a);
  if (st == STN_OK) st = ternary_all(ctx, out, a, &bb, &cc, op, p);
  stn_tensor_release(&tb);
  stn_tensor_release(&tc);
  return st;
}
