/* sampler_modes.cu: the CUDA twins of csrc/spatial/sampler_modes.c: the nearest and
 * bicubic modes and reflection padding (stn_sampler_modes_forward_cuda,
 * stn_sampler_modes_backward_cuda), with the per-axis arithmetic of
 * csrc/spatial/sampler_taps_generic.h instantiated for float, the loops mirroring
 * csrc/spatial/sampler_modes_generic.h.
 *
 * The image gradient is deterministic without float atomics, by sampler.cu's scheme: it
 * is accumulated in 64-bit fixed point (integer addition is associative, so the order of
 * the atomics cannot change the sum). Each batch element gets its scale 2^k from
 * m = max |grad_output| over the element: m * P * 2^k <= 2^60 (P output pixels; the
 * weights of one sample sum in absolute value to at most 1.42 for bicubic, 1 otherwise,
 * so no sum can overflow). Each term is rounded to an integer once, an absolute error of
 * 2^-k ~ m * P * 2^-60. A non-finite grad_output makes the element's image gradient NaN.
 * Plain launches, 64-bit offsets: these kernels are simple rather than tuned. */
#include "../core/common.cuh"

#include "spatial/sampler_modes.h"

#include <float.h>
#include <string.h>

#define scalar_t float
#define STN_T(name) name##_f
#include "spatial/sampler_taps_generic.h"
#undef scalar_t
#undef STN_T

#define MODES_THREADS 256
#define MODES_GRID_Y_MAX 65535

__device__ __forceinline__ void sample_taps(const stn_sampler_geom &g, const float *__restrict__ grid, int64_t t,
                                            taps_f &tx, taps_f &ty) {
  const int xs = stn_grid_x_slot(g.desc.grid_order), align = g.desc.align_corners;
  const int pad = g.desc.padding, mode = g.desc.mode;
  tx = taps_of_f(__ldg(grid + 2 * t + xs), (int)g.W, align, pad, mode);
  ty = taps_of_f(__ldg(grid + 2 * t + 1 - xs), (int)g.H, align, pad, mode);
}

/* One thread per sample (y: batch elements, x: pixels), every channel. */
__global__ void modes_forward_kernel(stn_sampler_geom g, const float *__restrict__ img, const float *__restrict__ grid,
                                     float *__restrict__ out) {
  const int64_t P = g.Ho * g.Wo;
  for (int64_t b = blockIdx.y; b < g.B; b += gridDim.y) {
    for (int64_t p = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; p < P; p += (int64_t)gridDim.x * blockDim.x) {
      taps_f tx, ty;
      sample_taps(g, grid, b * P + p, tx, ty);
      int64_t ox[4], oy[4];
      for (int k = 0; k < 4; k++) ox[k] = tx.i[k] * g.img_x, oy[k] = ty.i[k] * g.img_y;
      const float *ib = img + b * g.img_b;
      float *o = out + b * g.out_b + p * g.out_p;
      for (int64_t ch = 0; ch < g.C; ch++) {
        const float *ic = ib + ch * g.img_c;
        float s = 0.0f;
        for (int j = 0; j < ty.n; j++) {
          const float *row = ic + oy[j];
          float r = 0.0f;
          for (int i = 0; i < tx.n; i++) r += tx.w[i] * __ldg(row + ox[i]);
          s += ty.w[j] * r;
        }
        o[ch * g.out_c] = s;
      }
    }
  }
}

/* The grid gradient, one thread per sample, channels in order (not used for nearest,
 * whose grid gradient is 0). */
__global__ void modes_grid_grad_kernel(stn_sampler_geom g, const float *__restrict__ img,
                                       const float *__restrict__ grid, const float *__restrict__ go,
                                       float *__restrict__ gg) {
  const int64_t P = g.Ho * g.Wo;
  const int xs = stn_grid_x_slot(g.desc.grid_order);
  const float scale_x = pixel_scale_of_f((int)g.W, g.desc.align_corners);
  const float scale_y = pixel_scale_of_f((int)g.H, g.desc.align_corners);
  for (int64_t b = blockIdx.y; b < g.B; b += gridDim.y) {
    for (int64_t p = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; p < P; p += (int64_t)gridDim.x * blockDim.x) {
      const int64_t t = b * P + p;
      taps_f tx, ty;
      sample_taps(g, grid, t, tx, ty);
      int64_t ox[4], oy[4];
      for (int k = 0; k < 4; k++) ox[k] = tx.i[k] * g.img_x, oy[k] = ty.i[k] * g.img_y;
      const float *ib = img + b * g.img_b, *gop = go + b * g.out_b + p * g.out_p;
      float ax = 0.0f, ay = 0.0f;
      for (int64_t ch = 0; ch < g.C; ch++) {
        const float *ic = ib + ch * g.img_c;
        const float v = __ldg(gop + ch * g.out_c);
        float sx = 0.0f, sy = 0.0f;
        for (int j = 0; j < ty.n; j++) {
          const float *row = ic + oy[j];
          float r = 0.0f, rd = 0.0f;
          for (int i = 0; i < tx.n; i++) {
            const float a = __ldg(row + ox[i]);
            r += tx.w[i] * a;
            rd += tx.d[i] * a;
          }
          sx += ty.w[j] * rd;
          sy += ty.d[j] * r;
        }
        ax += v * sx;
        ay += v * sy;
      }
      gg[2 * t + xs] = ax * scale_x;
      gg[2 * t + 1 - xs] = ay * scale_y;
    }
  }
}

