/* softmax.h: SoftMax and LogSoftMax's checked geometry, shared by the CPU passes
 * (csrc/nn/softmax.c) and the CUDA twin (cuda/nn/softmax.cu). */
#ifndef STN_NN_SOFTMAX_H
#define STN_NN_SOFTMAX_H

#include "nn/checks.h"

/* Rows of a softmax over the feature dimension: outer x inner rows of n entries,
 * entry j at stride inner (n, B x n, C x H x W over C, B x C x H x W over C). */
typedef struct stn_softmax_geom {
  int64_t outer, n, inner;
} stn_softmax_geom;

static inline stn_status stn_softmax_check(const char *fn, const stn_tensor *x, stn_softmax_geom *g) {
  switch (x->ndim) {
  case 1: g->outer = 1, g->n = x->shape[0], g->inner = 1; break;
  case 2: g->outer = x->shape[0], g->n = x->shape[1], g->inner = 1; break;
  case 3: g->outer = 1, g->n = x->shape[0], g->inner = x->shape[1] * x->shape[2]; break;
  case 4: g->outer = x->shape[0], g->n = x->shape[1], g->inner = x->shape[2] * x->shape[3]; break;
  default:
    return STN_FAIL(STN_ERR_ARG, "%s: input must be 1-D (n), 2-D (B x n), 3-D (C x H x W) or 4-D, got %s", fn,
                    stn_shape_str(x));
  }
  return STN_OK;
}

#ifdef __cplusplus
extern "C" {
#endif
/* The CUDA twins, called with the checked geometry and the outputs sized. */
stn_status stn_softmax_forward_cuda(stn_ctx *ctx, const stn_softmax_geom *g, const stn_tensor *input,
                                    stn_tensor *output, int use_log);
stn_status stn_softmax_backward_cuda(stn_ctx *ctx, const stn_softmax_geom *g, const stn_tensor *output,
                                     const stn_tensor *gradOutput, stn_tensor *gradInput, int use_log);
#ifdef __cplusplus
}
#endif

#endif /* STN_NN_SOFTMAX_H */
