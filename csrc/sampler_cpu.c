/* sampler_cpu.c: the bilinear sampler's CPU loops, shared by stn_grid_sampler_* (BCHW)
 * and stn_bilinear_sampler_bhwd_* (BHWD), and the argument staging both ops start with.
 * Each sample's corners and weights are computed once for all channels; every output
 * and gradient element is written by exactly one thread in a fixed order, so results
 * do not depend on the thread count. */
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
    STN_TRY(stn_tensor_resize(ctx, out0, 4, osize));
  } else {
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

/* Pixels per chunk: the corners of a chunk stay in L1 while every channel reuses them. */
#define CHUNK 128

typedef struct corner_chunk {
  int64_t off[4][CHUNK];
  float w[4][CHUNK];
  float dx[4][CHUNK], dy[4][CHUNK];
} corner_chunk;

/* Corners of output pixels [p0, p0 + n) of batch element b. */
static void chunk_corners(const stn_sampler_geom *g, const float *grid, int64_t b, int64_t p0, int n,
                          corner_chunk *cc) {
  const float *gp = grid + (b * g->Ho * g->Wo + p0) * 2;
  int ix = g->grid_xy ? 0 : 1, border = g->padding == STN_PADDING_BORDER;
  for (int p = 0; p < n; p++) {
    stn_corners c = stn_corners_of(gp[2 * p + ix], gp[2 * p + 1 - ix], (int)g->H, (int)g->W, g->img_y, g->img_x,
                                   g->align_corners, border);
    for (int k = 0; k < 4; k++) {
      cc->off[k][p] = c.off[k];
      cc->w[k][p] = c.w[k];
      cc->dx[k][p] = c.dx[k];
      cc->dy[k][p] = c.dy[k];
    }
  }
}

/* output pixels [p0, p0 + n) of b, every channel */
static void forward_chunk(const stn_sampler_geom *g, const corner_chunk *cc, const float *img, float *out, int n) {
  const int64_t *o0 = cc->off[0], *o1 = cc->off[1], *o2 = cc->off[2], *o3 = cc->off[3];
  const float *w0 = cc->w[0], *w1 = cc->w[1], *w2 = cc->w[2], *w3 = cc->w[3];
  if (!g->channels_last) { /* planes: channel outside, pixels inside, writes contiguous */
    for (int64_t c = 0; c < g->C; c++) {
      const float *in = img + c * g->img_c;
      float *o = out + c * g->out_c;
      for (int p = 0; p < n; p++) o[p] = w0[p] * in[o0[p]] + w1[p] * in[o1[p]] + w2[p] * in[o2[p]] + w3[p] * in[o3[p]];
    }
  } else { /* channels last: pixel outside, the contiguous channel run inside */
    for (int p = 0; p < n; p++) {
      const float *a = img + o0[p], *b = img + o1[p], *c2 = img + o2[p], *d = img + o3[p];
      float *o = out + p * g->out_p;
      for (int64_t c = 0; c < g->C; c++) o[c] = w0[p] * a[c] + w1[p] * b[c] + w2[p] * c2[c] + w3[p] * d[c];
    }
  }
}

void stn_sampler_forward_cpu(const stn_sampler_geom *g, const float *images, const float *grid, float *output) {
  int64_t P = g->Ho * g->Wo, nchunk = (P + CHUNK - 1) / CHUNK, tasks = g->B * nchunk;
#pragma omp parallel if (g->B * g->C * P >= STN_OMP_MIN)
  {
    corner_chunk cc;
#pragma omp for schedule(static)
    for (int64_t t = 0; t < tasks; t++) {
      int64_t b = t / nchunk, p0 = (t % nchunk) * CHUNK;
      int n = (int)(P - p0 < CHUNK ? P - p0 : CHUNK);
      chunk_corners(g, grid, b, p0, n, &cc);
      forward_chunk(g, &cc, images + b * g->img_b, output + b * g->out_b + p0 * g->out_p, n);
    }
  }
}

/* Backward over output pixels [p0, p0 + n) of b for channels [c0, c1): scatters into
 * gimg (the image gradient of b, when not NULL) and accumulates the pixel-space grid
 * gradient into gx, gy (when not NULL). */
static void backward_chunk(const stn_sampler_geom *g, const corner_chunk *cc, const float *img, const float *gout,
                           float *gimg, float *gx, float *gy, int64_t c0, int64_t c1, int n) {
  const int64_t *o0 = cc->off[0], *o1 = cc->off[1], *o2 = cc->off[2], *o3 = cc->off[3];
  const float *w0 = cc->w[0], *w1 = cc->w[1], *w2 = cc->w[2], *w3 = cc->w[3];
  const float *x0 = cc->dx[0], *x1 = cc->dx[1], *x2 = cc->dx[2], *x3 = cc->dx[3];
  const float *y0 = cc->dy[0], *y1 = cc->dy[1], *y2 = cc->dy[2], *y3 = cc->dy[3];
  if (!g->channels_last) {
    for (int64_t c = c0; c < c1; c++) {
      const float *in = img + c * g->img_c, *go = gout + c * g->out_c;
      if (gimg) {
        float *gi = gimg + c * g->img_c;
        for (int p = 0; p < n; p++) {
          float v = go[p];
          gi[o0[p]] += w0[p] * v;
          gi[o1[p]] += w1[p] * v;
          gi[o2[p]] += w2[p] * v;
          gi[o3[p]] += w3[p] * v;
        }
      }
      if (gx) {
        for (int p = 0; p < n; p++) {
          float v = go[p], a = in[o0[p]], b = in[o1[p]], c2 = in[o2[p]], d = in[o3[p]];
          gx[p] += v * (x0[p] * a + x1[p] * b + x2[p] * c2 + x3[p] * d);
          gy[p] += v * (y0[p] * a + y1[p] * b + y2[p] * c2 + y3[p] * d);
        }
      }
    }
  } else {
    for (int p = 0; p < n; p++) {
      const float *go = gout + p * g->out_p;
      if (gimg) {
        float *a = gimg + o0[p], *b = gimg + o1[p], *c2 = gimg + o2[p], *d = gimg + o3[p];
        for (int64_t c = c0; c < c1; c++) {
          float v = go[c];
          a[c] += w0[p] * v;
          b[c] += w1[p] * v;
          c2[c] += w2[p] * v;
          d[c] += w3[p] * v;
        }
      }
      if (gx) {
        const float *a = img + o0[p], *b = img + o1[p], *c2 = img + o2[p], *d = img + o3[p];
        float sx = 0.0f, sy = 0.0f;
        for (int64_t c = c0; c < c1; c++) {
          sx += go[c] * (x0[p] * a[c] + x1[p] * b[c] + x2[p] * c2[c] + x3[p] * d[c]);
          sy += go[c] * (y0[p] * a[c] + y1[p] * b[c] + y2[p] * c2[c] + y3[p] * d[c]);
        }
        gx[p] += sx;
        gy[p] += sy;
      }
    }
  }
}

/* Grid gradient of pixels [p0, p0 + n) of b from the pixel-space sums gx, gy. */
static void store_grid_grad(const stn_sampler_geom *g, float *grad_grid, int64_t b, int64_t p0, int n, const float *gx,
                            const float *gy) {
  float sx = stn_unnormalize_scale((int)g->W, g->align_corners), sy = stn_unnormalize_scale((int)g->H, g->align_corners);
  int ix = g->grid_xy ? 0 : 1;
  float *gg = grad_grid + (b * g->Ho * g->Wo + p0) * 2;
  for (int p = 0; p < n; p++) {
    gg[2 * p + ix] = gx[p] * sx;
    gg[2 * p + 1 - ix] = gy[p] * sy;
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
  int64_t P = g->Ho * g->Wo, nchunk = (P + CHUNK - 1) / CHUNK;
  int big = g->B * g->C * (P > g->H * g->W ? P : g->H * g->W) >= STN_OMP_MIN;
  int64_t groups = 1;
  if (grad_images && big && g->B < 4 * (int64_t)num_threads) {
    groups = (4 * (int64_t)num_threads + g->B - 1) / g->B;
    if (groups > g->C) groups = g->C;
  }
  if (groups < 1) groups = 1;
  int64_t gsize = (g->C + groups - 1) / groups;
  int fused = grad_images && groups == 1;
  if (grad_images) {
#pragma omp parallel if (big)
    {
      corner_chunk cc;
      float gx[CHUNK], gy[CHUNK];
#pragma omp for schedule(static)
      for (int64_t t = 0; t < g->B * groups; t++) {
        int64_t b = t / groups, c0 = (t % groups) * gsize, c1 = c0 + gsize < g->C ? c0 + gsize : g->C;
        if (c0 >= c1) continue;
        float *gimg = grad_images + b * g->img_b;
        zero_channels(g, gimg, c0, c1);
        for (int64_t p0 = 0; p0 < P; p0 += CHUNK) {
          int n = (int)(P - p0 < CHUNK ? P - p0 : CHUNK);
          chunk_corners(g, grid, b, p0, n, &cc);
          if (fused) memset(gx, 0, sizeof gx), memset(gy, 0, sizeof gy);
          backward_chunk(g, &cc, images + b * g->img_b, grad_output + b * g->out_b + p0 * g->out_p, gimg,
                         fused ? gx : NULL, fused ? gy : NULL, c0, c1, n);
          if (fused) store_grid_grad(g, grad_grid, b, p0, n, gx, gy);
        }
      }
    }
  }
  if (!fused) {
#pragma omp parallel if (big)
    {
      corner_chunk cc;
      float gx[CHUNK], gy[CHUNK];
#pragma omp for schedule(static)
      for (int64_t t = 0; t < g->B * nchunk; t++) {
        int64_t b = t / nchunk, p0 = (t % nchunk) * CHUNK;
        int n = (int)(P - p0 < CHUNK ? P - p0 : CHUNK);
        chunk_corners(g, grid, b, p0, n, &cc);
        memset(gx, 0, sizeof gx);
        memset(gy, 0, sizeof gy);
        backward_chunk(g, &cc, images + b * g->img_b, grad_output + b * g->out_b + p0 * g->out_p, NULL, gx, gy, 0,
                       g->C, n);
        store_grid_grad(g, grad_grid, b, p0, n, gx, gy);
      }
    }
  }
  return STN_OK;
}