/* ------------------------------------------------------------------ image gradient, fixed point */

/* Per batch element b (one block each): scale[2b] = k, scale[2b + 1] = 1 when some
 * grad_output value of b is not finite. m * P * 2^k <= 2^60 with m = max |grad_output|. */
__global__ void modes_scale_kernel(stn_sampler_geom g, const float *__restrict__ go, int *__restrict__ scale) {
  __shared__ float wmax[MODES_THREADS / 32];
  const int64_t P = g.Ho * g.Wo, n = g.C * P;
  for (int64_t b = blockIdx.x; b < g.B; b += gridDim.x) {
    const float *s = go + b * g.out_b;
    float m = 0.0f;
    int bad = 0;
    for (int64_t e = threadIdx.x; e < n; e += blockDim.x) {
      const float v = fabsf(__ldg(s + e));
      if (!(v <= FLT_MAX)) bad = 1;
      else m = fmaxf(m, v);
    }
    for (int off = 16; off > 0; off /= 2) m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, off));
    if ((threadIdx.x & 31) == 0) wmax[threadIdx.x / 32] = m;
    bad = __syncthreads_or(bad);
    if (threadIdx.x == 0) {
      m = 0.0f;
      for (int w = 0; w < (int)blockDim.x / 32; w++) m = fmaxf(m, wmax[w]);
      int k = 0;
      if (m > 0.0f) {
        int e;
        frexp((double)m * (double)P, &e); /* m * P < 2^e */
        k = 60 - e;
      }
      scale[2 * b] = k;
      scale[2 * b + 1] = bad;
    }
    __syncthreads(); /* wmax is reused by the next element */
  }
}

/* v * 2^k for k in [-99, 208] (what a finite m over at most 2^31 pixels gives): two
 * multiplications by normal floats. */
__device__ __forceinline__ float modes_fixed_up(float v, int k) {
  const int k1 = k < 127 ? k : 127;
  return (v * __int_as_float((k1 + 127) << 23)) * __int_as_float((k - k1 + 127) << 23);
}

/* Every sample's terms added to its taps' accumulators (64-bit integer atomics). */
__global__ void modes_scatter_kernel(stn_sampler_geom g, const float *__restrict__ grid, const float *__restrict__ go,
                                     const int *__restrict__ scale, unsigned long long *__restrict__ acc) {
  const int64_t P = g.Ho * g.Wo;
  for (int64_t b = blockIdx.y; b < g.B; b += gridDim.y) {
    const int k = scale[2 * b];
    if (scale[2 * b + 1]) continue; /* NaN, written by the finishing kernel */
    for (int64_t p = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; p < P; p += (int64_t)gridDim.x * blockDim.x) {
      taps_f tx, ty;
      sample_taps(g, grid, b * P + p, tx, ty);
      const float *gop = go + b * g.out_b + p * g.out_p;
      unsigned long long *ab = acc + b * g.img_b;
      for (int64_t ch = 0; ch < g.C; ch++) {
        const float vs = modes_fixed_up(__ldg(gop + ch * g.out_c), k);
        unsigned long long *ac = ab + ch * g.img_c;
        for (int j = 0; j < ty.n; j++) {
          const float vy = ty.w[j] * vs;
          unsigned long long *row = ac + ty.i[j] * g.img_y;
          for (int i = 0; i < tx.n; i++) {
            const float w = tx.w[i] * vy;
            if (w != 0.0f) atomicAdd(row + tx.i[i] * g.img_x, (unsigned long long)__float2ll_rn(w));
          }
        }
      }
    }
  }
}

/* Fixed point -> float: gi = acc * 2^-k of its batch element (NaN when it was bad). */
__global__ void modes_finish_kernel(stn_sampler_geom g, const unsigned long long *__restrict__ acc,
                                    const int *__restrict__ scale, float *__restrict__ gi) {
  const int64_t n = g.B * g.img_b;
  const float nan = __int_as_float(0x7fc00000);
  for (int64_t e = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; e < n; e += (int64_t)gridDim.x * blockDim.x) {
    const int64_t b = e / g.img_b;
    const int k = scale[2 * b];
    const double down = __longlong_as_double((long long)(1023 - k) << 52);
    gi[e] = scale[2 * b + 1] ? nan : (float)((double)(long long)acc[e] * down);
  }
}

/* ------------------------------------------------------------------ launchers */

