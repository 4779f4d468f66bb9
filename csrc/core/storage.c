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
static struct { float *p; size_t bytes; } host_cache[HOST_CACHE_SLOTS];
static int host_ncache;
static size_t host_cached;
static pthread_mutex_t host_lock = PTHREAD_MUTEX_INITIALIZER; /* frees may come from any thread */

static size_t host_bytes(int64_t n) {
  size_t bytes = ((size_t)(n > 0 ? n : 1) * sizeof(float) + 63) & ~(size_t)63;
  if (bytes >= HOST_CACHE_MIN) bytes = (bytes + 4095) & ~(size_t)4095; /* whole pages: more reuse */
  return bytes;
}

static void host_cache_remove(int i) {
  host_cached -= host_cache[i].bytes;
  memmove(&host_cache[i], &host_cache[i + 1], (size_t)(host_ncache - i - 1) * sizeof host_cache[0]);
  host_ncache--;
}

static stn_status host_alloc(float **p, int64_t n) {
  size_t bytes = host_bytes(n);
  *p = NULL;
  if (bytes >= HOST_CACHE_MIN) {
    pthread_mutex_lock(&host_lock);
    for (int i = host_ncache - 1; i >= 0; i--) /* newest first: most likely still in cache */
      if (host_cache[i].bytes == bytes) { *p = host_cache[i].p; host_cache_remove(i); break; }
    pthread_mutex_unlock(&host_lock);
  }
  if (!*p) *p = (float *)aligned_alloc(64, bytes); /* 64: a cache line and the widest vector */
  if (!*p) return STN_FAIL(STN_ERR_MEMORY, "stn_storage: cannot allocate %lld floats on the cpu", (long long)n);
  return STN_OK;
}

static void host_free(float *p, int64_t n) {
  size_t bytes = host_bytes(n);
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

static void count_bytes(int64_t n) { __atomic_add_fetch(&live_bytes, n * (int64_t)sizeof(float), __ATOMIC_RELAXED); }

static stn_status device_alloc(stn_ctx *ctx, int device, float **p, int64_t n) {
  if (device == STN_CUDA) return stn_cuda_alloc(ctx, (void **)p, (n > 0 ? n : 1) * (int64_t)sizeof(float));
  return host_alloc(p, n);
}

static void device_free(stn_ctx *ctx, int device, float *p, int64_t n) {
  if (!p) return;
  if (device == STN_CUDA) { stn_cuda_free(ctx, p, (n > 0 ? n : 1) * (int64_t)sizeof(float)); return; }
  host_free(p, n);
}

stn_status stn_storage_new(stn_ctx *ctx, int32_t device, int64_t size, stn_storage **out) {
  if (size < 0 || size > STN_MAX_NUMEL)
    return STN_FAIL(STN_ERR_ARG, "stn_storage_new: size %lld (0 to 2^%d allowed)", (long long)size, STN_MAX_NUMEL_LOG2);
  if (device != STN_CPU && device != STN_CUDA)
    return STN_FAIL(STN_ERR_ARG, "stn_storage_new: unknown device %d", device);
  stn_storage *s = (stn_storage *)calloc(1, sizeof *s);
  if (!s) return STN_FAIL(STN_ERR_MEMORY, "stn_storage_new: out of memory");
  stn_status st = device_alloc(ctx, device, &s->data, size);
  if (st != STN_OK) { free(s); return st; }
  s->size = size;
  count_bytes(size);
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
  count_bytes(-s->size);
  device_free(s->ctx, s->device, s->data, s->size);
  free(s);
}

stn_status stn_storage_grow(stn_storage *s, int64_t size) {
  if (size <= s->size) return STN_OK;
  if (size > STN_MAX_NUMEL)
    return STN_FAIL(STN_ERR_ARG, "stn_storage_grow: size %lld (at most 2^%d allowed)", (long long)size, STN_MAX_NUMEL_LOG2);
  float *p;
  STN_TRY(device_alloc(s->ctx, s->device, &p, size));
  if (s->size > 0) {
    if (s->device == STN_CPU) {
      memcpy(p, s->data, (size_t)s->size * sizeof(float));
    } else {
      stn_status st = stn_cuda_memcpy(s->ctx, p, STN_CUDA, s->data, STN_CUDA, s->size * (int64_t)sizeof(float));
      if (st != STN_OK) { device_free(s->ctx, s->device, p, size); return st; }
    }
  }
  device_free(s->ctx, s->device, s->data, s->size);
  count_bytes(size - s->size);
  s->data = p;
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
  if (t->offset < 0 || (t->mem && t->offset > t->mem->size))
    return STN_FAIL(STN_ERR_ARG, "stn_tensor_resize: offset %lld lies outside its storage of %lld elements",
                    (long long)t->offset, (long long)(t->mem ? t->mem->size : 0));
  int same = t->ndim == dim;
  for (int d = 0; same && d < dim; d++) same = t->shape[d] == size[d];
  if (same && (n == 0 || t->mem)) return STN_OK; /* keep the view, strides and all */
  if (n > 0) {
    if (!t->mem) {
      STN_TRY(stn_storage_new(ctx, t->device, n, &t->mem));
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

stn_status stn_resize_as(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a) {
  if (out == a) return STN_OK;
  return stn_tensor_resize(ctx, out, a->ndim, a->shape);
}

stn_status stn_tensor_new(stn_ctx *ctx, stn_tensor *out, int device, int dim, const int64_t *size) {
  memset(out, 0, sizeof *out);
  out->device = device;
  return stn_tensor_resize(ctx, out, dim, size);
}
