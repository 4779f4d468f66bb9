/* index.cu: the CUDA twin of stn_index_select / copy / add / fill (csrc/core/index.c).
 * The positions arrive in host memory, checked (for a copy, earlier duplicates set to
 * -1 so that no two threads write one place); they are uploaded to scratch memory and
 * one thread handles each element of the virtual tensor with big's sizes and n slices
 * at dim. A repeated index of an add is summed with atomicAdd. */
#include "common.cuh"
#include "core/cuda_services.h"
#include "core/index.h"
#include "core/storage.h"

/* The element with row-major index i of the virtual tensor (big's sizes, n at dim):
 * small's element (.., k, ..) and big's (.., idx[k], ..). */
__global__ void index_kernel(stn_view big, stn_view small, int dim, long long n, const long long *idx,
                             long long total, int mode, float value) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
    long long rem = i, so = 0, bo = 0;
    bool skip = false;
    for (int d = big.dim - 1; d >= 0; d--) {
      long long size = d == dim ? n : big.size[d];
      long long c = rem % size;
      rem /= size;
      so += c * small.stride[d];
      if (d == dim) {
        c = idx[c];
        skip = c < 0;
      }
      bo += c * big.stride[d];
    }
    if (skip) continue;
    switch (mode) {
    case STN_INDEX_GATHER: small.data[so] = big.data[bo]; break;
    case STN_INDEX_COPY: big.data[bo] = small.data[so]; break;
    case STN_INDEX_ADD: atomicAdd(big.data + bo, small.data[so]); break;
    default: big.data[bo] = value; break;
    }
  }
}

extern "C" stn_status stn_index_cuda(stn_ctx *ctx, stn_tensor *big, const stn_tensor *small, int dim,
                                     const int64_t *idx, int64_t n, int mode, double value) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  long long total = 1;
  for (int d = 0; d < big->ndim; d++) total *= d == dim ? n : big->shape[d];
  if (n == 0 || total == 0) return STN_OK;
  stn_tensor dev;
  STN_TRY(stn_tensor_new_typed(ctx, &dev, STN_CUDA, STN_LONG, 1, &n));
  stn_status st = stn_cuda_memcpy(ctx, stn_ptr(&dev), STN_CUDA, idx, STN_CPU, n * (int64_t)sizeof(int64_t));
  if (st == STN_OK) {
    stn_view bv = stn_view_of(big);
    /* FILL has no small side: a view of big (never read) keeps the kernel's strides valid */
    stn_view sv = stn_view_of(small ? small : big);
    index_kernel<<<stn_blocks(ctx, total, 256), 256, 0, stn_stream(ctx)>>>(bv, sv, dim, n, (const long long *)stn_ptr(&dev),
                                                                         total, mode, (float)value);
    st = STN_LAUNCH_STATUS();
  }
  stn_tensor_release(&dev); /* stream-ordered reuse: the kernel is done with it before any later use */
  return st;
}
