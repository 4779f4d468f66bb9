/* stn/nn.h: the nn layers, criterions and the SGD step.
 * Part of libstn's public API (include/stn.h includes every part). The block between
 * STN_CDEF_BEGIN and STN_CDEF_END goes verbatim (minus STN_API) to LuaJIT's ffi.cdef, so
 * it holds declarations only: no preprocessor lines, no macros but STN_API. */
#ifndef STN_NN_H
#define STN_NN_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* STN_CDEF_BEGIN */
/* ------------------------------------------------------------------ nn layers */
/* Torch7's THNN order after the context and the op's plan (its settings, read once
 * per call and never kept): inputs, outputs (or gradOutput, gradInput), parameters,
 * a work buffer (any tensor; the op grows it and keeps it between calls). Images are
 * B x C x H x W or C x H x W; outputs are resized by the op. A NULL plan fails.
 * Types: Float or Double on the CPU, Float on CUDA; every tensor of a call has the
 * input's element type (ClassNLL's labels excepted: any type on the CPU), an empty
 * output or work buffer takes the input's device (an empty work buffer its type too);
 * anything else fails naming the argument and the types. Settings passed as double are
 * rounded to the input's type; backward's scale is a float on either type. */

/* The window of a convolution: kernel kW x kH (positive), stride dW, dH (positive),
 * zero padding padW, padH (non-negative), and the spacing of the kernel's taps
 * dilW, dilH (SpatialDilatedConvolution's dilationW, dilationH: tap (i, j) reads input
 * pixel (oy dH - padH + i dilH, ox dW - padW + j dilW)). A dilation of 0 is read as 1 (a
 * plain convolution), so a zero-initialized plan of a caller that predates the fields
 * keeps working; a negative one fails. */
typedef struct stn_conv2d_plan { int32_t kW, kH, dW, dH, padW, padH, dilW, dilH; } stn_conv2d_plan;
/* The gradients one backward pass computes; NULL members are not computed. input is
 * set; weight and bias are accumulated: g += scale * dL/dparam (bias only with weight). */
typedef struct stn_conv2d_grads { stn_tensor *input, *weight, *bias; float scale; } stn_conv2d_grads;

/* SpatialConvolution(MM), SpatialDilatedConvolution: weight O x C x kH x kW (or
 * O x C*kH*kW), bias O or NULL. output (B x) O x oH x oW,
 * oH = (H + 2 padH - dilH (kH - 1) - 1) / dH + 1 (at least 1: a padded input smaller
 * than the dilated kernel fails). On the CPU the library picks, per pass and shape,
 * direct AVX2 passes (dilation 1 only) or im2col + sgemm; results agree to rounding and
 * never depend on the thread count. */
STN_API stn_status stn_conv2d_forward(stn_ctx *ctx, const stn_conv2d_plan *plan, const stn_tensor *input,
                                      stn_tensor *output, const stn_tensor *weight, const stn_tensor *bias,
                                      stn_tensor *work);
/* grads may be NULL or hold no tensor (nothing to compute). */
STN_API stn_status stn_conv2d_backward(stn_ctx *ctx, const stn_conv2d_plan *plan, const stn_tensor *input,
                                       const stn_tensor *gradOutput, const stn_tensor *weight,
                                       const stn_conv2d_grads *grads, stn_tensor *work);

/* SpatialFullConvolution's window (the transpose of a convolution: each input pixel
 * spreads a kernel-sized patch over the output): kernel kW x kH (positive), stride dW,
 * dH (positive), padding padW, padH (non-negative: cropped off the output), and adjW,
 * adjH (0 <= adj < stride): extra output columns and rows at the far side. */
typedef struct stn_full_conv2d_plan { int32_t kW, kH, dW, dH, padW, padH, adjW, adjH; } stn_full_conv2d_plan;

/* SpatialFullConvolution: input (B x) C x H x W, weight C x O x kH x kW (input planes
 * first), bias O or NULL; output (B x) O x oH x oW, oH = (H - 1) dH - 2 padH + kH + adjH
 * (at least 1). The adjoint of stn_conv2d_forward with the same window: forward is the
 * convolution's image gradient plus the bias, the image gradient is the convolution of
 * gradOutput, and gradWeight += scale * input x the columns of gradOutput. Backward
 * takes stn_conv2d_grads as stn_conv2d_backward does. Results never depend on the
 * thread count. */
STN_API stn_status stn_full_conv2d_forward(stn_ctx *ctx, const stn_full_conv2d_plan *plan, const stn_tensor *input,
                                           stn_tensor *output, const stn_tensor *weight, const stn_tensor *bias,
                                           stn_tensor *work);
STN_API stn_status stn_full_conv2d_backward(stn_ctx *ctx, const stn_full_conv2d_plan *plan, const stn_tensor *input,
                                            const stn_tensor *gradOutput, const stn_tensor *weight,
                                            const stn_conv2d_grads *grads, stn_tensor *work);

