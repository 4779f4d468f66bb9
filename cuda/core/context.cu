/* context.cu: lazily created CUDA state of a context (device, stream, cuBLAS handle)
 * and its caching allocator. Memory comes from plain cudaMalloc; freed blocks wait
 * in a list keyed by rounded size and are handed out again on the same stream, so
 * reuse is stream-ordered and needs no synchronization. */
#include "common.cuh"
#include "core/cuda_services.h"

#include <stdio.h>
#include <stdlib.h>

extern "C" int stn_cuda_compiled(void) { return 1; }

extern "C" int stn_cuda_device_count(char *reason, int len) {
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) {
    if (reason && len > 0) snprintf(reason, (size_t)len, "%s", cudaGetErrorString(e));
    cudaGetLastError(); /* clear the sticky error so later calls start clean */
    return 0;
  }
  if (n == 0 && reason && len > 0) snprintf(reason, (size_t)len, "no CUDA device found");
  return n;
}

extern "C" stn_status stn_cuda_device_name(int device, char *name, int len) {
  cudaDeviceProp p;
  STN_CUDA_CHECK(cudaGetDeviceProperties(&p, device));
  snprintf(name, (size_t)len, "%s", p.name);
  return STN_OK;
}

stn_status stn_cuda_state_get(stn_ctx *ctx, stn_cuda_state **out) {
  if (ctx->cuda) { *out = ctx->cuda; return STN_OK; }
  char reason[256] = "";
  if (stn_cuda_device_count(reason, sizeof reason) < 1)
    return STN_FAIL(STN_ERR_DEVICE, "stn_cuda: no CUDA device is available (%s)", reason);
  stn_cuda_state *s = (stn_cuda_state *)calloc(1, sizeof *s);
  if (!s) return STN_FAIL(STN_ERR_MEMORY, "stn_cuda: out of memory");
  cudaError_t e = cudaGetDevice(&s->device);
  if (e == cudaSuccess) e = cudaDeviceGetAttribute(&s->sm_count, cudaDevAttrMultiProcessorCount, s->device);
  int major = 0;
  if (e == cudaSuccess) e = cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, s->device);
  s->pdl = major >= 9; /* programmatic dependent launch (common.cuh) from sm_90 on */
  if (e == cudaSuccess) e = cudaStreamCreateWithFlags(&s->stream, cudaStreamNonBlocking);
  if (e != cudaSuccess) {
    free(s);
    return STN_FAIL(STN_ERR_CUDA, "stn_cuda: cannot set up the device: %s", cudaGetErrorString(e));
  }
  cublasStatus_t b = cublasCreate(&s->cublas);
  int created = b == CUBLAS_STATUS_SUCCESS;
  if (b == CUBLAS_STATUS_SUCCESS) b = cublasSetStream(s->cublas, s->stream);
  /* no TF32: results must match the fp32 CPU reference */
  if (b == CUBLAS_STATUS_SUCCESS) b = cublasSetMathMode(s->cublas, CUBLAS_DEFAULT_MATH);
  if (b != CUBLAS_STATUS_SUCCESS) {
    if (created) cublasDestroy(s->cublas);
    cudaStreamDestroy(s->stream);
    free(s);
    return STN_FAIL(STN_ERR_CUDA, "stn_cuda: cannot set up cuBLAS: %s", cublasGetStatusString(b));
  }
  ctx->cuda = s;
  *out = s;
  return STN_OK;
}

extern "C" void stn_cuda_state_destroy(stn_ctx *ctx) {
  stn_cuda_state *s = ctx->cuda;
  if (!s) return;
  cudaStreamSynchronize(s->stream);
  for (int i = 0; i < s->nfree; i++) cudaFree(s->free_blocks[i].ptr);
  free(s->free_blocks);
  cublasDestroy(s->cublas);
  cudaStreamDestroy(s->stream);
  free(s);
  ctx->cuda = NULL;
}

/* Sizes are rounded so that blocks of nearly equal requests are interchangeable. */
static int64_t round_bytes(int64_t bytes) {
  const int64_t small = 512, large = 2 << 20;
  if (bytes < (1 << 20)) return (bytes + small - 1) / small * small;
  return (bytes + large - 1) / large * large;
}

