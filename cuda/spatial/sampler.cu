/* sampler.cu: the CUDA twins of the sampler (stn_sampler_forward_cuda and
 * stn_sampler_backward_cuda, called by csrc/spatial/sampler.c with the checked
 * geometry), for every descriptor, as csrc/spatial/sampler_cpu.c is on the CPU; the
 * per-sample arithmetic is csrc/spatial/sampler.h.
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
 * and makes the slice's image gradient NaN. A 64-bit shared-memory atomic add is a
 * compare-and-swap loop on sm_90, so the shared accumulators are split into 32-bit
 * words updated by native 32-bit atomics (see fixed_add).
 *
 * Indices within a batch element are 32-bit with the layout's strides known at compile
 * time (the launchers check the sizes), batch offsets 64-bit; launches are 2-D (y: batch
 * rows, x: pixels) to avoid 64-bit division in the kernels, and use programmatic
 * dependent launch (common.cuh): every kernel here waits before touching global memory. */
#include "../core/common.cuh"

#include "spatial/sampler.h"
#include "fixed_point.cuh"

#include <float.h>
#include <string.h>

/* ------------------------------------------------------------------ shared by the kernels */

__device__ __forceinline__ void store_grid_grad(const stn_sampler_geom &g, float *gg, float sx, float sy) {
  int ix = stn_grid_x_slot(g.desc.grid_order);
  gg[ix] = sx * stn_pixel_map_of((int)g.W, g.desc.align_corners).scale;
  gg[1 - ix] = sy * stn_pixel_map_of((int)g.H, g.desc.align_corners).scale;
}

/* Sample p's grid values (gx along the width, gy along the height) from a grid row gb
 * holding (x, y) pairs (ix = 0) or (y, x) pairs (ix = 1); pair8: gb is 8-byte aligned,
 * so that the two values come in one load. */
__device__ __forceinline__ void load_grid(const float *__restrict__ gb, int p, int ix, bool pair8, float &gx, float &gy) {
  float g0, g1;
  if (pair8) {
    const float2 v = __ldg((const float2 *)gb + p);
    g0 = v.x, g1 = v.y;
  } else {
    g0 = __ldg(gb + 2 * p), g1 = __ldg(gb + 2 * p + 1);
  }
  gx = ix ? g1 : g0;
  gy = ix ? g0 : g1;
}

/* Sample p of element b's grid gradient over channel group grp: final (scaled to grid
 * units) when there is one group, else the group's partial sums (groups x B x P x 2),
 * added in group order later (grid_reduce). */
__device__ __forceinline__ void store_grid_result(const stn_sampler_geom &g, float *ggrid, float *partial, int b,
                                                  int grp, int groups, int P, int p, float ax, float ay) {
  if (groups == 1) {
    store_grid_grad(g, ggrid + ((int64_t)b * P + p) * 2, ax, ay);
  } else {
    float *pp = partial + (((int64_t)grp * g.B + b) * P + p) * 2;
    pp[0] = ax;
    pp[1] = ay;
  }
}

/* acc[i] += t exactly. Shared memory (SHARED): the 64-bit accumulator is a low word lo[i]
 * and a high word hi[i]; the low add returns the old low word, which tells exactly
 * whether it wrapped, and the high word then takes t's high half plus that carry. Every
 * wrap is counted once, so hi * 2^32 + lo is the exact sum in any order. Global memory:
 * one native 64-bit atomic. */
__device__ __forceinline__ void fixed_add_at(unsigned *lo, int *hi, long long t) {
  const unsigned tl = (unsigned)(unsigned long long)t;
  int th = (int)(t >> 32);
  const unsigned old = atomicAdd(lo, tl);
  if (old + tl < old) th += 1;
  if (th != 0) atomicAdd(hi, th);
}

template <bool SHARED>
__device__ __forceinline__ void fixed_add(unsigned *lo, int *hi, unsigned long long *acc, int i, long long t) {
  if (SHARED) {
    fixed_add_at(lo + i, hi + i, t);
  } else {
    atomicAdd(acc + i, (unsigned long long)t);
  }
}

template <bool SHARED>
__device__ __forceinline__ long long fixed_get(const unsigned *lo, const int *hi, const unsigned long long *acc, int i) {
  if (SHARED) return (long long)hi[i] * 4294967296LL + (long long)lo[i];
  return (long long)acc[i];
}

