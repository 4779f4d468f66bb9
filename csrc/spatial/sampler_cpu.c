/* sampler_cpu.c: the bilinear sampler's CPU loops, shared by stn_grid_sampler_* (BCHW)
 * and stn_bilinear_sampler_bhwd_* (BHWD): the argument staging both ops start with, the
 * choice of the CUDA backward kernel, the task loops (threads) and the planar and
 * channels-last-image loops (BCHW with several channels: sampler_hwc.c). Each sample's
 * corners and weights are computed once for all channels (sampler_corners.c); every
 * output and gradient element is written by exactly one thread in a fixed order, so
 * results do not depend on the thread count. */

#include "sampler_chunk.h"

#include <stdlib.h>
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
  /* pixel indices within a plane are 32-bit */
  const int64_t ho = grid->shape[1], wo = grid->shape[2], big = 2147483647;
  if (h < 1 || w < 1 || h > big || w > big || h * w > big || ho > big || wo > big || ho * wo > big / 2)
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

/* ------------------------------------------------------------------ CUDA backward variant */

stn_status stn_sampler_set_backward(stn_ctx *ctx, int variant) {
  if (!ctx) return STN_FAIL(STN_ERR_ARG, "stn_sampler_set_backward: ctx is NULL");
  if (variant != STN_SAMPLER_BWD_SLICE && variant != STN_SAMPLER_BWD_SPLIT)
    return STN_FAIL(STN_ERR_ARG, "stn_sampler_set_backward: unknown variant %d (0 slice, 1 split)", variant);
  ctx->sampler_bwd = 1 + variant;
  return STN_OK;
}

stn_status stn_sampler_backward_variant(stn_ctx *ctx, int *variant) {
  *variant = STN_SAMPLER_BWD_SLICE;
  if (ctx->sampler_bwd > 0) {
    *variant = ctx->sampler_bwd - 1;
    return STN_OK;
  }
  const char *env = getenv("STN_SAMPLER_BWD");
  if (!env || !*env || strcmp(env, "slice") == 0) return STN_OK;
  if (strcmp(env, "split") == 0) {
    *variant = STN_SAMPLER_BWD_SPLIT;
    return STN_OK;
  }
  return STN_FAIL(STN_ERR_ARG, "stn_sampler_backward: STN_SAMPLER_BWD must be 'slice' or 'split', got '%.40s'", env);
}

stn_status stn_sampler_get_backward(stn_ctx *ctx, int *variant) {
  if (!ctx || !variant) return STN_FAIL(STN_ERR_ARG, "stn_sampler_get_backward: ctx or variant is NULL");
  return stn_sampler_backward_variant(ctx, variant);
}

/* ------------------------------------------------------------------ loops */

/* The BCHW forward of a chunk one pixel at a time, its corners in registers for nch
 * channels (inlined with nch = 1..4: more go the channels-last way). */
STN_INLINE void pixels_forward(const corner_chunk *restrict cc, int n, const float *restrict img,
                               float *restrict out, const int64_t nch, const int64_t hw, const int64_t P) {
  for (int p = 0; p < n; p++) {
    const int32_t a = cc->o[0][p], b = cc->o[1][p], c2 = cc->o[2][p], d = cc->o[3][p];
    const float w0 = cc->w[0][p], w1 = cc->w[1][p], w2 = cc->w[2][p], w3 = cc->w[3][p];
    for (int64_t c = 0; c < nch; c++) {
      const float *in = img + c * hw;
      out[c * P + p] = w0 * in[a] + w1 * in[b] + w2 * in[c2] + w3 * in[d];
    }
  }
}

/* Output pixels [p0, p0 + n) of batch element b, every channel: BCHW images of up to 4
 * channels one pixel at a time; BHWD ones one pixel at a time, vectorized over its
 * contiguous channels. */
