/* idx.c: libFuzzer harness for the IDX reader (csrc/io/idx.c) on the file's own bytes:
 * plain IDX and, when the input starts 1f 8b, gzip through zlib (the seeds hold both).
 * fuzz/idx_gz.c fuzzes the IDX content behind a valid gzip stream. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  stn_ctx *ctx = fz_ctx();
  fz_begin(size);
  const char *path = fz_file(data, size);
  stn_tensor t;
  memset(&t, 0, sizeof t);
  int type = 0;
  if (stn_idx_read(ctx, path, &t, &type) != STN_OK) fz_refused("stn_idx_read", path);
  else {
    fz_sink = fz_touch_tensor(&t);
    fz_check_plain_nans(&t);
  }
  int64_t values = stn_tensor_numel(&t);
  stn_tensor_release(&t);
  fz_end_basis(size, values);
  return 0;
}
