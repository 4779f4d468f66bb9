/* sampler.cuh: what the CUDA sampler backward kernels share (cuda/sampler.cu, one block
 * per image-gradient slice; cuda/sampler_split.cu, a cluster of blocks per slice): the
 * 64-bit fixed-point accumulators, the scale, the grid gradient's store. */
#ifndef STN_SAMPLER_CUH
#define STN_SAMPLER_CUH

#include "../core/common.cuh"

#include "spatial/sampler.h"

#include <float.h>

__device__ __forceinline__ void store_grid_grad(const stn_sampler_geom &g, float *gg, float sx, float sy) {
  int ix = g.grid_xy ? 0 : 1;
  gg[ix] = sx * stn_unnormalize_scale((int)g.W, g.align_corners);
  gg[1 - ix] = sy * stn_unnormalize_scale((int)g.H, g.align_corners);
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
 * added in group order later (stn_sampler_grid_reduce). */
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

/* acc[i] += t exactly. Shared memory (SHARED, or fixed_add_at on any shared address,
 * also another block's in a cluster): the 64-bit accumulator is a low word lo[i]
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
 * values a0..a3 weighed by d(value)/d(x) and d(value)/d(y). One expression for every
 * kernel, so that the compiler fuses its multiply-adds the same way in each and the
 * backward variants give the same bits. */
__device__ __forceinline__ void grid_terms(const stn_corners &c, float v, float a0, float a1, float a2, float a3,
                                           float &ax, float &ay) {
  ax += v * (c.dx[0] * a0 + c.dx[1] * a1 + c.dx[2] * a2 + c.dx[3] * a3);
  ay += v * (c.dy[0] * a0 + c.dy[1] * a1 + c.dy[2] * a2 + c.dy[3] * a3);
}

/* The fixed-point scale 2^k of a slice whose largest |gradOutput| is m, over P output
 * pixels: m * P * 2^k <= 2^62, so that no sum can overflow (a pixel's weights sum to at
 * most 1). */
__device__ __forceinline__ int fixed_scale(float m, int P) {
  int k = 0;
  if (m > 0.0f) {
    int e;
    frexp((double)m * (double)P, &e); /* m * P < 2^e */
    k = 62 - e;
  }
  return k;
}

/* The scale of a slice as two multiplications: up(v) = v * 2^k going in, down(x) =
 * x * 2^-k coming out, exactly what ldexpf(v, k) and (float)ldexp((double)x, -k) give,
 * without their library calls. fixed_scale of a finite float over at most 2^31 pixels
 * puts k in [-97, 211], so 2^k is a product of two normal floats and 2^-k a normal
 * double (and a sum times 2^-k never reaches double's denormals). */
struct fixed_scaler {
  float up1, up2;
  double down;
};

__device__ __forceinline__ fixed_scaler fixed_scaler_of(int k) {
  const int k1 = k < 127 ? k : 127;
  fixed_scaler s;
  s.up1 = __int_as_float((k1 + 127) << 23);
  s.up2 = __int_as_float((k - k1 + 127) << 23);
  s.down = __longlong_as_double((long long)(1023 - k) << 52);
  return s;
}

__device__ __forceinline__ float fixed_up(const fixed_scaler &s, float v) { return (v * s.up1) * s.up2; }

__device__ __forceinline__ float fixed_down(const fixed_scaler &s, long long x) { return (float)((double)x * s.down); }

/* One channel of a sample in a backward kernel: its share of the grid gradient (ax, ay)
 * and, unless bad, its four fixed-point image-gradient terms, each handed to
 * add(corner, term) (the slice and split kernels differ only in where a term goes). */
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

/* The split (cluster) backward, cuda/sampler_split.cu, over the slice kernel's channel
 * groups (groups of gsize channels per element): *done = 0 when it cannot run here (a
 * GPU before sm_90, an image too large for a cluster's shared memory), and the caller
 * then runs the slice kernel. */
stn_status stn_sampler_backward_split(stn_ctx *ctx, const stn_sampler_geom *g, const stn_tensor *images,
                                      const stn_tensor *grid, const stn_tensor *grad_output, stn_tensor *grad_images,
                                      stn_tensor *grad_grid, int64_t groups, int64_t gsize, int *done);
/* Sums the per-group partial grid gradients (groups x B x P x 2) in group order into ggrid. */
stn_status stn_sampler_grid_reduce(stn_ctx *ctx, const stn_sampler_geom *g, const float *partial, float *ggrid,
                                   int groups);

#endif /* STN_SAMPLER_CUH */
