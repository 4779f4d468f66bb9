/* gif_io.c: animated GIFs through giflib. The writer encodes each frame as it comes
 * (one global 256-colour palette, a graphics control block for its delay, and the
 * NETSCAPE2.0 loop extension), into a memory buffer; a save writes that buffer plus
 * the one-byte trailer atomically, so an animation in progress can be saved at any
 * point and keep growing. The reader composites frames as a viewer does, for tests.
 * Without giflib (STN_WITH_GIF unset) every call names the Debian package to install. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef STN_WITH_GIF
#include <gif_lib.h>

enum { MAP_BITS = 6, MAP_SIZE = 1 << (3 * MAP_BITS) };

struct stn_gif {
  GifFileType *gif;
  int width, height, palette_mode, loop, nframes, started;
  uint8_t palette[768];
  int16_t *map;          /* nearest palette entry per 6-bit-per-channel colour, -1 unknown */
  uint8_t *rgb;          /* one frame, HWC */
  GifPixelType *indices; /* one frame, palette indices */
  unsigned char *buf;    /* the encoded stream so far */
  size_t len, cap;
  int out_of_memory;
};

static int write_to_memory(GifFileType *g, const GifByteType *data, int n) {
  stn_gif *s = (stn_gif *)g->UserData;
  if (s->len + (size_t)n > s->cap) {
    size_t cap = s->cap ? s->cap : 1 << 16;
    while (cap < s->len + (size_t)n) cap *= 2;
    unsigned char *bigger = (unsigned char *)realloc(s->buf, cap);
    if (!bigger) {
      s->out_of_memory = 1;
      return 0;
    }
    s->buf = bigger, s->cap = cap;
  }
  memcpy(s->buf + s->len, data, (size_t)n);
  s->len += (size_t)n;
  return n;
}

static stn_status gif_fail(const char *fn, stn_gif *s, const char *what) {
  if (s->out_of_memory) return STN_FAIL(STN_ERR_MEMORY, "%s: out of memory after %d frames", fn, s->nframes);
  const char *why = GifErrorString(s->gif->Error);
  return STN_FAIL(STN_ERR_IO, "%s: giflib failed to %s: %s", fn, what, why ? why : "unknown error");
}

stn_status stn_gif_new(int width, int height, int palette, int loop, stn_gif **out) {
  static const char *fn = "stn_gif_new";
  if (!out) return STN_FAIL(STN_ERR_ARG, "%s: out is NULL", fn);
  *out = NULL;
  if (width < 1 || height < 1 || width > 65535 || height > 65535)
    return STN_FAIL(STN_ERR_ARG, "%s: a GIF is 1 to 65535 pixels a side, asked %dx%d", fn, width, height);
  if (palette != STN_GIF_CUBE && palette != STN_GIF_ADAPTIVE)
    return STN_FAIL(STN_ERR_ARG, "%s: unknown palette %d (0: colour cube, 1: adaptive)", fn, palette);
  if (loop < -1 || loop > 65535) return STN_FAIL(STN_ERR_ARG, "%s: loop must be -1 to 65535, got %d", fn, loop);
  stn_gif *s = (stn_gif *)calloc(1, sizeof *s);
  if (!s) return STN_FAIL(STN_ERR_MEMORY, "%s: out of memory", fn);
  s->width = width, s->height = height, s->palette_mode = palette, s->loop = loop;
  size_t n = (size_t)width * height;
  s->map = (int16_t *)malloc(sizeof(int16_t) * MAP_SIZE);
  s->rgb = (uint8_t *)malloc(3 * n);
  s->indices = (GifPixelType *)malloc(sizeof(GifPixelType) * n);
  int err = 0;
  if (s->map && s->rgb && s->indices) s->gif = EGifOpen(s, write_to_memory, &err);
  if (!s->gif) {
    stn_gif_free(s);
    return STN_FAIL(STN_ERR_MEMORY, "%s: cannot start a %dx%d GIF: %s", fn, width, height,
                    err ? GifErrorString(err) : "out of memory");
  }
  memset(s->map, 0xff, sizeof(int16_t) * MAP_SIZE);
  *out = s;
  return STN_OK;
}

void stn_gif_free(stn_gif *s) {
  if (!s) return;
  if (s->gif) {
    int err;
    EGifCloseFile(s->gif, &err);
  }
  free(s->map);
  free(s->rgb);
  free(s->indices);
  free(s->buf);
  free(s);
}

