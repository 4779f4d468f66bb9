/* resize.h: one image resized as stn_image_resize does (csrc/io/resize.c), for the
 * loaders that decode their images one at a time, and the sizes it accepts. */
#ifndef STN_IO_RESIZE_H
#define STN_IO_RESIZE_H

#include "stn.h"

/* Fails (naming fn) unless channels and the four sides are within the resizer's range. */
stn_status stn_check_resize_sizes(const char *fn, int channels, int height, int width, int out_height, int out_width);
/* Resizes the one image src of shape in (in->n is not read) into dst (float CHW,
 * channels x out_height x out_width); scratch holds
 * channels * height * out_width + width floats. */
stn_status stn_resize_one(const stn_image_shape *in, const void *src, int out_height, int out_width, float *dst,
                          float *scratch);

#endif /* STN_IO_RESIZE_H */
