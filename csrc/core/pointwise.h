/* pointwise.h: the CUDA twins of the element-wise ops (stn_unary, stn_binary,
 * stn_ternary: csrc/core/pointwise.c; cuda/core/pointwise.cu), same arguments, called
 * once the entry point has checked them, given b and c out's shape and resized out. */
#ifndef STN_CORE_POINTWISE_H
#define STN_CORE_POINTWISE_H

#include "stn.h"

#ifdef __cplusplus
extern "C" {
#endif

stn_status stn_unary_cuda(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int op, float p, float q);
stn_status stn_binary_cuda(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, const stn_tensor *b, int op, float p);
stn_status stn_ternary_cuda(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, const stn_tensor *b, const stn_tensor *c, int op, float p);

#ifdef __cplusplus
}
#endif
#endif /* STN_CORE_POINTWISE_H */