/* Linear: input B x in (or in), weight out x in, bias out or NULL; output B x out
 * (or out) = input W^T + bias. Backward as stn_conv2d_backward. */
STN_API stn_status stn_linear_forward(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, const stn_tensor *weight,
                                      const stn_tensor *bias);
STN_API stn_status stn_linear_backward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *gradOutput,
                                       stn_tensor *gradInput, const stn_tensor *weight, stn_tensor *gradWeight,
                                       stn_tensor *gradBias, float scale);

/* Element-wise nonlinearities. Threshold: y = x > threshold ? x : value (ReLU is 0, 0;
 * threshold and value are rounded to the input's type, float for Float and CUDA);
 * Tanh; Sigmoid. output and gradInput may be the input and gradOutput (in place). */
typedef enum stn_activation { STN_ACT_THRESHOLD = 0, STN_ACT_TANH, STN_ACT_SIGMOID } stn_activation;
STN_API stn_status stn_activation_forward(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, int kind,
                                          double threshold, double value);
/* Reads input (threshold) or output (tanh, sigmoid); the other may be NULL. */
STN_API stn_status stn_activation_backward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *output,
                                           const stn_tensor *gradOutput, stn_tensor *gradInput, int kind, double threshold);

/* The windows of a pooling: kernel kW x kH and stride dW, dH (positive), padding
 * padW, padH (0 to half the kernel); ceil_mode (non-zero) picks ceil over floor for the
 * output size; count_include_pad (non-zero) is read by average pooling only. */
typedef struct stn_pool2d_plan { int32_t kW, kH, dW, dH, padW, padH, ceil_mode, count_include_pad; } stn_pool2d_plan;

/* SpatialMaxPooling: padding never wins; indices receive each window's argmax as a
 * 1-based offset within its H x W plane. */
STN_API stn_status stn_max_pool2d_forward(stn_ctx *ctx, const stn_pool2d_plan *plan, const stn_tensor *input,
                                          stn_tensor *output, stn_tensor *indices);
STN_API stn_status stn_max_pool2d_backward(stn_ctx *ctx, const stn_pool2d_plan *plan, const stn_tensor *input,
                                           const stn_tensor *gradOutput, stn_tensor *gradInput,
                                           const stn_tensor *indices);
/* SpatialAveragePooling: the mean over each window clipped to the padded image;
 * count_include_pad 0 divides by the number of image pixels in it instead. */
STN_API stn_status stn_avg_pool2d_forward(stn_ctx *ctx, const stn_pool2d_plan *plan, const stn_tensor *input,
                                          stn_tensor *output);
STN_API stn_status stn_avg_pool2d_backward(stn_ctx *ctx, const stn_pool2d_plan *plan, const stn_tensor *input,
                                           const stn_tensor *gradOutput, stn_tensor *gradInput);

/* SpatialSubSampling: per plane k of (B x) C x H x W, output (B x) C x oH x oW with
 * oH = (H - kH) / dH + 1, oW = (W - kW) / dW + 1 (rows and columns past the last window
 * are not read; the image must be at least the kernel's size):
 *   y[k][i][j] = bias[k] + weight[k] * (sum of the kH x kW window at row i dH, column j dW)
 * weight and bias: C elements each, contiguous. No padding. */
typedef struct stn_subsampling_plan { int32_t kW, kH, dW, dH; } stn_subsampling_plan;
STN_API stn_status stn_subsampling_forward(stn_ctx *ctx, const stn_subsampling_plan *plan, const stn_tensor *input,
                                           stn_tensor *output, const stn_tensor *weight, const stn_tensor *bias);
/* grads (as for stn_conv2d_backward; NULL or no tensor: nothing to compute): input is
 * set; weight and bias (C elements each, contiguous) are accumulated independently:
 * g += scale * dL/dparam. Every result element is summed by one thread in a fixed order
 * (no atomics on CUDA): the bits repeat and never depend on the thread count. */
STN_API stn_status stn_subsampling_backward(stn_ctx *ctx, const stn_subsampling_plan *plan, const stn_tensor *input,
                                            const stn_tensor *gradOutput, const stn_tensor *weight,
                                            const stn_conv2d_grads *grads);

/* SoftMax (use_log 0) and LogSoftMax (1) over the features: of n, of each row of
 * B x n, over C at each pixel of C x H x W and B x C x H x W. Backward reads the
 * forward's output. */
STN_API stn_status stn_softmax_forward(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, int use_log);
STN_API stn_status stn_softmax_backward(stn_ctx *ctx, const stn_tensor *output, const stn_tensor *gradOutput,
                                        stn_tensor *gradInput, int use_log);

