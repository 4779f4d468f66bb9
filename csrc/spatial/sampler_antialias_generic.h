/* sampler_antialias_generic.h: antialiased sampling's CPU loops for one element type
 * (scalar_t: coordinates, footprints and tap weights; accreal: the sums), on the checked
 * geometry and contiguous operands. cuda/spatial/sampler_antialias.cu mirrors the Float
 * arithmetic. The definition is docs/spatial_transformer.md's "Antialiased sampling". */

/* Grid value -> pixel coordinate, as the plain sampler maps it (coords.h for Float). */
static inline scalar_t STN_T(aa_pixel)(scalar_t v, int64_t size, int align) {
#if STN_DTYPE == 0
  return stn_grid_to_pixel(v, (int)size, align);
#else
  const scalar_t scale = align ? (scalar_t)(size - 1) * (scalar_t)0.5 : (scalar_t)size * (scalar_t)0.5;
  return (v + 1) * scale - (align ? (scalar_t)0 : (scalar_t)0.5);
#endif
}

/* The tent's (unnormalized) weight s - |d| of a tap at distance d, in scalar_t. */
static inline scalar_t STN_T(aa_tent)(scalar_t s, scalar_t d) { return s - (scalar_t)fabs(d); }

/* One axis of an output pixel's footprint: the tent's centre u (pixel coordinate; zeros,
 * border: clamped to [-s - 1, size + s] so that a far, infinite or NaN point reads as just
 * outside; reflection: folded, aa_fold), its radius s in [1, size], du = d(u)/d(pixel
 * coordinate) (1; -1 where reflection folded it an odd number of times; 0 where clamped
 * or not finite), the taps k0..k1 (the integers strictly within s of u), their weight sum
 * z = sum (s - |k - u|) and dz = d(z)/d(u) = sum sign(k - u). */
typedef struct STN_T(aa_axis) {
  scalar_t u, s;
  int du;
  int64_t k0, k1;
  accreal z, dz;
} STN_T(aa_axis);

/* Reflection: u folded into [lo, lo + span] (lo = 0, span = size - 1 aligned; lo = -1/2,
 * span = size otherwise), *du = d(fold)/du. The taps are reflected about the same borders
 * and the tent is symmetric, so the value depends on u only through its fold; folding
 * first keeps the taps near the image whatever u is (1e30 included). */
static inline scalar_t STN_T(aa_fold)(scalar_t u, int64_t size, int align, int *du) {
  const scalar_t lo = align ? (scalar_t)0 : (scalar_t)-0.5, span = align ? (scalar_t)(size - 1) : (scalar_t)size;
  if (span <= 0) { /* one pixel, corners aligned: every tap reads it */
    *du = 0;
    return 0;
  }
  scalar_t y = u - lo;
  int s = 1;
  if (y < 0) y = -y, s = -1;
  if (!(y < 2 * span)) y = (scalar_t)fmod(y, 2 * span);
  if (y > span) y = 2 * span - y, s = -s;
  *du = s;
  return y + lo;
}

static inline void STN_T(aa_axis_finish)(STN_T(aa_axis) * a, scalar_t u, int64_t size, int padding, int align) {
  if (padding == STN_PADDING_REFLECTION) {
    if (u - u == 0) u = STN_T(aa_fold)(u, size, align, &a->du);
    else u = 0, a->du = 0; /* NaN, +-Inf: the first pixel, as the plain sampler reads them */
  } else {
    const scalar_t lo = -a->s - 1, hi = (scalar_t)size + a->s;
    a->du = 1;
    if (!(u >= lo)) u = lo, a->du = 0;
    if (u > hi) u = hi, a->du = 0;
  }
  a->u = u;
  a->k0 = (int64_t)floor(u - a->s) + 1;
  a->k1 = (int64_t)ceil(u + a->s) - 1;
  a->z = 0, a->dz = 0;
  for (int64_t k = a->k0; k <= a->k1; k++) {
    const scalar_t d = (scalar_t)k - u;
    a->z += STN_T(aa_tent)(a->s, d);
    a->dz += d > 0 ? 1 : (d < 0 ? -1 : 0);
  }
}

/* The radius along an axis from the two Jacobian terms, in [1, size] (NaN: size); within
 * size * 2^-20 above 1 it is 1, so that a grid that does not shrink the image but whose
 * float coordinates round a step to just over one pixel stays plain bilinear. */
