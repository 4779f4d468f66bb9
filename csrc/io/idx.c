/* idx.c: IDX files (the MNIST format), plain or gzipped, read into float tensors and
 * written from them. Gzip goes through zlib when the build has it (STN_WITH_ZLIB);
 * without it a gzipped file fails with a message naming the missing library. */
#include "reader_limits.h"
#include "core/copy.h"
#include "core/error.h"
#include "core/nan.h"
#include "core/storage.h"
#include "core/tensor.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef STN_WITH_ZLIB
#include <zlib.h>
#endif

#define NO_ZLIB_HINT "this stn was built without zlib (install zlib1g-dev and rebuild), or gunzip the file first"

static int type_size(int type) {
  switch (type) {
  case STN_IDX_U8: case STN_IDX_I8: return 1;
  case STN_IDX_I16: return 2;
  case STN_IDX_I32: case STN_IDX_F32: return 4;
  case STN_IDX_F64: return 8;
  }
  return 0;
}
static const char *type_name(int type) {
  switch (type) {
  case STN_IDX_U8: return "ubyte";
  case STN_IDX_I8: return "byte";
  case STN_IDX_I16: return "short";
  case STN_IDX_I32: return "int";
  case STN_IDX_F32: return "float";
  case STN_IDX_F64: return "double";
  }
  return "?";
}

/* A plain or gzipped input stream. */
typedef struct reader {
  FILE *f;
#ifdef STN_WITH_ZLIB
  gzFile gz;
#endif
  const char *path;
  int64_t size; /* a plain regular file's length in bytes; -1 when unknown (gzip, pipes) */
} reader;

static stn_status rd_open(reader *r, const char *path) {
  memset(r, 0, sizeof *r);
  r->path = path;
  r->size = -1;
  r->f = fopen(path, "rb");
  if (!r->f) return STN_FAIL(STN_ERR_IO, "stn_idx_read: cannot open %s: %s", path, strerror(errno));
  unsigned char m[2] = {0, 0};
  size_t got = fread(m, 1, 2, r->f);
  if (got == 2 && m[0] == 0x1f && m[1] == 0x8b) {
    fclose(r->f);
    r->f = NULL;
#ifdef STN_WITH_ZLIB
    r->gz = gzopen(path, "rb");
    if (!r->gz) return STN_FAIL(STN_ERR_IO, "stn_idx_read: cannot open %s: %s", path, strerror(errno));
    gzbuffer(r->gz, 1 << 17);
    return STN_OK;
#else
    return STN_FAIL(STN_ERR_IO, "stn_idx_read: %s is gzipped but " NO_ZLIB_HINT, path);
#endif
  }
  rewind(r->f);
  struct stat sb;
  if (fstat(fileno(r->f), &sb) == 0 && S_ISREG(sb.st_mode)) r->size = (int64_t)sb.st_size;
  return STN_OK;
}

#ifdef STN_WITH_ZLIB
/* zlib's message without the "path: " it starts with (ours names the file already). */
static const char *gz_message(reader *r, int *code) {
  const char *msg = gzerror(r->gz, code);
  size_t n = strlen(r->path);
  return strncmp(msg, r->path, n) == 0 && msg[n] == ':' ? msg + n + (msg[n + 1] == ' ' ? 2 : 1) : msg;
}
#endif

/* Reads up to n bytes; *got receives how many. Fails only on a read or gzip error. */
static stn_status rd_read(reader *r, void *buf, size_t n, size_t *got) {
#ifdef STN_WITH_ZLIB
  if (r->gz) {
    size_t total = 0;
    while (total < n) {
      unsigned chunk = n - total > (1u << 30) ? (1u << 30) : (unsigned)(n - total);
      int k = gzread(r->gz, (char *)buf + total, chunk);
      if (k < 0 || (k == 0 && !gzeof(r->gz))) {
        int code;
        const char *msg = gz_message(r, &code);
        return STN_FAIL(STN_ERR_IO, "stn_idx_read: %s: corrupt gzip data: %s", r->path, msg);
      }
      if (k == 0) break;
      total += (size_t)k;
    }
    *got = total;
    /* zlib reports a cut stream as an error only on the call that hits its end */
    int code;
    const char *msg = gz_message(r, &code);
    if (code != Z_OK && code != Z_STREAM_END && total < n)
      return STN_FAIL(STN_ERR_IO, "stn_idx_read: %s: gzip stream cut short: %s", r->path, msg);
    return STN_OK;
  }
#endif
  *got = fread(buf, 1, n, r->f);
  if (ferror(r->f)) return STN_FAIL(STN_ERR_IO, "stn_idx_read: %s: read error: %s", r->path, strerror(errno));
  return STN_OK;
}

