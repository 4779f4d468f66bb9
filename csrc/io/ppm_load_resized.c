/* ppm_load_resized.c: the batch loader of the GTSRB images: Netpbm files read, decoded
 * and resized to one size in parallel, rounded to bytes; a failure names the first
 * failing file, whichever thread met it. */
#include "file.h"
#include "ppm.h"
#include "resize.h"
#include "core/error.h"

#include <stdlib.h>

/* One file of the batch: read, parse, resize, round into dst. */
static stn_status load_one(const char *path, int C, int OH, int OW, uint8_t *dst, int32_t *size, float *out) {
  uint8_t *buf, *px = NULL;
  size_t len;
  STN_TRY(stn_read_file("stn_ppm_load_resized", path, &buf, &len));
  stn_ppm_info info;
  stn_status st = stn_ppm_parse(buf, len, path, &info);
  if (st == STN_OK && info.channels != C)
    st = STN_FAIL(STN_ERR_IO, "stn_ppm_load_resized: %s has %d channel%s, %d expected", path, info.channels,
                  info.channels > 1 ? "s" : "", C);
  float *scratch = NULL;
  if (st == STN_OK) {
    const uint8_t *samples = buf + info.offset;
    if (info.maxval != 255) { /* other depths go through a byte copy scaled to 0..255 */
      px = (uint8_t *)malloc((size_t)info.width * info.height * C);
      if (px) stn_ppm_to_u8(buf, &info, px);
      samples = px;
    }
    scratch = (float *)malloc(sizeof(float) * ((size_t)C * info.height * OW + info.width));
    if (!samples || !scratch) st = STN_FAIL(STN_ERR_MEMORY, "stn_ppm_load_resized: %s: out of memory", path);
    else {
      stn_image_shape shape = {STN_PIXEL_U8, STN_LAYOUT_HWC, 1, C, info.height, info.width};
      st = stn_resize_one(&shape, samples, OH, OW, out, scratch);
    }
  }
  if (st == STN_OK) {
    size_t m = (size_t)C * OH * OW;
    for (size_t i = 0; i < m; i++) {
      float v = out[i] * 255.f + 0.5f;
      dst[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
    if (size) size[0] = info.width, size[1] = info.height;
  }
  free(scratch);
  free(px);
  free(buf);
  return st;
}

stn_status stn_ppm_load_resized(stn_ctx *ctx, const char *const *paths, int64_t n, int C, int OH, int OW, uint8_t *dst,
                                int32_t *sizes) {
  static const char *fn = "stn_ppm_load_resized";
  (void)ctx;
  STN_TRY(stn_check_resize_sizes(fn, C, 1, 1, OH, OW));
  if (n < 0 || (n > 0 && (!paths || !dst))) return STN_FAIL(STN_ERR_ARG, "%s: %lld files with NULL buffers", fn, (long long)n);
  for (int64_t i = 0; i < n; i++)
    if (!paths[i]) return STN_FAIL(STN_ERR_ARG, "%s: path %lld is NULL", fn, (long long)i);
  int64_t first_bad = n;
  stn_status bad_status = STN_OK;
  char bad_msg[1024] = "";
  size_t out_px = (size_t)C * OH * OW;
#pragma omp parallel if (n > 1)
  {
    float *out = (float *)malloc(sizeof(float) * out_px);
#pragma omp for schedule(dynamic, 8)
    for (int64_t i = 0; i < n; i++) {
      int64_t seen;
#pragma omp atomic read
      seen = first_bad;
      if (i > seen) continue; /* a file before this one failed already */
      stn_status st = out ? load_one(paths[i], C, OH, OW, dst + (size_t)i * out_px, sizes ? sizes + 2 * i : NULL, out)
                          : STN_FAIL(STN_ERR_MEMORY, "%s: out of memory", fn);
      if (st != STN_OK) {
#pragma omp critical(stn_ppm_load_resized)
        if (i < first_bad) {
#pragma omp atomic write
          first_bad = i;
          bad_status = st;
          stn_error_body(bad_msg, sizeof bad_msg);
        }
      }
    }
    free(out);
  }
  if (first_bad < n) return STN_FAIL(bad_status, "%s", bad_msg);
  return STN_OK;
}
