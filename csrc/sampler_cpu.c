/* sampler_cpu.c: the bilinear sampler's CPU loops, shared by stn_grid_sampler_* (BCHW)
 * and stn_bilinear_sampler_bhwd_* (BHWD), and the argument staging both ops start with.
 * Each sample's corners and weights are computed once for all channels; every output
 * and gradient element is written by exactly one thread in a fixed order, so results
 * do not depend on the thread count. */
/* GCC vectorizes the branch-free selects of the corner arithmetic only when it may
 * assume that comparisons raise no FP exception; nothing here reads the flags. Set for
 * the whole file so that every function inlines into every other. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif

#include "sampler.h"

#include <string.h>

/* ------------------------------------------------------------------ staging */

stn_status stn_sampler_begin(stn_ctx *ctx, stn_sampler_call *call, const char *fn, int channels_last, int grid_xy,
                             int align_corners, int padding, const stn_tensor *images, const stn_tensor *grid,
                             const stn_tensor *grad_output, stn_tensor *out0, stn_tensor *out1) {
  memset(call, 0, sizeof *call);
  const char *layout = channels_last ? "B x H x W x C" : "B x C x H x W";
  STN_TRY(stn_check_tensor(fn, "images", images));
  STN_TRY(stn_check_tensor(fn, "grid", grid));
  STN_TRY(stn_check_same_device(fn, images, grid));
  if (padding != STN_PADDING_ZEROS && padding != STN_PADDING_BORDER)
    return STN_FAIL(STN_ERR_ARG, "%s: unknown padding %d (0 zeros, 1 border)", fn, padding);
  if (images->ndim != 4) return STN_FAIL(STN_ERR_ARG, "%s: images must be %s, got %s", fn, layout, stn_shape_str(images));
  if (grid->ndim != 4 || grid->shape[3] != 2)
    return STN_FAIL(STN_ERR_ARG, "%s: grid must be B x H' x W' x 2, got %s", fn, stn_shape_str(grid));
  if (grid->shape[0] != images->shape[0])
    return STN_FAIL(STN_ERR_ARG, "%s: images (%s) and grid (%s) have different batch sizes", fn, stn_shape_str(images),
                    stn_shape_str(grid));
  int64_t h = images->shape[channels_last ? 1 : 2], w = images->shape[channels_last ? 2 : 3];
  if (h < 1 || w < 1 || h > (1 << 30) || w > (1 << 30) || grid->shape[1] > (1 << 30) || grid->shape[2] > (1 << 30))
    return STN_FAIL(STN_ERR_ARG, "%s: image size %lldx%lld (images %s, grid %s) out of range", fn, (long long)h,
                    (long long)w, stn_shape_str(images), stn_shape_str(grid));
  call->g = stn_sampler_geom_of(images, grid, channels_last, grid_xy, align_corners, padding);
  const stn_sampler_geom *g = &call->g;
  int64_t osize[4] = {g->B, g->C, g->Ho, g->Wo};
  if (channels_last) osize[1] = g->Ho, osize[2] = g->Wo, osize[3] = g->C;
  if (grad_output) {
    STN_TRY(stn_check_tensor(fn, "grad_output", grad_output));
    STN_TRY(stn_check_same_device(fn, images, grad_output));
    int same = grad_output->ndim == 4;
    for (int d = 0; same && d < 4; d++) same = grad_output->shape[d] == osize[d];
    if (!same)
      return STN_FAIL(STN_ERR_ARG, "%s: grad_output must be %lldx%lldx%lldx%lld for images %s and grid %s, got %s", fn,
                      (long long)osize[0], (long long)osize[1], (long long)osize[2], (long long)osize[3],
                      stn_shape_str(images), stn_shape_str(grid), stn_shape_str(grad_output));
  }
  stn_tensor *outs[2] = {out0, out1};
  for (int k = 0; k < 2; k++) {
    if (!outs[k]) continue;
    STN_TRY(stn_check_tensor(fn, k ? "grad_grid" : (grad_output ? "grad_images" : "output"), outs[k]));
    STN_TRY(stn_check_same_device(fn, images, outs[k]));
  }
  /* resize the outputs: output (forward), or grad_images and grad_grid (backward) */
  if (!grad_output) {
    if (!out0) return STN_FAIL(STN_ERR_ARG, "%s: output is NULL", fn);
    STN_TRY(stn_tensor_resize(ctx, out0, 4, osize));
  } else {
    if (!out1) return STN_FAIL(STN_ERR_ARG, "%s: grad_grid is NULL", fn);
    if (out0) STN_TRY(stn_resize_as(ctx, out0, images));
    STN_TRY(stn_resize_as(ctx, out1, grid));
  }
  /* from here on, everything taken is released by stn_sampler_end */
  stn_status st = stn_contiguous_copy(ctx, &call->images, images);
  if (st == STN_OK) st = stn_contiguous_copy(ctx, &call->grid, grid);
  if (st == STN_OK && grad_output) st = stn_contiguous_copy(ctx, &call->grad_output, grad_output);
  for (int k = 0; k < 2 && st == STN_OK; k++) {
    call->out[k] = outs[k];
    if (!outs[k]) continue;
    if (stn_tensor_is_contiguous(outs[k]))
      stn_tensor_set(&call->stage[k], outs[k]);
    else
      st = stn_tensor_new(ctx, &call->stage[k], outs[k]->device, outs[k]->ndim, outs[k]->shape);
  }
  if (st != STN_OK) return stn_sampler_end(ctx, call, st);
  return STN_OK;
}

