/* png.c: libFuzzer harness for the PNG reader (csrc/io/png_io.c, libpng's simplified API):
 * stn_png_read into a picture tensor, every element read back. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  stn_ctx *ctx = fz_ctx();
  fz_begin(size);
  const char *path = fz_file(data, size);
  stn_tensor t;
  memset(&t, 0, sizeof t);
  if (stn_png_read(ctx, path, &t) != STN_OK) fz_refused("stn_png_read", path);
  else if (t.ndim != 3 || t.shape[0] < 1 || t.shape[0] > 4) fz_finding("stn_png_read gave a picture of %d dims", t.ndim);
  else fz_sink = fz_touch_tensor(&t);
  int64_t values = stn_tensor_numel(&t);
  stn_tensor_release(&t);
  fz_end_basis(size, values);
  return 0;
}
