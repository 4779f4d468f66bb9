/* sampler.cu: the CUDA bilinear sampler behind the twins of both sampler ops
 * (cuda/grid_sampler.cu for BCHW, cuda/bilinear_sampler_bhwd.cu for BHWD), as
 * csrc/sampler_cpu.c is on the CPU; the per-sample arithmetic is csrc/bilinear.h.
 *
 * The image gradient is deterministic without float atomics. One block owns the
 * gradient of one (batch element, channel group) slice and walks every output pixel of
 * that element, so no two blocks ever add to the same element. It accumulates in 64-bit
 * fixed point, where addition is associative and the order of its (shared-memory)
 * atomics cannot change the sum: the block first finds m = max |grad_output| over its
 * slice and scales by 2^k with m * P * 2^k <= 2^62 (P output pixels; the bilinear weights
 * of one output pixel sum to at most 1, so no sum can overflow). Each term is rounded
 * to an integer once, an absolute error of 2^-k ~ m * P * 2^-62 per term: far below
 * float's own rounding of the result. A non-finite grad_output cannot be represented,
 * and makes the slice's image gradient NaN. */
#include "common.cuh"

#include "../csrc/sampler.h"

#include <float.h>
#include <string.h>

#define SAMPLER_THREADS 256
#define SAMPLER_BWD_THREADS 512
/* Shared-memory accumulators per block that keep several blocks resident on an SM. */
#define SAMPLER_SMEM_TARGET (64 * 1024)

/* Output pixels of b, channels [c0, c1) of each (batch element, channel chunk). */
__global__ void sampler_forward_kernel(stn_sampler_geom g, const float *__restrict__ img,
                                       const float *__restrict__ grid, float *__restrict__ out, int64_t cchunk,
                                       int64_t nchunks) {
  int64_t P = g.Ho * g.Wo, n = g.B * nchunks * P;
  int ix = g.grid_xy ? 0 : 1, border = g.padding == STN_PADDING_BORDER;
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    int64_t p = i % P, t = i / P, b = t / nchunks, c0 = (t % nchunks) * cchunk;
    int64_t c1 = c0 + cchunk < g.C ? c0 + cchunk : g.C;
    const float *gp = grid + (b * P + p) * 2;
    stn_corners c = stn_corners_of(gp[ix], gp[1 - ix], (int)g.H, (int)g.W, g.img_y, g.img_x, g.align_corners, border);
    const float *in = img + b * g.img_b;
    float *o = out + b * g.out_b + p * g.out_p;
    for (int64_t ch = c0; ch < c1; ch++) {
      const float *ic = in + ch * g.img_c;
      o[ch * g.out_c] = c.w[0] * __ldg(ic + c.off[0]) + c.w[1] * __ldg(ic + c.off[1]) + c.w[2] * __ldg(ic + c.off[2]) +
                        c.w[3] * __ldg(ic + c.off[3]);
    }
  }
}

/* d(loss)/d(pixel x, pixel y) of one sample over channels [c0, c1). */
__device__ __forceinline__ void sample_grid_grad(const stn_sampler_geom &g, const stn_corners &c,
                                                 const float *__restrict__ in, const float *__restrict__ go,
                                                 int64_t c0, int64_t c1, float *sx, float *sy) {
  float ax = 0.0f, ay = 0.0f;
  for (int64_t ch = c0; ch < c1; ch++) {
    const float *ic = in + ch * g.img_c;
    float v = __ldg(go + ch * g.out_c);
    float a = __ldg(ic + c.off[0]), b = __ldg(ic + c.off[1]), d = __ldg(ic + c.off[2]), e = __ldg(ic + c.off[3]);
    ax += v * (c.dx[0] * a + c.dx[1] * b + c.dx[2] * d + c.dx[3] * e);
    ay += v * (c.dy[0] * a + c.dy[1] * b + c.dy[2] * d + c.dy[3] * e);
  }
  *sx = ax;
  *sy = ay;
}

__device__ __forceinline__ void store_grid_grad(const stn_sampler_geom &g, float *gg, float sx, float sy) {
  int ix = g.grid_xy ? 0 : 1;
  gg[ix] = sx * stn_unnormalize_scale((int)g.W, g.align_corners);
  gg[1 - ix] = sy * stn_unnormalize_scale((int)g.H, g.align_corners);
}

