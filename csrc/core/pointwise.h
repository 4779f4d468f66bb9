/* pointwise.h: the CUDA twins of the element-wise ops (stn_unary, stn_binary,
 * stn_ternary: csrc/core/pointwise.c; cuda/core/pointwise.cu), same arguments (the
 * numbers rounded to float), called once the entry point has checked them, given b and
 * c out's shape and resized out. They compute on float tensors only, but for a fill of
 * any type and the comparisons of float tensors into a Byte result. */
#ifndef STN_CORE_POINTWISE_H
#define STN_CORE_POINTWISE_H

#include "stn.h"

#ifdef __cplusplus
extern "C" {
#endif

stn_status stn_unary_cuda(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int op, float p, float q);
stn_status stn_binary_cuda(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, const stn_tensor *b, int op, float p);
stn_status stn_ternary_cuda(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, const stn_tensor *b, const stn_tensor *c, int op, float p);
/* out <- v, out of any type: f for Float and Double, i (in range) for the integer types,
 * i the 16-bit pattern for Half and BFloat16. */
stn_status stn_fill_cuda(stn_ctx *ctx, stn_tensor *out, double f, int64_t i);
/* out (Byte) <- a op b, or a op p when b is NULL, as 1 or 0; a and b float, op one of
 * stn_binary's comparisons (STN_EQ ... STN_LE). */
stn_status stn_compare_cuda(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, const stn_tensor *b, int op, float p);

#ifdef __cplusplus
}
#endif
#endif /* STN_CORE_POINTWISE_H */
