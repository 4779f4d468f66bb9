/* checks.h: what the nn entry points share before they compute: argument checks that
 * name the op, scratch tensors owned by the caller, and image shapes. */
#ifndef STN_NN_CHECKS_H
#define STN_NN_CHECKS_H

#include "core/context.h"
#include "core/dtype.h"
#include "core/copy.h"
#include "core/error.h"
#include "core/storage.h"
#include "core/tensor.h"

/* A scratch tensor owned by the caller (a module's buffer): an empty one takes the
 * device and element type it is needed in; it is grown to at least n elements of dtype
 * and viewed as 1-D. A non-empty one of another type is refused (a module converts its
 * buffers with its parameters). */
static inline stn_status stn_scratch_typed(stn_ctx *ctx, const char *fn, stn_tensor *work, int device, int dtype,
                                           int64_t n) {
  STN_TRY(stn_check_tensor_any(fn, "work", work));
  if (!work->mem) work->device = device, work->dtype = dtype;
  if (work->device != device)
    return STN_FAIL(STN_ERR_DEVICE, "%s: the work buffer is on %s but the input is on %s", fn,
                    stn_device_str(work->device), stn_device_str(device));
  if (work->dtype != dtype)
    return STN_FAIL(STN_ERR_ARG, "%s: the work buffer is a %s tensor but the input is %s", fn,
                    stn_dtype_name(work->dtype), stn_dtype_name(dtype));
  int64_t have = work->mem ? work->mem->size - work->offset : 0;
  if (!stn_tensor_is_contiguous(work) || have < n) {
    int64_t sz = n;
    STN_TRY(stn_resize_out(ctx, work, dtype, 1, &sz));
  }
  return STN_OK;
}

/* The float scratch of the float-only passes (direct convolutions, CUDA). */
static inline stn_status stn_scratch(stn_ctx *ctx, const char *fn, stn_tensor *work, int device, int64_t n) {
  return stn_scratch_typed(ctx, fn, work, device, STN_FLOAT, n);
}

/* The main input of an nn op: a Float or Double tensor on the CPU, a Float one on CUDA
 * (the CUDA kernels compute in float only). */
static inline stn_status stn_check_nn_input(const char *fn, const char *name, const stn_tensor *t) {
  STN_TRY(stn_check_tensor_any(fn, name, t));
  if (t->dtype != STN_FLOAT && t->dtype != STN_DOUBLE)
    return STN_FAIL(STN_ERR_ARG, "%s: %s is a %s tensor (Float and Double only)", fn, name, stn_dtype_name(t->dtype));
  if (t->device == STN_CUDA && t->dtype != STN_FLOAT)
    return STN_FAIL(STN_ERR_ARG, "%s: %s is a CUDA %s tensor: CUDA kernels compute in Float only", fn, name,
                    stn_dtype_name(t->dtype));
  return STN_OK;
}

/* An optional tensor (NULL or empty when absent) on the given device. */
static inline int stn_present(const stn_tensor *t) { return t && t->ndim > 0; }

/* The first element of a tensor of the generic instance's type (scalar_t). */
#define STN_NN_DATA(t) ((scalar_t *)stn_ptr(t))

/* Checks t is a tensor on like's device and of like's element type (a NULL t fails);
 * an empty t takes like's device. */
static inline stn_status stn_check_on(const char *fn, const char *name, const stn_tensor *t, const stn_tensor *like) {
  STN_TRY(stn_check_tensor_any(fn, name, t));
  if (t->mem && t->device != like->device)
    return STN_FAIL(STN_ERR_DEVICE, "%s: %s is on %s (%s) but the input is on %s", fn, name, stn_device_str(t->device),
                    stn_shape_str(t), stn_device_str(like->device));
  if (t->dtype != like->dtype)
    return STN_FAIL(STN_ERR_ARG, "%s: %s is a %s tensor but the input is %s", fn, name, stn_dtype_name(t->dtype),
                    stn_dtype_name(like->dtype));
  if (!t->mem) ((stn_tensor *)t)->device = like->device; /* an empty output follows the input */
  return STN_OK;
}

/* Outputs are written as flat arrays: a caller-given view must be contiguous. */
static inline stn_status stn_check_contiguous(const char *fn, const char *name, const stn_tensor *t) {
  if (!stn_tensor_is_contiguous(t))
    return STN_FAIL(STN_ERR_ARG, "%s: %s (%s) must be contiguous", fn, name, stn_shape_str(t));
  return STN_OK;
}

/* A plan or config argument: a NULL one fails. */
static inline stn_status stn_check_plan(const char *fn, const char *name, const void *plan) {
  if (!plan) return STN_FAIL(STN_ERR_ARG, "%s: %s is NULL", fn, name);
  return STN_OK;
}

/* Batched (4-D) or single (3-D) images: *b is the batch size (1 for 3-D). */
static inline stn_status stn_check_images(const char *fn, const stn_tensor *x, int64_t *b, int64_t *c, int64_t *h,
                                          int64_t *w) {
  *b = *c = *h = *w = 0;
  if (x->ndim == 4) {
    *b = x->shape[0], *c = x->shape[1], *h = x->shape[2], *w = x->shape[3];
  } else if (x->ndim == 3) {
    *b = 1, *c = x->shape[0], *h = x->shape[1], *w = x->shape[2];
  } else {
    return STN_FAIL(STN_ERR_ARG, "%s: input must be 3-D (C x H x W) or 4-D (B x C x H x W), got %s", fn,
                    stn_shape_str(x));
  }
  return STN_OK;
}

/* Resizes out to (b x) c x h x w, batched like like. */
static inline stn_status stn_resize_images(stn_ctx *ctx, stn_tensor *out, const stn_tensor *like, int64_t b, int64_t c,
                                           int64_t h, int64_t w) {
  int64_t s4[4] = {b, c, h, w};
  if (like->ndim == 4) return stn_resize_out(ctx, out, like->dtype, 4, s4);
  return stn_resize_out(ctx, out, like->dtype, 3, s4 + 1);
}

#endif /* STN_NN_CHECKS_H */
