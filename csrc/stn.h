/* stn.h: the one public header of libstn, the C core of stn (Spatial Transformer
 * Networks for LuaJIT). Plain C; every function returns stn_status and leaves a
 * message for stn_last_error() on failure. Tensors are float32 strided views over
 * refcounted storage on the CPU or on a CUDA device; an op runs where its tensors live.
 *
 * The block between STN_CDEF_BEGIN and STN_CDEF_END is handed verbatim (minus the
 * STN_API marks) to LuaJIT's ffi.cdef by stn_cdef(), so it holds declarations only:
 * no preprocessor lines, no macros but STN_API. */
#ifndef STN_H
#define STN_H

#include <stdint.h>

#if defined(__GNUC__)
#define STN_API __attribute__((visibility("default")))
#else
#define STN_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* STN_CDEF_BEGIN */

/* ------------------------------------------------------------------ status */
typedef enum stn_status {
  STN_OK = 0,
  STN_ERR_ARG = 1,      /* a bad argument: wrong size, shape, dim, index, flag */
  STN_ERR_DEVICE = 2,   /* tensors on different devices, or no CUDA device */
  STN_ERR_MEMORY = 3,   /* an allocation failed */
  STN_ERR_CUDA = 4,     /* a CUDA or cuBLAS call failed */
  STN_ERR_IO = 5,       /* a file could not be read or written, or is corrupt */
  STN_ERR_INTERNAL = 6
} stn_status;

/* Message of the last failure on this thread: "function: what (file:line)". */
STN_API const char *stn_last_error(void);
STN_API const char *stn_status_string(stn_status status);
STN_API const char *stn_version(void);
/* The declarations of this header as text for LuaJIT's ffi.cdef. */
STN_API const char *stn_cdef(void);

/* ------------------------------------------------------------------ context */
enum { STN_CPU = 0, STN_CUDA = 1 };
enum { STN_MAX_DIM = 8 };
/* The largest tensor or storage: 2^48 elements. Every size, offset and span below it is
 * exact in a Lua number and in int64 arithmetic, so products and sums never wrap. */
enum { STN_MAX_NUMEL_LOG2 = 48 };

/* Thread count, random generator, and (lazily) the CUDA stream, cuBLAS handle and
 * caching allocator. Opaque; one per process is the normal use. */
typedef struct stn_ctx stn_ctx;

STN_API stn_status stn_ctx_create(stn_ctx **out);
STN_API void stn_ctx_destroy(stn_ctx *ctx);
/* Sets OpenMP's and OpenBLAS's thread counts together. */
STN_API stn_status stn_set_num_threads(stn_ctx *ctx, int n);
STN_API int stn_get_num_threads(stn_ctx *ctx);

/* Wall-clock seconds from a monotonic clock, for timings (os.clock is CPU time,
 * which counts every thread). */
STN_API double stn_wall_seconds(void);

/* 1 when the library was built with nvcc. */
STN_API int stn_cuda_compiled(void);
/* Number of usable CUDA devices: 0 (not an error) without a GPU or driver.
 * reason, when not NULL, receives why there is none (up to len bytes). */
STN_API int stn_cuda_device_count(char *reason, int len);
STN_API stn_status stn_cuda_device_name(int device, char *name, int len);
/* Waits for all work queued on the context's stream. */
STN_API stn_status stn_cuda_synchronize(stn_ctx *ctx);
/* Bytes held by the caching allocator: in use by storages, and cached for reuse. */
STN_API stn_status stn_cuda_memory_stats(stn_ctx *ctx, int64_t *in_use, int64_t *cached);
/* Returns every cached, unused block to the driver. */
STN_API stn_status stn_cuda_empty_cache(stn_ctx *ctx);

/* ------------------------------------------------------------------ storage and tensors */
typedef struct stn_storage {
  float *data;          /* host or device memory, size floats */
  int64_t size;
  int32_t refcount;
  int32_t device;       /* STN_CPU or STN_CUDA */
  stn_ctx *ctx;         /* owner of the allocator the memory came from */
} stn_storage;

/* A view. Field names stay clear of the Lua methods (size, dim, stride, storage)
 * because the Lua Tensor is this struct itself. Element (i0, i1, ...) is mem->data[offset + sum_k ik * strides[k]].
 * A zero-filled stn_tensor is a valid empty CPU tensor (ndim 0, no storage). */
