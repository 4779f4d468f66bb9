/* gif_read.c: decoding animated GIFs with giflib, for the tests and stn.image.load:
 * every frame composited onto the previous ones as a viewer shows them (disposal
 * modes and transparency honoured), the frame delays and the NETSCAPE2.0 loop count.
 * Without giflib (STN_WITH_GIF unset) the call names the Debian package to install. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef STN_WITH_GIF
#include <gif_lib.h>

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

stn_status stn_gif_read(stn_ctx *ctx, const char *path, stn_tensor *out, int *delays_cs, int n_delays, int *loop) {
  (void)ctx, (void)path, (void)out, (void)delays_cs, (void)n_delays, (void)loop;
  return STN_FAIL(STN_ERR_ARG, "stn_gif_read: this stn was built without giflib: install the Debian package libgif-dev "
                               "and rebuild (make)");
}

#endif
