/* gif_read.c: decoding animated GIFs with giflib, for the tests and stn.image.load:
 * every frame composited onto the previous ones as a viewer shows them (disposal
 * modes and transparency honoured), the frame delays and the NETSCAPE2.0 loop count.
 * Without giflib (STN_WITH_GIF unset) the call names the Debian package to install.
 * What a file may announce is bounded by reader_limits.h. */
#include "picture.h"
#include "reader_limits.h"
#include "core/error.h"
#include "core/tensor.h"
#include "core/storage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef STN_WITH_GIF
#include <gif_lib.h>

/* The file is read record by record with giflib's low-level calls, not DGifSlurp, which
 * allocates each frame's announced size before its data are read. A frame's pixels are
 * kept as they are decoded, only the part inside the canvas, in a buffer that grows with
 * them; the output (frames x 3 x canvas) is allocated once every frame has decoded and
 * the canvas has passed the checks of reader_limits.h. */
typedef struct frame {
  int x0, y0, cw, height, top, interlace; /* stored columns [x0, x0 + cw); frame rows from top */
  size_t at;                              /* where its stored rows start in the pixel buffer */
  int ncolors;
  GifColorType colors[256];
  GraphicsControlBlock gcb;
} frame;

typedef struct growing {
  void *p;
  size_t len, cap;
} growing;

/* Makes room for `more` bytes at the end of g (doubling), 0 when out of memory. */
static int grow(growing *g, size_t more) {
  if (g->cap - g->len >= more) return 1;
  size_t cap = g->cap ? g->cap : 4096;
  while (cap - g->len < more) cap *= 2;
  void *p = realloc(g->p, cap);
  if (!p) return 0;
  g->p = p, g->cap = cap;
  return 1;
}