stn_status stn_sampler_end(stn_ctx *ctx, stn_sampler_call *call, stn_status st) {
  for (int k = 0; k < 2; k++) {
    stn_tensor *out = call->out[k];
    if (out && call->stage[k].mem && call->stage[k].mem != out->mem && st == STN_OK)
      st = stn_copy(ctx, out, &call->stage[k]);
    stn_tensor_release(&call->stage[k]);
  }
  stn_tensor_release(&call->images);
  stn_tensor_release(&call->grid);
  stn_tensor_release(&call->grad_output);
  return st;
}

/* ------------------------------------------------------------------ loops */

/* Pixels per chunk: the corners of a chunk are computed in vectorizable passes, then
 * every channel reuses them while they sit in L1. */
#define CHUNK 256
/* Bytes of one batch element's images, gradOutput and image gradient above which the
 * backward walks channel planes one at a time (each plane's data stays in L1) rather
 * than pixels one at a time (each pixel's corners stay in registers). */
#define PLANES_BYTES (192 << 10)
#define STN_INLINE static inline __attribute__((always_inline))
/* The task functions are compiled twice, for AVX2 (8-wide, with gathers) and for the
 * baseline, and picked at load time. No FMA: the corner arithmetic must round exactly as
 * on the GPU, which picks the same neighbours. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define STN_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define STN_CLONES
#endif

typedef struct corner_chunk {
  int32_t o[4][CHUNK];              /* pixel index y * W + x of each corner, clamped into the image */
  float w[4][CHUNK];                /* interpolation weights, 0 for corners outside (zeros padding) */
  float dx[4][CHUNK], dy[4][CHUNK]; /* d(value)/d(pixel x, pixel y) from the corner values */
} corner_chunk;

/* One axis of n samples at once: stn_axis_of (bilinear.h) written without branches so
 * that it vectorizes, with the same float operations in the same order. */
STN_INLINE void chunk_axis(const float *restrict v, int n, int size, int align, int32_t *restrict i0,
                           float *restrict w1) {
  const float s = align ? (float)(size - 1) * 0.5f : (float)size * 0.5f, shift = align ? 0.0f : 0.5f;
  const float tol = stn_snap_tolerance(size), hi = (float)size + 1.0f;
  for (int p = 0; p < n; p++) {
    float u = (v[p] + 1.0f) * s - shift;
    float r = floorf(u + 0.5f);
    u = fabsf(u - r) <= tol ? r : u;
    u = u >= -2.0f ? u : -2.0f; /* also NaN */
    u = u > hi ? hi : u;
    float f = floorf(u);
    i0[p] = (int32_t)f;
    w1[p] = u - f;
  }
}

STN_INLINE int32_t clamp_index(int32_t i, int32_t size) { return i < 0 ? 0 : (i > size - 1 ? size - 1 : i); }
STN_INLINE float inside(int32_t i, int32_t size, int border) {
  return (float)(border | ((uint32_t)i < (uint32_t)size));
}

/* Corners of output pixels [p0, p0 + n) of batch element b (with grads, the derivative
 * weights too): the same values as stn_corners_of, in vectorizable passes. */
