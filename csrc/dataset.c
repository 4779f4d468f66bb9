/* dataset.c: the numeric steps of building a data set in memory: selected rows of
 * decoded bytes turned into floats, and the mean and standard deviation used for
 * global normalization (over everything, or per channel). */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

stn_status stn_bytes_to_float(stn_ctx *ctx, const uint8_t *src, int64_t src_rows, int64_t row_len, const int64_t *rows,
                              int64_t n, float scale, stn_tensor *out) {
  static const char *fn = "stn_bytes_to_float";
  (void)ctx;
  STN_TRY(stn_check_tensor(fn, "out", out));
  if (out->device != STN_CPU || !stn_tensor_is_contiguous(out))
    return STN_FAIL(STN_ERR_ARG, "%s: out must be a contiguous cpu tensor", fn);
  if (n < 0 || row_len < 0 || src_rows < 0 || (n > 0 && !src))
    return STN_FAIL(STN_ERR_ARG, "%s: bad arguments (%lld rows of %lld bytes)", fn, (long long)n, (long long)row_len);
  if (stn_tensor_numel(out) != n * row_len)
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

/* Count, mean and sum of squared deviations of one block, merged in a fixed order
 * with Chan et al.'s pairwise formula (stable where sum and sum of squares are not). */
typedef struct moments { double n, mean, m2; } moments;

static moments block_moments(const float *x, int64_t len) {
  double s = 0;
  for (int64_t i = 0; i < len; i++) s += x[i];
  double mean = s / (double)len, m2 = 0;
  for (int64_t i = 0; i < len; i++) {
    double d = x[i] - mean;
    m2 += d * d;
  }
  moments m = {(double)len, mean, m2};
  return m;
}

static void merge(moments *a, const moments *b) {
  double n = a->n + b->n;
  if (b->n == 0) return;
  double delta = b->mean - a->mean;
  a->mean += delta * b->n / n;
  a->m2 += b->m2 + delta * delta * a->n * b->n / n;
  a->n = n;
}

stn_status stn_data_stats(stn_ctx *ctx, const stn_tensor *t, int per_channel, double *mean, double *std) {
  static const char *fn = "stn_data_stats";
  enum { BLOCK = 1 << 14 }; /* 64 KiB of floats: both passes over a block hit the cache */
  STN_TRY(stn_check_tensor(fn, "t", t));
  if (!mean || !std) return STN_FAIL(STN_ERR_ARG, "%s: mean or std is NULL", fn);
  if (t->device != STN_CPU) return STN_FAIL(STN_ERR_DEVICE, "%s: t must be a cpu tensor", fn);
  int64_t numel = stn_tensor_numel(t);
  if (numel == 0) return STN_FAIL(STN_ERR_ARG, "%s: t is empty", fn);
  if (per_channel && t->ndim < 2)
    return STN_FAIL(STN_ERR_ARG, "%s: per-channel statistics need an N x C x ... tensor, got %s", fn, stn_shape_str(t));
  /* slabs: runs of one channel (per_channel) or the whole tensor, cut into blocks */
  int64_t C = per_channel ? t->shape[1] : 1;
  int64_t slab = per_channel ? numel / (t->shape[0] * C) : numel, nslabs = numel / slab;
  int64_t per_slab = (slab + BLOCK - 1) / BLOCK, units = nslabs * per_slab;
  stn_tensor c;
  STN_TRY(stn_contiguous_copy(ctx, &c, t));
  moments *m = (moments *)malloc(sizeof(moments) * (size_t)units);
  if (!m) {
    stn_tensor_release(&c);
    return STN_FAIL(STN_ERR_MEMORY, "%s: out of memory", fn);
  }
  const float *x = stn_data(&c);
#pragma omp parallel for schedule(static) if (numel >= STN_OMP_MIN)
  for (int64_t u = 0; u < units; u++) {
    int64_t s = u / per_slab, b = u % per_slab, start = b * BLOCK;
    int64_t len = slab - start < BLOCK ? slab - start : BLOCK;
    m[u] = block_moments(x + s * slab + start, len);
  }
  for (int64_t ch = 0; ch < C; ch++) {
    moments acc = {0, 0, 0};
    for (int64_t s = ch; s < nslabs; s += C)
      for (int64_t b = 0; b < per_slab; b++) merge(&acc, &m[s * per_slab + b]);
    mean[ch] = acc.mean;
    std[ch] = acc.n > 1 ? sqrt(acc.m2 / (acc.n - 1)) : 0;
  }
  free(m);
  stn_tensor_release(&c);
  return STN_OK;
}
