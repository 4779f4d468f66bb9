/* strided.h: walking same-shaped strided tensors row by row on the CPU. A "row" is
 * a run along the last dimension; when every tensor is contiguous the whole range is
 * cut into equal flat chunks instead, so that OpenMP has pieces to share out. */
#ifndef STN_STRIDED_H
#define STN_STRIDED_H

#include "copy.h"
#include "error.h"
#include "tensor.h"

#define STN_CHUNK 8192

typedef struct stn_rows {
  int64_t rows;  /* number of runs */
  int64_t cols;  /* length of a run (the last one may be shorter when flat) */
  int64_t numel;
  int flat;      /* all tensors contiguous: runs are chunks of the flat range */
} stn_rows;

static inline void stn_rows_plan(stn_rows *p, const stn_tensor *const *ts, int n) {
  const stn_tensor *t0 = ts[0];
  p->numel = stn_tensor_numel(t0);
  p->flat = 1;
  for (int k = 0; k < n; k++) p->flat &= stn_tensor_is_contiguous(ts[k]);
  if (p->numel == 0) { p->rows = 0; p->cols = 0; return; }
  if (p->flat) {
    p->cols = STN_CHUNK;
    p->rows = (p->numel + STN_CHUNK - 1) / STN_CHUNK;
  } else {
    p->cols = t0->shape[t0->ndim - 1];
    p->rows = p->numel / p->cols;
  }
}

/* Offset of run r of t, its length, and the stride along it. */
static inline int64_t stn_rows_at(const stn_rows *p, const stn_tensor *t, int64_t r, int64_t *len, int64_t *stride) {
  if (p->flat) {
    int64_t start = r * p->cols;
    *len = p->numel - start < p->cols ? p->numel - start : p->cols;
    *stride = 1;
    return start;
  }
  int64_t off = 0;
  for (int d = t->ndim - 2; d >= 0; d--) {
    off += (r % t->shape[d]) * t->strides[d];
    r /= t->shape[d];
  }
  *len = p->cols;
  *stride = t->strides[t->ndim - 1];
  return off;
}

/* A borrowed view (no reference taken) of the contiguous tensor c with shape's sizes;
 * the two must have the same number of elements. */
static inline stn_tensor stn_view_like(const stn_tensor *c, const stn_tensor *shape) {
  stn_tensor v = *c;
  v.ndim = shape->ndim;
  int64_t stride = 1;
  for (int d = shape->ndim - 1; d >= 0; d--) {
    v.shape[d] = shape->shape[d];
    v.strides[d] = stride;
    stride *= shape->shape[d];
  }
  return v;
}

/* Gives *use = b when b has a's shape; otherwise (same element count) a contiguous
 * copy of b in *tmp, viewed with a's shape. Release *tmp afterwards either way. */
static inline stn_status stn_conform(stn_ctx *ctx, const char *fn, const char *bname, const stn_tensor *a,
                                     const stn_tensor *b, stn_tensor *tmp, stn_tensor *use) {
  tmp->mem = 0;
  tmp->ndim = 0;
  if (stn_same_shape(a, b)) { *use = *b; return STN_OK; }
  if (stn_tensor_numel(a) != stn_tensor_numel(b))
    return STN_FAIL(STN_ERR_ARG, "%s: %s has %lld elements (%s) but %lld (%s) are needed", fn, bname,
                    (long long)stn_tensor_numel(b), stn_shape_str(b), (long long)stn_tensor_numel(a), stn_shape_str(a));
  STN_TRY(stn_contiguous_copy(ctx, tmp, b));
  *use = stn_view_like(tmp, a);
  return STN_OK;
}
#endif /* STN_STRIDED_H */