STN_INLINE void chunk_corners(const stn_sampler_geom *g, const float *grid, int64_t b, int64_t p0, int n,
                              corner_chunk *restrict cc, int grads) {
  const float *gp = grid + (b * g->Ho * g->Wo + p0) * 2;
  const int ix = g->grid_xy ? 0 : 1, border = g->padding == STN_PADDING_BORDER, align = g->align_corners;
  const int32_t H = (int32_t)g->H, W = (int32_t)g->W;
  float vx[CHUNK], vy[CHUNK], wx[CHUNK], wy[CHUNK], m[4][CHUNK];
  int32_t xi[CHUNK], yi[CHUNK];
  for (int p = 0; p < n; p++) vx[p] = gp[2 * p + ix], vy[p] = gp[2 * p + 1 - ix];
  chunk_axis(vx, n, W, align, xi, wx);
  chunk_axis(vy, n, H, align, yi, wy);
  for (int p = 0; p < n; p++) {
    const int32_t x0 = xi[p], y0 = yi[p];
    const float mx0 = inside(x0, W, border), mx1 = inside(x0 + 1, W, border);
    const float my0 = inside(y0, H, border), my1 = inside(y0 + 1, H, border);
    const int32_t cx0 = clamp_index(x0, W), cx1 = clamp_index(x0 + 1, W);
    const int32_t ry0 = clamp_index(y0, H) * W, ry1 = clamp_index(y0 + 1, H) * W;
    const float wx1 = wx[p], wx0 = 1.0f - wx1, wy1 = wy[p], wy0 = 1.0f - wy1;
    m[0][p] = my0 * mx0, m[1][p] = my0 * mx1, m[2][p] = my1 * mx0, m[3][p] = my1 * mx1;
    cc->o[0][p] = ry0 + cx0;
    cc->o[1][p] = ry0 + cx1;
    cc->o[2][p] = ry1 + cx0;
    cc->o[3][p] = ry1 + cx1;
    cc->w[0][p] = wy0 * wx0 * m[0][p];
    cc->w[1][p] = wy0 * wx1 * m[1][p];
    cc->w[2][p] = wy1 * wx0 * m[2][p];
    cc->w[3][p] = wy1 * wx1 * m[3][p];
  }
  if (!grads) return;
  for (int p = 0; p < n; p++) {
    const float wx1 = wx[p], wx0 = 1.0f - wx1, wy1 = wy[p], wy0 = 1.0f - wy1;
    cc->dx[0][p] = -wy0 * m[0][p];
    cc->dx[1][p] = wy0 * m[1][p];
    cc->dx[2][p] = -wy1 * m[2][p];
    cc->dx[3][p] = wy1 * m[3][p];
    cc->dy[0][p] = -wx0 * m[0][p];
    cc->dy[1][p] = -wx1 * m[1][p];
    cc->dy[2][p] = wx0 * m[2][p];
    cc->dy[3][p] = wx1 * m[3][p];
  }
}

/* Output pixels [p0, p0 + n) of batch element b, every channel. BCHW: one channel plane
 * at a time, vectorized over the chunk's pixels (gathers); BHWD: one pixel at a time,
 * vectorized over its contiguous channels. */
STN_CLONES static void forward_task(const stn_sampler_geom *g, const float *images, const float *grid, float *output,
                                    int64_t b, int64_t p0, int n) {
  corner_chunk cc;
  chunk_corners(g, grid, b, p0, n, &cc, 0);
  const int64_t C = g->C;
  const float *img = images + b * g->img_b;
  float *out = output + b * g->out_b + p0 * g->out_p;
  const int32_t *o0 = cc.o[0], *o1 = cc.o[1], *o2 = cc.o[2], *o3 = cc.o[3];
  const float *w0 = cc.w[0], *w1 = cc.w[1], *w2 = cc.w[2], *w3 = cc.w[3];
  if (!g->channels_last) {
    const int64_t hw = g->H * g->W, P = g->Ho * g->Wo;
    for (int64_t c = 0; c < C; c++) {
      const float *restrict in = img + c * hw;
      float *restrict o = out + c * P;
      for (int p = 0; p < n; p++) o[p] = w0[p] * in[o0[p]] + w1[p] * in[o1[p]] + w2[p] * in[o2[p]] + w3[p] * in[o3[p]];
    }
  } else {
    for (int p = 0; p < n; p++) {
      const float *a = img + (int64_t)o0[p] * C, *bb = img + (int64_t)o1[p] * C;
      const float *c2 = img + (int64_t)o2[p] * C, *d = img + (int64_t)o3[p] * C;
      const float v0 = w0[p], v1 = w1[p], v2 = w2[p], v3 = w3[p];
      float *restrict o = out + p * C;
      for (int64_t c = 0; c < C; c++) o[c] = v0 * a[c] + v1 * bb[c] + v2 * c2[c] + v3 * d[c];
    }
  }
}

