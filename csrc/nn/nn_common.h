/* nn_common.h: what the nn layer kernels (csrc/linear.c, conv2d.c, pooling, ...) share:
 * shape checks that name the op, scratch tensors owned by the caller, and switching
 * OpenBLAS to one thread while OpenMP shares the work out. */
#ifndef STN_NN_COMMON_H
#define STN_NN_COMMON_H

#include "core/internal.h"

#ifndef __CUDACC__
#ifdef _OPENMP
#include <omp.h>
#endif

void openblas_set_num_threads(int num_threads); /* OpenBLAS's own; not in cblas.h */

/* The layers parallelize with OpenMP and call sgemm from inside the parallel
 * regions, so OpenBLAS must not start its own pool meanwhile (its threads would
 * fight the OpenMP ones for the same cores). */
static inline void stn_blas_single_begin(void) { openblas_set_num_threads(1); }
static inline void stn_blas_single_end(stn_ctx *ctx) { openblas_set_num_threads(ctx->num_threads); }

static inline int stn_threads(stn_ctx *ctx) { return ctx->num_threads > 0 ? ctx->num_threads : 1; }
/* Row-major C (M x N) <- alpha op(A) op(B) + beta C, threads shared out by OpenMP
 * (csrc/nn_gemm.c). */
void stn_sgemm_cpu(stn_ctx *ctx, int transA, int transB, int64_t M, int64_t N, int64_t K, float alpha,
                   const float *A, int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc);

static inline int stn_thread_id(void) {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}
#endif

/* A scratch tensor owned by the caller (a module's buffer): an empty one takes the
 * device it is needed on; it is grown to at least n floats and viewed as 1-D. */
static inline stn_status stn_scratch(stn_ctx *ctx, const char *fn, stn_tensor *work, int device, int64_t n) {
  STN_TRY(stn_check_tensor(fn, "work", work));
  if (!work->mem) work->device = device;
  if (work->device != device)
    return STN_FAIL(STN_ERR_DEVICE, "%s: the work buffer is on %s but the input is on %s", fn,
                    stn_device_str(work->device), stn_device_str(device));
  int64_t have = work->mem ? work->mem->size - work->offset : 0;
  if (!stn_tensor_is_contiguous(work) || have < n) {
    int64_t sz = n;
    STN_TRY(stn_tensor_resize(ctx, work, 1, &sz));
  }
  return STN_OK;
}

/* An optional tensor (NULL or empty when absent) on the given device. */
static inline int stn_present(const stn_tensor *t) { return t && t->ndim > 0; }

/* Checks t is a tensor on `device` (a NULL t fails). */
static inline stn_status stn_check_on(const char *fn, const char *name, const stn_tensor *t, int device) {
  STN_TRY(stn_check_tensor(fn, name, t));
  if (t->mem && t->device != device)
    return STN_FAIL(STN_ERR_DEVICE, "%s: %s is on %s (%s) but the input is on %s", fn, name, stn_device_str(t->device),
                    stn_shape_str(t), stn_device_str(device));
  if (!t->mem) ((stn_tensor *)t)->device = device; /* an empty output follows the input */
  return STN_OK;
}

/* Outputs are written as flat arrays: a caller-given view must be contiguous. */
static inline stn_status stn_check_contiguous(const char *fn, const char *name, const stn_tensor *t) {
  if (!stn_tensor_is_contiguous(t))
    return STN_FAIL(STN_ERR_ARG, "%s: %s (%s) must be contiguous", fn, name, stn_shape_str(t));
  return STN_OK;
}

/* Batched (4-D) or single (3-D) images: *b is the batch size (1 for 3-D). */
static inline stn_status stn_check_images(const char *fn, const stn_tensor *x, int64_t *b, int64_t *c, int64_t *h,
                                          int64_t *w) {
  *b = *c = *h = *w = 0;
  if (x->ndim == 4) {
    *b = x->shape[0], *c = x->shape[1], *h = x->shape[2], *w = x->shape[3];
  } else if (x->ndim == 3) {
    *b = 1, *c = x->shape[0], *h = x->shape[1], *w = x->shape[2];
  } else {
    return STN_FAIL(STN_ERR_ARG, "%s: input must be 3-D (C x H x W) or 4-D (B x C x H x W), got %s", fn,
                    stn_shape_str(x));
  }
  return STN_OK;
}

