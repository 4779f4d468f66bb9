/* random.c: seeding and filling tensors with uniform, normal, Bernoulli, integer,
 * log-normal, exponential, Cauchy and geometric draws, and random permutations. Each
 * draw of n numbers advances the counter past them, so CPU and CUDA fills from the same
 * state give the same numbers. */
#include "random.h"
#include "context.h"
#include "dtype.h"
#include "copy.h"
#include "error.h"
#include "philox.h"
#include "storage.h"
#include "strided.h"
#include "tensor.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

void stn_manual_seed(stn_ctx *ctx, uint64_t seed) {
  ctx->seed = seed;
  ctx->offset = 0;
}

void stn_rng_get_state(stn_ctx *ctx, uint64_t *seed, uint64_t *offset) {
  *seed = ctx->seed;
  *offset = ctx->offset;
}

void stn_rng_set_state(stn_ctx *ctx, uint64_t seed, uint64_t offset) {
  ctx->seed = seed;
  ctx->offset = offset;
}

/* Counters one fill of n numbers uses: two numbers per counter for normals (Box-Muller)
 * and integers (64 bits each), four for the kinds drawing one word. */
static uint64_t counters_used(int kind, int64_t n) {
  return kind == STN_DRAW_NORMAL || kind == STN_DRAW_LOG_NORMAL || kind == STN_DRAW_INT ? (uint64_t)(n + 1) / 2
                                                                                         : (uint64_t)(n + 3) / 4;
}

/* The kinds Torch7 defines on its integer tensors: random, bernoulli, geometric. */
static int kind_on_integers(int kind) {
  return kind == STN_DRAW_INT || kind == STN_DRAW_BERNOULLI || kind == STN_DRAW_GEOMETRIC;
}

/* Element i of an integer draw of any count in [1, 2^64): floor(x * count / 2^64) for
 * the 64-bit word x of stn_rand_below (the same value as stn_rand_below's where count
 * <= 2^32, so Float, Double and the integer types draw the same integers). */
static uint64_t rand_below_wide(uint64_t seed, uint64_t offset, int64_t i, uint64_t count) {
  if (count <= ((uint64_t)1 << 32)) return stn_rand_below(seed, offset, i, count);
  stn_philox4 r = stn_philox(seed, offset + (uint64_t)(i >> 1));
  int lane = (int)(i & 1) * 2;
  uint64_t x = ((uint64_t)r.v[lane] << 32) | r.v[lane + 1];
  return (uint64_t)(((unsigned __int128)x * count) >> 64);
}

/* The normal number of element i in double: Box-Muller on the very words (and uniform
 * values, exact in either type) the float draw uses, evaluated in double. */
