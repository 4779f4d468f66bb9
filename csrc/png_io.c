/* png_io.c: PNG files through libpng's simplified API (encoding and decoding happen in
 * memory; the file is then written atomically, or read whole first, so every file
 * error names the path and the reason). Without libpng (STN_WITH_PNG unset at build
 * time) both calls fail with a message naming the Debian package to install. */
#include "internal.h"

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
  if (image.width > 1 << 16 || image.height > 1 << 16) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s is %ux%u pixels, more than 65536 a side", fn, path, image.width, image.height);
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
  st = stn_tensor_resize(ctx, out, 3, shape);
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
