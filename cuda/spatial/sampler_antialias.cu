/* sampler_antialias.cu: the CUDA twins of antialiased sampling (csrc/spatial/
 * sampler_antialias.h), Float, mirroring sampler_antialias_generic.h's float arithmetic:
 * coordinates, radii and tap weights in float (no multiply to fuse), sums in double.
 * One thread per output pixel; a pixel whose footprint is at most one pixel wide is left
 * to the plain sampler's kernels.
 *
 * The image gradient is deterministic without float atomics: every term is rounded once
 * to 64-bit fixed point (scale 2^k per batch element, with m * P * 2^k <= 2^62 for the
 * element's largest |gradOutput| m over its P output pixels: a pixel's weights sum to at
 * most 1, so no sum overflows) and added with integer atomics, whose order cannot change
 * the sum; a last pass adds the sums to the plain backward's gradient. A non-finite
 * gradOutput makes the element's image gradient NaN, as the plain backward does. */
#include "../core/common.cuh"

#include "spatial/sampler_antialias.h"

#include <float.h>
#include <limits.h>
#include <string.h>

#define AA_THREADS 256
#define AA_NONFINITE INT_MIN /* a batch element's scale when its gradOutput is not finite */

struct aa_axis {
  float u, s;
  int du; /* d(u)/d(pixel coordinate): 1, -1 (reflection folded it), 0 (clamped, not finite) */
  long long k0, k1;
  double z, dz;
};

__device__ __forceinline__ float aa_tent(float s, float d) { return s - fabsf(d); }

/* Reflection: u folded into [lo, lo + span], *du = d(fold)/du (the value depends on u
 * only through its fold). */
__device__ __forceinline__ float aa_fold(float u, int64_t size, int align, int &du) {
  const float lo = align ? 0.0f : -0.5f, span = align ? (float)(size - 1) : (float)size;
  if (span <= 0.0f) { /* one pixel, corners aligned: every tap reads it */
    du = 0;
    return 0.0f;
  }
  float y = u - lo;
  int s = 1;
  if (y < 0.0f) y = -y, s = -1;
  if (!(y < 2.0f * span)) y = fmodf(y, 2.0f * span);
  if (y > span) y = 2.0f * span - y, s = -s;
  du = s;
  return y + lo;
}

__device__ __forceinline__ void aa_axis_finish(aa_axis &a, float u, int64_t size, int padding, int align) {
  if (padding == STN_PADDING_REFLECTION) {
    if (u - u == 0.0f) u = aa_fold(u, size, align, a.du);
    else u = 0.0f, a.du = 0; /* NaN, +-Inf: the first pixel */
  } else {
    const float lo = -a.s - 1.0f, hi = (float)size + a.s;
    a.du = 1;
    if (!(u >= lo)) u = lo, a.du = 0;
    if (u > hi) u = hi, a.du = 0;
  }
  a.u = u;
  a.k0 = (long long)floorf(u - a.s) + 1;
  a.k1 = (long long)ceilf(u + a.s) - 1;
  a.z = 0.0, a.dz = 0.0;
  for (long long k = a.k0; k <= a.k1; k++) {
    const float d = (float)k - u;
    a.z += aa_tent(a.s, d);
    a.dz += d > 0.0f ? 1.0 : (d < 0.0f ? -1.0 : 0.0);
  }
}

__device__ __forceinline__ float aa_radius(float dj, float di, int64_t size) {
  float s = fabsf(dj) + fabsf(di);
  if (!(s <= (float)size)) s = (float)size;
  if (s <= 1.0f + __fmul_rn((float)size, 9.5367431640625e-07f)) s = 1.0f;
  return s;
}

__device__ __forceinline__ float aa_px(const stn_sampler_geom &g, const float *gb, int64_t i, int64_t j, int slot,
                                       int64_t size) {
  return stn_grid_to_pixel(gb[2 * (i * g.Wo + j) + slot], (int)size, g.desc.align_corners);
}

