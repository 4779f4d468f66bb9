/* sampler_bicubic.c: the bicubic sampler's Float loops on contiguous BCHW images, every
 * padding (sampler_bicubic.h). The output pixels are taken in chunks: a chunk's taps (per
 * sample 16 pixel offsets, the 4 + 4 weights along x and y and their derivatives) are
 * computed once, vectorized over its samples, then every channel reads them: the forward
 * and the grid gradient vectorized over samples (gathers), the image gradient as a
 * scatter in sample order. Each element gets the generic loops' operations in their order
 * (sampler_modes_generic.h, sampler_taps_generic.h: the same weight formulas, tap order,
 * sum order; the grid gradient's sums in double): the same bits, on every path of
 * core/cpu_paths.h (no FMA; the vectorization is across samples only). Every output and
 * gradient element is written by one task in a fixed order, whatever the thread count. */
#include "sampler_bicubic.h"

#include "core/context.h"
#include "core/cpu_paths.h"

#include <math.h>
#include <string.h>

/* The taps' formulas in float (cubic_near_float, taps_of_float, ...). */
#define STN_GENERIC_FILE "spatial/sampler_taps_generic.h"
#define STN_GI_TYPE float
#define STN_GI_SUFFIX float
#define STN_GI_CODE 0
#define STN_GI_FLOATING 1
#include "core/generic_instance.h"
#undef STN_GENERIC_FILE

#define BC_INLINE static inline __attribute__((always_inline))

/* Samples per chunk: its taps (8 KiB) stay in L1 while every channel reads them. */
#define BC_N 64
/* Channels per image-gradient task (as the generic loops group them). */
#define BC_GROUP 16
/* Reflected taps of coordinates beyond this go through the scalar reflection (fmod). */
#define BC_FAR 4194304.0f

typedef struct bc_chunk {
  _Alignas(64) int32_t o[16][BC_N]; /* tap 4 j + i: row y_j, column x_i, as y_j * W + x_i */
  _Alignas(64) float wx[4][BC_N];   /* weights along x (0 for a tap outside: zeros padding) */
  _Alignas(64) float wy[4][BC_N];
  _Alignas(64) float dx[4][BC_N]; /* their derivatives with respect to the pixel coordinate */
  _Alignas(64) float dy[4][BC_N];
} bc_chunk;

/* The reflected pixel of integer coordinate c (|c| below about BC_FAR): the value
 * reflect_float gives for it, in integers. span: align ? size - 1 : size (> 0); q: align
 * ? 0 : 1 (the borders lie half a pixel out). */
BC_INLINE int32_t reflect_index(int32_t c, int32_t span, int32_t q) {
  const int32_t period = 2 * span, a = c < 0 ? -c - q : c;
  int32_t m = a - (int32_t)((float)a / (float)period) * period; /* a mod period, off by one period at most */
  m = m < 0 ? m + period : m;
  m = m >= period ? m - period : m;
  return m >= span ? period - q - m : m;
}

BC_INLINE int32_t min_i32(int32_t a, int32_t b) { return a < b ? a : b; }

/* One axis of the n samples v[0..n): taps_of_float's (sampler_taps_generic.h) indices,
 * weights and derivatives, tap k of sample p at [k][p]. Inlined with a constant padding. */
