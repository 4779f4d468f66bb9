/* linear.h: nn.Linear's CUDA twins (cuda/nn/linear.cu), called by csrc/nn/linear.c
 * once it has checked the arguments and sized the outputs (absent ones NULL). */
#ifndef STN_NN_LINEAR_H
#define STN_NN_LINEAR_H

#include "nn/checks.h"

#ifdef __cplusplus
extern "C" {
#endif
stn_status stn_linear_forward_cuda(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, const stn_tensor *weight,
                                   const stn_tensor *bias);
stn_status stn_linear_backward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *gradOutput,
                                    stn_tensor *gradInput, const stn_tensor *weight, stn_tensor *gradWeight,
                                    stn_tensor *gradBias, float scale);
#ifdef __cplusplus
}
#endif

#endif /* STN_NN_LINEAR_H */
