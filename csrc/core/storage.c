/* storage.c: refcounted storage on either device (CPU blocks from a cache, CUDA blocks
 * from the context's allocator: cuda_services.h), and the resizes and references of
 * the tensors that hold it. */
#include "storage.h"
#include "cuda_services.h"
#include "error.h"
#include "tensor.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Bytes held by live storages, both devices (stn_storage_bytes). */
static int64_t live_bytes;

/* Freed CPU blocks of HOST_CACHE_MIN bytes or more are kept for the next request of the
 * same rounded size: a loop that makes a fresh result each step (y = stn.mm(a, b))
 * then reuses a block instead of faulting in new zero-filled pages from the kernel,
 * which costs as much as the product itself at convolution-sized matrices. */
#define HOST_CACHE_MIN ((size_t)256 << 10)
#define HOST_CACHE_SLOTS 32
#define HOST_CACHE_MAX ((size_t)256 << 20)
static struct { void *p; size_t bytes; } host_cache[HOST_CACHE_SLOTS];
static int host_ncache;
static size_t host_cached;
static pthread_mutex_t host_lock = PTHREAD_MUTEX_INITIALIZER; /* frees may come from any thread */

static size_t host_bytes(int64_t n, int elsize) {
  size_t bytes = ((size_t)(n > 0 ? n : 1) * (size_t)elsize + 63) & ~(size_t)63;
  if (bytes >= HOST_CACHE_MIN) bytes = (bytes + 4095) & ~(size_t)4095; /* whole pages: more reuse */
  return bytes;
}

static void host_cache_remove(int i) {
  host_cached -= host_cache[i].bytes;
  memmove(&host_cache[i], &host_cache[i + 1], (size_t)(host_ncache - i - 1) * sizeof host_cache[0]);
  host_ncache--;
}

static stn_status host_alloc(void **p, int64_t n, int elsize) {
  size_t bytes = host_bytes(n, elsize);
  *p = NULL;
  if (bytes >= HOST_CACHE_MIN) {
    pthread_mutex_lock(&host_lock);
    for (int i = host_ncache - 1; i >= 0; i--) /* newest first: most likely still in cache */
      if (host_cache[i].bytes == bytes) { *p = host_cache[i].p; host_cache_remove(i); break; }
    pthread_mutex_unlock(&host_lock);
  }
  if (!*p) *p = aligned_alloc(64, bytes); /* 64: a cache line and the widest vector */
  if (!*p) return STN_FAIL(STN_ERR_MEMORY, "stn_storage: cannot allocate %lld bytes on the cpu", (long long)bytes);
  return STN_OK;
}

static void host_free(void *p, int64_t n, int elsize) {
  size_t bytes = host_bytes(n, elsize);
  if (bytes < HOST_CACHE_MIN || bytes > HOST_CACHE_MAX) { free(p); return; }
  pthread_mutex_lock(&host_lock);
  while (host_ncache > 0 && (host_ncache == HOST_CACHE_SLOTS || host_cached + bytes > HOST_CACHE_MAX)) {
    free(host_cache[0].p); /* the oldest goes first */
    host_cache_remove(0);
  }
  host_cache[host_ncache].p = p;
  host_cache[host_ncache].bytes = bytes;
  host_ncache++;
  host_cached += bytes;
  pthread_mutex_unlock(&host_lock);
}

void stn_host_empty_cache(void) {
  pthread_mutex_lock(&host_lock);
  while (host_ncache > 0) { free(host_cache[0].p); host_cache_remove(0); }
  pthread_mutex_unlock(&host_lock);
}

double stn_storage_bytes(void) { return (double)__atomic_load_n(&live_bytes, __ATOMIC_RELAXED); }

static void count_bytes(int64_t bytes) { __atomic_add_fetch(&live_bytes, bytes, __ATOMIC_RELAXED); }

static stn_status device_alloc(stn_ctx *ctx, int device, int elsize, void **p, int64_t n) {
  if (device == STN_CUDA) return stn_cuda_alloc(ctx, p, (n > 0 ? n : 1) * (int64_t)elsize);
  return host_alloc(p, n, elsize);
}

static void device_free(stn_ctx *ctx, int device, int elsize, void *p, int64_t n) {
  if (!p) return;
  if (device == STN_CUDA) { stn_cuda_free(ctx, p, (n > 0 ? n : 1) * (int64_t)elsize); return; }
  host_free(p, n, elsize);
}