static void rd_close(reader *r) {
  if (r->f) fclose(r->f);
#ifdef STN_WITH_ZLIB
  if (r->gz) gzclose(r->gz);
#endif
}

static float decode_be(const uint8_t *p, int type) {
  switch (type) {
  case STN_IDX_U8: return (float)p[0];
  case STN_IDX_I8: return (float)(int8_t)p[0];
  case STN_IDX_I16: return (float)(int16_t)(uint16_t)(p[0] << 8 | p[1]);
  case STN_IDX_I32: return (float)(int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
  case STN_IDX_F32: {
    uint32_t u = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    float f;
    memcpy(&f, &u, 4);
    return stn_plain_nan(f);
  }
  default: {
    uint64_t u = 0;
    for (int i = 0; i < 8; i++) u = u << 8 | p[i];
    double d;
    memcpy(&d, &u, 8);
    return stn_plain_nan((float)d);
  }
  }
}

static void decode_run(const uint8_t *src, size_t n, int type, float *dst) {
  if (type == STN_IDX_U8) /* the common case (MNIST-like images and labels), kept vectorizable */
    for (size_t i = 0; i < n; i++) dst[i] = (float)src[i];
  else
    for (size_t i = 0, es = (size_t)type_size(type); i < n; i++) dst[i] = decode_be(src + i * es, type);
}

static stn_status truncated(reader *r, int type, const char *shape, int64_t total, int64_t found) {
  return STN_FAIL(STN_ERR_IO, "stn_idx_read: %s is truncated: its header announces %s %s elements = %lld bytes of data, %lld found",
                  r->path, shape, type_name(type), (long long)total, (long long)found);
}
static stn_status overlong(reader *r, int type, const char *shape) {
  return STN_FAIL(STN_ERR_IO, "stn_idx_read: %s holds more data than its header announces (%s %s elements)", r->path, shape,
                  type_name(type));
}

/* Fails unless the stream ends here. */
static stn_status expect_end(reader *r, int type, const char *shape) {
  uint8_t byte;
  size_t extra;
  STN_TRY(rd_read(r, &byte, 1, &extra));
  return extra ? overlong(r, type, shape) : STN_OK;
}

/* The elements of a file whose length is known, straight into dst in chunks (the
 * length was compared with the header before dst was allocated). */
static stn_status read_body_direct(reader *r, int type, int64_t count, float *dst, const char *shape) {
  int es = type_size(type);
  enum { CHUNK = 1 << 20 };
  uint8_t *buf = (uint8_t *)malloc(CHUNK);
  if (!buf) return STN_FAIL(STN_ERR_MEMORY, "stn_idx_read: out of memory");
  int64_t total = count * es, done = 0;
  stn_status st = STN_OK;
  while (done < total) {
    size_t want = total - done > CHUNK ? CHUNK : (size_t)(total - done), got;
    if ((st = rd_read(r, buf, want, &got)) != STN_OK) break;
    decode_run(buf, got / (size_t)es, type, dst + done / es);
    done += (int64_t)got;
    if (got < want) { st = truncated(r, type, shape, total, done); break; } /* the file shrank meanwhile */
  }
  if (st == STN_OK) st = expect_end(r, type, shape);
  free(buf);
  return st;
}

/* The element bytes of a stream of unknown length (gzip): gathered in a buffer that
 * grows only as data arrives, so a header announcing more than the stream holds costs
 * no more memory than the data actually present. */
static stn_status read_body_growing(reader *r, int type, int64_t total, const char *shape, uint8_t **out) {
  size_t cap = (uint64_t)total < IDX_FIRST_BUFFER ? (size_t)total : IDX_FIRST_BUFFER, done = 0;
  uint8_t *buf = (uint8_t *)malloc(cap);
  if (!buf) return STN_FAIL(STN_ERR_MEMORY, "stn_idx_read: %s: out of memory", r->path);
  stn_status st = STN_OK;
  while (done < (size_t)total) {
    if (done == cap) {
      size_t grown = cap > (size_t)total / 2 ? (size_t)total : 2 * cap;
      uint8_t *p = (uint8_t *)realloc(buf, grown);
      if (!p) { st = STN_FAIL(STN_ERR_MEMORY, "stn_idx_read: %s: cannot grow a buffer to %zu bytes", r->path, grown); break; }
      buf = p, cap = grown;
    }
    size_t got;
    if ((st = rd_read(r, buf + done, cap - done, &got)) != STN_OK) break;
    done += got;
    if (got == 0) { st = truncated(r, type, shape, total, (int64_t)done); break; }
  }
  if (st == STN_OK) st = expect_end(r, type, shape);
  if (st != STN_OK) { free(buf); return st; }
  *out = buf;
  return STN_OK;
}

stn_status stn_idx_read(stn_ctx *ctx, const char *path, stn_tensor *out, int *type_out) {
  static const char *fn = "stn_idx_read";
  if (!path) return STN_FAIL(STN_ERR_ARG, "%s: path is NULL", fn);
  STN_TRY(stn_check_tensor(fn, "out", out));
  if (out->device != STN_CPU) return STN_FAIL(STN_ERR_DEVICE, "%s: out must be a cpu tensor", fn);
  reader r;
  stn_status st = rd_open(&r, path);
  if (st != STN_OK) { rd_close(&r); return st; }
  uint8_t head[4 + 4 * 255];
  uint8_t *bytes = NULL;
  size_t got;
  int64_t dims[STN_MAX_DIM], count = 1;
  char shape[160] = "";
  stn_tensor tmp = {0};
  if ((st = rd_read(&r, head, 4, &got)) != STN_OK) goto done;
  if (got < 4 || head[0] != 0 || head[1] != 0 || !type_size(head[2])) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s is not an IDX file (magic 00 00 <type> <ndim> expected, found %02x %02x %02x %02x)",
                  fn, path, got > 0 ? head[0] : 0, got > 1 ? head[1] : 0, got > 2 ? head[2] : 0, got > 3 ? head[3] : 0);
    goto done;
  }
  int type = head[2], ndim = head[3], es = type_size(type);
  if (ndim < 1 || ndim > STN_MAX_DIM) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s has %d dimensions (1 to %d supported)", fn, path, ndim, STN_MAX_DIM);
    goto done;
  }
  if ((st = rd_read(&r, head + 4, 4 * (size_t)ndim, &got)) != STN_OK) goto done;
  if (got < 4 * (size_t)ndim) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s is truncated in its header (%d sizes announced)", fn, path, ndim);
    goto done;
  }
  int too_many = 0;
  for (int d = 0; d < ndim; d++) {
    const uint8_t *p = head + 4 + 4 * d;
    dims[d] = (int64_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
    if (dims[d] > 0 && count > IDX_MAX_ELEMENTS / dims[d]) too_many = 1; /* count stays <= the cap: no overflow */
    else count *= dims[d];
    size_t sl = strlen(shape);
    snprintf(shape + sl, sizeof shape - sl, d ? "x%lld" : "%lld", (long long)dims[d]);
  }
  for (int d = 0; d < ndim && too_many; d++)
    if (dims[d] == 0) too_many = 0, count = 0;
  if (too_many) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s announces %s %s elements, more than the %lld (2^%d) this reader accepts", fn, path, shape,
                  type_name(type), (long long)IDX_MAX_ELEMENTS, IDX_MAX_ELEMENTS_LOG2);
    goto done;
  }
  if (count == 0) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s holds no elements (%s)", fn, path, shape);
    goto done;
  }
  int64_t total = count * es, header_len = 4 + 4 * (int64_t)ndim;
  if (r.size >= 0) { /* a plain file: its length must be the header's announcement exactly */
    if (r.size - header_len < total) { st = truncated(&r, type, shape, total, r.size - header_len); goto done; }
    if (r.size - header_len > total) { st = overlong(&r, type, shape); goto done; }
  } else if ((st = read_body_growing(&r, type, total, shape, &bytes)) != STN_OK) {
    goto done;
  }
  if ((st = stn_resize_out(ctx, out, STN_FLOAT, ndim, dims)) != STN_OK) goto done;
  stn_tensor *target = out;
  if (!stn_tensor_is_contiguous(out)) { /* a strided view of the right shape: fill a copy */
    if ((st = stn_tensor_new(ctx, &tmp, STN_CPU, ndim, dims)) != STN_OK) goto done;
    target = &tmp;
  }
  if (bytes) decode_run(bytes, (size_t)count, type, stn_data(target));
  else if ((st = read_body_direct(&r, type, count, stn_data(target), shape)) != STN_OK) goto done;
  if (target == &tmp) st = stn_copy(ctx, out, &tmp);
  if (type_out) *type_out = type;
