/* projective.h: the per-point arithmetic of the projective grid generator
 * (projective_grid.c), shared with its CUDA twin so that both devices compute the same
 * grid. M (9 values, row-major 3 x 3) maps the base point (x, y, 1) to (u, v, w) and the
 * grid holds (u / w, v / w). */
#ifndef STN_PROJECTIVE_H
#define STN_PROJECTIVE_H

#include "coords.h"
#include "core/context.h"
#include "core/copy.h"
#include "core/error.h"
#include "core/storage.h"
#include "core/tensor.h"

/* A point is at infinity where |w| <= STN_PROJECTIVE_EPS * (|m20| + |m21| + |m22|) (or w
 * is NaN): w within a millionth of the size of M's third row. The rule does not change
 * when M is scaled, as the grid does not. */
#define STN_PROJECTIVE_EPS 1e-6

/* Float forward of one point: a*x + b*y + c rounded step by step in this order (no
 * fused multiply-add on either device), then the IEEE quotient. Returns 0 at infinity
 * (the grid holds NaN there), else 1 with (gx, gy) set. */
STN_HD int stn_projective_point(const float *m, float x, float y, float *gx, float *gy) {
#ifdef __CUDA_ARCH__
  const float u = __fadd_rn(__fadd_rn(__fmul_rn(m[0], x), __fmul_rn(m[1], y)), m[2]);
  const float v = __fadd_rn(__fadd_rn(__fmul_rn(m[3], x), __fmul_rn(m[4], y)), m[5]);
  const float w = __fadd_rn(__fadd_rn(__fmul_rn(m[6], x), __fmul_rn(m[7], y)), m[8]);
  const float s = __fmul_rn((float)STN_PROJECTIVE_EPS, __fadd_rn(__fadd_rn(fabsf(m[6]), fabsf(m[7])), fabsf(m[8])));
  if (!(fabsf(w) > s)) return 0;
  *gx = __fdiv_rn(u, w), *gy = __fdiv_rn(v, w);
#else
  const float u = m[0] * x + m[1] * y + m[2];
  const float v = m[3] * x + m[4] * y + m[5];
  const float w = m[6] * x + m[7] * y + m[8];
  const float s = (float)STN_PROJECTIVE_EPS * (fabsf(m[6]) + fabsf(m[7]) + fabsf(m[8]));
  if (!(fabsf(w) > s)) return 0;
  *gx = u / w, *gy = v / w;
#endif
  return 1;
}

/* The same in double (the Double CPU op), the same steps. */
STN_HD int stn_projective_point_d(const double *m, double x, double y, double *gx, double *gy) {
  const double u = (m[0] * x + m[1] * y) + m[2];
  const double v = (m[3] * x + m[4] * y) + m[5];
  const double w = (m[6] * x + m[7] * y) + m[8];
  const double s = STN_PROJECTIVE_EPS * ((fabs(m[6]) + fabs(m[7])) + fabs(m[8]));
  if (!(fabs(w) > s)) return 0;
  *gx = u / w, *gy = v / w;
  return 1;
}

/* The gradient factors of one point not at infinity (the caller decided that with the
 * forward's own function), in double: with r = 1/w, X = u r, Y = v r and the grid
 * gradient (g0, g1), dL/dM_0j = g0 r b_j, dL/dM_1j = g1 r b_j and
 * dL/dM_2j = -(g0 X + g1 Y) r b_j, b = (x, y, 1): f gets (g0 r, g1 r, -(g0 X + g1 Y) r). */
STN_HD void stn_projective_factors(const double *m, double x, double y, double g0, double g1, double *f) {
  const double u = (m[0] * x + m[1] * y) + m[2];
  const double v = (m[3] * x + m[4] * y) + m[5];
  const double w = (m[6] * x + m[7] * y) + m[8];
  const double r = 1.0 / w;
  f[0] = g0 * r, f[1] = g1 * r, f[2] = -(g0 * (u * r) + g1 * (v * r)) * r;
}

#ifdef __cplusplus
extern "C" {
#endif
/* CUDA twins (cuda/spatial/projective_grid.cu), called after the entry points checked and sized everything */
stn_status stn_projective_grid_forward_cuda(stn_ctx *ctx, const stn_tensor *matrix, stn_tensor *grid, int64_t height,
                                            int64_t width, int align_corners);
stn_status stn_projective_grid_backward_cuda(stn_ctx *ctx, const stn_tensor *matrix, const stn_tensor *grad_grid,
                                             stn_tensor *grad_matrix, int align_corners);
#ifdef __cplusplus
}
#endif

#endif /* STN_PROJECTIVE_H */
