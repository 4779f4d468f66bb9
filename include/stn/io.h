/* stn/io.h: files and pictures: serialization, data sets, image files, drawing.
 * Part of libstn's public API (include/stn.h includes every part). The block between
 * STN_CDEF_BEGIN and STN_CDEF_END goes verbatim (minus STN_API) to LuaJIT's ffi.cdef, so
 * it holds declarations only: no preprocessor lines, no macros but STN_API. */
#ifndef STN_IO_H
#define STN_IO_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* STN_CDEF_BEGIN */
/* ------------------------------------------------------------------ serialization */
/* CRC-32 (zlib's, polynomial 0xEDB88320) of n bytes, continuing from *crc (start
 * with 0): *crc receives the CRC of everything fed so far. */
STN_API stn_status stn_crc32(const void *data, int64_t n, uint32_t *crc);
/* Copies n elements of type dtype (a stn_dtype) from the bytes at src (a file's, in this
 * machine's order) to dst, each NaN of the floating types made the plain quiet NaN (see
 * stn_plain_nan in csrc/core/nan.h: LuaJIT misreads some); an unknown dtype is refused. */
STN_API stn_status stn_load_elements(void *dst, int dtype, const void *src, int64_t n);
/* Writes the n chunks (data[i], len[i] bytes) one after the other to path, atomically:
 * into a temporary file in path's folder, flushed and fsync'ed, then renamed over
 * path. On any failure the temporary file is removed and path is left as it was. The
 * writer holds a lock on its temporary until the rename; each write first removes the
 * temporaries of the same path that no live writer holds (left by killed writes). */
STN_API stn_status stn_write_file_atomic(const char *path, int n, const void *const *data, const int64_t *len);

/* ------------------------------------------------------------------ data and images */
/* Data preparation on the CPU: image files, resizing, IDX files, the RTS distortion,
 * data-set statistics and checksummed cache files. Byte buffers handed out by these
 * functions come from stn_alloc and go back with stn_free. */
STN_API stn_status stn_alloc(int64_t bytes, void **out);
STN_API void stn_free(void *p);

/* Binary Netpbm images: P6 (RGB) and P5 (gray), maxval 1 to 65535. Header fields are
 * separated by any whitespace, '#' starts a comment running to the end of the line,
 * and exactly one whitespace byte follows maxval. Samples are scaled to 0..255
 * (rounded) when maxval is not 255. *pixels receives height x width x channels bytes
 * (HWC, top row first), to release with stn_free. */
STN_API stn_status stn_ppm_read(const char *path, uint8_t **pixels, int *width, int *height, int *channels);
/* Writes P6 (channels 3) or P5 (channels 1), maxval 255, with an optional comment line. */
STN_API stn_status stn_ppm_write(const char *path, const uint8_t *pixels, int width, int height, int channels, const char *comment);

typedef enum stn_pixel_type { STN_PIXEL_U8 = 0, STN_PIXEL_F32 = 1 } stn_pixel_type;
typedef enum stn_image_layout { STN_LAYOUT_HWC = 0, STN_LAYOUT_CHW = 1 } stn_image_layout;
/* A batch of images stored back to back: n images of channels x height x width, in
 * one pixel type (bytes are read as v / 255, floats as they are) and layout. */
typedef struct stn_image_shape {
  int32_t pixel_type; /* stn_pixel_type */
  int32_t layout;     /* stn_image_layout */
  int64_t n;
  int32_t channels, height, width;
} stn_image_shape;
/* Resizes the images `in` describes, stored in src, to float CHW images of
 * out_height x out_width in dst (n x channels x out_height x out_width). Separable
 * triangle filter: bilinear when enlarging, widened by the shrink factor when
 * shrinking (antialiased, as Pillow's BILINEAR); docs/data.md gives the formula.
 * Images are shared out across threads. */
STN_API stn_status stn_image_resize(stn_ctx *ctx, const stn_image_shape *in, const void *src, int out_height,
                                    int out_width, float *dst);
/* Reads the Netpbm files paths[0..n-1] (any sizes, `channels` channels each),
 * resizes each as stn_image_resize does and stores it rounded to bytes, CHW, in dst
 * (n x channels x out_height x out_width). sizes, when not NULL, receives width and
 * height of each file (2n values). Files are shared out across threads; a failure
 * names the first failing file. */
STN_API stn_status stn_ppm_load_resized(stn_ctx *ctx, const char *const *paths, int64_t n, int channels,
                                        int out_height, int out_width, uint8_t *dst, int32_t *sizes);

/* IDX files (the MNIST format): magic 0 0 type ndim, ndim big-endian 32-bit sizes,
 * then the big-endian elements. Gzipped files (starting 1f 8b) need zlib. */
