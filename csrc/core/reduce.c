/* reduce.c: sum, mean, variance, standard deviation, max, min, product and 2-norm over
 * a whole tensor or along one dim, accumulated in double on the CPU. Work is cut into
 * fixed blocks combined in order, so a result does not depend on the thread count.
 * CUDA tensors go to cuda/core/reduce.cu. */
#include "reduce.h"
#include "context.h"
#include "error.h"
#include "nan.h"
#include "storage.h"
#include "strided.h"
#include "tensor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *op_names[] = {"sum", "mean", "var", "std", "max", "min", "prod", "norm2"};

/* v replaces best as the running max (min): strictly larger (smaller), so ties keep
 * the first position, and a NaN wins and stays, as in Torch7. */
static inline int better(float v, float best, int is_max) {
  return best == best && (v != v || (is_max ? v > best : v < best));
}

/* What a pass over values accumulates. */
enum { PASS_SUM, PASS_DEV2, PASS_PROD, PASS_EXTREME };

typedef struct acc {
  double v;     /* sum, sum of squared deviations, or product */
  float best;   /* max or min so far */
  int64_t pos;  /* its 0-based position; -1 before the first value */
} acc;

static inline void acc_init(acc *r, int pass) {
  r->v = pass == PASS_PROD ? 1.0 : 0.0;
  r->best = 0.f;
  r->pos = -1;
}

/* Adds len values x[j * s] (positions first + j) to r. */
static void acc_run(acc *r, int pass, int is_max, double mean, const float *x, int64_t s, int64_t len, int64_t first) {
  double v = r->v;
  switch (pass) {
  case PASS_SUM: for (int64_t j = 0; j < len; j++) v += x[j * s]; break;
  case PASS_DEV2: for (int64_t j = 0; j < len; j++) { double d = x[j * s] - mean; v += d * d; } break;
  case PASS_PROD: for (int64_t j = 0; j < len; j++) v *= x[j * s]; break;
  default:
    for (int64_t j = 0; j < len; j++)
      if (r->pos < 0 || better(x[j * s], r->best, is_max)) { r->best = x[j * s]; r->pos = first + j; }
  }
  r->v = v;
}

/* r <- r then q (q covers later positions). */
static void acc_merge(acc *r, const acc *q, int pass, int is_max) {
  if (pass == PASS_PROD) r->v *= q->v;
  else if (pass != PASS_EXTREME) r->v += q->v;
  else if (q->pos >= 0 && (r->pos < 0 || better(q->best, r->best, is_max))) { r->best = q->best; r->pos = q->pos; }
}

/* The statistic from the accumulated passes over n values. */
static double finish(int op, const acc *first, const acc *second, int64_t n, int biased) {
  switch (op) {
  case STN_SUM: case STN_PROD: return first->v;
  case STN_MEAN: return first->v / (double)n;
  case STN_NORM2: return sqrt(first->v);
  case STN_MAX: case STN_MIN: return first->best;
  default: {
    double var = second->v / (double)(biased ? n : n - 1); /* n - 1 = 0: NaN, undefined */
    return op == STN_VAR ? var : sqrt(var);
  }
  }
}

static int first_pass(int op) {
  switch (op) {
  case STN_PROD: return PASS_PROD;
  case STN_NORM2: return PASS_DEV2; /* around 0 */
  case STN_MAX: case STN_MIN: return PASS_EXTREME;
  default: return PASS_SUM;
  }
}

/* One pass over all of a, blocks of about STN_CHUNK values combined in order. */
static stn_status pass_all(const stn_tensor *a, int pass, int is_max, double mean, acc *out) {
  const stn_tensor *ts[1] = {a};
  stn_rows pl;
  stn_rows_plan(&pl, ts, 1);
  acc_init(out, pass);
  if (pl.rows == 0) return STN_OK;
  int64_t per = pl.flat || pl.cols >= STN_CHUNK ? 1 : STN_CHUNK / pl.cols; /* runs per block */
  int64_t nblk = (pl.rows + per - 1) / per;
  acc *part = (acc *)malloc((size_t)nblk * sizeof *part);
  if (!part) return STN_FAIL(STN_ERR_MEMORY, "stn_reduce_all: out of memory");
  const float *d = stn_data(a);
#pragma omp parallel for schedule(static) if (pl.numel >= STN_OMP_MIN)
  for (int64_t b = 0; b < nblk; b++) {
    acc_init(&part[b], pass);
    int64_t r1 = (b + 1) * per < pl.rows ? (b + 1) * per : pl.rows;
    for (int64_t r = b * per; r < r1; r++) {
      int64_t len, s;
      const float *x = d + stn_rows_at(&pl, a, r, &len, &s);
      acc_run(&part[b], pass, is_max, mean, x, s, len, r * pl.cols);
    }
  }
  for (int64_t b = 0; b < nblk; b++) acc_merge(out, &part[b], pass, is_max);
  free(part);
  return STN_OK;
}

