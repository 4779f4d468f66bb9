/* ppm.c: libFuzzer harness for the binary Netpbm reader (csrc/io/ppm.c): stn_ppm_read, and
 * stn_ppm_load_resized, the path GTSRB images take (header parse, sample scaling,
 * antialiased resize to 8 x 8 and to 48 x 48). Seeds: fuzz/lua/make_seeds.lua. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  stn_ctx *ctx = fz_ctx();
  fz_begin(size);
  const char *path = fz_file(data, size);
  uint8_t *px = NULL;
  int w = 0, h = 0, c = 0;
  if (stn_ppm_read(path, &px, &w, &h, &c) != STN_OK) {
    fz_refused("stn_ppm_read", path);
  } else {
    if (w < 1 || h < 1 || (c != 1 && c != 3)) fz_finding("stn_ppm_read accepted a %d x %d image of %d channels", w, h, c);
    fz_sink = (double)fz_touch_bytes(px, (int64_t)w * h * c);
    stn_free(px);
    static const int sides[2] = {8, 48};
    for (int k = 0; k < 2; k++) {
      int s = sides[k];
      uint8_t *out = (uint8_t *)malloc((size_t)c * s * s);
      int32_t dims[2] = {0, 0};
      const char *paths[1] = {path};
      if (stn_ppm_load_resized(ctx, paths, 1, c, s, s, out, dims) != STN_OK) fz_refused("stn_ppm_load_resized", path);
      else if (dims[0] != w || dims[1] != h)
        fz_finding("stn_ppm_load_resized reports %d x %d, stn_ppm_read %d x %d", dims[0], dims[1], w, h);
      else fz_sink = (double)fz_touch_bytes(out, (int64_t)c * s * s);
      free(out);
    }
  }
  fz_end(size);
  return 0;
}