typedef enum stn_idx_type {
  STN_IDX_U8 = 0x08, STN_IDX_I8 = 0x09, STN_IDX_I16 = 0x0B, STN_IDX_I32 = 0x0C, STN_IDX_F32 = 0x0D, STN_IDX_F64 = 0x0E
} stn_idx_type;
/* out (CPU) is resized to the file's sizes and receives its elements as floats (int32
 * beyond 2^24 and float64 are rounded to float32); type, when not NULL, the element
 * type. A truncated, overlong or corrupt file fails with STN_ERR_IO naming it. */
STN_API stn_status stn_idx_read(stn_ctx *ctx, const char *path, stn_tensor *out, int *type);
/* Writes t (CPU, 1 to 8 dims) as IDX of the given element type; integer types need
 * integer values in range. gzip 1 compresses (needs zlib). */
STN_API stn_status stn_idx_write(stn_ctx *ctx, const char *path, const stn_tensor *t, int type, int gzip);

/* The RTS distortion (rotation, scale, translation) of the STN paper's distorted-MNIST
 * protocol, as configured: */
typedef struct stn_rts_config {
  int32_t canvas;               /* side of the square output images, pixels */
  float max_angle;              /* angles uniform in [-max_angle, max_angle] degrees */
  float min_scale, max_scale;   /* scale factors uniform in [min_scale, max_scale] */
  uint64_t seed;                /* Philox key */
  uint64_t stream;              /* below 2^32: the high half of each image's counter */
} stn_rts_config;
/* input: N x H x W or N x C x H x W (CPU); output is resized to N x canvas x canvas
 * (or N x C x canvas x canvas). Image k is rotated by its angle, scaled by its factor,
 * and its centre placed uniformly where the scaled, unrotated H x W frame lies inside
 * the canvas; bilinear sampling, zero outside the image. Its four draws come from
 * Philox counter stream * 2^32 + id (id = ids[k], or k when ids is NULL) under key
 * seed, so the result depends neither on threads nor on which other images are
 * distorted. params, when not NULL, is resized to N x 4: angle in degrees (positive:
 * counter-clockwise as displayed), scale, and the centre's x and y in canvas pixels
 * (0 at the canvas's left/top edge). */
STN_API stn_status stn_rts_distort(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, stn_tensor *params,
                                   const stn_rts_config *config, const int64_t *ids);

/* out (CPU, contiguous, n * row_len elements) <- the rows rows[0..n-1] (0-based, below
 * src_rows; NULL: 0..n-1) of src, src_rows rows of row_len bytes, times scale. */
STN_API stn_status stn_bytes_to_float(stn_ctx *ctx, const uint8_t *src, int64_t src_rows, int64_t row_len,
                                      const int64_t *rows, int64_t n, float scale, stn_tensor *out);
/* A file of byte sections for caches, guarded by a CRC-32 (stn_crc32) and written
 * atomically (stn_write_file_atomic): readers see the old file or the whole new one. */
STN_API stn_status stn_blob_write(const char *path, int nparts, const void *const *parts, const int64_t *sizes);
/* Reads such a file: *data (release with stn_free) holds the sections, section i at
 * offsets[i] (8-byte aligned) with sizes[i] bytes; at most max_parts sections.
 * A missing file fails with STN_ERR_IO and *nparts = -1; a truncated, foreign or
 * corrupt one with STN_ERR_IO and *nparts = -2, naming the file. */
STN_API stn_status stn_blob_read(const char *path, int max_parts, int *nparts, int64_t *sizes, int64_t *offsets, uint8_t **data);

/* Fills a polygon (npoints vertices, x then y in pixel units from the top-left corner)
 * with `color` (channels bytes) in a height x width x channels byte image, with 4 x 4
 * supersampled coverage (even-odd rule). For the synthetic data sets of the tools. */
STN_API stn_status stn_draw_polygon(uint8_t *image, int width, int height, int channels, const float *xy, int npoints,
                                    const uint8_t *color);

/* ---- pictures for display (stn.image): files, composition, text
 * A picture is a CPU float tensor C x H x W (C = 1 grey, 3 RGB; files may also hold
 * 2 grey+alpha or 4 RGBA) with values in 0..255, rounded and clamped when stored as
 * bytes. Pictures are small: these functions run on one thread. */
enum { STN_IMAGE_PNG = 1, STN_IMAGE_GIF = 2 };
/* The file formats this library was built with: STN_IMAGE_PNG | STN_IMAGE_GIF. */
STN_API int stn_image_formats(void);

/* Writes a picture (C = 1, 2, 3 or 4) as an 8-bit PNG, atomically (see
 * stn_write_file_atomic). */
STN_API stn_status stn_png_write(stn_ctx *ctx, const char *path, const stn_tensor *picture);
/* Reads a PNG of any bit depth and colour type: out (CPU) is resized to C x H x W
 * (C = 1, 2, 3 or 4 as the file has grey/colour and alpha; palettes become RGB),
 * values 0..255 (16-bit samples are scaled down). */
STN_API stn_status stn_png_read(stn_ctx *ctx, const char *path, stn_tensor *out);