int stn_gif_frame_count(const stn_gif *s) { return s ? s->nframes : 0; }

/* Header, screen descriptor with the global palette, loop extension. */
static stn_status start(const char *fn, stn_gif *s) {
  if (s->palette_mode == STN_GIF_CUBE) stn_gif_palette_cube(s->palette);
  else STN_TRY(stn_gif_palette_median_cut(s->rgb, (int64_t)s->width * s->height, s->palette));
  ColorMapObject *map = GifMakeMapObject(256, NULL);
  if (!map) return STN_FAIL(STN_ERR_MEMORY, "%s: out of memory", fn);
  for (int k = 0; k < 256; k++)
    map->Colors[k].Red = s->palette[3 * k], map->Colors[k].Green = s->palette[3 * k + 1],
    map->Colors[k].Blue = s->palette[3 * k + 2];
  EGifSetGifVersion(s->gif, true);
  int ok = EGifPutScreenDesc(s->gif, s->width, s->height, 8, 0, map) == GIF_OK;
  GifFreeMapObject(map);
  if (!ok) return gif_fail(fn, s, "write the screen descriptor");
  if (s->loop >= 0) {
    unsigned char params[3] = {1, (unsigned char)(s->loop & 0xff), (unsigned char)(s->loop >> 8)};
    if (EGifPutExtensionLeader(s->gif, APPLICATION_EXT_FUNC_CODE) != GIF_OK ||
        EGifPutExtensionBlock(s->gif, 11, "NETSCAPE2.0") != GIF_OK || EGifPutExtensionBlock(s->gif, 3, params) != GIF_OK ||
        EGifPutExtensionTrailer(s->gif) != GIF_OK)
      return gif_fail(fn, s, "write the loop extension");
  }
  s->started = 1;
  return STN_OK;
}

/* Index of the palette entry nearest to the centre of a 6-bit colour cell. */
static int16_t nearest(const uint8_t *palette, int key) {
  int r = ((key >> (2 * MAP_BITS)) << 2) | 2, g = (((key >> MAP_BITS) & 63) << 2) | 2, b = ((key & 63) << 2) | 2;
  int best = 0, best_d = 1 << 30;
  for (int k = 0; k < 256; k++) {
    int dr = r - palette[3 * k], dg = g - palette[3 * k + 1], db = b - palette[3 * k + 2];
    int d = 3 * dr * dr + 4 * dg * dg + 2 * db * db; /* the eye weighs green most, blue least */
    if (d < best_d) best_d = d, best = k;
  }
  return (int16_t)best;
}

stn_status stn_gif_add_frame(stn_ctx *ctx, stn_gif *s, const stn_tensor *picture, int delay_cs) {
  static const char *fn = "stn_gif_add_frame";
  (void)ctx;
  if (!s) return STN_FAIL(STN_ERR_ARG, "%s: the GIF is NULL (freed?)", fn);
  STN_TRY(stn_check_picture(fn, "frame", picture, 3, 0));
  if (picture->shape[0] == 2 || picture->shape[1] != s->height || picture->shape[2] != s->width)
    return STN_FAIL(STN_ERR_ARG, "%s: frames of this GIF are 1 or 3 x %d x %d, got %s", fn, s->height, s->width,
                    stn_shape_str(picture));
  if (delay_cs < 0 || delay_cs > 65535) return STN_FAIL(STN_ERR_ARG, "%s: delay must be 0 to 65535 cs, got %d", fn, delay_cs);
  if (picture->shape[0] == 3) {
    stn_picture_to_bytes(picture, s->rgb);
  } else {
    int64_t n = (int64_t)s->width * s->height;
    stn_picture_to_bytes(picture, s->rgb + 2 * n); /* grey bytes at the end, spread to RGB in place */
    for (int64_t k = 0; k < n; k++) s->rgb[3 * k] = s->rgb[3 * k + 1] = s->rgb[3 * k + 2] = s->rgb[2 * n + k];
  }
  if (!s->started) STN_TRY(start(fn, s));
  int64_t n = (int64_t)s->width * s->height;
  for (int64_t k = 0; k < n; k++) {
    const uint8_t *p = s->rgb + 3 * k;
    int key = (p[0] >> 2) << (2 * MAP_BITS) | (p[1] >> 2) << MAP_BITS | (p[2] >> 2);
    if (s->map[key] < 0) s->map[key] = nearest(s->palette, key);
    s->indices[k] = (GifPixelType)s->map[key];
  }
  GraphicsControlBlock gcb = {DISPOSE_DO_NOT, false, delay_cs, NO_TRANSPARENT_COLOR};
  GifByteType ext[4];
  size_t len = EGifGCBToExtension(&gcb, ext);
  if (EGifPutExtension(s->gif, GRAPHICS_EXT_FUNC_CODE, (int)len, ext) != GIF_OK)
    return gif_fail(fn, s, "write a frame's delay");
  if (EGifPutImageDesc(s->gif, 0, 0, s->width, s->height, false, NULL) != GIF_OK ||
      EGifPutLine(s->gif, s->indices, (int)n) != GIF_OK)
    return gif_fail(fn, s, "encode a frame");
  s->nframes++;
  return STN_OK;
}

