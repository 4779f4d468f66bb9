/* reduce.cu: CUDA twins of stn_reduce_all and stn_reduce_dim (csrc/core/reduce.c).
 * Deterministic: each thread walks its values in a fixed order and partial results
 * meet in fixed-shape trees in shared memory (no atomics), so a result is bitwise the
 * same run after run on a given GPU. Sums accumulate in double, as on the CPU. Float
 * tensors only (the entry points refuse other types); max and min indices are written
 * as int64 into a CUDA Long tensor, 1-based, as on the CPU. */
#include "common.cuh"
#include "core/cuda_services.h"
#include "core/reduce.h"
#include "core/storage.h"

#include <math.h>

#define THREADS 256 /* a power of two: the trees halve it */

enum { PASS_SUM, PASS_DEV2, PASS_PROD, PASS_EXTREME };

struct acc {
  double v;       /* sum, sum of squared deviations, or product */
  float best;     /* max or min so far */
  long long pos;  /* its 0-based position; -1 for none */
};

__host__ __device__ static inline int first_pass(int op) {
  switch (op) {
  case STN_PROD: return PASS_PROD;
  case STN_NORM2: return PASS_DEV2; /* around 0 */
  case STN_MAX: case STN_MIN: return PASS_EXTREME;
  default: return PASS_SUM;
  }
}

__host__ __device__ static inline acc acc_init(int pass) {
  acc r;
  r.v = pass == PASS_PROD ? 1.0 : 0.0;
  r.best = 0.f;
  r.pos = -1;
  return r;
}

/* (b, pb) takes the place of (a, pa) as the extreme: a NaN first, else the larger
 * (smaller) value, ties to the lower position, never an empty slot. A total order, so
 * any tree gives the CPU's answer (first occurrence; a NaN wins). */
__device__ __forceinline__ bool beats(float b, long long pb, float a, long long pa, int is_max) {
  if (pb < 0) return false;
  if (pa < 0) return true;
  bool an = a != a, bn = b != b;
  if (an || bn) return bn && (!an || pb < pa);
  if (a == b) return pb < pa;
  return is_max ? b > a : b < a;
}

__device__ __forceinline__ void acc_add(acc &r, int pass, int is_max, double mean, float x, long long pos) {
  switch (pass) {
  case PASS_SUM: r.v += x; break;
  case PASS_DEV2: { double d = (double)x - mean; r.v += d * d; break; }
  case PASS_PROD: r.v *= x; break;
  default:
    if (beats(x, pos, r.best, r.pos, is_max)) { r.best = x; r.pos = pos; }
  }
}

__device__ __forceinline__ void acc_merge(acc &r, const acc &q, int pass, int is_max) {
  if (pass == PASS_PROD) r.v *= q.v;
  else if (pass != PASS_EXTREME) r.v += q.v;
  else if (beats(q.best, q.pos, r.best, r.pos, is_max)) { r.best = q.best; r.pos = q.pos; }
}

/* The block's THREADS partials folded pairwise (t with t + h, h halving); every thread
 * gets the result. All threads of the block must call it. */
__device__ acc block_reduce(acc r, int pass, int is_max) {
  __shared__ double sv[THREADS];
  __shared__ float sb[THREADS];
  __shared__ long long sp[THREADS];
  int t = threadIdx.x;
  sv[t] = r.v; sb[t] = r.best; sp[t] = r.pos;
  __syncthreads();
  for (int h = THREADS / 2; h > 0; h >>= 1) {
    if (t < h) {
      acc a, b;
      a.v = sv[t]; a.best = sb[t]; a.pos = sp[t];
      b.v = sv[t + h]; b.best = sb[t + h]; b.pos = sp[t + h];
      acc_merge(a, b, pass, is_max);
      sv[t] = a.v; sb[t] = a.best; sp[t] = a.pos;
    }
    __syncthreads();
  }
  acc out;
  out.v = sv[0]; out.best = sb[0]; out.pos = sp[0];
  __syncthreads(); /* the arrays may be written again by the next call */
  return out;
}

__host__ __device__ static inline double finish(int op, acc a1, acc a2, long long n, int biased) {
  switch (op) {
  case STN_SUM: case STN_PROD: return a1.v;
  case STN_MEAN: return a1.v / (double)n;
  case STN_NORM2: return sqrt(a1.v);
  case STN_MAX: case STN_MIN: return a1.best;
  default: {
    double var = a2.v / (double)(biased ? n : n - 1); /* n - 1 = 0: NaN, undefined */
    return op == STN_VAR ? var : sqrt(var);
  }
  }
}

/* ---- whole tensor: one partial per block, then one block folds the partials */
__global__ void all_partial_kernel(stn_view a, long long n, int pass, int is_max, double mean, acc *part) {
  acc r = acc_init(pass);
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
    acc_add(r, pass, is_max, mean, a.data[stn_view_offset(a, i)], i);
  r = block_reduce(r, pass, is_max);
  if (threadIdx.x == 0) part[blockIdx.x] = r;
}

__global__ void all_final_kernel(const acc *part, int nparts, int pass, int is_max, acc *result) {
  acc r = acc_init(pass);
  for (int i = threadIdx.x; i < nparts; i += blockDim.x) acc_merge(r, part[i], pass, is_max);
  r = block_reduce(r, pass, is_max);
  if (threadIdx.x == 0) *result = r;
}