done:
  free(bytes);
  stn_tensor_release(&tmp);
  rd_close(&r);
  return st;
}

static stn_status encode_be(const char *path, int64_t i, float v, int type, uint8_t *p) {
  double lo = 0, hi = 0;
  switch (type) {
  case STN_IDX_U8: lo = 0, hi = 255; break;
  case STN_IDX_I8: lo = -128, hi = 127; break;
  case STN_IDX_I16: lo = -32768, hi = 32767; break;
  case STN_IDX_I32: lo = -2147483648.0, hi = 2147483647.0; break;
  }
  if (type != STN_IDX_F32 && type != STN_IDX_F64 && !(v >= lo && v <= hi && v == floorf(v)))
    return STN_FAIL(STN_ERR_ARG, "stn_idx_write: %s: element %lld is %g, not an integer in [%g, %g] for type %s", path,
                    (long long)i + 1, v, lo, hi, type_name(type));
  uint64_t u;
  int es = type_size(type);
  if (type == STN_IDX_F32) { uint32_t w; memcpy(&w, &v, 4); u = w; }
  else if (type == STN_IDX_F64) { double d = v; memcpy(&u, &d, 8); }
  else u = (uint64_t)(int64_t)v;
  for (int k = 0; k < es; k++) p[k] = (uint8_t)(u >> (8 * (es - 1 - k)));
  return STN_OK;
}

