/* sampler3d_lanes.h: the corners of a chunk of volumetric samples (vox_chunk,
 * sampler3d_cpu.c), S3_L samples at a time in GCC vectors: the float steps of
 * sampler3d.h's stn_axis3_of_f and sampler3d_generic.h's vox8_of on every lane, so every
 * lane gets their bits. Included by sampler3d_cpu.c once per SIMD path, with S3_L (lanes),
 * S3_TARGET, S3_VF / S3_VI (the vector types' names), S3_FLOOR / S3_RINT (floorf, rintf on
 * a vector), S3_AX, S3_AXIS and S3_CORNERS (the names to define) set; undefines them at its end. */

typedef float S3_VF __attribute__((vector_size(4 * S3_L)));
typedef int32_t S3_VI __attribute__((vector_size(4 * S3_L)));

/* One axis of S3_L samples: stn_axis3f's fields as vectors (indices clamped). */
typedef struct S3_AX {
  S3_VI i0, i1, in;
  S3_VF w1, m0, m1, mn, gm;
} S3_AX;

#define S3_SEL(m, a, b) ((S3_VF)(((S3_VI)(a) & (m)) | ((S3_VI)(b) & ~(m))))
#define S3_ISEL(m, a, b) (((a) & (m)) | ((b) & ~(m)))
#define S3_ABS(x) ((S3_VF)((S3_VI)(x) & 0x7fffffff))
#define S3_ONES(m) ((S3_VF)((m) & 0x3f800000)) /* 1.0f where the mask is set, else +0 */
#define S3_CLAMP(i, hi) S3_ISEL((i) < 0, (S3_VI){0} + 0, S3_ISEL((i) > (hi), (S3_VI){0} + (hi), (i)))

/* STN_AXIS3_BODY on S3_L grid values v along an axis of size voxels (its float
 * instance). Reflection mirrors in-range lanes here; a lane that needs fmod (at least a
 * span away from the edge) is redone by stn_axis3_of_f itself. */
static inline __attribute__((always_inline)) S3_TARGET S3_AX S3_AXIS(S3_VF v, int64_t size64, int align, int padding) {
  const int32_t size = (int32_t)size64;
  const float scale = align ? (float)(size - 1) * 0.5f : (float)size * 0.5f;
  const float shift = align ? 0.0f : 0.5f;
  const S3_VF zero = {0}, one = zero + 1.0f;
  S3_VF u = (v + 1.0f) * scale - shift;
  const S3_VF r = S3_FLOOR(u + 0.5f);
  u = S3_SEL(S3_ABS(u - r) <= (float)size * 2.384185791015625e-07f, r, u);
  S3_VF gm = one;
  S3_VI slow = (S3_VI){0};
  if (padding == STN_PADDING_REFLECTION) {
    const S3_VI finite = S3_ABS(u) <= 3.0e38f;
    if (align && size == 1) {
      u = zero, gm = zero;
    } else {
      const float lo = align ? 0.0f : -0.5f, span = align ? (float)(size - 1) : (float)size;
      const S3_VF d = u - lo;
      const S3_VI neg = d < 0.0f;
      const S3_VF ad = S3_SEL(neg, -d, d);
      slow = finite & ~(ad < span);
      u = ad + lo, gm = S3_SEL(neg, zero - 1.0f, one);
    }
    u = S3_SEL(finite, u, zero), gm = S3_SEL(finite, gm, zero);
  }
  if (padding != STN_PADDING_ZEROS) {
    const S3_VI low = ~(u > 0.0f), high = (u >= (float)(size - 1)) & ~low;
    u = S3_SEL(low, zero, u), gm = S3_SEL(low, zero, gm);
    u = S3_SEL(high, zero + (float)(size - 1), u), gm = S3_SEL(high, zero, gm);
  } else {
    u = S3_SEL(u >= -2.0f, u, zero - 2.0f);
    u = S3_SEL(u > (float)size + 1.0f, zero + ((float)size + 1.0f), u);
  }
  const S3_VF f = S3_FLOOR(u);
  const S3_VI i0 = __builtin_convertvector(f, S3_VI), i1 = i0 + 1;
  const S3_VI in = __builtin_convertvector(S3_RINT(u), S3_VI);
  S3_AX a;
  a.w1 = u - f, a.gm = gm;
  a.m0 = S3_ONES((i0 >= 0) & (i0 < size)), a.m1 = S3_ONES((i1 >= 0) & (i1 < size));
  a.mn = S3_ONES((in >= 0) & (in < size));
  a.i0 = S3_CLAMP(i0, size - 1), a.i1 = S3_CLAMP(i1, size - 1), a.in = S3_CLAMP(in, size - 1);
  if (padding == STN_PADDING_REFLECTION)
    for (int j = 0; j < S3_L; j++)
      if (slow[j]) {
        const stn_axis3f s = stn_axis3_of_f(v[j], size64, align, padding);
        a.i0[j] = (int32_t)s.i0, a.i1[j] = (int32_t)s.i1, a.in[j] = (int32_t)s.in;
        a.w1[j] = s.w1, a.m0[j] = s.m0, a.m1[j] = s.m1, a.mn[j] = s.mn, a.gm[j] = s.gm;
      }
  return a;
}

