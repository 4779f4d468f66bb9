/* scan.cu: CUDA twin of stn_scan (csrc/core/scan.c). One thread per line along dim,
 * walking it from its first element with the running value in double, rounded to float
 * at each step: the CPU's order and arithmetic, so the results agree bitwise. */
#include "common.cuh"
#include "core/cuda_services.h"
#include "core/scan.h"
#include "core/storage.h"

#define THREADS 256

/* ah, oh: a and out with size 1 at dim, so that row-major position k is line k's start */
__global__ void scan_kernel(stn_view oh, stn_view ah, long long lines, long long n, long long sa, long long so,
                            int op) {
  for (long long k = blockIdx.x * (long long)blockDim.x + threadIdx.x; k < lines;
       k += (long long)gridDim.x * blockDim.x) {
    const float *x = ah.data + stn_view_offset(ah, k);
    float *y = oh.data + stn_view_offset(oh, k);
    double run = op == STN_CUMPROD ? 1.0 : 0.0;
    for (long long i = 0; i < n; i++) {
      if (op == STN_CUMPROD) run *= (double)x[i * sa];
      else run += (double)x[i * sa];
      y[i * so] = (float)run;
    }
  }
}

extern "C" stn_status stn_scan_cuda(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int dim, int op) {
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  stn_tensor ah = *a, oh = *out;
  ah.shape[dim] = 1;
  oh.shape[dim] = 1;
  long long lines = stn_tensor_numel(&ah), n = a->shape[dim];
  if (lines == 0 || n == 0) return STN_OK;
  stn_view va = stn_view_of(&ah), vo = stn_view_of(&oh);
  scan_kernel<<<stn_blocks(ctx, lines, THREADS), THREADS, 0, stn_stream(ctx)>>>(vo, va, lines, n, a->strides[dim],
                                                                               out->strides[dim], op);
  STN_LAUNCH_CHECK();
  return STN_OK;
}
