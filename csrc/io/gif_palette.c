/* gif_palette.c: the 256-colour palettes of the GIF writer: a fixed colour cube, or a
 * median cut of one frame's colours (Heckbert's algorithm on a 5-bit-per-channel
 * histogram; each palette entry is the mean colour of the pixels of its box; entries
 * left over take colours of the cube). */
#include "gif_palette.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

void stn_gif_palette_cube(uint8_t palette[768]) {
  /* 6 red x 7 green x 6 blue levels (the eye tells greens apart best), then three
   * greys between black and white, which the cube lacks (its g levels differ from r, b) */
  int k = 0;
  for (int r = 0; r < 6; r++)
    for (int g = 0; g < 7; g++)
      for (int b = 0; b < 6; b++, k++) {
        palette[3 * k] = (uint8_t)(r * 51);
        palette[3 * k + 1] = (uint8_t)((g * 255 + 3) / 6);
        palette[3 * k + 2] = (uint8_t)(b * 51);
      }
  for (int v = 1; v <= 3; v++, k++) palette[3 * k] = palette[3 * k + 1] = palette[3 * k + 2] = (uint8_t)(v * 64);
  palette[3 * k] = palette[3 * k + 1] = palette[3 * k + 2] = 0; /* entry 255: reserved by the writer */
}

/* One occupied histogram cell: its pixel count and colour sums. */
typedef struct cell {
  int64_t count, sum[3];
  uint8_t key[3]; /* 5-bit r, g, b */
} cell;

static int cmp_r(const void *a, const void *b) { return (int)((const cell *)a)->key[0] - (int)((const cell *)b)->key[0]; }
static int cmp_g(const void *a, const void *b) { return (int)((const cell *)a)->key[1] - (int)((const cell *)b)->key[1]; }
static int cmp_b(const void *a, const void *b) { return (int)((const cell *)a)->key[2] - (int)((const cell *)b)->key[2]; }
static int (*const cmp_axis[3])(const void *, const void *) = {cmp_r, cmp_g, cmp_b};

/* A box: cells [lo, hi) of the cell array. */
typedef struct box {
  int lo, hi, axis;
  int64_t count, score; /* score: pixels x longest side; 0 when it cannot be split */
} box;

static void measure(const cell *cells, box *b) {
  int mn[3] = {31, 31, 31}, mx[3] = {0, 0, 0};
  b->count = 0;
  for (int k = b->lo; k < b->hi; k++) {
    b->count += cells[k].count;
    for (int a = 0; a < 3; a++) {
      if (cells[k].key[a] < mn[a]) mn[a] = cells[k].key[a];
      if (cells[k].key[a] > mx[a]) mx[a] = cells[k].key[a];
    }
  }
  b->axis = 0;
  for (int a = 1; a < 3; a++)
    if (mx[a] - mn[a] > mx[b->axis] - mn[b->axis]) b->axis = a;
  b->score = b->hi - b->lo > 1 ? b->count * (mx[b->axis] - mn[b->axis]) : 0;
}

stn_status stn_gif_palette_median_cut(const uint8_t *rgb, int64_t n, uint8_t palette[768]) {
  enum { SIDE = 32, CELLS = SIDE * SIDE * SIDE, WANT = 253 }; /* + black, white, the reserved 255 */
  cell *grid = (cell *)calloc(CELLS, sizeof(cell));
  box *boxes = (box *)malloc(sizeof(box) * WANT);
  if (!grid || !boxes) {
    free(grid);
    free(boxes);
    return STN_FAIL(STN_ERR_MEMORY, "stn_gif_palette_median_cut: out of memory");
  }
  for (int64_t i = 0; i < n; i++) {
    const uint8_t *p = rgb + 3 * i;
    cell *c = &grid[(p[0] >> 3) * SIDE * SIDE + (p[1] >> 3) * SIDE + (p[2] >> 3)];
    c->count++;
    for (int a = 0; a < 3; a++) c->sum[a] += p[a];
  }
  int used = 0; /* pack the occupied cells at the front, in key order */
  for (int k = 0; k < CELLS; k++)
    if (grid[k].count) {
      cell c = grid[k];
      c.key[0] = (uint8_t)(k / (SIDE * SIDE)), c.key[1] = (uint8_t)(k / SIDE % SIDE), c.key[2] = (uint8_t)(k % SIDE);
      grid[used++] = c;
    }
  int nbox = 0;
  if (used > 0) {
    boxes[0].lo = 0, boxes[0].hi = used;
    measure(grid, &boxes[0]);
    nbox = 1;
  }
  while (nbox < WANT) {
    int best = -1;
    for (int k = 0; k < nbox; k++)
      if (boxes[k].score > 0 && (best < 0 || boxes[k].score > boxes[best].score)) best = k;
    if (best < 0) break; /* every box is a single cell */
    box *b = &boxes[best];
    qsort(grid + b->lo, (size_t)(b->hi - b->lo), sizeof(cell), cmp_axis[b->axis]);
    /* split at the weighted median, keeping at least one cell on each side */
    int64_t half = b->count / 2, acc = 0;
    int cut = b->lo + 1;
    for (int k = b->lo; k < b->hi - 1; k++) {
      acc += grid[k].count;
      cut = k + 1;
      if (acc >= half) break;
    }
    box right = {cut, b->hi, 0, 0, 0};
    b->hi = cut;
    measure(grid, b);
    measure(grid, &right);
    boxes[nbox++] = right;
  }
  memset(palette, 0, 768);
  palette[3] = palette[4] = palette[5] = 255; /* entry 0 black, entry 1 white */
  for (int k = 0; k < nbox; k++) {
    int64_t s[3] = {0, 0, 0};
    for (int j = boxes[k].lo; j < boxes[k].hi; j++)
      for (int a = 0; a < 3; a++) s[a] += grid[j].sum[a];
    for (int a = 0; a < 3; a++) palette[3 * (k + 2) + a] = (uint8_t)((s[a] + boxes[k].count / 2) / boxes[k].count);
  }
  /* entries the frame did not need take colours spread over the cube, so that later
   * frames with new colours still find a near one */
  int spare = WANT - nbox;
  if (spare > 0) {
    uint8_t cube[768];
    stn_gif_palette_cube(cube);
    for (int j = 0; j < spare; j++) memcpy(palette + 3 * (nbox + 2 + j), cube + 3 * (j * 256 / spare), 3);
  }
  free(grid);
  free(boxes);
  return STN_OK;
}