/* Resizes out to (b x) c x h x w, batched like like. */
static inline stn_status stn_resize_images(stn_ctx *ctx, stn_tensor *out, const stn_tensor *like, int64_t b, int64_t c,
                                           int64_t h, int64_t w) {
  int64_t s4[4] = {b, c, h, w};
  if (like->ndim == 4) return stn_tensor_resize(ctx, out, 4, s4);
  return stn_tensor_resize(ctx, out, 3, s4 + 1);
}

/* Output size of a pooling window sweep, Torch7's rule: floor or ceil, and in ceil
 * mode a last window that would start in the padding (or past the image) is dropped.
 * Returns 0 when the padded input is smaller than the window. */
static inline int64_t stn_pool_out_size(int64_t in, int k, int d, int pad, int ceil_mode) {
  int64_t span = in + 2 * (int64_t)pad - k;
  if (span < 0) return 0;
  int64_t o = ceil_mode ? (span + d - 1) / d + 1 : span / d + 1;
  if (ceil_mode && (o - 1) * d >= in + pad) o--;
  return o;
}

/* Sizes of a convolution: input (B x) C x H x W, weight O x C x kH x kW (or O x K). */
typedef struct stn_conv_geom {
  int64_t B, C, H, W, O, oH, oW;
  int64_t K; /* C * kH * kW: rows of the column matrix */
  int64_t N; /* oH * oW: columns per image */
  int kW, kH, dW, dH, padW, padH;
} stn_conv_geom;

static inline stn_conv_geom stn_conv_geom_of(const stn_tensor *input, const stn_tensor *weight, int kW, int kH, int dW,
                                             int dH, int padW, int padH) {
  stn_conv_geom g;
  int b4 = input->ndim == 4;
  g.B = b4 ? input->shape[0] : 1;
  g.C = input->shape[b4];
  g.H = input->shape[b4 + 1];
  g.W = input->shape[b4 + 2];
  g.O = weight->shape[0];
  g.kW = kW, g.kH = kH, g.dW = dW, g.dH = dH, g.padW = padW, g.padH = padH;
  g.oH = (g.H + 2 * (int64_t)padH - kH) / dH + 1;
  g.oW = (g.W + 2 * (int64_t)padW - kW) / dW + 1;
  g.K = g.C * kH * kW;
  g.N = g.oH * g.oW;
  return g;
}

/* With stride 1 (and padding below the kernel size), the image gradient of a
 * convolution is itself a convolution: of gy, padded by k - 1 - pad, with the weights
 * flipped and their planes swapped (C x O x kH x kW). This is its geometry (gy is its
 * input, gx its output). */
static inline int stn_conv_transposable(const stn_conv_geom *g) {
  return g->dW == 1 && g->dH == 1 && g->padW <= g->kW - 1 && g->padH <= g->kH - 1;
}
static inline stn_conv_geom stn_conv_transposed_geom(const stn_conv_geom *g) {
  stn_conv_geom t = *g;
  t.C = g->O, t.H = g->oH, t.W = g->oW, t.O = g->C, t.oH = g->H, t.oW = g->W;
  t.padW = g->kW - 1 - g->padW, t.padH = g->kH - 1 - g->padH;
  t.K = g->O * g->kH * g->kW;
  t.N = g->H * g->W;
  return t;
}

/* Sizes of a pooling sweep over (B x) C x H x W planes. */
typedef struct stn_pool_geom {
  int64_t B, C, H, W, oH, oW;
  int kW, kH, dW, dH, padW, padH;
} stn_pool_geom;

static inline stn_pool_geom stn_pool_geom_of(const stn_tensor *input, int kW, int kH, int dW, int dH, int padW,
                                             int padH, int ceil_mode) {
  stn_pool_geom g;
  int b4 = input->ndim == 4;
  g.B = b4 ? input->shape[0] : 1;
  g.C = input->shape[b4];
  g.H = input->shape[b4 + 1];
  g.W = input->shape[b4 + 2];
  g.kW = kW, g.kH = kH, g.dW = dW, g.dH = dH, g.padW = padW, g.padH = padH;
  g.oH = stn_pool_out_size(g.H, kH, dH, padH, ceil_mode);
  g.oW = stn_pool_out_size(g.W, kW, dW, padW, ceil_mode);
  return g;
}

/* Rows of a softmax over the feature dimension: outer x inner rows of n entries,
 * entry j at stride inner (n, B x n, C x H x W over C, B x C x H x W over C). */