STN_CLONES static void forward_task(const stn_sampler_geom *g, const float *images, const float *grid, float *output,
                                    int64_t b, int64_t p0, int n) {
  corner_chunk cc;
  stn_chunk_corners(g, grid, b, p0, n, &cc, 0);
  const int64_t C = g->C, hw = g->H * g->W, P = g->Ho * g->Wo;
  const float *img = images + b * g->img_b;
  float *out = output + b * g->out_b + p0 * g->out_p;
  if (!g->channels_last) {
    if (C == 1) pixels_forward(&cc, n, img, out, 1, hw, P);
    else if (C == 2) pixels_forward(&cc, n, img, out, 2, hw, P);
    else if (C == 3) pixels_forward(&cc, n, img, out, 3, hw, P);
    else if (C == 4) pixels_forward(&cc, n, img, out, 4, hw, P);
    return;
  }
  for (int p = 0; p < n; p++) {
    const float *a = img + (int64_t)cc.o[0][p] * C, *bb = img + (int64_t)cc.o[1][p] * C;
    const float *c2 = img + (int64_t)cc.o[2][p] * C, *d = img + (int64_t)cc.o[3][p] * C;
    const float v0 = cc.w[0][p], v1 = cc.w[1][p], v2 = cc.w[2][p], v3 = cc.w[3][p];
    float *restrict o = out + p * C;
    for (int64_t c = 0; c < C; c++) o[c] = v0 * a[c] + v1 * bb[c] + v2 * c2[c] + v3 * d[c];
  }
}

/* The grid gradient's corner sums of a BCHW chunk read from the planar images, in the
 * lane order of sampler_chunk.h (L lanes; inlined with L = 4 and 8). */
STN_INLINE void pixels_lanes(const corner_chunk *restrict cc, int n, const float *img, const float *go,
                             float (*s)[4], const int64_t C, const int64_t hw, const int64_t P, const int L) {
  for (int p = 0; p < n; p++) {
    float l[4][8] = {{0}};
    for (int64_t c0 = 0; c0 < C; c0 += L) {
      const int m = C - c0 < L ? (int)(C - c0) : L;
      for (int j = 0; j < m; j++) {
        const float v = go[(c0 + j) * P + p], *ic = img + (c0 + j) * hw;
        for (int k = 0; k < 4; k++) {
          if (L == 4) l[k][j] = v * ic[cc->o[k][p]];
          else l[k][j] += v * ic[cc->o[k][p]];
        }
      }
    }
    for (int k = 0; k < 4; k++) s[p][k] = L == 4 ? lane4_sum(l[k]) : lane8_sum(l[k]);
  }
}

/* One-channel BCHW backward of a chunk: the image gradient scattered into gi (IMG) and
 * the corner sums of sampler_chunk.h (one lane: the product plus +0) into s (GRID).
 * Inlined with constant flags. */
STN_INLINE void pixels_one(const corner_chunk *restrict cc, int n, const float *restrict img, const float *restrict go,
                           float *gi, float (*s)[4], const int IMG, const int GRID) {
  for (int p = 0; p < n; p++) {
    const int32_t a = cc->o[0][p], b = cc->o[1][p], c2 = cc->o[2][p], d = cc->o[3][p];
    const float v = go[p];
    if (GRID) {
      const __m128 x = _mm_set_ps(img[d], img[c2], img[b], img[a]);
      _mm_store_ps(s[p], _mm_add_ps(_mm_mul_ps(_mm_set1_ps(v), x), _mm_setzero_ps()));
    }
    if (IMG) {
      gi[a] += cc->w[0][p] * v;
      gi[b] += cc->w[1][p] * v;
      gi[c2] += cc->w[2][p] * v;
      gi[d] += cc->w[3][p] * v;
    }
  }
}

/* Backward of batch element b over output pixels [p0, p1) and channels [c0, c1), for
 * BHWD images, one-channel BCHW ones, and the grid gradient alone of BCHW ones: scatters
 * into the image gradient (gimg, the element's; NULL: skipped), and, when ggrid is not
 * NULL, writes the grid gradient of those pixels (c0..c1 must then be every channel).
 * BHWD sums each corner's gradOutput times value over the channels in order; BCHW
 * follows the lane order of sampler_chunk.h. */