/* One channel's share of a sample's grid gradient: v (gradOutput) times the corner
 * values a0..a3 weighed by d(value)/d(x) and d(value)/d(y). One expression for both
 * backward kernels, so that the compiler fuses its multiply-adds the same way in each
 * and the grid gradient has the same bits with or without the image gradient. */
__device__ __forceinline__ void grid_terms(const stn_corners &c, float v, float a0, float a1, float a2, float a3,
                                           float &ax, float &ay) {
  ax += v * (c.dx[0] * a0 + c.dx[1] * a1 + c.dx[2] * a2 + c.dx[3] * a3);
  ay += v * (c.dy[0] * a0 + c.dy[1] * a1 + c.dy[2] * a2 + c.dy[3] * a3);
}

/* One channel of a sample in a backward kernel: its share of the grid gradient (ax, ay)
 * and, unless bad, its four fixed-point image-gradient terms, each handed to
 * add(corner, term). */
template <typename Add>
__device__ __forceinline__ void backward_terms(const stn_corners &c, float v, float a0, float a1, float a2, float a3,
                                               float &ax, float &ay, bool bad, const fixed_scaler &sc, Add add) {
  grid_terms(c, v, a0, a1, a2, a3, ax, ay);
  if (bad) return;
  const float vs = fixed_up(sc, v);
#pragma unroll
  for (int j = 0; j < 4; j++)
    if (c.w[j] != 0.0f) add(j, __float2ll_rn(vs * c.w[j]));
}

/* ------------------------------------------------------------------ kernels */


#define SAMPLER_THREADS 256
#define SAMPLER_BWD_THREADS 512
/* Shared-memory accumulators per block that keep several blocks resident on an SM. */
#define SAMPLER_SMEM_TARGET (64 * 1024)
#define GRID_Y_MAX 65535

/* In-element strides of the two layouts (CL: channels last, stnbhwd's BHWD), known at
 * compile time, and 32-bit: the launchers check that one element's images and output
 * fit. img_x steps a pixel, img_c a channel; out_p an output pixel, out_c a channel. */
template <bool CL>
struct layout {
  int img_c, img_x, out_c, out_p;
  __device__ __forceinline__ layout(int C, int HW, int P)
      : img_c(CL ? 1 : HW), img_x(CL ? C : 1), out_c(CL ? 1 : P), out_p(CL ? C : 1) {}
};

/* Output pixels of each (batch element, channel chunk) row r = b * nchunks + chunk.
 * BCHW fits 48 registers (five blocks per SM); BHWD spills there, so four. */
template <bool CL>
__global__ void __launch_bounds__(SAMPLER_THREADS, CL ? 4 : 5)
    sampler_forward_kernel(stn_sampler_geom g, const float *__restrict__ img,
                                       const float *__restrict__ grid, float *__restrict__ out, int cchunk,
                                       int nchunks) {
  stn_pdl_wait();
  stn_pdl_trigger();
  const int P = (int)(g.Ho * g.Wo), rows = (int)g.B * nchunks, C = (int)g.C, H = (int)g.H, W = (int)g.W;
  const layout<CL> L(C, H * W, P);
  const int ix = stn_grid_x_slot(g.desc.grid_order), border = g.desc.padding == STN_PADDING_BORDER;
  const bool pair8 = ((uintptr_t)grid & 7) == 0;
  for (int r = blockIdx.y; r < rows; r += gridDim.y) {
    const int b = r / nchunks, c0 = (r - b * nchunks) * cchunk, c1 = min(C, c0 + cchunk);
    const float *in = img + (int64_t)b * C * H * W + c0 * L.img_c, *gb = grid + (int64_t)b * P * 2;
    float *ob = out + (int64_t)b * C * P + c0 * L.out_c;
    for (int p = blockIdx.x * blockDim.x + threadIdx.x; p < P; p += gridDim.x * blockDim.x) {
      float gx, gy;
      load_grid(gb, p, ix, pair8, gx, gy);
      const stn_corners c = stn_corners_of(gx, gy, H, W, W * L.img_x, L.img_x, g.desc.align_corners, border);
      const float *ic = in;
      float *o = ob + p * L.out_p;
      for (int ch = c0; ch < c1; ch++, ic += L.img_c, o += L.out_c)
        *o = c.w[0] * __ldg(ic + c.off[0]) + c.w[1] * __ldg(ic + c.off[1]) + c.w[2] * __ldg(ic + c.off[2]) +
             c.w[3] * __ldg(ic + c.off[3]);
    }
  }
}