/* ClassNLLCriterion: input n or B x n (log-probabilities), target the 1-based labels
 * (B values, any element type on the CPU, Float on CUDA), weights per class or NULL.
 * loss = -sum_i w[t_i] x[i][t_i] (/ sum_i w[t_i] when size_average), written to output
 * (1 element, on the input's device) and *loss (host, in double: a Double loss
 * unrounded; on CUDA this waits for the GPU). A label equal to ignore_index is skipped
 * (no loss, no weight, a zero gradient row: Torch7's ignoreIndex, -100 by default);
 * any other label outside 1..n fails. loss may be NULL: then only output has the loss,
 * and on CUDA nothing waits for the GPU (what a CUDA graph capture needs): the labels
 * are then not checked on the host, a bad one only adds nothing to the loss. */
STN_API stn_status stn_class_nll_forward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target,
                                         stn_tensor *output, const stn_tensor *weights, int size_average,
                                         int64_t ignore_index, double *loss);
STN_API stn_status stn_class_nll_backward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target,
                                          stn_tensor *gradInput, const stn_tensor *weights, int size_average,
                                          int64_t ignore_index);

/* MSECriterion: loss = sum (x - t)^2 (/ numel when size_average); as ClassNLL. */
STN_API stn_status stn_mse_forward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target, stn_tensor *output,
                                   int size_average, double *loss);
STN_API stn_status stn_mse_backward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target,
                                    stn_tensor *gradInput, int size_average);

/* Torch7's SpatialSubtractiveNormalization (divisive 0) and SpatialDivisiveNormalization
 * (divisive non-zero) over (B x) N x H x W, with kernel K (kh x kw, or k k^T for a 1-D
 * k; odd sizes) centred on each pixel, zero outside the image, Z = sum K, cin = the
 * part of Z inside the image around the pixel:
 *   subtractive: y_c = x_c - (K * sum_c x_c) / (N cin)
 *   divisive:    s = sqrt((K * sum_c x_c^2) / (Z N)) Z / cin,
 *                y_c = x_c / (s > threshold ? s : thresval)
 * (threshold and thresval are read by the divisive one only, rounded to the input's
 * type). Backward recomputes what
 * it needs from input (no state between the passes). */
typedef struct stn_localnorm_plan { int32_t divisive; double threshold, thresval; } stn_localnorm_plan;
STN_API stn_status stn_localnorm_forward(stn_ctx *ctx, const stn_localnorm_plan *plan, const stn_tensor *input,
                                         stn_tensor *output, const stn_tensor *kernel, stn_tensor *work);
STN_API stn_status stn_localnorm_backward(stn_ctx *ctx, const stn_localnorm_plan *plan, const stn_tensor *input,
                                          const stn_tensor *gradOutput, stn_tensor *gradInput,
                                          const stn_tensor *kernel, stn_tensor *work);

/* Torch7's image.gaussian (out height x width) and image.gaussian1D (out 1-D), on the
 * CPU: amplitude * exp(-(du^2 + dv^2) / 2), du = (u - (mean_u * width + 0.5)) /
 * (sigma_u * width) for columns u = 1..width, dv likewise along the rows; normalize
 * divides by the sum. */
STN_API stn_status stn_gaussian(stn_ctx *ctx, stn_tensor *out, float amplitude, int normalize, float sigma_u,
                                float sigma_v, float mean_u, float mean_v);

/* ------------------------------------------------------------------ optimization */
/* One step of Torch7's optim.sgd: its settings (lr is the already-decayed rate) and
 * whether this is the first step with momentum (init_momentum non-zero: the momentum
 * buffer starts as the gradient). */
typedef struct stn_sgd_config {
  double lr, weight_decay, momentum, dampening;
  int32_t nesterov, init_momentum;
} stn_sgd_config;
/* The step on flattened parameters x with gradient dfdx, in one pass: dfdx +=
 * weight_decay * x (or, when weight_decay is 0 and wds is not NULL, dfdx += wds .* x);
 * with momentum != 0, momentum_buf <- dfdx on the first step and momentum *
 * momentum_buf + (1 - dampening) * dfdx after, then dfdx += momentum * momentum_buf
 * (nesterov) or the step uses momentum_buf; finally x -= lr * (lrs .* step) (or lr *
 * step without lrs). dfdx is updated in place as Torch7 does. All tensors contiguous,
 * x's element count and device; lrs, wds and momentum_buf may be NULL when unused. */
STN_API stn_status stn_sgd_step(stn_ctx *ctx, const stn_sgd_config *config, stn_tensor *x, stn_tensor *dfdx,
                                stn_tensor *momentum_buf, const stn_tensor *lrs, const stn_tensor *wds);

/* STN_CDEF_END */

#ifdef __cplusplus
}
#endif
#endif /* STN_NN_H */
