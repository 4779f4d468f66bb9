/* serialize.c: what stn.save/stn.load need from C: the CRC-32 that guards a saved
 * file's payload, and the atomic write (a temporary file in the target's folder,
 * written, flushed and fsync'ed, then renamed over the target), so that a crash or a
 * full disk never leaves a half-written model where a good one was; the temporary
 * files of writers that died are removed by the next write to the same target. The
 * format itself is built and parsed in lua/stn/serialize.lua (stn_load_elements copies a
 * storage's elements out of a file, NaNs made plain); see docs/serialization.md. */
#define _GNU_SOURCE
#include "core/error.h"
#include "core/nan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* CRC-32 as in zlib, gzip and PNG (reflected polynomial 0xEDB88320), computed eight
 * bytes at a time with eight tables (slicing-by-8), about 1-2 GB/s per core. */
static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    crc_table[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; i++)
    for (int t = 1; t < 8; t++) crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xFF];
}

stn_status stn_crc32(const void *data, int64_t n, uint32_t *crc) {
  if (!crc) return STN_FAIL(STN_ERR_ARG, "stn_crc32: crc is NULL");
  if (n < 0 || (n > 0 && !data)) return STN_FAIL(STN_ERR_ARG, "stn_crc32: bad buffer (%lld bytes)", (long long)n);
  pthread_once(&crc_once, crc_init);
  const unsigned char *p = (const unsigned char *)data;
  uint32_t c = ~*crc;
  for (; n > 0 && ((uintptr_t)p & 7); n--) c = crc_table[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
  for (; n >= 8; n -= 8, p += 8) {
    uint32_t lo = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
    uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
    c = crc_table[7][lo & 0xFF] ^ crc_table[6][(lo >> 8) & 0xFF] ^ crc_table[5][(lo >> 16) & 0xFF] ^
        crc_table[4][lo >> 24] ^ crc_table[3][hi & 0xFF] ^ crc_table[2][(hi >> 8) & 0xFF] ^
        crc_table[1][(hi >> 16) & 0xFF] ^ crc_table[0][hi >> 24];
  }
  for (; n > 0; n--) c = crc_table[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
  *crc = ~c;
  return STN_OK;
}

stn_status stn_load_elements(void *dst, int dtype, const void *src, int64_t n) {
  if (dtype < 0 || dtype >= STN_NUM_DTYPES)
    return STN_FAIL(STN_ERR_ARG, "stn_load_elements: unknown element type %d", dtype);
  if (n < 0 || (n > 0 && (!dst || !src)))
    return STN_FAIL(STN_ERR_ARG, "stn_load_elements: %lld %s elements from %p to %p", (long long)n,
                    stn_dtype_name(dtype), src, dst);
  if (n == 0) return STN_OK;
  memcpy(dst, src, (size_t)n * (size_t)stn_dtype_size(dtype));
  if (dtype == STN_FLOAT) {
    float *f = (float *)dst;
    for (int64_t i = 0; i < n; i++) f[i] = stn_plain_nan(f[i]);
  } else if (dtype == STN_DOUBLE) {
    double *d = (double *)dst;
    for (int64_t i = 0; i < n; i++) d[i] = stn_plain_nan_d(d[i]);
  }
  return STN_OK;
}

/* The folder holding path (".", "/" or the part before the last slash) into dir;
 * 0 when it does not fit. */
static int folder_of(const char *path, char *dir, size_t size) {
  const char *slash = strrchr(path, '/');
  if (!slash) snprintf(dir, size, ".");
  else if (slash == path) snprintf(dir, size, "/");
  else {
    size_t n = (size_t)(slash - path);
    if (n >= size) return 0;
    memcpy(dir, path, n);
    dir[n] = 0;
  }
  return 1;
}

/* Makes the rename durable: fsync of the folder holding path (best effort: the new
 * file is already complete and in place when this runs). */
static void sync_folder(const char *path) {
  char dir[4096];
  if (!folder_of(path, dir, sizeof dir)) return;
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    (void)fsync(fd);
    close(fd);
  }
}

/* Temporary files are "<target>.tmp-XXXXXX" (mkstemp's six letters or digits), and their
 * writer holds an exclusive flock on each from creation to rename. The kernel drops the
 * lock when the writer dies however it dies (kill -9 included), so a temporary file of
 * the same target that can be locked is one whose writer is gone: it is removed. One
 * still being written is locked and left alone; so is anything not named that way. */
static int is_temp_name(const char *name, const char *base, size_t blen) {
  if (strncmp(name, base, blen) != 0 || strncmp(name + blen, ".tmp-", 5) != 0) return 0;
  const char *x = name + blen + 5;
  for (int i = 0; i < 6; i++)
    if (!((x[i] >= 'a' && x[i] <= 'z') || (x[i] >= 'A' && x[i] <= 'Z') || (x[i] >= '0' && x[i] <= '9'))) return 0;
  return x[6] == 0;
}

/* Removes the temporary files that died writers left for path (best effort: a folder
 * that cannot be read, or a file system without flock, cleans nothing). */
static void remove_stale_temps(const char *path) {
  char dir[4096];
  if (!folder_of(path, dir, sizeof dir)) return;
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t blen = strlen(base);
  if (blen == 0) return;
  int dfd = open(dir, O_RDONLY | O_DIRECTORY);
  if (dfd < 0) return;
  DIR *d = fdopendir(dfd);
  if (!d) {
    close(dfd);
    return;
  }
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!is_temp_name(e->d_name, base, blen)) continue;
    int fd = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat held, named;
    /* the name must still be this regular file once locked: a writer that just made it
     * and lost the race checks the same and starts over (stn_write_file_atomic) */
    if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &held) == 0 && S_ISREG(held.st_mode) &&
        fstatat(dfd, e->d_name, &named, AT_SYMLINK_NOFOLLOW) == 0 && named.st_dev == held.st_dev &&
        named.st_ino == held.st_ino)
      (void)unlinkat(dfd, e->d_name, 0);
    close(fd); /* drops the lock */
  }
  closedir(d); /* closes dfd */
}

