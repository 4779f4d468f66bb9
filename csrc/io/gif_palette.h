/* gif_palette.h: the palettes of the GIF writer (csrc/io/gif_palette.c): 255 RGB
 * entries (entry 255, black, is left to the writer) from the fixed cube, or by median
 * cut of n RGB pixels (with black and white). */
#ifndef STN_IO_GIF_PALETTE_H
#define STN_IO_GIF_PALETTE_H

#include "stn.h"

void stn_gif_palette_cube(uint8_t palette[768]);
stn_status stn_gif_palette_median_cut(const uint8_t *rgb, int64_t n, uint8_t palette[768]);

#endif /* STN_IO_GIF_PALETTE_H */