static inline stn_status stn_softmax_geom(const char *fn, const stn_tensor *x, int64_t *outer, int64_t *n,
                                          int64_t *inner) {
  switch (x->ndim) {
  case 1: *outer = 1, *n = x->shape[0], *inner = 1; break;
  case 2: *outer = x->shape[0], *n = x->shape[1], *inner = 1; break;
  case 3: *outer = 1, *n = x->shape[0], *inner = x->shape[1] * x->shape[2]; break;
  case 4: *outer = x->shape[0], *n = x->shape[1], *inner = x->shape[2] * x->shape[3]; break;
  default:
    return STN_FAIL(STN_ERR_ARG, "%s: input must be 1-D (n), 2-D (B x n), 3-D (C x H x W) or 4-D, got %s", fn,
                    stn_shape_str(x));
  }
  return STN_OK;
}

/* Sizes of a local (contrastive) normalization: images and the averaging kernel
 * (kdim 1: k k^T with kh = kw = its length; kdim 2: kh x kw). */
typedef struct stn_localnorm_geom {
  int64_t B, C, H, W;
  int kdim, kh, kw;
} stn_localnorm_geom;

#ifdef __cplusplus
extern "C" {
#endif
/* csrc/im2col.c: the windows of channels [c0, c1) of image x as rows (c, i, j) of
 * col, N = oH * oW columns each, at row stride ld; and the adjoint, adding into gx. */
void stn_im2col(const float *x, float *col, int64_t ld, const stn_conv_geom *g, int64_t c0, int64_t c1);
void stn_col2im(const float *col, int64_t ld, float *gx, const stn_conv_geom *g, int64_t c0, int64_t c1);
/* csrc/conv_tiles.c: the direct convolution's pieces. Lanes run over P planes (output
 * planes, or input planes for the image gradient) in tiles of 16 (the last one 8 when
 * P padded to 8 is not a multiple of 16). */
#define STN_CONV_ROWS 6 /* rows of a tile: spare rows of a buffer or accumulator */
int64_t stn_conv_direct_tiles(int64_t P);
int64_t stn_conv_direct_lanes_pad(int64_t P); /* P rounded up to 8 */
/* xp: C x Hp x Wp floats, Hp = (oH - 1) dH + kH, Wp = (oW - 1) dW + kW */
int64_t stn_conv_direct_image_floats(const stn_conv_geom *g);
void stn_conv_direct_pad(const stn_conv_geom *g, const float *x, float *xp);
/* off: K entries, base: N entries */
void stn_conv_direct_tables(const stn_conv_geom *g, int32_t *off, int32_t *base);
int64_t stn_conv_direct_packed_floats(int64_t P, int64_t K);
/* packs lane tiles [t0, t1) of w (P x K), or with flip of the image-gradient weights of w
 * (O x C x kk, P = C, K = O kk) */
void stn_conv_direct_pack(const float *w, int64_t P, int64_t K, int flip, int64_t C, int64_t kk, float *pw, int64_t t0,
                          int64_t t1);
/* output planes of lane tiles [t0, t1) of one image; buf: (N + ROWS) x 16 floats */
void stn_conv_direct_forward(const stn_conv_geom *g, const int32_t *off, const int32_t *base, const float *xp,
                             const float *pw, const float *bias, float *out, float *buf, int64_t t0, int64_t t1);
/* gy (O x N) in lane-tile layout (lanes_pad(O) x N floats), tiles [t0, t1) */
void stn_conv_direct_lanes(const stn_conv_geom *g, const float *gy, float *gyt, int64_t t0, int64_t t1);
/* acc[k][o] (row stride lanes_pad(O), K + ROWS rows) (+)= sum_n gy[o][n] col[k][n] */
void stn_conv_direct_weights(const stn_conv_geom *g, const int32_t *off, const int32_t *base, const float *xp,
                             const float *gyt, float *acc, int add, int64_t t0, int64_t t1);
/* csrc/conv2d_direct.c: the passes, on nth threads (see csrc/conv2d.c for when) */
int stn_conv_direct_forward_ok(stn_ctx *ctx, const stn_conv_geom *g);
int stn_conv_direct_input_ok(stn_ctx *ctx, const stn_conv_geom *g);
int stn_conv_direct_weight_ok(stn_ctx *ctx, const stn_conv_geom *g);
stn_status stn_conv2d_direct_forward(stn_ctx *ctx, const char *fn, const stn_conv_geom *g, const float *x,
                                     const float *w, const float *bias, float *out, stn_tensor *work, int nth);
/* gx (NULL: skipped) set; gw, gb (NULL: skipped) += scale * gradients */
stn_status stn_conv2d_direct_backward(stn_ctx *ctx, const char *fn, const stn_conv_geom *g, const float *x,
                                      const float *gy, const float *w, float *gx, float *gw, float *gb, float scale,
                                      stn_tensor *work, int nth);
/* Checks of csrc/local_norm.c, shared with its CUDA twin. */
stn_status stn_localnorm_check(const char *fn, const stn_tensor *input, const stn_tensor *kernel,
                               stn_localnorm_geom *g);
/* Checks shared by the pooling ops (csrc/pool_check.c): the input and the window. */
stn_status stn_pool_check(const char *fn, const stn_tensor *input, int kW, int kH, int dW, int dH, int padW, int padH,
                          int ceil_mode, stn_pool_geom *g);
stn_status stn_pool_check_grad(const char *fn, const stn_tensor *input, const stn_tensor *gradOutput,
                               const stn_tensor *gradInput, const stn_pool_geom *g);
/* ---- CUDA twins (cuda/nn/), same arguments as the entry points, called after those
 * have checked the arguments and sized the outputs */
stn_status stn_conv2d_forward_cuda(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, const stn_tensor *weight,
                                   const stn_tensor *bias, stn_tensor *work, int kW, int kH, int dW, int dH, int padW,
                                   int padH);
stn_status stn_conv2d_backward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *gradOutput,
                                    stn_tensor *gradInput, const stn_tensor *weight, stn_tensor *gradWeight,
                                    stn_tensor *gradBias, stn_tensor *work, int kW, int kH, int dW, int dH, int padW,
                                    int padH, float scale);
