/* ppm.c: binary Netpbm images (P6 colour, P5 gray): a strict header parser that
 * reports what is wrong and where (sizes bounded by reader_limits.h and by the bytes
 * present), sample conversion to bytes, and a writer. */
#include "ppm.h"
#include "file.h"
#include "reader_limits.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

/* Skips whitespace and comments ('#' to the end of the line) before a header field. */
static size_t skip_blanks(const uint8_t *b, size_t len, size_t i) {
  while (i < len) {
    if (is_space(b[i])) i++;
    else if (b[i] == '#') {
      while (i < len && b[i] != '\n' && b[i] != '\r') i++;
    } else break;
  }
  return i;
}

/* Reads the decimal field `what` at *pos; fails naming the file when it is missing,
 * not a number, or out of [lo, hi]. */
static stn_status read_field(const uint8_t *b, size_t len, size_t *pos, const char *name, const char *what, long lo,
                             long hi, long *out) {
  size_t i = skip_blanks(b, len, *pos);
  if (i >= len) return STN_FAIL(STN_ERR_IO, "stn_ppm_read: %s: header ends before its %s", name, what);
  if (b[i] < '0' || b[i] > '9')
    return STN_FAIL(STN_ERR_IO, "stn_ppm_read: %s: %s expected at byte %zu, found '%c' (0x%02x)", name, what, i,
                    b[i] >= 32 && b[i] < 127 ? b[i] : '?', b[i]);
  long v = 0;
  while (i < len && b[i] >= '0' && b[i] <= '9') {
    if (v > hi) break;
    v = v * 10 + (b[i++] - '0');
  }
  if (v < lo || v > hi) return STN_FAIL(STN_ERR_IO, "stn_ppm_read: %s: %s %ld is out of range [%ld, %ld]", name, what, v, lo, hi);
  if (i < len && !is_space(b[i]) && b[i] != '#')
    return STN_FAIL(STN_ERR_IO, "stn_ppm_read: %s: %s is followed by '%c' (0x%02x), not whitespace", name, what,
                    b[i] >= 32 && b[i] < 127 ? b[i] : '?', b[i]);
  *pos = i;
  *out = v;
  return STN_OK;
}

stn_status stn_ppm_parse(const uint8_t *b, size_t len, const char *name, stn_ppm_info *info) {
  if (len < 2 || b[0] != 'P' || (b[1] != '6' && b[1] != '5'))
    return STN_FAIL(STN_ERR_IO, "stn_ppm_read: %s is not a binary PPM/PGM file (magic P6 or P5 expected, found \"%.2s\")",
                    name, len >= 2 ? (const char *)b : "");
  if (len > 2 && !is_space(b[2]) && b[2] != '#')
    return STN_FAIL(STN_ERR_IO, "stn_ppm_read: %s: the magic number is not followed by whitespace", name);
  size_t pos = 2;
  long w, h, maxval;
  STN_TRY(read_field(b, len, &pos, name, "width", 1, PPM_MAX_SIDE, &w));
  STN_TRY(read_field(b, len, &pos, name, "height", 1, PPM_MAX_SIDE, &h));
  STN_TRY(read_field(b, len, &pos, name, "maxval", 1, 65535, &maxval));
  /* exactly one whitespace byte separates maxval from the samples */
  if (pos >= len || !is_space(b[pos]))
    return STN_FAIL(STN_ERR_IO, "stn_ppm_read: %s: no whitespace byte after maxval (file ends or a comment follows)", name);
  pos++;
  int channels = b[1] == '6' ? 3 : 1;
  /* at most 2^20 x 2^20 x 3 x 2 bytes: no overflow; compared with the bytes present
   * before anything of that size is allocated */
  size_t bytes = (size_t)w * (size_t)h * (size_t)channels * (maxval > 255 ? 2 : 1);
  if (len - pos < bytes)
    return STN_FAIL(STN_ERR_IO, "stn_ppm_read: %s: pixel data truncated: %zu bytes expected (%ldx%ld, %d channel%s, maxval %ld), %zu found",
                    name, bytes, w, h, channels, channels > 1 ? "s" : "", maxval, len - pos);
  info->width = (int)w;
  info->height = (int)h;
  info->channels = channels;
  info->maxval = (int)maxval;
  info->offset = pos;
  return STN_OK;
}

void stn_ppm_to_u8(const uint8_t *buf, const stn_ppm_info *info, uint8_t *dst) {
  const uint8_t *s = buf + info->offset;
  size_t n = (size_t)info->width * info->height * info->channels;
  uint32_t m = (uint32_t)info->maxval;
  if (m == 255) {
    memcpy(dst, s, n);
  } else if (m < 256) {
    for (size_t i = 0; i < n; i++) {
      uint32_t v = s[i] > m ? m : s[i];
      dst[i] = (uint8_t)((v * 255 + m / 2) / m);
    }
  } else { /* 16-bit big-endian samples */
    for (size_t i = 0; i < n; i++) {
      uint32_t v = (uint32_t)s[2 * i] << 8 | s[2 * i + 1];
      if (v > m) v = m;
      dst[i] = (uint8_t)((v * 255 + m / 2) / m);
    }
  }
}

stn_status stn_ppm_read(const char *path, uint8_t **pixels, int *width, int *height, int *channels) {
  if (!path || !pixels || !width || !height || !channels) return STN_FAIL(STN_ERR_ARG, "stn_ppm_read: NULL argument");
  uint8_t *buf;
  size_t len;
  STN_TRY(stn_read_file("stn_ppm_read", path, &buf, &len));
  stn_ppm_info info;
  stn_status st = stn_ppm_parse(buf, len, path, &info);
  if (st != STN_OK) { free(buf); return st; }
  size_t n = (size_t)info.width * info.height * info.channels;
  uint8_t *out = (uint8_t *)malloc(n);
  if (!out) { free(buf); return STN_FAIL(STN_ERR_MEMORY, "stn_ppm_read: %s: cannot allocate %zu bytes", path, n); }
  stn_ppm_to_u8(buf, &info, out);
  free(buf);
  *pixels = out;
  *width = info.width;
  *height = info.height;
  *channels = info.channels;
  return STN_OK;
}

stn_status stn_ppm_write(const char *path, const uint8_t *pixels, int width, int height, int channels, const char *comment) {
  static const char *fn = "stn_ppm_write";
  if (!path || !pixels) return STN_FAIL(STN_ERR_ARG, "%s: NULL argument", fn);
  if (width < 1 || height < 1 || (channels != 1 && channels != 3))
    return STN_FAIL(STN_ERR_ARG, "%s: %s: bad image %dx%d with %d channels (1 or 3 allowed)", fn, path, width, height, channels);
  if (comment && strpbrk(comment, "\r\n"))
    return STN_FAIL(STN_ERR_ARG, "%s: %s: the comment must be one line", fn, path);
  char header[512];
  int hl = snprintf(header, sizeof header, "P%c\n%s%.400s%s%d %d\n255\n", channels == 3 ? '6' : '5', comment ? "# " : "",
                    comment ? comment : "", comment ? "\n" : "", width, height);
  const void *parts[2] = {header, pixels};
  int64_t sizes[2] = {hl, (int64_t)width * height * channels};
  return stn_write_file_atomic(path, 2, parts, sizes);
}
