/* resize.c: image resizing with a separable triangle filter (bilinear when enlarging,
 * antialiased when shrinking), on byte or float images, HWC or CHW.
 *
 * Output pixel i of an axis of `in` input pixels resized to `out` has its centre at
 * c = (i + 0.5) * in / out in input coordinates (input pixel k spans [k, k + 1)).
 * With f = max(in / out, 1), input pixel k gets the weight max(0, 1 - |k + 0.5 - c| / f),
 * and the weights of the pixels inside the image are normalized to sum to 1 (so the
 * borders behave as edge replication for plain bilinear). This is Pillow's BILINEAR. */
#include "resize.h"
#include "core/context.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The weights of one axis: output i reads count[i] input pixels from start[i] with
 * weights w[i * taps ...]. */
typedef struct coefs {
  int taps;
  int *start, *count;
  float *w;
} coefs;

static void coefs_free(coefs *c) {
  free(c->start);
  free(c->count);
  free(c->w);
}

static stn_status coefs_make(int in, int out, coefs *c) {
  double scale = (double)in / out, f = scale > 1 ? scale : 1;
  c->taps = (int)ceil(2 * f) + 2;
  c->start = (int *)malloc(sizeof(int) * (size_t)out);
  c->count = (int *)malloc(sizeof(int) * (size_t)out);
  c->w = (float *)malloc(sizeof(float) * (size_t)out * (size_t)c->taps);
  if (!c->start || !c->count || !c->w) {
    coefs_free(c);
    return STN_FAIL(STN_ERR_MEMORY, "stn_image_resize: out of memory for the filter of %d -> %d", in, out);
  }
  for (int i = 0; i < out; i++) {
    double centre = (i + 0.5) * scale;
    int lo = (int)floor(centre - f), hi = (int)ceil(centre + f);
    if (lo < 0) lo = 0;
    if (hi > in - 1) hi = in - 1;
    double wk[64 + 8], *ws = wk, sum = 0;
    if (hi - lo + 1 > 64) ws = (double *)malloc(sizeof(double) * (size_t)(hi - lo + 1));
    if (!ws) { coefs_free(c); return STN_FAIL(STN_ERR_MEMORY, "stn_image_resize: out of memory"); }
    int first = -1, last = -1;
    for (int k = lo; k <= hi; k++) {
      double x = fabs(k + 0.5 - centre) / f, v = x < 1 ? 1 - x : 0;
      ws[k - lo] = v;
      sum += v;
      if (v > 0) { if (first < 0) first = k; last = k; }
    }
    if (first < 0) first = last = lo, ws[0] = sum = 1; /* unreachable for in, out >= 1; kept safe */
    c->start[i] = first;
    c->count[i] = last - first + 1;
    for (int k = first; k <= last; k++) c->w[(size_t)i * c->taps + (k - first)] = (float)(ws[k - lo] / sum);
    if (ws != wk) free(ws);
  }
  return STN_OK;
}

/* Sample (ch, y, x) of an image as a float (bytes / 255). */
static inline float pixel(const void *src, int type, int layout, int C, int H, int W, int ch, int y, int x) {
  size_t i = layout == STN_LAYOUT_HWC ? ((size_t)y * W + x) * C + ch : ((size_t)ch * H + y) * W + x;
  return type == STN_PIXEL_U8 ? ((const uint8_t *)src)[i] * (1.f / 255.f) : ((const float *)src)[i];
}

/* Horizontal pass into tmp (C x H x OW), then vertical into dst (C x OH x OW).
 * scratch: C * H * OW + W floats. */