static stn_status launch_all(stn_ctx *ctx, const stn_tensor *a, int pass, int is_max, double mean, acc *part,
                             int nparts) {
  long long n = stn_tensor_numel(a);
  all_partial_kernel<<<nparts, THREADS, 0, stn_stream(ctx)>>>(stn_view_of(a), n, pass, is_max, mean, part);
  STN_LAUNCH_CHECK();
  all_final_kernel<<<1, THREADS, 0, stn_stream(ctx)>>>(part, nparts, pass, is_max, part + nparts);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

/* One pass over all of a; the result comes back to the host. */
static stn_status pass_all(stn_ctx *ctx, const stn_tensor *a, int pass, int is_max, double mean, acc *result) {
  int nparts = stn_blocks(ctx, stn_tensor_numel(a), THREADS);
  int64_t floats = (int64_t)(nparts + 1) * (int64_t)(sizeof(acc) / sizeof(float));
  stn_tensor scratch; /* nparts partials and the result; cudaMalloc'd blocks are 256-byte aligned */
  STN_TRY(stn_tensor_new(ctx, &scratch, STN_CUDA, 1, &floats));
  acc *part = (acc *)stn_data(&scratch);
  stn_status st = launch_all(ctx, a, pass, is_max, mean, part, nparts);
  if (st == STN_OK) st = stn_cuda_memcpy(ctx, result, STN_CPU, part + nparts, STN_CUDA, (int64_t)sizeof(acc));
  stn_tensor_release(&scratch);
  return st;
}

extern "C" stn_status stn_reduce_all_cuda(stn_ctx *ctx, const stn_tensor *a, int op, int biased, double *result) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  long long n = stn_tensor_numel(a);
  int is_max = op == STN_MAX;
  acc first, second = acc_init(PASS_DEV2);
  STN_TRY(pass_all(ctx, a, first_pass(op), is_max, 0.0, &first));
  if (op == STN_VAR || op == STN_STD) /* two passes: exact and stable */
    STN_TRY(pass_all(ctx, a, PASS_DEV2, 0, first.v / (double)n, &second));
  *result = finish(op, first, second, n, biased);
  return STN_OK;
}

/* ---- along a dim: `ah` is a with size 1 at dim, so output o starts at offset(ah, o)
 * and its R values follow at stride sd. Many outputs: a thread each. Few outputs with
 * long runs: a block each, folding in a tree. The indices (1-based) go to the Long
 * tensor whose first element is ind_data, at the offsets of the view ind (NULL: none). */
__global__ void dim_thread_kernel(stn_view out, long long *ind_data, stn_view ind, stn_view ah, long long nout,
                                  long long R, long long sd, int op, int biased) {
  int pass = first_pass(op), is_max = op == STN_MAX;
  for (long long o = blockIdx.x * (long long)blockDim.x + threadIdx.x; o < nout; o += (long long)gridDim.x * blockDim.x) {
    const float *x = ah.data + stn_view_offset(ah, o);
    acc a1 = acc_init(pass), a2 = acc_init(PASS_DEV2);
    for (long long r = 0; r < R; r++) acc_add(a1, pass, is_max, 0.0, x[r * sd], r);
    if (op == STN_VAR || op == STN_STD)
      for (long long r = 0; r < R; r++) acc_add(a2, PASS_DEV2, 0, a1.v / (double)R, x[r * sd], r);
    out.data[stn_view_offset(out, o)] = (float)finish(op, a1, a2, R, biased);
    if (ind_data) ind_data[stn_view_offset(ind, o)] = a1.pos + 1;
  }
}

__global__ void dim_block_kernel(stn_view out, long long *ind_data, stn_view ind, stn_view ah, long long nout,
                                 long long R, long long sd, int op, int biased) {
  int pass = first_pass(op), is_max = op == STN_MAX;
  for (long long o = blockIdx.x; o < nout; o += gridDim.x) { /* block-uniform: every thread joins the trees */
    const float *x = ah.data + stn_view_offset(ah, o);
    acc a1 = acc_init(pass), a2 = acc_init(PASS_DEV2);
    for (long long r = threadIdx.x; r < R; r += blockDim.x) acc_add(a1, pass, is_max, 0.0, x[r * sd], r);
    a1 = block_reduce(a1, pass, is_max);
    if (op == STN_VAR || op == STN_STD) {
      double mean = a1.v / (double)R;
      for (long long r = threadIdx.x; r < R; r += blockDim.x) acc_add(a2, PASS_DEV2, 0, mean, x[r * sd], r);
      a2 = block_reduce(a2, PASS_DEV2, 0);
    }
    if (threadIdx.x == 0) {
      out.data[stn_view_offset(out, o)] = (float)finish(op, a1, a2, R, biased);
      if (ind_data) ind_data[stn_view_offset(ind, o)] = a1.pos + 1;
    }
  }
}

extern "C" stn_status stn_reduce_dim_cuda(stn_ctx *ctx, stn_tensor *out, stn_tensor *indices, const stn_tensor *a,
                                          int dim, int op, int biased) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  long long nout = stn_tensor_numel(out), R = a->shape[dim], sd = a->strides[dim];
  if (nout == 0) return STN_OK;
  stn_tensor ah = *a;
  ah.shape[dim] = 1;
  stn_view vo = stn_view_of(out), vi = indices ? stn_view_of(indices) : vo; /* vi: offsets only */
  long long *ind_data = indices ? (long long *)stn_ptr(indices) : NULL;       /* a Long tensor */
  if (R >= THREADS && nout < 16384) {
    dim_block_kernel<<<stn_blocks(ctx, nout * THREADS, THREADS), THREADS, 0, stn_stream(ctx)>>>(
        vo, ind_data, vi, stn_view_of(&ah), nout, R, sd, op, biased);
  } else {
    dim_thread_kernel<<<stn_blocks(ctx, nout, THREADS), THREADS, 0, stn_stream(ctx)>>>(
        vo, ind_data, vi, stn_view_of(&ah), nout, R, sd, op, biased);
  }
  STN_LAUNCH_CHECK();
  return STN_OK;
}
