/* gif.c: libFuzzer harness for the GIF reader (csrc/io/gif_read.c, giflib): stn_gif_read
 * of every frame composited, with delays and the loop count; every element read back. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  stn_ctx *ctx = fz_ctx();
  fz_begin(size);
  const char *path = fz_file(data, size);
  stn_tensor t;
  memset(&t, 0, sizeof t);
  int delays[4], loop = 0;
  if (stn_gif_read(ctx, path, &t, delays, 4, &loop) != STN_OK) fz_refused("stn_gif_read", path);
  else if (t.ndim != 4 || t.shape[1] != 3) fz_finding("stn_gif_read gave frames of %d dims", t.ndim);
  else fz_sink = fz_touch_tensor(&t);
  int64_t values = stn_tensor_numel(&t);
  stn_tensor_release(&t);
  fz_end_basis(size, values);
  return 0;
}
