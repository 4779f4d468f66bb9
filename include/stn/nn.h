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
/* Torch7's THNN order: inputs, outputs (or gradOutput, gradInput), parameters, a work
 * buffer (any tensor; the op grows it and keeps it between calls), sizes, scale last.
 * Images are B x C x H x W or C x H x W; outputs are resized by the op. */

/* SpatialConvolution(MM): weight O x C x kH x kW (or O x C*kH*kW), bias O or NULL.
 * output (B x) O x oH x oW, oH = (H + 2 padH - kH) / dH + 1. */
STN_API stn_status stn_conv2d_forward(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, const stn_tensor *weight,
                                      const stn_tensor *bias, stn_tensor *work, int kW, int kH, int dW, int dH, int padW,
                                      int padH);
/* Any of gradInput / gradWeight / gradBias may be NULL (not computed). gradInput is
 * set; gradWeight and gradBias are accumulated: g += scale * dL/dparam. */
STN_API stn_status stn_conv2d_backward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *gradOutput,
                                       stn_tensor *gradInput, const stn_tensor *weight, stn_tensor *gradWeight,
                                       stn_tensor *gradBias, stn_tensor *work, int kW, int kH, int dW, int dH, int padW,
                                       int padH, float scale);

/* How CPU convolutions run: STN_CONV_AUTO (default: the direct passes of
 * csrc/conv2d_direct.c where the CPU has AVX2 and FMA and the sizes suit them, im2col +
 * sgemm elsewhere), STN_CONV_COLUMNS (always im2col + sgemm) or STN_CONV_DIRECT (the
 * direct passes wherever they apply, whatever the sizes). For comparisons and tests;
 * results agree to rounding. stn_conv2d_direct_available: 1 when this CPU can run them. */
typedef enum stn_conv_path { STN_CONV_AUTO = 0, STN_CONV_COLUMNS, STN_CONV_DIRECT } stn_conv_path;
STN_API stn_status stn_conv2d_set_cpu_path(stn_ctx *ctx, int path);
STN_API int stn_conv2d_direct_available(void);

/* Linear: input B x in (or in), weight out x in, bias out or NULL; output B x out
 * (or out) = input W^T + bias. Backward as stn_conv2d_backward. */
STN_API stn_status stn_linear_forward(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, const stn_tensor *weight,
                                      const stn_tensor *bias);
STN_API stn_status stn_linear_backward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *gradOutput,
                                       stn_tensor *gradInput, const stn_tensor *weight, stn_tensor *gradWeight,
                                       stn_tensor *gradBias, float scale);

/* Element-wise nonlinearities. Threshold: y = x > threshold ? x : value (ReLU is 0, 0);
 * Tanh; Sigmoid. output and gradInput may be the input and gradOutput (in place). */
typedef enum stn_activation { STN_ACT_THRESHOLD = 0, STN_ACT_TANH, STN_ACT_SIGMOID } stn_activation;
STN_API stn_status stn_activation_forward(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, int kind,
                                          float threshold, float value);
/* Reads input (threshold) or output (tanh, sigmoid); the other may be NULL. */
STN_API stn_status stn_activation_backward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *output,
                                           const stn_tensor *gradOutput, stn_tensor *gradInput, int kind, float threshold);

/* SpatialMaxPooling: windows kH x kW, stride dH, dW, padding (at most half the
 * window) never wins; ceil_mode picks ceil over floor for the output size. indices
 * receive each window's argmax as a 1-based offset within its H x W plane. */
STN_API stn_status stn_max_pool2d_forward(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, stn_tensor *indices,
                                          int kW, int kH, int dW, int dH, int padW, int padH, int ceil_mode);
STN_API stn_status stn_max_pool2d_backward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *gradOutput,
                                           stn_tensor *gradInput, const stn_tensor *indices, int kW, int kH, int dW,
                                           int dH, int padW, int padH, int ceil_mode);
/* SpatialAveragePooling: the mean over each window clipped to the padded image;
 * count_include_pad 0 divides by the number of image pixels in it instead. */
STN_API stn_status stn_avg_pool2d_forward(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, int kW, int kH,
                                          int dW, int dH, int padW, int padH, int ceil_mode, int count_include_pad);
STN_API stn_status stn_avg_pool2d_backward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *gradOutput,
                                           stn_tensor *gradInput, int kW, int kH, int dW, int dH, int padW, int padH,
                                           int ceil_mode, int count_include_pad);

