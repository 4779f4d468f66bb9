/* png_io.c: PNG files through libpng's simplified API (encoding and decoding happen in
 * memory; the file is then written atomically, or read whole first, so every file
 * error names the path and the reason). Without libpng (STN_WITH_PNG unset at build
 * time) both calls fail with a message naming the Debian package to install. A file's
 * announced size is checked against reader_limits.h and against what its compressed
 * data can hold before the pixels are allocated. */
#include "file.h"
#include "picture.h"
#include "reader_limits.h"
#include "core/error.h"
#include "core/tensor.h"
#include "core/storage.h"

#include <stdlib.h>
#include <string.h>

#ifdef STN_WITH_PNG
#include <png.h>

stn_status stn_png_write(stn_ctx *ctx, const char *path, const stn_tensor *picture) {
  static const char *fn = "stn_png_write";
  (void)ctx;
  if (!path || !*path) return STN_FAIL(STN_ERR_ARG, "%s: empty path", fn);
  STN_TRY(stn_check_picture(fn, "picture", picture, 4, 0));
  static const png_uint_32 formats[5] = {0, PNG_FORMAT_GRAY, PNG_FORMAT_GA, PNG_FORMAT_RGB, PNG_FORMAT_RGBA};
  int C = (int)picture->shape[0], H = (int)picture->shape[1], W = (int)picture->shape[2];
  unsigned char *pixels = (unsigned char *)malloc((size_t)C * H * W);
  if (!pixels) return STN_FAIL(STN_ERR_MEMORY, "%s: out of memory for a %s picture", fn, stn_shape_str(picture));
  stn_picture_to_bytes(picture, pixels);
  png_image image;
  memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = (png_uint_32)W, image.height = (png_uint_32)H;
  image.format = formats[C];
  png_alloc_size_t size = 0;
  void *png = NULL;
  stn_status st = STN_OK;
  if (!png_image_write_get_memory_size(image, size, 0, pixels, 0, NULL)) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s: cannot encode a %s picture: %s", fn, path, stn_shape_str(picture), image.message);
  } else if (!(png = malloc(size))) {
    st = STN_FAIL(STN_ERR_MEMORY, "%s: %s: out of memory for %lld bytes", fn, path, (long long)size);
  } else if (!png_image_write_to_memory(&image, png, &size, 0, pixels, 0, NULL)) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s: cannot encode: %s", fn, path, image.message);
  } else {
    const void *chunks[1] = {png};
    int64_t lens[1] = {(int64_t)size};
    st = stn_write_file_atomic(path, 1, chunks, lens);
  }
  png_image_free(&image);
  free(png);
  free(pixels);
  return st;
}

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

/* The fewest bytes the inflated image data of a PNG can hold, from its IHDR chunk (which
 * libpng has found valid, at byte 8): every sample of every pixel, plus one filter byte
 * per row when the image is not interlaced. */
static uint64_t png_data_needed(const uint8_t *file) {
  const uint8_t *ihdr = file + 16;
  uint64_t w = be32(ihdr), h = be32(ihdr + 4), depth = ihdr[8], color = ihdr[9], interlaced = ihdr[12];
  static const uint8_t channels[7] = {1, 0, 3, 1, 2, 0, 4}; /* by colour type */
  uint64_t bits = depth * (color < 7 ? channels[color] : 1);
  if (interlaced) return w * h * bits / 8;
  return h * (1 + (w * bits + 7) / 8);
}

/* The bytes of the IDAT chunks present in the file (a chunk cut by the end of the
 * file counts what is there). */
static uint64_t png_idat_bytes(const uint8_t *file, size_t size) {
  uint64_t total = 0;
  size_t pos = 8;
  while (size - pos >= 8) {
    uint64_t len = be32(file + pos), avail = size - pos - 8;
    if (memcmp(file + pos + 4, "IDAT", 4) == 0) total += len < avail ? len : avail;
    if (memcmp(file + pos + 4, "IEND", 4) == 0 || len + 4 >= avail) break;
    pos += 8 + (size_t)len + 4;
  }
  return total;
}

stn_status stn_png_read(stn_ctx *ctx, const char *path, stn_tensor *out) {
  static const char *fn = "stn_png_read";
  if (!path || !*path) return STN_FAIL(STN_ERR_ARG, "%s: empty path", fn);
  STN_TRY(stn_check_tensor(fn, "output", out));
  if (out->device != STN_CPU) return STN_FAIL(STN_ERR_DEVICE, "%s: output must be a CPU tensor", fn);
  uint8_t *file = NULL;
  unsigned char *pixels = NULL;
  size_t size = 0;
  STN_TRY(stn_read_file(fn, path, &file, &size));
  png_image image;
  memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  stn_status st = STN_OK;
  if (!png_image_begin_read_from_memory(&image, file, size)) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s is not a readable PNG file: %s", fn, path, image.message);
    goto done;
  }
  /* keep grey/colour and alpha as the file has them; palettes and 16 bits become 8-bit */
  image.format &= PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA;
  int C = (int)PNG_IMAGE_PIXEL_CHANNELS(image.format);
  if (image.width > PICTURE_MAX_SIDE || image.height > PICTURE_MAX_SIDE ||
      (int64_t)image.width * image.height > PICTURE_MAX_PIXELS) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s is %ux%u pixels, more than this reader accepts (%d a side, %lld in all)", fn, path,
                  image.width, image.height, PICTURE_MAX_SIDE, (long long)PICTURE_MAX_PIXELS);
    goto done;
  }
  uint64_t need = png_data_needed(file), idat = png_idat_bytes(file, size);
  if (need > PNG_MAX_INFLATE * idat) {
    st = STN_FAIL(STN_ERR_IO,
                  "%s: %s announces %ux%u pixels, at least %llu bytes of image data, but its IDAT chunks hold %llu "
                  "compressed bytes, which inflate to at most %llu (truncated or corrupt)",
                  fn, path, image.width, image.height, (unsigned long long)need, (unsigned long long)idat,
                  (unsigned long long)(PNG_MAX_INFLATE * idat));
    goto done;
  }
  pixels = (unsigned char *)malloc(PNG_IMAGE_SIZE(image));
  if (!pixels) {
    st = STN_FAIL(STN_ERR_MEMORY, "%s: out of memory for %s", fn, path);
    goto done;
  }
  if (!png_image_finish_read(&image, NULL, pixels, 0, NULL)) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s is truncated or corrupt: %s", fn, path, image.message);
    goto done;
  }
  int64_t shape[3] = {C, image.height, image.width};
  st = stn_resize_out(ctx, out, STN_FLOAT, 3, shape);
  if (st == STN_OK) stn_picture_from_bytes(out, pixels);
done:
  png_image_free(&image);
  free(pixels);
  free(file);
  return st;
}

#else /* no libpng */

stn_status stn_png_write(stn_ctx *ctx, const char *path, const stn_tensor *picture) {
  (void)ctx, (void)path, (void)picture;
  return STN_FAIL(STN_ERR_ARG, "stn_png_write: this stn was built without libpng: install the Debian package "
                               "libpng-dev and rebuild (make)");
}

stn_status stn_png_read(stn_ctx *ctx, const char *path, stn_tensor *out) {
  (void)ctx, (void)path, (void)out;
  return STN_FAIL(STN_ERR_ARG, "stn_png_read: this stn was built without libpng: install the Debian package "
                               "libpng-dev and rebuild (make)");
}

#endif
