/* file.h: whole-file reads for the readers of csrc/io (csrc/io/file.c). */
#ifndef STN_IO_FILE_H
#define STN_IO_FILE_H

#include "stn.h"

#include <stddef.h>

/* Reads a whole file into a malloc'd buffer (plus one NUL byte past *len; release
 * with free); fn names the caller in messages. */
stn_status stn_read_file(const char *fn, const char *path, uint8_t **buf, size_t *len);

#endif /* STN_IO_FILE_H */