/* An animated GIF built frame by frame in memory: width x height, one global palette
 * of 255 colours. palette STN_GIF_CUBE: a fixed 6 x 7 x 6 colour cube (red, green,
 * blue levels) and 3 greys; STN_GIF_ADAPTIVE: a median-cut palette of the first frame
 * (with black and white; entries it does not need take cube colours), kept for the
 * others, so colours do not flicker between frames. Pixels equal to the previous
 * frame's are written transparent (the 256th entry), which shrinks figures whose
 * parts stay still. A worker thread (one per GIF) maps each frame to the palette and
 * LZW-compresses it while the caller goes on, in the order the frames came.
 * loop: repetitions announced by the NETSCAPE2.0 extension (0: forever; -1: no
 * extension, played once). */
typedef struct stn_gif stn_gif;
enum { STN_GIF_CUBE = 0, STN_GIF_ADAPTIVE = 1 };
STN_API stn_status stn_gif_new(int width, int height, int palette, int loop, stn_gif **out);
/* Appends a frame: a width x height picture with C = 1 or 3, shown delay_cs
 * hundredths of a second. The picture is copied; a failure of the worker on an
 * earlier frame is reported here or by the next save. */
STN_API stn_status stn_gif_add_frame(stn_ctx *ctx, stn_gif *gif, const stn_tensor *picture, int delay_cs);
STN_API int stn_gif_frame_count(const stn_gif *gif);
/* Waits for the frames added so far and writes them as a complete GIF file,
 * atomically; more frames may follow (and a later save rewrites the file with them). */
STN_API stn_status stn_gif_save(stn_gif *gif, const char *path);
/* Stops the worker (frames not yet saved are dropped) and frees everything. */
STN_API void stn_gif_free(stn_gif *gif);
/* Reads every frame of a GIF, composited onto the previous ones as a viewer shows
 * them: out (CPU) is resized to N x 3 x H x W (values 0..255). delays_cs (n_delays
 * values, may be NULL) receives the first frames' delays; loop the NETSCAPE2.0
 * repetition count (-1 when absent). */
STN_API stn_status stn_gif_read(stn_ctx *ctx, const char *path, stn_tensor *out, int *delays_cs, int n_delays, int *loop);

/* out <- in (C x H x W or B x C x H x W) mapped to 0..255 for display.
 * STN_DISPLAY_AFFINE: out = scale * (in * std[c] + mean[c]) clamped to 0..255, with
 * nstats = C values per channel (or 1 for all), undoing a global normalization.
 * STN_DISPLAY_STRETCH: each image's minimum to 0 and maximum to 255 (all channels
 * together, so colours keep their balance; a constant image gives 128). */
enum { STN_DISPLAY_AFFINE = 0, STN_DISPLAY_STRETCH = 1 };
STN_API stn_status stn_image_to_display(stn_ctx *ctx, const stn_tensor *in, stn_tensor *out, int mode,
                                        const float *mean, const float *std, int nstats, float scale);
/* out (C x H*factor x W*factor) <- in (C x H x W), each pixel repeated factor x factor
 * times (nearest neighbour: small images stay crisp). */
STN_API stn_status stn_image_upscale(stn_ctx *ctx, const stn_tensor *in, stn_tensor *out, int factor);
/* Copies picture src, upscaled factor times as stn_image_upscale does (1: as it is),
 * into canvas with its top-left pixel at column x, row y (0-based; what falls outside
 * the canvas is clipped). A grey src on an RGB canvas is written to all three channels.
 * canvas may be a view (a panel of a larger picture). */
STN_API stn_status stn_image_paste(stn_ctx *ctx, stn_tensor *canvas, const stn_tensor *src, int x, int y, int factor);
/* Fills a square of side 2 radius + 1 around each of the n points (x = xy[2k],
 * y = xy[2k + 1], pixel coordinates: pixel (0, 0) is centred on (0, 0)), rounded to
 * the nearest pixel and clipped to the canvas, in colour (C values). */
STN_API stn_status stn_image_draw_points(stn_ctx *ctx, stn_tensor *canvas, const float *xy, int n, int radius,
                                         const float *color);
/* Text in the built-in bitmap font (glyphs 5 pixels wide in cells 8 high: digits,
 * letters, space and , . / : - + = % ( ) _), each font pixel drawn as scale x scale,
 * glyphs 6 * scale apart, top-left corner at (x, y), clipped. Another character is
 * an error naming it. */
STN_API stn_status stn_image_draw_text(stn_ctx *ctx, stn_tensor *canvas, const char *text, int x, int y, int scale,
                                       const float *color);
/* Width and height in pixels that stn_image_draw_text covers for text. */
STN_API stn_status stn_image_text_size(const char *text, int scale, int *width, int *height);

/* STN_CDEF_END */

#ifdef __cplusplus
}
#endif
#endif /* STN_IO_H */
