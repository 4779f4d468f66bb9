/* tensor.c: what can be read off a view without touching its storage: element
 * count, contiguity, shape strings, comparisons, and the argument checks. */
#include "tensor.h"
#include "error.h"
#include "half.h"

#include <stdio.h>
#include <string.h>

/* Saturates at INT64_MAX instead of wrapping, so a struct filled in by hand can never
 * claim fewer elements than it has; stn_check_tensor refuses anything above STN_MAX_NUMEL. */
int64_t stn_tensor_numel(const stn_tensor *t) {
  if (!t || t->ndim <= 0 || t->ndim > STN_MAX_DIM) return 0;
  int64_t n = 1;
  for (int d = 0; d < t->ndim; d++) {
    if (t->shape[d] <= 0) return 0;
    if (__builtin_mul_overflow(n, t->shape[d], &n)) n = INT64_MAX;
  }
  return n;
}

int stn_tensor_is_contiguous(const stn_tensor *t) {
  int64_t expect = 1;
  for (int d = t->ndim - 1; d >= 0; d--) {
    if (t->shape[d] != 1 && t->strides[d] != expect) return 0;
    expect *= t->shape[d];
  }
  return 1;
}

const char *stn_shape_str(const stn_tensor *t) {
  static _Thread_local char bufs[8][128];
  static _Thread_local int next;
  char *b = bufs[next];
  next = (next + 1) % 8;
  if (!t) return "(null)";
  if (t->ndim == 0) return "[empty]";
  size_t n = 0;
  b[0] = 0;
  for (int d = 0; d < t->ndim && n < sizeof bufs[0] - 24; d++)
    n += (size_t)snprintf(b + n, sizeof bufs[0] - n, d ? "x%lld" : "%lld", (long long)t->shape[d]);
  return b;
}

const char *stn_device_str(int device) { return device == STN_CUDA ? "cuda" : "cpu"; }

stn_status stn_check_tensor_any(const char *fn, const char *name, const stn_tensor *t) {
  STN_TRY(stn_check_view(fn, name, t));
  if (stn_dtype_is_half(t->dtype))
    return STN_FAIL(STN_ERR_ARG,
                    "%s: %s tensors are not supported here (%s is one: a 16-bit storage type that copies, fill, "
                    "the samplers and grid generators take; convert to Float first)",
                    fn, stn_dtype_name(t->dtype), name);
  return STN_OK;
}

stn_status stn_check_view(const char *fn, const char *name, const stn_tensor *t) {
  if (!t) return STN_FAIL(STN_ERR_ARG, "%s: %s is NULL", fn, name);
  if (t->dtype < 0 || t->dtype >= STN_NUM_DTYPES)
    return STN_FAIL(STN_ERR_ARG, "%s: %s has unknown element type %d", fn, name, t->dtype);
  if (t->mem && t->mem->dtype != t->dtype)
    return STN_FAIL(STN_ERR_ARG, "%s: %s is a %s tensor but its storage holds %s elements", fn, name,
                    stn_dtype_name(t->dtype), stn_dtype_name(t->mem->dtype));
  if (t->ndim < 0 || t->ndim > STN_MAX_DIM)
    return STN_FAIL(STN_ERR_ARG, "%s: %s has %d dimensions (0 to %d allowed)", fn, name, t->ndim, STN_MAX_DIM);
  if (t->mem && t->mem->device != t->device)
    return STN_FAIL(STN_ERR_INTERNAL, "%s: %s says %s but its storage is on %s", fn, name,
                    stn_device_str(t->device), stn_device_str(t->mem->device));
  if (t->offset < 0 || t->offset > STN_MAX_NUMEL)
    return STN_FAIL(STN_ERR_ARG, "%s: %s has offset %lld (0 to 2^%d allowed)", fn, name, (long long)t->offset,
                    STN_MAX_NUMEL_LOG2);
  int64_t numel = t->ndim > 0 ? 1 : 0, last = t->offset; /* last: storage index of the last element, saturated */
  for (int d = 0; d < t->ndim; d++) {
    int64_t n = t->shape[d], s = t->strides[d];
    if (n < 0 || n > STN_MAX_NUMEL || s < 0 || s > STN_MAX_NUMEL)
      return STN_FAIL(STN_ERR_ARG, "%s: %s has size %lld and stride %lld at dimension %d (0 to 2^%d allowed)", fn,
                      name, (long long)n, (long long)s, d + 1, STN_MAX_NUMEL_LOG2);
    numel = n == 0 || numel == 0 ? 0 : (numel > STN_MAX_NUMEL / n ? STN_MAX_NUMEL + 1 : numel * n);
    int64_t reach;
    if (n > 0 && (__builtin_mul_overflow(n - 1, s, &reach) || __builtin_add_overflow(last, reach, &last)))
      last = INT64_MAX;
  }
  if (numel > STN_MAX_NUMEL)
    return STN_FAIL(STN_ERR_ARG, "%s: %s (%s) has more than 2^%d elements", fn, name, stn_shape_str(t),
                    STN_MAX_NUMEL_LOG2);
  if (numel > 0) {
    if (!t->mem) return STN_FAIL(STN_ERR_ARG, "%s: %s has no storage", fn, name);
    if (last >= t->mem->size)
      return STN_FAIL(STN_ERR_ARG, "%s: %s (%s, offset %lld) ends at storage index %lld but its storage holds %lld",
                      fn, name, stn_shape_str(t), (long long)t->offset, (long long)last, (long long)t->mem->size);
  }
  return STN_OK;
}