static void resize_with(const coefs *cx, const coefs *cy, const void *src, int type, int layout, int C, int H, int W,
                        float *dst, int OH, int OW, float *scratch) {
  float *tmp = scratch, *line = scratch + (size_t)C * H * OW;
  for (int ch = 0; ch < C; ch++)
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) line[x] = pixel(src, type, layout, C, H, W, ch, y, x);
      float *t = tmp + ((size_t)ch * H + y) * OW;
      for (int j = 0; j < OW; j++) {
        const float *w = cx->w + (size_t)j * cx->taps, *l = line + cx->start[j];
        float s = 0;
        for (int k = 0; k < cx->count[j]; k++) s += w[k] * l[k];
        t[j] = s;
      }
    }
  for (int ch = 0; ch < C; ch++)
    for (int i = 0; i < OH; i++) {
      float *o = dst + ((size_t)ch * OH + i) * OW;
      const float *w = cy->w + (size_t)i * cy->taps;
      const float *t = tmp + ((size_t)ch * H + cy->start[i]) * OW;
      for (int j = 0; j < OW; j++) o[j] = 0;
      for (int k = 0; k < cy->count[i]; k++)
        for (int j = 0; j < OW; j++) o[j] += w[k] * t[(size_t)k * OW + j];
    }
}

stn_status stn_check_resize_sizes(const char *fn, int C, int H, int W, int OH, int OW) {
  if (C < 1 || H < 1 || W < 1 || OH < 1 || OW < 1 || C > 4096 || H > (1 << 20) || W > (1 << 20) || OH > (1 << 20) ||
      OW > (1 << 20))
    return STN_FAIL(STN_ERR_ARG, "%s: bad sizes: %d channels, %dx%d -> %dx%d", fn, C, H, W, OH, OW);
  return STN_OK;
}

stn_status stn_resize_one(const stn_image_shape *in, const void *src, int OH, int OW, float *dst, float *scratch) {
  int C = in->channels, H = in->height, W = in->width;
  coefs cx, cy;
  STN_TRY(coefs_make(W, OW, &cx));
  stn_status st = coefs_make(H, OH, &cy);
  if (st != STN_OK) { coefs_free(&cx); return st; }
  resize_with(&cx, &cy, src, in->pixel_type, in->layout, C, H, W, dst, OH, OW, scratch);
  coefs_free(&cx);
  coefs_free(&cy);
  return STN_OK;
}

stn_status stn_image_resize(stn_ctx *ctx, const stn_image_shape *in, const void *src, int OH, int OW, float *dst) {
  static const char *fn = "stn_image_resize";
  (void)ctx;
  if (!in) return STN_FAIL(STN_ERR_ARG, "%s: the image shape is NULL", fn);
  int type = in->pixel_type, layout = in->layout, C = in->channels, H = in->height, W = in->width;
  int64_t n = in->n;
  STN_TRY(stn_check_resize_sizes(fn, C, H, W, OH, OW));
  if (type != STN_PIXEL_U8 && type != STN_PIXEL_F32) return STN_FAIL(STN_ERR_ARG, "%s: unknown pixel type %d", fn, type);
  if (layout != STN_LAYOUT_HWC && layout != STN_LAYOUT_CHW) return STN_FAIL(STN_ERR_ARG, "%s: unknown layout %d", fn, layout);
  if (n < 0 || (n > 0 && (!src || !dst))) return STN_FAIL(STN_ERR_ARG, "%s: %lld images with NULL buffers", fn, (long long)n);
  coefs cx, cy;
  STN_TRY(coefs_make(W, OW, &cx));
  stn_status st = coefs_make(H, OH, &cy);
  if (st != STN_OK) { coefs_free(&cx); return st; }
  size_t in_px = (size_t)C * H * W, out_px = (size_t)C * OH * OW, esize = type == STN_PIXEL_U8 ? 1 : 4;
  size_t scratch_n = (size_t)C * H * OW + W;
  int failed = 0;
#pragma omp parallel if (n > 1 && (size_t)n * in_px >= STN_OMP_MIN)
  {
    float *scratch = (float *)malloc(sizeof(float) * scratch_n);
    if (!scratch) {
#pragma omp atomic write
      failed = 1;
    }
#pragma omp for schedule(static)
    for (int64_t i = 0; i < n; i++)
      if (scratch)
        resize_with(&cx, &cy, (const uint8_t *)src + (size_t)i * in_px * esize, type, layout, C, H, W,
                    dst + (size_t)i * out_px, OH, OW, scratch);
    free(scratch);
  }
  coefs_free(&cx);
  coefs_free(&cy);
  if (failed) return STN_FAIL(STN_ERR_MEMORY, "%s: out of memory for the scratch of %dx%d images", fn, H, W);
  return STN_OK;
}
