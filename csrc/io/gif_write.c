/* gif_write.c: animated GIFs through giflib, built frame by frame: one global
 * 256-colour palette, a graphics control block per frame for its delay, and the
 * NETSCAPE2.0 loop extension. Frames are handed to a worker thread that maps them to
 * the palette and LZW-compresses them into a memory buffer, so that adding a frame
 * during training costs only a copy; frames are encoded in order by that one thread,
 * so the file is the same as a single-threaded encoder's. A save waits for the queue
 * to drain and writes the buffer plus the one-byte trailer atomically: an animation
 * in progress can be saved at any point and keep growing. Without giflib
 * (STN_WITH_GIF unset) every call names the Debian package to install. */
#include "gif_palette.h"
#include "picture.h"
#include "core/error.h"
#include "core/tensor.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef STN_WITH_GIF
#include <gif_lib.h>

/* Palette entry 255 is never a colour: it marks, in every frame after the first, the
 * pixels that did not change (transparent, over the previous frame, which stays), so
 * the unchanging parts of a figure compress to long runs. */
enum { MAP_BITS = 6, MAP_SIZE = 1 << (3 * MAP_BITS), QUEUE = 8, SAME = 255 };

typedef struct pending {
  uint8_t *rgb; /* width x height x 3 */
  int delay_cs;
} pending;

struct stn_gif {
  int width, height, palette_mode, loop, nframes;
  /* owned by the worker while it runs */
  GifFileType *gif;
  int started, encoded;
  uint8_t palette[768];
  int16_t *map;          /* nearest palette entry per 6-bit-per-channel colour, -1 unknown */
  GifPixelType *indices, *previous, *coded; /* one frame each: palette indices, the last
                                               frame's, and what is written (SAME where equal) */
  unsigned char *buf;    /* the encoded stream so far */
  size_t len, cap;
  int out_of_memory;
  /* shared, under lock */
  pthread_t thread;
  int thread_running, stop, busy, head, count;
  pending queue[QUEUE];
  pthread_mutex_t lock;
  pthread_cond_t changed;
  stn_status error; /* the worker's first failure, reported by the next call */
  char message[512];
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

/* Records the worker's failure (the first one) for the caller's next call. */
static int worker_fail(stn_gif *s, stn_status st, const char *fmt, ...) {
  pthread_mutex_lock(&s->lock);
  if (s->error == STN_OK) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->message, sizeof s->message, fmt, ap);
    va_end(ap);
    s->error = st;
  }
  pthread_mutex_unlock(&s->lock);
  return 0;
}

static int giflib_fail(stn_gif *s, const char *what) {
  if (s->out_of_memory) return worker_fail(s, STN_ERR_MEMORY, "out of memory after %d frames", s->encoded);
  const char *why = GifErrorString(s->gif->Error);
  return worker_fail(s, STN_ERR_IO, "giflib failed to %s (frame %d): %s", what, s->encoded + 1, why ? why : "?");
}

/* Header, screen descriptor with the global palette, loop extension; 0 on failure. */
static int start(stn_gif *s, const uint8_t *first) {
  if (s->palette_mode == STN_GIF_CUBE) stn_gif_palette_cube(s->palette);
  else if (stn_gif_palette_median_cut(first, (int64_t)s->width * s->height, s->palette) != STN_OK)
    return worker_fail(s, STN_ERR_MEMORY, "out of memory choosing the palette");
  ColorMapObject *map = GifMakeMapObject(256, NULL);
  if (!map) return worker_fail(s, STN_ERR_MEMORY, "out of memory");
  for (int k = 0; k < 256; k++)
    map->Colors[k].Red = s->palette[3 * k], map->Colors[k].Green = s->palette[3 * k + 1],
    map->Colors[k].Blue = s->palette[3 * k + 2];
  EGifSetGifVersion(s->gif, true);
  int ok = EGifPutScreenDesc(s->gif, s->width, s->height, 8, 0, map) == GIF_OK;
  GifFreeMapObject(map);
  if (!ok) return giflib_fail(s, "write the screen descriptor");
  if (s->loop >= 0) {
    unsigned char params[3] = {1, (unsigned char)(s->loop & 0xff), (unsigned char)(s->loop >> 8)};
    if (EGifPutExtensionLeader(s->gif, APPLICATION_EXT_FUNC_CODE) != GIF_OK ||
        EGifPutExtensionBlock(s->gif, 11, "NETSCAPE2.0") != GIF_OK || EGifPutExtensionBlock(s->gif, 3, params) != GIF_OK ||
        EGifPutExtensionTrailer(s->gif) != GIF_OK)
      return giflib_fail(s, "write the loop extension");
  }
  s->started = 1;
  return 1;
}