static stn_status check_op(const char *fn, int op) {
  if (op < STN_SUM || op > STN_NORM2) return STN_FAIL(STN_ERR_ARG, "%s: unknown op %d", fn, op);
  return STN_OK;
}

static stn_status reduce_all(stn_ctx *ctx, const stn_tensor *a, int op, int biased, double *result) {
  static const char *fn = "stn_reduce_all";
  STN_TRY(check_op(fn, op));
  STN_TRY(stn_check_tensor(fn, "a", a));
  if (!result) return STN_FAIL(STN_ERR_ARG, "%s: result is NULL", fn);
  int64_t n = stn_tensor_numel(a);
  if (n == 0 && (op == STN_MAX || op == STN_MIN))
    return STN_FAIL(STN_ERR_ARG, "%s: %s of an empty tensor (%s)", fn, op_names[op], stn_shape_str(a));
  if (a->device == STN_CUDA) STN_CUDA_DISPATCH(stn_reduce_all_cuda(ctx, a, op, biased, result));
  int is_max = op == STN_MAX;
  acc first, second;
  acc_init(&second, PASS_DEV2);
  STN_TRY(pass_all(a, first_pass(op), is_max, 0.0, &first));
  if (op == STN_VAR || op == STN_STD) /* two passes: exact and stable */
    STN_TRY(pass_all(a, PASS_DEV2, 0, first.v / (double)n, &second));
  *result = finish(op, &first, &second, n, biased);
  return STN_OK;
}

/* Lua reads the result as a double: a NaN is made the plain one (stn_plain_nan_d), as a
 * NaN input's payload survives the sum and a CUDA max may return the input NaN itself. */
stn_status stn_reduce_all(stn_ctx *ctx, const stn_tensor *a, int op, int biased, double *result) {
  stn_status st = reduce_all(ctx, a, op, biased, result);
  if (st == STN_OK) *result = stn_plain_nan_d(*result);
  return st;
}

/* Reduction along a dim that is not the last: a block of up to BLOCK outputs adjacent
 * along the last dim advances row by row, so the reads sweep memory in order. */
#define BLOCK 256

static void reduce_block(int op, int biased, const float *x, int64_t sd, int64_t R, int64_t sl, int64_t L,
                         float *o, int64_t so, float *ix, int64_t si) {
  int pass = first_pass(op), is_max = op == STN_MAX;
  acc a1[BLOCK], a2[BLOCK];
  for (int64_t j = 0; j < L; j++) acc_init(&a1[j], pass), acc_init(&a2[j], PASS_DEV2);
  switch (pass) {
  case PASS_SUM:
    for (int64_t r = 0; r < R; r++)
      for (int64_t j = 0; j < L; j++) a1[j].v += x[r * sd + j * sl];
    break;
  case PASS_DEV2:
    for (int64_t r = 0; r < R; r++)
      for (int64_t j = 0; j < L; j++) { double d = x[r * sd + j * sl]; a1[j].v += d * d; }
    break;
  case PASS_PROD:
    for (int64_t r = 0; r < R; r++)
      for (int64_t j = 0; j < L; j++) a1[j].v *= x[r * sd + j * sl];
    break;
  default:
    for (int64_t r = 0; r < R; r++)
      for (int64_t j = 0; j < L; j++) {
        float v = x[r * sd + j * sl];
        if (r == 0 || better(v, a1[j].best, is_max)) { a1[j].best = v; a1[j].pos = r; }
      }
  }
  if (op == STN_VAR || op == STN_STD) {
    for (int64_t r = 0; r < R; r++)
      for (int64_t j = 0; j < L; j++) {
        double d = x[r * sd + j * sl] - a1[j].v / (double)R;
        a2[j].v += d * d;
      }
  }
  for (int64_t j = 0; j < L; j++) {
    o[j * so] = (float)finish(op, &a1[j], &a2[j], R, biased);
    if (ix) ix[j * si] = (float)(a1[j].pos + 1);
  }
}