/* Grid gradient alone (no image gradient wanted): one thread per output pixel, every channel. */
template <bool CL>
__global__ void sampler_grid_grad_kernel(stn_sampler_geom g, const float *__restrict__ img,
                                         const float *__restrict__ grid, const float *__restrict__ gout,
                                         float *__restrict__ ggrid) {
  stn_pdl_wait();
  stn_pdl_trigger();
  const int P = (int)(g.Ho * g.Wo), B = (int)g.B, C = (int)g.C, H = (int)g.H, W = (int)g.W;
  const layout<CL> L(C, H * W, P);
  const int ix = stn_grid_x_slot(g.desc.grid_order), border = g.desc.padding == STN_PADDING_BORDER;
  const bool pair8 = ((uintptr_t)grid & 7) == 0;
  for (int b = blockIdx.y; b < B; b += gridDim.y) {
    const float *in = img + (int64_t)b * C * H * W, *go = gout + (int64_t)b * C * P, *gb = grid + (int64_t)b * P * 2;
    for (int p = blockIdx.x * blockDim.x + threadIdx.x; p < P; p += gridDim.x * blockDim.x) {
      float gx, gy;
      load_grid(gb, p, ix, pair8, gx, gy);
      const stn_corners c = stn_corners_of(gx, gy, H, W, W * L.img_x, L.img_x, g.desc.align_corners, border);
      float ax = 0.0f, ay = 0.0f;
      const float *ic = in, *gp = go + p * L.out_p;
      for (int ch = 0; ch < C; ch++, ic += L.img_c, gp += L.out_c) {
        const float v = __ldg(gp);
        const float a = __ldg(ic + c.off[0]), bb = __ldg(ic + c.off[1]), d = __ldg(ic + c.off[2]), e = __ldg(ic + c.off[3]);
        grid_terms(c, v, a, bb, d, e, ax, ay);
      }
      store_grid_grad(g, ggrid + ((int64_t)b * P + p) * 2, ax, ay);
    }
  }
}

/* Sums the per-group partial grid gradients (groups x B x P x 2) in group order. */
__global__ void sampler_grid_reduce_kernel(stn_sampler_geom g, const float *__restrict__ partial,
                                           float *__restrict__ ggrid, int groups) {
  stn_pdl_wait();
  stn_pdl_trigger();
  const int P = (int)(g.Ho * g.Wo), B = (int)g.B;
  const int64_t n = (int64_t)B * P;
  for (int b = blockIdx.y; b < B; b += gridDim.y) {
    for (int p = blockIdx.x * blockDim.x + threadIdx.x; p < P; p += gridDim.x * blockDim.x) {
      const int64_t i = (int64_t)b * P + p;
      float sx = 0.0f, sy = 0.0f;
      for (int k = 0; k < groups; k++) {
        sx += partial[(k * n + i) * 2];
        sy += partial[(k * n + i) * 2 + 1];
      }
      store_grid_grad(g, ggrid + i * 2, sx, sy);
    }
  }
}

/* One block per (batch element b, channel group): the image gradient of channels
 * [c0, c1) of b in fixed point (shared memory when SHARED, else this block's slice of
 * gacc), and the grid gradient of b over those channels (final when groups == 1, else
 * into partial). Two blocks per SM (64 registers) measured faster on an H200 than one.
 * Nsight Compute on an H200 (256x3x48x48) found this kernel bound by the number of
 * instructions it issues, so its index arithmetic is 32-bit with the layout's strides
 * known at compile time, and each channel steps pointers instead of multiplying. */