/* Index of the palette entry nearest to the centre of a 6-bit colour cell. */
static int16_t nearest(const uint8_t *palette, int key) {
  int r = ((key >> (2 * MAP_BITS)) << 2) | 2, g = (((key >> MAP_BITS) & 63) << 2) | 2, b = ((key & 63) << 2) | 2;
  int best = 0, best_d = 1 << 30;
  for (int k = 0; k < SAME; k++) {
    int dr = r - palette[3 * k], dg = g - palette[3 * k + 1], db = b - palette[3 * k + 2];
    int d = 3 * dr * dr + 4 * dg * dg + 2 * db * db; /* the eye weighs green most, blue least */
    if (d < best_d) best_d = d, best = k;
  }
  return (int16_t)best;
}

/* Maps one frame to the palette and appends it to the stream; 0 on failure. */
static int encode(stn_gif *s, const pending *p) {
  if (!s->started && !start(s, p->rgb)) return 0;
  int64_t n = (int64_t)s->width * s->height;
  for (int64_t k = 0; k < n; k++) {
    const uint8_t *c = p->rgb + 3 * k;
    int key = (c[0] >> 2) << (2 * MAP_BITS) | (c[1] >> 2) << MAP_BITS | (c[2] >> 2);
    if (s->map[key] < 0) s->map[key] = nearest(s->palette, key);
    s->indices[k] = (GifPixelType)s->map[key];
  }
  const GifPixelType *line = s->indices;
  if (s->encoded > 0) {
    for (int64_t k = 0; k < n; k++) s->coded[k] = s->indices[k] == s->previous[k] ? SAME : s->indices[k];
    line = s->coded;
  }
  GifPixelType *swap = s->previous;
  s->previous = s->indices, s->indices = swap;
  GraphicsControlBlock gcb = {DISPOSE_DO_NOT, false, p->delay_cs, s->encoded > 0 ? SAME : NO_TRANSPARENT_COLOR};
  GifByteType ext[4];
  size_t len = EGifGCBToExtension(&gcb, ext);
  if (EGifPutExtension(s->gif, GRAPHICS_EXT_FUNC_CODE, (int)len, ext) != GIF_OK)
    return giflib_fail(s, "write a frame's delay");
  if (EGifPutImageDesc(s->gif, 0, 0, s->width, s->height, false, NULL) != GIF_OK ||
      EGifPutLine(s->gif, (GifPixelType *)line, (int)n) != GIF_OK)
    return giflib_fail(s, "encode a frame");
  s->encoded++;
  return 1;
}