static inline scalar_t STN_T(aa_radius)(scalar_t dj, scalar_t di, int64_t size) {
  scalar_t s = (scalar_t)fabs(dj) + (scalar_t)fabs(di);
  if (!(s <= (scalar_t)size)) s = (scalar_t)size;
  if (s <= 1 + (scalar_t)size * (scalar_t)9.5367431640625e-07) s = 1;
  return s;
}

/* Output pixel (i, j) of a batch element whose grid is gb: its footprint along x and y;
 * returns whether it is wider than one pixel along either (else: plain bilinear). The
 * Jacobian: central differences of the pixel coordinates between the neighbours along
 * the output's rows and columns, one-sided at the output's edges, 0 along an output axis
 * of one pixel. */
static inline int STN_T(aa_footprint)(const stn_sampler_geom *g, const scalar_t *gb, int64_t i, int64_t j,
                                      STN_T(aa_axis) * ax, STN_T(aa_axis) * ay) {
  const int xs = stn_grid_x_slot(g->desc.grid_order), align = g->desc.align_corners;
  const int64_t Wo = g->Wo, Ho = g->Ho;
#define AA_PX(ii, jj) STN_T(aa_pixel)(gb[2 * ((ii) * Wo + (jj)) + xs], g->W, align)
#define AA_PY(ii, jj) STN_T(aa_pixel)(gb[2 * ((ii) * Wo + (jj)) + 1 - xs], g->H, align)
  const int64_t j0 = j > 0 ? j - 1 : j, j1 = j < Wo - 1 ? j + 1 : j;
  const int64_t i0 = i > 0 ? i - 1 : i, i1 = i < Ho - 1 ? i + 1 : i;
  const scalar_t hj = j1 - j0 == 2 ? (scalar_t)0.5 : (scalar_t)1, hi = i1 - i0 == 2 ? (scalar_t)0.5 : (scalar_t)1;
  const scalar_t dxj = (AA_PX(i, j1) - AA_PX(i, j0)) * hj, dyj = (AA_PY(i, j1) - AA_PY(i, j0)) * hj;
  const scalar_t dxi = (AA_PX(i1, j) - AA_PX(i0, j)) * hi, dyi = (AA_PY(i1, j) - AA_PY(i0, j)) * hi;
  ax->s = STN_T(aa_radius)(dxj, dxi, g->W);
  ay->s = STN_T(aa_radius)(dyj, dyi, g->H);
  if (!(ax->s > 1 || ay->s > 1)) return 0;
  STN_T(aa_axis_finish)(ax, AA_PX(i, j), g->W, g->desc.padding, align);
  STN_T(aa_axis_finish)(ay, AA_PY(i, j), g->H, g->desc.padding, align);
#undef AA_PX
#undef AA_PY
  return 1;
}

/* The taps that can be nonzero: those inside with zeros padding, all with the others. */
static inline void STN_T(aa_range)(const STN_T(aa_axis) * a, int64_t size, int padding, int64_t *lo, int64_t *hi) {
  *lo = a->k0, *hi = a->k1;
  if (padding == STN_PADDING_ZEROS) {
    if (*lo < 0) *lo = 0;
    if (*hi > size - 1) *hi = size - 1;
  }
}

/* The pixel tap k reads: k clamped into the image (border; zeros: already inside) or
 * reflected about the borders (integer taps stay integers: k -> -k and 2 (size - 1) - k
 * aligned, -1 - k and 2 size - 1 - k otherwise), folded however far k lies. */
static inline int64_t STN_T(aa_tap_pixel)(int64_t k, int64_t size, int padding, int align) {
  if (padding != STN_PADDING_REFLECTION) return k < 0 ? 0 : (k > size - 1 ? size - 1 : k);
  if (k >= 0 && k < size) return k;
  const int64_t period = align ? 2 * (size - 1) : 2 * size;
  if (period == 0) return 0;
  int64_t m = k % period;
  if (m < 0) m += period;
  return m < size ? m : period - m - (align ? 0 : 1);
}

/* One axis's taps that can be nonzero, ready to read: offsets of the pixels read
 * (clamped or reflected), tent weights, and sign(k - u). Each thread's arrays hold the
 * most an axis can have (2 size + 1 taps, radius at most size). */
typedef struct STN_T(aa_taps) {
  int64_t n;
  int64_t *off;
  scalar_t *w, *sg;
} STN_T(aa_taps);

