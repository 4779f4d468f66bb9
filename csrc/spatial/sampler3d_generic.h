/* sampler3d_generic.h: the volumetric sampler's CPU loops for one element type (scalar_t,
 * see core/dtype.h) on the checked geometry of sampler3d.h and contiguous operands. Float
 * takes the float axis arithmetic the CUDA kernels use, Double the double one. Every sum
 * runs in a fixed order, so the results do not depend on the thread count. */

/* Output voxels per task of the per-voxel loops: each task steps (batch element, voxel)
 * through its run without dividing. */
#include "sampler3d_cpu.h" /* Float: the SIMD paths' loops */

#ifndef STN_VOX_RUN
#define STN_VOX_RUN 256
#endif

#if STN_DTYPE == 0
#define STN_AXIS3 stn_axis3f
#define STN_AXIS3_OF stn_axis3_of_f
#else
#define STN_AXIS3 stn_axis3d
#define STN_AXIS3_OF stn_axis3_of_d
#endif

/* The eight corners of a trilinear sample, k = 4 dz + 2 dy + dx (dz, dy, dx: 0 the lower
 * neighbour, 1 the upper): offsets into a volume, weights (zero outside), the weights that
 * give d(value)/d(x, y, z) in voxels, and d(voxel coordinate)/d(grid value) per axis
 * (padding's factor included; the derivative weights only when derivs). Nearest: one
 * corner (off[0], w[0]). */
typedef struct STN_T(vox8) {
  int64_t off[8];
  scalar_t w[8], dx[8], dy[8], dz[8];
  scalar_t sx, sy, sz;
} STN_T(vox8);

static inline __attribute__((always_inline)) void STN_T(vox8_of)(const stn_sampler3d_geom *g, const scalar_t *xyz,
                                                                 STN_T(vox8) *c, int derivs) {
  const STN_AXIS3 ax = STN_AXIS3_OF(xyz[0], g->W, g->align, g->padding);
  const STN_AXIS3 ay = STN_AXIS3_OF(xyz[1], g->H, g->align, g->padding);
  const STN_AXIS3 az = STN_AXIS3_OF(xyz[2], g->D, g->align, g->padding);
  if (g->mode == STN_SAMPLER_NEAREST) {
    c->sx = c->sy = c->sz = 0;
    c->off[0] = (az.in * g->H + ay.in) * g->W + ax.in;
    c->w[0] = az.mn * ay.mn * ax.mn;
    return;
  }
  c->sx = ax.gm * ax.scale, c->sy = ay.gm * ay.scale, c->sz = az.gm * az.scale;
  for (int k = 0; k < 8; k++) {
    const int kz = k >> 2, ky = (k >> 1) & 1, kx = k & 1;
    const int64_t iz = kz ? az.i1 : az.i0, iy = ky ? ay.i1 : ay.i0, ix = kx ? ax.i1 : ax.i0;
    const scalar_t wz = kz ? az.w1 : 1 - az.w1, wy = ky ? ay.w1 : 1 - ay.w1, wx = kx ? ax.w1 : 1 - ax.w1;
    const scalar_t m = (kz ? az.m1 : az.m0) * (ky ? ay.m1 : ay.m0) * (kx ? ax.m1 : ax.m0);
    c->off[k] = (iz * g->H + iy) * g->W + ix;
    c->w[k] = ((wz * wy) * wx) * m;
    if (!derivs) continue;
    c->dx[k] = (kx ? (wz * wy) : -(wz * wy)) * m;
    c->dy[k] = (ky ? (wz * wx) : -(wz * wx)) * m;
    c->dz[k] = (kz ? (wy * wx) : -(wy * wx)) * m;
  }
}

static stn_status STN_T(sampler3d_forward_typed)(const stn_sampler3d_geom *g, const stn_tensor *images,
                                                 const stn_tensor *grid, stn_tensor *output, int num_threads) {
  (void)num_threads; /* OpenMP's own count, which the context sets */
  const scalar_t *img = (const scalar_t *)stn_ptr(images), *gr = (const scalar_t *)stn_ptr(grid);
  scalar_t *out = (scalar_t *)stn_ptr(output);
#if STN_DTYPE == 0
  if (stn_sampler3d_forward_simd(g, img, gr, out)) return STN_OK;
#endif
  const int64_t P = g->P, V = g->V, C = g->C;
  const int nearest = g->mode == STN_SAMPLER_NEAREST;
  const int64_t n = g->B * P, runs = (n + STN_VOX_RUN - 1) / STN_VOX_RUN;
#pragma omp parallel for schedule(static) if (n * (C + 8) >= STN_OMP_MIN)
  for (int64_t r = 0; r < runs; r++) {
    const int64_t t1 = (r + 1) * STN_VOX_RUN < n ? (r + 1) * STN_VOX_RUN : n;
    int64_t b = r * STN_VOX_RUN / P, p = r * STN_VOX_RUN - b * P;
    for (int64_t t = r * STN_VOX_RUN; t < t1; t++) {
      STN_T(vox8) c;
      STN_T(vox8_of)(g, gr + 3 * t, &c, 0);
      const scalar_t *ib = img + b * C * V;
      scalar_t *o = out + b * C * P + p;
      for (int64_t ch = 0; ch < C; ch++) {
        const scalar_t *ic = ib + ch * V;
        scalar_t s = c.w[0] * ic[c.off[0]];
        if (!nearest)
          for (int k = 1; k < 8; k++) s += c.w[k] * ic[c.off[k]];
        o[ch * P] = s;
      }
      if (++p == P) p = 0, b++;
    }
  }
  return STN_OK;
}