template <bool CL, bool SHARED>
__global__ void __launch_bounds__(SAMPLER_BWD_THREADS, 2)
    sampler_backward_kernel(stn_sampler_geom g, const float *__restrict__ img, const float *__restrict__ grid,
                            const float *__restrict__ gout, float *__restrict__ gimg, float *__restrict__ ggrid,
                            float *__restrict__ partial, unsigned long long *__restrict__ gacc, int gsize, int groups) {
  extern __shared__ unsigned smem_lo[];
  __shared__ float wmax[SAMPLER_BWD_THREADS / 32];
  const int b = blockIdx.x / groups, grp = blockIdx.x - b * groups;
  const int C = (int)g.C, H = (int)g.H, W = (int)g.W;
  const int c0 = grp * gsize, c1 = min(C, c0 + gsize), G = c1 - c0;
  const int HW = H * W, P = (int)(g.Ho * g.Wo), GHW = G * HW;
  const layout<CL> L(C, HW, P);
  unsigned *lo = smem_lo;
  int *hi = (int *)(smem_lo + gsize * HW);
  unsigned long long *acc = SHARED ? NULL : gacc + (int64_t)blockIdx.x * gsize * HW;
  const int tid = threadIdx.x, nt = blockDim.x;
  const float *gos = gout + (int64_t)b * C * P + c0 * L.out_c; /* the slice's gradOutput */

  if (SHARED) {
    const int words = 2 * gsize * HW; /* lo, then hi */
    if ((words & 3) == 0) {
      for (int i = tid; i < words / 4; i += nt) ((uint4 *)smem_lo)[i] = make_uint4(0u, 0u, 0u, 0u);
    } else {
      for (int i = tid; i < words; i += nt) smem_lo[i] = 0u;
    }
  }
  stn_pdl_wait(); /* global memory from here on */
  stn_pdl_trigger();
  if (!SHARED)
    for (int i = tid; i < GHW; i += nt) acc[i] = 0ull;

  /* the scale: m = max |grad_output| over the slice, read in memory order; a slice
   * that is one run of memory (BCHW, or every channel of BHWD) is read 16 bytes at a
   * time where aligned, with the loads of several rounds in flight */
  float m = 0.0f;
  int bad = 0;
  const int n = G * P;
  if (!CL || G == C) {
    const float *s = gos;
    int head = 0;
    if (((uintptr_t)s & 15) == 0) {
      const float4 *s4 = (const float4 *)s;
      const int n4 = n / 4;
#pragma unroll 4
      for (int e = tid; e < n4; e += nt) {
        const float4 v = __ldg(s4 + e);
        /* each value on its own: fmaxf would drop a NaN */
        if (!(fabsf(v.x) <= FLT_MAX && fabsf(v.y) <= FLT_MAX && fabsf(v.z) <= FLT_MAX && fabsf(v.w) <= FLT_MAX)) bad = 1;
        else m = fmaxf(m, fmaxf(fmaxf(fabsf(v.x), fabsf(v.y)), fmaxf(fabsf(v.z), fabsf(v.w))));
      }
      head = n4 * 4;
    }
#pragma unroll 4
    for (int e = head + tid; e < n; e += nt) {
      const float v = fabsf(__ldg(s + e));
      if (!(v <= FLT_MAX)) bad = 1;
      else m = fmaxf(m, v);
    }
  } else { /* BHWD, some of the channels */
    for (int e = tid; e < n; e += nt) {
      const float v = fabsf(__ldg(gos + (e / G) * C + e % G));
      if (!(v <= FLT_MAX)) bad = 1;
      else m = fmaxf(m, v);
    }
  }
  for (int off = 16; off > 0; off /= 2) m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, off));
  if ((tid & 31) == 0) wmax[tid / 32] = m;
  bad = __syncthreads_or(bad); /* also publishes wmax and the zeroed accumulators */
  m = 0.0f;
  for (int w = 0; w < nt / 32; w++) m = fmaxf(m, wmax[w]);
  const fixed_scaler sc = fixed_scaler_of(fixed_scale(m, P));

  const int ix = stn_grid_x_slot(g.desc.grid_order), border = g.desc.padding == STN_PADDING_BORDER;
  const float *in = img + (int64_t)b * C * HW + c0 * L.img_c, *gb = grid + (int64_t)b * P * 2;
  const bool pair8 = ((uintptr_t)grid & 7) == 0;
  for (int p = tid; p < P; p += nt) {
    float gx, gy;
    load_grid(gb, p, ix, pair8, gx, gy);
    /* corners as pixel indices (row stride W, pixel stride 1): the accumulator's layout */
    const stn_corners c = stn_corners_of(gx, gy, H, W, W, 1, g.desc.align_corners, border);
    const int o0 = c.off[0] * L.img_x, o1 = c.off[1] * L.img_x, o2 = c.off[2] * L.img_x, o3 = c.off[3] * L.img_x;
    float ax = 0.0f, ay = 0.0f;
    const float *ic = in, *gp = gos + p * L.out_p;
    for (int base = 0; base < GHW; base += HW, ic += L.img_c, gp += L.out_c) {
      const float v = __ldg(gp);
      const float a0 = __ldg(ic + o0), a1 = __ldg(ic + o1), a2 = __ldg(ic + o2), a3 = __ldg(ic + o3);
      backward_terms(c, v, a0, a1, a2, a3, ax, ay, bad, sc,
                     [&](int j, long long t) { fixed_add<SHARED>(lo, hi, acc, base + c.off[j], t); });
    }
    store_grid_result(g, ggrid, partial, b, grp, groups, P, p, ax, ay);
  }
  __syncthreads();

  /* fixed point -> float, written in the image gradient's memory order (for BCHW the
   * accumulators' own order) */
  float *gi = gimg + (int64_t)b * C * HW;
  const float nan = __int_as_float(0x7fc00000);
  if (!CL) {
    float *d = gi + c0 * HW;
    for (int i = tid; i < GHW; i += nt) d[i] = bad ? nan : fixed_down(sc, fixed_get<SHARED>(lo, hi, acc, i));
  } else {
    for (int i = tid; i < GHW; i += nt) {
      const int chl = i % G, pix = i / G;
      gi[pix * C + c0 + chl] = bad ? nan : fixed_down(sc, fixed_get<SHARED>(lo, hi, acc, chl * HW + pix));
    }
  }
}