static inline void STN_T(aa_taps_fill)(STN_T(aa_taps) * t, const STN_T(aa_axis) * a, int64_t size, int64_t stride,
                                       int padding, int align) {
  int64_t lo, hi;
  STN_T(aa_range)(a, size, padding, &lo, &hi);
  t->n = 0;
  for (int64_t k = lo; k <= hi; k++) {
    const scalar_t d = (scalar_t)k - a->u;
    t->off[t->n] = STN_T(aa_tap_pixel)(k, size, padding, align) * stride;
    t->w[t->n] = STN_T(aa_tent)(a->s, d);
    t->sg[t->n] = d > 0 ? (scalar_t)1 : (d < 0 ? (scalar_t)-1 : (scalar_t)0);
    t->n++;
  }
}

/* A thread's tap arrays for both axes, in one allocation (NULL: out of memory). */
static void *STN_T(aa_taps_new)(const stn_sampler_geom *g, STN_T(aa_taps) * tx, STN_T(aa_taps) * ty) {
  const int64_t nx = 2 * g->W + 4, ny = 2 * g->H + 4, per = (int64_t)sizeof(int64_t) + 2 * (int64_t)sizeof(scalar_t);
  char *m = (char *)malloc((size_t)((nx + ny) * per));
  if (!m) return NULL;
  tx->off = (int64_t *)m, ty->off = tx->off + nx;
  tx->w = (scalar_t *)(ty->off + ny), tx->sg = tx->w + nx;
  ty->w = tx->sg + nx, ty->sg = ty->w + ny;
  return m;
}

/* One channel ic of the footprint: the value and (when d is given) d(value)/d(ux, uy)
 * with the footprint held fixed. */
static inline accreal STN_T(aa_value)(const scalar_t *ic, const STN_T(aa_axis) * ax, const STN_T(aa_axis) * ay,
                                      const STN_T(aa_taps) * tx, const STN_T(aa_taps) * ty, accreal *d) {
  accreal num = 0, dnx = 0, dny = 0;
  for (int64_t y = 0; y < ty->n; y++) {
    const scalar_t *row = ic + ty->off[y];
    accreal r = 0, rd = 0;
    for (int64_t x = 0; x < tx->n; x++) {
      const accreal a = row[tx->off[x]];
      r += (accreal)tx->w[x] * a;
      rd += tx->sg[x] > 0 ? a : (tx->sg[x] < 0 ? -a : 0);
    }
    num += (accreal)ty->w[y] * r;
    dnx += (accreal)ty->w[y] * rd;
    dny += ty->sg[y] > 0 ? r : (ty->sg[y] < 0 ? -r : 0);
  }
  const accreal zz = ax->z * ay->z, v = num / zz;
  if (d) {
    d[0] = dnx / zz - v * ax->dz / ax->z;
    d[1] = dny / zz - v * ay->dz / ay->z;
  }
  return v;
}

static stn_status STN_T(aa_forward)(const stn_sampler_geom *g, const stn_tensor *images, const stn_tensor *grid,
                                    stn_tensor *output) {
  const scalar_t *img = (const scalar_t *)stn_ptr(images), *gr = (const scalar_t *)stn_ptr(grid);
  scalar_t *out = (scalar_t *)stn_ptr(output);
  const int64_t P = g->Ho * g->Wo;
  const int padding = g->desc.padding, align = g->desc.align_corners;
  int failed = 0;
#pragma omp parallel if (g->B * P * (g->C + 4) >= STN_OMP_MIN)
  {
    STN_T(aa_taps) tx = {0, NULL, NULL, NULL}, ty = {0, NULL, NULL, NULL};
    void *mem = STN_T(aa_taps_new)(g, &tx, &ty);
    if (!mem) {
#pragma omp atomic write
      failed = 1;
    }
#pragma omp for schedule(dynamic, 64)
    for (int64_t t = 0; t < g->B * P; t++) {
      const int64_t b = t / P, p = t % P;
      STN_T(aa_axis) ax, ay;
      if (!mem || !STN_T(aa_footprint)(g, gr + 2 * b * P, p / g->Wo, p % g->Wo, &ax, &ay)) continue;
      STN_T(aa_taps_fill)(&tx, &ax, g->W, g->img_x, padding, align);
      STN_T(aa_taps_fill)(&ty, &ay, g->H, g->img_y, padding, align);
      scalar_t *o = out + b * g->out_b + p * g->out_p;
      for (int64_t ch = 0; ch < g->C; ch++)
        o[ch * g->out_c] = (scalar_t)STN_T(aa_value)(img + b * g->img_b + ch * g->img_c, &ax, &ay, &tx, &ty, NULL);
    }
    free(mem);
  }
  if (failed) return STN_FAIL(STN_ERR_MEMORY, "stn_sampler_forward: no memory for the antialiasing taps");
  return STN_OK;
}

