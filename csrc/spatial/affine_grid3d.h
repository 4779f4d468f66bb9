/* affine_grid3d.h: the 3-D affine grid's per-point arithmetic, shared by the CPU loops
 * (affine_grid3d_generic.h) and the CUDA twins (cuda/spatial/affine_grid3d.cu), so that
 * both devices round the same way. */
#ifndef STN_AFFINE_GRID3D_H
#define STN_AFFINE_GRID3D_H

#include "coords.h"
#include "core/context.h"
#include "core/copy.h"
#include "core/error.h"
#include "core/storage.h"
#include "core/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The CUDA twins, on contiguous Float CUDA tensors; dhw = {depth, height, width}. */
stn_status stn_affine_grid3d_forward_cuda(stn_ctx *ctx, const stn_tensor *theta, stn_tensor *grid, const int64_t *dhw,
                                          int align);
stn_status stn_affine_grid3d_backward_cuda(stn_ctx *ctx, const stn_tensor *grad_grid, stn_tensor *grad_theta, int align);

#ifdef __cplusplus
}
#endif

/* ((t0 x + t1 y) + t2 z) + t3, each step rounded on its own (CUDA would fuse otherwise). */
STN_HD float stn_affine3_apply(const float *t, float x, float y, float z) {
#ifdef __CUDA_ARCH__
  return __fadd_rn(__fadd_rn(__fadd_rn(__fmul_rn(t[0], x), __fmul_rn(t[1], y)), __fmul_rn(t[2], z)), t[3]);
#else
  return ((t[0] * x + t[1] * y) + t[2] * z) + t[3];
#endif
}

#endif /* STN_AFFINE_GRID3D_H */
