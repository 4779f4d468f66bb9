/* blob_crc.h: the custom mutation step of the dataset-cache harnesses (fuzz/blob.c,
 * fuzz/gtsrb_cache.c). A cache file (csrc/io/blob.c) is "STNBLOB1", nparts, sizes[nparts],
 * crc, then the sections, each padded to 8 bytes; integers 64-bit little-endian; the
 * CRC-32 runs over nparts, the sizes and each section's bytes (not the padding).
 * Without recomputing it nearly every mutation would stop at the checksum. */
#ifndef STN_FUZZ_BLOB_CRC_H
#define STN_FUZZ_BLOB_CRC_H

#include "fuzz.h"

static uint64_t fz_get64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= (uint64_t)p[i] << (8 * i);
  return v;
}

/* Rewrites the checksum of a cache file in place when its header and sections fit in
 * it; otherwise leaves it (the reader refuses such a file before the checksum). */
static inline void fz_fix_blob_crc(uint8_t *d, size_t size) {
  if (size < 24 || memcmp(d, "STNBLOB1", 8) != 0) return;
  uint64_t n = fz_get64(d + 8);
  if (n > 64 || 24 + 8 * n > size) return;
  size_t hlen = 16 + 8 * (size_t)n;
  uint32_t crc = 0;
  stn_crc32(d + 8, (int64_t)hlen - 8, &crc);
  size_t pos = hlen + 8;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t s = fz_get64(d + 16 + 8 * i);
    if (s > size || pos + s > size) return;
    stn_crc32(d + pos, (int64_t)s, &crc);
    pos += (s + 7) & ~(uint64_t)7;
  }
  for (int i = 0; i < 8; i++) d[hlen + i] = (uint8_t)((uint64_t)crc >> (8 * i));
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed) {
  size = LLVMFuzzerMutate(data, size, max_size);
  if (seed % 8 != 0) fz_fix_blob_crc(data, size); /* 1 in 8 keeps the checksum as mutated */
  return size;
}

#endif /* STN_FUZZ_BLOB_CRC_H */