/* ------------------------------------------------------------------ launchers */

/* A 2-D launch over rows (y, at most GRID_Y_MAX blocks, the kernel strides) and cols
 * (x, about enough blocks to fill the GPU together). */
static dim3 grid_2d(stn_ctx *ctx, int64_t rows, int64_t cols, int threads) {
  int64_t y = rows < GRID_Y_MAX ? rows : GRID_Y_MAX, want = (int64_t)ctx->cuda->sm_count * 32;
  int64_t x = (cols + threads - 1) / threads, cap = (want + y - 1) / y;
  if (x > cap) x = cap;
  return dim3((unsigned)(x < 1 ? 1 : x), (unsigned)(y < 1 ? 1 : y), 1);
}

static stn_status check_sizes(const char *fn, const stn_sampler_geom *g) {
  const int64_t big = 2147483647;
  if (g->Ho * g->Wo > big / 2 || g->H * g->W > big / 2 || g->B * g->C > big || g->B > big ||
      g->C * g->H * g->W > big || g->C * g->Ho * g->Wo > big)
    return STN_FAIL(STN_ERR_ARG, "%s: sizes beyond the CUDA kernels' 32-bit in-element indices (B %lld, C %lld, %lldx%lld -> %lldx%lld)",
                    fn, (long long)g->B, (long long)g->C, (long long)g->H, (long long)g->W, (long long)g->Ho,
                    (long long)g->Wo);
  return STN_OK;
}

extern "C" stn_status stn_sampler_forward_cuda(stn_ctx *ctx, const stn_sampler_geom *g, const stn_tensor *images,
                                               const stn_tensor *grid, stn_tensor *output) {
  int64_t P = g->Ho * g->Wo;
  if (g->B * g->C * P == 0) return STN_OK;
  STN_TRY(check_sizes("stn_sampler_forward", g));
  /* enough threads to fill the GPU: split the channels when B * P alone is too few */
  int64_t want = (int64_t)ctx->cuda->sm_count * 2048;
  int64_t nchunks = (want + g->B * P - 1) / (g->B * P);
  if (nchunks > g->C) nchunks = g->C;
  if (nchunks < 1) nchunks = 1;
  int64_t cchunk = (g->C + nchunks - 1) / nchunks;
  nchunks = (g->C + cchunk - 1) / cchunk;
  dim3 blocks = grid_2d(ctx, g->B * nchunks, P, SAMPLER_THREADS);
  STN_CUDA_CHECK(stn_launch_pdl(ctx, stn_sampler_channels_last(g) ? sampler_forward_kernel<true>
                                                                  : sampler_forward_kernel<false>,
                                blocks, SAMPLER_THREADS, 0, *g, (const float *)stn_data(images),
                                (const float *)stn_data(grid), stn_data(output), (int)cchunk, (int)nchunks));
  return STN_OK;
}

