/* bilinear.h: the arithmetic of one bilinear sample, shared by the CPU samplers
 * (csrc/sampler_cpu.c) and their CUDA twins so that both devices pick the same
 * neighbours and weights: grid value -> pixel coordinate -> two neighbours per axis. */
#ifndef STN_BILINEAR_H
#define STN_BILINEAR_H

#include <math.h>
#include <stdint.h>

#ifndef STN_HD
#ifdef __CUDACC__
#define STN_HD __host__ __device__ __forceinline__
#else
#define STN_HD static inline
#endif
#endif

/* One axis of a sample: neighbours i0 = floor(u) and i1 = i0 + 1, clamped into
 * [0, size - 1] so that they can always be read; m0/m1 say whether each lies inside
 * the image (always 1 with border padding, where clamping *is* the padding). */
typedef struct stn_axis {
  int i0, i1;
  float w1;      /* weight of i1; i0 gets 1 - w1 */
  float m0, m1;
} stn_axis;

/* Pixel coordinate of grid value v along an axis of `size` pixels (0-based).
 * align: -1 and 1 are the centres of the first and last pixels, else their outer edges.
 * Float arithmetic rounded step by step in this order on both devices (CUDA would fuse
 * the multiply-add otherwise), so that the CPU and the GPU pick the same neighbours. */
STN_HD float stn_unnormalize(float v, int size, int align) {
#ifdef __CUDA_ARCH__
  return align ? __fmul_rn(v + 1.0f, (float)(size - 1) * 0.5f) : __fmul_rn(v + 1.0f, (float)size * 0.5f) - 0.5f;
#else
  return align ? (v + 1.0f) * ((float)(size - 1) * 0.5f) : (v + 1.0f) * ((float)size * 0.5f) - 0.5f;
#endif
}

/* d(pixel coordinate)/d(grid value). */
STN_HD float stn_unnormalize_scale(int size, int align) {
  return align ? 0.5f * (float)(size - 1) : 0.5f * (float)size;
}

/* A float grid value is off by up to 2^-25 relative and the unnormalization adds a few
 * roundings: at most size * 2^-23.4 pixels in all. A coordinate within size * 2^-22 of
 * a pixel centre is snapped onto it, so that an identity or a 90-degree rotation copies
 * pixels exactly instead of blending in 1e-7 of a neighbour. */
STN_HD float stn_snap_tolerance(int size) { return (float)size * 2.384185791015625e-07f; }

STN_HD stn_axis stn_axis_of(float v, int size, int align, int border) {
  float u = stn_unnormalize(v, size, align);
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

#endif /* STN_BILINEAR_H */