static void *worker(void *arg) {
  stn_gif *s = (stn_gif *)arg;
  pthread_mutex_lock(&s->lock);
  for (;;) {
    while (s->count == 0 && !s->stop) pthread_cond_wait(&s->changed, &s->lock);
    if (s->count == 0) break; /* stopped with nothing left */
    pending p = s->queue[s->head];
    s->head = (s->head + 1) % QUEUE;
    s->count--;
    int skip = s->error != STN_OK; /* after a failure the stream is unusable */
    s->busy = 1;
    pthread_mutex_unlock(&s->lock);
    if (!skip) encode(s, &p);
    free(p.rgb);
    pthread_mutex_lock(&s->lock);
    s->busy = 0;
    pthread_cond_broadcast(&s->changed);
  }
  pthread_mutex_unlock(&s->lock);
  return NULL;
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
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->changed, NULL);
  s->map = (int16_t *)malloc(sizeof(int16_t) * MAP_SIZE);
  size_t npix = (size_t)width * height;
  s->indices = (GifPixelType *)malloc(npix);
  s->previous = (GifPixelType *)malloc(npix);
  s->coded = (GifPixelType *)malloc(npix);
  int err = 0;
  if (s->map && s->indices && s->previous && s->coded) s->gif = EGifOpen(s, write_to_memory, &err);
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
  if (s->thread_running) {
    pthread_mutex_lock(&s->lock);
    s->stop = 1;
    s->error = s->error ? s->error : STN_ERR_ARG; /* drop what is queued: nobody will save it */
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->thread, NULL);
  }
  if (s->gif) {
    int err;
    EGifCloseFile(s->gif, &err);
  }
  pthread_mutex_destroy(&s->lock);
  pthread_cond_destroy(&s->changed);
  free(s->map);
  free(s->indices);
  free(s->previous);
  free(s->coded);
  free(s->buf);
  free(s);
}

int stn_gif_frame_count(const stn_gif *s) { return s ? s->nframes : 0; }

/* The worker's failure as this thread's error, or STN_OK. Call under the lock. */
static stn_status reported(const char *fn, stn_gif *s) {
  if (s->error == STN_OK) return STN_OK;
  return STN_FAIL(s->error, "%s: %s", fn, s->message);
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
  int64_t n = (int64_t)s->width * s->height;
  uint8_t *rgb = (uint8_t *)malloc(3 * (size_t)n);
  if (!rgb) return STN_FAIL(STN_ERR_MEMORY, "%s: out of memory for a %s frame", fn, stn_shape_str(picture));
  if (picture->shape[0] == 3) {
    stn_picture_to_bytes(picture, rgb);
  } else {
    stn_picture_to_bytes(picture, rgb + 2 * n); /* grey bytes at the end, spread to RGB in place */
    for (int64_t k = 0; k < n; k++) rgb[3 * k] = rgb[3 * k + 1] = rgb[3 * k + 2] = rgb[2 * n + k];
  }
  pthread_mutex_lock(&s->lock);
  stn_status st = STN_OK;
  if (!s->thread_running) {
    if (pthread_create(&s->thread, NULL, worker, s) != 0) st = STN_FAIL(STN_ERR_MEMORY, "%s: cannot start the encoder thread", fn);
    else s->thread_running = 1;
  }
  while (st == STN_OK && s->count == QUEUE && s->error == STN_OK) pthread_cond_wait(&s->changed, &s->lock);
  if (st == STN_OK) st = reported(fn, s);
  if (st == STN_OK) {
    s->queue[(s->head + s->count) % QUEUE] = (pending){rgb, delay_cs};
    s->count++;
    s->nframes++;
    pthread_cond_broadcast(&s->changed);
  }
  pthread_mutex_unlock(&s->lock);
  if (st != STN_OK) free(rgb);
  return st;
}

stn_status stn_gif_save(stn_gif *s, const char *path) {
  static const char *fn = "stn_gif_save";
  if (!s) return STN_FAIL(STN_ERR_ARG, "%s: the GIF is NULL (freed?)", fn);
  if (!path || !*path) return STN_FAIL(STN_ERR_ARG, "%s: empty path", fn);
  if (s->nframes == 0) return STN_FAIL(STN_ERR_ARG, "%s: %s: the animation has no frames yet", fn, path);
  pthread_mutex_lock(&s->lock);
  while ((s->count > 0 || s->busy) && s->error == STN_OK) pthread_cond_wait(&s->changed, &s->lock);
  stn_status st = reported(fn, s);
  if (st == STN_OK) { /* the worker is idle and stays so while the lock is held */
    static const unsigned char trailer = ';';
    const void *chunks[2] = {s->buf, &trailer};
    int64_t lens[2] = {(int64_t)s->len, 1};
    st = stn_write_file_atomic(path, 2, chunks, lens);
  }
  pthread_mutex_unlock(&s->lock);
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

#endif