stn_status stn_idx_write(stn_ctx *ctx, const char *path, const stn_tensor *t, int type, int gzip) {
  static const char *fn = "stn_idx_write";
  if (!path) return STN_FAIL(STN_ERR_ARG, "%s: path is NULL", fn);
  STN_TRY(stn_check_tensor(fn, "t", t));
  if (t->device != STN_CPU) return STN_FAIL(STN_ERR_DEVICE, "%s: t must be a cpu tensor", fn);
  if (!type_size(type)) return STN_FAIL(STN_ERR_ARG, "%s: unknown IDX type 0x%02x", fn, type);
  if (t->ndim < 1) return STN_FAIL(STN_ERR_ARG, "%s: t is empty", fn);
#ifndef STN_WITH_ZLIB
  if (gzip) return STN_FAIL(STN_ERR_ARG, "%s: %s: cannot gzip: " NO_ZLIB_HINT, fn, path);
#endif
  for (int d = 0; d < t->ndim; d++)
    if (t->shape[d] > 0xFFFFFFFFll) return STN_FAIL(STN_ERR_ARG, "%s: size %s does not fit IDX's 32-bit sizes", fn, stn_shape_str(t));
  int64_t n = stn_tensor_numel(t);
  int es = type_size(type);
  size_t hlen = 4 + 4 * (size_t)t->ndim, blen = hlen + (size_t)n * es;
  uint8_t *bytes = (uint8_t *)malloc(blen);
  if (!bytes) return STN_FAIL(STN_ERR_MEMORY, "%s: cannot allocate %zu bytes", fn, blen);
  bytes[0] = bytes[1] = 0;
  bytes[2] = (uint8_t)type;
  bytes[3] = (uint8_t)t->ndim;
  for (int d = 0; d < t->ndim; d++) {
    uint32_t s = (uint32_t)t->shape[d];
    uint8_t *p = bytes + 4 + 4 * d;
    p[0] = (uint8_t)(s >> 24), p[1] = (uint8_t)(s >> 16), p[2] = (uint8_t)(s >> 8), p[3] = (uint8_t)s;
  }
  stn_tensor c;
  stn_status st = stn_contiguous_copy(ctx, &c, t);
  if (st != STN_OK) { free(bytes); return st; }
  const float *src = stn_data(&c);
  for (int64_t i = 0; i < n && st == STN_OK; i++) st = encode_be(path, i, src[i], type, bytes + hlen + (size_t)i * es);
  stn_tensor_release(&c);
  if (st != STN_OK) { free(bytes); return st; }
  const void *parts[1] = {bytes};
  int64_t sizes[1] = {(int64_t)blen};
#ifdef STN_WITH_ZLIB
  uint8_t *z = NULL;
  if (gzip) { /* deflate in memory with a gzip wrapper (windowBits 15 + 16) */
    if (blen > 0xFFFFFFF0u) {
      free(bytes);
      return STN_FAIL(STN_ERR_ARG, "%s: %s: %zu bytes is too much to gzip in one piece", fn, path, blen);
    }
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      free(bytes);
      return STN_FAIL(STN_ERR_INTERNAL, "%s: deflateInit2 failed", fn);
    }
    uLong bound = deflateBound(&zs, (uLong)blen) + 32;
    z = (uint8_t *)malloc(bound);
    int rc = Z_MEM_ERROR;
    if (z) {
      zs.next_in = bytes, zs.avail_in = (uInt)blen, zs.next_out = z, zs.avail_out = (uInt)bound;
      rc = deflate(&zs, Z_FINISH);
    }
    sizes[0] = (int64_t)zs.total_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) {
      free(z);
      free(bytes);
      return STN_FAIL(STN_ERR_INTERNAL, "%s: %s: deflate failed (%d)", fn, path, rc);
    }
    parts[0] = z;
  }
  st = stn_write_file_atomic(path, 1, parts, sizes);
  free(z);
#else
  st = stn_write_file_atomic(path, 1, parts, sizes);
#endif
  free(bytes);
  return st;
}