__device__ bool aa_footprint(const stn_sampler_geom &g, const float *gb, int64_t i, int64_t j, aa_axis &ax, aa_axis &ay) {
  const int xs = stn_grid_x_slot(g.desc.grid_order), ys = 1 - xs;
  const int64_t j0 = j > 0 ? j - 1 : j, j1 = j < g.Wo - 1 ? j + 1 : j;
  const int64_t i0 = i > 0 ? i - 1 : i, i1 = i < g.Ho - 1 ? i + 1 : i;
  const float hj = j1 - j0 == 2 ? 0.5f : 1.0f, hi = i1 - i0 == 2 ? 0.5f : 1.0f;
  const float dxj = __fmul_rn(aa_px(g, gb, i, j1, xs, g.W) - aa_px(g, gb, i, j0, xs, g.W), hj);
  const float dyj = __fmul_rn(aa_px(g, gb, i, j1, ys, g.H) - aa_px(g, gb, i, j0, ys, g.H), hj);
  const float dxi = __fmul_rn(aa_px(g, gb, i1, j, xs, g.W) - aa_px(g, gb, i0, j, xs, g.W), hi);
  const float dyi = __fmul_rn(aa_px(g, gb, i1, j, ys, g.H) - aa_px(g, gb, i0, j, ys, g.H), hi);
  ax.s = aa_radius(dxj, dxi, g.W);
  ay.s = aa_radius(dyj, dyi, g.H);
  if (!(ax.s > 1.0f || ay.s > 1.0f)) return false;
  aa_axis_finish(ax, aa_px(g, gb, i, j, xs, g.W), g.W, g.desc.padding, g.desc.align_corners);
  aa_axis_finish(ay, aa_px(g, gb, i, j, ys, g.H), g.H, g.desc.padding, g.desc.align_corners);
  return true;
}

__device__ __forceinline__ void aa_range(const aa_axis &a, int64_t size, int padding, int64_t &lo, int64_t &hi) {
  lo = a.k0, hi = a.k1;
  if (padding == STN_PADDING_ZEROS) {
    if (lo < 0) lo = 0;
    if (hi > size - 1) hi = size - 1;
  }
}

/* The pixel tap k reads: clamped (border; zeros: already inside) or reflected. */
__device__ __forceinline__ int64_t aa_tap_pixel(int64_t k, int64_t size, int padding, int align) {
  if (padding != STN_PADDING_REFLECTION) return k < 0 ? 0 : (k > size - 1 ? size - 1 : k);
  if (k >= 0 && k < size) return k; /* inside: no division */
  const int64_t period = align ? 2 * (size - 1) : 2 * size;
  if (period == 0) return 0;
  int64_t m = k % period;
  if (m < 0) m += period;
  return m < size ? m : period - m - (align ? 0 : 1);
}

/* One channel: the value and (d given) d(value)/d(ux, uy) with the footprint fixed. */
__device__ double aa_value(const stn_sampler_geom &g, const float *ic, const aa_axis &ax, const aa_axis &ay, double *d) {
  const int padding = g.desc.padding, align = g.desc.align_corners;
  int64_t x0, x1, y0, y1;
  aa_range(ax, g.W, padding, x0, x1);
  aa_range(ay, g.H, padding, y0, y1);
  double num = 0.0, dnx = 0.0, dny = 0.0;
  for (int64_t ky = y0; ky <= y1; ky++) {
    const float dy = (float)ky - ay.u, ty = aa_tent(ay.s, dy);
    const float *row = ic + aa_tap_pixel(ky, g.H, padding, align) * g.img_y;
    double r = 0.0, rd = 0.0;
    for (int64_t kx = x0; kx <= x1; kx++) {
      const float dx = (float)kx - ax.u, tx = aa_tent(ax.s, dx);
      const double a = row[aa_tap_pixel(kx, g.W, padding, align) * g.img_x];
      r += (double)tx * a;
      rd += dx > 0.0f ? a : (dx < 0.0f ? -a : 0.0);
    }
    num += (double)ty * r;
    dnx += (double)ty * rd;
    dny += dy > 0.0f ? r : (dy < 0.0f ? -r : 0.0);
  }
  const double zz = ax.z * ay.z, v = num / zz;
  if (d) {
    d[0] = dnx / zz - v * ax.dz / ax.z;
    d[1] = dny / zz - v * ay.dz / ay.z;
  }
  return v;
}

__global__ void aa_forward_kernel(stn_sampler_geom g, const float *__restrict__ img, const float *__restrict__ grid,
                                  float *__restrict__ out) {
  const int64_t P = g.Ho * g.Wo, n = g.B * P;
  for (int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; t < n; t += (int64_t)gridDim.x * blockDim.x) {
    const int64_t b = t / P, p = t % P;
    aa_axis ax, ay;
    if (!aa_footprint(g, grid + 2 * b * P, p / g.Wo, p % g.Wo, ax, ay)) continue;
    float *o = out + b * g.out_b + p * g.out_p;
    for (int64_t ch = 0; ch < g.C; ch++)
      o[ch * g.out_c] = (float)aa_value(g, img + b * g.img_b + ch * g.img_c, ax, ay, NULL);
  }
}