/* y: batch elements (the kernels stride), x: enough blocks for the pixels, at most about
 * 32 per SM in all. */
static dim3 modes_grid(stn_ctx *ctx, int64_t B, int64_t P) {
  int64_t y = B < MODES_GRID_Y_MAX ? B : MODES_GRID_Y_MAX, want = (int64_t)ctx->cuda->sm_count * 32;
  int64_t x = (P + MODES_THREADS - 1) / MODES_THREADS, cap = (want + y - 1) / y;
  if (x > cap) x = cap;
  return dim3((unsigned)(x < 1 ? 1 : x), (unsigned)(y < 1 ? 1 : y), 1);
}

static dim3 modes_grid_1d(stn_ctx *ctx, int64_t n) {
  int64_t x = (n + MODES_THREADS - 1) / MODES_THREADS, cap = (int64_t)ctx->cuda->sm_count * 32;
  if (x > cap) x = cap;
  return dim3((unsigned)(x < 1 ? 1 : x), 1, 1);
}

extern "C" stn_status stn_sampler_modes_forward_cuda(stn_ctx *ctx, const stn_sampler_geom *g,
                                                     const stn_tensor *images, const stn_tensor *grid,
                                                     stn_tensor *output) {
  const int64_t P = g->Ho * g->Wo;
  if (g->B * g->C * P == 0) return STN_OK;
  modes_forward_kernel<<<modes_grid(ctx, g->B, P), MODES_THREADS, 0, stn_stream(ctx)>>>(
      *g, (const float *)stn_data(images), (const float *)stn_data(grid), stn_data(output));
  STN_LAUNCH_CHECK();
  return STN_OK;
}

extern "C" stn_status stn_sampler_modes_backward_cuda(stn_ctx *ctx, const stn_sampler_geom *g,
                                                      const stn_tensor *images, const stn_tensor *grid,
                                                      const stn_tensor *grad_output, stn_tensor *grad_images,
                                                      stn_tensor *grad_grid) {
  cudaStream_t stream = stn_stream(ctx);
  const int64_t P = g->Ho * g->Wo, ni = g->B * g->img_b;
  float *gg = stn_data(grad_grid), *gi = grad_images ? stn_data(grad_images) : NULL;
  const float *im = stn_data(images), *gr = stn_data(grid), *go = stn_data(grad_output);
  if (g->B * P > 0) {
    if (g->desc.mode == STN_SAMPLER_NEAREST || g->C == 0) {
      STN_CUDA_CHECK(cudaMemsetAsync(gg, 0, (size_t)(g->B * P * 2) * sizeof(float), stream));
    } else {
      modes_grid_grad_kernel<<<modes_grid(ctx, g->B, P), MODES_THREADS, 0, stream>>>(*g, im, gr, go, gg);
      STN_LAUNCH_CHECK();
    }
  }
  if (!gi || ni == 0) return STN_OK;
  if (P == 0) {
    STN_CUDA_CHECK(cudaMemsetAsync(gi, 0, (size_t)ni * sizeof(float), stream));
    return STN_OK;
  }
  stn_tensor acc, scale;
  memset(&acc, 0, sizeof acc);
  memset(&scale, 0, sizeof scale);
  int64_t nacc = ni * 2, nscale = g->B * 2; /* in floats: int64 accumulators, two ints per element */
  stn_status st = stn_tensor_new(ctx, &acc, STN_CUDA, 1, &nacc);
  if (st == STN_OK) st = stn_tensor_new(ctx, &scale, STN_CUDA, 1, &nscale);
  if (st == STN_OK) {
    unsigned long long *a = (unsigned long long *)stn_data(&acc);
    int *sc = (int *)stn_data(&scale);
    const cudaError_t e = cudaMemsetAsync(a, 0, (size_t)ni * sizeof(unsigned long long), stream);
    if (e != cudaSuccess) {
      st = STN_FAIL(STN_ERR_CUDA, "%s: cudaMemsetAsync failed: %s", __func__, cudaGetErrorString(e));
    } else {
      const int64_t nb = g->B < MODES_GRID_Y_MAX ? g->B : MODES_GRID_Y_MAX;
      modes_scale_kernel<<<(unsigned)nb, MODES_THREADS, 0, stream>>>(*g, go, sc);
      st = STN_LAUNCH_STATUS();
      if (st == STN_OK) {
        modes_scatter_kernel<<<modes_grid(ctx, g->B, P), MODES_THREADS, 0, stream>>>(*g, gr, go, sc, a);
        st = STN_LAUNCH_STATUS();
      }
      if (st == STN_OK) {
        modes_finish_kernel<<<modes_grid_1d(ctx, ni), MODES_THREADS, 0, stream>>>(*g, a, sc, gi);
        st = STN_LAUNCH_STATUS();
      }
    }
  }
  /* stream-ordered reuse by the caching allocator: no need to wait before releasing */
  stn_tensor_release(&acc);
  stn_tensor_release(&scale);
  return st;
}
