/* picture_draw.c: composing pictures for the figures: nearest-neighbour upscaling,
 * pasting one picture into another, square dots, and text in a small built-in 5 x 8
 * bitmap font (drawn for this project: digits, both cases, a little punctuation). */
#include "picture.h"
#include "core/error.h"
#include "core/tensor.h"
#include "core/storage.h"

#include <math.h>
#include <string.h>

/* Each glyph: rows of 5 columns, '#' set, in a cell 8 rows high: capitals and
 * digits fill rows 1-7 (row 7 is the baseline), lower case rows 3-7, and the tails of
 * g, j, p, q, y and the comma reach row 8 (an eighth row left out is blank). */
static const struct glyph {
  char ch;
  const char *rows[8];
} font[] = {
  {' ', {".....", ".....", ".....", ".....", ".....", ".....", "....."}},
  {'0', {".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."}},
  {'1', {"..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."}},
  {'2', {".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"}},
  {'3', {"#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."}},
  {'4', {"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."}},
  {'5', {"#####", "#....", "####.", "....#", "....#", "#...#", ".###."}},
  {'6', {"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."}},
  {'7', {"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."}},
  {'8', {".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."}},
  {'9', {".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."}},
  {'a', {".....", ".....", ".###.", "....#", ".####", "#...#", ".####"}},
  {'b', {"#....", "#....", "#.##.", "##..#", "#...#", "#...#", "####."}},
  {'c', {".....", ".....", ".###.", "#....", "#....", "#...#", ".###."}},
  {'d', {"....#", "....#", ".##.#", "#..##", "#...#", "#...#", ".####"}},
  {'e', {".....", ".....", ".###.", "#...#", "#####", "#....", ".###."}},
  {'f', {"..##.", ".#..#", ".#...", "###..", ".#...", ".#...", ".#..."}},
  {'g', {".....", ".....", ".####", "#...#", "#...#", ".####", "....#", ".###."}},
  {'h', {"#....", "#....", "#.##.", "##..#", "#...#", "#...#", "#...#"}},
  {'i', {"..#..", ".....", ".##..", "..#..", "..#..", "..#..", ".###."}},
  {'j', {"...#.", ".....", "..##.", "...#.", "...#.", "...#.", "#..#.", ".##.."}},
  {'k', {"#....", "#....", "#..#.", "#.#..", "##...", "#.#..", "#..#."}},
  {'l', {".##..", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."}},
  {'m', {".....", ".....", "##.#.", "#.#.#", "#.#.#", "#...#", "#...#"}},
  {'n', {".....", ".....", "#.##.", "##..#", "#...#", "#...#", "#...#"}},
  {'o', {".....", ".....", ".###.", "#...#", "#...#", "#...#", ".###."}},
  {'p', {".....", ".....", "####.", "#...#", "#...#", "####.", "#....", "#...."}},
  {'q', {".....", ".....", ".####", "#...#", "#...#", ".####", "....#", "....#"}},
  {'r', {".....", ".....", "#.##.", "##..#", "#....", "#....", "#...."}},
  {'s', {".....", ".....", ".###.", "#....", ".###.", "....#", "####."}},
  {'t', {".#...", ".#...", "###..", ".#...", ".#...", ".#..#", "..##."}},
  {'u', {".....", ".....", "#...#", "#...#", "#...#", "#..##", ".##.#"}},
  {'v', {".....", ".....", "#...#", "#...#", "#...#", ".#.#.", "..#.."}},
  {'w', {".....", ".....", "#...#", "#...#", "#.#.#", "#.#.#", ".#.#."}},
  {'x', {".....", ".....", "#...#", ".#.#.", "..#..", ".#.#.", "#...#"}},
  {'y', {".....", ".....", "#...#", "#...#", "#...#", ".####", "....#", ".###."}},
  {'z', {".....", ".....", "#####", "...#.", "..#..", ".#...", "#####"}},
  {'A', {".###.", "#...#", "#...#", "#...#", "#####", "#...#", "#...#"}},
  {'B', {"####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."}},
  {'C', {".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."}},
  {'D', {"###..", "#..#.", "#...#", "#...#", "#...#", "#..#.", "###.."}},
  {'E', {"#####", "#....", "#....", "####.", "#....", "#....", "#####"}},
  {'F', {"#####", "#....", "#....", "####.", "#....", "#....", "#...."}},
  {'G', {".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"}},
  {'H', {"#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"}},
  {'I', {".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."}},
  {'J', {"..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."}},
  {'K', {"#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"}},
  {'L', {"#....", "#....", "#....", "#....", "#....", "#....", "#####"}},
  {'M', {"#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"}},
  {'N', {"#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"}},
  {'O', {".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."}},
  {'P', {"####.", "#...#", "#...#", "####.", "#....", "#....", "#...."}},
  {'Q', {".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"}},
  {'R', {"####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"}},
  {'S', {".####", "#....", "#....", ".###.", "....#", "....#", "####."}},
  {'T', {"#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."}},
  {'U', {"#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."}},
  {'V', {"#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."}},
  {'W', {"#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."}},
  {'X', {"#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"}},
  {'Y', {"#...#", "#...#", "#...#", ".#.#.", "..#..", "..#..", "..#.."}},
  {'Z', {"#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"}},
  {',', {".....", ".....", ".....", ".....", ".....", ".##..", "..#..", ".#..."}},
  {'.', {".....", ".....", ".....", ".....", ".....", ".##..", ".##.."}},
  {'/', {".....", "....#", "...#.", "..#..", ".#...", "#....", "....."}},
  {':', {".....", ".##..", ".##..", ".....", ".##..", ".##..", "....."}},
  {'-', {".....", ".....", ".....", "#####", ".....", ".....", "....."}},
  {'+', {".....", "..#..", "..#..", "#####", "..#..", "..#..", "....."}},
  {'=', {".....", ".....", "#####", ".....", "#####", ".....", "....."}},
  {'%', {"##...", "##..#", "...#.", "..#..", ".#...", "#..##", "...##"}},
  {'(', {"...#.", "..#..", ".#...", ".#...", ".#...", "..#..", "...#."}},
  {')', {".#...", "..#..", "...#.", "...#.", "...#.", "..#..", ".#..."}},
  {'_', {".....", ".....", ".....", ".....", ".....", ".....", "#####"}},
};
enum { GLYPH_W = 5, GLYPH_H = 8, ADVANCE = 6 };

static const struct glyph *find_glyph(char ch) {
  for (size_t k = 0; k < sizeof font / sizeof font[0]; k++)
    if (font[k].ch == ch) return &font[k];
  return NULL;
}

/* Pointer to element (c, i, j) of a C x H x W tensor. */
static inline float *at(const stn_tensor *t, int64_t c, int64_t i, int64_t j) {
  return stn_data(t) + c * t->strides[0] + i * t->strides[1] + j * t->strides[2];
}

/* Fills the rectangle [x0, x1) x [y0, y1), clipped, with colour. */
static void fill(stn_tensor *canvas, int64_t x0, int64_t y0, int64_t x1, int64_t y1, const float *color) {
  int64_t C = canvas->shape[0], H = canvas->shape[1], W = canvas->shape[2];
  if (x0 < 0) x0 = 0;
  if (y0 < 0) y0 = 0;
  if (x1 > W) x1 = W;
  if (y1 > H) y1 = H;
  for (int64_t c = 0; c < C; c++)
    for (int64_t i = y0; i < y1; i++)
      for (int64_t j = x0; j < x1; j++) *at(canvas, c, i, j) = color[c];
}

static stn_status check_color(const char *fn, const stn_tensor *canvas, const float *color) {
  if (!color) return STN_FAIL(STN_ERR_ARG, "%s: colour is NULL", fn);
  for (int64_t c = 0; c < canvas->shape[0]; c++)
    if (!isfinite(color[c])) return STN_FAIL(STN_ERR_ARG, "%s: colour value %lld is not finite", fn, (long long)c + 1);
  return STN_OK;
}

stn_status stn_image_upscale(stn_ctx *ctx, const stn_tensor *in, stn_tensor *out, int factor) {
  static const char *fn = "stn_image_upscale";
  STN_TRY(stn_check_picture(fn, "input", in, 4, 0));
  STN_TRY(stn_check_tensor(fn, "output", out));
  if (out->device != STN_CPU) return STN_FAIL(STN_ERR_DEVICE, "%s: output must be a CPU tensor", fn);
  if (factor < 1 || factor > 64) return STN_FAIL(STN_ERR_ARG, "%s: factor must be 1 to 64, got %d", fn, factor);
  if (stn_shares_storage(out, in)) return STN_FAIL(STN_ERR_ARG, "%s: output shares the input's storage", fn);
  int64_t C = in->shape[0], H = in->shape[1], W = in->shape[2];
  int64_t size[3] = {C, H * factor, W * factor};
  STN_TRY(stn_resize_out(ctx, out, STN_FLOAT, 3, size));
  int64_t si = in->strides[2], so = out->strides[2];
  for (int64_t c = 0; c < C; c++)
    for (int64_t i = 0; i < size[1]; i++) {
      const float *row = at(in, c, i / factor, 0);
      float *o = at(out, c, i, 0);
      for (int64_t j = 0; j < W; j++) {
        float v = row[j * si];
        for (int k = 0; k < factor; k++) o[(j * factor + k) * so] = v;
      }
    }
  return STN_OK;
}

stn_status stn_image_paste(stn_ctx *ctx, stn_tensor *canvas, const stn_tensor *src, int x, int y, int factor) {
  static const char *fn = "stn_image_paste";
  (void)ctx;
  STN_TRY(stn_check_picture(fn, "canvas", canvas, 4, 0));
  STN_TRY(stn_check_picture(fn, "picture", src, 4, 0));
  int64_t Cc = canvas->shape[0], Cs = src->shape[0];
  if (Cs != Cc && !(Cs == 1 && Cc == 3))
    return STN_FAIL(STN_ERR_ARG, "%s: a %lld-channel picture (%s) cannot go onto a %lld-channel canvas (%s)", fn,
                    (long long)Cs, stn_shape_str(src), (long long)Cc, stn_shape_str(canvas));
  if (factor < 1 || factor > 64) return STN_FAIL(STN_ERR_ARG, "%s: factor must be 1 to 64, got %d", fn, factor);
  if (stn_shares_storage(canvas, src)) return STN_FAIL(STN_ERR_ARG, "%s: the picture shares the canvas's storage", fn);
  /* rows and columns of the upscaled picture that land on the canvas */
  int64_t H = src->shape[1] * factor, W = src->shape[2] * factor;
  int64_t i0 = y < 0 ? -(int64_t)y : 0, j0 = x < 0 ? -(int64_t)x : 0;
  int64_t i1 = H, j1 = W;
  if (y + i1 > canvas->shape[1]) i1 = canvas->shape[1] - y;
  if (x + j1 > canvas->shape[2]) j1 = canvas->shape[2] - x;
  int64_t ss = src->strides[2], ds = canvas->strides[2];
  for (int64_t c = 0; c < Cc; c++) {
    int64_t cs = Cs == 1 ? 0 : c;
    for (int64_t i = i0; i < i1; i++) {
      const float *srow = at(src, cs, i / factor, 0);
      float *drow = at(canvas, c, y + i, x);
      int64_t sj = j0 / factor, k = j0 % factor; /* source column and repeat, without dividing */
      for (int64_t j = j0; j < j1; j++) {
        drow[j * ds] = srow[sj * ss];
        if (++k == factor) k = 0, sj++;
      }
    }
  }
  return STN_OK;
}

stn_status stn_image_draw_points(stn_ctx *ctx, stn_tensor *canvas, const float *xy, int n, int radius,
                                 const float *color) {
  static const char *fn = "stn_image_draw_points";
  (void)ctx;
  STN_TRY(stn_check_picture(fn, "canvas", canvas, 4, 0));
  STN_TRY(check_color(fn, canvas, color));
  if (n < 0 || (n > 0 && !xy)) return STN_FAIL(STN_ERR_ARG, "%s: bad point list (%d points)", fn, n);
  if (radius < 0 || radius > 1000) return STN_FAIL(STN_ERR_ARG, "%s: radius must be 0 to 1000, got %d", fn, radius);
  for (int k = 0; k < n; k++) {
    float px = xy[2 * k], py = xy[2 * k + 1];
    if (!isfinite(px) || !isfinite(py)) return STN_FAIL(STN_ERR_ARG, "%s: point %d is not finite", fn, k + 1);
    if (fabsf(px) > 1e9f || fabsf(py) > 1e9f) continue; /* far outside: nothing to draw */
    int64_t cx = (int64_t)floorf(px + 0.5f), cy = (int64_t)floorf(py + 0.5f);
    fill(canvas, cx - radius, cy - radius, cx + radius + 1, cy + radius + 1, color);
  }
  return STN_OK;
}

static stn_status check_text(const char *fn, const char *text, int scale) {
  if (!text) return STN_FAIL(STN_ERR_ARG, "%s: text is NULL", fn);
  if (scale < 1 || scale > 64) return STN_FAIL(STN_ERR_ARG, "%s: scale must be 1 to 64, got %d", fn, scale);
  for (const char *p = text; *p; p++)
    if (!find_glyph(*p))
      return STN_FAIL(STN_ERR_ARG, "%s: the built-in font has no character '%c' (byte %d) in \"%s\"", fn,
                      (*p >= 32 && *p < 127) ? *p : '?', (unsigned char)*p, text);
  return STN_OK;
}

stn_status stn_image_text_size(const char *text, int scale, int *width, int *height) {
  static const char *fn = "stn_image_text_size";
  STN_TRY(check_text(fn, text, scale));
  if (!width || !height) return STN_FAIL(STN_ERR_ARG, "%s: width or height is NULL", fn);
  int64_t n = (int64_t)strlen(text);
  *width = n == 0 ? 0 : (int)((n * ADVANCE - (ADVANCE - GLYPH_W)) * scale);
  *height = n == 0 ? 0 : GLYPH_H * scale;
  return STN_OK;
}

stn_status stn_image_draw_text(stn_ctx *ctx, stn_tensor *canvas, const char *text, int x, int y, int scale,
                               const float *color) {
  static const char *fn = "stn_image_draw_text";
  (void)ctx;
  STN_TRY(stn_check_picture(fn, "canvas", canvas, 4, 0));
  STN_TRY(check_color(fn, canvas, color));
  STN_TRY(check_text(fn, text, scale));
  int64_t left = x;
  for (const char *p = text; *p; p++, left += (int64_t)ADVANCE * scale) {
    const struct glyph *g = find_glyph(*p);
    for (int r = 0; r < GLYPH_H && g->rows[r]; r++)
      for (int c = 0; c < GLYPH_W; c++)
        if (g->rows[r][c] == '#') {
          int64_t x0 = left + (int64_t)c * scale, y0 = y + (int64_t)r * scale;
          fill(canvas, x0, y0, x0 + scale, y0 + scale, color);
        }
  }
  return STN_OK;
}