/* Grid gradient alone (no image gradient wanted): one thread per output pixel. */
__global__ void sampler_grid_grad_kernel(stn_sampler_geom g, const float *__restrict__ img,
                                         const float *__restrict__ grid, const float *__restrict__ gout,
                                         float *__restrict__ ggrid) {
  int64_t P = g.Ho * g.Wo, n = g.B * P;
  int ix = g.grid_xy ? 0 : 1, border = g.padding == STN_PADDING_BORDER;
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    int64_t b = i / P, p = i % P;
    const float *gp = grid + i * 2;
    stn_corners c = stn_corners_of(gp[ix], gp[1 - ix], (int)g.H, (int)g.W, g.img_y, g.img_x, g.align_corners, border);
    float sx, sy;
    sample_grid_grad(g, c, img + b * g.img_b, gout + b * g.out_b + p * g.out_p, 0, g.C, &sx, &sy);
    store_grid_grad(g, ggrid + i * 2, sx, sy);
  }
}

/* Sums the per-group partial grid gradients (groups x B x P x 2) in group order. */
__global__ void sampler_grid_reduce_kernel(stn_sampler_geom g, const float *__restrict__ partial,
                                           float *__restrict__ ggrid, int64_t groups) {
  int64_t n = g.B * g.Ho * g.Wo;
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    float sx = 0.0f, sy = 0.0f;
    for (int64_t k = 0; k < groups; k++) {
      sx += partial[(k * n + i) * 2];
      sy += partial[(k * n + i) * 2 + 1];
    }
    store_grid_grad(g, ggrid + i * 2, sx, sy);
  }
}

/* One block per (batch element b, channel group): the image gradient of channels
 * [c0, c1) of b in fixed point (shared memory when SHARED, else this block's slice of
 * gacc), and the grid gradient of b over those channels (final when groups == 1, else
 * into partial). */
template <bool SHARED>
__global__ void __launch_bounds__(SAMPLER_BWD_THREADS)
    sampler_backward_kernel(stn_sampler_geom g, const float *__restrict__ img, const float *__restrict__ grid,
                            const float *__restrict__ gout, float *__restrict__ gimg, float *__restrict__ ggrid,
                            float *__restrict__ partial, long long *__restrict__ gacc, int64_t gsize, int64_t groups) {
  extern __shared__ long long smem[];
  __shared__ float wmax[SAMPLER_BWD_THREADS / 32];
  int64_t b = blockIdx.x / groups, grp = blockIdx.x % groups;
  int64_t c0 = grp * gsize, c1 = c0 + gsize < g.C ? c0 + gsize : g.C, G = c1 - c0;
  int64_t HW = g.H * g.W, P = g.Ho * g.Wo;
  long long *acc = SHARED ? smem : gacc + (int64_t)blockIdx.x * gsize * HW;
  int tid = threadIdx.x, nt = blockDim.x;
  const float *go = gout + b * g.out_b;

  for (int64_t i = tid; i < G * HW; i += nt) acc[i] = 0;

  /* the scale: m = max |grad_output| over the slice, read in memory order */
  float m = 0.0f;
  int bad = 0;
  for (int64_t e = tid; e < G * P; e += nt) {
    int64_t ch = g.channels_last ? c0 + e % G : c0 + e / P, p = g.channels_last ? e / G : e % P;
    float v = fabsf(go[ch * g.out_c + p * g.out_p]);
    if (!(v <= FLT_MAX)) bad = 1;
    else m = fmaxf(m, v);
  }
  for (int off = 16; off > 0; off /= 2) m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, off));
  if ((tid & 31) == 0) wmax[tid / 32] = m;
  bad = __syncthreads_or(bad); /* also publishes wmax and the zeroed accumulators */
  m = 0.0f;
  for (int w = 0; w < nt / 32; w++) m = fmaxf(m, wmax[w]);
  int k = 0;
  if (m > 0.0f) {
    int e;
    frexp((double)m * (double)P, &e); /* m * P < 2^e */
    k = 62 - e;
  }

  int ix = g.grid_xy ? 0 : 1, border = g.padding == STN_PADDING_BORDER;
  const float *in = img + b * g.img_b;
  for (int64_t p = tid; p < P; p += nt) {
    const float *gp = grid + (b * P + p) * 2;
    /* corners as pixel indices (row stride W, pixel stride 1): the accumulator's layout */
    stn_corners c = stn_corners_of(gp[ix], gp[1 - ix], (int)g.H, (int)g.W, g.W, 1, g.align_corners, border);
    float ax = 0.0f, ay = 0.0f;
    for (int64_t ch = c0; ch < c1; ch++) {
      const float *ic = in + ch * g.img_c;
      float v = __ldg(go + ch * g.out_c + p * g.out_p);
      float a0 = __ldg(ic + c.off[0] * g.img_x), a1 = __ldg(ic + c.off[1] * g.img_x);
      float a2 = __ldg(ic + c.off[2] * g.img_x), a3 = __ldg(ic + c.off[3] * g.img_x);
      ax += v * (c.dx[0] * a0 + c.dx[1] * a1 + c.dx[2] * a2 + c.dx[3] * a3);
      ay += v * (c.dy[0] * a0 + c.dy[1] * a1 + c.dy[2] * a2 + c.dy[3] * a3);
      if (!bad) {
        float vs = ldexpf(v, k);
        long long *ac = acc + (ch - c0) * HW;
#pragma unroll
        for (int q = 0; q < 4; q++)
          if (c.w[q] != 0.0f)
            atomicAdd((unsigned long long *)(ac + c.off[q]), (unsigned long long)__float2ll_rn(vs * c.w[q]));
      }
    }
    if (groups == 1) {
      store_grid_grad(g, ggrid + (b * P + p) * 2, ax, ay);
    } else {
      float *pp = partial + ((grp * g.B + b) * P + p) * 2;
      pp[0] = ax;
      pp[1] = ay;
    }
  }
  __syncthreads();

  /* fixed point -> float, written in the image gradient's memory order */
  float *gi = gimg + b * g.img_b;
  for (int64_t i = tid; i < G * HW; i += nt) {
    int64_t chl = g.channels_last ? i % G : i / HW, pix = g.channels_last ? i / G : i % HW;
    float v = bad ? __int_as_float(0x7fc00000) : (float)ldexp((double)acc[chl * HW + pix], -k);
    gi[(c0 + chl) * g.img_c + pix * g.img_x] = v;
  }
}