typedef struct stn_tensor {
  stn_storage *mem;     /* NULL while empty */
  int64_t offset;
  int32_t ndim;
  int32_t device;
  int64_t shape[STN_MAX_DIM];
  int64_t strides[STN_MAX_DIM];
} stn_tensor;

STN_API stn_status stn_storage_new(stn_ctx *ctx, int32_t device, int64_t size, stn_storage **out);
STN_API void stn_storage_retain(stn_storage *s);
STN_API void stn_storage_release(stn_storage *s);
/* Grows (never shrinks) s in place, keeping its contents; views see the new memory. */
STN_API stn_status stn_storage_grow(stn_storage *s, int64_t size);
/* Bytes held by live storages on both devices. The Lua side collects garbage when they
 * grow (lua/stn/Tensor.lua), since LuaJIT's collector cannot see this memory behind its
 * small tensors. */
STN_API double stn_storage_bytes(void);
/* Frees the CPU blocks kept for reuse (freed storages of 256 KB or more, 256 MB at most). */
STN_API void stn_host_empty_cache(void);

/* Makes t a dim-D tensor of the given sizes, contiguous unless it already has that
 * shape, keeping t's storage (grown if too small) and device. dim 0 empties t. */
STN_API stn_status stn_tensor_resize(stn_ctx *ctx, stn_tensor *t, int32_t dim, const int64_t *size);
/* t becomes a view of src (same storage, offset, sizes and strides). */
STN_API void stn_tensor_set(stn_tensor *t, const stn_tensor *src);
/* Drops t's reference to its storage; t becomes empty. For finalizers. */
STN_API void stn_tensor_release(stn_tensor *t);
STN_API int64_t stn_tensor_numel(const stn_tensor *t);
STN_API int stn_tensor_is_contiguous(const stn_tensor *t);

/* ------------------------------------------------------------------ copy and element-wise ops */
/* dst <- src: same number of elements, any layouts, any devices (row-major order). */
STN_API stn_status stn_copy(stn_ctx *ctx, stn_tensor *dst, const stn_tensor *src);

/* out <- f(a; p, q). out is resized to a's shape (a may be out). STN_FILL ignores a. */
typedef enum stn_unary_op {
  STN_FILL = 0,       /* p */
  STN_ADD_SCALAR,     /* a + p */
  STN_MUL_SCALAR,     /* a * p */
  STN_DIV_SCALAR,     /* a / p */
  STN_ABS, STN_SQRT, STN_EXP, STN_LOG, STN_NEG, STN_SIGN,
  STN_TANH, STN_SIGMOID, STN_FLOOR, STN_CEIL, STN_ROUND,
  STN_POW_SCALAR,     /* a ^ p */
  STN_RPOW_SCALAR,    /* p ^ a */
  STN_CLAMP,          /* min(max(a, p), q) */
  STN_EQ_SCALAR, STN_NE_SCALAR, STN_GT_SCALAR, STN_LT_SCALAR, STN_GE_SCALAR, STN_LE_SCALAR
} stn_unary_op;
STN_API stn_status stn_unary(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int op, float p, float q);

/* out <- a (op) b, a and b with the same number of elements; out resized to a's shape. */
typedef enum stn_binary_op {
  STN_ADD = 0,        /* a + p * b */
  STN_CMUL,           /* a * b */
  STN_CDIV,           /* a / b */
  STN_CPOW,           /* a ^ b */
  STN_CMAX, STN_CMIN,
  STN_EQ, STN_NE, STN_GT, STN_LT, STN_GE, STN_LE  /* 1 or 0 */
} stn_binary_op;
STN_API stn_status stn_binary(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, const stn_tensor *b, int op, float p);

/* out <- a + p * b * c  (STN_ADDCMUL)  or  a + p * b / c  (STN_ADDCDIV). */
typedef enum stn_ternary_op { STN_ADDCMUL = 0, STN_ADDCDIV } stn_ternary_op;
STN_API stn_status stn_ternary(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, const stn_tensor *b, const stn_tensor *c, int op, float p);

