/* common.cuh: what every CUDA source shares: the per-context CUDA state, error
 * checks that turn CUDA/cuBLAS failures into a status with file and line, launch
 * geometry, and strided views passed to kernels by value. */
#ifndef STN_CUDA_COMMON_CUH
#define STN_CUDA_COMMON_CUH

#include "core/context.h"
#include "core/cuda_services.h"
#include "core/error.h"
#include "core/tensor.h"

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <string.h>

struct stn_cuda_block { void *ptr; int64_t bytes; };

/* A growable list of device blocks. */
struct stn_block_list {
  stn_cuda_block *b;
  int n, cap;
};

/* A set of device blocks by address (open addressing; key NULL is an empty slot). */
struct stn_block_set {
  void **key;
  size_t cap, n;
  int shift; /* 64 - log2(cap): the hash's top bits index the table */
};

/* A captured CUDA graph and the blocks it owns (the rule is in docs/design-notes.md,
 * "CUDA graphs and the caching allocator"): every block live at some moment of its
 * capture (held when it began, allocated or freed during it) is in `touched`; such a
 * block, once free, waits in `pool` (reused only by the same capture) until the graph is
 * destroyed, so no other tensor can be given memory that a replay reads or writes. */
struct stn_cuda_graph {
  cudaGraphExec_t exec;
  stn_block_set touched;
  stn_block_list pool;
  uint64_t rng_offset; /* the generator's counter when the capture began */
  int dead;            /* destroyed during another capture: released when it ends */
  stn_cuda_graph *next;
};

struct stn_cuda_state {
  int device;
  int sm_count;
  int pdl; /* programmatic dependent launch (stn_launch_pdl): on from sm_90 */
  cudaStream_t stream;
  cublasHandle_t cublas;
  void *cublas_workspace; /* fixed, from the allocator, so that a capture never makes cuBLAS allocate */
  int64_t cublas_workspace_bytes;
  /* caching allocator: freed blocks kept by rounded size for reuse on the stream */
  stn_block_list free;
  stn_block_set live; /* the blocks handed out and not freed yet */
  int64_t in_use, cached, peak_in_use, malloc_calls;
  stn_cuda_graph *capture; /* the graph being captured on the stream, or NULL */
  stn_cuda_graph *graphs;  /* live graphs (their pools hold blocks no one else may get) */
};

/* At the end of g's capture: adds every live block to g's touched set (false when the
 * host is out of memory). */
bool stn_cuda_graph_claim_live(stn_cuda_state *s, stn_cuda_graph *g);
/* Releases a graph's pool (to another live graph touching the block, else the cache)
 * and its lists; the graph must be out of s->graphs. */
void stn_cuda_graph_release_blocks(stn_cuda_state *s, stn_cuda_graph *g);
/* cuBLAS math mode for the context's precision (stn_set_precision). */
stn_status stn_cuda_apply_precision(stn_ctx *ctx, stn_cuda_state *s);

/* The context's CUDA state, created on first use (fails clearly without a GPU). */
stn_status stn_cuda_state_get(stn_ctx *ctx, stn_cuda_state **out);

#define STN_CUDA_CHECK(call)                                                              \
  do {                                                                                    \
    cudaError_t stn_e_ = (call);                                                          \
    if (stn_e_ != cudaSuccess)                                                            \
      return STN_FAIL(STN_ERR_CUDA, "%s: %s failed: %s", __func__, #call, cudaGetErrorString(stn_e_)); \
  } while (0)

#define STN_CUBLAS_CHECK(call)                                                            \
  do {                                                                                    \
    cublasStatus_t stn_b_ = (call);                                                       \
    if (stn_b_ != CUBLAS_STATUS_SUCCESS)                                                  \
      return STN_FAIL(STN_ERR_CUDA, "%s: %s failed: %s", __func__, #call, cublasGetStatusString(stn_b_)); \
  } while (0)

/* After a <<<...>>> launch: reports a bad configuration or an earlier async fault.
 * STN_LAUNCH_CHECK() returns the failure at once; STN_LAUNCH_STATUS() gives it as a
 * value, for a caller that must release scratch tensors before returning it. */
#define STN_LAUNCH_CHECK() STN_CUDA_CHECK(cudaGetLastError())
#define STN_LAUNCH_STATUS() stn_launch_status(__func__, __FILE__, __LINE__)
static inline stn_status stn_launch_status(const char *fn, const char *file, int line) {
  cudaError_t e = cudaGetLastError();
  if (e == cudaSuccess) return STN_OK;
  return stn_fail_at(STN_ERR_CUDA, file, line, "%s: launch failed: %s", fn, cudaGetErrorString(e));
}

static inline cudaStream_t stn_stream(stn_ctx *ctx) { return ctx->cuda->stream; }

/* Programmatic dependent launch (sm_90 on): a kernel launched by stn_launch_pdl may be
 * scheduled while the kernel before it in the stream is still running, so that its
 * launch latency hides behind that kernel's work. Such a kernel must call stn_pdl_wait()
 * before it touches global memory: it returns once every earlier kernel has finished
 * and its writes are visible. stn_pdl_trigger() then lets the next kernel launch. Both
 * are no-ops before sm_90 or in a kernel launched the ordinary way. */
__device__ __forceinline__ void stn_pdl_wait() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

__device__ __forceinline__ void stn_pdl_trigger() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.launch_dependents;" ::: "memory");
#endif
}

template <typename... Params, typename... Args>
static inline cudaError_t stn_launch_pdl(stn_ctx *ctx, void (*kernel)(Params...), dim3 grid, dim3 block, size_t smem,
                                         Args... args) {
  cudaLaunchAttribute attr;
  memset(&attr, 0, sizeof attr);
  attr.id = cudaLaunchAttributeProgrammaticStreamSerialization;
  attr.val.programmaticStreamSerializationAllowed = 1;
  cudaLaunchConfig_t cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.gridDim = grid;
  cfg.blockDim = block;
  cfg.dynamicSmemBytes = smem;
  cfg.stream = ctx->cuda->stream;
  cfg.attrs = &attr;
  cfg.numAttrs = ctx->cuda->pdl ? 1 : 0;
  return cudaLaunchKernelEx(&cfg, kernel, args...);
}

/* Blocks for a grid-stride loop over n items. */
static inline int stn_blocks(stn_ctx *ctx, int64_t n, int threads) {
  int64_t b = (n + threads - 1) / threads;
  int64_t cap = (int64_t)ctx->cuda->sm_count * 32;
  if (b > cap) b = cap;
  return b < 1 ? 1 : (int)b;
}

/* A strided view for kernels. */
struct stn_view {
  float *data;
  int dim;
  int contiguous;
  int64_t size[STN_MAX_DIM];
  int64_t stride[STN_MAX_DIM];
};

static inline stn_view stn_view_of(const stn_tensor *t) {
  stn_view v;
  v.data = stn_data(t);
  v.dim = t->ndim;
  v.contiguous = stn_tensor_is_contiguous(t);
  for (int d = 0; d < STN_MAX_DIM; d++) {
    v.size[d] = d < t->ndim ? t->shape[d] : 1;
    v.stride[d] = d < t->ndim ? t->strides[d] : 0;
  }
  return v;
}

/* Offset of row-major element i of v. */
__device__ __forceinline__ int64_t stn_view_offset(const stn_view &v, int64_t i) {
  if (v.contiguous) return i;
  int64_t off = 0;
  for (int d = v.dim - 1; d >= 0; d--) {
    int64_t s = v.size[d];
    off += (i % s) * v.stride[d];
    i /= s;
  }
  return off;
}

#endif /* STN_CUDA_COMMON_CUH */