/* SoftMax (use_log 0) and LogSoftMax (1) over the features: of n, of each row of
 * B x n, over C at each pixel of C x H x W and B x C x H x W. Backward reads the
 * forward's output. */
STN_API stn_status stn_softmax_forward(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, int use_log);
STN_API stn_status stn_softmax_backward(stn_ctx *ctx, const stn_tensor *output, const stn_tensor *gradOutput,
                                        stn_tensor *gradInput, int use_log);

/* ClassNLLCriterion: input n or B x n (log-probabilities), target the 1-based labels
 * (B values), weights per class or NULL. loss = -sum_i w[t_i] x[i][t_i] (/ sum_i
 * w[t_i] when size_average), written to output (1 element, on the input's device)
 * and *loss (host; on CUDA this waits for the GPU). A label outside 1..n fails. */
STN_API stn_status stn_class_nll_forward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target,
                                         stn_tensor *output, const stn_tensor *weights, int size_average, float *loss);
STN_API stn_status stn_class_nll_backward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target,
                                          stn_tensor *gradInput, const stn_tensor *weights, int size_average);

/* MSECriterion: loss = sum (x - t)^2 (/ numel when size_average); as ClassNLL. */
STN_API stn_status stn_mse_forward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target, stn_tensor *output,
                                   int size_average, float *loss);
STN_API stn_status stn_mse_backward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target,
                                    stn_tensor *gradInput, int size_average);

/* Torch7's SpatialSubtractiveNormalization (divisive 0) and SpatialDivisiveNormalization
 * (divisive 1) over (B x) N x H x W, with kernel K (kh x kw, or k k^T for a 1-D k;
 * odd sizes) centred on each pixel, zero outside the image, Z = sum K, cin = the part
 * of Z inside the image around the pixel:
 *   subtractive: y_c = x_c - (K * sum_c x_c) / (N cin)
 *   divisive:    s = sqrt((K * sum_c x_c^2) / (Z N)) Z / cin,
 *                y_c = x_c / (s > threshold ? s : thresval)
 * Backward recomputes what it needs from input (no state between the passes). */
STN_API stn_status stn_localnorm_forward(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output,
                                         const stn_tensor *kernel, stn_tensor *work, int divisive, float threshold,
                                         float thresval);
STN_API stn_status stn_localnorm_backward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *gradOutput,
                                          stn_tensor *gradInput, const stn_tensor *kernel, stn_tensor *work,
                                          int divisive, float threshold, float thresval);

/* Torch7's image.gaussian (out height x width) and image.gaussian1D (out 1-D), on the
 * CPU: amplitude * exp(-(du^2 + dv^2) / 2), du = (u - (mean_u * width + 0.5)) /
 * (sigma_u * width) for columns u = 1..width, dv likewise along the rows; normalize
 * divides by the sum. */
STN_API stn_status stn_gaussian(stn_ctx *ctx, stn_tensor *out, float amplitude, int normalize, float sigma_u,
                                float sigma_v, float mean_u, float mean_v);

/* ------------------------------------------------------------------ optimization */
/* One step of Torch7's optim.sgd on flattened parameters x with gradient dfdx, in one
 * pass: dfdx += weight_decay * x (or, when weight_decay is 0 and wds is not NULL,
 * dfdx += wds .* x); with momentum != 0, momentum_buf <- dfdx on the first step
 * (init_momentum) and momentum * momentum_buf + (1 - dampening) * dfdx after, then
 * dfdx += momentum * momentum_buf (nesterov) or the step uses momentum_buf; finally
 * x -= lr * (lrs .* step) (or lr * step without lrs). lr is the already-decayed rate.
 * dfdx is updated in place as Torch7 does. All tensors contiguous, x's element count
 * and device; lrs, wds and momentum_buf may be NULL when unused. */
STN_API stn_status stn_sgd_step(stn_ctx *ctx, stn_tensor *x, stn_tensor *dfdx, stn_tensor *momentum_buf,
                                const stn_tensor *lrs, const stn_tensor *wds, double lr, double weight_decay,
                                double momentum, double dampening, int nesterov, int init_momentum);

/* STN_CDEF_END */

#ifdef __cplusplus
}
#endif
#endif /* STN_NN_H */