/* ------------------------------------------------------------------ reductions */
typedef enum stn_reduce_op { STN_SUM = 0, STN_MEAN, STN_VAR, STN_STD, STN_MAX, STN_MIN, STN_PROD, STN_NORM2 } stn_reduce_op;
/* Over all elements; biased selects the 1/n variance (else 1/(n-1)). */
STN_API stn_status stn_reduce_all(stn_ctx *ctx, const stn_tensor *a, int op, int biased, double *result);
/* Along dim (0-based); out (and indices, for MAX/MIN, when not NULL) are resized to
 * a's shape with size 1 at dim. indices receive 1-based positions as floats. */
STN_API stn_status stn_reduce_dim(stn_ctx *ctx, stn_tensor *out, stn_tensor *indices, const stn_tensor *a, int dim, int op, int biased);

/* ------------------------------------------------------------------ indexing */
/* out <- a's slices idx[0..n-1] (0-based, host memory) along dim. */
STN_API stn_status stn_index_select(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int dim, const int64_t *idx, int64_t n);
/* dst's slices idx[k] along dim <- src's slice k. */
STN_API stn_status stn_index_copy(stn_ctx *ctx, stn_tensor *dst, int dim, const int64_t *idx, int64_t n, const stn_tensor *src);

/* ------------------------------------------------------------------ matrix products */
/* out <- beta * m + alpha * a @ b; a: n x k, b: k x p, m: n x p or NULL (then beta is 0).
 * m may be out. Any strides; out is resized to n x p. */
STN_API stn_status stn_addmm(stn_ctx *ctx, stn_tensor *out, float beta, const stn_tensor *m, float alpha, const stn_tensor *a, const stn_tensor *b);
/* Batched: a: B x n x k, b: B x k x p, m: B x n x p or NULL. */
STN_API stn_status stn_baddbmm(stn_ctx *ctx, stn_tensor *out, float beta, const stn_tensor *m, float alpha, const stn_tensor *a, const stn_tensor *b);
/* out <- beta * v + alpha * mat @ vec; mat: n x k, vec: k, v: n or NULL. */
STN_API stn_status stn_addmv(stn_ctx *ctx, stn_tensor *out, float beta, const stn_tensor *v, float alpha, const stn_tensor *mat, const stn_tensor *vec);

/* ------------------------------------------------------------------ random numbers */
/* One counter-based generator (Philox4x32-10) per context: the k-th number drawn
 * after a seed is the same on the CPU and on CUDA, run after run. */
STN_API void stn_manual_seed(stn_ctx *ctx, uint64_t seed);
STN_API void stn_rng_get_state(stn_ctx *ctx, uint64_t *seed, uint64_t *offset);
STN_API void stn_rng_set_state(stn_ctx *ctx, uint64_t seed, uint64_t offset);
STN_API stn_status stn_uniform(stn_ctx *ctx, stn_tensor *t, float lo, float hi);
STN_API stn_status stn_normal(stn_ctx *ctx, stn_tensor *t, float mean, float stdv);
STN_API stn_status stn_bernoulli(stn_ctx *ctx, stn_tensor *t, float p);
/* out <- a random permutation of 1..n (CPU). */
STN_API stn_status stn_randperm(stn_ctx *ctx, stn_tensor *out, int64_t n);

/* ------------------------------------------------------------------ spatial transformer */
/* The modules of docs/spatial_transformer.md. Batched tensors only (the Lua modules
 * view unbatched input with a batch of 1); inputs that are not contiguous are copied to
 * contiguous scratch first; outputs are resized here. Every backward overwrites its
 * gradients (updateGradInput semantics) and is deterministic on both devices. */

/* Restriction: params B x k -> theta B x 2 x 3. With no flag set k = 6 and theta is
 * params reshaped; otherwise the parameters are angle, scale, tx, ty (those whose flag
 * is set, in that order) and theta = R(angle) * S(scale) * T(tx, ty) in homogeneous form,
 * R = [[cos a, -sin a], [sin a, cos a]] (stnbhwd's), S = s * I, T adding (tx, ty):
 * theta = s R [I | t]. */
STN_API stn_status stn_affine_matrix_forward(stn_ctx *ctx, const stn_tensor *params, stn_tensor *theta,
                                             int use_rotation, int use_scale, int use_translation);
/* grad_params (B x k) <- d(loss)/d(params) given grad_theta (B x 2 x 3), analytically. */
STN_API stn_status stn_affine_matrix_backward(stn_ctx *ctx, const stn_tensor *params, const stn_tensor *grad_theta,
                                              stn_tensor *grad_params, int use_rotation, int use_scale,
                                              int use_translation);

