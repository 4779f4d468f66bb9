/* local_norm.h: the local (contrastive) normalizations' checked geometry, shared by
 * the CPU passes (csrc/nn/local_norm.c) and the CUDA twin (cuda/nn/local_norm.cu). */
#ifndef STN_NN_LOCAL_NORM_H
#define STN_NN_LOCAL_NORM_H

#include "nn/checks.h"

/* Sizes of a local normalization: images and the averaging kernel (kdim 1: k k^T
 * with kh = kw = its length; kdim 2: kh x kw). */
typedef struct stn_localnorm_geom {
  int64_t B, C, H, W;
  int kdim, kh, kw;
} stn_localnorm_geom;

#ifdef __cplusplus
extern "C" {
#endif
/* The input and the kernel (csrc/nn/local_norm.c). */
stn_status stn_localnorm_check(const char *fn, const stn_tensor *input, const stn_tensor *kernel,
                               stn_localnorm_geom *g);

/* The CUDA twins, called with the plan, the checked geometry and the outputs sized. */
stn_status stn_localnorm_forward_cuda(stn_ctx *ctx, const stn_localnorm_plan *plan, const stn_localnorm_geom *g,
                                      const stn_tensor *input, stn_tensor *output, const stn_tensor *kernel,
                                      stn_tensor *work);
stn_status stn_localnorm_backward_cuda(stn_ctx *ctx, const stn_localnorm_plan *plan, const stn_localnorm_geom *g,
                                       const stn_tensor *input, const stn_tensor *gradOutput, stn_tensor *gradInput,
                                       const stn_tensor *kernel, stn_tensor *work);
#ifdef __cplusplus
}
#endif

#endif /* STN_NN_LOCAL_NORM_H */