void stn_sampler_forward_cpu(const stn_sampler_geom *g, const float *images, const float *grid, float *output) {
  int64_t P = g->Ho * g->Wo, nchunk = (P + CHUNK - 1) / CHUNK, tasks = g->B * nchunk;
#pragma omp parallel for schedule(static) if (g->B * (g->C + 4) * P >= STN_OMP_MIN)
  for (int64_t t = 0; t < tasks; t++) {
    int64_t b = t / nchunk, p0 = (t % nchunk) * CHUNK;
    forward_task(g, images, grid, output, b, p0, (int)(P - p0 < CHUNK ? P - p0 : CHUNK));
  }
}

/* Backward of batch element b over output pixels [p0, p1) and channels [c0, c1): scatters
 * into the image gradient (gimg, the element's; NULL: skipped), and, when ggrid is not
 * NULL, writes the grid gradient of those pixels (c0..c1 must then be every channel).
 * The grid gradient first sums grad_output times each corner's value over the channels
 * (four sums per pixel, in channel order), then weighs the four sums once. */
STN_CLONES static void backward_task(const stn_sampler_geom *g, const float *images, const float *grid,
                                     const float *grad_output, float *gimg, float *ggrid, int64_t b, int64_t c0,
                                     int64_t c1, int64_t p0, int64_t p1) {
  const int64_t C = g->C, hw = g->H * g->W, P = g->Ho * g->Wo;
  const float *img = images + b * g->img_b;
  const float sxs = stn_unnormalize_scale((int)g->W, g->align_corners);
  const float sys = stn_unnormalize_scale((int)g->H, g->align_corners);
  const int ix = g->grid_xy ? 0 : 1;
  corner_chunk cc;
  float s[4][CHUNK];
  for (int64_t q0 = p0; q0 < p1; q0 += CHUNK) {
    const int n = (int)(p1 - q0 < CHUNK ? p1 - q0 : CHUNK);
    chunk_corners(g, grid, b, q0, n, &cc, ggrid != NULL);
    const int32_t *o0 = cc.o[0], *o1 = cc.o[1], *o2 = cc.o[2], *o3 = cc.o[3];
    const float *w0 = cc.w[0], *w1 = cc.w[1], *w2 = cc.w[2], *w3 = cc.w[3];
    const float *go = grad_output + b * g->out_b + q0 * g->out_p;
    if (!g->channels_last && C * hw * 12 > PLANES_BYTES) {
      /* many channels: one plane at a time, every pixel of the chunk (same sums, same order) */
      if (ggrid)
        for (int k = 0; k < 4; k++) memset(s[k], 0, (size_t)n * sizeof(float));
      for (int64_t c = c0; c < c1; c++) {
        const float *restrict gc = go + c * P;
        if (ggrid) {
          const float *restrict in = img + c * hw;
          float *restrict s0 = s[0], *restrict s1 = s[1], *restrict s2 = s[2], *restrict s3 = s[3];
          for (int p = 0; p < n; p++) {
            const float v = gc[p];
            s0[p] += v * in[o0[p]];
            s1[p] += v * in[o1[p]];
            s2[p] += v * in[o2[p]];
            s3[p] += v * in[o3[p]];
          }
        }
        if (gimg) {
          float *gi = gimg + c * hw;
          for (int p = 0; p < n; p++) {
            const float v = gc[p];
            gi[o0[p]] += w0[p] * v;
            gi[o1[p]] += w1[p] * v;
            gi[o2[p]] += w2[p] * v;
            gi[o3[p]] += w3[p] * v;
          }
        }
      }
    } else if (!g->channels_last) {
      /* one pixel at a time, its corners in registers for every channel */
      for (int p = 0; p < n; p++) {
        const int32_t a = o0[p], bb = o1[p], c2 = o2[p], d = o3[p];
        const float v0 = w0[p], v1 = w1[p], v2 = w2[p], v3 = w3[p];
        float t0 = 0.0f, t1 = 0.0f, t2 = 0.0f, t3 = 0.0f;
        const float *gc = go + p;
        for (int64_t c = c0; c < c1; c++) {
          const float v = gc[c * P];
          if (ggrid) {
            const float *in = img + c * hw;
            t0 += v * in[a];
            t1 += v * in[bb];
            t2 += v * in[c2];
            t3 += v * in[d];
          }
          if (gimg) {
            float *gi = gimg + c * hw;
            gi[a] += v0 * v;
            gi[bb] += v1 * v;
            gi[c2] += v2 * v;
            gi[d] += v3 * v;
          }
        }
        s[0][p] = t0, s[1][p] = t1, s[2][p] = t2, s[3][p] = t3;
      }
    } else {
      for (int p = 0; p < n; p++) {
        const int64_t a = (int64_t)o0[p] * C, bb = (int64_t)o1[p] * C, c2 = (int64_t)o2[p] * C, d = (int64_t)o3[p] * C;
        const float *restrict gc = go + p * C;
        if (ggrid) {
          float t0 = 0.0f, t1 = 0.0f, t2 = 0.0f, t3 = 0.0f;
          for (int64_t c = c0; c < c1; c++) {
            const float v = gc[c];
            t0 += v * img[a + c];
            t1 += v * img[bb + c];
            t2 += v * img[c2 + c];
            t3 += v * img[d + c];
          }
          s[0][p] = t0, s[1][p] = t1, s[2][p] = t2, s[3][p] = t3;
        }
        if (gimg) {
          const float v0 = w0[p], v1 = w1[p], v2 = w2[p], v3 = w3[p];
          for (int64_t c = c0; c < c1; c++) {
            const float v = gc[c];
            gimg[a + c] += v0 * v;
            gimg[bb + c] += v1 * v;
            gimg[c2 + c] += v2 * v;
            gimg[d + c] += v3 * v;
          }
        }
      }
    }
    if (ggrid) {
      float *gg = ggrid + (b * P + q0) * 2;
      for (int p = 0; p < n; p++) {
        const float gx = cc.dx[0][p] * s[0][p] + cc.dx[1][p] * s[1][p] + cc.dx[2][p] * s[2][p] + cc.dx[3][p] * s[3][p];
        const float gy = cc.dy[0][p] * s[0][p] + cc.dy[1][p] * s[1][p] + cc.dy[2][p] * s[2][p] + cc.dy[3][p] * s[3][p];
        gg[2 * p + ix] = gx * sxs;
        gg[2 * p + 1 - ix] = gy * sys;
      }
    }
  }
}