BC_INLINE void axis_taps(const float *restrict v, int n, int size, int align, const int pad, int32_t (*restrict idx)[BC_N],
                         float (*restrict w)[BC_N], float (*restrict d)[BC_N]) {
  const int reflection = pad == STN_PADDING_REFLECTION;
  const float lo = -3.0f, hi = (float)size + 2;
  const int32_t last = size - 1, span = align ? size - 1 : size, q = align ? 0 : 1;
  const int32_t rspan = span > 0 ? span : 1; /* one aligned pixel: every tap reads it (min with last) */
  const float scale = pixel_scale_of_float(size, align), shift = align ? 0.0f : 0.5f;
  int far = 0;
#pragma omp simd reduction(| : far)
  for (int p = 0; p < n; p++) {
    float u = (v[p] + 1) * scale - shift, ok; /* to_pixel_float, its map hoisted */
    if (reflection) {
      ok = u - u == 0 ? 1.0f : 0.0f; /* not finite: reads as 0, no derivative */
      u = ok != 0 ? u : 0.0f;
    } else { /* not finite or far off: clamped 3 pixels out, no derivative */
      const int below = !(u >= lo), above = u > hi;
      ok = below | above ? 0.0f : 1.0f;
      u = below ? lo : (above ? hi : u);
    }
    const float f = floorf(u), x = u - f;
    float wk[4], dk[4];
    wk[0] = cubic_far_float(x + 1);
    wk[1] = cubic_near_float(x);
    wk[2] = cubic_near_float(1 - x);
    wk[3] = cubic_far_float(2 - x);
    dk[0] = ok * cubic_far_d_float(x + 1);
    dk[1] = ok * cubic_near_d_float(x);
    dk[2] = -ok * cubic_near_d_float(1 - x);
    dk[3] = -ok * cubic_far_d_float(2 - x);
    const int big = reflection && !(fabsf(f) <= BC_FAR);
    far |= big;
    const int32_t fi = (int32_t)(big ? 0.0f : f);
    for (int k = 0; k < 4; k++) {
      const int32_t c = fi - 1 + k;
      if (pad == STN_PADDING_ZEROS) {
        const int inside = (c >= 0) & (c <= last);
        idx[k][p] = inside ? c : 0;
        w[k][p] = inside ? wk[k] : 0.0f;
        d[k][p] = inside ? dk[k] : 0.0f;
      } else {
        if (pad == STN_PADDING_BORDER) idx[k][p] = c < 0 ? 0 : (c > last ? last : c);
        else idx[k][p] = min_i32(reflect_index(c, rspan, q), last);
        w[k][p] = wk[k];
        d[k][p] = dk[k];
      }
    }
  }
  if (far) /* reflected coordinates beyond BC_FAR: the scalar taps (fmod) */
    for (int p = 0; p < n; p++) {
      const float u = to_pixel_float(v[p], size, align);
      if (!(u - u == 0) || fabsf(floorf(u)) <= BC_FAR) continue;
      const taps_float t = taps_of_float(v[p], size, align, pad, STN_SAMPLER_BICUBIC);
      for (int k = 0; k < 4; k++) idx[k][p] = t.i[k], w[k][p] = t.w[k], d[k][p] = t.d[k];
    }
}

/* The taps of output pixels [p0, p0 + n) of batch element b (n <= BC_N). */
BC_INLINE void chunk_taps(const stn_sampler_geom *g, const float *grid, int64_t b, int64_t p0, int n, bc_chunk *restrict tc,
                          const int pad) {
  const float *gp = grid + (b * g->Ho * g->Wo + p0) * 2;
  const int xs = stn_grid_x_slot(g->desc.grid_order), align = g->desc.align_corners;
  const int32_t W = (int32_t)g->W;
  _Alignas(64) float vx[BC_N], vy[BC_N];
  _Alignas(64) int32_t ix[4][BC_N], iy[4][BC_N];
  for (int p = 0; p < n; p++) vx[p] = gp[2 * p + xs], vy[p] = gp[2 * p + 1 - xs];
  axis_taps(vx, n, (int)g->W, align, pad, ix, tc->wx, tc->dx);
  axis_taps(vy, n, (int)g->H, align, pad, iy, tc->wy, tc->dy);
  for (int j = 0; j < 4; j++)
    for (int i = 0; i < 4; i++) {
      int32_t *restrict o = tc->o[4 * j + i];
      const int32_t *restrict yj = iy[j], *restrict xi = ix[i];
#pragma omp simd
      for (int p = 0; p < n; p++) o[p] = yj[p] * W + xi[p];
    }
}

/* A chunk's taps with the descriptor's padding as a constant. */
BC_INLINE void chunk_taps_of(const stn_sampler_geom *g, const float *grid, int64_t b, int64_t p0, int n,
                             bc_chunk *restrict tc) {
  if (g->desc.padding == STN_PADDING_ZEROS) chunk_taps(g, grid, b, p0, n, tc, STN_PADDING_ZEROS);
  else if (g->desc.padding == STN_PADDING_BORDER) chunk_taps(g, grid, b, p0, n, tc, STN_PADDING_BORDER);
  else chunk_taps(g, grid, b, p0, n, tc, STN_PADDING_REFLECTION);
}

/* ------------------------------------------------------------------ forward */

