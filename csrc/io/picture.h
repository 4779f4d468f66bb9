/* picture.h: what the picture writers and readers share (csrc/io/picture.c): the
 * check of a picture argument and its conversions to and from bytes. */
#ifndef STN_IO_PICTURE_H
#define STN_IO_PICTURE_H

#include "stn.h"

/* t must be a CPU tensor C x H x W with C in [1, max_c] (B x C x H x W too when
 * batch_ok); messages name fn and what. */
stn_status stn_check_picture(const char *fn, const char *what, const stn_tensor *t, int max_c, int batch_ok);
/* HWC bytes (H x W x C) <- picture t (C x H x W, any strides), rounded, clamped to 0..255. */
void stn_picture_to_bytes(const stn_tensor *t, uint8_t *hwc);
/* t (C x H x W, any strides, sized by the caller) <- HWC bytes. */
void stn_picture_from_bytes(stn_tensor *t, const uint8_t *hwc);

#endif /* STN_IO_PICTURE_H */