/* Affine grid: theta B x 2 x 3 -> grid B x height x width x 2. Output pixel (i, j)
 * (0-based) has the normalized coordinates y_i, x_j: with align_corners
 * -1 + 2i/(height-1) (height >= 2, likewise x), without (2i+1)/height - 1.
 * order_xy = 0 (the BHWD family): grid = theta * (y, x, 1), y first;
 * order_xy = 1 (the BCHW family): grid = theta * (x, y, 1), x first. */
STN_API stn_status stn_affine_grid_forward(stn_ctx *ctx, const stn_tensor *theta, stn_tensor *grid, int64_t height,
                                           int64_t width, int order_xy, int align_corners);
/* grad_theta (B x 2 x 3) <- sum over pixels of grad_grid (B x H x W x 2) times the base coordinates. */
STN_API stn_status stn_affine_grid_backward(stn_ctx *ctx, const stn_tensor *grad_grid, stn_tensor *grad_theta,
                                            int order_xy, int align_corners);

typedef enum stn_padding { STN_PADDING_ZEROS = 0, STN_PADDING_BORDER = 1 } stn_padding;

/* stnbhwd's sampler: images B x H x W x C, grid B x H' x W' x 2 holding (y, x) ->
 * output B x H' x W' x C. Grid value v maps to pixel (v + 1)(size - 1)/2 (corners
 * aligned); bilinear interpolation, neighbours outside the image count as 0. */
STN_API stn_status stn_bilinear_sampler_bhwd_forward(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                                     stn_tensor *output);
/* grad_images (B x H x W x C, skipped and left untouched when need_grad_images is 0)
 * and grad_grid (B x H' x W' x 2) given grad_output (B x H' x W' x C). */
STN_API stn_status stn_bilinear_sampler_bhwd_backward(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                                      const stn_tensor *grad_output, stn_tensor *grad_images,
                                                      stn_tensor *grad_grid, int need_grad_images);

/* The BCHW sampler: images B x C x H x W, grid B x H' x W' x 2 holding (x, y) ->
 * output B x C x H' x W'. align_corners: -1 and 1 are the centres of the border pixels
 * (pixel = (v + 1)(size - 1)/2), else their outer edges (pixel = ((v + 1) size - 1)/2).
 * padding: STN_PADDING_ZEROS (outside counts as 0) or STN_PADDING_BORDER (edge value). */
STN_API stn_status stn_grid_sampler_forward(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                            stn_tensor *output, int align_corners, int padding);
STN_API stn_status stn_grid_sampler_backward(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                             const stn_tensor *grad_output, stn_tensor *grad_images,
                                             stn_tensor *grad_grid, int need_grad_images, int align_corners,
                                             int padding);

/* Which CUDA kernel computes the samplers' image gradient (both samplers; the CPU has
 * one way): STN_SAMPLER_BWD_SLICE, one block per (batch element, channel group) slice,
 * or STN_SAMPLER_BWD_SPLIT, a cluster of blocks per slice (sm_90 thread block clusters;
 * on older GPUs, and for images too large for its shared memory, the slice kernel runs).
 * Both are deterministic and give the same bits. Until set, $STN_SAMPLER_BWD ("slice"
 * or "split") decides, else slice. */
typedef enum stn_sampler_bwd { STN_SAMPLER_BWD_SLICE = 0, STN_SAMPLER_BWD_SPLIT = 1 } stn_sampler_bwd;
STN_API stn_status stn_sampler_set_backward(stn_ctx *ctx, int variant);
STN_API stn_status stn_sampler_get_backward(stn_ctx *ctx, int *variant);

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



/* ------------------------------------------------------------------ serialization */
/* CRC-32 (zlib's, polynomial 0xEDB88320) of n bytes, continuing from *crc (start
 * with 0): *crc receives the CRC of everything fed so far. */
STN_API stn_status stn_crc32(const void *data, int64_t n, uint32_t *crc);
/* Copies n floats from the bytes at src (a file's, in this machine's order) to dst, each
 * NaN made the plain quiet NaN (see stn_plain_nan in internal.h: LuaJIT misreads some). */
