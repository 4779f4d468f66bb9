/* sampler3d.cu: the CUDA twins of the volumetric sampler (stn_sampler3d_forward_cuda and
 * stn_sampler3d_backward_cuda, called by csrc/spatial/sampler3d.c with the checked
 * geometry), Float. The per-axis arithmetic is csrc/spatial/sampler3d.h's float one, and
 * each sum is rounded step by step in the order of the CPU loops (sampler3d_generic.h), so
 * that both devices pick the same voxels and weights.
 *
 * Deterministic without float atomics. The grid gradient: one thread per output voxel
 * sums its channels in order (in double, as the CPU does). The image gradient uses
 * sampler.cu's fixed-point scheme (fixed_point.cuh): a first kernel finds, per (batch
 * element, channel) slice, m = max |grad_output| and the scale 2^k with
 * m * P * 2^k <= 2^62 (P output voxels; the trilinear weights of an output voxel sum to
 * at most 1, so no sum can overflow); the scatter kernel adds each term, rounded to an
 * integer once, to a 64-bit integer accumulator in global memory with integer atomics,
 * whose sum does not depend on their order; a last kernel scales the sums back to float.
 * A non-finite grad_output in a slice makes that slice's image gradient NaN. Indices are
 * 64-bit throughout. */
#include "../core/common.cuh"

#include "spatial/sampler3d.h"
#include "fixed_point.cuh"

#include <float.h>
#include <limits.h>
#include <string.h>

#define S3_THREADS 256
#define S3_BAD INT_MIN /* a slice's scale when its grad_output is not finite */

/* The eight corners of a sample, as sampler3d_generic.h's vox8_of (k = 4 dz + 2 dy + dx;
 * nearest: off[0], w[0]). */
struct vox8 {
  int64_t off[8];
  float w[8], dx[8], dy[8], dz[8];
  float sx, sy, sz;
};

__device__ __forceinline__ void vox8_of(const stn_sampler3d_geom &g, const float *xyz, vox8 &c) {
  const stn_axis3f ax = stn_axis3_of_f(__ldg(xyz), g.W, g.align, g.padding);
  const stn_axis3f ay = stn_axis3_of_f(__ldg(xyz + 1), g.H, g.align, g.padding);
  const stn_axis3f az = stn_axis3_of_f(__ldg(xyz + 2), g.D, g.align, g.padding);
  if (g.mode == STN_SAMPLER_NEAREST) {
    c.sx = c.sy = c.sz = 0.0f;
    c.off[0] = (az.in * g.H + ay.in) * g.W + ax.in;
    c.w[0] = __fmul_rn(__fmul_rn(az.mn, ay.mn), ax.mn);
    return;
  }
  c.sx = __fmul_rn(ax.gm, ax.scale), c.sy = __fmul_rn(ay.gm, ay.scale), c.sz = __fmul_rn(az.gm, az.scale);
#pragma unroll
  for (int k = 0; k < 8; k++) {
    const int kz = k >> 2, ky = (k >> 1) & 1, kx = k & 1;
    const int64_t iz = kz ? az.i1 : az.i0, iy = ky ? ay.i1 : ay.i0, ix = kx ? ax.i1 : ax.i0;
    const float wz = kz ? az.w1 : 1.0f - az.w1, wy = ky ? ay.w1 : 1.0f - ay.w1, wx = kx ? ax.w1 : 1.0f - ax.w1;
    const float m = __fmul_rn(__fmul_rn(kz ? az.m1 : az.m0, ky ? ay.m1 : ay.m0), kx ? ax.m1 : ax.m0);
    const float zy = __fmul_rn(wz, wy), zx = __fmul_rn(wz, wx), yx = __fmul_rn(wy, wx);
    c.off[k] = (iz * g.H + iy) * g.W + ix;
    c.w[k] = __fmul_rn(__fmul_rn(zy, wx), m);
    c.dx[k] = __fmul_rn(kx ? zy : -zy, m);
    c.dy[k] = __fmul_rn(ky ? zx : -zx, m);
    c.dz[k] = __fmul_rn(kz ? yx : -yx, m);
  }
}

/* One thread per output voxel (grid-stride), every channel. */
__global__ void sampler3d_forward_kernel(stn_sampler3d_geom g, const float *__restrict__ img,
                                         const float *__restrict__ grid, float *__restrict__ out) {
  stn_pdl_wait();
  stn_pdl_trigger();
  const int64_t n = g.B * g.P, step = (int64_t)gridDim.x * blockDim.x;
  const bool nearest = g.mode == STN_SAMPLER_NEAREST;
  for (int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; t < n; t += step) {
    const int64_t b = t / g.P, p = t - b * g.P;
    vox8 c;
    vox8_of(g, grid + 3 * t, c);
    const float *ib = img + b * g.C * g.V;
    float *o = out + b * g.C * g.P + p;
    for (int64_t ch = 0; ch < g.C; ch++) {
      const float *ic = ib + ch * g.V;
      float s = __fmul_rn(c.w[0], __ldg(ic + c.off[0]));
      if (!nearest)
#pragma unroll
        for (int k = 1; k < 8; k++) s = __fadd_rn(s, __fmul_rn(c.w[k], __ldg(ic + c.off[k])));
      o[ch * g.P] = s;
    }
  }
}

