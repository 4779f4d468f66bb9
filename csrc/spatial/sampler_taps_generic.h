/* sampler_taps_generic.h: one axis of a sample in the nearest, bilinear and bicubic modes
 * with any padding (sampler_modes.c, cuda/spatial/sampler_modes.cu): which pixels along
 * the axis a sample reads ("taps"), with what weights, and the weights' derivatives with
 * respect to the pixel coordinate. Written against scalar_t and STN_T(name) (core/dtype.h)
 * and STN_HD, so that the CPU instantiates it for float and double and the CUDA twin for
 * float, with the same arithmetic. No include guard: included once per element type.
 *
 * The rules (PyTorch's grid_sample conventions, docs/spatial_transformer.md):
 *   u = pixel coordinate of the grid value (coords.h);
 *   nearest: the pixel nearbyint(pad(u)) (ties to even), no derivative;
 *   bilinear: the pixels floor(c), floor(c) + 1 of c = pad(u), weights 1 - t, t
 *             (t = c - floor(c)), times d(pad)/du;
 *   bicubic: the pixels floor(u) - 1 .. floor(u) + 2, each tap's coordinate padded on its
 *             own, weights of the cubic convolution kernel with A = -0.75;
 *   pad: zeros: u itself (taps outside the image weigh 0); border: clipped into
 *        [0, size - 1]; reflection: reflected about the borders (pixel centres -> 0 and
 *        size - 1 with align_corners, the outer edges -0.5 and size - 0.5 without) and
 *        then clipped into [0, size - 1].
 * A coordinate that is not finite reads as outside: NaN and -Inf below the image, +Inf
 * above it (zeros: 0; border: the first or last pixel); with reflection, any of them reads
 * the first pixel. Far-off coordinates (zeros, border) are clamped to 3 pixels beyond the
 * image, where every tap lies outside or on the edge already, so the int conversion is
 * safe; their derivatives and those of non-finite ones are 0. */

#define STN_CUBIC_A ((scalar_t)-0.75)

/* Inlined into each caller, so that a constant mode and padding fold its branches away. */
#ifndef STN_TAPS_FN
#ifdef __CUDACC__
#define STN_TAPS_FN STN_HD
#else
#define STN_TAPS_FN static inline __attribute__((always_inline))
#endif
#endif

typedef struct STN_T(taps) {
  int n;         /* 1 (nearest), 2 (bilinear) or 4 (bicubic) */
  int i[4];      /* pixel of each tap, in [0, size) so that it can always be read */
  scalar_t w[4]; /* weights (0 for a tap outside the image) */
  scalar_t d[4]; /* d(weight)/d(pixel coordinate) */
} STN_T(taps);

/* The cubic convolution kernel for |x| <= 1 and for 1 < |x| < 2, and their derivatives. */
STN_HD scalar_t STN_T(cubic_near)(scalar_t x) {
  return ((STN_CUBIC_A + 2) * x - (STN_CUBIC_A + 3)) * x * x + 1;
}
STN_HD scalar_t STN_T(cubic_far)(scalar_t x) {
  return ((STN_CUBIC_A * x - 5 * STN_CUBIC_A) * x + 8 * STN_CUBIC_A) * x - 4 * STN_CUBIC_A;
}
STN_HD scalar_t STN_T(cubic_near_d)(scalar_t x) { return (3 * (STN_CUBIC_A + 2) * x - 2 * (STN_CUBIC_A + 3)) * x; }
STN_HD scalar_t STN_T(cubic_far_d)(scalar_t x) {
  return (3 * STN_CUBIC_A * x - 10 * STN_CUBIC_A) * x + 8 * STN_CUBIC_A;
}

/* Grid value -> pixel coordinate (coords.h's map, in scalar_t). */
STN_HD scalar_t STN_T(to_pixel)(scalar_t v, int size, int align) {
  const scalar_t scale = align ? (scalar_t)(size - 1) * (scalar_t)0.5 : (scalar_t)size * (scalar_t)0.5;
  const scalar_t shift = align ? (scalar_t)0 : (scalar_t)0.5;
  return STN_MUL_RN(v + 1, scale) - shift;
}

/* d(pixel coordinate)/d(grid value). */
STN_HD scalar_t STN_T(pixel_scale_of)(int size, int align) {
  return align ? (scalar_t)(size - 1) * (scalar_t)0.5 : (scalar_t)size * (scalar_t)0.5;
}

/* x clipped into [0, size - 1]; *grad = d(result)/dx (0 on and beyond the edges). */
STN_TAPS_FN scalar_t STN_T(clip)(scalar_t x, int size, scalar_t *grad) {
  if (x <= 0) {
    *grad = 0;
    return 0;
  }
  if (x >= (scalar_t)(size - 1)) {
    *grad = 0;
    return (scalar_t)(size - 1);
  }
  *grad = 1;
  return x;
}