/* Output pixels [p0, p0 + n) of batch element b, every channel: forward_one's sums. */
BC_INLINE void forward_chunk_body(const stn_sampler_geom *g, const float *images, const float *grid, float *output,
                                  int64_t b, int64_t p0, int n) {
  bc_chunk tc;
  chunk_taps_of(g, grid, b, p0, n, &tc);
  const int64_t P = g->Ho * g->Wo;
  for (int64_t ch = 0; ch < g->C; ch++) {
    const float *restrict ic = images + b * g->img_b + ch * g->img_c;
    float *restrict oc = output + b * g->out_b + ch * P + p0;
#pragma omp simd
    for (int p = 0; p < n; p++) {
      float s = 0;
      for (int j = 0; j < 4; j++) {
        float r = 0;
        for (int i = 0; i < 4; i++) r += tc.wx[i][p] * ic[tc.o[4 * j + i][p]];
        s += tc.wy[j][p] * r;
      }
      oc[p] = s;
    }
  }
}
STN_PATHS(forward_chunk, forward_chunk_body,
          (const stn_sampler_geom *g, const float *images, const float *grid, float *output, int64_t b, int64_t p0,
           int n),
          (g, images, grid, output, b, p0, n))

/* ------------------------------------------------------------------ backward */

/* The grid gradient of a chunk (tc: its taps; gg: its first sample's pair): grid_grad_one's
 * sums, in double, channels in order. */
BC_INLINE void grid_grad_chunk(const stn_sampler_geom *g, const bc_chunk *restrict tc, const float *images,
                               const float *grad_output, float *gg, int64_t b, int64_t p0, int n) {
  const int64_t P = g->Ho * g->Wo;
  const int xs = stn_grid_x_slot(g->desc.grid_order);
  const float scale_x = pixel_scale_of_float((int)g->W, g->desc.align_corners);
  const float scale_y = pixel_scale_of_float((int)g->H, g->desc.align_corners);
  _Alignas(64) double ax[BC_N], ay[BC_N];
  for (int p = 0; p < n; p++) ax[p] = 0, ay[p] = 0;
  for (int64_t ch = 0; ch < g->C; ch++) {
    const float *restrict ic = images + b * g->img_b + ch * g->img_c;
    const float *restrict gop = grad_output + b * g->out_b + ch * P + p0;
#pragma omp simd
    for (int p = 0; p < n; p++) {
      const float v = gop[p];
      double sx = 0, sy = 0;
      for (int j = 0; j < 4; j++) {
        double r = 0, rd = 0;
        for (int i = 0; i < 4; i++) {
          const float a = ic[tc->o[4 * j + i][p]];
          r += (double)tc->wx[i][p] * a;
          rd += (double)tc->dx[i][p] * a;
        }
        sx += tc->wy[j][p] * rd;
        sy += tc->dy[j][p] * r;
      }
      ax[p] += v * sx;
      ay[p] += v * sy;
    }
  }
  for (int p = 0; p < n; p++) {
    gg[2 * p + xs] = (float)(ax[p] * scale_x);
    gg[2 * p + 1 - xs] = (float)(ay[p] * scale_y);
  }
}

/* The image gradient terms of a chunk, channels [c0, c1) (gib: the batch element's image
 * gradient): image_grad_one's products, added sample by sample, taps in order. */
BC_INLINE void image_grad_chunk(const stn_sampler_geom *g, const bc_chunk *restrict tc, const float *grad_output,
                                float *gib, int64_t b, int64_t p0, int n, int64_t c0, int64_t c1) {
  const int64_t P = g->Ho * g->Wo;
  _Alignas(64) float t[16][BC_N];
  for (int64_t ch = c0; ch < c1; ch++) {
    const float *restrict gop = grad_output + b * g->out_b + ch * P + p0;
    float *gic = gib + ch * g->img_c;
#pragma omp simd
    for (int p = 0; p < n; p++) {
      const float v = gop[p];
      for (int j = 0; j < 4; j++) {
        const float vy = tc->wy[j][p] * v;
        for (int i = 0; i < 4; i++) t[4 * j + i][p] = tc->wx[i][p] * vy;
      }
    }
    for (int p = 0; p < n; p++)
      for (int k = 0; k < 16; k++) gic[tc->o[k][p]] += t[k][p];
  }
}

/* Output pixels [p0, p1) of batch element b: the grid gradient (gg, the whole grid
 * gradient; NULL: skipped) and the image gradient terms of channels [c0, c1) (gi, the
 * whole image gradient; NULL: skipped), each chunk's taps computed once for both. */