STN_CLONES static void backward_task(const stn_sampler_geom *g, const float *images, const float *grid,
                                     const float *grad_output, float *gimg, float *ggrid, int64_t b, int64_t c0,
                                     int64_t c1, int64_t p0, int64_t p1) {
  const int64_t C = g->C, hw = g->H * g->W, P = g->Ho * g->Wo;
  const float *img = images + b * g->img_b;
  corner_chunk cc;
  _Alignas(16) float s[CHUNK][4];
  for (int64_t q0 = p0; q0 < p1; q0 += CHUNK) {
    const int n = (int)(p1 - q0 < CHUNK ? p1 - q0 : CHUNK);
    stn_chunk_corners(g, grid, b, q0, n, &cc, ggrid != NULL);
    const float *go = grad_output + b * g->out_b + q0 * g->out_p;
    if (!g->channels_last) {
      if (C == 1 && gimg && ggrid) pixels_one(&cc, n, img, go, gimg, s, 1, 1);
      else if (C == 1 && gimg) pixels_one(&cc, n, img, go, gimg, s, 1, 0);
      else if (C == 1) pixels_one(&cc, n, img, go, gimg, s, 0, 1);
      else if (sampler_lanes(C) == 4) pixels_lanes(&cc, n, img, go, s, C, hw, P, 4);
      else pixels_lanes(&cc, n, img, go, s, C, hw, P, 8);
    } else {
      for (int p = 0; p < n; p++) {
        const int64_t a = (int64_t)cc.o[0][p] * C, bb = (int64_t)cc.o[1][p] * C;
        const int64_t c2 = (int64_t)cc.o[2][p] * C, d = (int64_t)cc.o[3][p] * C;
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
          s[p][0] = t0, s[p][1] = t1, s[p][2] = t2, s[p][3] = t3;
        }
        if (gimg) {
          const float v0 = cc.w[0][p], v1 = cc.w[1][p], v2 = cc.w[2][p], v3 = cc.w[3][p];
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
    if (ggrid) stn_chunk_grid_grad(g, &cc, s, n, ggrid + (b * P + q0) * 2);
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

/* Whether a call is worth threads, and into how many channel groups each batch element
 * is cut so that there are enough tasks (a few per thread) when the batch is small. */
static int sampler_big(const stn_sampler_geom *g) {
  const int64_t P = g->Ho * g->Wo, hw = g->H * g->W;
  return g->B * (g->C + 4) * (P > hw ? P : hw) >= STN_OMP_MIN;
}

static int64_t sampler_groups(const stn_sampler_geom *g, int num_threads) {
  int64_t groups = 1;
  if (sampler_big(g) && g->B < 4 * (int64_t)num_threads) {
    groups = (4 * (int64_t)num_threads + g->B - 1) / g->B;
    if (groups > g->C) groups = g->C;
  }
  return groups < 1 ? 1 : groups;
}

/* BCHW images of several channels go through channels-last copies (sampler_hwc.c): from
 * 2 channels on for the backward, from 5 for the forward (with fewer, a pixel's channels
 * in registers beat the copies). */
static int sampler_hwc(const stn_sampler_geom *g, int64_t least) { return !g->channels_last && g->C >= least; }

static stn_status no_scratch(void) {
  return STN_FAIL(STN_ERR_MEMORY, "stn_sampler: out of memory for the per-thread scratch");
}

stn_status stn_sampler_forward_cpu(const stn_sampler_geom *g, const float *images, const float *grid, float *output,
                                   int num_threads) {
  const int64_t P = g->Ho * g->Wo, nchunk = (P + CHUNK - 1) / CHUNK;
  const int big = sampler_big(g);
  if (!sampler_hwc(g, 5)) {
#pragma omp parallel for schedule(static) if (big)
    for (int64_t t = 0; t < g->B * nchunk; t++) {
      int64_t b = t / nchunk, p0 = (t % nchunk) * CHUNK;
      forward_task(g, images, grid, output, b, p0, (int)(P - p0 < CHUNK ? P - p0 : CHUNK));
    }
    return STN_OK;
  }
  const int64_t groups = sampler_groups(g, num_threads), gsize = (g->C + groups - 1) / groups;
  int failed = 0;
#pragma omp parallel if (big)
  {
    stn_hwc_scratch sc;
    const int ok = stn_hwc_scratch_alloc(&sc, g, gsize, 0);
    if (!ok) {
#pragma omp atomic write
      failed = 1;
    }
#pragma omp for schedule(static)
    for (int64_t t = 0; t < g->B * groups; t++) {
      const int64_t b = t / groups, c0 = (t % groups) * gsize, c1 = c0 + gsize < g->C ? c0 + gsize : g->C;
      if (ok && c0 < c1) stn_sampler_hwc_forward(g, images, grid, output, b, c0, c1, &sc);
    }
    stn_hwc_scratch_free(&sc);
  }
  return failed ? no_scratch() : STN_OK;
}

/* Image gradient: tasks own (batch element, channel group) slices, each accumulated by
 * one thread in pixel order. With one group per element (the usual case: enough batch
 * elements to share out) the same pass also does the grid gradient; otherwise a second
 * pass over (element, pixel chunk) does it with every channel. Without the image
 * gradient, BCHW images of several channels still go element by element when there
 * are enough elements (their channels-last copy then serves every pixel). */
stn_status stn_sampler_backward_cpu(const stn_sampler_geom *g, const float *images, const float *grid,
                                    const float *grad_output, float *grad_images, float *grad_grid, int num_threads) {
  const int64_t P = g->Ho * g->Wo, nchunk = (P + CHUNK - 1) / CHUNK;
  const int big = sampler_big(g), hwc = sampler_hwc(g, 2);
  const int64_t groups = sampler_groups(g, num_threads), gsize = (g->C + groups - 1) / groups;
  const int fused = groups == 1 && (grad_images || hwc);
  int failed = 0;
  if (grad_images || fused) {
#pragma omp parallel if (big)
    {
      stn_hwc_scratch sc = {NULL, NULL, NULL};
      const int ok = !hwc || stn_hwc_scratch_alloc(&sc, g, gsize, grad_images != NULL);
      if (!ok) {
#pragma omp atomic write
        failed = 1;
      }
#pragma omp for schedule(static)
      for (int64_t t = 0; t < g->B * groups; t++) {
        const int64_t b = t / groups, c0 = (t % groups) * gsize, c1 = c0 + gsize < g->C ? c0 + gsize : g->C;
        if (!ok || (c0 >= c1 && !fused)) continue;
        float *gimg = grad_images ? grad_images + b * g->img_b : NULL, *gg = fused ? grad_grid : NULL;
        if (hwc) {
          stn_sampler_hwc_backward(g, images, grid, grad_output, gimg, gg, b, c0, c1, &sc);
        } else {
          if (gimg) zero_channels(g, gimg, c0, c1 > c0 ? c1 : c0);
          backward_task(g, images, grid, grad_output, gimg, gg, b, c0, c1 > c0 ? c1 : c0, 0, P);
        }
      }
      stn_hwc_scratch_free(&sc);
    }
  }
  if (failed) return no_scratch();
  if (!fused) {
#pragma omp parallel for schedule(static) if (big)
    for (int64_t t = 0; t < g->B * nchunk; t++) {
      const int64_t b = t / nchunk, p0 = (t % nchunk) * CHUNK, p1 = p0 + CHUNK < P ? p0 + CHUNK : P;
      backward_task(g, images, grid, grad_output, NULL, grad_grid, b, 0, g->C, p0, p1);
    }
  }
  return STN_OK;
}