int stn_dtype_size(int dtype) {
  switch (dtype) {
  case STN_FLOAT: return 4;
  case STN_DOUBLE: return 8;
  case STN_LONG: return 8;
  case STN_INT: return 4;
  case STN_BYTE: return 1;
  case STN_CHAR: return 1;
  case STN_SHORT: return 2;
  case STN_HALF: return 2;
  case STN_BFLOAT16: return 2;
  default: return 0;
  }
}

const char *stn_dtype_name(int dtype) {
  static const char *names[STN_NUM_DTYPES] = {"Float", "Double", "Long", "Int", "Byte",
                                                "Char",  "Short",  "Half", "BFloat16"};
  return dtype >= 0 && dtype < STN_NUM_DTYPES ? names[dtype] : "unknown";
}

stn_status stn_storage_new(stn_ctx *ctx, int32_t device, int32_t dtype, int64_t size, stn_storage **out) {
  if (size < 0 || size > STN_MAX_NUMEL)
    return STN_FAIL(STN_ERR_ARG, "stn_storage_new: size %lld (0 to 2^%d allowed)", (long long)size, STN_MAX_NUMEL_LOG2);
  if (device != STN_CPU && device != STN_CUDA)
    return STN_FAIL(STN_ERR_ARG, "stn_storage_new: unknown device %d", device);
  int elsize = stn_dtype_size(dtype);
  if (!elsize) return STN_FAIL(STN_ERR_ARG, "stn_storage_new: unknown element type %d", dtype);
  stn_storage *s = (stn_storage *)calloc(1, sizeof *s);
  if (!s) return STN_FAIL(STN_ERR_MEMORY, "stn_storage_new: out of memory");
  stn_status st = device_alloc(ctx, device, elsize, &s->ptr, size);
  if (st != STN_OK) { free(s); return st; }
  s->size = size;
  s->dtype = dtype;
  count_bytes(size * elsize);
  s->refcount = 1;
  s->device = device;
  s->ctx = ctx;
  *out = s;
  return STN_OK;
}

void stn_storage_retain(stn_storage *s) {
  if (s) s->refcount++;
}

void stn_storage_release(stn_storage *s) {
  if (!s || --s->refcount > 0) return;
  int elsize = stn_dtype_size(s->dtype);
  count_bytes(-s->size * elsize);
  device_free(s->ctx, s->device, elsize, s->ptr, s->size);
  free(s);
}

stn_status stn_storage_grow(stn_storage *s, int64_t size) {
  if (size <= s->size) return STN_OK;
  return stn_storage_resize(s, size);
}

stn_status stn_storage_resize(stn_storage *s, int64_t size) {
  if (!s) return STN_FAIL(STN_ERR_ARG, "stn_storage_resize: the storage is NULL");
  if (size < 0 || size > STN_MAX_NUMEL)
    return STN_FAIL(STN_ERR_ARG, "stn_storage_resize: size %lld (0 to 2^%d allowed)", (long long)size,
                    STN_MAX_NUMEL_LOG2);
  if (size == s->size) return STN_OK;
  int elsize = stn_dtype_size(s->dtype);
  int64_t keep = size < s->size ? size : s->size;
  void *p;
  STN_TRY(device_alloc(s->ctx, s->device, elsize, &p, size));
  if (keep > 0) {
    if (s->device == STN_CPU) {
      memcpy(p, s->ptr, (size_t)(keep * elsize));
    } else {
      stn_status st = stn_cuda_memcpy(s->ctx, p, STN_CUDA, s->ptr, STN_CUDA, keep * elsize);
      if (st != STN_OK) { device_free(s->ctx, s->device, elsize, p, size); return st; }
    }
  }
  device_free(s->ctx, s->device, elsize, s->ptr, s->size);
  count_bytes((size - s->size) * elsize);
  s->ptr = p;
  s->size = size;
  return STN_OK;
}

