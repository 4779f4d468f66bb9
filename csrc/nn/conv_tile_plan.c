/* conv_tile_plan.c: which rows each register tile of the direct convolution passes
 * (csrc/nn/conv_tiles.c) takes, and which ranges of its sum read the image rather than
 * its zero padding, so that the tiles skip the products of padding zeros.
 *
 * Forward (and the image gradient, a forward pass of its own): a tile's rows are output
 * pixels (of G images side by side), its sum runs over the kernel taps (c, i, j); output
 * row oy reads the image with kernel rows i in one range, output column ox with kernel
 * columns j in another. Weight gradient: a tile's rows are kernel entries (c, i, j), its
 * sum runs over the output pixels; kernel row i reads the image at output rows in one
 * range, kernel column j at output columns in another. Rows whose ranges agree (a class:
 * a run of consecutive values with the same range, times a run of the other axis) are
 * laid out next to each other, so that most tiles hold rows of one class and sum over
 * exactly their ranges; a tile that straddles classes sums over the union of its rows'
 * ranges (the extra products read padding zeros). Skipping a product of a padding zero
 * leaves a sum that starts at +0 unchanged, bit for bit (it never becomes -0), so the
 * plans change no result of finite inputs, only the work. */
#include "nn/conv2d_direct.h"

/* floor(a / b) for b > 0 */
static inline int64_t floordiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/* The kernel taps q in [0, k) that output position o (stride d, padding pad, image size
 * n) reads inside the image: [*lo, *hi), empty as lo == hi. */
static void taps_of(int64_t o, int d, int pad, int k, int64_t n, int64_t *lo, int64_t *hi) {
  int64_t a = pad - o * d, b = n + pad - o * d;
  *lo = a > 0 ? a : 0;
  *hi = b < k ? b : k;
  if (*hi < *lo) *hi = *lo;
}

/* The output positions o in [0, no) that tap q reads inside the image: the o with
 * 0 <= o d + q - pad < n. */
static void outputs_of(int64_t q, int d, int pad, int64_t n, int64_t no, int64_t *lo, int64_t *hi) {
  int64_t a = floordiv(pad - q + d - 1, d), b = floordiv(n + pad - q + d - 1, d);
  *lo = a > 0 ? a : 0;
  *hi = b < no ? b : no;
  if (*hi < *lo) *hi = *lo;
}

/* Runs of an axis of m positions whose ranges agree: run r is [start[r], start[r + 1]),
 * with lo[r], hi[r] its range; returns the count. */
#define MAX_RUNS 64 /* past that, one run with the union of the rest */
typedef struct {
  int64_t n, start[MAX_RUNS + 1], lo[MAX_RUNS], hi[MAX_RUNS];
} runs;

static void runs_of(runs *r, int64_t m, int taps, int d, int pad, int k, int64_t n, int64_t no) {
  r->n = 0;
  for (int64_t p = 0; p < m; p++) {
    int64_t lo, hi;
    if (taps) taps_of(p, d, pad, k, n, &lo, &hi);
    else outputs_of(p, d, pad, n, no, &lo, &hi);
    if (r->n > 0 && ((lo == r->lo[r->n - 1] && hi == r->hi[r->n - 1]) || r->n == MAX_RUNS)) {
      int64_t j = r->n - 1;
      if (lo < hi) { /* only reached past MAX_RUNS with a different range: widen */
        if (r->lo[j] == r->hi[j]) r->lo[j] = lo, r->hi[j] = hi;
        if (lo < r->lo[j]) r->lo[j] = lo;
        if (hi > r->hi[j]) r->hi[j] = hi;
      }
      continue;
    }
    r->start[r->n] = p, r->lo[r->n] = lo, r->hi[r->n] = hi;
    r->n++;
  }
  r->start[r->n] = m;
}

/* Rows appended one at a time into tiles of R rows; a tile's ranges are the union of its
 * rows' (empty ranges add nothing). */
typedef struct {
  stn_conv_tile *tiles; /* NULL: count only */
  int64_t count;        /* tiles begun */
  int R, used;          /* rows in the last tile */
  int32_t junk;         /* the accumulator row spare rows write */
} builder;

