/* checks.h: the element-type rule of the spatial ops: Float and Double on the CPU,
 * Float only on CUDA (its kernels compute in float), every operand of one call of the
 * same type as the first; and the output sizes a 2-D grid generator takes. */
#ifndef STN_SPATIAL_CHECKS_H
#define STN_SPATIAL_CHECKS_H

#include "core/error.h"
#include "core/tensor.h"

/* t is a valid tensor of a type the spatial ops take; with like (not NULL), of like's type. */
static inline stn_status stn_spatial_check(const char *fn, const char *name, const stn_tensor *t,
                                           const char *like_name, const stn_tensor *like) {
  STN_TRY(stn_check_tensor_any(fn, name, t));
  if (t->dtype != STN_FLOAT && t->dtype != STN_DOUBLE)
    return STN_FAIL(STN_ERR_ARG, "%s: %s is a %s tensor (Float and Double only)", fn, name, stn_dtype_name(t->dtype));
  if (t->device == STN_CUDA && t->dtype != STN_FLOAT)
    return STN_FAIL(STN_ERR_ARG, "%s: %s is a CUDA %s tensor (CUDA computes in Float only)", fn, name,
                    stn_dtype_name(t->dtype));
  if (like) STN_TRY(stn_check_same_dtype(fn, name, t, like_name, like));
  return STN_OK;
}

/* A 2-D grid generator's height x width: at least 2 per axis with corners aligned (the
 * base coordinates divide by size - 1), else 1; at most 2^30. */
static inline stn_status stn_grid_size_check(const char *fn, int64_t height, int64_t width, int align_corners) {
  int64_t least = align_corners ? 2 : 1;
  if (height < least || width < least || height > (1 << 30) || width > (1 << 30))
    return STN_FAIL(STN_ERR_ARG, "%s: grid size %lldx%lld out of range (at least %lldx%lld%s)", fn, (long long)height,
                    (long long)width, (long long)least, (long long)least,
                    align_corners ? ": with corners aligned the formula divides by size - 1" : "");
  return STN_OK;
}

#endif /* STN_SPATIAL_CHECKS_H */