stn_status stn_check_tensor(const char *fn, const char *name, const stn_tensor *t) {
  STN_TRY(stn_check_tensor_any(fn, name, t));
  return stn_check_dtype(fn, name, t, STN_FLOAT);
}

stn_status stn_check_dtype(const char *fn, const char *name, const stn_tensor *t, int dtype) {
  if (t->dtype != dtype)
    return STN_FAIL(STN_ERR_ARG, "%s: %s is a %s tensor, expected %s", fn, name, stn_dtype_name(t->dtype),
                    stn_dtype_name(dtype));
  return STN_OK;
}

stn_status stn_check_same_dtype(const char *fn, const char *an, const stn_tensor *a, const char *bn,
                                const stn_tensor *b) {
  if (a->dtype != b->dtype)
    return STN_FAIL(STN_ERR_ARG, "%s: %s is a %s tensor but %s is a %s tensor", fn, an, stn_dtype_name(a->dtype), bn,
                    stn_dtype_name(b->dtype));
  return STN_OK;
}

stn_status stn_check_same_device(const char *fn, const stn_tensor *a, const stn_tensor *b) {
  if (a && b && a->device != b->device)
    return STN_FAIL(STN_ERR_DEVICE, "%s: a %s tensor (%s) mixed with a %s tensor (%s)", fn,
                    stn_device_str(a->device), stn_shape_str(a), stn_device_str(b->device), stn_shape_str(b));
  return STN_OK;
}

stn_status stn_check_dim(const char *fn, const char *name, const stn_tensor *t, int dim) {
  if (t->ndim != dim)
    return STN_FAIL(STN_ERR_ARG, "%s: %s must be %d-D, got %s", fn, name, dim, stn_shape_str(t));
  return STN_OK;
}

int stn_same_shape(const stn_tensor *a, const stn_tensor *b) {
  if (a->ndim != b->ndim) return 0;
  for (int d = 0; d < a->ndim; d++)
    if (a->shape[d] != b->shape[d]) return 0;
  return 1;
}

int stn_same_view(const stn_tensor *a, const stn_tensor *b) {
  return a->mem == b->mem && a->offset == b->offset && stn_same_shape(a, b) &&
         !memcmp(a->strides, b->strides, sizeof a->strides);
}

stn_status stn_check_same_shape(const char *fn, const char *an, const stn_tensor *a, const char *bn, const stn_tensor *b) {
  if (!stn_same_shape(a, b))
    return STN_FAIL(STN_ERR_ARG, "%s: %s is %s but %s is %s", fn, an, stn_shape_str(a), bn, stn_shape_str(b));
  return STN_OK;
}