BC_INLINE void backward_range_body(const stn_sampler_geom *g, const float *images, const float *grid,
                                   const float *grad_output, float *gi, float *gg, int64_t b, int64_t p0, int64_t p1,
                                   int64_t c0, int64_t c1) {
  bc_chunk tc;
  const int64_t P = g->Ho * g->Wo;
  for (int64_t q0 = p0; q0 < p1; q0 += BC_N) {
    const int n = (int)(p1 - q0 < BC_N ? p1 - q0 : BC_N);
    chunk_taps_of(g, grid, b, q0, n, &tc);
    if (gg) grid_grad_chunk(g, &tc, images, grad_output, gg + (b * P + q0) * 2, b, q0, n);
    if (gi) image_grad_chunk(g, &tc, grad_output, gi + b * g->img_b, b, q0, n, c0, c1);
  }
}
STN_PATHS(backward_range, backward_range_body,
          (const stn_sampler_geom *g, const float *images, const float *grid, const float *grad_output, float *gi,
           float *gg, int64_t b, int64_t p0, int64_t p1, int64_t c0, int64_t c1),
          (g, images, grid, grad_output, gi, gg, b, p0, p1, c0, c1))

/* ------------------------------------------------------------------ entry points */

int stn_sampler_bicubic_fast(const stn_sampler_geom *g, const stn_tensor *images) {
  return images->dtype == STN_FLOAT && g->desc.mode == STN_SAMPLER_BICUBIC && !stn_sampler_channels_last(g) &&
         g->H <= (int64_t)BC_FAR && g->W <= (int64_t)BC_FAR &&
         g->img_x == 1 && g->img_y == g->W && g->img_c == g->H * g->W && g->out_p == 1 &&
         g->out_c == g->Ho * g->Wo;
}

void stn_sampler_bicubic_forward_cpu(const stn_sampler_geom *g, const float *images, const float *grid,
                                     float *output) {
  __typeof__(&forward_chunk_generic) const forward_chunk = STN_PATH_PICK(forward_chunk);
  const int64_t P = g->Ho * g->Wo, chunks = (P + BC_N - 1) / BC_N;
  const int64_t work = g->B * P * (g->C + 4) * 16;
#pragma omp parallel for schedule(static) if (work >= STN_OMP_MIN)
  for (int64_t task = 0; task < g->B * chunks; task++) {
    const int64_t b = task / chunks, p0 = task % chunks * BC_N;
    forward_chunk(g, images, grid, output, b, p0, (int)(P - p0 < BC_N ? P - p0 : BC_N));
  }
}

/* Zeroes channels [c0, c1) of batch element b's image gradient. */
static void zero_planes(const stn_sampler_geom *g, float *gi, int64_t b, int64_t c0, int64_t c1) {
  memset(gi + b * g->img_b + c0 * g->img_c, 0, (size_t)((c1 - c0) * g->img_c) * sizeof(float));
}

void stn_sampler_bicubic_backward_cpu(const stn_sampler_geom *g, const float *images, const float *grid,
                                      const float *grad_output, float *grad_images, float *grad_grid) {
  __typeof__(&backward_range_generic) const backward_range = STN_PATH_PICK(backward_range);
  const int64_t P = g->Ho * g->Wo, groups = (g->C + BC_GROUP - 1) / BC_GROUP;
  const int64_t work = g->B * P * (g->C + 4) * 48;
  if (grad_images && groups == 1) { /* few channels: one task per batch element does both */
#pragma omp parallel for schedule(static) if (work >= STN_OMP_MIN)
    for (int64_t b = 0; b < g->B; b++) {
      zero_planes(g, grad_images, b, 0, g->C);
      backward_range(g, images, grid, grad_output, grad_images, grad_grid, b, 0, P, 0, g->C);
    }
    return;
  }
  const int64_t chunks = (P + BC_N - 1) / BC_N;
#pragma omp parallel for schedule(static) if (work >= STN_OMP_MIN)
  for (int64_t task = 0; task < g->B * chunks; task++) {
    const int64_t b = task / chunks, p0 = task % chunks * BC_N;
    backward_range(g, images, grid, grad_output, NULL, grad_grid, b, p0, p0 + BC_N < P ? p0 + BC_N : P, 0, 0);
  }
  if (!grad_images) return;
#pragma omp parallel for schedule(static) if (work >= STN_OMP_MIN)
  for (int64_t task = 0; task < g->B * groups; task++) {
    const int64_t b = task / groups, c0 = task % groups * BC_GROUP;
    const int64_t c1 = c0 + BC_GROUP < g->C ? c0 + BC_GROUP : g->C;
    zero_planes(g, grad_images, b, c0, c1);
    backward_range(g, images, grid, grad_output, grad_images, NULL, b, 0, P, c0, c1);
  }
}
