/* sgd.h: the SGD step's CUDA twin (cuda/nn/sgd.cu), called by csrc/nn/sgd.c once it
 * has checked the config and the tensors (unused ones NULL). */
#ifndef STN_NN_SGD_H
#define STN_NN_SGD_H

#include "nn/checks.h"

#ifdef __cplusplus
extern "C" {
#endif
stn_status stn_sgd_step_cuda(stn_ctx *ctx, const stn_sgd_config *config, stn_tensor *x, stn_tensor *dfdx,
                             stn_tensor *momentum_buf, const stn_tensor *lrs, const stn_tensor *wds);
#ifdef __cplusplus
}
#endif

#endif /* STN_NN_SGD_H */