/* The grid gradient (trilinear): one thread per output voxel, channels in order, in double. */
__global__ void sampler3d_grid_grad_kernel(stn_sampler3d_geom g, const float *__restrict__ img,
                                           const float *__restrict__ grid, const float *__restrict__ gout,
                                           float *__restrict__ ggrid) {
  stn_pdl_wait();
  stn_pdl_trigger();
  const int64_t n = g.B * g.P, step = (int64_t)gridDim.x * blockDim.x;
  for (int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; t < n; t += step) {
    const int64_t b = t / g.P, p = t - b * g.P;
    vox8 c;
    vox8_of(g, grid + 3 * t, c);
    const float *ib = img + b * g.C * g.V, *gop = gout + b * g.C * g.P + p;
    double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int64_t ch = 0; ch < g.C; ch++) {
      const double v = __ldg(gop + ch * g.P);
      const float *ic = ib + ch * g.V;
#pragma unroll
      for (int k = 0; k < 8; k++) s[k] = __dadd_rn(s[k], __dmul_rn(v, (double)__ldg(ic + c.off[k])));
    }
    double dx = 0, dy = 0, dz = 0;
#pragma unroll
    for (int k = 0; k < 8; k++) {
      dx = __dadd_rn(dx, __dmul_rn((double)c.dx[k], s[k]));
      dy = __dadd_rn(dy, __dmul_rn((double)c.dy[k], s[k]));
      dz = __dadd_rn(dz, __dmul_rn((double)c.dz[k], s[k]));
    }
    float *gg = ggrid + 3 * t;
    gg[0] = (float)__dmul_rn(dx, (double)c.sx);
    gg[1] = (float)__dmul_rn(dy, (double)c.sy);
    gg[2] = (float)__dmul_rn(dz, (double)c.sz);
  }
}

/* One block per (batch element, channel) slice: its fixed-point scale k, or S3_BAD. */
__global__ void sampler3d_scale_kernel(stn_sampler3d_geom g, const float *__restrict__ gout, int *__restrict__ ks) {
  __shared__ float wmax[S3_THREADS / 32];
  stn_pdl_wait();
  stn_pdl_trigger();
  const int64_t slice = blockIdx.x;
  const float *s = gout + slice * g.P;
  float m = 0.0f;
  int bad = 0;
  for (int64_t e = threadIdx.x; e < g.P; e += blockDim.x) {
    const float v = fabsf(__ldg(s + e));
    if (!(v <= FLT_MAX)) bad = 1; /* fmaxf would drop a NaN */
    else m = fmaxf(m, v);
  }
  for (int off = 16; off > 0; off /= 2) m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, off));
  if ((threadIdx.x & 31) == 0) wmax[threadIdx.x / 32] = m;
  bad = __syncthreads_or(bad);
  if (threadIdx.x == 0) {
    for (int w = 0; w < S3_THREADS / 32; w++) m = fmaxf(m, wmax[w]);
    ks[slice] = bad ? S3_BAD : fixed_scale(m, (int)g.P);
  }
}

/* The image gradient's terms: one thread per output voxel, every channel, each term of
 * weight not 0 added to the slice's 64-bit accumulators. */
__global__ void sampler3d_scatter_kernel(stn_sampler3d_geom g, const float *__restrict__ grid,
                                         const float *__restrict__ gout, const int *__restrict__ ks,
                                         unsigned long long *__restrict__ acc) {
  stn_pdl_wait();
  stn_pdl_trigger();
  const int64_t n = g.B * g.P, step = (int64_t)gridDim.x * blockDim.x;
  const int corners = g.mode == STN_SAMPLER_NEAREST ? 1 : 8;
  for (int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; t < n; t += step) {
    const int64_t b = t / g.P, p = t - b * g.P;
    vox8 c;
    vox8_of(g, grid + 3 * t, c);
    for (int64_t ch = 0; ch < g.C; ch++) {
      const int64_t slice = b * g.C + ch;
      const int k = __ldg(ks + slice);
      if (k == S3_BAD) continue;
      const float vs = fixed_up(fixed_scaler_of(k), __ldg(gout + slice * g.P + p));
      unsigned long long *a = acc + slice * g.V;
      if (corners == 1) {
        if (c.w[0] != 0.0f) atomicAdd(a + c.off[0], (unsigned long long)__float2ll_rn(__fmul_rn(vs, c.w[0])));
      } else {
#pragma unroll /* constant indices: the corners stay in registers */
        for (int j = 0; j < 8; j++)
          if (c.w[j] != 0.0f) atomicAdd(a + c.off[j], (unsigned long long)__float2ll_rn(__fmul_rn(vs, c.w[j])));
      }
    }
  }
}

