/* conv2d_direct.h: SpatialConvolution's direct CPU passes (csrc/nn/conv2d_direct.c, on
 * CPUs with AVX2 and FMA), which read the column-matrix entries where they lie in a
 * zero-padded image copy, and their pieces (csrc/nn/conv_tiles.c, the tile plans of
 * csrc/nn/conv_tile_plan.c). */
#ifndef STN_NN_CONV2D_DIRECT_H
#define STN_NN_CONV2D_DIRECT_H

#include "nn/conv2d.h"

/* 1 when this CPU can run the direct passes (AVX2 and FMA). */
int stn_conv_direct_available(void);

/* Lanes run over P planes (output planes, or input planes for the image gradient) in
 * tiles of 16 (the last one 8 when P padded to 8 is not a multiple of 16). */
#define STN_CONV_ROWS 8 /* the most rows of any path's tile: spare rows of a buffer or accumulator */
int64_t stn_conv_direct_tiles(int64_t P);
int64_t stn_conv_direct_lanes_pad(int64_t P); /* P rounded up to 8 */
/* Rows of the register tiles this CPU runs now for a pass of geometry g (the forward's,
 * the weight gradient's, or the image gradient's transposed one): 6 (AVX2) or 8
 * (AVX-512). A pass plans its tiles (below) for this count once and hands the plan to
 * the tiles. */
int stn_conv_direct_rows(const stn_conv_geom *g);
/* Maps of at most this many output pixels are small: their forward passes run several
 * images side by side, their weight gradients sum several images per pass. */
#define STN_CONV_SMALL_MAP 256
/* xp: C x Hp x Wp floats, Hp = (oH - 1) dH + kH, Wp = (oW - 1) dW + kW */
int64_t stn_conv_direct_image_floats(const stn_conv_geom *g);
void stn_conv_direct_pad(const stn_conv_geom *g, const float *x, float *xp);

/* One register tile (csrc/nn/conv_tile_plan.c): its rows, and the ranges of its sum
 * that read the image rather than its zero padding. Forward: rows are pixels n of images
 * b (row b N + n of the tile buffer, xo = b Hp Wp C + oy dH Wp + ox dW), the sum runs over
 * kernel rows [y0, y1) and columns [x0, x1) of every channel. Weights: rows are kernel
 * entries k = (c, i, j) (row k of the accumulator, xo = (c Hp + i) Wp + j), the sum over
 * output rows [y0, y1) and columns [x0, x1) of every image. Spare rows: the junk row
 * (G N, or K), xo 0. */
typedef struct stn_conv_tile {
  int32_t row[STN_CONV_ROWS], xo[STN_CONV_ROWS];
  int32_t y0, y1, x0, x1;
} stn_conv_tile;
typedef struct stn_conv_plan {
  const stn_conv_tile *tiles;
  int64_t count;
  int R; /* rows per tile: 6 runs the AVX2 tiles, 8 the AVX-512 ones */
} stn_conv_plan;
/* The tiles of a forward pass over G images side by side, or of a weight gradient, for
 * R-row tiles, written to tiles (NULL: counted only); returns the count (G N / R, or
 * K / R, rounded up). */
int64_t stn_conv_plan_forward(const stn_conv_geom *g, int64_t G, int R, stn_conv_tile *tiles);
int64_t stn_conv_plan_weights(const stn_conv_geom *g, int R, stn_conv_tile *tiles);

int64_t stn_conv_direct_packed_floats(int64_t P, int64_t K);
/* packs lane tiles [t0, t1) of w (P x K), or with flip of the image-gradient weights of w
 * (O x C x kk, P = C, K = O kk) */
void stn_conv_direct_pack(const float *w, int64_t P, int64_t K, int flip, int64_t C, int64_t kk, float *pw, int64_t t0,
                          int64_t t1);
int64_t stn_conv_direct_buf_floats(int64_t rows); /* a forward pass's tile buffer: (rows + ROWS) x 32 */
int64_t stn_conv_direct_steps(const stn_conv_geom *g); /* int32 entries of a pass's table of sum steps */
/* Output planes of lane tiles [t0, t1) of G images (padded side by side in xp, outputs
 * side by side in out); buf: stn_conv_direct_buf_floats(G N) floats, then room for
 * stn_conv_direct_steps(g) int32. */
void stn_conv_direct_forward(const stn_conv_geom *g, const stn_conv_plan *plan, int64_t G, const float *xp,
                             const float *pw, const float *bias, float *out, float *buf, int64_t t0, int64_t t1);
/* gy (O x N) of G images in lane-tile layout (lanes_pad(O) x G N floats: tile t holds
 * 16 G N floats, row b N + n), tiles [t0, t1) */
void stn_conv_direct_lanes(const stn_conv_geom *g, int64_t G, const float *gy, float *gyt, int64_t t0, int64_t t1);
/* acc[k][o] (row stride lanes_pad(O), K + ROWS rows) (+)= sum over the G images and n of
 * gy[o][n] col[k][n]; steps: stn_conv_direct_steps(g) int32 of scratch */
void stn_conv_direct_weights(const stn_conv_geom *g, const stn_conv_plan *plan, int64_t G, const float *xp,
                             const float *gyt, float *acc, int add, int32_t *steps, int64_t t0, int64_t t1);

/* Whether a pass runs direct: the CPU can, and the sizes suit it (see conv2d_direct.c). */
int stn_conv_direct_forward_ok(const stn_conv_geom *g);
int stn_conv_direct_input_ok(const stn_conv_geom *g);
int stn_conv_direct_weight_ok(const stn_conv_geom *g);
/* The passes, on nth threads. Backward: gx (NULL: skipped) set; gw, gb (NULL: skipped)
 * += scale * gradients. */
stn_status stn_conv2d_direct_forward(stn_ctx *ctx, const char *fn, const stn_conv_geom *g, const float *x,
                                     const float *w, const float *bias, float *out, stn_tensor *work, int nth);
stn_status stn_conv2d_direct_backward(stn_ctx *ctx, const char *fn, const stn_conv_geom *g, const float *x,
                                      const float *gy, const float *w, float *gx, float *gw, float *gb, float scale,
                                      stn_tensor *work, int nth);

#endif /* STN_NN_CONV2D_DIRECT_H */