static void release_cached(stn_cuda_state *s) {
  cudaStreamSynchronize(s->stream);
  for (int i = 0; i < s->nfree; i++) cudaFree(s->free_blocks[i].ptr);
  s->nfree = 0;
  s->cached = 0;
}

extern "C" stn_status stn_cuda_alloc(stn_ctx *ctx, void **ptr, int64_t bytes) {
  stn_cuda_state *s;
  STN_TRY(stn_cuda_state_get(ctx, &s));
  int64_t rb = round_bytes(bytes);
  for (int i = s->nfree - 1; i >= 0; i--) {
    if (s->free_blocks[i].bytes == rb) {
      *ptr = s->free_blocks[i].ptr;
      s->free_blocks[i] = s->free_blocks[--s->nfree];
      s->cached -= rb;
      s->in_use += rb;
      return STN_OK;
    }
  }
  cudaError_t e = cudaMalloc(ptr, (size_t)rb);
  if (e == cudaErrorMemoryAllocation) { /* give the cache back and try once more */
    cudaGetLastError(); /* clear the error cudaMalloc left, so no later launch check reports it */
    release_cached(s);
    e = cudaMalloc(ptr, (size_t)rb);
  }
  if (e != cudaSuccess) {
    cudaGetLastError(); /* the same: the failure is reported here, not by the next launch */
    return STN_FAIL(STN_ERR_MEMORY, "stn_cuda_alloc: cannot allocate %lld bytes on the GPU: %s", (long long)rb,
                    cudaGetErrorString(e));
  }
  s->in_use += rb;
  return STN_OK;
}

extern "C" void stn_cuda_free(stn_ctx *ctx, void *ptr, int64_t bytes) {
  stn_cuda_state *s = ctx->cuda;
  if (!ptr || !s) return;
  int64_t rb = round_bytes(bytes);
  s->in_use -= rb;
  if (s->nfree == s->cap) {
    int cap = s->cap ? 2 * s->cap : 64;
    stn_cuda_block *nb = (stn_cuda_block *)realloc(s->free_blocks, (size_t)cap * sizeof *nb);
    if (!nb) { cudaFree(ptr); return; } /* cannot cache it: give it straight back */
    s->free_blocks = nb;
    s->cap = cap;
  }
  s->free_blocks[s->nfree].ptr = ptr;
  s->free_blocks[s->nfree].bytes = rb;
  s->nfree++;
  s->cached += rb;
}

extern "C" stn_status stn_cuda_memcpy(stn_ctx *ctx, void *dst, int dst_device, const void *src, int src_device,
                                      int64_t bytes) {
  stn_cuda_state *s;
  STN_TRY(stn_cuda_state_get(ctx, &s));
  cudaMemcpyKind kind = dst_device == STN_CUDA ? (src_device == STN_CUDA ? cudaMemcpyDeviceToDevice : cudaMemcpyHostToDevice)
                                               : (src_device == STN_CUDA ? cudaMemcpyDeviceToHost : cudaMemcpyHostToHost);
  STN_CUDA_CHECK(cudaMemcpyAsync(dst, src, (size_t)bytes, kind, s->stream));
  /* host buffers are pageable and may be freed right after: finish before returning */
  if (kind != cudaMemcpyDeviceToDevice) STN_CUDA_CHECK(cudaStreamSynchronize(s->stream));
  return STN_OK;
}

extern "C" stn_status stn_cuda_synchronize(stn_ctx *ctx) {
  stn_cuda_state *s;
  STN_TRY(stn_cuda_state_get(ctx, &s));
  STN_CUDA_CHECK(cudaStreamSynchronize(s->stream));
  return STN_OK;
}

extern "C" stn_status stn_cuda_memory_stats(stn_ctx *ctx, int64_t *in_use, int64_t *cached) {
  *in_use = ctx->cuda ? ctx->cuda->in_use : 0;
  *cached = ctx->cuda ? ctx->cuda->cached : 0;
  return STN_OK;
}

extern "C" stn_status stn_cuda_empty_cache(stn_ctx *ctx) {
  if (ctx->cuda) release_cached(ctx->cuda);
  return STN_OK;
}