/* Frame row of the k-th line decoded (interlaced frames come in four passes). */
static int frame_row(int k, int height, int interlace) {
  if (!interlace) return k;
  static const int start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
  for (int pass = 0; pass < 4; pass++) {
    int n = start[pass] < height ? (height - start[pass] + step[pass] - 1) / step[pass] : 0;
    if (k < n) return start[pass] + k * step[pass];
    k -= n;
  }
  return height; /* not reached for k < height */
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
  growing frames = {0}, pixels = {0};
  uint8_t *screen = NULL, *saved = NULL;
  GifPixelType *line = NULL;
  int W = g->SWidth, H = g->SHeight, N = 0;
  int64_t canvas = (int64_t)W * H, covered = 0;
  if (W < 1 || H < 1) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s holds no image (a %dx%d canvas)", fn, path, W, H);
    goto done;
  }
  if (canvas > PICTURE_MAX_PIXELS) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s announces a %dx%d canvas, more than the %lld pixels this reader accepts", fn, path, W,
                  H, (long long)PICTURE_MAX_PIXELS);
    goto done;
  }
  if (loop) *loop = -1;
  GraphicsControlBlock gcb = {DISPOSE_DO_NOT, false, 0, NO_TRANSPARENT_COLOR};
  int have_gcb = 0; /* the first control block since the previous frame applies to the next */
  for (;;) {
    GifRecordType rec;
    if (DGifGetRecordType(g, &rec) != GIF_OK) goto corrupt;
    if (rec == TERMINATE_RECORD_TYPE) break;
    if (rec == EXTENSION_RECORD_TYPE) {
      int code;
      GifByteType *ext;
      if (DGifGetExtension(g, &code, &ext) != GIF_OK) goto corrupt;
      if (ext && code == GRAPHICS_EXT_FUNC_CODE && !have_gcb && DGifExtensionToGCB(ext[0], ext + 1, &gcb) == GIF_OK)
        have_gcb = 1;
      int netscape = ext && code == APPLICATION_EXT_FUNC_CODE && ext[0] == 11 && memcmp(ext + 1, "NETSCAPE2.0", 11) == 0;
      while (ext) {
        if (DGifGetExtensionNext(g, &ext) != GIF_OK) goto corrupt;
        if (netscape && ext && ext[0] >= 3 && ext[1] == 1 && loop) *loop = ext[2] | ext[3] << 8;
        netscape = 0;
      }
      continue;
    }
    if (rec != IMAGE_DESC_RECORD_TYPE) continue; /* giflib fails on unknown records itself */
    if (DGifGetImageDesc(g) != GIF_OK) goto corrupt;
    GifImageDesc d = g->Image;
    if (d.Width < 1 || d.Height < 1) {
      st = STN_FAIL(STN_ERR_IO, "%s: %s: frame %d is %dx%d pixels", fn, path, N + 1, d.Width, d.Height);
      goto done;
    }
    if ((int64_t)(N + 1) * 3 * canvas > GIF_MAX_OUTPUT) {
      st = STN_FAIL(STN_ERR_IO, "%s: %s holds more than %d frames of %dx%d, more than the %lld values this reader returns",
                    fn, path, N, W, H, (long long)GIF_MAX_OUTPUT);
      goto done;
    }
    ColorMapObject *map = d.ColorMap ? d.ColorMap : g->SColorMap;
    if (!map) {
      st = STN_FAIL(STN_ERR_IO, "%s: %s: frame %d has no palette", fn, path, N + 1);
      goto done;
    }
    if (!grow(&frames, sizeof(frame))) goto oom;
    frame *fr = (frame *)((char *)frames.p + frames.len);
    memset(fr, 0, sizeof *fr);
    fr->x0 = d.Left < W ? d.Left : W;
    fr->cw = (d.Left + d.Width < W ? d.Left + d.Width : W) - fr->x0;
    fr->top = d.Top, fr->height = d.Height, fr->interlace = d.Interlace, fr->at = pixels.len, fr->gcb = gcb;
    fr->ncolors = map->ColorCount < 256 ? map->ColorCount : 256;
    memcpy(fr->colors, map->Colors, sizeof(GifColorType) * (size_t)fr->ncolors);
    free(line);
    if (!(line = (GifPixelType *)malloc((size_t)d.Width))) goto oom;
    for (int k = 0; k < d.Height; k++) {
      if (DGifGetLine(g, line, d.Width) != GIF_OK) goto corrupt;
      int y = d.Top + frame_row(k, d.Height, d.Interlace);
      if (y >= H || fr->cw <= 0) continue;
      if (!grow(&pixels, (size_t)fr->cw)) goto oom;
      memcpy((char *)pixels.p + pixels.len, line + (fr->x0 - d.Left), (size_t)fr->cw);
      pixels.len += (size_t)fr->cw;
      covered += fr->cw;
    }
    frames.len += sizeof(frame);
    N++;
    gcb = (GraphicsControlBlock){DISPOSE_DO_NOT, false, 0, NO_TRANSPARENT_COLOR};
    have_gcb = 0;
  }
  if (N < 1) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s holds no image (%dx%d, 0 frames)", fn, path, W, H);
    goto done;
  }
  if (canvas > GIF_BARE_CANVAS && covered < canvas / GIF_MIN_COVER) {
    st = STN_FAIL(STN_ERR_IO, "%s: %s: its frames hold %lld pixels of its %dx%d canvas, less than 1/%d of it (a canvas the data "
                  "do not fill)", fn, path, (long long)covered, W, H, GIF_MIN_COVER);
    goto done;
  }
  int64_t shape[4] = {N, 3, H, W};
  if ((st = stn_resize_out(ctx, out, STN_FLOAT, 4, shape)) != STN_OK) goto done;
  size_t npix = (size_t)canvas;
  screen = (uint8_t *)malloc(3 * npix);
  if (!screen) goto oom;
  uint8_t bg[3] = {0, 0, 0};
  if (g->SColorMap && g->SBackGroundColor < g->SColorMap->ColorCount) {
    GifColorType c = g->SColorMap->Colors[g->SBackGroundColor];
    bg[0] = c.Red, bg[1] = c.Green, bg[2] = c.Blue;
  }
  for (size_t k = 0; k < npix; k++) memcpy(screen + 3 * k, bg, 3);
  for (int f = 0; f < N; f++) {
    const frame *fr = (const frame *)frames.p + f;
    if (f < n_delays) delays_cs[f] = fr->gcb.DelayTime;
    if (fr->gcb.DisposalMode == DISPOSE_PREVIOUS) {
      if (!saved && !(saved = (uint8_t *)malloc(3 * npix))) goto oom;
      memcpy(saved, screen, 3 * npix);
    }
    /* an index, not a pointer: pixels.p is NULL when no frame kept a pixel */
    size_t at = fr->at;
    for (int k = 0; k < fr->height; k++) {
      int y = fr->top + frame_row(k, fr->height, fr->interlace);
      if (y >= H || fr->cw <= 0) continue;
      const uint8_t *src = (const uint8_t *)pixels.p + at;
      for (int j = 0; j < fr->cw; j++) {
        int v = src[j];
        if (v == fr->gcb.TransparentColor) continue;
        if (v >= fr->ncolors) v = 0;
        uint8_t *p = screen + 3 * ((size_t)y * W + fr->x0 + j);
        p[0] = fr->colors[v].Red, p[1] = fr->colors[v].Green, p[2] = fr->colors[v].Blue;
      }
      at += (size_t)fr->cw;
    }
    stn_tensor view = *out; /* a borrowed view of frame f: no reference taken */
    view.offset += f * out->strides[0], view.ndim = 3;
    for (int k = 0; k < 3; k++) view.shape[k] = out->shape[k + 1], view.strides[k] = out->strides[k + 1];
    stn_picture_from_bytes(&view, screen);
    if (fr->gcb.DisposalMode == DISPOSE_BACKGROUND) {
      int y1 = fr->top + fr->height < H ? fr->top + fr->height : H;
      for (int i = fr->top; i < y1; i++)
        for (int j = fr->x0; j < fr->x0 + fr->cw; j++) memcpy(screen + 3 * ((size_t)i * W + j), bg, 3);
    } else if (fr->gcb.DisposalMode == DISPOSE_PREVIOUS) {
      memcpy(screen, saved, 3 * npix);
    }
  }
  goto done;
corrupt:
  st = STN_FAIL(STN_ERR_IO, "%s: %s is truncated or corrupt: %s", fn, path, GifErrorString(g->Error));
  goto done;
oom:
  st = STN_FAIL(STN_ERR_MEMORY, "%s: out of memory for %s", fn, path);
done:
  free(line);
  free(frames.p);
  free(pixels.p);
  free(screen);
  free(saved);
  DGifCloseFile(g, &err);
  return st;
}

#else /* no giflib */

stn_status stn_gif_read(stn_ctx *ctx, const char *path, stn_tensor *out, int *delays_cs, int n_delays, int *loop) {
  (void)ctx, (void)path, (void)out, (void)delays_cs, (void)n_delays, (void)loop;
  return STN_FAIL(STN_ERR_ARG, "stn_gif_read: this stn was built without giflib: install the Debian package libgif-dev "
                               "and rebuild (make)");
}

#endif