stn_status stn_tensor_resize(stn_ctx *ctx, stn_tensor *t, int32_t dim, const int64_t *size) {
  if (dim < 0 || dim > STN_MAX_DIM)
    return STN_FAIL(STN_ERR_ARG, "stn_tensor_resize: %d dimensions asked (0 to %d allowed)", dim, STN_MAX_DIM);
  int64_t n = dim > 0 ? 1 : 0;
  for (int d = 0; d < dim; d++)
    if (size[d] < 0 || size[d] > STN_MAX_NUMEL)
      return STN_FAIL(STN_ERR_ARG, "stn_tensor_resize: size %lld at dimension %d (0 to 2^%d allowed)",
                      (long long)size[d], d + 1, STN_MAX_NUMEL_LOG2);
  for (int d = 0; d < dim; d++) if (size[d] == 0) n = 0; /* then no product can overflow */
  for (int d = 0; d < dim && n > 0; d++) {
    if (n > STN_MAX_NUMEL / size[d]) {
      stn_tensor shape = {.ndim = dim};
      memcpy(shape.shape, size, (size_t)dim * sizeof *size);
      return STN_FAIL(STN_ERR_ARG, "stn_tensor_resize: %s has more than 2^%d elements", stn_shape_str(&shape),
                      STN_MAX_NUMEL_LOG2);
    }
    n *= size[d];
  }
  if (t->dtype < 0 || t->dtype >= STN_NUM_DTYPES || (t->mem && t->mem->dtype != t->dtype))
    return STN_FAIL(STN_ERR_ARG, "stn_tensor_resize: element type %d with a storage of type %d", t->dtype,
                    t->mem ? t->mem->dtype : t->dtype);
  if (t->offset < 0 || (t->mem && t->offset > t->mem->size))
    return STN_FAIL(STN_ERR_ARG, "stn_tensor_resize: offset %lld lies outside its storage of %lld elements",
                    (long long)t->offset, (long long)(t->mem ? t->mem->size : 0));
  int same = t->ndim == dim;
  for (int d = 0; same && d < dim; d++) same = t->shape[d] == size[d];
  if (same && (n == 0 || t->mem)) return STN_OK; /* keep the view, strides and all */
  if (n > 0) {
    if (!t->mem) {
      STN_TRY(stn_storage_new(ctx, t->device, t->dtype, n, &t->mem));
      t->offset = 0;
    } else if (t->offset + n > t->mem->size) {
      STN_TRY(stn_storage_grow(t->mem, t->offset + n));
    }
  }
  t->ndim = dim;
  int64_t stride = 1;
  for (int d = dim - 1; d >= 0; d--) {
    t->shape[d] = size[d];
    t->strides[d] = stride;
    int64_t next = size[d] > 0 ? size[d] : 1; /* capped: only an empty tensor's strides could pass 2^48 */
    stride = stride > STN_MAX_NUMEL / next ? STN_MAX_NUMEL : stride * next;
  }
  for (int d = dim; d < STN_MAX_DIM; d++) t->shape[d] = 0, t->strides[d] = 0;
  return STN_OK;
}

void stn_tensor_set(stn_tensor *t, const stn_tensor *src) {
  if (t == src) return;
  stn_storage_retain(src->mem);
  stn_storage_release(t->mem);
  *t = *src;
}

void stn_tensor_release(stn_tensor *t) {
  if (!t) return;
  stn_storage_release(t->mem);
  t->mem = NULL;
  t->offset = 0;
  t->ndim = 0;
}

stn_status stn_resize_out(stn_ctx *ctx, stn_tensor *out, int dtype, int dim, const int64_t *size) {
  if (out->dtype != dtype)
    return STN_FAIL(STN_ERR_ARG, "stn_resize_out: the result is a %s tensor but the op makes %s ones (convert it first)",
                    stn_dtype_name(out->dtype), stn_dtype_name(dtype));
  return stn_tensor_resize(ctx, out, dim, size);
}

stn_status stn_resize_as(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a) {
  if (out == a) return STN_OK;
  return stn_resize_out(ctx, out, a->dtype, a->ndim, a->shape);
}

stn_status stn_tensor_new_typed(stn_ctx *ctx, stn_tensor *out, int device, int dtype, int dim, const int64_t *size) {
  memset(out, 0, sizeof *out);
  out->device = device;
  out->dtype = dtype;
  return stn_tensor_resize(ctx, out, dim, size);
}

stn_status stn_tensor_new(stn_ctx *ctx, stn_tensor *out, int device, int dim, const int64_t *size) {
  return stn_tensor_new_typed(ctx, out, device, STN_FLOAT, dim, size);
}
