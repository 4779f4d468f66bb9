/* affine_grid_generic.h: the CPU loops of the affine grid generator for one element type
 * (scalar_t, see core/dtype.h), on contiguous operands. The forward is the same code for
 * both types; the backward of Float keeps its vectorized row sums, Double sums pixel by
 * pixel. */

#if STN_DTYPE == 0
#define STN_GRID_COORD stn_grid_coord
#else
#define STN_GRID_COORD stn_grid_coord_d
#endif

/* The normalized coordinates of pixels 0..n-1 (one division each, done once per call). */
static scalar_t *STN_T(grid_coords)(int64_t n, int align) {
  scalar_t *c = (scalar_t *)malloc((size_t)n * sizeof(scalar_t));
  if (c)
    for (int64_t i = 0; i < n; i++) c[i] = STN_GRID_COORD(i, n, align);
  return c;
}

static stn_status STN_T(grid_forward_cpu)(const scalar_t *t, scalar_t *g, int64_t B, int64_t height, int64_t width, int order_xy,
                                   int align) {
  scalar_t *xs = STN_T(grid_coords)(width, align), *ys = STN_T(grid_coords)(height, align);
  if (!xs || !ys) {
    free(xs);
    free(ys);
    return STN_FAIL(STN_ERR_MEMORY, "stn_affine_grid_forward: out of memory");
  }
#pragma omp parallel for schedule(static) if (B * height * width >= STN_OMP_MIN)
  for (int64_t bi = 0; bi < B * height; bi++) {
    const scalar_t *tb = t + 6 * (bi / height);
    const scalar_t y = ys[bi % height];
    scalar_t *row = g + bi * width * 2;
    /* stn_affine_apply's roundings, with the row's constant product taken out of the loop */
    if (order_xy) {
      const scalar_t r0 = tb[1] * y, r1 = tb[4] * y;
      for (int64_t j = 0; j < width; j++) {
        row[2 * j] = (tb[0] * xs[j] + r0) + tb[2];
        row[2 * j + 1] = (tb[3] * xs[j] + r1) + tb[5];
      }
    } else {
      const scalar_t r0 = tb[0] * y, r1 = tb[3] * y;
      for (int64_t j = 0; j < width; j++) {
        row[2 * j] = (r0 + tb[1] * xs[j]) + tb[2];
        row[2 * j + 1] = (r1 + tb[4] * xs[j]) + tb[5];
      }
    }
  }
  free(xs);
  free(ys);
  return STN_OK;
}

#if STN_DTYPE == 0

/* Four pixels' (g0, g1) pairs in double: v0 holds pixels j, j + 1, v1 pixels j + 2, j + 3. */
typedef double d4 __attribute__((vector_size(32)));
typedef float f4 __attribute__((vector_size(16)));

/* The sums of one row of the grid gradient (2 * width floats, (g0, g1) per pixel) with
 * xx (each x twice): sg = {sum g0, sum g1}, sx = {sum g0 x, sum g1 x}, in double, in a
 * fixed order: four lanes per component (pixels j mod 4), each in pixel order, then
 * (l0 + l1) + (l2 + l3). Written with 4-double vectors, which the AVX2 clone keeps in
 * one register and the baseline splits in two: the same operations on each lane. */
static inline __attribute__((always_inline)) void grid_row_sums(const float *row, const double *xx, int64_t width,
                                                                double *sg, double *sx) {
  d4 s0 = {0, 0, 0, 0}, s1 = s0, t0 = s0, t1 = s0;
  int64_t j = 0;
  for (; j + 4 <= width; j += 4) {
    f4 a, c;
    __builtin_memcpy(&a, row + 2 * j, sizeof a);
    __builtin_memcpy(&c, row + 2 * j + 4, sizeof c);
    const d4 v0 = __builtin_convertvector(a, d4), v1 = __builtin_convertvector(c, d4);
    d4 x0, x1;
    __builtin_memcpy(&x0, xx + 2 * j, sizeof x0);
    __builtin_memcpy(&x1, xx + 2 * j + 4, sizeof x1);
    s0 += v0, s1 += v1;
    t0 += v0 * x0, t1 += v1 * x1;
  }
  for (; j < width; j++) { /* the last pixels go to their lanes */
    d4 *s = (j & 2) ? &s1 : &s0, *t = (j & 2) ? &t1 : &t0;
    const int l = (int)(j & 1) * 2;
    const double a = row[2 * j], c = row[2 * j + 1];
    (*s)[l] += a, (*s)[l + 1] += c;
    (*t)[l] += a * xx[2 * j], (*t)[l + 1] += c * xx[2 * j];
  }
  for (int k = 0; k < 2; k++) {
    sg[k] = (s0[k] + s0[k + 2]) + (s1[k] + s1[k + 2]);
    sx[k] = (t0[k] + t0[k + 2]) + (t1[k] + t1[k + 2]);
  }
}

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(STN_NO_CLONES)
__attribute__((target_clones("avx2", "default")))
#endif
static void grid_backward_element(const float *g, float *t, int64_t height, int64_t width, const double *xx,
                                  const float *ys, int order_xy) {
  double acc[6] = {0, 0, 0, 0, 0, 0}; /* per output component r: sum g*y, sum g*x, sum g */
  for (int64_t i = 0; i < height; i++) {
    double sg[2], sx[2];
    grid_row_sums(g + i * width * 2, xx, width, sg, sx);
    const double y = ys[i];
    acc[0] += sg[0] * y, acc[1] += sx[0], acc[2] += sg[0];
    acc[3] += sg[1] * y, acc[4] += sx[1], acc[5] += sg[1];
  }
  stn_affine_grid_store(t, acc, order_xy);
}