static void reduce_dim_cpu(const stn_tensor *out, const stn_tensor *ind, const stn_tensor *a, int dim, int op,
                           int biased) {
  int64_t R = a->shape[dim], sd = a->strides[dim];
  int last = a->ndim - 1;
  stn_tensor ah = *a; /* a's shape with 1 at dim: maps an output position to a's base offset */
  ah.shape[dim] = 1;
  int64_t nout = stn_tensor_numel(out);
  const float *ad = stn_data(a);
  float *od = stn_data(out), *id = ind ? stn_data(ind) : NULL;
  int pass = first_pass(op), is_max = op == STN_MAX;
  if (dim == last) { /* each output reduces one strided run */
#pragma omp parallel for schedule(static) if (nout * R >= STN_OMP_MIN)
    for (int64_t o = 0; o < nout; o++) {
      const float *x = ad + stn_offset_of(&ah, o);
      acc a1, a2;
      acc_init(&a1, pass);
      acc_init(&a2, PASS_DEV2);
      acc_run(&a1, pass, is_max, 0.0, x, sd, R, 0);
      if (op == STN_VAR || op == STN_STD)
        acc_run(&a2, PASS_DEV2, 0, a1.v / (double)R, x, sd, R, 0);
      od[stn_offset_of(out, o)] = (float)finish(op, &a1, &a2, R, biased);
      if (id) id[stn_offset_of(ind, o)] = (float)(a1.pos + 1);
    }
    return;
  }
  int64_t L = a->shape[last], sl = a->strides[last];
  int64_t nrows = L ? nout / L : 0, nblk = (L + BLOCK - 1) / BLOCK;
#pragma omp parallel for schedule(static) if (nout * R >= STN_OMP_MIN)
  for (int64_t w = 0; w < nrows * nblk; w++) {
    int64_t row = w / nblk, j0 = (w % nblk) * BLOCK, len = L - j0 < BLOCK ? L - j0 : BLOCK;
    int64_t first = row * L + j0; /* row-major position of the block's first output */
    reduce_block(op, biased, ad + stn_offset_of(&ah, first), sd, R, sl, len, od + stn_offset_of(out, first),
                 out->strides[last], id ? id + stn_offset_of(ind, first) : NULL, ind ? ind->strides[last] : 0);
  }
}

/* a reduced along dim into out (and ind) on a's device; the outputs are sized. */
static stn_status reduce_dim_all(stn_ctx *ctx, stn_tensor *out, stn_tensor *ind, const stn_tensor *a, int dim, int op,
                                 int biased) {
  if (a->device == STN_CUDA) STN_CUDA_DISPATCH(stn_reduce_dim_cuda(ctx, out, ind, a, dim, op, biased));
  reduce_dim_cpu(out, ind, a, dim, op, biased);
  return STN_OK;
}

stn_status stn_reduce_dim(stn_ctx *ctx, stn_tensor *out, stn_tensor *indices, const stn_tensor *a, int dim, int op,
                          int biased) {
  static const char *fn = "stn_reduce_dim";
  STN_TRY(check_op(fn, op));
  STN_TRY(stn_check_tensor(fn, "out", out));
  STN_TRY(stn_check_tensor(fn, "a", a));
  STN_TRY(stn_check_same_device(fn, out, a));
  int extreme = op == STN_MAX || op == STN_MIN;
  if (!extreme) indices = NULL;
  if (indices) {
    STN_TRY(stn_check_tensor(fn, "indices", indices));
    STN_TRY(stn_check_same_device(fn, indices, a));
  }
  if (dim < 0 || dim >= a->ndim)
    return STN_FAIL(STN_ERR_ARG, "%s: dimension %d out of range for a %d-D tensor (%s)", fn, dim + 1, a->ndim,
                    stn_shape_str(a));
  if (a->shape[dim] == 0 && extreme)
    return STN_FAIL(STN_ERR_ARG, "%s: %s along dimension %d of size 0 (%s)", fn, op_names[op], dim + 1, stn_shape_str(a));
  int64_t size[STN_MAX_DIM];
  memcpy(size, a->shape, sizeof size);
  size[dim] = 1;
  /* outputs that share a's storage (or each other's) are computed aside, then copied */
  stn_tensor sa = *a, to = {0}, ti = {0}, *o = out, *ix = indices;
  int o_aside = stn_shares_storage(out, &sa), i_aside = indices && (stn_shares_storage(indices, &sa) || stn_shares_storage(indices, out));
  stn_status st = STN_OK;
  if (o_aside) { st = stn_tensor_new(ctx, &to, a->device, a->ndim, size); o = &to; }
  else st = stn_resize_out(ctx, out, STN_FLOAT, a->ndim, size);
  if (st == STN_OK && i_aside) { st = stn_tensor_new(ctx, &ti, a->device, a->ndim, size); ix = &ti; }
  else if (st == STN_OK && indices) st = stn_resize_out(ctx, indices, STN_FLOAT, a->ndim, size);
  if (st == STN_OK) st = reduce_dim_all(ctx, o, ix, &sa, dim, op, biased);
  if (st == STN_OK && o_aside) {
    st = stn_resize_out(ctx, out, STN_FLOAT, a->ndim, size);
    if (st == STN_OK) st = stn_copy(ctx, out, &to);
  }
  if (st == STN_OK && i_aside) {
    st = stn_resize_out(ctx, indices, STN_FLOAT, a->ndim, size);
    if (st == STN_OK) st = stn_copy(ctx, indices, &ti);
  }
  stn_tensor_release(&to);
  stn_tensor_release(&ti);
  return st;
}
