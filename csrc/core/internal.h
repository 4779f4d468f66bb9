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

#ifdef __cplusplus
}
#endif
#endif /* STN_INTERNAL_H */