__global__ void aa_mask_kernel(stn_sampler_geom g, const float *__restrict__ grid, float *__restrict__ go) {
  const int64_t P = g.Ho * g.Wo, n = g.B * P;
  for (int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; t < n; t += (int64_t)gridDim.x * blockDim.x) {
    const int64_t b = t / P, p = t % P;
    aa_axis ax, ay;
    if (!aa_footprint(g, grid + 2 * b * P, p / g.Wo, p % g.Wo, ax, ay)) continue;
    float *o = go + b * g.out_b + p * g.out_p;
    for (int64_t ch = 0; ch < g.C; ch++) o[ch * g.out_c] = 0.0f;
  }
}

/* Per batch element: the fixed-point exponent k (m * P * 2^k <= 2^62), or AA_NONFINITE. */
__global__ void aa_scale_kernel(stn_sampler_geom g, const float *__restrict__ go, int *__restrict__ scale) {
  __shared__ float smax[AA_THREADS];
  __shared__ int sbad[AA_THREADS];
  const int64_t P = g.Ho * g.Wo;
  for (int64_t b = blockIdx.x; b < g.B; b += gridDim.x) {
    float m = 0.0f;
    int bad = 0;
    for (int64_t e = threadIdx.x; e < g.out_b; e += blockDim.x) {
      const float a = fabsf(go[b * g.out_b + e]);
      if (!(a <= FLT_MAX)) bad = 1;
      else m = fmaxf(m, a);
    }
    smax[threadIdx.x] = m;
    sbad[threadIdx.x] = bad;
    __syncthreads();
    for (int w = AA_THREADS / 2; w > 0; w >>= 1) {
      if ((int)threadIdx.x < w) {
        smax[threadIdx.x] = fmaxf(smax[threadIdx.x], smax[threadIdx.x + w]);
        sbad[threadIdx.x] |= sbad[threadIdx.x + w];
      }
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      int k = 0;
      if (sbad[0]) {
        k = AA_NONFINITE;
      } else if (smax[0] > 0.0f) {
        int e;
        frexp((double)smax[0] * (double)P, &e); /* m * P < 2^e */
        k = 62 - e;
      }
      scale[b] = k;
    }
    __syncthreads();
  }
}

__global__ void aa_backward_kernel(stn_sampler_geom g, const float *__restrict__ img, const float *__restrict__ grid,
                                   const float *__restrict__ go, const int *__restrict__ scale,
                                   unsigned long long *__restrict__ acc, float *__restrict__ gg) {
  const int64_t P = g.Ho * g.Wo, n = g.B * P;
  const int xs = stn_grid_x_slot(g.desc.grid_order);
  const int padding = g.desc.padding, align = g.desc.align_corners;
  const double scale_x = align ? (double)(g.W - 1) * 0.5 : (double)g.W * 0.5;
  const double scale_y = align ? (double)(g.H - 1) * 0.5 : (double)g.H * 0.5;
  for (int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; t < n; t += (int64_t)gridDim.x * blockDim.x) {
    const int64_t b = t / P, p = t % P;
    aa_axis ax, ay;
    if (!aa_footprint(g, grid + 2 * b * P, p / g.Wo, p % g.Wo, ax, ay)) continue;
    const float *gop = go + b * g.out_b + p * g.out_p;
    int64_t x0, x1, y0, y1;
    aa_range(ax, g.W, padding, x0, x1);
    aa_range(ay, g.H, padding, y0, y1);
    const double zz = ax.z * ay.z;
    const int k = acc ? scale[b] : AA_NONFINITE;
    double sx = 0.0, sy = 0.0;
    for (int64_t ch = 0; ch < g.C; ch++) {
      const double v = gop[ch * g.out_c];
      const int64_t co = b * g.img_b + ch * g.img_c;
      double d[2];
      aa_value(g, img + co, ax, ay, d);
      sx += v * d[0], sy += v * d[1];
      if (k == AA_NONFINITE || v == 0.0) continue;
      const double vz = ldexp(v / zz, k);
      for (int64_t ky = y0; ky <= y1; ky++) {
        const double vy = vz * (double)aa_tent(ay.s, (float)ky - ay.u);
        const int64_t row = co + aa_tap_pixel(ky, g.H, padding, align) * g.img_y;
        for (int64_t kx = x0; kx <= x1; kx++) {
          const long long term = __double2ll_rn(vy * (double)aa_tent(ax.s, (float)kx - ax.u));
          atomicAdd(acc + row + aa_tap_pixel(kx, g.W, padding, align) * g.img_x, (unsigned long long)term);
        }
      }
    }
    float *ggp = gg + 2 * (b * P + p);
    ggp[xs] = ax.du ? (float)(ax.du * sx * scale_x) : 0.0f;
    ggp[1 - xs] = ay.du ? (float)(ay.du * sy * scale_y) : 0.0f;
  }
}

