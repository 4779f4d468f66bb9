/* random.c: seeding and filling tensors with uniform, normal, Bernoulli, integer,
 * log-normal, exponential, Cauchy and geometric draws, and random permutations. Each
 * draw of n numbers advances the counter past them, so CPU and CUDA fills from the same
 * state give the same numbers. */
#include "random.h"
#include "context.h"
#include "copy.h"
#include "error.h"
#include "philox.h"
#include "storage.h"
#include "strided.h"
#include "tensor.h"

#include <math.h>

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

/* One fill: uniform in [a, b), normal (mean a, stdv b), Bernoulli (p = a), integers
 * lo + [0, count) (a and b unused), log-normal (exp of a normal of mean a, stdv b),
 * exponential (lambda = a), Cauchy (median a, scale b), geometric (p = a). Element i of every kind draws number i of the counters it uses. */
static stn_status draw(stn_ctx *ctx, const char *fn, stn_tensor *t, int kind, float a, float b, int64_t lo,
                       uint64_t count) {
  STN_TRY(stn_check_tensor(fn, "t", t));
  int64_t n = stn_tensor_numel(t);
  uint64_t seed = ctx->seed, offset = ctx->offset;
  ctx->offset += counters_used(kind, n);
  if (n == 0) return STN_OK;
  if (t->device == STN_CUDA) {
    if (kind == STN_DRAW_INT) STN_CUDA_DISPATCH(stn_random_int_cuda(ctx, t, lo, count, seed, offset));
    STN_CUDA_DISPATCH(stn_draw_cuda(ctx, t, kind, a, b, seed, offset));
  }
  const stn_tensor *ts[1] = {t};
  stn_rows pl;
  stn_rows_plan(&pl, ts, 1);
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

stn_status stn_uniform(stn_ctx *ctx, stn_tensor *t, float lo, float hi) {
  if (!(lo <= hi)) return STN_FAIL(STN_ERR_ARG, "stn_uniform: lower bound %g above upper bound %g", lo, hi);
  return draw(ctx, "stn_uniform", t, STN_DRAW_UNIFORM, lo, hi, 0, 0);
}

stn_status stn_normal(stn_ctx *ctx, stn_tensor *t, float mean, float stdv) {
  if (!(stdv >= 0)) return STN_FAIL(STN_ERR_ARG, "stn_normal: standard deviation %g is negative", stdv);
  return draw(ctx, "stn_normal", t, STN_DRAW_NORMAL, mean, stdv, 0, 0);
}

stn_status stn_bernoulli(stn_ctx *ctx, stn_tensor *t, float p) {
  if (!(p >= 0 && p <= 1)) return STN_FAIL(STN_ERR_ARG, "stn_bernoulli: p = %g is not in [0, 1]", p);
  return draw(ctx, "stn_bernoulli", t, STN_DRAW_BERNOULLI, p, 0, 0, 0);
}

/* t <- u < p element by element on t's device; p has t's shape. */
static stn_status bernoulli_tensor_run(stn_ctx *ctx, stn_tensor *t, const stn_tensor *p, uint64_t seed, uint64_t offset) {
  if (t->device == STN_CUDA) STN_CUDA_DISPATCH(stn_bernoulli_tensor_cuda(ctx, t, p, seed, offset));
  const stn_tensor *ts[2] = {t, p};
  stn_rows pl;
  stn_rows_plan(&pl, ts, 2);
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

/* Element i is 1 when the uniform number of element i of a scalar draw is below p[i]:
 * a p tensor of equal values draws exactly what stn_bernoulli draws. */
stn_status stn_bernoulli_tensor(stn_ctx *ctx, stn_tensor *t, const stn_tensor *p) {
  static const char *fn = "stn_bernoulli_tensor";
  STN_TRY(stn_check_tensor(fn, "t", t));
  STN_TRY(stn_check_tensor(fn, "p", p));
  STN_TRY(stn_check_same_device(fn, t, p));
  int64_t n = stn_tensor_numel(t);
  if (stn_tensor_numel(p) != n)
    return STN_FAIL(STN_ERR_ARG, "%s: p has %lld elements (%s) but the tensor %lld", fn, (long long)stn_tensor_numel(p),
                    stn_shape_str(p), (long long)n);
  if (n == 0) return STN_OK;
  double lo, hi;
  STN_TRY(stn_reduce_all(ctx, p, STN_MIN, 0, &lo));
  STN_TRY(stn_reduce_all(ctx, p, STN_MAX, 0, &hi));
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

/* Integers uniform in [lo, hi], both within +-2^24 so that every one is exact in float. */
stn_status stn_random_int(stn_ctx *ctx, stn_tensor *t, int64_t lo, int64_t hi) {
  static const char *fn = "stn_random_int";
  const int64_t lim = (int64_t)1 << 24;
  if (lo > hi) return STN_FAIL(STN_ERR_ARG, "%s: lower bound %lld above upper bound %lld", fn, (long long)lo, (long long)hi);
  if (lo < -lim || hi > lim)
    return STN_FAIL(STN_ERR_ARG, "%s: bounds [%lld, %lld] reach beyond +-2^24, where float32 holds no longer every integer",
                    fn, (long long)lo, (long long)hi);
  return draw(ctx, fn, t, STN_DRAW_INT, 0, 0, lo, (uint64_t)(hi - lo) + 1);
}

/* A finite float parameter: the Lua layer checks too, but a double may overflow to inf
 * on its way to float. */
static int is_finite(float x) { return x == x && x - x == 0; }

stn_status stn_log_normal(stn_ctx *ctx, stn_tensor *t, float mean, float stdv) {
  static const char *fn = "stn_log_normal";
  if (!is_finite(mean)) return STN_FAIL(STN_ERR_ARG, "%s: mean = %g is not a finite number", fn, mean);
  if (!(stdv > 0 && is_finite(stdv)))
    return STN_FAIL(STN_ERR_ARG, "%s: standard deviation %g is not a positive finite number", fn, stdv);
  return draw(ctx, fn, t, STN_DRAW_LOG_NORMAL, mean, stdv, 0, 0);
}

stn_status stn_exponential(stn_ctx *ctx, stn_tensor *t, float lambda) {
  static const char *fn = "stn_exponential";
  if (!(lambda > 0 && is_finite(lambda)))
    return STN_FAIL(STN_ERR_ARG, "%s: lambda = %g is not a positive finite number", fn, lambda);
  return draw(ctx, fn, t, STN_DRAW_EXPONENTIAL, lambda, 0, 0, 0);
}

stn_status stn_cauchy(stn_ctx *ctx, stn_tensor *t, float median, float sigma) {
  static const char *fn = "stn_cauchy";
  if (!is_finite(median) || !is_finite(sigma))
    return STN_FAIL(STN_ERR_ARG, "%s: median %g and sigma %g must be finite numbers", fn, median, sigma);
  return draw(ctx, fn, t, STN_DRAW_CAUCHY, median, sigma, 0, 0);
}

stn_status stn_geometric(stn_ctx *ctx, stn_tensor *t, float p) {
  static const char *fn = "stn_geometric";
  if (!(p > 0 && p < 1)) return STN_FAIL(STN_ERR_ARG, "%s: p = %g (as a float) is not in (0, 1)", fn, p);
  return draw(ctx, fn, t, STN_DRAW_GEOMETRIC, p, 0, 0, 0);
}

stn_status stn_randperm(stn_ctx *ctx, stn_tensor *out, int64_t n) {
  static const char *fn = "stn_randperm";
  if (n < 1) return STN_FAIL(STN_ERR_ARG, "%s: n must be at least 1, got %lld", fn, (long long)n);
  if (n > (1 << 24)) return STN_FAIL(STN_ERR_ARG, "%s: n = %lld is above 2^24, not exact in float32", fn, (long long)n);
  STN_TRY(stn_check_tensor(fn, "out", out));
  if (out->device != STN_CPU) return STN_FAIL(STN_ERR_DEVICE, "%s: out must be a cpu tensor", fn);
  STN_TRY(stn_resize_out(ctx, out, STN_FLOAT, 1, &n));
  float *d = stn_data(out);
  int64_t s = out->strides[0];
  for (int64_t i = 0; i < n; i++) d[i * s] = (float)(i + 1);
  uint64_t seed = ctx->seed, offset = ctx->offset;
  ctx->offset += (uint64_t)(n + 3) / 4;
  for (int64_t i = n - 1; i > 0; i--) { /* Fisher-Yates */
    stn_philox4 r = stn_philox(seed, offset + (uint64_t)(i >> 2));
    int64_t j = (int64_t)(((uint64_t)r.v[i & 3] * (uint64_t)(i + 1)) >> 32);
    float tmp = d[i * s];
    d[i * s] = d[j * s];
    d[j * s] = tmp;
  }
  return STN_OK;
}