/* Per element: each row's sums first (grid_row_sums), then the rows in order (double). */
static stn_status STN_T(grid_backward_cpu)(const float *g, float *t, int64_t B, int64_t height, int64_t width, int order_xy,
                                    int align) {
  float *xs = grid_coords_float(width, align), *ys = grid_coords_float(height, align);
  double *xx = (double *)malloc((size_t)(2 * width + 4) * sizeof(double));
  if (!xs || !ys || !xx) {
    free(xs);
    free(ys);
    free(xx);
    return STN_FAIL(STN_ERR_MEMORY, "stn_affine_grid_backward: out of memory");
  }
  for (int64_t j = 0; j < width; j++) xx[2 * j] = xx[2 * j + 1] = xs[j];
#pragma omp parallel for schedule(static) if (B * height * width >= STN_OMP_MIN)
  for (int64_t b = 0; b < B; b++)
    grid_backward_element(g + b * height * width * 2, t + 6 * b, height, width, xx, ys, order_xy);
  free(xs);
  free(ys);
  free(xx);
  return STN_OK;
}

#else

/* Per element: the sums of affine.h's acc taken pixel by pixel in double (accreal), in
 * row-major order. */
static stn_status STN_T(grid_backward_cpu)(const scalar_t *g, scalar_t *t, int64_t B, int64_t height, int64_t width,
                                          int order_xy, int align) {
  scalar_t *xs = STN_T(grid_coords)(width, align), *ys = STN_T(grid_coords)(height, align);
  if (!xs || !ys) {
    free(xs);
    free(ys);
    return STN_FAIL(STN_ERR_MEMORY, "stn_affine_grid_backward: out of memory");
  }
#pragma omp parallel for schedule(static) if (B * height * width >= STN_OMP_MIN)
  for (int64_t b = 0; b < B; b++) {
    accreal acc[6] = {0, 0, 0, 0, 0, 0};
    const scalar_t *gb = g + b * height * width * 2;
    for (int64_t i = 0; i < height; i++) {
      const accreal y = ys[i];
      for (int64_t j = 0; j < width; j++) {
        const accreal x = xs[j], g0 = gb[2 * (i * width + j)], g1 = gb[2 * (i * width + j) + 1];
        acc[0] += g0 * y, acc[1] += g0 * x, acc[2] += g0;
        acc[3] += g1 * y, acc[4] += g1 * x, acc[5] += g1;
      }
    }
    double d[6];
    stn_affine_grid_arrange(d, acc, order_xy);
    for (int k = 0; k < 6; k++) t[6 * b + k] = (scalar_t)d[k];
  }
  free(xs);
  free(ys);
  return STN_OK;
}

#endif

static stn_status STN_T(grid_forward_typed)(const stn_tensor *th, stn_tensor *out, int64_t height, int64_t width,
                                           int order_xy, int align) {
  return STN_T(grid_forward_cpu)((const scalar_t *)stn_ptr(th), (scalar_t *)stn_ptr(out), th->shape[0], height, width,
                                 order_xy, align);
}

static stn_status STN_T(grid_backward_typed)(const stn_tensor *gg, stn_tensor *out, int order_xy, int align) {
  return STN_T(grid_backward_cpu)((const scalar_t *)stn_ptr(gg), (scalar_t *)stn_ptr(out), gg->shape[0], gg->shape[1],
                                  gg->shape[2], order_xy, align);
}

#undef STN_GRID_COORD