static stn_status STN_T(aa_mask)(const stn_sampler_geom *g, const stn_tensor *grid, stn_tensor *grad_output) {
  const scalar_t *gr = (const scalar_t *)stn_ptr(grid);
  scalar_t *go = (scalar_t *)stn_ptr(grad_output);
  const int64_t P = g->Ho * g->Wo;
#pragma omp parallel for schedule(static) if (g->B * P * 8 >= STN_OMP_MIN)
  for (int64_t t = 0; t < g->B * P; t++) {
    const int64_t b = t / P, p = t % P;
    STN_T(aa_axis) ax, ay;
    if (!STN_T(aa_footprint)(g, gr + 2 * b * P, p / g->Wo, p % g->Wo, &ax, &ay)) continue;
    scalar_t *o = go + b * g->out_b + p * g->out_p;
    for (int64_t ch = 0; ch < g->C; ch++) o[ch * g->out_c] = 0;
  }
  return STN_OK;
}

/* One task per batch element: it alone adds to that element's image gradient, in pixel
 * and tap order, so the result does not depend on the thread count. */
static stn_status STN_T(aa_backward)(const stn_sampler_geom *g, const stn_tensor *images, const stn_tensor *grid,
                                     const stn_tensor *grad_output, stn_tensor *grad_images, stn_tensor *grad_grid) {
  const scalar_t *img = (const scalar_t *)stn_ptr(images), *gr = (const scalar_t *)stn_ptr(grid);
  const scalar_t *go = (const scalar_t *)stn_ptr(grad_output);
  scalar_t *gi = grad_images ? (scalar_t *)stn_ptr(grad_images) : NULL, *gg = (scalar_t *)stn_ptr(grad_grid);
  const int64_t P = g->Ho * g->Wo;
  const int xs = stn_grid_x_slot(g->desc.grid_order), align = g->desc.align_corners;
  const int padding = g->desc.padding;
  const accreal scale_x = align ? (accreal)(g->W - 1) * 0.5 : (accreal)g->W * 0.5;
  const accreal scale_y = align ? (accreal)(g->H - 1) * 0.5 : (accreal)g->H * 0.5;
  int failed = 0;
#pragma omp parallel if (g->B * P * (g->C + 4) >= STN_OMP_MIN)
  {
    STN_T(aa_taps) tx = {0, NULL, NULL, NULL}, ty = {0, NULL, NULL, NULL};
    void *mem = STN_T(aa_taps_new)(g, &tx, &ty);
    if (!mem) {
#pragma omp atomic write
      failed = 1;
    }
#pragma omp for schedule(dynamic, 1)
    for (int64_t b = 0; b < g->B; b++) {
      for (int64_t p = 0; mem && p < P; p++) {
        STN_T(aa_axis) ax, ay;
        if (!STN_T(aa_footprint)(g, gr + 2 * b * P, p / g->Wo, p % g->Wo, &ax, &ay)) continue;
        STN_T(aa_taps_fill)(&tx, &ax, g->W, g->img_x, padding, align);
        STN_T(aa_taps_fill)(&ty, &ay, g->H, g->img_y, padding, align);
        const scalar_t *gop = go + b * g->out_b + p * g->out_p;
        const accreal zz = ax.z * ay.z;
        accreal sx = 0, sy = 0;
        for (int64_t ch = 0; ch < g->C; ch++) {
          const accreal v = gop[ch * g->out_c];
          const int64_t co = b * g->img_b + ch * g->img_c;
          accreal d[2];
          STN_T(aa_value)(img + co, &ax, &ay, &tx, &ty, d);
          sx += v * d[0], sy += v * d[1];
          if (!gi) continue;
          const accreal vz = v / zz;
          for (int64_t y = 0; y < ty.n; y++) {
            const accreal vy = vz * (accreal)ty.w[y];
            scalar_t *row = gi + co + ty.off[y];
            for (int64_t x = 0; x < tx.n; x++) row[tx.off[x]] += (scalar_t)(vy * (accreal)tx.w[x]);
          }
        }
        scalar_t *ggp = gg + 2 * (b * P + p);
        ggp[xs] = ax.du ? (scalar_t)(ax.du * sx * scale_x) : 0;
        ggp[1 - xs] = ay.du ? (scalar_t)(ay.du * sy * scale_y) : 0;
      }
    }
    free(mem);
  }
  if (failed) return STN_FAIL(STN_ERR_MEMORY, "stn_sampler_backward: no memory for the antialiasing taps");
  return STN_OK;
}
