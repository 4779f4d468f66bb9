/* idx_gz.c: libFuzzer harness for the gzip path of the IDX reader (csrc/io/idx.c): the
 * input is the IDX content, which the harness gzips (zlib, level 1) before the reader
 * sees it, so that mutations reach the parser behind a valid stream: claimed sizes
 * checked against the decompressed length, short and overlong streams. */
#include "fuzz.h"

#include <zlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  stn_ctx *ctx = fz_ctx();
  z_stream z;
  memset(&z, 0, sizeof z);
  if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) fz_finding("deflateInit2 failed");
  uLong cap = deflateBound(&z, (uLong)size) + 64;
  uint8_t *gz = (uint8_t *)malloc(cap);
  z.next_in = (Bytef *)data, z.avail_in = (uInt)size, z.next_out = gz, z.avail_out = (uInt)cap;
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) fz_finding("deflate did not finish");
  size_t gz_len = cap - z.avail_out;
  deflateEnd(&z);

  fz_begin(size);
  const char *path = fz_file(gz, gz_len);
  stn_tensor t;
  memset(&t, 0, sizeof t);
  int type = 0;
  if (stn_idx_read(ctx, path, &t, &type) != STN_OK) fz_refused("stn_idx_read", path);
  else {
    fz_sink = fz_touch_tensor(&t);
    fz_check_plain_nans(&t);
  }
  stn_tensor_release(&t);
  fz_end(size);
  free(gz);
  return 0;
}
