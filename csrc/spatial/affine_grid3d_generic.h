/* affine_grid3d_generic.h: the 3-D affine grid's CPU loops for one element type
 * (scalar_t, see core/dtype.h) on contiguous operands. */
#include "core/cpu_paths.h" /* the backward's sums: a generic and an AVX2 build */

#if STN_DTYPE == 0
#define STN_GRID_COORD stn_grid_coord
#define STN_APPLY3(t, x, y, z) stn_affine3_apply(t, x, y, z)
#else
#define STN_GRID_COORD stn_grid_coord_d
#define STN_APPLY3(t, x, y, z) ((((t)[0] * (x) + (t)[1] * (y)) + (t)[2] * (z)) + (t)[3])
#endif

/* The normalized coordinates of voxels 0..n-1. */
static scalar_t *STN_T(grid3d_coords)(int64_t n, int align) {
  scalar_t *c = (scalar_t *)malloc((size_t)n * sizeof(scalar_t));
  if (c)
    for (int64_t i = 0; i < n; i++) c[i] = STN_GRID_COORD(i, n, align);
  return c;
}

static stn_status STN_T(grid3d_forward_typed)(const stn_tensor *th, stn_tensor *out, const int64_t *dhw, int align) {
  const scalar_t *t = (const scalar_t *)stn_ptr(th);
  scalar_t *g = (scalar_t *)stn_ptr(out);
  const int64_t B = th->shape[0], D = dhw[0], H = dhw[1], W = dhw[2];
  scalar_t *zs = STN_T(grid3d_coords)(D, align), *ys = STN_T(grid3d_coords)(H, align);
  scalar_t *xs = STN_T(grid3d_coords)(W, align);
  if (!xs || !ys || !zs) {
    free(xs), free(ys), free(zs);
    return STN_FAIL(STN_ERR_MEMORY, "stn_affine_grid3d_forward: out of memory");
  }
#pragma omp parallel for schedule(static) if (B * D * H * W >= STN_OMP_MIN)
  for (int64_t row = 0; row < B * D * H; row++) {
    const int64_t b = row / (D * H), d = (row / H) % D, i = row % H;
    const scalar_t *tb = t + 12 * b;
    scalar_t *o = g + row * W * 3;
    for (int64_t j = 0; j < W; j++)
      for (int r = 0; r < 3; r++) o[3 * j + r] = STN_APPLY3(tb + 4 * r, xs[j], ys[i], zs[d]);
  }
  free(xs), free(ys), free(zs);
  return STN_OK;
}

/* One batch element's sums, in memory order: acc[4 r + c] = sum of grad_grid's component
 * r times the base coordinate c of (x, y, z, 1); row r kept as one vector (wide: four
 * lanes, an AVX2 register of doubles) or two pairs, (x, y) and (z, 1), times v (v * 1
 * being v exactly): the same sums either way. */
static inline __attribute__((always_inline)) void STN_T(grid3d_sums_body)(const scalar_t *gb, int64_t D, int64_t H,
                                                                          int64_t W, const scalar_t *xs,
                                                                          const scalar_t *ys, const scalar_t *zs,
                                                                          accreal *acc, const int wide) {
  typedef accreal acc2 __attribute__((vector_size(2 * sizeof(accreal))));
  typedef accreal acc4 __attribute__((vector_size(4 * sizeof(accreal))));
  acc2 xy[3] = {{0, 0}, {0, 0}, {0, 0}}, z1[3] = {{0, 0}, {0, 0}, {0, 0}};
  acc4 row[3] = {{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}};
  for (int64_t d = 0; d < D; d++)
    for (int64_t i = 0; i < H; i++) {
      const acc2 bz = {zs[d], 1};
      for (int64_t j = 0; j < W; j++) {
        const scalar_t *p = gb + ((d * H + i) * W + j) * 3;
        if (wide) {
          const acc4 base = {xs[j], ys[i], zs[d], 1};
          for (int r = 0; r < 3; r++) row[r] += (accreal)p[r] * base;
        } else {
          const acc2 bxy = {xs[j], ys[i]};
          for (int r = 0; r < 3; r++) {
            const accreal v = p[r];
            xy[r] += v * bxy, z1[r] += v * bz;
          }
        }
      }
    }
  for (int r = 0; r < 3; r++)
    for (int c = 0; c < 4; c++) acc[4 * r + c] = wide ? row[r][c] : c < 2 ? xy[r][c] : z1[r][c - 2];
}

#define STN_G3_CAT(a, b) STN_G3_CAT_(a, b)
#define STN_G3_CAT_(a, b) a##b
static void STN_G3_CAT(STN_T(grid3d_sums), _generic)(const scalar_t *gb, int64_t D, int64_t H, int64_t W,
                                                     const scalar_t *xs, const scalar_t *ys, const scalar_t *zs,
                                                     accreal *acc) {
  STN_T(grid3d_sums_body)(gb, D, H, W, xs, ys, zs, acc, 0);
}
STN_TARGET_AVX2 static void STN_G3_CAT(STN_T(grid3d_sums), _avx2)(const scalar_t *gb, int64_t D, int64_t H, int64_t W,
                                                                 const scalar_t *xs, const scalar_t *ys,
                                                                 const scalar_t *zs, accreal *acc) {
  STN_T(grid3d_sums_body)(gb, D, H, W, xs, ys, zs, acc, STN_HAVE_PATHS);
}
#undef STN_G3_CAT
#undef STN_G3_CAT_

/* Per batch element, in double, the sums above (grid3d_sums_body). */
static stn_status STN_T(grid3d_backward_typed)(const stn_tensor *gg, stn_tensor *out, int align) {
  const scalar_t *g = (const scalar_t *)stn_ptr(gg);
  scalar_t *t = (scalar_t *)stn_ptr(out);
  const int64_t B = gg->shape[0], D = gg->shape[1], H = gg->shape[2], W = gg->shape[3];
  scalar_t *zs = STN_T(grid3d_coords)(D, align), *ys = STN_T(grid3d_coords)(H, align);
  scalar_t *xs = STN_T(grid3d_coords)(W, align);
  if (!xs || !ys || !zs) {
    free(xs), free(ys), free(zs);
    return STN_FAIL(STN_ERR_MEMORY, "stn_affine_grid3d_backward: out of memory");
  }
#pragma omp parallel for schedule(static) if (B * D * H * W >= STN_OMP_MIN)
  for (int64_t b = 0; b < B; b++) {
    accreal acc[12];
    STN_PATH_PICK_AVX2(STN_T(grid3d_sums))(g + b * D * H * W * 3, D, H, W, xs, ys, zs, acc);
    for (int k = 0; k < 12; k++) t[12 * b + k] = (scalar_t)acc[k];
  }
  free(xs), free(ys), free(zs);
  return STN_OK;
}

#undef STN_GRID_COORD
#undef STN_APPLY3