/* Fixed point -> float (NaN for a slice whose grad_output was not finite). */
__global__ void sampler3d_unscale_kernel(stn_sampler3d_geom g, const unsigned long long *__restrict__ acc,
                                         const int *__restrict__ ks, float *__restrict__ gimg) {
  stn_pdl_wait();
  stn_pdl_trigger();
  const int64_t n = g.B * g.C * g.V, step = (int64_t)gridDim.x * blockDim.x;
  const float nan = __int_as_float(0x7fc00000);
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += step) {
    const int k = __ldg(ks + i / g.V);
    gimg[i] = k == S3_BAD ? nan : fixed_down(fixed_scaler_of(k), (long long)acc[i]);
  }
}

/* ------------------------------------------------------------------ launchers */

/* Blocks of S3_THREADS for a grid-stride loop over n items: enough to fill the GPU. */
static unsigned blocks_for(stn_ctx *ctx, int64_t n) {
  int64_t x = (n + S3_THREADS - 1) / S3_THREADS, cap = (int64_t)ctx->cuda->sm_count * 32;
  if (x > cap) x = cap;
  return (unsigned)(x < 1 ? 1 : x);
}

extern "C" stn_status stn_sampler3d_forward_cuda(stn_ctx *ctx, const stn_sampler3d_geom *g, const stn_tensor *images,
                                                 const stn_tensor *grid, stn_tensor *output) {
  if (g->B * g->C * g->P == 0) return STN_OK;
  sampler3d_forward_kernel<<<blocks_for(ctx, g->B * g->P), S3_THREADS, 0, stn_stream(ctx)>>>(
      *g, (const float *)stn_data(images), (const float *)stn_data(grid), stn_data(output));
  STN_LAUNCH_CHECK();
  return STN_OK;
}

extern "C" stn_status stn_sampler3d_backward_cuda(stn_ctx *ctx, const stn_sampler3d_geom *g, const stn_tensor *images,
                                                  const stn_tensor *grid, const stn_tensor *grad_output,
                                                  stn_tensor *grad_images, stn_tensor *grad_grid) {
  static const char *fn = "stn_sampler3d_backward";
  cudaStream_t stream = stn_stream(ctx);
  float *gg = stn_data(grad_grid), *gi = grad_images ? stn_data(grad_images) : NULL;
  const float *im = stn_data(images), *gr = stn_data(grid), *go = stn_data(grad_output);
  const int64_t n = g->B * g->P;
  if (n > 0) {
    if (g->mode == STN_SAMPLER_NEAREST || g->C == 0) {
      STN_CUDA_CHECK(cudaMemsetAsync(gg, 0, (size_t)(3 * n) * sizeof(float), stream));
    } else {
      sampler3d_grid_grad_kernel<<<blocks_for(ctx, n), S3_THREADS, 0, stream>>>(*g, im, gr, go, gg);
      STN_LAUNCH_CHECK();
    }
  }
  if (!gi || g->B * g->C * g->V == 0) return STN_OK;
  if (g->P == 0) {
    STN_CUDA_CHECK(cudaMemsetAsync(gi, 0, (size_t)(g->B * g->C * g->V) * sizeof(float), stream));
    return STN_OK;
  }
  /* fixed_scale's bound on k holds for at most 2^31 output voxels; one block per slice */
  if (g->P > INT_MAX || g->B * g->C > INT_MAX)
    return STN_FAIL(STN_ERR_ARG, "%s: %lld output voxels per volume or %lld volumes: beyond the CUDA image gradient's range",
                    fn, (long long)g->P, (long long)(g->B * g->C));
  stn_tensor ks, acc;
  memset(&ks, 0, sizeof ks);
  memset(&acc, 0, sizeof acc);
  int64_t nks = g->B * g->C, nacc = g->B * g->C * g->V * 2; /* counted in 4-byte floats */
  stn_status st = stn_tensor_new(ctx, &ks, STN_CUDA, 1, &nks);
  if (st == STN_OK) st = stn_tensor_new(ctx, &acc, STN_CUDA, 1, &nacc);
  if (st == STN_OK) {
    int *kp = (int *)stn_data(&ks);
    unsigned long long *ap = (unsigned long long *)stn_data(&acc);
    cudaError_t e = cudaMemsetAsync(ap, 0, (size_t)nacc * sizeof(float), stream);
    if (e == cudaSuccess) {
      sampler3d_scale_kernel<<<(unsigned)nks, S3_THREADS, 0, stream>>>(*g, go, kp);
      sampler3d_scatter_kernel<<<blocks_for(ctx, n), S3_THREADS, 0, stream>>>(*g, gr, go, kp, ap);
      sampler3d_unscale_kernel<<<blocks_for(ctx, g->B * g->C * g->V), S3_THREADS, 0, stream>>>(*g, ap, kp, gi);
      st = STN_LAUNCH_STATUS();
    } else {
      st = STN_FAIL(STN_ERR_CUDA, "%s: cudaMemsetAsync failed: %s", fn, cudaGetErrorString(e));
    }
  }
  /* stream-ordered reuse by the caching allocator: no need to wait before releasing */
  stn_tensor_release(&ks);
  stn_tensor_release(&acc);
  return st;
}
