/* blob.c: the checksummed "blob" files that cache decoded data sets (written
 * atomically by stn_write_file_atomic, guarded by stn_crc32: csrc/io/serialize.c). */
#include "core/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A blob file: "STNBLOB1", nparts (u64), sizes[nparts] (u64), CRC-32 (u64), then the sections,
 * each padded to 8 bytes. Integers little-endian. The CRC runs over the header
 * (nparts and sizes) and every section in turn. */
enum { BLOB_MAX_PARTS = 64 };
static const char blob_magic[8] = {'S', 'T', 'N', 'B', 'L', 'O', 'B', '1'};

static void put_le64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static uint64_t get_le64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= (uint64_t)p[i] << (8 * i);
  return v;
}
static int64_t pad8(int64_t n) { return (n + 7) & ~(int64_t)7; }

static uint64_t blob_checksum(const uint8_t *header, size_t header_len, int nparts, const uint8_t *const *parts,
                              const int64_t *sizes) {
  uint32_t c = 0;
  stn_crc32(header, (int64_t)header_len, &c); /* cannot fail: the buffers are valid */
  for (int i = 0; i < nparts; i++) stn_crc32(parts[i], sizes[i], &c);
  return c;
}

stn_status stn_blob_write(const char *path, int nparts, const void *const *parts, const int64_t *sizes) {
  static const char *fn = "stn_blob_write";
  if (!path || nparts < 0 || nparts > BLOB_MAX_PARTS || (nparts > 0 && (!parts || !sizes)))
    return STN_FAIL(STN_ERR_ARG, "%s: bad arguments (%d sections, at most %d)", fn, nparts, BLOB_MAX_PARTS);
  uint8_t header[8 * (BLOB_MAX_PARTS + 3)];
  memcpy(header, blob_magic, 8);
  put_le64(header + 8, (uint64_t)nparts);
  for (int i = 0; i < nparts; i++) {
    if (sizes[i] < 0 || (sizes[i] > 0 && !parts[i]))
      return STN_FAIL(STN_ERR_ARG, "%s: section %d: bad size %lld or NULL data", fn, i, (long long)sizes[i]);
    put_le64(header + 16 + 8 * i, (uint64_t)sizes[i]);
  }
  size_t hlen = 16 + 8 * (size_t)nparts;
  uint64_t sum = blob_checksum(header + 8, hlen - 8, nparts, (const uint8_t *const *)parts, sizes);
  put_le64(header + hlen, sum);
  static const uint8_t zeros[8];
  const void *out_parts[1 + 2 * BLOB_MAX_PARTS];
  int64_t out_sizes[1 + 2 * BLOB_MAX_PARTS];
  int k = 0;
  out_parts[k] = header, out_sizes[k++] = (int64_t)hlen + 8;
  for (int i = 0; i < nparts; i++) {
    out_parts[k] = parts[i], out_sizes[k++] = sizes[i];
    out_parts[k] = zeros, out_sizes[k++] = pad8(sizes[i]) - sizes[i];
  }
  return stn_write_file_atomic(path, k, out_parts, out_sizes);
}

stn_status stn_blob_read(const char *path, int max_parts, int *nparts, int64_t *sizes, int64_t *offsets, uint8_t **data) {
  static const char *fn = "stn_blob_read";
  if (!path || !nparts || !sizes || !offsets || !data || max_parts < 0)
    return STN_FAIL(STN_ERR_ARG, "%s: NULL argument", fn);
  *nparts = -1;
  *data = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) return STN_FAIL(STN_ERR_IO, "%s: cannot open %s: %s", fn, path, strerror(errno));
  *nparts = -2;
  stn_status st = STN_OK;
  uint8_t header[8 * (BLOB_MAX_PARTS + 3)];
  struct stat sb;
  uint8_t *buf = NULL;
  if (fstat(fileno(f), &sb) != 0) { st = STN_FAIL(STN_ERR_IO, "%s: cannot stat %s", fn, path); goto done; }
  if (!S_ISREG(sb.st_mode)) { st = STN_FAIL(STN_ERR_IO, "%s: %s is not a regular file", fn, path); goto done; }
  if (fread(header, 1, 16, f) != 16 || memcmp(header, blob_magic, 8) != 0) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s is not an stn cache file (bad magic or truncated header)", fn, path);
    goto done;
  }
  uint64_t n = get_le64(header + 8);
  if (n > BLOB_MAX_PARTS || (int)n > max_parts) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s announces %llu sections, at most %d expected", fn, path, (unsigned long long)n, max_parts);
    goto done;
  }
  size_t hlen = 16 + 8 * (size_t)n;
  if (fread(header + 16, 1, hlen - 16 + 8, f) != hlen - 16 + 8) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s is truncated in its header", fn, path);
    goto done;
  }
  /* Every announced size is compared with the bytes that remain after the header and the
   * sections before it, in unsigned arithmetic, before it is added: no sum can wrap, and
   * no section can point outside the buffer whatever the header says. */
  uint64_t file_len = (uint64_t)sb.st_size, used = hlen + 8;
  if (file_len < used) { st = STN_FAIL(STN_ERR_IO, "%s: %s is truncated in its header", fn, path); goto done; }
  uint64_t left = file_len - used;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t s = get_le64(header + 16 + 8 * i), padded = (s + 7) & ~(uint64_t)7;
    if (s > left || padded > left) {
      st = STN_FAIL(STN_ERR_IO,
                    "%s: %s: section %llu announces %llu bytes, only %llu of its %llu bytes remain (truncated or corrupt)",
                    fn, path, (unsigned long long)i + 1, (unsigned long long)s, (unsigned long long)left,
                    (unsigned long long)file_len);
      goto done;
    }
    sizes[i] = (int64_t)s;
    offsets[i] = (int64_t)(used - (hlen + 8));
    used += padded;
    left -= padded;
  }
  if (left != 0) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s holds %llu bytes, its header announces %llu (overwritten or appended to)", fn, path,
                  (unsigned long long)file_len, (unsigned long long)used);
    goto done;
  }
  int64_t total = (int64_t)(used - (hlen + 8));
  buf = (uint8_t *)malloc(total > 0 ? (size_t)total : 1);
  if (!buf) { st = STN_FAIL(STN_ERR_MEMORY, "%s: cannot allocate %lld bytes for %s", fn, (long long)total, path); goto done; }
  if (total > 0 && fread(buf, 1, (size_t)total, f) != (size_t)total) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s: short read", fn, path);
    goto done;
  }
  const uint8_t *ps[BLOB_MAX_PARTS];
  for (uint64_t i = 0; i < n; i++) ps[i] = buf + offsets[i];
  uint64_t want = get_le64(header + hlen);
  if (blob_checksum(header + 8, hlen - 8, (int)n, ps, sizes) != want) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s is corrupt (checksum mismatch)", fn, path);
    goto done;
  }
  *nparts = (int)n;
  *data = buf;
  buf = NULL;
done:
  free(buf);
  fclose(f);
  return st;
}
