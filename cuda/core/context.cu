/* context.cu: lazily created CUDA state of a context (device, stream, cuBLAS handle and
 * its workspace, precision) and its caching allocator. Memory comes from plain
 * cudaMalloc; freed blocks wait in a list keyed by rounded size and are handed out again
 * on the same stream, so reuse is stream-ordered and needs no synchronization. While a
 * CUDA graph is captured or alive, the blocks it touched stay with it (graph.cu). */
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

/* The size of cuBLAS's own default pool (32 MiB from sm_90 on, 4 MiB before, as its
 * documentation gives it): the same size keeps its algorithm choices, and a workspace of
 * ours keeps allocation out of captures. */
static int64_t workspace_bytes(int major) { return (int64_t)(major >= 9 ? 32 : 4) << 20; }

static stn_status alloc_block(stn_cuda_state *s, void **ptr, int64_t bytes);

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
  stn_status st = alloc_block(s, &s->cublas_workspace, workspace_bytes(major));
  if (st != STN_OK) {
    cudaStreamDestroy(s->stream);
    free(s);
    return st;
  }
  s->cublas_workspace_bytes = workspace_bytes(major);
  cublasStatus_t b = cublasCreate(&s->cublas);
  int created = b == CUBLAS_STATUS_SUCCESS;
  if (b == CUBLAS_STATUS_SUCCESS) b = cublasSetStream(s->cublas, s->stream);
  /* after cublasSetStream, which resets the workspace to cuBLAS's own pool */
  if (b == CUBLAS_STATUS_SUCCESS) b = cublasSetWorkspace(s->cublas, s->cublas_workspace, (size_t)s->cublas_workspace_bytes);
  if (b == CUBLAS_STATUS_SUCCESS) st = stn_cuda_apply_precision(ctx, s);
  if (b != CUBLAS_STATUS_SUCCESS || st != STN_OK) {
    if (created) cublasDestroy(s->cublas);
    cudaFree(s->cublas_workspace);
    cudaStreamDestroy(s->stream);
    free(s->live.key);
    free(s);
    if (st != STN_OK) return st;
    return STN_FAIL(STN_ERR_CUDA, "stn_cuda: cannot set up cuBLAS: %s", cublasGetStatusString(b));
  }
  ctx->cuda = s;
  *out = s;
  return STN_OK;
}

/* Without TF32 (fp32) GPU results match the fp32 CPU reference; TF32 is opted into. */
stn_status stn_cuda_apply_precision(stn_ctx *ctx, stn_cuda_state *s) {
  cublasMath_t mode = ctx->precision == STN_PRECISION_TF32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH;
  STN_CUBLAS_CHECK(cublasSetMathMode(s->cublas, mode));
  return STN_OK;
}

extern "C" stn_status stn_cuda_precision_changed(stn_ctx *ctx) {
  return ctx->cuda ? stn_cuda_apply_precision(ctx, ctx->cuda) : STN_OK;
}