STN_API stn_status stn_load_floats(float *dst, const void *src, int64_t n);
/* Writes the n chunks (data[i], len[i] bytes) one after the other to path, atomically:
 * into a temporary file in path's folder, flushed and fsync'ed, then renamed over
 * path. On any failure the temporary file is removed and path is left as it was. The
 * writer holds a lock on its temporary until the rename; each write first removes the
 * temporaries of the same path that no live writer holds (left by killed writes). */
STN_API stn_status stn_write_file_atomic(const char *path, int n, const void *const *data, const int64_t *len);

/* ------------------------------------------------------------------ data and images */
/* Data preparation on the CPU: image files, resizing, IDX files, the RTS distortion,
 * data-set statistics and checksummed cache files. Byte buffers handed out by these
 * functions come from stn_alloc and go back with stn_free. */
STN_API stn_status stn_alloc(int64_t bytes, void **out);
STN_API void stn_free(void *p);

/* Binary Netpbm images: P6 (RGB) and P5 (gray), maxval 1 to 65535. Header fields are
 * separated by any whitespace, '#' starts a comment running to the end of the line,
 * and exactly one whitespace byte follows maxval. Samples are scaled to 0..255
 * (rounded) when maxval is not 255. *pixels receives height x width x channels bytes
 * (HWC, top row first), to release with stn_free. */
STN_API stn_status stn_ppm_read(const char *path, uint8_t **pixels, int *width, int *height, int *channels);
/* Writes P6 (channels 3) or P5 (channels 1), maxval 255, with an optional comment line. */
STN_API stn_status stn_ppm_write(const char *path, const uint8_t *pixels, int width, int height, int channels, const char *comment);

typedef enum stn_pixel_type { STN_PIXEL_U8 = 0, STN_PIXEL_F32 = 1 } stn_pixel_type;
typedef enum stn_image_layout { STN_LAYOUT_HWC = 0, STN_LAYOUT_CHW = 1 } stn_image_layout;
/* Resizes n images of channels x height x width (layout HWC or CHW; bytes are read as
 * v / 255, floats as they are), stored back to back in src, to float CHW images of
 * out_height x out_width in dst (n x channels x out_height x out_width). Separable
 * triangle filter: bilinear when enlarging, widened by the shrink factor when
 * shrinking (antialiased, as Pillow's BILINEAR); docs/data.md gives the formula.
 * Images are shared out across threads. */
STN_API stn_status stn_image_resize(stn_ctx *ctx, const void *src, int pixel_type, int layout, int64_t n,
                                    int channels, int height, int width, float *dst, int out_height, int out_width);
/* Reads the Netpbm files paths[0..n-1] (any sizes, `channels` channels each),
 * resizes each as stn_image_resize does and stores it rounded to bytes, CHW, in dst
 * (n x channels x out_height x out_width). sizes, when not NULL, receives width and
 * height of each file (2n values). Files are shared out across threads; a failure
 * names the first failing file. */
STN_API stn_status stn_ppm_load_resized(stn_ctx *ctx, const char *const *paths, int64_t n, int channels,
                                        int out_height, int out_width, uint8_t *dst, int32_t *sizes);

/* IDX files (the MNIST format): magic 0 0 type ndim, ndim big-endian 32-bit sizes,
 * then the big-endian elements. Gzipped files (starting 1f 8b) need zlib. */
typedef enum stn_idx_type {
  STN_IDX_U8 = 0x08, STN_IDX_I8 = 0x09, STN_IDX_I16 = 0x0B, STN_IDX_I32 = 0x0C, STN_IDX_F32 = 0x0D, STN_IDX_F64 = 0x0E
} stn_idx_type;
/* out (CPU) is resized to the file's sizes and receives its elements as floats (int32
 * beyond 2^24 and float64 are rounded to float32); type, when not NULL, the element
 * type. A truncated, overlong or corrupt file fails with STN_ERR_IO naming it. */
STN_API stn_status stn_idx_read(stn_ctx *ctx, const char *path, stn_tensor *out, int *type);
/* Writes t (CPU, 1 to 8 dims) as IDX of the given element type; integer types need
 * integer values in range. gzip 1 compresses (needs zlib). */
STN_API stn_status stn_idx_write(stn_ctx *ctx, const char *path, const stn_tensor *t, int type, int gzip);