/* x (finite) reflected about the borders and clipped; *grad = d(result)/dx (+-1, 0 where
 * clipped). The borders are lo = 0, hi = size - 1 with align_corners, else -0.5 and
 * size - 0.5; x - lo is folded with period 2 (hi - lo). */
STN_TAPS_FN scalar_t STN_T(reflect)(scalar_t x, int size, int align, scalar_t *grad) {
  const scalar_t lo = align ? (scalar_t)0 : (scalar_t)-0.5;
  const scalar_t span = align ? (scalar_t)(size - 1) : (scalar_t)size;
  if (span <= 0) { /* one pixel, corners aligned: every point is that pixel */
    *grad = 0;
    return 0;
  }
  scalar_t s = 1, y = x - lo;
  if (y < 0) {
    y = -y;
    s = -1;
  }
  scalar_t r = y < 2 * span ? y : (scalar_t)fmod(y, 2 * span); /* fmod(y, 2 span) */
  if (r >= span) {
    r = 2 * span - r;
    s = -s;
  }
  scalar_t g;
  const scalar_t c = STN_T(clip)(r + lo, size, &g);
  *grad = s * g;
  return c;
}

/* The taps of grid value v along an axis of size pixels. */
STN_TAPS_FN STN_T(taps) STN_T(taps_of)(scalar_t v, int size, int align, int padding, int mode) {
  STN_T(taps) t;
  scalar_t u = STN_T(to_pixel)(v, size, align), ok = 1;
  const int reflection = padding == STN_PADDING_REFLECTION;
  if (!(u - u == 0)) { /* NaN or +-Inf */
    ok = 0;
    u = reflection ? (scalar_t)0 : (u > 0 ? (scalar_t)size + 2 : (scalar_t)-3);
  } else if (!reflection && (u < -3 || u > (scalar_t)size + 2)) {
    ok = 0;
    u = u < 0 ? (scalar_t)-3 : (scalar_t)size + 2;
  }
  if (mode == STN_SAMPLER_BICUBIC) {
    const scalar_t f = floor(u), x = u - f;
    t.n = 4;
    t.w[0] = STN_T(cubic_far)(x + 1);
    t.w[1] = STN_T(cubic_near)(x);
    t.w[2] = STN_T(cubic_near)(1 - x);
    t.w[3] = STN_T(cubic_far)(2 - x);
    t.d[0] = ok * STN_T(cubic_far_d)(x + 1);
    t.d[1] = ok * STN_T(cubic_near_d)(x);
    t.d[2] = -ok * STN_T(cubic_near_d)(1 - x);
    t.d[3] = -ok * STN_T(cubic_far_d)(2 - x);
    for (int k = 0; k < 4; k++) {
      scalar_t c = f - 1 + (scalar_t)k, unused;
      if (padding == STN_PADDING_BORDER) c = STN_T(clip)(c, size, &unused);
      else if (reflection) c = STN_T(reflect)(c, size, align, &unused);
      const int inside = c >= 0 && c <= (scalar_t)(size - 1);
      t.i[k] = inside ? (int)c : 0;
      if (!inside) t.w[k] = 0, t.d[k] = 0;
    }
    return t;
  }
  scalar_t m = ok, c = u, g = 1;
  if (padding == STN_PADDING_BORDER) c = STN_T(clip)(u, size, &g);
  else if (reflection) c = STN_T(reflect)(u, size, align, &g);
  m *= g;
  if (mode == STN_SAMPLER_NEAREST) {
    const scalar_t r = nearbyint(c);
    const int inside = r >= 0 && r <= (scalar_t)(size - 1);
    t.n = 1;
    t.i[0] = inside ? (int)r : 0;
    t.w[0] = inside ? (scalar_t)1 : (scalar_t)0;
    t.d[0] = 0;
    t.i[1] = t.i[2] = t.i[3] = 0;
    t.w[1] = t.w[2] = t.w[3] = t.d[1] = t.d[2] = t.d[3] = 0;
    return t;
  }
  const scalar_t f = floor(c), x = c - f;
  t.n = 2;
  t.w[0] = 1 - x;
  t.w[1] = x;
  t.d[0] = -m;
  t.d[1] = m;
  for (int k = 0; k < 2; k++) {
    const scalar_t p = f + (scalar_t)k;
    const int inside = p >= 0 && p <= (scalar_t)(size - 1);
    t.i[k] = inside ? (int)p : 0;
    if (!inside) t.w[k] = 0, t.d[k] = 0;
  }
  t.i[2] = t.i[3] = 0;
  t.w[2] = t.w[3] = t.d[2] = t.d[3] = 0;
  return t;
}

#undef STN_CUBIC_A