/* Sums the per-group partial grid gradients (groups x B x P x 2) in group order into ggrid. */
static stn_status grid_reduce(stn_ctx *ctx, const stn_sampler_geom *g, const float *partial, float *ggrid,
                              int groups) {
  STN_CUDA_CHECK(stn_launch_pdl(ctx, sampler_grid_reduce_kernel, grid_2d(ctx, g->B, g->Ho * g->Wo, SAMPLER_THREADS),
                                SAMPLER_THREADS, 0, *g, partial, ggrid, groups));
  return STN_OK;
}

/* Dynamic shared memory a backward block may take; the kernel is opted in to it once. */
static stn_status backward_smem_limit(stn_ctx *ctx, int64_t *limit) {
  static int optin = -1;
  if (optin < 0) {
    int v = 0;
    STN_CUDA_CHECK(cudaDeviceGetAttribute(&v, cudaDevAttrMaxSharedMemoryPerBlockOptin, ctx->cuda->device));
    v -= 1024; /* room for the kernel's static shared memory */
    STN_CUDA_CHECK(cudaFuncSetAttribute(sampler_backward_kernel<false, true>, cudaFuncAttributeMaxDynamicSharedMemorySize, v));
    STN_CUDA_CHECK(cudaFuncSetAttribute(sampler_backward_kernel<true, true>, cudaFuncAttributeMaxDynamicSharedMemorySize, v));
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
  STN_TRY(check_sizes("stn_sampler_backward", g));
  if (!gi) {
    dim3 blocks = grid_2d(ctx, g->B, P, SAMPLER_THREADS);
    STN_CUDA_CHECK(stn_launch_pdl(ctx, stn_sampler_channels_last(g) ? sampler_grid_grad_kernel<true>
                                                                    : sampler_grid_grad_kernel<false>,
                                  blocks, SAMPLER_THREADS, 0, *g, (const float *)stn_data(images),
                                  (const float *)stn_data(grid), (const float *)stn_data(grad_output), gg));
    return STN_OK;
  }

  int64_t limit = 0;
  STN_TRY(backward_smem_limit(ctx, &limit));
  int64_t per_channel = HW * (int64_t)sizeof(unsigned long long); /* low and high words */
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
    unsigned long long *acc = shared ? NULL : (unsigned long long *)stn_data(&gacc);
    const float *im = stn_data(images), *gr = stn_data(grid), *go = stn_data(grad_output);
    float *pa = stn_data(&partial);
    const int gs = (int)gsize, gn = (int)groups;
    const unsigned nb = (unsigned)blocks;
    void (*kernel)(stn_sampler_geom, const float *, const float *, const float *, float *, float *, float *,
                   unsigned long long *, int, int) =
        stn_sampler_channels_last(g)
            ? (shared ? sampler_backward_kernel<true, true> : sampler_backward_kernel<true, false>)
            : (shared ? sampler_backward_kernel<false, true> : sampler_backward_kernel<false, false>);
    const cudaError_t e = stn_launch_pdl(ctx, kernel, dim3(nb), dim3(SAMPLER_BWD_THREADS), smem, *g, im, gr, go, gi, gg,
                                         pa, acc, gs, gn);
    st = e == cudaSuccess ? STN_LAUNCH_STATUS()
                          : STN_FAIL(STN_ERR_CUDA, "%s: kernel launch failed: %s", __func__, cudaGetErrorString(e));
  }
  if (st == STN_OK && groups > 1) st = grid_reduce(ctx, g, stn_data(&partial), gg, (int)groups);
  /* stream-ordered reuse by the caching allocator: no need to wait before releasing */
  stn_tensor_release(&partial);
  stn_tensor_release(&gacc);
  return st;
}

