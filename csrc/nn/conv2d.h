/* conv2d.h: SpatialConvolution's checked geometry, shared by the CPU passes
 * (csrc/nn/conv2d.c, the direct ones of conv2d_direct.h) and the CUDA twin
 * (cuda/nn/conv2d.cu), and the column matrices of im2col + sgemm (dgemm on Double). */
#ifndef STN_NN_CONV2D_H
#define STN_NN_CONV2D_H

#include "nn/checks.h"

/* Sizes of a convolution: input (B x) C x H x W, weight O x C x kH x kW (or O x K). */
typedef struct stn_conv_geom {
  int64_t B, C, H, W, O, oH, oW;
  int64_t K; /* C * kH * kW: rows of the column matrix */
  int64_t N; /* oH * oW: columns per image */
  int kW, kH, dW, dH, padW, padH;
  int dilW, dilH; /* spacing of the kernel's taps; 1 = a plain convolution */
} stn_conv_geom;

/* The input extent a kernel of k taps spaced dil apart covers: dil (k - 1) + 1. */
static inline int64_t stn_conv_span(int k, int dil) { return (int64_t)dil * (k - 1) + 1; }

/* The plan's dilation (0 read as 1: a plan zero-initialized by a caller that predates
 * the fields), checked: positive, and the dilated kernel's extent within int range
 * (the column loops index taps with int). */
static inline stn_status stn_conv_dilation(const char *fn, const stn_conv2d_plan *plan, int *dilW, int *dilH) {
  *dilW = plan->dilW == 0 ? 1 : plan->dilW;
  *dilH = plan->dilH == 0 ? 1 : plan->dilH;
  if (*dilW < 1 || *dilH < 1)
    return STN_FAIL(STN_ERR_ARG, "%s: dilation %d,%d must be positive (0 reads as 1)", fn, plan->dilW, plan->dilH);
  if (stn_conv_span(plan->kW, *dilW) > INT32_MAX || stn_conv_span(plan->kH, *dilH) > INT32_MAX)
    return STN_FAIL(STN_ERR_ARG, "%s: a %dx%d kernel dilated by %d,%d is too large", fn, plan->kW, plan->kH, *dilW,
                    *dilH);
  return STN_OK;
}

/* With stride 1, no dilation (and padding below the kernel size), the image gradient
 * of a convolution is itself a convolution: of gy, padded by k - 1 - pad, with the
 * weights flipped and their planes swapped (C x O x kH x kW). This is its geometry (gy
 * is its input, gx its output). */
static inline int stn_conv_transposable(const stn_conv_geom *g) {
  return g->dW == 1 && g->dH == 1 && g->dilW == 1 && g->dilH == 1 && g->padW <= g->kW - 1 && g->padH <= g->kH - 1;
}
static inline stn_conv_geom stn_conv_transposed_geom(const stn_conv_geom *g) {
  stn_conv_geom t = *g;
  t.C = g->O, t.H = g->oH, t.W = g->oW, t.O = g->C, t.oH = g->H, t.oW = g->W;
  t.padW = g->kW - 1 - g->padW, t.padH = g->kH - 1 - g->padH;
  t.K = g->O * g->kH * g->kW;
  t.N = g->H * g->W;
  return t;
}

#ifdef __cplusplus
extern "C" {
#endif
/* csrc/nn/im2col.c: the windows of channels [c0, c1) of image x as rows (c, i, j) of
 * col, N = oH * oW columns each, at row stride ld; and the adjoint, adding into gx. */
void stn_im2col_float(const float *x, float *col, int64_t ld, const stn_conv_geom *g, int64_t c0, int64_t c1);
void stn_col2im_float(const float *col, int64_t ld, float *gx, const stn_conv_geom *g, int64_t c0, int64_t c1);
void stn_im2col_double(const double *x, double *col, int64_t ld, const stn_conv_geom *g, int64_t c0, int64_t c1);
void stn_col2im_double(const double *col, int64_t ld, double *gx, const stn_conv_geom *g, int64_t c0, int64_t c1);

/* csrc/nn/conv2d.c: the gradient arguments of a convolution's backward (SpatialConvolution's
 * and SpatialFullConvolution's), checked against the geometry g: gradOutput must be the
 * output, (B x) out[0] x out[1] x out[2]; grads->input is resized as the input; grads->weight
 * must hold the weight's g->O * g->K values and grads->bias out[0], contiguous. grads holds
 * the caller's gradients on entry and the checked ones on return: absent (or empty bias)
 * ones NULL, the bias NULL without the weight. */
stn_status stn_conv_check_grads(stn_ctx *ctx, const char *fn, const stn_conv_geom *g, const int64_t out[3],
                                const stn_tensor *input, const stn_tensor *gradOutput, const stn_tensor *weight,
                                stn_conv2d_grads *grads);

/* csrc/nn/conv2d_double.c: the Double passes on the CPU (im2col + dgemm per image),
 * called with the checked geometry, outputs sized, absent bias and grads NULL. */
stn_status stn_conv2d_forward_double(stn_ctx *ctx, const char *fn, const stn_conv_geom *g, const stn_tensor *input,
                                     stn_tensor *output, const stn_tensor *weight, const stn_tensor *bias,
                                     stn_tensor *work);
stn_status stn_conv2d_backward_double(stn_ctx *ctx, const char *fn, const stn_conv_geom *g, const stn_tensor *input,
                                      const stn_tensor *gradOutput, const stn_tensor *weight,
                                      const stn_conv2d_grads *grads, stn_tensor *work);

/* The CUDA twins (cuda/nn/conv2d.cu), called with the geometry the entry points
 * checked, outputs sized, bias and grads normalized (absent ones NULL). */
stn_status stn_conv2d_forward_cuda(stn_ctx *ctx, const stn_conv_geom *g, const stn_tensor *input, stn_tensor *output,
                                   const stn_tensor *weight, const stn_tensor *bias, stn_tensor *work);
stn_status stn_conv2d_backward_cuda(stn_ctx *ctx, const stn_conv_geom *g, const stn_tensor *input,
                                    const stn_tensor *gradOutput, const stn_tensor *weight,
                                    const stn_conv2d_grads *grads, stn_tensor *work);
#ifdef __cplusplus
}
#endif

#endif /* STN_NN_CONV2D_H */
