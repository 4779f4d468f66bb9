/* projective_grid_generic.h: the CPU loops of the projective grid generator for one element
 * type (scalar_t, see core/dtype.h), on contiguous operands. Float uses projective.h's
 * float point (the CUDA twin's arithmetic), Double its double one; both backwards sum
 * each element's terms in double, pixel by pixel in row-major order. */

#if STN_DTYPE == 0
#define STN_GRID_COORD stn_grid_coord
#define STN_POINT stn_projective_point
#else
#define STN_GRID_COORD stn_grid_coord_d
#define STN_POINT stn_projective_point_d
#endif

/* The normalized coordinates of pixels 0..n-1. */
static scalar_t *STN_T(projective_coords)(int64_t n, int align) {
  scalar_t *c = (scalar_t *)malloc((size_t)n * sizeof(scalar_t));
  if (c)
    for (int64_t i = 0; i < n; i++) c[i] = STN_GRID_COORD(i, n, align);
  return c;
}

static stn_status STN_T(projective_forward_typed)(const stn_tensor *mt, stn_tensor *out, int64_t height, int64_t width,
                                                 int align) {
  const scalar_t *m = (const scalar_t *)stn_ptr(mt);
  scalar_t *g = (scalar_t *)stn_ptr(out);
  const int64_t B = mt->shape[0];
  scalar_t *xs = STN_T(projective_coords)(width, align), *ys = STN_T(projective_coords)(height, align);
  if (!xs || !ys) {
    free(xs);
    free(ys);
    return STN_FAIL(STN_ERR_MEMORY, "stn_projective_grid_forward: out of memory");
  }
#pragma omp parallel for schedule(static) if (B * height * width >= STN_OMP_MIN)
  for (int64_t bi = 0; bi < B * height; bi++) {
    const scalar_t *mb = m + 9 * (bi / height);
    const scalar_t y = ys[bi % height];
    scalar_t *row = g + bi * width * 2;
    for (int64_t j = 0; j < width; j++) {
      scalar_t gx, gy;
      if (STN_POINT(mb, xs[j], y, &gx, &gy)) {
        row[2 * j] = gx, row[2 * j + 1] = gy;
      } else {
        row[2 * j] = row[2 * j + 1] = (scalar_t)NAN;
      }
    }
  }
  free(xs);
  free(ys);
  return STN_OK;
}

static stn_status STN_T(projective_backward_typed)(const stn_tensor *mt, const stn_tensor *gt, stn_tensor *out,
                                                  int align) {
  const scalar_t *m = (const scalar_t *)stn_ptr(mt), *gg = (const scalar_t *)stn_ptr(gt);
  scalar_t *gm = (scalar_t *)stn_ptr(out);
  const int64_t B = gt->shape[0], height = gt->shape[1], width = gt->shape[2];
  scalar_t *xs = STN_T(projective_coords)(width, align), *ys = STN_T(projective_coords)(height, align);
  if (!xs || !ys) {
    free(xs);
    free(ys);
    return STN_FAIL(STN_ERR_MEMORY, "stn_projective_grid_backward: out of memory");
  }
#pragma omp parallel for schedule(static) if (B * height * width >= STN_OMP_MIN)
  for (int64_t b = 0; b < B; b++) {
    const scalar_t *mb = m + 9 * b;
    double md[9], acc[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
    for (int k = 0; k < 9; k++) md[k] = mb[k];
    const scalar_t *gb = gg + b * height * width * 2;
    for (int64_t i = 0; i < height; i++) {
      for (int64_t j = 0; j < width; j++) {
        scalar_t gx, gy;
        if (!STN_POINT(mb, xs[j], ys[i], &gx, &gy)) continue; /* at infinity: no gradient */
        const double x = xs[j], y = ys[i];
        double f[3];
        stn_projective_factors(md, x, y, gb[2 * (i * width + j)], gb[2 * (i * width + j) + 1], f);
        for (int r = 0; r < 3; r++) acc[3 * r] += f[r] * x, acc[3 * r + 1] += f[r] * y, acc[3 * r + 2] += f[r];
      }
    }
    for (int k = 0; k < 9; k++) gm[9 * b + k] = (scalar_t)acc[k];
  }
  free(xs);
  free(ys);
  return STN_OK;
}

#undef STN_GRID_COORD
#undef STN_POINT