/* Makes path's temporary file, locked (see remove_stale_temps); returns its descriptor
 * (and its name in tmp), or -1 with errno set. */
static int make_temp(const char *path, char *tmp, size_t plen) {
  for (int attempt = 0; attempt < 100; attempt++) {
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp-XXXXXX", 12);
    int fd = mkstemp(tmp); /* next to path, so that rename stays within one file system */
    if (fd < 0) return -1;
    if (flock(fd, LOCK_EX) != 0) return fd; /* no flock here: then no one cleans either */
    struct stat held, named;
    if (fstat(fd, &held) == 0 && stat(tmp, &named) == 0 && named.st_dev == held.st_dev && named.st_ino == held.st_ino)
      return fd;
    close(fd); /* another writer's cleanup took it for stale between mkstemp and flock */
  }
  errno = EAGAIN;
  return -1;
}

stn_status stn_write_file_atomic(const char *path, int n, const void *const *data, const int64_t *len) {
  static const char *fn = "stn_write_file_atomic";
  if (!path || !*path) return STN_FAIL(STN_ERR_ARG, "%s: empty path", fn);
  if (n < 0 || (n > 0 && (!data || !len))) return STN_FAIL(STN_ERR_ARG, "%s: %s: bad chunk list (%d chunks)", fn, path, n);
  for (int i = 0; i < n; i++)
    if (len[i] < 0 || (len[i] > 0 && !data[i]))
      return STN_FAIL(STN_ERR_ARG, "%s: %s: chunk %d is bad (%lld bytes)", fn, path, i, (long long)len[i]);
  size_t plen = strlen(path);
  char *tmp = (char *)malloc(plen + 16);
  if (!tmp) return STN_FAIL(STN_ERR_MEMORY, "%s: out of memory", fn);
  remove_stale_temps(path); /* before writing: their space may be what this write needs */
  int fd = make_temp(path, tmp, plen);
  if (fd < 0) {
    int e = errno;
    free(tmp);
    return STN_FAIL(STN_ERR_IO, "%s: cannot create a temporary file next to %s: %s", fn, path, strerror(e));
  }
  /* The lock belongs to the open file, which `lock` keeps open after fclose, until the
   * rename is done: a closed but not yet renamed file must not look stale. */
  int lock = dup(fd);
  /* mkstemp makes the file 0600; give it the mode a plain fopen would */
  mode_t mask = umask(0);
  umask(mask);
  (void)fchmod(fd, 0666 & ~mask);

  stn_status st = STN_OK;
  FILE *f = fdopen(fd, "wb");
  if (!f) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s: fdopen failed: %s", fn, tmp, strerror(errno));
    close(fd);
  } else {
    for (int i = 0; i < n && st == STN_OK; i++) {
      if (len[i] > 0 && fwrite(data[i], 1, (size_t)len[i], f) != (size_t)len[i])
        st = STN_FAIL(STN_ERR_IO, "%s: writing %s failed: %s", fn, tmp, strerror(errno));
    }
    if (st == STN_OK && fflush(f) != 0) st = STN_FAIL(STN_ERR_IO, "%s: flushing %s failed: %s", fn, tmp, strerror(errno));
    if (st == STN_OK && fsync(fileno(f)) != 0) st = STN_FAIL(STN_ERR_IO, "%s: fsync of %s failed: %s", fn, tmp, strerror(errno));
    if (fclose(f) != 0 && st == STN_OK) st = STN_FAIL(STN_ERR_IO, "%s: closing %s failed: %s", fn, tmp, strerror(errno));
  }
  if (st == STN_OK && rename(tmp, path) != 0)
    st = STN_FAIL(STN_ERR_IO, "%s: cannot rename %s to %s: %s", fn, tmp, path, strerror(errno));
  if (st != STN_OK) unlink(tmp); /* the old file at path is untouched */
  else sync_folder(path);
  if (lock >= 0) close(lock);
  free(tmp);
  return st;
}
