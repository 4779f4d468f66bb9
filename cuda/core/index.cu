/* index.cu: CUDA twins of stn_index_select and stn_index_copy (csrc/core/index.c). The
 * indices arrive in host memory, checked (and, for index_copy, with earlier duplicates
 * set to -1 so that no two threads write one place); they are uploaded to scratch
 * memory and one thread moves each element of the side with n slices. */
#include "common.cuh"
#include "core/cuda_services.h"
#include "core/index.h"
#include "core/storage.h"

/* Element i (row-major) of `small` pairs with the element of `big` whose coordinate at
 * dim is idx[coordinate]; gather: small <- big, scatter: big <- small. */
__global__ void index_kernel(stn_view big, stn_view small, int dim, const long long *idx, long long n, int gather) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
    long long rem = i, so = 0, bo = 0;
    bool skip = false;
    for (int d = small.dim - 1; d >= 0; d--) {
      long long c = rem % small.size[d];
      rem /= small.size[d];
      so += c * small.stride[d];
      if (d == dim) {
        c = idx[c];
        skip = c < 0;
      }
      bo += c * big.stride[d];
    }
    if (skip) continue;
    if (gather) small.data[so] = big.data[bo];
    else big.data[bo] = small.data[so];
  }
}

static stn_status launch(stn_ctx *ctx, const stn_tensor *big, const stn_tensor *small, int dim, const long long *idx,
                         int gather) {
  long long n = stn_tensor_numel(small);
  index_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(stn_view_of(big), stn_view_of(small), dim, idx, n,
                                                                     gather);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

static stn_status run(stn_ctx *ctx, const stn_tensor *big, const stn_tensor *small, int dim, const int64_t *idx,
                      int64_t n, int gather) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  if (n == 0 || stn_tensor_numel(small) == 0) return STN_OK;
  int64_t floats = 2 * n; /* n int64 */
  stn_tensor dev;
  STN_TRY(stn_tensor_new(ctx, &dev, STN_CUDA, 1, &floats));
  stn_status st = stn_cuda_memcpy(ctx, stn_data(&dev), STN_CUDA, idx, STN_CPU, n * (int64_t)sizeof(int64_t));
  if (st == STN_OK) st = launch(ctx, big, small, dim, (const long long *)stn_data(&dev), gather);
  stn_tensor_release(&dev); /* stream-ordered reuse: the kernel is done with it before any later use */
  return st;
}

extern "C" stn_status stn_index_select_cuda(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int dim,
                                            const int64_t *idx, int64_t n) {
  return run(ctx, a, out, dim, idx, n, 1);
}

extern "C" stn_status stn_index_copy_cuda(stn_ctx *ctx, stn_tensor *dst, int dim, const int64_t *idx, int64_t n,
                                          const stn_tensor *src) {
  return run(ctx, dst, src, dim, idx, n, 0);
}
