/* reader_limits.h: the most the readers of outside files (csrc/io/idx.c, gif_read.c,
 * png_io.c, ppm.c) accept a header to announce, checked before anything of that size
 * is allocated. docs/data.md ("What the readers check") states them; change both. */
#ifndef STN_READER_LIMITS_H
#define STN_READER_LIMITS_H

#include <stdint.h>

/* IDX: at most 2^31 elements (8 GiB as floats; MNIST's largest file holds 47 million).
 * A gzipped stream's element bytes are gathered in a buffer that starts at 1 MiB and
 * doubles as data arrive, never beyond what the header announces. */
#define IDX_MAX_ELEMENTS_LOG2 31
#define IDX_MAX_ELEMENTS ((int64_t)1 << IDX_MAX_ELEMENTS_LOG2)
#define IDX_FIRST_BUFFER ((size_t)1 << 20)

/* PPM/PGM: at most 2^20 pixels a side; the samples the header announces must all be
 * present in the file, which is read whole, so memory follows the file's length. */
#define PPM_MAX_SIDE (1 << 20)

/* Pictures (PNG, a GIF's canvas): at most 65536 pixels a side and 2^26 pixels in all
 * (8192 x 8192; 1 GiB as 4-channel floats). */
#define PICTURE_MAX_SIDE 65536
#define PICTURE_MAX_PIXELS ((int64_t)1 << 26)

/* PNG: the image data a header announces (rows of filter byte + samples) must fit in
 * what the file's IDAT chunks can inflate to: deflate turns one byte into at most 1032
 * (a 258-byte match coded in two bits; zlib's framing only lowers the ratio). */
#define PNG_MAX_INFLATE 1032

/* GIF: the output (frames x 3 x canvas, as floats) holds at most 2^29 values (2 GiB); a
 * canvas larger than 65536 pixels must be at least 1/16 covered by the pixels its frames
 * decode to (counted with repetition): a tiny file cannot announce a huge picture. */
#define GIF_MAX_OUTPUT ((int64_t)1 << 29)
#define GIF_BARE_CANVAS 65536
#define GIF_MIN_COVER 16

#endif
