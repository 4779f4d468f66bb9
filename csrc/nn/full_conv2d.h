/* full_conv2d.h: SpatialFullConvolution (csrc/nn/full_conv2d.c, CUDA twin
 * cuda/nn/full_conv2d.cu). Its geometry is that of the convolution it transposes
 * (stn_conv_geom of csrc/nn/conv2d.h, dilation 1): the image side (C x H x W) is the
 * full convolution's output, the column side (oH x oW, N = oH * oW columns) its input,
 * O its input planes; the weight C_in x C_out x kH x kW is then the convolution's
 * O x K weight as it lies in memory. */
#ifndef STN_NN_FULL_CONV2D_H
#define STN_NN_FULL_CONV2D_H

#include "nn/conv2d.h"

#ifdef __cplusplus
extern "C" {
#endif
/* The CUDA twins, called with the geometry the entry points checked, outputs sized,
 * bias and grads normalized (absent ones NULL). */
stn_status stn_full_conv2d_forward_cuda(stn_ctx *ctx, const stn_conv_geom *g, const stn_tensor *input,
                                        stn_tensor *output, const stn_tensor *weight, const stn_tensor *bias,
                                        stn_tensor *work);
stn_status stn_full_conv2d_backward_cuda(stn_ctx *ctx, const stn_conv_geom *g, const stn_tensor *input,
                                         const stn_tensor *gradOutput, const stn_tensor *weight,
                                         const stn_conv2d_grads *grads, stn_tensor *work);
#ifdef __cplusplus
}
#endif

#endif /* STN_NN_FULL_CONV2D_H */
