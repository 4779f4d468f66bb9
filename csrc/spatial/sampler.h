/* sampler.h: the sampler's checked geometry (the descriptor of include/stn/spatial.h,
 * sizes and strides), built once by the entry points (sampler.c) and handed as is to
 * the CPU loops (sampler_cpu.c) and the CUDA kernels (cuda/spatial/sampler.cu); and the
 * arithmetic of one bilinear sample, shared by both devices so that they pick the same
 * neighbours and weights: grid value -> pixel coordinate (coords.h) -> two neighbours
 * per axis -> four corners. */
#ifndef STN_SAMPLER_H
#define STN_SAMPLER_H

#include "coords.h"
#include "core/context.h"
#include "core/copy.h"
#include "core/error.h"
#include "core/storage.h"
#include "core/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Everything is contiguous: images B x C x H x W (B x H x W x C with the BHWC layout),
 * grid B x Ho x Wo x 2, output B x C x Ho x Wo (B x Ho x Wo x C). */
typedef struct stn_sampler_geom {
  stn_sampler_desc desc; /* checked: every field holds one of its listed values */
  int64_t B, C, H, W, Ho, Wo;
  /* strides in elements, derived from the layout */
  int64_t img_b, img_c, img_y, img_x; /* images */
  int64_t out_b, out_c, out_p;        /* output and grad_output (p: pixel of the Ho x Wo plane) */
} stn_sampler_geom;

/* Whether images and output have their channels last (stnbhwd's layout). */
STN_HD int stn_sampler_channels_last(const stn_sampler_geom *g) { return g->desc.layout == STN_SAMPLER_BHWC; }
/* Where x sits in a grid pair: 0 in (x, y) pairs, 1 in (y, x) pairs. */
STN_HD int stn_grid_x_slot(int grid_order) { return grid_order == STN_GRID_YX ? 1 : 0; }

/* The CPU loops (sampler_cpu.c): output <- sample(images, grid); grad_images (NULL:
 * skipped) and grad_grid <- backward. All pointers to contiguous memory laid out as g says. */
stn_status stn_sampler_forward_cpu(const stn_sampler_geom *g, const float *images, const float *grid, float *output,
                                   int num_threads);
stn_status stn_sampler_backward_cpu(const stn_sampler_geom *g, const float *images, const float *grid,
                                    const float *grad_output, float *grad_images, float *grad_grid, int num_threads);

/* Channel groups per batch element for the CPU loops' image-gradient tasks: more than one
 * when the batch is too small to give each thread a few tasks (sampler_cpu.c). */
int64_t stn_sampler_groups(const stn_sampler_geom *g, int num_threads);

/* The CUDA twins (cuda/spatial/sampler.cu), on contiguous CUDA tensors; grad_images NULL: skipped. */
stn_status stn_sampler_forward_cuda(stn_ctx *ctx, const stn_sampler_geom *g, const stn_tensor *images,
                                    const stn_tensor *grid, stn_tensor *output);
stn_status stn_sampler_backward_cuda(stn_ctx *ctx, const stn_sampler_geom *g, const stn_tensor *images,
                                     const stn_tensor *grid, const stn_tensor *grad_output, stn_tensor *grad_images,
                                     stn_tensor *grad_grid);

#ifdef __cplusplus
}
#endif

/* ------------------------------------------------------------------ one sample */

/* One axis of a sample: neighbours i0 = floor(u) and i1 = i0 + 1, clamped into
 * [0, size - 1] so that they can always be read; m0/m1 say whether each lies inside
 * the image (always 1 with border padding, where clamping *is* the padding). */
typedef struct stn_axis {
  int i0, i1;
  float w1; /* weight of i1; i0 gets 1 - w1 */
  float m0, m1;
} stn_axis;

/* A float grid value is off by up to 2^-25 relative and the map to pixels adds a few
 * roundings: at most size * 2^-23.4 pixels in all. A coordinate within size * 2^-22 of
 * a pixel centre is snapped onto it, so that an identity or a 90-degree rotation copies
 * pixels exactly instead of blending in 1e-7 of a neighbour. */
STN_HD float stn_snap_tolerance(int size) { return (float)size * 2.384185791015625e-07f; }

STN_HD stn_axis stn_axis_of(float v, int size, int align, int border) {
  float u = stn_grid_to_pixel(v, size, align);
  float r = floorf(u + 0.5f);
  if (fabsf(u - r) <= stn_snap_tolerance(size)) u = r;
  /* Far outside (or NaN) is the same as just outside, and keeps the int conversion safe. */
  if (!(u >= -2.0f)) u = -2.0f;
  if (u > (float)size + 1.0f) u = (float)size + 1.0f;
  float f = floorf(u);
  int i0 = (int)f, i1 = i0 + 1;
  stn_axis a;
  a.w1 = u - f;
  if (border) {
    a.m0 = 1.0f;
    a.m1 = 1.0f;
  } else {
    a.m0 = (i0 >= 0 && i0 < size) ? 1.0f : 0.0f;
    a.m1 = (i1 >= 0 && i1 < size) ? 1.0f : 0.0f;
  }
  a.i0 = i0 < 0 ? 0 : (i0 > size - 1 ? size - 1 : i0);
  a.i1 = i1 < 0 ? 0 : (i1 > size - 1 ? size - 1 : i1);
  return a;
}

/* The four corners of a sample, in the fixed order 00, 01, 10, 11 (row, column):
 * offsets into an image plane, interpolation weights (zero outside the image), and the
 * weights that give d(value)/d(pixel x) and d(value)/d(pixel y) from the corner values. */
typedef struct stn_corners {
  int off[4]; /* 32-bit: the CUDA kernels (its users) check that planes fit */
  float w[4];
  float dx[4], dy[4];
} stn_corners;

/* gx, gy: the sample's grid values along x (width) and y (height). sy, sx: the strides
 * of a row and a pixel in the image. */
STN_HD stn_corners stn_corners_of(float gx, float gy, int height, int width, int sy, int sx, int align, int border) {
  stn_axis ax = stn_axis_of(gx, width, align, border);
  stn_axis ay = stn_axis_of(gy, height, align, border);
  float wx1 = ax.w1, wx0 = 1.0f - ax.w1, wy1 = ay.w1, wy0 = 1.0f - ay.w1;
  float m00 = ay.m0 * ax.m0, m01 = ay.m0 * ax.m1, m10 = ay.m1 * ax.m0, m11 = ay.m1 * ax.m1;
  stn_corners c;
  c.off[0] = ay.i0 * sy + ax.i0 * sx;
  c.off[1] = ay.i0 * sy + ax.i1 * sx;
  c.off[2] = ay.i1 * sy + ax.i0 * sx;
  c.off[3] = ay.i1 * sy + ax.i1 * sx;
  c.w[0] = wy0 * wx0 * m00;
  c.w[1] = wy0 * wx1 * m01;
  c.w[2] = wy1 * wx0 * m10;
  c.w[3] = wy1 * wx1 * m11;
  c.dx[0] = -wy0 * m00;
  c.dx[1] = wy0 * m01;
  c.dx[2] = -wy1 * m10;
  c.dx[3] = wy1 * m11;
  c.dy[0] = -wx0 * m00;
  c.dy[1] = -wx1 * m01;
  c.dy[2] = wx0 * m10;
  c.dy[3] = wx1 * m11;
  return c;
}

#endif /* STN_SAMPLER_H */
