/* blob.c: libFuzzer harness for the dataset cache files (csrc/io/blob.c, stn_blob_read)
 * as stn.data.gtsrb reads them: at most 8 sections, then every byte of every section
 * read where the offsets and sizes say it is. The file carries a CRC-32 over its
 * header and sections; the custom mutator (blob_crc.h) recomputes it after most
 * mutations, so that the reader's checks beyond the checksum get exercised. The
 * Lua side of the cache (stn.data.gtsrb's cache_read) is fuzz/gtsrb_cache.c. */
#include "blob_crc.h"

enum { MAX_PARTS = 8 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_begin(size);
  const char *path = fz_file(data, size);
  int nparts = 0;
  int64_t sizes[MAX_PARTS], offsets[MAX_PARTS];
  uint8_t *buf = NULL;
  if (stn_blob_read(path, MAX_PARTS, &nparts, sizes, offsets, &buf) != STN_OK) {
    if (nparts != -2) fz_finding("stn_blob_read refused an existing file with nparts %d (-2 expected)", nparts);
    if (buf) fz_finding("stn_blob_read refused a file but handed out a buffer");
    fz_refused("stn_blob_read", path);
  } else {
    if (nparts < 0 || nparts > MAX_PARTS) fz_finding("stn_blob_read accepted %d sections (at most %d asked)", nparts, MAX_PARTS);
    int64_t total = 0;
    for (int i = 0; i < nparts; i++) {
      if (sizes[i] < 0 || offsets[i] < 0 || (offsets[i] & 7))
        fz_finding("section %d: size %lld at offset %lld", i, (long long)sizes[i], (long long)offsets[i]);
      if (sizes[i] > (int64_t)size) fz_finding("section %d of %lld bytes in a file of %zu", i, (long long)sizes[i], size);
      fz_sink = (double)fz_touch_bytes(buf + offsets[i], sizes[i]);
      total += sizes[i];
    }
    if (total > (int64_t)size) fz_finding("sections of %lld bytes in all from a file of %zu", (long long)total, size);
    stn_free(buf);
  }
  fz_end(size);
  return 0;
}
