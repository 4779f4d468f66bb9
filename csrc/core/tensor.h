/* tensor.h: reading a tensor view without touching its storage: shape strings for
 * messages, shape and view comparisons, element addressing, and the argument checks
 * every op starts with (element count and contiguity are public: stn/core.h). */
#ifndef STN_CORE_TENSOR_H
#define STN_CORE_TENSOR_H

#include "stn.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STN_MAX_NUMEL ((int64_t)1 << STN_MAX_NUMEL_LOG2)

/* "2x3x4" for t, in one of a few rotating thread-local buffers (so a message can
 * name several shapes). */
const char *stn_shape_str(const stn_tensor *t);
const char *stn_device_str(int device);

/* Argument checks shared by the ops; each names fn in its message. stn_check_view
 * proves the element type is known and is its storage's, and the view lies inside its
 * storage (sizes, strides and offset non-negative, at most STN_MAX_NUMEL elements, last
 * element within the storage), so no kernel reads or writes outside it whatever a file
 * or an FFI caller put in the struct. stn_check_tensor_any is that and a type ops
 * compute in: the 16-bit float storage types (Half, BFloat16) are refused by name, so
 * that only the ops made for them (copy, fill, the spatial ops through
 * core/half_call.h), which call stn_check_view, ever see them. */
stn_status stn_check_view(const char *fn, const char *name, const stn_tensor *t);
stn_status stn_check_tensor_any(const char *fn, const char *name, const stn_tensor *t);
/* stn_check_tensor_any and a float tensor: the check of the ops that compute in float
 * only, so a tensor of another type is refused by name, never misread. */
stn_status stn_check_tensor(const char *fn, const char *name, const stn_tensor *t);
stn_status stn_check_dtype(const char *fn, const char *name, const stn_tensor *t, int dtype);
stn_status stn_check_same_dtype(const char *fn, const char *an, const stn_tensor *a, const char *bn,
                                const stn_tensor *b);
stn_status stn_check_same_device(const char *fn, const stn_tensor *a, const stn_tensor *b);
stn_status stn_check_dim(const char *fn, const char *name, const stn_tensor *t, int dim);
stn_status stn_check_same_shape(const char *fn, const char *an, const stn_tensor *a, const char *bn, const stn_tensor *b);

int stn_same_shape(const stn_tensor *a, const stn_tensor *b);
/* a and b are the same view: storage, offset, sizes and strides. */
int stn_same_view(const stn_tensor *a, const stn_tensor *b);
/* b is not NULL and has a's (non-NULL) storage: writing a may change b. */
static inline int stn_shares_storage(const stn_tensor *a, const stn_tensor *b) {
  return b && a->mem && a->mem == b->mem;
}
/* The first element of a float tensor (stn_check_tensor has proved it is one). */
static inline float *stn_data(const stn_tensor *t) {
  return t->mem ? t->mem->data + t->offset : (float *)0;
}
/* The first element of a tensor of any type, as bytes. */
static inline void *stn_ptr(const stn_tensor *t) {
  return t->mem ? (char *)t->mem->ptr + t->offset * stn_dtype_size(t->dtype) : (void *)0;
}
/* Offset (in elements, from stn_data) of the element with row-major linear index i. */
static inline int64_t stn_offset_of(const stn_tensor *t, int64_t i) {
  int64_t off = 0;
  for (int d = t->ndim - 1; d >= 0; d--) {
    int64_t s = t->shape[d];
    off += (i % s) * t->strides[d];
    i /= s;
  }
  return off;
}

#ifdef __cplusplus
}
#endif
#endif /* STN_CORE_TENSOR_H */
