/* draw.c: filling polygons into byte images with antialiased edges (4 x 4 samples
 * per pixel, scanline even-odd rule). The synthetic GTSRB tree of the tools draws its
 * signs with it. */
#include "core/error.h"

#include <math.h>
#include <stdlib.h>

enum { SS = 4 }; /* samples per pixel along each axis */

stn_status stn_draw_polygon(uint8_t *image, int width, int height, int channels, const float *xy, int npoints,
                            const uint8_t *color) {
  static const char *fn = "stn_draw_polygon";
  if (!image || !xy || !color) return STN_FAIL(STN_ERR_ARG, "%s: NULL argument", fn);
  if (width < 1 || height < 1 || channels < 1 || channels > 4 || npoints < 3 || npoints > 100000)
    return STN_FAIL(STN_ERR_ARG, "%s: bad arguments: %dx%d image, %d channels, %d points", fn, width, height, channels, npoints);
  for (int k = 0; k < 2 * npoints; k++)
    if (!isfinite(xy[k])) return STN_FAIL(STN_ERR_ARG, "%s: coordinate %d is not finite", fn, k + 1);
  float ymin = xy[1], ymax = xy[1];
  for (int k = 1; k < npoints; k++) {
    if (xy[2 * k + 1] < ymin) ymin = xy[2 * k + 1];
    if (xy[2 * k + 1] > ymax) ymax = xy[2 * k + 1];
  }
  int y_first = ymin < 0 ? 0 : (int)ymin, y_last = ymax >= height ? height - 1 : (int)ymax;
  float *cov = (float *)malloc(sizeof(float) * (size_t)width);
  float *xs = (float *)malloc(sizeof(float) * (size_t)npoints);
  if (!cov || !xs) {
    free(cov);
    free(xs);
    return STN_FAIL(STN_ERR_MEMORY, "%s: out of memory", fn);
  }
  for (int y = y_first; y <= y_last; y++) {
    int touched = 0;
    for (int x = 0; x < width; x++) cov[x] = 0;
    for (int sy = 0; sy < SS; sy++) {
      float yy = y + (sy + 0.5f) / SS;
      int nx = 0;
      for (int k = 0; k < npoints; k++) { /* crossings of the edges with this sample row */
        int l = (k + 1) % npoints;
        float x0 = xy[2 * k], y0 = xy[2 * k + 1], x1 = xy[2 * l], y1 = xy[2 * l + 1];
        if ((y0 <= yy && yy < y1) || (y1 <= yy && yy < y0)) xs[nx++] = x0 + (yy - y0) * (x1 - x0) / (y1 - y0);
      }
      for (int i = 1; i < nx; i++) { /* insertion sort: a handful of crossings */
        float v = xs[i];
        int j = i - 1;
        while (j >= 0 && xs[j] > v) xs[j + 1] = xs[j], j--;
        xs[j + 1] = v;
      }
      for (int i = 0; i + 1 < nx; i += 2) { /* sample columns q with centre (q + 0.5) / SS in [xa, xb) */
        float qa = ceilf(xs[i] * SS - 0.5f), qb = ceilf(xs[i + 1] * SS - 0.5f);
        if (qa < 0) qa = 0;
        if (qb > (float)width * SS) qb = (float)width * SS;
        for (int q = (int)qa; q < (int)qb; q++) cov[q / SS] += 1.f / (SS * SS), touched = 1;
      }
    }
    if (!touched) continue;
    uint8_t *row = image + (size_t)y * width * channels;
    for (int x = 0; x < width; x++) {
      float a = cov[x];
      if (a <= 0) continue;
      for (int c = 0; c < channels; c++) {
        float v = row[x * channels + c] * (1 - a) + color[c] * a + 0.5f;
        row[x * channels + c] = (uint8_t)(v > 255 ? 255 : v);
      }
    }
  }
  free(cov);
  free(xs);
  return STN_OK;
}