stn_status stn_gif_save(stn_gif *s, const char *path) {
  static const char *fn = "stn_gif_save";
  if (!s) return STN_FAIL(STN_ERR_ARG, "%s: the GIF is NULL (freed?)", fn);
  if (!path || !*path) return STN_FAIL(STN_ERR_ARG, "%s: empty path", fn);
  if (s->nframes == 0) return STN_FAIL(STN_ERR_ARG, "%s: %s: the animation has no frames yet", fn, path);
  static const unsigned char trailer = ';';
  const void *chunks[2] = {s->buf, &trailer};
  int64_t lens[2] = {(int64_t)s->len, 1};
  return stn_write_file_atomic(path, 2, chunks, lens);
}

/* ------------------------------------------------------------------ reading */

static void loop_count(const ExtensionBlock *blocks, int n, int *loop) {
  for (int k = 0; k + 1 < n; k++)
    if (blocks[k].Function == APPLICATION_EXT_FUNC_CODE && blocks[k].ByteCount == 11 &&
        memcmp(blocks[k].Bytes, "NETSCAPE2.0", 11) == 0 && blocks[k + 1].Function == CONTINUE_EXT_FUNC_CODE &&
        blocks[k + 1].ByteCount >= 3 && blocks[k + 1].Bytes[0] == 1)
      *loop = blocks[k + 1].Bytes[1] | blocks[k + 1].Bytes[2] << 8;
}