/* The RTS distortion (rotation, scale, translation) of the STN paper's distorted-MNIST
 * protocol. input: N x H x W or N x C x H x W (CPU); output is resized to
 * N x canvas x canvas (or N x C x canvas x canvas). Image k is rotated by an angle
 * uniform in [-max_angle, max_angle] degrees, scaled by a factor uniform in
 * [min_scale, max_scale], and its centre placed uniformly where the scaled, unrotated
 * H x W frame lies inside the canvas; bilinear sampling, zero outside the image.
 * Its four draws come from Philox counter stream * 2^32 + id (id = ids[k], or k when
 * ids is NULL) under key seed, so the result depends neither on threads nor on which
 * other images are distorted. params, when not NULL, is resized to N x 4: angle in
 * degrees (positive: counter-clockwise as displayed), scale, and the centre's x and y
 * in canvas pixels (0 at the canvas's left/top edge). */
STN_API stn_status stn_rts_distort(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, stn_tensor *params,
                                   int canvas, float max_angle, float min_scale, float max_scale,
                                   uint64_t seed, uint64_t stream, const int64_t *ids);

/* out (CPU, contiguous, n * row_len elements) <- the rows rows[0..n-1] (0-based, below
 * src_rows; NULL: 0..n-1) of src, src_rows rows of row_len bytes, times scale. */
STN_API stn_status stn_bytes_to_float(stn_ctx *ctx, const uint8_t *src, int64_t src_rows, int64_t row_len,
                                      const int64_t *rows, int64_t n, float scale, stn_tensor *out);
/* A file of byte sections for caches, guarded by a CRC-32 (stn_crc32) and written
 * atomically (stn_write_file_atomic): readers see the old file or the whole new one. */
STN_API stn_status stn_blob_write(const char *path, int nparts, const void *const *parts, const int64_t *sizes);
/* Reads such a file: *data (release with stn_free) holds the sections, section i at
 * offsets[i] (8-byte aligned) with sizes[i] bytes; at most max_parts sections.
 * A missing file fails with STN_ERR_IO and *nparts = -1; a truncated, foreign or
 * corrupt one with STN_ERR_IO and *nparts = -2, naming the file. */
STN_API stn_status stn_blob_read(const char *path, int max_parts, int *nparts, int64_t *sizes, int64_t *offsets, uint8_t **data);

/* Fills a polygon (npoints vertices, x then y in pixel units from the top-left corner)
 * with `color` (channels bytes) in a height x width x channels byte image, with 4 x 4
 * supersampled coverage (even-odd rule). For the synthetic data sets of the tools. */
STN_API stn_status stn_draw_polygon(uint8_t *image, int width, int height, int channels, const float *xy, int npoints,
                                    const uint8_t *color);

/* ---- pictures for display (stn.image): files, composition, text
 * A picture is a CPU float tensor C x H x W (C = 1 grey, 3 RGB; files may also hold
 * 2 grey+alpha or 4 RGBA) with values in 0..255, rounded and clamped when stored as
 * bytes. Pictures are small: these functions run on one thread. */
enum { STN_IMAGE_PNG = 1, STN_IMAGE_GIF = 2 };
/* The file formats this library was built with: STN_IMAGE_PNG | STN_IMAGE_GIF. */
STN_API int stn_image_formats(void);

/* Writes a picture (C = 1, 2, 3 or 4) as an 8-bit PNG, atomically (see
 * stn_write_file_atomic). */
STN_API stn_status stn_png_write(stn_ctx *ctx, const char *path, const stn_tensor *picture);
/* Reads a PNG of any bit depth and colour type: out (CPU) is resized to C x H x W
 * (C = 1, 2, 3 or 4 as the file has grey/colour and alpha; palettes become RGB),
 * values 0..255 (16-bit samples are scaled down). */
STN_API stn_status stn_png_read(stn_ctx *ctx, const char *path, stn_tensor *out);

/* An animated GIF built frame by frame in memory: width x height, one global palette
 * of 255 colours. palette STN_GIF_CUBE: a fixed 6 x 7 x 6 colour cube (red, green,
 * blue levels) and 3 greys; STN_GIF_ADAPTIVE: a median-cut palette of the first frame
 * (with black and white; entries it does not need take cube colours), kept for the
 * others, so colours do not flicker between frames. Pixels equal to the previous
 * frame's are written transparent (the 256th entry), which shrinks figures whose
 * parts stay still. A worker thread (one per GIF) maps each frame to the palette and
 * LZW-compresses it while the caller goes on, in the order the frames came.
 * loop: repetitions announced by the NETSCAPE2.0 extension (0: forever; -1: no
 * extension, played once). */
