/* ppm.h: the Netpbm header parser and sample conversion of csrc/io/ppm.c, for the
 * loaders that decode Netpbm files themselves (ppm_load_resized.c). */
#ifndef STN_IO_PPM_H
#define STN_IO_PPM_H

#include "stn.h"

#include <stddef.h>

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

#endif /* STN_IO_PPM_H */
