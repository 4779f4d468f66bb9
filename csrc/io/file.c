/* file.c: the memory of the byte buffers the data functions hand out (stn_alloc,
 * stn_free) and whole-file reads. */
#include "file.h"
#include "core/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

stn_status stn_alloc(int64_t bytes, void **out) {
  if (!out) return STN_FAIL(STN_ERR_ARG, "stn_alloc: out is NULL");
  if (bytes < 0) return STN_FAIL(STN_ERR_ARG, "stn_alloc: negative size %lld", (long long)bytes);
  *out = malloc(bytes > 0 ? (size_t)bytes : 1);
  if (!*out) return STN_FAIL(STN_ERR_MEMORY, "stn_alloc: cannot allocate %lld bytes", (long long)bytes);
  return STN_OK;
}

void stn_free(void *p) { free(p); }

stn_status stn_read_file(const char *fn, const char *path, uint8_t **buf, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return STN_FAIL(STN_ERR_IO, "%s: cannot open %s: %s", fn, path, strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    fclose(f);
    return STN_FAIL(STN_ERR_IO, "%s: %s is not a regular file", fn, path);
  }
  size_t n = (size_t)st.st_size;
  uint8_t *b = (uint8_t *)malloc(n + 1);
  if (!b) {
    fclose(f);
    return STN_FAIL(STN_ERR_MEMORY, "%s: cannot allocate %zu bytes to read %s", fn, n + 1, path);
  }
  size_t got = n ? fread(b, 1, n, f) : 0;
  int err = ferror(f);
  fclose(f);
  if (got != n || err) {
    free(b);
    return STN_FAIL(STN_ERR_IO, "%s: reading %s: got %zu of its %zu bytes", fn, path, got, n);
  }
  b[n] = 0;
  *buf = b;
  *len = n;
  return STN_OK;
}
