/* gather.cu: the CUDA twin of stn_gather / stn_scatter / stn_scatter_fill
 * (csrc/core/gather.c). The index's values arrive in host memory, row-major, 0-based and
 * checked; they are uploaded to scratch memory and one thread walks each line along dim
 * in order, as the CPU does, so a repeated position in a scatter line keeps the last
 * write on both devices. */
#include "common.cuh"
#include "core/cuda_services.h"
#include "core/index.h"
#include "core/storage.h"

/* shape: the index's sizes (and its row-major strides in stride). */
__global__ void gather_kernel(stn_view target, stn_view src, stn_view shape, int dim, const long long *idx,
                              long long lines, int mode, float value) {
  long long len = shape.size[dim];
  for (long long l = blockIdx.x * (long long)blockDim.x + threadIdx.x; l < lines; l += (long long)gridDim.x * blockDim.x) {
    long long rem = l, to = 0, so = 0, io = 0;
    for (int d = shape.dim - 1; d >= 0; d--) {
      if (d == dim) continue;
      long long c = rem % shape.size[d];
      rem /= shape.size[d];
      to += c * target.stride[d];
      so += c * src.stride[d];
      io += c * shape.stride[d];
    }
    const long long *ix = idx + io;
    long long ts = target.stride[dim], ss = src.stride[dim], is = shape.stride[dim];
    for (long long i = 0; i < len; i++) {
      if (mode == STN_INDEX_GATHER) target.data[to + i * ts] = src.data[so + ix[i * is] * ss];
      else if (mode == STN_INDEX_COPY) target.data[to + ix[i * is] * ts] = src.data[so + i * ss];
      else target.data[to + ix[i * is] * ts] = value;
    }
  }
}

extern "C" stn_status stn_gather_cuda(stn_ctx *ctx, stn_tensor *target, const stn_tensor *src,
                                      const stn_tensor *shape, int dim, const int64_t *idx, int mode, double value) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  int64_t n = stn_tensor_numel(shape), lines = shape->shape[dim] ? n / shape->shape[dim] : 0;
  if (n == 0) return STN_OK;
  /* the index's sizes, with the row-major strides of its values in idx */
  stn_view sv;
  sv.data = 0;
  sv.dim = shape->ndim;
  sv.contiguous = 1;
  int64_t stride = 1;
  for (int d = STN_MAX_DIM - 1; d >= 0; d--) {
    sv.size[d] = d < shape->ndim ? shape->shape[d] : 1;
    sv.stride[d] = d < shape->ndim ? stride : 0;
    if (d < shape->ndim) stride *= shape->shape[d];
  }
  stn_tensor dev;
  STN_TRY(stn_tensor_new_typed(ctx, &dev, STN_CUDA, STN_LONG, 1, &n));
  stn_status st = stn_cuda_memcpy(ctx, stn_ptr(&dev), STN_CUDA, idx, STN_CPU, n * (int64_t)sizeof(int64_t));
  if (st == STN_OK) {
    /* a scatter of a value has no src: a view of the target (never read) stands in */
    gather_kernel<<<stn_blocks(ctx, lines, 128), 128, 0, stn_stream(ctx)>>>(
        stn_view_of(target), stn_view_of(src ? src : target), sv, dim, (const long long *)stn_ptr(&dev), lines, mode,
        (float)value);
    st = STN_LAUNCH_STATUS();
  }
  stn_tensor_release(&dev); /* stream-ordered reuse: the kernel is done with it before any later use */
  return st;
}