extern "C" void stn_cuda_state_destroy(stn_ctx *ctx) {
  stn_cuda_state *s = ctx->cuda;
  if (!s) return;
  stn_cuda_graph_abort(ctx); /* (a capture left open: waiting on the stream would fail) */
  cudaStreamSynchronize(s->stream);
  while (s->graphs) {
    stn_cuda_graph *g = s->graphs;
    s->graphs = g->next;
    cudaGraphExecDestroy(g->exec);
    stn_cuda_graph_release_blocks(s, g);
    free(g);
  }
  cublasDestroy(s->cublas);
  cudaFree(s->cublas_workspace);
  for (int i = 0; i < s->free.n; i++) cudaFree(s->free.b[i].ptr);
  free(s->free.b);
  free(s->live.key);
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

static bool list_push(stn_block_list *l, void *ptr, int64_t bytes) {
  if (l->n == l->cap) {
    int cap = l->cap ? 2 * l->cap : 64;
    stn_cuda_block *nb = (stn_cuda_block *)realloc(l->b, (size_t)cap * sizeof *nb);
    if (!nb) return false;
    l->b = nb;
    l->cap = cap;
  }
  l->b[l->n].ptr = ptr;
  l->b[l->n].bytes = bytes;
  l->n++;
  return true;
}

/* Takes a block of exactly rb bytes out of l (the most recently freed first). */
static void *list_take(stn_block_list *l, int64_t rb) {
  for (int i = l->n - 1; i >= 0; i--) {
    if (l->b[i].bytes == rb) {
      void *p = l->b[i].ptr;
      l->b[i] = l->b[--l->n];
      return p;
    }
  }
  return NULL;
}

static size_t set_slot(const stn_block_set *s, const void *p) {
  return (size_t)((((uint64_t)(uintptr_t)p >> 8) * 0x9E3779B97F4A7C15ull) >> s->shift);
}

static bool set_add(stn_block_set *s, void *p);

/* Doubles the table (kept at most half full, so that probe runs stay short). */
static bool set_grow(stn_block_set *s) {
  size_t cap = s->cap ? 2 * s->cap : 1024;
  void **key = (void **)calloc(cap, sizeof *key);
  if (!key) return false;
  int shift = 64;
  for (size_t c = cap; c > 1; c >>= 1) shift--;
  stn_block_set old = *s;
  s->key = key, s->cap = cap, s->n = 0, s->shift = shift;
  for (size_t i = 0; i < old.cap; i++)
    if (old.key[i]) set_add(s, old.key[i]); /* (no growth: at most a quarter full now) */
  free(old.key);
  return true;
}

static bool set_add(stn_block_set *s, void *p) {
  if (2 * (s->n + 1) > s->cap && !set_grow(s)) return false;
  size_t mask = s->cap - 1;
  for (size_t i = set_slot(s, p);; i = (i + 1) & mask) {
    if (s->key[i] == p) return true;
    if (!s->key[i]) {
      s->key[i] = p;
      s->n++;
      return true;
    }
  }
}

static bool set_has(const stn_block_set *s, const void *p) {
  if (!s->cap) return false;
  size_t mask = s->cap - 1;
  for (size_t i = set_slot(s, p); s->key[i]; i = (i + 1) & mask)
    if (s->key[i] == p) return true;
  return false;
}

/* Removes p; the entries after it in its probe run move back into the hole when their
 * own slot allows, so that lookups never stop early (no tombstones). */
static void set_remove(stn_block_set *s, const void *p) {
  if (!s->cap) return;
  size_t mask = s->cap - 1, i = set_slot(s, p);
  while (s->key[i] != p) {
    if (!s->key[i]) return;
    i = (i + 1) & mask;
  }
  size_t hole = i;
  for (size_t j = (i + 1) & mask; s->key[j]; j = (j + 1) & mask) {
    size_t home = set_slot(s, s->key[j]);
    bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
    if (!stays) {
      s->key[hole] = s->key[j];
      hole = j;
    }
  }
  s->key[hole] = NULL;
  s->n--;
}

static void set_clear(stn_block_set *s) {
  free(s->key);
  *s = stn_block_set();
}

static void release_cached(stn_cuda_state *s) {
  cudaStreamSynchronize(s->stream);
  for (int i = 0; i < s->free.n; i++) {
    cudaFree(s->free.b[i].ptr);
    s->cached -= s->free.b[i].bytes;
  }
  s->free.n = 0;
}

static stn_status alloc_block(stn_cuda_state *s, void **ptr, int64_t bytes) {
  int64_t rb = round_bytes(bytes);
  stn_cuda_graph *g = s->capture;
  void *p = g ? list_take(&g->pool, rb) : NULL; /* a capture first reuses what it freed itself */
  if (!p) p = list_take(&s->free, rb);
  if (p) {
    s->cached -= rb;
  } else {
    if (g)
      return STN_FAIL(STN_ERR_MEMORY,
                      "stn_cuda_alloc: %lld bytes asked for while capturing a CUDA graph, and no cached block of that "
                      "size is free (a capture cannot call cudaMalloc: run the step once before capturing it, so that "
                      "the cache holds every block it needs)",
                      (long long)rb);
    cudaError_t e = cudaMalloc(&p, (size_t)rb);
    if (e == cudaErrorMemoryAllocation) { /* give the cache back and try once more */
      cudaGetLastError(); /* clear the error cudaMalloc left, so no later launch check reports it */
      release_cached(s);
      e = cudaMalloc(&p, (size_t)rb);
    }
    if (e != cudaSuccess) {
      cudaGetLastError(); /* the same: the failure is reported here, not by the next launch */
      return STN_FAIL(STN_ERR_MEMORY, "stn_cuda_alloc: cannot allocate %lld bytes on the GPU: %s", (long long)rb,
                      cudaGetErrorString(e));
    }
    s->malloc_calls++;
  }
  if (!set_add(&s->live, p)) { /* the host is out of memory: hand the block back */
    if (list_push(g ? &g->pool : &s->free, p, rb)) s->cached += rb;
    else if (!g) cudaFree(p);
    return STN_FAIL(STN_ERR_MEMORY, "stn_cuda_alloc: out of host memory for the allocator's records");
  }
  s->in_use += rb;
  if (s->in_use > s->peak_in_use) s->peak_in_use = s->in_use;
  *ptr = p;
  return STN_OK;
}

extern "C" stn_status stn_cuda_alloc(stn_ctx *ctx, void **ptr, int64_t bytes) {
  stn_cuda_state *s;
  STN_TRY(stn_cuda_state_get(ctx, &s));
  return alloc_block(s, ptr, bytes);
}

/* Where a freed block waits: the pool of the graph being captured, else of a live graph
 * that touched it, else the cache. */
static stn_block_list *home_of(stn_cuda_state *s, const void *ptr) {
  if (s->capture) return &s->capture->pool;
  for (stn_cuda_graph *g = s->graphs; g; g = g->next)
    if (set_has(&g->touched, ptr)) return &g->pool;
  return &s->free;
}

extern "C" void stn_cuda_free(stn_ctx *ctx, void *ptr, int64_t bytes) {
  stn_cuda_state *s = ctx->cuda;
  if (!ptr || !s) return;
  int64_t rb = round_bytes(bytes);
  s->in_use -= rb;
  set_remove(&s->live, ptr);
  stn_cuda_graph *g = s->capture;
  /* a block freed during a capture is the graph's: a replay may still use it */
  bool kept = !g || set_add(&g->touched, ptr);
  if (kept && list_push(home_of(s, ptr), ptr, rb)) {
    s->cached += rb;
    return;
  }
  /* cannot keep it (the host is out of memory): give it straight back, except during a
   * capture, where cudaFree is not allowed: then it is lost */
  if (!g) cudaFree(ptr);
}

bool stn_cuda_graph_claim_live(stn_cuda_state *s, stn_cuda_graph *g) {
  for (size_t i = 0; i < s->live.cap; i++)
    if (s->live.key[i] && !set_add(&g->touched, s->live.key[i])) return false;
  return true;
}

/* Moves the blocks of g's pool to another live graph that touched them, else to the
 * cache; frees g's records. */
void stn_cuda_graph_release_blocks(stn_cuda_state *s, stn_cuda_graph *g) {
  for (int i = 0; i < g->pool.n; i++) {
    stn_cuda_block b = g->pool.b[i];
    stn_block_list *home = home_of(s, b.ptr);
    if (home == &g->pool || !list_push(home, b.ptr, b.bytes)) {
      s->cached -= b.bytes;
      cudaFree(b.ptr);
    }
  }
  free(g->pool.b);
  g->pool = stn_block_list();
  set_clear(&g->touched);
}

static stn_status capture_refuses(stn_cuda_state *s, const char *what) {
  if (!s->capture) return STN_OK;
  return STN_FAIL(STN_ERR_CUDA, "%s while capturing a CUDA graph: a captured step must not wait for the GPU "
                  "(keep its values on the device; read them after a replay)", what);
}

extern "C" stn_status stn_cuda_memcpy(stn_ctx *ctx, void *dst, int dst_device, const void *src, int src_device,
                                      int64_t bytes) {
  stn_cuda_state *s;
  STN_TRY(stn_cuda_state_get(ctx, &s));
  cudaMemcpyKind kind = dst_device == STN_CUDA ? (src_device == STN_CUDA ? cudaMemcpyDeviceToDevice : cudaMemcpyHostToDevice)
                                               : (src_device == STN_CUDA ? cudaMemcpyDeviceToHost : cudaMemcpyHostToHost);
  if (kind == cudaMemcpyDeviceToHost)
    STN_TRY(capture_refuses(s, "stn_cuda_memcpy: a copy from the GPU to the host (a value read on the host: a loss, "
                               "a sum, an element, a tensor copied to the CPU)"));
  else if (kind != cudaMemcpyDeviceToDevice)
    STN_TRY(capture_refuses(s, "stn_cuda_memcpy: a copy from host memory to the GPU (a CPU tensor copied in, or "
                               "indices given on the host)"));
  STN_CUDA_CHECK(cudaMemcpyAsync(dst, src, (size_t)bytes, kind, s->stream));
  /* host buffers are pageable and may be freed right after: finish before returning */
  if (kind != cudaMemcpyDeviceToDevice) STN_CUDA_CHECK(cudaStreamSynchronize(s->stream));
  return STN_OK;
}

extern "C" stn_status stn_cuda_synchronize(stn_ctx *ctx) {
  stn_cuda_state *s;
  STN_TRY(stn_cuda_state_get(ctx, &s));
  STN_TRY(capture_refuses(s, "stn_cuda_synchronize"));
  STN_CUDA_CHECK(cudaStreamSynchronize(s->stream));
  return STN_OK;
}

extern "C" stn_status stn_cuda_memory_stats(stn_ctx *ctx, int64_t *in_use, int64_t *cached) {
  *in_use = ctx->cuda ? ctx->cuda->in_use : 0;
  *cached = ctx->cuda ? ctx->cuda->cached : 0;
  return STN_OK;
}

extern "C" stn_status stn_cuda_memory_info(stn_ctx *ctx, stn_cuda_memory *out) {
  stn_cuda_state *s;
  STN_TRY(stn_cuda_state_get(ctx, &s));
  out->in_use = s->in_use;
  out->cached = s->cached;
  out->peak_in_use = s->peak_in_use;
  out->malloc_calls = s->malloc_calls;
  return STN_OK;
}

extern "C" stn_status stn_cuda_reset_peak_memory(stn_ctx *ctx) {
  stn_cuda_state *s;
  STN_TRY(stn_cuda_state_get(ctx, &s));
  s->peak_in_use = s->in_use;
  return STN_OK;
}

extern "C" stn_status stn_cuda_empty_cache(stn_ctx *ctx) {
  if (!ctx->cuda) return STN_OK;
  STN_TRY(capture_refuses(ctx->cuda, "stn_cuda_empty_cache"));
  release_cached(ctx->cuda);
  return STN_OK;
}
