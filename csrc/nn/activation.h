/* activation.h: the nonlinearities' CUDA twins (cuda/nn/activation.cu), called by
 * csrc/nn/activation.c once it has checked the arguments and sized the outputs. */
#ifndef STN_NN_ACTIVATION_H
#define STN_NN_ACTIVATION_H

#include "nn/checks.h"

#ifdef __cplusplus
extern "C" {
#endif
stn_status stn_activation_forward_cuda(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, int kind,
                                       float threshold, float value);
stn_status stn_activation_backward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *output,
                                        const stn_tensor *gradOutput, stn_tensor *gradInput, int kind, float threshold);
#ifdef __cplusplus
}
#endif

#endif /* STN_NN_ACTIVATION_H */