/* grad_images += the fixed-point sums, scaled back. */
__global__ void aa_finish_kernel(stn_sampler_geom g, const int *__restrict__ scale,
                                 const unsigned long long *__restrict__ acc, float *__restrict__ gi) {
  const int64_t n = g.B * g.img_b;
  for (int64_t e = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; e < n; e += (int64_t)gridDim.x * blockDim.x) {
    const int k = scale[e / g.img_b];
    if (k == AA_NONFINITE) {
      gi[e] = __int_as_float(0x7fc00000);
    } else if (acc[e] != 0ull) {
      gi[e] += (float)ldexp((double)(long long)acc[e], -k);
    }
  }
}

extern "C" stn_status stn_sampler_antialias_forward_cuda(stn_ctx *ctx, const stn_sampler_geom *g,
                                                         const stn_tensor *images, const stn_tensor *grid,
                                                         stn_tensor *output) {
  const int64_t n = g->B * g->Ho * g->Wo;
  aa_forward_kernel<<<stn_blocks(ctx, n, AA_THREADS), AA_THREADS, 0, stn_stream(ctx)>>>(
      *g, (const float *)stn_data(images), (const float *)stn_data(grid), stn_data(output));
  STN_LAUNCH_CHECK();
  return STN_OK;
}

extern "C" stn_status stn_sampler_antialias_mask_cuda(stn_ctx *ctx, const stn_sampler_geom *g, const stn_tensor *grid,
                                                      stn_tensor *grad_output) {
  const int64_t n = g->B * g->Ho * g->Wo;
  aa_mask_kernel<<<stn_blocks(ctx, n, AA_THREADS), AA_THREADS, 0, stn_stream(ctx)>>>(
      *g, (const float *)stn_data(grid), stn_data(grad_output));
  STN_LAUNCH_CHECK();
  return STN_OK;
}

extern "C" stn_status stn_sampler_antialias_backward_cuda(stn_ctx *ctx, const stn_sampler_geom *g,
                                                          const stn_tensor *images, const stn_tensor *grid,
                                                          const stn_tensor *grad_output, stn_tensor *grad_images,
                                                          stn_tensor *grad_grid) {
  cudaStream_t stream = stn_stream(ctx);
  const int64_t n = g->B * g->Ho * g->Wo, ni = g->B * g->img_b;
  stn_tensor accs, scales;
  memset(&accs, 0, sizeof accs);
  memset(&scales, 0, sizeof scales);
  stn_status st = STN_OK;
  if (grad_images) {
    int64_t na = 2 * ni, nb = g->B; /* int64 accumulators and int exponents, counted in floats */
    st = stn_tensor_new(ctx, &accs, STN_CUDA, 1, &na);
    if (st == STN_OK) st = stn_tensor_new(ctx, &scales, STN_CUDA, 1, &nb);
    if (st == STN_OK && cudaMemsetAsync(stn_data(&accs), 0, (size_t)ni * sizeof(unsigned long long), stream) != cudaSuccess)
      st = STN_FAIL(STN_ERR_CUDA, "%s: cudaMemsetAsync failed", __func__);
  }
  unsigned long long *acc = grad_images ? (unsigned long long *)stn_data(&accs) : NULL;
  int *scale = grad_images ? (int *)stn_data(&scales) : NULL;
  const float *go = stn_data(grad_output);
  if (st == STN_OK && grad_images) {
    const int nbk = g->B < 65535 ? (int)g->B : 65535;
    aa_scale_kernel<<<nbk, AA_THREADS, 0, stream>>>(*g, go, scale);
    st = STN_LAUNCH_STATUS();
  }
  if (st == STN_OK) {
    aa_backward_kernel<<<stn_blocks(ctx, n, AA_THREADS), AA_THREADS, 0, stream>>>(
        *g, (const float *)stn_data(images), (const float *)stn_data(grid), go, scale, acc, stn_data(grad_grid));
    st = STN_LAUNCH_STATUS();
  }
  if (st == STN_OK && grad_images) {
    aa_finish_kernel<<<stn_blocks(ctx, ni, AA_THREADS), AA_THREADS, 0, stream>>>(*g, scale, acc, stn_data(grad_images));
    st = STN_LAUNCH_STATUS();
  }
  /* stream-ordered reuse by the caching allocator: no need to wait before releasing */
  stn_tensor_release(&accs);
  stn_tensor_release(&scales);
  return st;
}