stn_status stn_gif_read(stn_ctx *ctx, const char *path, stn_tensor *out, int *delays_cs, int n_delays, int *loop) {
  static const char *fn = "stn_gif_read";
  if (!path || !*path) return STN_FAIL(STN_ERR_ARG, "%s: empty path", fn);
  STN_TRY(stn_check_tensor(fn, "output", out));
  if (out->device != STN_CPU) return STN_FAIL(STN_ERR_DEVICE, "%s: output must be a CPU tensor", fn);
  if (n_delays < 0 || (n_delays > 0 && !delays_cs)) return STN_FAIL(STN_ERR_ARG, "%s: bad delay list", fn);
  FILE *probe = fopen(path, "rb");
  if (!probe) return STN_FAIL(STN_ERR_IO, "%s: cannot open %s: %s", fn, path, strerror(errno));
  fclose(probe);
  int err = 0;
  GifFileType *g = DGifOpenFileName(path, &err);
  if (!g) return STN_FAIL(STN_ERR_IO, "%s: %s is not a readable GIF: %s", fn, path, GifErrorString(err));
  stn_status st = STN_OK;
  uint8_t *screen = NULL, *saved = NULL;
  if (DGifSlurp(g) != GIF_OK) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s is truncated or corrupt: %s", fn, path, GifErrorString(g->Error));
    goto done;
  }
  int W = g->SWidth, H = g->SHeight, N = g->ImageCount;
  if (N < 1 || W < 1 || H < 1) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s holds no image (%dx%d, %d frames)", fn, path, W, H, N);
    goto done;
  }
  int64_t shape[4] = {N, 3, H, W};
  st = stn_tensor_resize(ctx, out, 4, shape);
  if (st != STN_OK) goto done;
  size_t npix = (size_t)W * H;
  screen = (uint8_t *)malloc(3 * npix);
  saved = (uint8_t *)malloc(3 * npix);
  if (!screen || !saved) {
    st = STN_FAIL(STN_ERR_MEMORY, "%s: out of memory for %s", fn, path);
    goto done;
  }
  uint8_t bg[3] = {0, 0, 0};
  if (g->SColorMap && g->SBackGroundColor < g->SColorMap->ColorCount) {
    GifColorType c = g->SColorMap->Colors[g->SBackGroundColor];
    bg[0] = c.Red, bg[1] = c.Green, bg[2] = c.Blue;
  }
  for (size_t k = 0; k < npix; k++) memcpy(screen + 3 * k, bg, 3);
  if (loop) *loop = -1;
  for (int f = 0; f < N; f++) {
    SavedImage *im = &g->SavedImages[f];
    GraphicsControlBlock gcb = {DISPOSE_DO_NOT, false, 0, NO_TRANSPARENT_COLOR};
    DGifSavedExtensionToGCB(g, f, &gcb);
    if (f < n_delays) delays_cs[f] = gcb.DelayTime;
    if (loop) loop_count(im->ExtensionBlocks, im->ExtensionBlockCount, loop);
    ColorMapObject *map = im->ImageDesc.ColorMap ? im->ImageDesc.ColorMap : g->SColorMap;
    if (!map) {
      st = STN_FAIL(STN_ERR_IO, "%s: %s: frame %d has no palette", fn, path, f + 1);
      goto done;
    }
    if (gcb.DisposalMode == DISPOSE_PREVIOUS) memcpy(saved, screen, 3 * npix);
    GifImageDesc d = im->ImageDesc;
    for (int i = 0; i < d.Height; i++)
      for (int j = 0; j < d.Width; j++) {
        int y = d.Top + i, x = d.Left + j, v = im->RasterBits[(size_t)i * d.Width + j];
        if (y >= H || x >= W || v == gcb.TransparentColor) continue;
        if (v >= map->ColorCount) v = 0;
        uint8_t *p = screen + 3 * ((size_t)y * W + x);
        p[0] = map->Colors[v].Red, p[1] = map->Colors[v].Green, p[2] = map->Colors[v].Blue;
      }
    stn_tensor frame = *out; /* a borrowed view of frame f: no reference taken */
    frame.offset += f * out->strides[0], frame.ndim = 3;
    for (int k = 0; k < 3; k++) frame.shape[k] = out->shape[k + 1], frame.strides[k] = out->strides[k + 1];
    stn_picture_from_bytes(&frame, screen);
    if (gcb.DisposalMode == DISPOSE_BACKGROUND) {
      for (int i = d.Top; i < d.Top + d.Height && i < H; i++)
        for (int j = d.Left; j < d.Left + d.Width && j < W; j++) memcpy(screen + 3 * ((size_t)i * W + j), bg, 3);
    } else if (gcb.DisposalMode == DISPOSE_PREVIOUS) {
      memcpy(screen, saved, 3 * npix);
    }
  }
  if (loop) loop_count(g->ExtensionBlocks, g->ExtensionBlockCount, loop);
done:
  free(screen);
  free(saved);
  DGifCloseFile(g, &err);
  return st;
}

#else /* no giflib */

#define NO_GIF(fn) \
  STN_FAIL(STN_ERR_ARG, fn ": this stn was built without giflib: install the Debian package libgif-dev and rebuild (make)")

stn_status stn_gif_new(int width, int height, int palette, int loop, stn_gif **out) {
  (void)width, (void)height, (void)palette, (void)loop;
  if (out) *out = NULL;
  return NO_GIF("stn_gif_new");
}
stn_status stn_gif_add_frame(stn_ctx *ctx, stn_gif *gif, const stn_tensor *picture, int delay_cs) {
  (void)ctx, (void)gif, (void)picture, (void)delay_cs;
  return NO_GIF("stn_gif_add_frame");
}
int stn_gif_frame_count(const stn_gif *gif) { (void)gif; return 0; }
stn_status stn_gif_save(stn_gif *gif, const char *path) {
  (void)gif, (void)path;
  return NO_GIF("stn_gif_save");
}
void stn_gif_free(stn_gif *gif) { (void)gif; }
stn_status stn_gif_read(stn_ctx *ctx, const char *path, stn_tensor *out, int *delays_cs, int n_delays, int *loop) {
  (void)ctx, (void)path, (void)out, (void)delays_cs, (void)n_delays, (void)loop;
  return NO_GIF("stn_gif_read");
}

#endif