/* Two passes. The grid gradient: one task per output voxel, its channels summed in order
 * (zeros for nearest). The image gradient: tasks own (batch element, channel range)
 * slices and walk the output voxels in order, so each image-gradient element receives its
 * terms in voxel order whatever the split: the split (from the thread count) cannot
 * change a bit. When each task owns a whole batch element, the image pass also computes
 * the grid gradient (one pass: every sample's corners found and read once). */
static stn_status STN_T(sampler3d_backward_typed)(const stn_sampler3d_geom *g, const stn_tensor *images,
                                                  const stn_tensor *grid, const stn_tensor *grad_output,
                                                  stn_tensor *grad_images, stn_tensor *grad_grid, int num_threads) {
  const scalar_t *img = (const scalar_t *)stn_ptr(images), *gr = (const scalar_t *)stn_ptr(grid);
  const scalar_t *go = (const scalar_t *)stn_ptr(grad_output);
  scalar_t *gi = grad_images ? (scalar_t *)stn_ptr(grad_images) : NULL, *gg = (scalar_t *)stn_ptr(grad_grid);
#if STN_DTYPE == 0
  if (stn_sampler3d_backward_simd(g, img, gr, go, gi, gg, num_threads)) return STN_OK;
#endif
  const int64_t P = g->P, V = g->V, C = g->C, B = g->B;
  const int nearest = g->mode == STN_SAMPLER_NEAREST;
  int64_t csize;
  const int64_t chunks = stn_sampler3d_channel_split(B, C, num_threads, &csize);
  /* one task per batch element: the image pass computes the grid gradient too, with the
   * same sums in the same order (the same bits as the separate pass) */
  const int fused = gi && C > 0 && chunks == 1 && !nearest;
  if (nearest) {
    for (int64_t i = 0; i < 3 * B * P; i++) gg[i] = 0;
  } else if (!fused) {
    const int64_t n = B * P, runs = (n + STN_VOX_RUN - 1) / STN_VOX_RUN;
#pragma omp parallel for schedule(static) if (n * (C + 8) >= STN_OMP_MIN)
    for (int64_t r = 0; r < runs; r++) {
      const int64_t t1 = (r + 1) * STN_VOX_RUN < n ? (r + 1) * STN_VOX_RUN : n;
      int64_t b = r * STN_VOX_RUN / P, p = r * STN_VOX_RUN - b * P;
      for (int64_t t = r * STN_VOX_RUN; t < t1; t++) {
        STN_T(vox8) c;
        STN_T(vox8_of)(g, gr + 3 * t, &c, 1);
        const scalar_t *ib = img + b * C * V, *gop = go + b * C * P + p;
        accreal s[8] = {0, 0, 0, 0, 0, 0, 0, 0}; /* per corner: sum over channels of grad_output times value */
        for (int64_t ch = 0; ch < C; ch++) {
          const accreal v = gop[ch * P];
          const scalar_t *ic = ib + ch * V;
          for (int k = 0; k < 8; k++) s[k] += v * ic[c.off[k]];
        }
        accreal dx = 0, dy = 0, dz = 0;
        for (int k = 0; k < 8; k++) dx += c.dx[k] * s[k], dy += c.dy[k] * s[k], dz += c.dz[k] * s[k];
        scalar_t *ggp = gg + 3 * t;
        ggp[0] = (scalar_t)(dx * c.sx);
        ggp[1] = (scalar_t)(dy * c.sy);
        ggp[2] = (scalar_t)(dz * c.sz);
        if (++p == P) p = 0, b++;
      }
    }
  }
  if (!gi || C == 0) return STN_OK;
#pragma omp parallel for schedule(static) if (B * P * (C + 8) >= STN_OMP_MIN)
  for (int64_t task = 0; task < B * chunks; task++) {
    const int64_t b = task / chunks, c0 = (task % chunks) * csize, c1 = c0 + csize < C ? c0 + csize : C;
    scalar_t *gib = gi + b * C * V;
    for (int64_t k = c0 * V; k < c1 * V; k++) gib[k] = 0;
    const scalar_t *gob = go + b * C * P;
    const scalar_t *ib = img + b * C * V;
    for (int64_t p = 0; p < P; p++) {
      STN_T(vox8) c;
      STN_T(vox8_of)(g, gr + 3 * (b * P + p), &c, fused);
      accreal s[8] = {0, 0, 0, 0, 0, 0, 0, 0}; /* fused: the grid pass's sums */
      for (int64_t ch = c0; ch < c1; ch++) {
        const scalar_t v = gob[ch * P + p];
        scalar_t *gic = gib + ch * V;
        if (fused) {
          const scalar_t *ic = ib + ch * V;
          for (int k = 0; k < 8; k++) s[k] += (accreal)v * ic[c.off[k]];
        }
        /* a corner of weight 0 (outside) adds nothing, not even 0 * Inf */
        for (int k = 0; k < (nearest ? 1 : 8); k++)
          if (c.w[k] != 0) gic[c.off[k]] += c.w[k] * v;
      }
      if (fused) {
        accreal dx = 0, dy = 0, dz = 0;
        for (int k = 0; k < 8; k++) dx += c.dx[k] * s[k], dy += c.dy[k] * s[k], dz += c.dz[k] * s[k];
        scalar_t *ggp = gg + 3 * (b * P + p);
        ggp[0] = (scalar_t)(dx * c.sx);
        ggp[1] = (scalar_t)(dy * c.sy);
        ggp[2] = (scalar_t)(dz * c.sz);
      }
    }
  }
  return STN_OK;
}

#undef STN_AXIS3
#undef STN_AXIS3_OF
