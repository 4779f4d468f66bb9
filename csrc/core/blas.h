/* blas.h: the CUDA twins of the matrix products (stn_addmm, stn_baddbmm, stn_addmv:
 * csrc/core/blas.c; cuda/core/blas.cu on cuBLAS), called once the entry point has given
 * every operand a BLAS layout (matrix.h), sized the output and folded m into it (m is
 * NULL or the output; beta is 0 when it is NULL). */
#ifndef STN_CORE_BLAS_H
#define STN_CORE_BLAS_H

#include "stn.h"

#ifdef __cplusplus
extern "C" {
#endif

stn_status stn_addmm_cuda(stn_ctx *ctx, stn_tensor *out, float beta, const stn_tensor *m, float alpha, const stn_tensor *a, const stn_tensor *b);
stn_status stn_baddbmm_cuda(stn_ctx *ctx, stn_tensor *out, float beta, const stn_tensor *m, float alpha, const stn_tensor *a, const stn_tensor *b);
stn_status stn_addmv_cuda(stn_ctx *ctx, stn_tensor *out, float beta, const stn_tensor *v, float alpha, const stn_tensor *mat, const stn_tensor *vec);

#ifdef __cplusplus
}
#endif
#endif /* STN_CORE_BLAS_H */