typedef struct stn_gif stn_gif;
enum { STN_GIF_CUBE = 0, STN_GIF_ADAPTIVE = 1 };
STN_API stn_status stn_gif_new(int width, int height, int palette, int loop, stn_gif **out);
/* Appends a frame: a width x height picture with C = 1 or 3, shown delay_cs
 * hundredths of a second. The picture is copied; a failure of the worker on an
 * earlier frame is reported here or by the next save. */
STN_API stn_status stn_gif_add_frame(stn_ctx *ctx, stn_gif *gif, const stn_tensor *picture, int delay_cs);
STN_API int stn_gif_frame_count(const stn_gif *gif);
/* Waits for the frames added so far and writes them as a complete GIF file,
 * atomically; more frames may follow (and a later save rewrites the file with them). */
STN_API stn_status stn_gif_save(stn_gif *gif, const char *path);
/* Stops the worker (frames not yet saved are dropped) and frees everything. */
STN_API void stn_gif_free(stn_gif *gif);
/* Reads every frame of a GIF, composited onto the previous ones as a viewer shows
 * them: out (CPU) is resized to N x 3 x H x W (values 0..255). delays_cs (n_delays
 * values, may be NULL) receives the first frames' delays; loop the NETSCAPE2.0
 * repetition count (-1 when absent). */
STN_API stn_status stn_gif_read(stn_ctx *ctx, const char *path, stn_tensor *out, int *delays_cs, int n_delays, int *loop);

/* out <- in (C x H x W or B x C x H x W) mapped to 0..255 for display.
 * STN_DISPLAY_AFFINE: out = scale * (in * std[c] + mean[c]) clamped to 0..255, with
 * nstats = C values per channel (or 1 for all), undoing a global normalization.
 * STN_DISPLAY_STRETCH: each image's minimum to 0 and maximum to 255 (all channels
 * together, so colours keep their balance; a constant image gives 128). */
enum { STN_DISPLAY_AFFINE = 0, STN_DISPLAY_STRETCH = 1 };
STN_API stn_status stn_image_to_display(stn_ctx *ctx, const stn_tensor *in, stn_tensor *out, int mode,
                                        const float *mean, const float *std, int nstats, float scale);
/* out (C x H*factor x W*factor) <- in (C x H x W), each pixel repeated factor x factor
 * times (nearest neighbour: small images stay crisp). */
STN_API stn_status stn_image_upscale(stn_ctx *ctx, const stn_tensor *in, stn_tensor *out, int factor);
/* Copies picture src, upscaled factor times as stn_image_upscale does (1: as it is),
 * into canvas with its top-left pixel at column x, row y (0-based; what falls outside
 * the canvas is clipped). A grey src on an RGB canvas is written to all three channels.
 * canvas may be a view (a panel of a larger picture). */
STN_API stn_status stn_image_paste(stn_ctx *ctx, stn_tensor *canvas, const stn_tensor *src, int x, int y, int factor);
/* Fills a square of side 2 radius + 1 around each of the n points (x = xy[2k],
 * y = xy[2k + 1], pixel coordinates: pixel (0, 0) is centred on (0, 0)), rounded to
 * the nearest pixel and clipped to the canvas, in colour (C values). */
STN_API stn_status stn_image_draw_points(stn_ctx *ctx, stn_tensor *canvas, const float *xy, int n, int radius,
                                         const float *color);
/* Text in the built-in bitmap font (glyphs 5 pixels wide in cells 8 high: digits,
 * letters, space and , . / : - + = % ( ) _), each font pixel drawn as scale x scale,
 * glyphs 6 * scale apart, top-left corner at (x, y), clipped. Another character is
 * an error naming it. */
STN_API stn_status stn_image_draw_text(stn_ctx *ctx, stn_tensor *canvas, const char *text, int x, int y, int scale,
                                       const float *color);
/* Width and height in pixels that stn_image_draw_text covers for text. */
STN_API stn_status stn_image_text_size(const char *text, int scale, int *width, int *height);

/* STN_CDEF_END */

#ifdef __cplusplus
}
#endif
#endif /* STN_H */