/* Zeroes channels [c0, c1) of one batch element's image gradient. */
static void zero_channels(const stn_sampler_geom *g, float *gimg, int64_t c0, int64_t c1) {
  int64_t hw = g->H * g->W;
  if (!g->channels_last) {
    memset(gimg + c0 * hw, 0, (size_t)((c1 - c0) * hw) * sizeof(float));
  } else {
    for (int64_t p = 0; p < hw; p++) memset(gimg + p * g->C + c0, 0, (size_t)(c1 - c0) * sizeof(float));
  }
}

/* Image gradient: tasks own (batch element, channel group) slices, each accumulated by
 * one thread in pixel order. With one group per element (the usual case: enough batch
 * elements to share out) the same pass also does the grid gradient; otherwise a second
 * pass over (element, pixel chunk) does it with every channel. */
stn_status stn_sampler_backward_cpu(const stn_sampler_geom *g, const float *images, const float *grid,
                                    const float *grad_output, float *grad_images, float *grad_grid, int num_threads) {
  const int64_t P = g->Ho * g->Wo, nchunk = (P + CHUNK - 1) / CHUNK;
  const int big = g->B * (g->C + 4) * (P > g->H * g->W ? P : g->H * g->W) >= STN_OMP_MIN;
  int64_t groups = 1;
  if (grad_images && big && g->B < 4 * (int64_t)num_threads) {
    groups = (4 * (int64_t)num_threads + g->B - 1) / g->B;
    if (groups > g->C) groups = g->C;
  }
  if (groups < 1) groups = 1;
  const int64_t gsize = (g->C + groups - 1) / groups;
  const int fused = grad_images && groups == 1;
  if (grad_images) {
#pragma omp parallel for schedule(static) if (big)
    for (int64_t t = 0; t < g->B * groups; t++) {
      const int64_t b = t / groups, c0 = (t % groups) * gsize, c1 = c0 + gsize < g->C ? c0 + gsize : g->C;
      if (c0 >= c1 && !fused) continue;
      float *gimg = grad_images + b * g->img_b;
      zero_channels(g, gimg, c0, c1 > c0 ? c1 : c0);
      backward_task(g, images, grid, grad_output, gimg, fused ? grad_grid : NULL, b, c0, c1 > c0 ? c1 : c0, 0, P);
    }
  }
  if (!fused) {
#pragma omp parallel for schedule(static) if (big)
    for (int64_t t = 0; t < g->B * nchunk; t++) {
      const int64_t b = t / nchunk, p0 = (t % nchunk) * CHUNK, p1 = p0 + CHUNK < P ? p0 + CHUNK : P;
      backward_task(g, images, grid, grad_output, NULL, grad_grid, b, 0, g->C, p0, p1);
    }
  }
  return STN_OK;
}