static double rand_normal_double(uint64_t seed, uint64_t offset, int64_t i) {
  stn_philox4 r = stn_philox(seed, offset + (uint64_t)(i >> 1));
  int lane = (int)(i & 1) * 2;
  double u1 = (double)stn_u01_open0(r.v[lane]), u2 = (double)stn_u01(r.v[lane + 1]);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* The range [lo, hi] of an integer type as doubles. */
static void integer_range(int dtype, double *lo, double *hi) {
  stn_integer_range(dtype, lo, hi);
  *hi = dtype == STN_LONG ? 9223372036854775807.0 : *hi - 1;
}

/* Element off of t's storage (any type but Float) <- v (in t's range: checked before). */
static inline void store(void *base, int dtype, int64_t off, double v, int64_t iv, int integral) {
  switch (dtype) {
  case STN_DOUBLE: ((double *)base)[off] = integral ? (double)iv : v; break;
  case STN_LONG: ((int64_t *)base)[off] = integral ? iv : (int64_t)v; break;
  case STN_INT: ((int32_t *)base)[off] = integral ? (int32_t)iv : (int32_t)v; break;
  case STN_CHAR: ((int8_t *)base)[off] = integral ? (int8_t)iv : (int8_t)v; break;
  case STN_SHORT: ((int16_t *)base)[off] = integral ? (int16_t)iv : (int16_t)v; break;
  default: ((uint8_t *)base)[off] = integral ? (uint8_t)iv : (uint8_t)v; break;
  }
}

/* The fill of a Double or integer CPU tensor: each number from the words element i of
 * the float fill uses, the transform evaluated in double. Returns the first geometric
 * draw that does not fit an integer type, or 0. */
static double draw_typed(stn_tensor *t, const stn_rows *pl, int kind, double a, double b, int64_t lo, uint64_t count,
                         uint64_t seed, uint64_t offset) {
  void *base = stn_ptr(t);
  double log_a = kind == STN_DRAW_GEOMETRIC ? log(a) : 0, rlo = 0, rhi = 0, bad = 0;
  if (t->dtype != STN_DOUBLE) integer_range(t->dtype, &rlo, &rhi);
  int dtype = t->dtype;
#pragma omp parallel for schedule(static) if (pl->numel >= STN_OMP_MIN)
  for (int64_t r = 0; r < pl->rows; r++) {
    int64_t len, s;
    int64_t o = stn_rows_at(pl, t, r, &len, &s);
    int64_t i0 = r * pl->cols; /* row-major index of the run's first element */
    for (int64_t j = 0; j < len; j++) {
      int64_t i = i0 + j;
      double v = 0;
      switch (kind) {
      case STN_DRAW_INT:
        store(base, dtype, o + j * s, 0, (int64_t)((uint64_t)lo + rand_below_wide(seed, offset, i, count)), 1);
        continue;
      case STN_DRAW_UNIFORM: v = a + (b - a) * (double)stn_rand_uniform(seed, offset, i); break;
      case STN_DRAW_NORMAL: v = a + b * rand_normal_double(seed, offset, i); break;
      case STN_DRAW_BERNOULLI: v = (double)stn_rand_uniform(seed, offset, i) < a ? 1 : 0; break;
      case STN_DRAW_LOG_NORMAL: v = exp(a + b * rand_normal_double(seed, offset, i)); break;
      case STN_DRAW_EXPONENTIAL: v = 0.0 - log((double)stn_rand_open0(seed, offset, i)) / a; break;
      case STN_DRAW_CAUCHY: v = a + b * tan(3.141592653589793 * (double)stn_rand_centered(seed, offset, i)); break;
      default:
        v = floor(log((double)stn_rand_open0(seed, offset, i)) / log_a) + 1;
        if (dtype != STN_DOUBLE && v > rhi) {
#pragma omp critical(stn_draw_bad)
          bad = v;
          v = 0;
        }
        break;
      }
      store(base, dtype, o + j * s, v, 0, 0);
    }
  }
  return bad;
}

/* One fill: uniform in [a, b), normal (mean a, stdv b), Bernoulli (p = a), integers
 * lo + [0, count) (a and b unused; count >= 1), log-normal (exp of a
 * normal of mean a, stdv b), exponential (lambda = a), Cauchy (median a, scale b),
 * geometric (p = a). Element i of every kind draws number i of the counters it uses,
 * whatever t's type: a Float tensor computes in float from a and b rounded to float; a
 * Double one in double from the same uniform numbers (24 random bits each), so it holds
 * the double-precision value of the Float tensor's draw; the integer types take the
 * integer kinds only (random, bernoulli, geometric), as in Torch7. */
static stn_status draw(stn_ctx *ctx, const char *fn, stn_tensor *t, int kind, double a_in, double b_in, int64_t lo,
                       uint64_t count) {
  STN_TRY(stn_check_tensor_any(fn, "t", t));
  if (t->dtype != STN_FLOAT && t->dtype != STN_DOUBLE && !kind_on_integers(kind))
    return stn_dtype_unsupported(fn, t->dtype, "Float and Double");
  if (t->device == STN_CUDA && t->dtype != STN_FLOAT)
    return STN_FAIL(STN_ERR_ARG, "%s: random fills on CUDA take float tensors only, not Cuda%s ones", fn,
                    stn_dtype_name(t->dtype));
  int64_t n = stn_tensor_numel(t);
  uint64_t seed = ctx->seed, offset = ctx->offset;
  ctx->offset += counters_used(kind, n);
  if (n == 0) return STN_OK;
  float a = (float)a_in, b = (float)b_in;
  if (t->device == STN_CUDA) {
    if (kind == STN_DRAW_INT) STN_CUDA_DISPATCH(stn_random_int_cuda(ctx, t, lo, count, seed, offset));
    STN_CUDA_DISPATCH(stn_draw_cuda(ctx, t, kind, a, b, seed, offset));
  }
  const stn_tensor *ts[1] = {t};
  stn_rows pl;
  stn_rows_plan(&pl, ts, 1);
  if (t->dtype != STN_FLOAT) {
    double bad = draw_typed(t, &pl, kind, a_in, b_in, lo, count, seed, offset);
    if (bad != 0) return STN_FAIL(STN_ERR_ARG, "%s: a draw (%.0f) does not fit a %s tensor", fn, bad, stn_dtype_name(t->dtype));
    return STN_OK;
  }
  float *d = stn_data(t);
  /* geometric: floor(log(w) / log(p)) + 1 in double, as Torch7, so that a ratio near an
   * integer is not decided by a float rounding */
  double log_p = kind == STN_DRAW_GEOMETRIC ? log((double)a) : 0;
#pragma omp parallel for schedule(static) if (n >= STN_OMP_MIN)
  for (int64_t r = 0; r < pl.rows; r++) {
    int64_t len, s;
    float *o = d + stn_rows_at(&pl, t, r, &len, &s);
    int64_t i0 = r * pl.cols; /* row-major index of the run's first element */
    for (int64_t j = 0; j < len; j++) {
      int64_t i = i0 + j;
      float v;
      switch (kind) {
      case STN_DRAW_UNIFORM: v = a + (b - a) * stn_rand_uniform(seed, offset, i); break;
      case STN_DRAW_NORMAL: v = a + b * stn_rand_normal(seed, offset, i); break;
      case STN_DRAW_INT: v = (float)(lo + (int64_t)stn_rand_below(seed, offset, i, count)); break;
      case STN_DRAW_BERNOULLI: v = stn_rand_uniform(seed, offset, i) < a ? 1.f : 0.f; break;
      case STN_DRAW_LOG_NORMAL: v = expf(a + b * stn_rand_normal(seed, offset, i)); break;
      /* 0 - x: +0 rather than -0 when w is 1 */
      case STN_DRAW_EXPONENTIAL: v = 0.f - logf(stn_rand_open0(seed, offset, i)) / a; break;
      case STN_DRAW_CAUCHY: v = a + b * tanf(3.14159265f * stn_rand_centered(seed, offset, i)); break;
      default: v = (float)(floor(log((double)stn_rand_open0(seed, offset, i)) / log_p) + 1); break;
      }
      o[j * s] = v;
    }
  }
  return STN_OK;
}

stn_status stn_uniform(stn_ctx *ctx, stn_tensor *t, double lo, double hi) {
  if (!(lo <= hi)) return STN_FAIL(STN_ERR_ARG, "stn_uniform: lower bound %g above upper bound %g", lo, hi);
  return draw(ctx, "stn_uniform", t, STN_DRAW_UNIFORM, lo, hi, 0, 0);
}

stn_status stn_normal(stn_ctx *ctx, stn_tensor *t, double mean, double stdv) {
  if (!(stdv >= 0)) return STN_FAIL(STN_ERR_ARG, "stn_normal: standard deviation %g is negative", stdv);
  return draw(ctx, "stn_normal", t, STN_DRAW_NORMAL, mean, stdv, 0, 0);
}

stn_status stn_bernoulli(stn_ctx *ctx, stn_tensor *t, double p) {
  if (!(p >= 0 && p <= 1)) return STN_FAIL(STN_ERR_ARG, "stn_bernoulli: p = %g is not in [0, 1]", p);
  return draw(ctx, "stn_bernoulli", t, STN_DRAW_BERNOULLI, p, 0, 0, 0);
}

/* t <- u < p element by element on t's device; p has t's shape. */
static stn_status bernoulli_tensor_run(stn_ctx *ctx, stn_tensor *t, const stn_tensor *p, uint64_t seed, uint64_t offset) {
  if (t->device == STN_CUDA) STN_CUDA_DISPATCH(stn_bernoulli_tensor_cuda(ctx, t, p, seed, offset));
  const stn_tensor *ts[2] = {t, p};
  stn_rows pl;
  stn_rows_plan(&pl, ts, 2);
  if (t->dtype != STN_FLOAT || p->dtype != STN_FLOAT) { /* any t, a Float or Double p: compared in double */
    void *base = stn_ptr(t);
    const char *pb = (const char *)stn_ptr(p);
#pragma omp parallel for schedule(static) if (pl.numel >= STN_OMP_MIN)
    for (int64_t r = 0; r < pl.rows; r++) {
      int64_t len, s, sp;
      int64_t o = stn_rows_at(&pl, t, r, &len, &s), po = stn_rows_at(&pl, p, r, &len, &sp);
      int64_t i0 = r * pl.cols;
      for (int64_t j = 0; j < len; j++) {
        int64_t k = po + j * sp;
        double q = p->dtype == STN_FLOAT ? (double)((const float *)pb)[k] : ((const double *)pb)[k];
        double v = (double)stn_rand_uniform(seed, offset, i0 + j) < q ? 1 : 0;
        if (t->dtype == STN_FLOAT) ((float *)base)[o + j * s] = (float)v;
        else store(base, t->dtype, o + j * s, v, 0, 0);
      }
    }
    return STN_OK;
  }
  float *d = stn_data(t);
  const float *pd = stn_data(p);
#pragma omp parallel for schedule(static) if (pl.numel >= STN_OMP_MIN)
  for (int64_t r = 0; r < pl.rows; r++) {
    int64_t len, s, sp;
    float *o = d + stn_rows_at(&pl, t, r, &len, &s);
    const float *q = pd + stn_rows_at(&pl, p, r, &len, &sp);
    int64_t i0 = r * pl.cols; /* row-major index of the run's first element */
    for (int64_t j = 0; j < len; j++) o[j * s] = stn_rand_uniform(seed, offset, i0 + j) < q[j * sp] ? 1.f : 0.f;
  }
  return STN_OK;
}

/* The least and greatest value of p (NaN when p holds one): the CPU reads Float or
 * Double p itself, CUDA (float only) goes through stn_reduce_all. */
static stn_status probability_range(stn_ctx *ctx, const stn_tensor *p, double *lo, double *hi) {
  if (p->device == STN_CUDA || p->dtype == STN_FLOAT) {
    STN_TRY(stn_reduce_all(ctx, p, STN_MIN, 0, lo));
    return stn_reduce_all(ctx, p, STN_MAX, 0, hi);
  }
  const double *d = (const double *)stn_ptr(p);
  int64_t n = stn_tensor_numel(p);
  double l = INFINITY, h = -INFINITY;
  for (int64_t i = 0; i < n; i++) {
    double v = d[stn_offset_of(p, i)];
    if (v != v) { *lo = *hi = v; return STN_OK; }
    if (v < l) l = v;
    if (v > h) h = v;
  }
  *lo = l;
  *hi = h;
  return STN_OK;
}

/* Element i is 1 when the uniform number of element i of a scalar draw is below p[i]:
 * a p tensor of equal values draws exactly what stn_bernoulli draws. */
stn_status stn_bernoulli_tensor(stn_ctx *ctx, stn_tensor *t, const stn_tensor *p) {
  static const char *fn = "stn_bernoulli_tensor";
  STN_TRY(stn_check_tensor_any(fn, "t", t));
  STN_TRY(stn_check_tensor_any(fn, "p", p));
  STN_TRY(stn_check_same_device(fn, t, p));
  if (p->dtype != STN_FLOAT && p->dtype != STN_DOUBLE)
    return STN_FAIL(STN_ERR_ARG, "%s: p must be a Float or Double tensor (as in Torch7), not a %s one", fn, stn_dtype_name(p->dtype));
  if (t->device == STN_CUDA && (t->dtype != STN_FLOAT || p->dtype != STN_FLOAT))
    return STN_FAIL(STN_ERR_ARG, "%s: on CUDA t and p must be float tensors, not Cuda%s and Cuda%s ones", fn,
                    stn_dtype_name(t->dtype), stn_dtype_name(p->dtype));
  int64_t n = stn_tensor_numel(t);
  if (stn_tensor_numel(p) != n)
    return STN_FAIL(STN_ERR_ARG, "%s: p has %lld elements (%s) but the tensor %lld", fn, (long long)stn_tensor_numel(p),
                    stn_shape_str(p), (long long)n);
  if (n == 0) return STN_OK;
  double lo, hi;
  STN_TRY(probability_range(ctx, p, &lo, &hi));
  if (!(lo >= 0 && hi <= 1)) /* a NaN fails too: it wins min and max */
    return STN_FAIL(STN_ERR_ARG, "%s: probabilities must be in [0, 1], p holds values from %g to %g", fn, lo, hi);
  stn_tensor tmp = {0}, pp;
  if (p->mem == t->mem) { /* t:bernoulli(t) or an overlapping view: read p before t is written */
    STN_TRY(stn_contiguous_copy(ctx, &tmp, p));
    pp = stn_view_like(&tmp, t);
  } else {
    STN_TRY(stn_conform(ctx, fn, "p", t, p, &tmp, &pp));
  }
  uint64_t seed = ctx->seed, offset = ctx->offset;
  ctx->offset += (uint64_t)(n + 3) / 4; /* as the scalar draw */
  stn_status st = bernoulli_tensor_run(ctx, t, &pp, seed, offset);
  stn_tensor_release(&tmp);
  return st;
}

/* Integers uniform in [lo, hi]: within +-2^24 on Float tensors (every one exact in float),
 * +-2^53 on Double ones, the type's range on the integer types. */
stn_status stn_random_int(stn_ctx *ctx, stn_tensor *t, int64_t lo, int64_t hi) {
  static const char *fn = "stn_random_int";
  STN_TRY(stn_check_tensor_any(fn, "t", t));
  if (lo > hi) return STN_FAIL(STN_ERR_ARG, "%s: lower bound %lld above upper bound %lld", fn, (long long)lo, (long long)hi);
  if (t->dtype == STN_FLOAT || t->dtype == STN_DOUBLE) {
    int bits = t->dtype == STN_FLOAT ? 24 : 53;
    const int64_t lim = (int64_t)1 << bits;
    if (lo < -lim || hi > lim)
      return STN_FAIL(STN_ERR_ARG, "%s: bounds [%lld, %lld] reach beyond +-2^%d, where a %s tensor holds no longer every integer",
                      fn, (long long)lo, (long long)hi, bits, stn_dtype_name(t->dtype));
  } else {
    double rlo, rhi;
    integer_range(t->dtype, &rlo, &rhi);
    if ((double)lo < rlo || (double)hi > rhi)
      return STN_FAIL(STN_ERR_ARG, "%s: bounds [%lld, %lld] do not fit a %s tensor (%.0f to %.0f)", fn, (long long)lo,
                      (long long)hi, stn_dtype_name(t->dtype), rlo, rhi);
  }
  uint64_t count = (uint64_t)hi - (uint64_t)lo + 1;
  if (count == 0) return STN_FAIL(STN_ERR_ARG, "%s: the range [%lld, %lld] holds 2^64 integers, one too many", fn, (long long)lo, (long long)hi);
  return draw(ctx, fn, t, STN_DRAW_INT, 0, 0, lo, count);
}

/* A finite parameter: the Lua layer checks too, but a double may overflow to inf on its
 * way to float (checked as the tensor's type will use it). */
static int is_finite_as(const stn_tensor *t, double x) {
  if (t->dtype == STN_FLOAT) x = (float)x;
  return x == x && x - x == 0;
}

stn_status stn_log_normal(stn_ctx *ctx, stn_tensor *t, double mean, double stdv) {
  static const char *fn = "stn_log_normal";
  if (!is_finite_as(t, mean)) return STN_FAIL(STN_ERR_ARG, "%s: mean = %g is not a finite number", fn, mean);
  if (!(stdv > 0 && is_finite_as(t, stdv)))
    return STN_FAIL(STN_ERR_ARG, "%s: standard deviation %g is not a positive finite number", fn, stdv);
  return draw(ctx, fn, t, STN_DRAW_LOG_NORMAL, mean, stdv, 0, 0);
}

stn_status stn_exponential(stn_ctx *ctx, stn_tensor *t, double lambda) {
  static const char *fn = "stn_exponential";
  if (!(lambda > 0 && is_finite_as(t, lambda)))
    return STN_FAIL(STN_ERR_ARG, "%s: lambda = %g is not a positive finite number", fn, lambda);
  return draw(ctx, fn, t, STN_DRAW_EXPONENTIAL, lambda, 0, 0, 0);
}

stn_status stn_cauchy(stn_ctx *ctx, stn_tensor *t, double median, double sigma) {
  static const char *fn = "stn_cauchy";
  if (!is_finite_as(t, median) || !is_finite_as(t, sigma))
    return STN_FAIL(STN_ERR_ARG, "%s: median %g and sigma %g must be finite numbers", fn, median, sigma);
  return draw(ctx, fn, t, STN_DRAW_CAUCHY, median, sigma, 0, 0);
}

stn_status stn_geometric(stn_ctx *ctx, stn_tensor *t, double p) {
  static const char *fn = "stn_geometric";
  if (t->dtype == STN_FLOAT && !((float)p > 0 && (float)p < 1))
    return STN_FAIL(STN_ERR_ARG, "%s: p = %g (as a float) is not in (0, 1)", fn, (float)p);
  if (!(p > 0 && p < 1)) return STN_FAIL(STN_ERR_ARG, "%s: p = %g is not in (0, 1)", fn, p);
  return draw(ctx, fn, t, STN_DRAW_GEOMETRIC, p, 0, 0, 0);
}

/* Values 1..n in any CPU tensor type, n within what the type holds exactly (2^24 for
 * Float, 255 for Byte, 127 for Char, 32767 for Short, 2^31 - 1 for Int, 2^32 otherwise:
 * the shuffle draws 32-bit words);
 * the same shuffle for every type. */
stn_status stn_randperm(stn_ctx *ctx, stn_tensor *out, int64_t n) {
  static const char *fn = "stn_randperm";
  if (n < 1) return STN_FAIL(STN_ERR_ARG, "%s: n must be at least 1, got %lld", fn, (long long)n);
  STN_TRY(stn_check_tensor_any(fn, "out", out));
  int64_t lim = out->dtype == STN_FLOAT ? (int64_t)1 << 24 : out->dtype == STN_BYTE ? 255
              : out->dtype == STN_CHAR ? INT8_MAX : out->dtype == STN_SHORT ? INT16_MAX
              : out->dtype == STN_INT ? INT32_MAX : (int64_t)1 << 32;
  if (n > lim)
    return STN_FAIL(STN_ERR_ARG, "%s: n = %lld is above %lld, the most a %s tensor holds here", fn, (long long)n,
                    (long long)lim, stn_dtype_name(out->dtype));
  if (out->device != STN_CPU) return STN_FAIL(STN_ERR_DEVICE, "%s: out must be a cpu tensor", fn);
  STN_TRY(stn_resize_out(ctx, out, out->dtype, 1, &n));
  char *base = (char *)stn_ptr(out);
  size_t es = (size_t)stn_dtype_size(out->dtype);
  int64_t s = out->strides[0];
  for (int64_t i = 0; i < n; i++) {
    if (out->dtype == STN_FLOAT) ((float *)base)[i * s] = (float)(i + 1);
    else store(base, out->dtype, i * s, 0, i + 1, 1);
  }
  uint64_t seed = ctx->seed, offset = ctx->offset;
  ctx->offset += (uint64_t)(n + 3) / 4;
  for (int64_t i = n - 1; i > 0; i--) { /* Fisher-Yates */
    stn_philox4 r = stn_philox(seed, offset + (uint64_t)(i >> 2));
    int64_t j = (int64_t)(((uint64_t)r.v[i & 3] * (uint64_t)(i + 1)) >> 32);
    char tmp[8];
    memcpy(tmp, base + (size_t)(i * s) * es, es);
    memcpy(base + (size_t)(i * s) * es, base + (size_t)(j * s) * es, es);
    memcpy(base + (size_t)(j * s) * es, tmp, es);
  }
  return STN_OK;
}
