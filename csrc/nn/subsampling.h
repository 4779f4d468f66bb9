/* subsampling.h: SpatialSubSampling's checked geometry, shared by the CPU passes
 * (csrc/nn/subsampling.c) and the CUDA twin (cuda/nn/subsampling.cu). */
#ifndef STN_NN_SUBSAMPLING_H
#define STN_NN_SUBSAMPLING_H

#include "nn/checks.h"

/* Sizes of a sub-sampling sweep over (B x) C x H x W planes (no padding:
 * oH = (H - kH) / dH + 1, oW likewise). */
typedef struct stn_subsampling_geom {
  int64_t B, C, H, W, oH, oW;
  int kW, kH, dW, dH;
} stn_subsampling_geom;

/* The output rows [*o0, *o1) whose windows (k taps, stride d, o outputs) cover input
 * row i; empty when i lies past the last window. Shared with the CUDA twin so both
 * gather over the same windows. */
#ifdef __CUDACC__
__host__ __device__
#endif
static inline void stn_subsampling_cover(int64_t i, int k, int d, int64_t o, int64_t *o0, int64_t *o1) {
  int64_t first = i - k + 1; /* the first window start that still reaches i */
  *o0 = first <= 0 ? 0 : (first + d - 1) / d;
  int64_t last = i / d + 1;
  *o1 = last < o ? last : o;
}

#ifdef __cplusplus
extern "C" {
#endif
/* The CUDA twins, called with the checked geometry, the outputs sized and the
 * parameters checked (C contiguous elements each); in backward, any of gradInput,
 * gradWeight, gradBias may be NULL (not computed). */
stn_status stn_subsampling_forward_cuda(stn_ctx *ctx, const stn_subsampling_geom *g, const stn_tensor *input,
                                        stn_tensor *output, const stn_tensor *weight, const stn_tensor *bias);
stn_status stn_subsampling_backward_cuda(stn_ctx *ctx, const stn_subsampling_geom *g, const stn_tensor *input,
                                         const stn_tensor *gradOutput, const stn_tensor *weight,
                                         const stn_conv2d_grads *grads);
#ifdef __cplusplus
}
#endif

#endif /* STN_NN_SUBSAMPLING_H */