/* The corners of samples [0, n) of a chunk whose grid triples start at xyz (with grads,
 * the derivative weights and sx, sy, sz too); entries up to n rounded up to S3_L are
 * those of a grid value 0 (harmless). */
S3_TARGET static void S3_CORNERS(const stn_sampler3d_geom *g, const float *xyz, int n, vox_chunk *restrict cc,
                                 int grads) {
  const int32_t H = (int32_t)g->H, W = (int32_t)g->W;
  const int align = g->align, padding = g->padding;
  const float scx = align ? (float)(W - 1) * 0.5f : (float)W * 0.5f;
  const float scy = align ? (float)(H - 1) * 0.5f : (float)H * 0.5f;
  const float scz = align ? (float)(g->D - 1) * 0.5f : (float)g->D * 0.5f;
  _Alignas(64) float t[3][S3_CHUNK];
  const int nl = (n + S3_L - 1) / S3_L * S3_L;
  for (int p = 0; p < n; p++) t[0][p] = xyz[3 * p], t[1][p] = xyz[3 * p + 1], t[2][p] = xyz[3 * p + 2];
  for (int p = n; p < nl; p++) t[0][p] = t[1][p] = t[2][p] = 0;
  for (int p = 0; p < nl; p += S3_L) {
    const S3_AX ax = S3_AXIS(*(const S3_VF *)(t[0] + p), g->W, align, padding);
    const S3_AX ay = S3_AXIS(*(const S3_VF *)(t[1] + p), g->H, align, padding);
    const S3_AX az = S3_AXIS(*(const S3_VF *)(t[2] + p), g->D, align, padding);
    if (g->mode == STN_SAMPLER_NEAREST) {
      *(S3_VI *)(cc->o[0] + p) = (az.in * H + ay.in) * W + ax.in;
      const S3_VF w = (az.mn * ay.mn) * ax.mn;
      *(S3_VF *)(cc->w[0] + p) = w;
      *(S3_VI *)(cc->full + p) = w != 0.0f;
      continue;
    }
    const S3_VF wx[2] = {1.0f - ax.w1, ax.w1}, wy[2] = {1.0f - ay.w1, ay.w1}, wz[2] = {1.0f - az.w1, az.w1};
    const S3_VF mx[2] = {ax.m0, ax.m1}, my[2] = {ay.m0, ay.m1}, mz[2] = {az.m0, az.m1};
    const S3_VI ix[2] = {ax.i0, ax.i1}, iy[2] = {ay.i0 * W, ay.i1 * W}, iz[2] = {az.i0 * H, az.i1 * H};
    S3_VI full = (S3_VI){0} - 1;
    for (int k = 0; k < 8; k++) {
      const int kz = k >> 2, ky = (k >> 1) & 1, kx = k & 1;
      const S3_VF zy = wz[kz] * wy[ky], m = (mz[kz] * my[ky]) * mx[kx];
      /* (iz H + iy) W + ix, as vox8_of: iz H W + iy W + ix, exact in int32 here */
      *(S3_VI *)(cc->o[k] + p) = (iz[kz] * W + iy[ky]) + ix[kx];
      const S3_VF w = (zy * wx[kx]) * m;
      *(S3_VF *)(cc->w[k] + p) = w;
      full &= w != 0.0f;
      if (!grads) continue;
      const S3_VF zx = wz[kz] * wx[kx], yx = wy[ky] * wx[kx];
      *(S3_VF *)(cc->dx[k] + p) = (kx ? zy : -zy) * m;
      *(S3_VF *)(cc->dy[k] + p) = (ky ? zx : -zx) * m;
      *(S3_VF *)(cc->dz[k] + p) = (kz ? yx : -yx) * m;
    }
    *(S3_VI *)(cc->full + p) = full;
    if (grads) {
      *(S3_VF *)(cc->sx + p) = ax.gm * scx;
      *(S3_VF *)(cc->sy + p) = ay.gm * scy;
      *(S3_VF *)(cc->sz + p) = az.gm * scz;
    }
  }
}

#undef S3_SEL
#undef S3_ISEL
#undef S3_ABS
#undef S3_ONES
#undef S3_CLAMP
#undef S3_L
#undef S3_TARGET
#undef S3_VF
#undef S3_VI
#undef S3_FLOOR
#undef S3_RINT
#undef S3_AX
#undef S3_AXIS
#undef S3_CORNERS
