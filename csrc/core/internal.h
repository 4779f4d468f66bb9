/* internal.h: what the C and CUDA sources share and users never see: the context,
 * error helpers, shape checks, and the CUDA twins the CPU entry points dispatch to. */
#ifndef STN_INTERNAL_H
#define STN_INTERNAL_H

#include "stn.h"
#include <math.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct stn_cuda_state; /* cuda/context.cu */

struct stn_ctx {
  int num_threads;
  int conv_path;                /* stn_conv_path: how CPU convolutions run */
  uint64_t seed;                /* Philox key */
  uint64_t offset;              /* Philox counter: numbers drawn so far, in blocks of 4 */
  struct stn_cuda_state *cuda;  /* NULL until the first CUDA call */
  int sampler_bwd;              /* 1 + the samplers' CUDA backward variant once set; 0: from the environment */
};

/* ---- errors: every failure goes through stn_fail, which formats the message */
stn_status stn_fail_at(stn_status status, const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
#define STN_FAIL(status, ...) stn_fail_at((status), __FILE__, __LINE__, __VA_ARGS__)
#define STN_TRY(call)                         \
  do {                                        \
    stn_status stn_try_s_ = (call);           \
    if (stn_try_s_ != STN_OK) return stn_try_s_; \
  } while (0)

/* "2x3x4" for t, in one of a few rotating thread-local buffers (so a message can
 * name several shapes). */
const char *stn_shape_str(const stn_tensor *t);
const char *stn_device_str(int device);

#define STN_MAX_NUMEL ((int64_t)1 << STN_MAX_NUMEL_LOG2)

/* x, with any NaN replaced by the plain quiet NaN. LuaJIT 2.1 (as Debian 12 ships it)
 * reads a NaN whose sign and payload bits are set as a value of another type (nil, a
 * prototype), so NaNs that come from outside bytes, or that Lua reads as a double,
 * pass through here. */
static inline float stn_plain_nan(float x) { return x != x ? NAN : x; }
static inline double stn_plain_nan_d(double x) { return x != x ? (double)NAN : x; }

/* Argument checks shared by the ops; each names fn in its message. stn_check_tensor
 * also proves the view lies inside its storage (sizes, strides and offset non-negative,
 * at most STN_MAX_NUMEL elements, last element within the storage), so no kernel
 * reads or writes outside it whatever a file or an FFI caller put in the struct. */
stn_status stn_check_tensor(const char *fn, const char *name, const stn_tensor *t);
stn_status stn_check_same_device(const char *fn, const stn_tensor *a, const stn_tensor *b);
stn_status stn_check_dim(const char *fn, const char *name, const stn_tensor *t, int dim);
stn_status stn_check_same_shape(const char *fn, const char *an, const stn_tensor *a, const char *bn, const stn_tensor *b);

/* ---- shapes and strides */
int stn_same_shape(const stn_tensor *a, const stn_tensor *b);
/* a and b are the same view: storage, offset, sizes and strides. */
int stn_same_view(const stn_tensor *a, const stn_tensor *b);
/* b is not NULL and has a's (non-NULL) storage: writing a may change b. */
static inline int stn_shares_storage(const stn_tensor *a, const stn_tensor *b) {
  return b && a->mem && a->mem == b->mem;
}
/* Resizes out to a's shape unless it has it already. */
stn_status stn_resize_as(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a);
static inline float *stn_data(const stn_tensor *t) {
  return t->mem ? t->mem->data + t->offset : (float *)0;
}
/* Offset (in elements, from stn_data) of the element with row-major linear index i. */
static inline int64_t stn_offset_of(const stn_tensor *t, int64_t i) {
  int64_t off = 0;
  for (int d = t->ndim - 1; d >= 0; d--) {
    int64_t s = t->shape[d];
    off += (i % s) * t->strides[d];
    i /= s;
  }
  return off;
}
/* A contiguous tensor on t's device holding t's values (a new storage, or a view of t
 * itself when t is already contiguous). Release with stn_tensor_release. */
stn_status stn_contiguous_copy(stn_ctx *ctx, stn_tensor *out, const stn_tensor *t);
/* An uninitialized contiguous tensor of the given shape on a device. */
stn_status stn_tensor_new(stn_ctx *ctx, stn_tensor *out, int device, int dim, const int64_t *size);

/* ---- CPU threading: parallelize loops of at least this many elements */
#define STN_OMP_MIN 32768

/* ---- CUDA dispatch: an entry point in csrc/ hands CUDA tensors to its twin */
#ifdef STN_WITH_CUDA
#define STN_CUDA_DISPATCH(call) return (call)
#else
#define STN_CUDA_DISPATCH(call) \
  return STN_FAIL(STN_ERR_DEVICE, "%s: this stn was built without CUDA", __func__)
#endif

/* memory of the caching allocator (cuda/context.cu) */
stn_status stn_cuda_alloc(stn_ctx *ctx, void **ptr, int64_t bytes);
void stn_cuda_free(stn_ctx *ctx, void *ptr, int64_t bytes);
stn_status stn_cuda_memcpy(stn_ctx *ctx, void *dst, int dst_device, const void *src, int src_device, int64_t bytes);

/* CUDA twins of the tensor ops (in cuda/), same arguments as the entry points, called
 * after those have checked the arguments, conformed the inputs and resized outputs. */
stn_status stn_copy_cuda(stn_ctx *ctx, stn_tensor *dst, const stn_tensor *src);
stn_status stn_unary_cuda(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int op, float p, float q);
stn_status stn_binary_cuda(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, const stn_tensor *b, int op, float p);
stn_status stn_ternary_cuda(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, const stn_tensor *b, const stn_tensor *c, int op, float p);
stn_status stn_reduce_all_cuda(stn_ctx *ctx, const stn_tensor *a, int op, int biased, double *result);
stn_status stn_reduce_dim_cuda(stn_ctx *ctx, stn_tensor *out, stn_tensor *indices, const stn_tensor *a, int dim, int op, int biased);
stn_status stn_index_select_cuda(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int dim, const int64_t *idx, int64_t n);
/* idx[k] < 0 marks a slice k to skip (an earlier duplicate; stn_index_copy keeps the last) */
stn_status stn_index_copy_cuda(stn_ctx *ctx, stn_tensor *dst, int dim, const int64_t *idx, int64_t n, const stn_tensor *src);
stn_status stn_addmm_cuda(stn_ctx *ctx, stn_tensor *out, float beta, const stn_tensor *m, float alpha, const stn_tensor *a, const stn_tensor *b);
stn_status stn_baddbmm_cuda(stn_ctx *ctx, stn_tensor *out, float beta, const stn_tensor *m, float alpha, const stn_tensor *a, const stn_tensor *b);
stn_status stn_addmv_cuda(stn_ctx *ctx, stn_tensor *out, float beta, const stn_tensor *v, float alpha, const stn_tensor *mat, const stn_tensor *vec);
stn_status stn_uniform_cuda(stn_ctx *ctx, stn_tensor *t, float lo, float hi, uint64_t seed, uint64_t offset);
stn_status stn_normal_cuda(stn_ctx *ctx, stn_tensor *t, float mean, float stdv, uint64_t seed, uint64_t offset);
stn_status stn_bernoulli_cuda(stn_ctx *ctx, stn_tensor *t, float p, uint64_t seed, uint64_t offset);

/* ---- spatial transformer twins */
stn_status stn_affine_matrix_forward_cuda(stn_ctx *ctx, const stn_tensor *params, stn_tensor *theta, int use_rotation,
                                          int use_scale, int use_translation);
stn_status stn_affine_matrix_backward_cuda(stn_ctx *ctx, const stn_tensor *params, const stn_tensor *grad_theta,
                                           stn_tensor *grad_params, int use_rotation, int use_scale, int use_translation);
stn_status stn_affine_grid_forward_cuda(stn_ctx *ctx, const stn_tensor *theta, stn_tensor *grid, int64_t height,
                                        int64_t width, int order_xy, int align_corners);
stn_status stn_affine_grid_backward_cuda(stn_ctx *ctx, const stn_tensor *grad_grid, stn_tensor *grad_theta, int order_xy,
                                         int align_corners);
stn_status stn_bilinear_sampler_bhwd_forward_cuda(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                                  stn_tensor *output);
stn_status stn_bilinear_sampler_bhwd_backward_cuda(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                                   const stn_tensor *grad_output, stn_tensor *grad_images,
                                                   stn_tensor *grad_grid, int need_grad_images);
stn_status stn_grid_sampler_forward_cuda(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                         stn_tensor *output, int align_corners, int padding);
stn_status stn_grid_sampler_backward_cuda(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                          const stn_tensor *grad_output, stn_tensor *grad_images, stn_tensor *grad_grid,
                                          int need_grad_images, int align_corners, int padding);



/* ---- nn layer twins */
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



/* ---- data and image helpers */
/* Pictures (csrc/picture.c): t must be a CPU tensor C x H x W with C in [1, max_c]
 * (B x C x H x W too when batch_ok); messages name fn and what. */
stn_status stn_check_picture(const char *fn, const char *what, const stn_tensor *t, int max_c, int batch_ok);
/* HWC bytes (H x W x C) <- picture t (C x H x W, any strides), rounded, clamped to 0..255. */
void stn_picture_to_bytes(const stn_tensor *t, uint8_t *hwc);
/* t (C x H x W, any strides, sized by the caller) <- HWC bytes. */
void stn_picture_from_bytes(stn_tensor *t, const uint8_t *hwc);
/* GIF palettes (csrc/gif_palette.c): 255 RGB entries (entry 255, black, is left to the
 * writer) from the fixed cube, or by median cut of n RGB pixels (with black and white). */
void stn_gif_palette_cube(uint8_t palette[768]);
stn_status stn_gif_palette_median_cut(const uint8_t *rgb, int64_t n, uint8_t palette[768]);
/* Reads a whole file into a malloc'd buffer (plus one NUL byte past *len; release
 * with free); fn names the caller in messages. */
stn_status stn_read_file(const char *fn, const char *path, uint8_t **buf, size_t *len);
/* The calling thread's last error message without its " (file:line)" suffix, copied
 * into buf; for re-raising a worker thread's failure on the caller's thread. */
void stn_error_body(char *buf, size_t len);

/* A parsed Netpbm header; the samples start at buf + offset. */
typedef struct stn_ppm_info {
  int width, height, channels, maxval;
  size_t offset;
} stn_ppm_info;
/* Parses the header of the P5/P6 image in buf (len bytes, from file `name`) and checks
 * that all the samples are there. */
stn_status stn_ppm_parse(const uint8_t *buf, size_t len, const char *name, stn_ppm_info *info);
/* The samples as height x width x channels bytes scaled to 0..255. */
void stn_ppm_to_u8(const uint8_t *buf, const stn_ppm_info *info, uint8_t *dst);

/* Resizes one image (as stn_image_resize); scratch holds
 * channels * height * out_width + width floats. */
stn_status stn_resize_one(const void *src, int pixel_type, int layout, int channels, int height, int width,
                          float *dst, int out_height, int out_width, float *scratch);

#ifdef __cplusplus
}
#endif
#endif /* STN_INTERNAL_H */
