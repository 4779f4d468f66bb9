/* criterion.h: the criterions' CUDA twins (cuda/nn/class_nll.cu, mse.cu), called by
 * csrc/nn/class_nll.c and mse.c once those have checked the arguments and sized the
 * outputs (absent weights NULL). */
#ifndef STN_NN_CRITERION_H
#define STN_NN_CRITERION_H

#include "nn/checks.h"

#ifdef __cplusplus
extern "C" {
#endif
stn_status stn_class_nll_forward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target,
                                      stn_tensor *output, const stn_tensor *weights, int size_average,
                                      int64_t ignore_index, double *loss);
stn_status stn_class_nll_backward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target,
                                       stn_tensor *gradInput, const stn_tensor *weights, int size_average,
                                       int64_t ignore_index);
stn_status stn_mse_forward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target, stn_tensor *output,
                                int size_average, double *loss);
stn_status stn_mse_backward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target,
                                 stn_tensor *gradInput, int size_average);
#ifdef __cplusplus
}
#endif

#endif /* STN_NN_CRITERION_H */
