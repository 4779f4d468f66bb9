/* picture.c: pictures for display (float C x H x W, values 0..255, on the CPU): the
 * checks and byte conversions the PNG and GIF writers share, which formats were built
 * in, and the mapping of network inputs (normalized floats) back to 0..255. */
#include "picture.h"
#include "core/error.h"
#include "core/storage.h"
#include "core/tensor.h"

#include <math.h>

int stn_image_formats(void) {
  int f = 0;
#ifdef STN_WITH_PNG
  f |= STN_IMAGE_PNG;
#endif
#ifdef STN_WITH_GIF
  f |= STN_IMAGE_GIF;
#endif
  return f;
}

stn_status stn_check_picture(const char *fn, const char *what, const stn_tensor *t, int max_c, int batch_ok) {
  STN_TRY(stn_check_tensor(fn, what, t));
  if (t->device != STN_CPU)
    return STN_FAIL(STN_ERR_DEVICE, "%s: %s must be a CPU tensor, got a %s one (call :float() first)", fn, what,
                    stn_device_str(t->device));
  int ok = t->ndim == 3 || (batch_ok && t->ndim == 4);
  if (!ok)
    return STN_FAIL(STN_ERR_ARG, "%s: %s must be C x H x W%s, got %s", fn, what, batch_ok ? " or B x C x H x W" : "",
                    t->ndim == 0 ? "an empty tensor" : stn_shape_str(t));
  int64_t c = t->shape[t->ndim - 3], h = t->shape[t->ndim - 2], w = t->shape[t->ndim - 1];
  if (c < 1 || c > max_c || h < 1 || w < 1 || h > 1 << 16 || w > 1 << 16)
    return STN_FAIL(STN_ERR_ARG, "%s: %s must have 1 to %d channels and 1 to 65536 rows and columns, got %s", fn, what,
                    max_c, stn_shape_str(t));
  return STN_OK;
}

static inline uint8_t to_byte(float v) {
  if (!(v > 0)) return 0; /* NaN too */
  if (v >= 255) return 255;
  return (uint8_t)(v + 0.5f);
}

void stn_picture_to_bytes(const stn_tensor *t, uint8_t *hwc) {
  const float *p = stn_data(t);
  int64_t C = t->shape[0], H = t->shape[1], W = t->shape[2];
  int64_t sc = t->strides[0], sh = t->strides[1], sw = t->strides[2];
  /* one channel plane at a time: rows read in order (frames are large, this runs per tick) */
  for (int64_t c = 0; c < C; c++)
    for (int64_t i = 0; i < H; i++) {
      const float *row = p + c * sc + i * sh;
      uint8_t *out = hwc + i * W * C + c;
      if (sw == 1) {
        for (int64_t j = 0; j < W; j++) out[j * C] = to_byte(row[j]);
      } else {
        for (int64_t j = 0; j < W; j++) out[j * C] = to_byte(row[j * sw]);
      }
    }
}

void stn_picture_from_bytes(stn_tensor *t, const uint8_t *hwc) {
  float *p = stn_data(t);
  int64_t C = t->shape[0], H = t->shape[1], W = t->shape[2];
  int64_t sc = t->strides[0], sh = t->strides[1], sw = t->strides[2];
  for (int64_t i = 0; i < H; i++)
    for (int64_t j = 0; j < W; j++)
      for (int64_t c = 0; c < C; c++) p[c * sc + i * sh + j * sw] = hwc[(i * W + j) * C + c];
}

/* One image (C x H x W view at element offset base of in/out) mapped to 0..255. */
static void display_one(const stn_tensor *in, const float *ip, stn_tensor *out, float *op, int mode,
                        const float *mean, const float *std, int nstats, float scale) {
  int d = in->ndim;
  int64_t C = in->shape[d - 3], H = in->shape[d - 2], W = in->shape[d - 1];
  int64_t sc = in->strides[d - 3], sh = in->strides[d - 2], sw = in->strides[d - 1];
  int64_t oc = out->strides[d - 3], oh = out->strides[d - 2], ow = out->strides[d - 1];
  float a[4], b[4]; /* out = a[c] * in + b[c] */
  if (mode == STN_DISPLAY_AFFINE) {
    for (int64_t c = 0; c < C; c++) {
      int k = nstats == 1 ? 0 : (int)c;
      a[c] = scale * std[k];
      b[c] = scale * mean[k];
    }
  } else {
    float lo = INFINITY, hi = -INFINITY;
    for (int64_t c = 0; c < C; c++)
      for (int64_t i = 0; i < H; i++)
        for (int64_t j = 0; j < W; j++) {
          float v = ip[c * sc + i * sh + j * sw];
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
    for (int64_t c = 0; c < C; c++) {
      if (hi > lo) a[c] = 255.f / (hi - lo), b[c] = -lo * a[c];
      else a[c] = 0, b[c] = 128;
    }
  }
  for (int64_t c = 0; c < C; c++)
    for (int64_t i = 0; i < H; i++)
      for (int64_t j = 0; j < W; j++) {
        float v = a[c] * ip[c * sc + i * sh + j * sw] + b[c];
        op[c * oc + i * oh + j * ow] = v < 0 ? 0 : (v > 255 ? 255 : v);
      }
}

stn_status stn_image_to_display(stn_ctx *ctx, const stn_tensor *in, stn_tensor *out, int mode, const float *mean,
                                const float *std, int nstats, float scale) {
  static const char *fn = "stn_image_to_display";
  STN_TRY(stn_check_picture(fn, "input", in, 4, 1));
  STN_TRY(stn_check_tensor(fn, "output", out));
  if (out->device != STN_CPU) return STN_FAIL(STN_ERR_DEVICE, "%s: output must be a CPU tensor", fn);
  int64_t C = in->shape[in->ndim - 3];
  if (mode == STN_DISPLAY_AFFINE) {
    if (!mean || !std || (nstats != 1 && nstats != C))
      return STN_FAIL(STN_ERR_ARG, "%s: undoing a normalization needs 1 or %lld mean and std values, got %d", fn,
                      (long long)C, mean && std ? nstats : 0);
    for (int k = 0; k < nstats; k++)
      if (!isfinite(mean[k]) || !isfinite(std[k]))
        return STN_FAIL(STN_ERR_ARG, "%s: mean and std must be finite (value %d: %g, %g)", fn, k + 1, mean[k], std[k]);
    if (!isfinite(scale)) return STN_FAIL(STN_ERR_ARG, "%s: scale must be finite", fn);
  } else if (mode != STN_DISPLAY_STRETCH) {
    return STN_FAIL(STN_ERR_ARG, "%s: unknown mode %d (0: undo normalization, 1: stretch)", fn, mode);
  }
  if (out != in && stn_shares_storage(out, in) && !stn_same_view(out, in))
    return STN_FAIL(STN_ERR_ARG, "%s: output overlaps input without being the same view", fn);
  STN_TRY(stn_resize_as(ctx, out, in));
  int64_t B = in->ndim == 4 ? in->shape[0] : 1;
  for (int64_t b = 0; b < B; b++) {
    const float *ip = stn_data(in) + (in->ndim == 4 ? b * in->strides[0] : 0);
    float *op = stn_data(out) + (out->ndim == 4 ? b * out->strides[0] : 0);
    display_one(in, ip, out, op, mode, mean, std, nstats, scale);
  }
  return STN_OK;
}