stn_status stn_linear_forward_cuda(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, const stn_tensor *weight,
                                   const stn_tensor *bias);
stn_status stn_linear_backward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *gradOutput,
                                    stn_tensor *gradInput, const stn_tensor *weight, stn_tensor *gradWeight,
                                    stn_tensor *gradBias, float scale);
stn_status stn_activation_forward_cuda(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, int kind,
                                       float threshold, float value);
stn_status stn_activation_backward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *output,
                                        const stn_tensor *gradOutput, stn_tensor *gradInput, int kind, float threshold);
stn_status stn_max_pool2d_forward_cuda(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, stn_tensor *indices,
                                       int kW, int kH, int dW, int dH, int padW, int padH, int ceil_mode);
stn_status stn_max_pool2d_backward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *gradOutput,
                                        stn_tensor *gradInput, const stn_tensor *indices, int kW, int kH, int dW, int dH,
                                        int padW, int padH, int ceil_mode);
stn_status stn_avg_pool2d_forward_cuda(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, int kW, int kH, int dW,
                                       int dH, int padW, int padH, int ceil_mode, int count_include_pad);
stn_status stn_avg_pool2d_backward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *gradOutput,
                                        stn_tensor *gradInput, int kW, int kH, int dW, int dH, int padW, int padH,
                                        int ceil_mode, int count_include_pad);
stn_status stn_softmax_forward_cuda(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, int use_log);
stn_status stn_softmax_backward_cuda(stn_ctx *ctx, const stn_tensor *output, const stn_tensor *gradOutput,
                                     stn_tensor *gradInput, int use_log);
stn_status stn_class_nll_forward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target,
                                      stn_tensor *output, const stn_tensor *weights, int size_average, float *loss);
stn_status stn_class_nll_backward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target,
                                       stn_tensor *gradInput, const stn_tensor *weights, int size_average);
stn_status stn_mse_forward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target, stn_tensor *output,
                                int size_average, float *loss);
stn_status stn_mse_backward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *target,
                                 stn_tensor *gradInput, int size_average);
stn_status stn_localnorm_forward_cuda(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output,
                                      const stn_tensor *kernel, stn_tensor *work, int divisive, float threshold,
                                      float thresval);
stn_status stn_localnorm_backward_cuda(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *gradOutput,
                                       stn_tensor *gradInput, const stn_tensor *kernel, stn_tensor *work, int divisive,
                                       float threshold, float thresval);



/* ---- optimization twins */
stn_status stn_sgd_step_cuda(stn_ctx *ctx, stn_tensor *x, stn_tensor *dfdx, stn_tensor *momentum_buf,
                             const stn_tensor *lrs, const stn_tensor *wds, double lr, double weight_decay,
                             double momentum, double dampening, int nesterov, int init_momentum);

#ifdef __cplusplus
}
#endif

#endif /* STN_NN_COMMON_H */
