/* io_common.h: what the readers and writers of csrc/io/ share: pictures, Netpbm and GIF
 * helpers, whole-file reads, one-image resizing. */
#ifndef STN_IO_COMMON_H
#define STN_IO_COMMON_H

#include "core/internal.h"

#include <stddef.h>

/* Pictures (csrc/picture.c): t must be a CPU tensor C x H x W with C in [1, max_c]
 * (B x C x H x W too when batch_ok); messages name fn and what. */
stn_status stn_check_picture(const char *fn, const char *what, const stn_tensor *t, int max_c, int batch_ok);
/* HWC bytes (H x W x C) <- picture t (C x H x W, any strides), rounded, clamped to 0..255. */
void stn_picture_to_bytes(const stn_tensor *t, uint8_t *hwc);
/* t (C x H x W, any strides, sized by the caller) <- HWC bytes. */
void stn_picture_from_bytes(stn_tensor *t, const uint8_t *hwc);
/* GIF palettes (csrc/gif_palette.c): 255 RGB entries (entry 255, black, is left to the
 * writer) from the fixed cube, or by median cut of n RGB pixels (with black and white). */
void stn_gif_palette_cube(uint8_t palette[768]);
stn_status stn_gif_palette_median_cut(const uint8_t *rgb, int64_t n, uint8_t palette[768]);
/* Reads a whole file into a malloc'd buffer (plus one NUL byte past *len; release
 * with free); fn names the caller in messages. */
stn_status stn_read_file(const char *fn, const char *path, uint8_t **buf, size_t *len);
/* The calling thread's last error message without its " (file:line)" suffix, copied
 * into buf; for re-raising a worker thread's failure on the caller's thread. */
void stn_error_body(char *buf, size_t len);

/* A parsed Netpbm header; the samples start at buf + offset. */
typedef struct stn_ppm_info {
  int width, height, channels, maxval;
  size_t offset;
} stn_ppm_info;
/* Parses the header of the P5/P6 image in buf (len bytes, from file `name`) and checks
 * that all the samples are there. */
stn_status stn_ppm_parse(const uint8_t *buf, size_t len, const char *name, stn_ppm_info *info);
/* The samples as height x width x channels bytes scaled to 0..255. */
void stn_ppm_to_u8(const uint8_t *buf, const stn_ppm_info *info, uint8_t *dst);

/* Resizes one image (as stn_image_resize); scratch holds
 * channels * height * out_width + width floats. */
stn_status stn_resize_one(const void *src, int pixel_type, int layout, int channels, int height, int width,
                          float *dst, int out_height, int out_width, float *scratch);

#endif /* STN_IO_COMMON_H */