/* ------------------------------------------------------------------ launchers */

extern "C" stn_status stn_sampler_forward_cuda(stn_ctx *ctx, const stn_sampler_geom *g, const stn_tensor *images,
                                               const stn_tensor *grid, stn_tensor *output) {
  int64_t P = g->Ho * g->Wo;
  if (g->B * g->C * P == 0) return STN_OK;
  /* enough threads to fill the GPU: split the channels when B * P alone is too few */
  int64_t want = (int64_t)ctx->cuda->sm_count * 2048;
  int64_t nchunks = (want + g->B * P - 1) / (g->B * P);
  if (nchunks > g->C) nchunks = g->C;
  if (nchunks < 1) nchunks = 1;
  int64_t cchunk = (g->C + nchunks - 1) / nchunks;
  nchunks = (g->C + cchunk - 1) / cchunk;
  int64_t n = g->B * nchunks * P;
  sampler_forward_kernel<<<stn_blocks(ctx, n, SAMPLER_THREADS), SAMPLER_THREADS, 0, stn_stream(ctx)>>>(
      *g, stn_data(images), stn_data(grid), stn_data(output), cchunk, nchunks);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

/* Dynamic shared memory a backward block may take; the kernel is opted in to it once. */
static stn_status backward_smem_limit(stn_ctx *ctx, int64_t *limit) {
  static int optin = -1;
  if (optin < 0) {
    int v = 0;
    STN_CUDA_CHECK(cudaDeviceGetAttribute(&v, cudaDevAttrMaxSharedMemoryPerBlockOptin, ctx->cuda->device));
    v -= 1024; /* room for the kernel's static shared memory */
    STN_CUDA_CHECK(cudaFuncSetAttribute(sampler_backward_kernel<true>, cudaFuncAttributeMaxDynamicSharedMemorySize, v));
    optin = v;
  }
  *limit = optin;
  return STN_OK;
}

extern "C" stn_status stn_sampler_backward_cuda(stn_ctx *ctx, const stn_sampler_geom *g, const stn_tensor *images,
                                                const stn_tensor *grid, const stn_tensor *grad_output,
                                                stn_tensor *grad_images, stn_tensor *grad_grid) {
  cudaStream_t stream = stn_stream(ctx);
  int64_t P = g->Ho * g->Wo, HW = g->H * g->W;
  float *gg = stn_data(grad_grid), *gi = grad_images ? stn_data(grad_images) : NULL;
  if (g->B == 0) return STN_OK;
  if (g->C == 0 || P == 0) { /* no channel or no sample: all gradients are zero */
    if (P > 0) STN_CUDA_CHECK(cudaMemsetAsync(gg, 0, (size_t)(g->B * P * 2) * sizeof(float), stream));
    if (gi && g->C > 0) STN_CUDA_CHECK(cudaMemsetAsync(gi, 0, (size_t)(g->B * g->C * HW) * sizeof(float), stream));
    return STN_OK;
  }
  if (!gi) {
    int64_t n = g->B * P;
    sampler_grid_grad_kernel<<<stn_blocks(ctx, n, SAMPLER_THREADS), SAMPLER_THREADS, 0, stream>>>(
        *g, stn_data(images), stn_data(grid), stn_data(grad_output), gg);
    STN_LAUNCH_CHECK();
    return STN_OK;
  }

  int64_t limit;
  STN_TRY(backward_smem_limit(ctx, &limit));
  int64_t per_channel = HW * (int64_t)sizeof(long long);
  int shared = per_channel <= limit;
  /* channels per block: as many as fit the target (at least one), but split further
   * while there are fewer blocks than SMs */
  int64_t fit = shared ? SAMPLER_SMEM_TARGET / per_channel : 1;
  if (fit < 1) fit = 1;
  int64_t groups = (g->C + fit - 1) / fit, want = (ctx->cuda->sm_count + g->B - 1) / g->B;
  if (groups < want) groups = want < g->C ? want : g->C;
  int64_t gsize = (g->C + groups - 1) / groups;
  groups = (g->C + gsize - 1) / gsize;
  int64_t blocks = g->B * groups;
  if (blocks > 2147483647) return STN_FAIL(STN_ERR_ARG, "stn_sampler_backward: %lld blocks are too many", (long long)blocks);

  stn_tensor partial, gacc;
  memset(&partial, 0, sizeof partial);
  memset(&gacc, 0, sizeof gacc);
  stn_status st = STN_OK;
  if (groups > 1) {
    int64_t n = groups * g->B * P * 2;
    st = stn_tensor_new(ctx, &partial, STN_CUDA, 1, &n);
  }
  if (st == STN_OK && !shared) {
    int64_t n = blocks * gsize * HW * 2; /* int64 accumulators, counted in floats */
    st = stn_tensor_new(ctx, &gacc, STN_CUDA, 1, &n);
  }
  if (st == STN_OK) {
    size_t smem = shared ? (size_t)(gsize * per_channel) : 0;
    if (shared)
      sampler_backward_kernel<true><<<(unsigned)blocks, SAMPLER_BWD_THREADS, smem, stream>>>(
          *g, stn_data(images), stn_data(grid), stn_data(grad_output), gi, gg, stn_data(&partial), NULL, gsize, groups);
    else
      sampler_backward_kernel<false><<<(unsigned)blocks, SAMPLER_BWD_THREADS, 0, stream>>>(
          *g, stn_data(images), stn_data(grid), stn_data(grad_output), gi, gg, stn_data(&partial),
          (long long *)stn_data(&gacc), gsize, groups);
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess)
      st = STN_FAIL(STN_ERR_CUDA, "stn_sampler_backward: kernel launch failed: %s", cudaGetErrorString(e));
  }
  if (st == STN_OK && groups > 1) {
    int64_t n = g->B * P;
    sampler_grid_reduce_kernel<<<stn_blocks(ctx, n, SAMPLER_THREADS), SAMPLER_THREADS, 0, stream>>>(
        *g, stn_data(&partial), gg, groups);
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess)
      st = STN_FAIL(STN_ERR_CUDA, "stn_sampler_backward: reduce launch failed: %s", cudaGetErrorString(e));
  }
  /* stream-ordered reuse by the caching allocator: no need to wait before releasing */
  stn_tensor_release(&partial);
  stn_tensor_release(&gacc);
  return st;
}

