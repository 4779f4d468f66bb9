/* sampler3d.h: the volumetric sampler's checked geometry (built by sampler3d.c, handed as
 * is to the CPU loops of sampler3d_generic.h and the CUDA kernels of
 * cuda/spatial/sampler3d.cu) and the arithmetic of one axis of a sample, written for
 * float (CUDA and the Float CPU loops, so that both devices pick the same voxels and
 * weights) and for double (the Double CPU loops): grid value -> voxel coordinate ->
 * padding (zeros, border, reflection as PyTorch defines them) -> neighbours and weights. */
#ifndef STN_SAMPLER3D_H
#define STN_SAMPLER3D_H

#include "coords.h"
#include "core/context.h"
#include "core/copy.h"
#include "core/error.h"
#include "core/storage.h"
#include "core/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Everything contiguous: images B x C x D x H x W, grid B x Do x Ho x Wo x 3 ((x, y, z)),
 * output B x C x Do x Ho x Wo. */
typedef struct stn_sampler3d_geom {
  int32_t mode, padding, align; /* checked: bilinear (trilinear) or nearest; any padding */
  int64_t B, C, D, H, W, Do, Ho, Wo;
  int64_t V, P; /* voxels of an input volume (D H W) and of an output one (Do Ho Wo) */
} stn_sampler3d_geom;

/* The CUDA twins (cuda/spatial/sampler3d.cu), on contiguous Float CUDA tensors. */
stn_status stn_sampler3d_forward_cuda(stn_ctx *ctx, const stn_sampler3d_geom *g, const stn_tensor *images,
                                      const stn_tensor *grid, stn_tensor *output);
stn_status stn_sampler3d_backward_cuda(stn_ctx *ctx, const stn_sampler3d_geom *g, const stn_tensor *images,
                                       const stn_tensor *grid, const stn_tensor *grad_output, stn_tensor *grad_images,
                                       stn_tensor *grad_grid);

#ifdef __cplusplus
}
#endif

/* ------------------------------------------------------------------ one axis of a sample */

/* Neighbours i0 = floor(u) and i1 = i0 + 1 of the padded voxel coordinate u, clamped into
 * [0, size - 1] so that they can always be read, with m0/m1 saying whether each lies
 * inside (a neighbour outside reads as 0); w1 the weight of i1 (i0 gets 1 - w1); nearest:
 * the voxel rint(u) (ties to even, as PyTorch's nearbyint), clamped, and mn whether it is
 * inside; gm = d(padded u)/d(u) (0 where border or reflection clip, -1 where reflection
 * mirrors); scale = d(u)/d(grid value). */
typedef struct stn_axis3f {
  int64_t i0, i1, in;
  float w1, m0, m1, mn, gm, scale;
} stn_axis3f;

typedef struct stn_axis3d {
  int64_t i0, i1, in;
  double w1, m0, m1, mn, gm, scale;
} stn_axis3d;

/* The axis arithmetic, once as a macro body for both types (T the type, F the math
 * functions' suffix: f or nothing; TOL the snap of sampler.h, size * 2^-22 in float and
 * size * 2^-51 in double). Rules: u = (v + 1) scale - shift (coords.h); snapped onto a
 * voxel centre when within TOL; zeros: u outside [-2, size + 1] (NaN included) is -2 or
 * size + 1 (every neighbour outside, as for any u there); border: u clipped to
 * [0, size - 1], NaN to 0; reflection: u mirrored at the edges (align: the centres of the
 * edge voxels, 0 and size - 1; else their outer edges, -0.5 and size - 0.5) then clipped,
 * a non-finite u (NaN, +-Inf) read as 0. */
#define STN_AXIS3_BODY(T, F, MUL, TOL)                                                           \
  const T scale = align ? (T)(size - 1) * (T)0.5 : (T)size * (T)0.5;                             \
  const T shift = align ? (T)0 : (T)0.5;                                                        \
  T u = MUL(v + (T)1, scale) - shift;                                                           \
  const T r = floor##F(u + (T)0.5);                                                              \
  if (fabs##F(u - r) <= (T)size * (T)(TOL)) u = r;                                               \
  T gm = 1;                                                                                     \
  if (padding == STN_PADDING_REFLECTION) {                                                      \
    if (!(fabs##F(u) <= (T)3.0e38)) {                                                            \
      u = 0, gm = 0;                                                                            \
    } else if (align && size == 1) {                                                            \
      u = 0, gm = 0;                                                                            \
    } else {                                                                                    \
      const T lo = align ? (T)0 : (T)-0.5, span = align ? (T)(size - 1) : (T)size;              \
      T d = u - lo, sg = 1;                                                                     \
      if (d < 0) d = -d, sg = -1;                                                               \
      const T extra = fmod##F(d, span);                                                          \
      const T flips = rint##F((d - extra) / span);                                               \
      if (fmod##F(flips, (T)2) == 0)                                                             \
        u = extra + lo, gm = sg;                                                                \
      else                                                                                      \
        u = (span - extra) + lo, gm = -sg;                                                      \
    }                                                                                           \
  }                                                                                             \
  if (padding != STN_PADDING_ZEROS) {                                                           \
    if (!(u > 0))                                                                               \
      u = 0, gm = 0;                                                                            \
    else if (u >= (T)(size - 1))                                                                \
      u = (T)(size - 1), gm = 0;                                                                \
  } else {                                                                                      \
    if (!(u >= (T)-2)) u = (T)-2;                                                               \
    if (u > (T)size + (T)1) u = (T)size + (T)1;                                                 \
  }                                                                                             \
  const T f = floor##F(u);                                                                       \
  const int64_t i0 = (int64_t)f, i1 = i0 + 1, in = (int64_t)rint##F(u);                          \
  a.w1 = u - f;                                                                                 \
  a.gm = gm;                                                                                    \
  a.scale = scale;                                                                              \
  a.m0 = (i0 >= 0 && i0 < size) ? (T)1 : (T)0;                                                  \
  a.m1 = (i1 >= 0 && i1 < size) ? (T)1 : (T)0;                                                  \
  a.mn = (in >= 0 && in < size) ? (T)1 : (T)0;                                                  \
  a.i0 = i0 < 0 ? 0 : (i0 > size - 1 ? size - 1 : i0);                                          \
  a.i1 = i1 < 0 ? 0 : (i1 > size - 1 ? size - 1 : i1);                                          \
  a.in = in < 0 ? 0 : (in > size - 1 ? size - 1 : in);

STN_HD stn_axis3f stn_axis3_of_f(float v, int64_t size, int align, int padding) {
  stn_axis3f a;
  STN_AXIS3_BODY(float, f, STN_MUL_RN, 2.384185791015625e-07)
  return a;
}

#ifndef __CUDACC__
#define STN_MUL_PLAIN(a, b) ((a) * (b))
static inline stn_axis3d stn_axis3_of_d(double v, int64_t size, int align, int padding) {
  stn_axis3d a;
  STN_AXIS3_BODY(double, , STN_MUL_PLAIN, 4.440892098500626e-16)
  return a;
}
#undef STN_MUL_PLAIN
#endif

#endif /* STN_SAMPLER3D_H */
