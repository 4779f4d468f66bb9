/* pool.h: SpatialMaxPooling and SpatialAveragePooling's checked geometry, shared by the
 * CPU passes (csrc/nn/max_pool2d.c, avg_pool2d.c) and their CUDA twins. */
#ifndef STN_NN_POOL_H
#define STN_NN_POOL_H

#include "nn/checks.h"

/* Sizes of a pooling sweep over (B x) C x H x W planes. */
typedef struct stn_pool_geom {
  int64_t B, C, H, W, oH, oW;
  int kW, kH, dW, dH, padW, padH;
} stn_pool_geom;

#ifdef __cplusplus
extern "C" {
#endif
/* csrc/nn/pool_check.c: the plan and the input (Torch7's rules: positive kernel and
 * stride, padding at most half the kernel, a window that fits the padded input); and
 * a backward pass's gradients against that geometry. */
stn_status stn_pool_check(const char *fn, const stn_pool2d_plan *plan, const stn_tensor *input, stn_pool_geom *g);
stn_status stn_pool_check_grad(const char *fn, const stn_tensor *input, const stn_tensor *gradOutput,
                               const stn_tensor *gradInput, const stn_pool_geom *g);

/* The CUDA twins (cuda/nn/max_pool2d.cu, avg_pool2d.cu), called with the checked
 * geometry and the outputs sized. */
stn_status stn_max_pool2d_forward_cuda(stn_ctx *ctx, const stn_pool_geom *g, const stn_tensor *input,
                                       stn_tensor *output, stn_tensor *indices);
stn_status stn_max_pool2d_backward_cuda(stn_ctx *ctx, const stn_pool_geom *g, const stn_tensor *gradOutput,
                                        stn_tensor *gradInput, const stn_tensor *indices);
stn_status stn_avg_pool2d_forward_cuda(stn_ctx *ctx, const stn_pool_geom *g, int count_include_pad,
                                       const stn_tensor *input, stn_tensor *output);
stn_status stn_avg_pool2d_backward_cuda(stn_ctx *ctx, const stn_pool_geom *g, int count_include_pad,
                                        const stn_tensor *gradOutput, stn_tensor *gradInput);
#ifdef __cplusplus
}
#endif

#endif /* STN_NN_POOL_H */
