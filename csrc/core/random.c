/* random.c: seeding and filling tensors with uniform, normal and Bernoulli draws,
 * and random permutations. Each draw of n numbers advances the counter past them,
 * so CPU and CUDA fills from the same state give the same numbers. */
#include "random.h"
#include "context.h"
#include "error.h"
#include "philox.h"
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

enum { DRAW_UNIFORM, DRAW_NORMAL, DRAW_BERNOULLI };

static stn_status draw(stn_ctx *ctx, const char *fn, stn_tensor *t, int kind, float a, float b) {
  STN_TRY(stn_check_tensor(fn, "t", t));
  int64_t n = stn_tensor_numel(t);
  uint64_t seed = ctx->seed, offset = ctx->offset;
  /* counters used: 4 numbers per counter for uniform draws, 2 for normals */
  ctx->offset += kind == DRAW_NORMAL ? (uint64_t)(n + 1) / 2 : (uint64_t)(n + 3) / 4;
  if (n == 0) return STN_OK;
  if (t->device == STN_CUDA) {
    switch (kind) {
    case DRAW_UNIFORM: STN_CUDA_DISPATCH(stn_uniform_cuda(ctx, t, a, b, seed, offset));
    case DRAW_NORMAL: STN_CUDA_DISPATCH(stn_normal_cuda(ctx, t, a, b, seed, offset));
    default: STN_CUDA_DISPATCH(stn_bernoulli_cuda(ctx, t, a, seed, offset));
    }
  }
  const stn_tensor *ts[1] = {t};
  stn_rows pl;
  stn_rows_plan(&pl, ts, 1);
  float *d = stn_data(t);
#pragma omp parallel for schedule(static) if (n >= STN_OMP_MIN)
  for (int64_t r = 0; r < pl.rows; r++) {
    int64_t len, s;
    float *o = d + stn_rows_at(&pl, t, r, &len, &s);
    int64_t i0 = r * pl.cols; /* row-major index of the run's first element */
    for (int64_t j = 0; j < len; j++) {
      float v;
      if (kind == DRAW_UNIFORM) v = a + (b - a) * stn_rand_uniform(seed, offset, i0 + j);
      else if (kind == DRAW_NORMAL) v = a + b * stn_rand_normal(seed, offset, i0 + j);
      else v = stn_rand_uniform(seed, offset, i0 + j) < a ? 1.f : 0.f;
      o[j * s] = v;
    }
  }
  return STN_OK;
}

stn_status stn_uniform(stn_ctx *ctx, stn_tensor *t, float lo, float hi) {
  if (!(lo <= hi)) return STN_FAIL(STN_ERR_ARG, "stn_uniform: lower bound %g above upper bound %g", lo, hi);
  return draw(ctx, "stn_uniform", t, DRAW_UNIFORM, lo, hi);
}

stn_status stn_normal(stn_ctx *ctx, stn_tensor *t, float mean, float stdv) {
  if (!(stdv >= 0)) return STN_FAIL(STN_ERR_ARG, "stn_normal: standard deviation %g is negative", stdv);
  return draw(ctx, "stn_normal", t, DRAW_NORMAL, mean, stdv);
}

stn_status stn_bernoulli(stn_ctx *ctx, stn_tensor *t, float p) {
  if (!(p >= 0 && p <= 1)) return STN_FAIL(STN_ERR_ARG, "stn_bernoulli: p = %g is not in [0, 1]", p);
  return draw(ctx, "stn_bernoulli", t, DRAW_BERNOULLI, p, 0);
}

stn_status stn_randperm(stn_ctx *ctx, stn_tensor *out, int64_t n) {
  static const char *fn = "stn_randperm";
  if (n < 1) return STN_FAIL(STN_ERR_ARG, "%s: n must be at least 1, got %lld", fn, (long long)n);
  if (n > (1 << 24)) return STN_FAIL(STN_ERR_ARG, "%s: n = %lld is above 2^24, not exact in float32", fn, (long long)n);
  STN_TRY(stn_check_tensor(fn, "out", out));
  if (out->device != STN_CPU) return STN_FAIL(STN_ERR_DEVICE, "%s: out must be a cpu tensor", fn);
  STN_TRY(stn_tensor_resize(ctx, out, 1, &n));
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