static void tile_begin(builder *b) {
  b->count++, b->used = 0;
  if (!b->tiles) return;
  stn_conv_tile *t = &b->tiles[b->count - 1];
  for (int r = 0; r < STN_CONV_ROWS; r++) t->row[r] = b->junk, t->xo[r] = 0;
  t->y0 = t->y1 = t->x0 = t->x1 = 0;
}

static void add_row(builder *b, int64_t row, int64_t xo, int64_t y0, int64_t y1, int64_t x0, int64_t x1) {
  if (b->count == 0 || b->used == b->R) tile_begin(b);
  int r = b->used++;
  if (!b->tiles) return;
  stn_conv_tile *t = &b->tiles[b->count - 1];
  t->row[r] = (int32_t)row, t->xo[r] = (int32_t)xo;
  if (y0 >= y1 || x0 >= x1) return; /* reads nothing inside the image */
  if (t->y0 >= t->y1 || t->x0 >= t->x1) { /* the first row that reads something */
    t->y0 = (int32_t)y0, t->y1 = (int32_t)y1, t->x0 = (int32_t)x0, t->x1 = (int32_t)x1;
    return;
  }
  if (y0 < t->y0) t->y0 = (int32_t)y0;
  if (y1 > t->y1) t->y1 = (int32_t)y1;
  if (x0 < t->x0) t->x0 = (int32_t)x0;
  if (x1 > t->x1) t->x1 = (int32_t)x1;
}

/* The padded extents (as conv_tiles.c): rows [0, Hp), columns [0, Wp) of an image copy. */
static inline int64_t pad_w(const stn_conv_geom *g) { return (g->oW - 1) * g->dW + g->kW; }

int64_t stn_conv_plan_forward(const stn_conv_geom *g, int64_t G, int R, stn_conv_tile *tiles) {
  runs ry, rx;
  runs_of(&ry, g->oH, 1, g->dH, g->padH, g->kH, g->H, g->oH);
  runs_of(&rx, g->oW, 1, g->dW, g->padW, g->kW, g->W, g->oW);
  int64_t Wp = pad_w(g), isz = stn_conv_direct_image_floats(g);
  builder b = {tiles, 0, R, 0, (int32_t)(G * g->N)};
  for (int64_t a = 0; a < ry.n; a++)
    for (int64_t e = 0; e < rx.n; e++)
      for (int64_t im = 0; im < G; im++)
        for (int64_t oy = ry.start[a]; oy < ry.start[a + 1]; oy++)
          for (int64_t ox = rx.start[e]; ox < rx.start[e + 1]; ox++)
            add_row(&b, im * g->N + oy * g->oW + ox, im * isz + oy * g->dH * Wp + ox * g->dW, ry.lo[a], ry.hi[a],
                    rx.lo[e], rx.hi[e]);
  return b.count;
}

int64_t stn_conv_plan_weights(const stn_conv_geom *g, int R, stn_conv_tile *tiles) {
  runs ri, rj;
  runs_of(&ri, g->kH, 0, g->dH, g->padH, g->kH, g->H, g->oH);
  runs_of(&rj, g->kW, 0, g->dW, g->padW, g->kW, g->W, g->oW);
  int64_t Wp = pad_w(g), Hp = (g->oH - 1) * g->dH + g->kH, kk = (int64_t)g->kH * g->kW;
  builder b = {tiles, 0, R, 0, (int32_t)g->K};
  for (int64_t a = 0; a < ri.n; a++)
    for (int64_t e = 0; e < rj.n; e++)
      for (int64_t c = 0; c < g->C; c++)
        for (int64_t i = ri.start[a]; i < ri.start[a + 1]; i++)
          for (int64_t j = rj.start[e]; j < rj.start[e + 1]; j++)
            add_row(&b, c * kk + i * g->kW + j, (c * Hp + i) * Wp + j, ri.lo[a], ri.hi[a], rj.lo[e], rj.hi[e]);
  return b.count;
}
