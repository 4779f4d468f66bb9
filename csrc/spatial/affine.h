/* affine.h: the per-element arithmetic of the affine ops (the restriction of
 * affine_matrix.c and the grid generator of affine_grid.c), shared with their CUDA
 * twins so that both devices compute the same thing. */
#ifndef STN_AFFINE_H
#define STN_AFFINE_H

#include "coords.h"
#include "core/context.h"
#include "core/copy.h"
#include "core/error.h"
#include "core/storage.h"
#include "core/tensor.h"

/* a*u + b*v + c, rounded step by step in this order (CUDA would otherwise fuse
 * multiply-adds), so that the grid is the same on the CPU (built without FMA) and GPU. */
STN_HD float stn_affine_apply(float a, float b, float c, float u, float v) {
#ifdef __CUDA_ARCH__
  return __fadd_rn(__fadd_rn(__fmul_rn(a, u), __fmul_rn(b, v)), c);
#else
  return a * u + b * v + c;
#endif
}

/* grad_theta of one element (t, 6 values) from acc = {sum g0*y, sum g0*x, sum g0,
 * sum g1*y, sum g1*x, sum g1} (g0, g1 the grid gradient's components): the base is
 * (y, x, 1) in the BHWD family and (x, y, 1) in the BCHW one. */
STN_HD void stn_affine_grid_arrange(double *t, const double *acc, int order_xy) {
  for (int r = 0; r < 2; r++) {
    const double *a = acc + 3 * r;
    t[3 * r + 0] = order_xy ? a[1] : a[0];
    t[3 * r + 1] = order_xy ? a[0] : a[1];
    t[3 * r + 2] = a[2];
  }
}

STN_HD void stn_affine_grid_store(float *t, const double *acc, int order_xy) {
  double d[6];
  stn_affine_grid_arrange(d, acc, order_xy);
  for (int i = 0; i < 6; i++) t[i] = (float)d[i];
}

/* ---- restriction: params -> theta */

/* Number of parameters for the flags: 6 with none, else 1 + 1 + 2 for those set. */
STN_HD int stn_affine_param_count(int rot, int scale, int trans) {
  return (rot || scale || trans) ? (rot ? 1 : 0) + (scale ? 1 : 0) + (trans ? 2 : 0) : 6;
}

/* theta = R(a) * S(s) * T(tx, ty) = [s R | s R t], R = [[cos a, -sin a], [sin a, cos a]]
 * (stnbhwd's: entry (1,2) is -sin a); a missing parameter takes its neutral value
 * (a = 0, s = 1, t = 0). */
typedef struct stn_affine_params { double a, s, tx, ty, c, sn; } stn_affine_params;

/* The arithmetic is done in double on values read as double (p: k values, t, G: 6):
 * the Double ops use it as is, the Float ones round its results once (below). */
STN_HD stn_affine_params stn_affine_params_of(const double *p, int rot, int scale, int trans) {
  stn_affine_params q;
  int k = 0;
  q.a = rot ? p[k++] : 0.0;
  q.s = scale ? p[k++] : 1.0;
  q.tx = trans ? p[k++] : 0.0;
  q.ty = trans ? p[k++] : 0.0;
  q.c = rot ? cos(q.a) : 1.0;
  q.sn = rot ? sin(q.a) : 0.0;
  return q;
}

STN_HD void stn_affine_matrix_of_d(const double *p, double *t, int rot, int scale, int trans) {
  if (!rot && !scale && !trans) {
    for (int i = 0; i < 6; i++) t[i] = p[i];
    return;
  }
  stn_affine_params q = stn_affine_params_of(p, rot, scale, trans);
  double a00 = q.s * q.c, a01 = -q.s * q.sn, a10 = q.s * q.sn, a11 = q.s * q.c;
  t[0] = a00, t[1] = a01, t[2] = a00 * q.tx + a01 * q.ty;
  t[3] = a10, t[4] = a11, t[5] = a10 * q.tx + a11 * q.ty;
}

/* gp <- d(loss)/d(p) from G = d(loss)/d(theta). With A = s R and b = A t:
 * dA_ij = G_ij + G_i2 t_j, dt_j = sum_i G_i2 A_ij, ds = sum dA_ij R_ij,
 * da = s sum dA_ij R'_ij with R' = dR/da = [[-sin a, -cos a], [cos a, -sin a]]. */
STN_HD void stn_affine_matrix_grad_d(const double *p, const double *G, double *gp, int rot, int scale, int trans) {
  if (!rot && !scale && !trans) {
    for (int i = 0; i < 6; i++) gp[i] = G[i];
    return;
  }
  stn_affine_params q = stn_affine_params_of(p, rot, scale, trans);
  double R[2][2] = {{q.c, -q.sn}, {q.sn, q.c}}, dR[2][2] = {{-q.sn, -q.c}, {q.c, -q.sn}};
  double t[2] = {q.tx, q.ty}, dt[2] = {0, 0}, ds = 0, da = 0;
  for (int i = 0; i < 2; i++) {
    for (int j = 0; j < 2; j++) {
      double dA = G[3 * i + j] + G[3 * i + 2] * t[j];
      dt[j] += G[3 * i + 2] * q.s * R[i][j];
      ds += dA * R[i][j];
      da += dA * q.s * dR[i][j];
    }
  }
  int k = 0;
  if (rot) gp[k++] = da;
  if (scale) gp[k++] = ds;
  if (trans) gp[k++] = dt[0], gp[k++] = dt[1];
}

/* The Float forms: p (k floats) and G widened exactly, the results rounded once. */
STN_HD void stn_affine_matrix_of(const float *p, float *t, int rot, int scale, int trans) {
  double pd[6], td[6];
  const int k = stn_affine_param_count(rot, scale, trans);
  for (int i = 0; i < k; i++) pd[i] = p[i];
  stn_affine_matrix_of_d(pd, td, rot, scale, trans);
  for (int i = 0; i < 6; i++) t[i] = (float)td[i];
}

STN_HD void stn_affine_matrix_grad(const float *p, const float *G, float *gp, int rot, int scale, int trans) {
  double pd[6], Gd[6], gd[6];
  const int k = stn_affine_param_count(rot, scale, trans);
  for (int i = 0; i < k; i++) pd[i] = p[i];
  for (int i = 0; i < 6; i++) Gd[i] = G[i];
  stn_affine_matrix_grad_d(pd, Gd, gd, rot, scale, trans);
  for (int i = 0; i < k; i++) gp[i] = (float)gd[i];
}

#ifdef __cplusplus
extern "C" {
#endif
/* CUDA twins (cuda/spatial/), called after the entry points checked and sized everything */
stn_status stn_affine_matrix_forward_cuda(stn_ctx *ctx, const stn_tensor *params, stn_tensor *theta, int use_rotation,
                                          int use_scale, int use_translation);
stn_status stn_affine_matrix_backward_cuda(stn_ctx *ctx, const stn_tensor *params, const stn_tensor *grad_theta,
                                           stn_tensor *grad_params, int use_rotation, int use_scale, int use_translation);
stn_status stn_affine_grid_forward_cuda(stn_ctx *ctx, const stn_tensor *theta, stn_tensor *grid, int64_t height,
                                        int64_t width, int order_xy, int align_corners);
stn_status stn_affine_grid_backward_cuda(stn_ctx *ctx, const stn_tensor *grad_grid, stn_tensor *grad_theta, int order_xy,
                                         int align_corners);
#ifdef __cplusplus
}
#endif

#endif /* STN_AFFINE_H */
