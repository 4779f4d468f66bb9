/* sampler_nearest.c: the nearest mode's Float fast path (sampler_nearest.h). A chunk of
 * output pixels first gets each sample's pixel index (y * W + x; with zeros padding, the
 * samples outside the image listed apart): 16 samples at a time with AVX-512, 8 with
 * AVX2, one at a time on the generic path (the generic loops' own arithmetic,
 * sampler_taps_generic.h). The SIMD
 * index loops do the same float operations on every lane (no FMA), round with the current
 * rounding mode (nearest, ties to even: nearbyint), and leave the rare reflected lanes
 * that fold more than once to the scalar code: every path picks the same pixels.
 * Then a sample's index serves up to four channel planes at once. Forward: out =
 * image[index] (+0 outside), one task per chunk of pixels. Image gradient: one task per
 * (batch element, group of channels), which alone adds to those planes, samples in order
 * (the runs between outside samples): the generic loops' sums, whatever the thread count. */
#include "sampler_nearest.h"

#include "core/context.h"
#include "sampler_reflect_simd.h"

#include <string.h>

/* Pixels per chunk: their indices stay in L1 while every channel uses them. */
#define NEAREST_CHUNK 1024
#define STN_INLINE static inline __attribute__((always_inline))

/* One axis: size, grid value -> pixel map, reflection constants. */
typedef struct nearest_axis {
  int32_t size;
  stn_pixel_map map;
  reflect_axis refl;
} nearest_axis;

typedef struct nearest_plan {
  const stn_sampler_geom *g;
  int pad, align, xs;
  nearest_axis x, y;
  /* The path's index loop: idx[p] for the n samples of grid pairs gp, the pixel y * W + x
   * each reads; a sample outside the image (zeros padding) gets 0 there and its position
   * in outside[] (in order, room for n + 16 entries). Returns how many are outside. */
  int (*index)(const struct nearest_plan *pl, const float *gp, int n, int32_t *idx, int32_t *outside);
} nearest_plan;

/* ------------------------------------------------------------------ generic path */

/* The generic loops' pixel of one sample (grid pair gp), -1 outside: the taps of
 * sampler_taps_generic.h. */
STN_INLINE int32_t index_one(const nearest_plan *pl, const float *gp, const int pad) {
  const taps_float tx = taps_of_float(gp[pl->xs], pl->x.size, pl->align, pad, STN_SAMPLER_NEAREST);
  const taps_float ty = taps_of_float(gp[1 - pl->xs], pl->y.size, pl->align, pad, STN_SAMPLER_NEAREST);
  return tx.w[0] != 0 && ty.w[0] != 0 ? ty.i[0] * pl->x.size + tx.i[0] : -1;
}

STN_INLINE int index_generic_body(const nearest_plan *pl, const float *gp, int n, int32_t *idx, int32_t *outside,
                                  const int pad) {
  int m = 0;
  for (int p = 0; p < n; p++) {
    const int32_t i = index_one(pl, gp + 2 * p, pad);
    if (i < 0) outside[m++] = p;
    idx[p] = i < 0 ? 0 : i;
  }
  return m;
}

static int index_generic(const nearest_plan *pl, const float *gp, int n, int32_t *idx, int32_t *outside) {
  switch (pl->pad) {
  case STN_PADDING_ZEROS: return index_generic_body(pl, gp, n, idx, outside, STN_PADDING_ZEROS);
  case STN_PADDING_BORDER: return index_generic_body(pl, gp, n, idx, outside, STN_PADDING_BORDER);
  default: return index_generic_body(pl, gp, n, idx, outside, STN_PADDING_REFLECTION);
  }
}

#if STN_HAVE_PATHS
/* ------------------------------------------------------------------ AVX-512, 16 samples */

/* One axis's constants as vectors. */
typedef struct axis16_k {
  __m512 scale, shift, top;
  const reflect_axis *refl;
} axis16_k;

STN_TARGET_AVX512 static inline axis16_k axis16_of(const nearest_axis *a) {
  axis16_k k;
  k.scale = _mm512_set1_ps(a->map.scale), k.shift = _mm512_set1_ps(a->map.shift);
  k.top = _mm512_set1_ps((float)(a->size - 1)), k.refl = &a->refl;
  return k;
}

/* The pixel along one axis of 16 samples (grid values v); *in: the lanes inside the image
 * (zeros padding; all lanes otherwise); *slow: lanes for the scalar code (reflection). */
STN_TARGET_AVX512 static inline __m512i axis16(__m512 v, const axis16_k *k, const int pad, __mmask16 *in,
                                               __mmask16 *slow) {
  const __m512 u = _mm512_sub_ps(_mm512_mul_ps(_mm512_add_ps(v, _mm512_set1_ps(1.0f)), k->scale), k->shift);
  const __m512 zero = _mm512_setzero_ps();
  __m512 c;
  *slow = 0;
  *in = 0xffff;
  if (pad == STN_PADDING_ZEROS) {
    c = u;
  } else if (pad == STN_PADDING_BORDER) { /* maxps gives its second operand, 0, for NaN (read as -3: pixel 0) */
    c = _mm512_min_ps(_mm512_max_ps(u, zero), k->top);
  } else {
    __m512 d;
    c = reflect16(u, k->refl, &d, slow);
  }
  const __m512 r = _mm512_roundscale_ps(c, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  if (pad == STN_PADDING_ZEROS) /* NaN and the infinities fail both */
    *in = _mm512_cmp_ps_mask(r, zero, _CMP_GE_OQ) & _mm512_cmp_ps_mask(r, k->top, _CMP_LE_OQ);
  return _mm512_cvttps_epi32(r);
}

STN_INLINE STN_TARGET_AVX512 int index16_body(const nearest_plan *pl, const float *gp, int n, int32_t *idx,
                                              int32_t *outside, const int pad) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1)), lanes = _mm512_srli_epi32(even, 1);
  const __m512i px = pl->xs ? odd : even, py = pl->xs ? even : odd, W = _mm512_set1_epi32(pl->x.size);
  const axis16_k kx = axis16_of(&pl->x), ky = axis16_of(&pl->y);
  int m = 0;
  for (int p = 0; p < n; p += 16) {
    const int r = n - p < 16 ? n - p : 16, nf = 2 * r;
    const __mmask16 keep = (__mmask16)((1u << r) - 1);
    const __mmask16 mlo = (__mmask16)(nf >= 16 ? 0xffffu : (1u << nf) - 1);
    const __mmask16 mhi = (__mmask16)(nf > 16 ? (1u << (nf - 16)) - 1 : 0);
    const __m512 a = _mm512_maskz_loadu_ps(mlo, gp + 2 * p), b = _mm512_maskz_loadu_ps(mhi, gp + 2 * p + 16);
    __mmask16 inx, iny, slowx, slowy;
    const __m512i ix = axis16(_mm512_permutex2var_ps(a, px, b), &kx, pad, &inx, &slowx);
    const __m512i iy = axis16(_mm512_permutex2var_ps(a, py, b), &ky, pad, &iny, &slowy);
    const __mmask16 in = inx & iny;
    _mm512_mask_storeu_epi32(idx + p, keep, _mm512_maskz_mov_epi32(in, _mm512_add_epi32(_mm512_mullo_epi32(iy, W), ix)));
    if (pad == STN_PADDING_ZEROS) {
      const __mmask16 out = keep & ~in;
      if (out) { /* their positions, packed (the store may write up to 16 entries) */
        const __m512i pos = _mm512_add_epi32(lanes, _mm512_set1_epi32(p));
        _mm512_storeu_si512(outside + m, _mm512_maskz_compress_epi32(out, pos));
        m += __builtin_popcount(out);
      }
    }
    if (pad == STN_PADDING_REFLECTION)
      for (unsigned s = (unsigned)(slowx | slowy) & keep; s; s &= s - 1) {
        const int j = p + __builtin_ctz(s);
        idx[j] = index_one(pl, gp + 2 * j, STN_PADDING_REFLECTION);
      }
  }
  return m;
}

STN_TARGET_AVX512 static int index_avx512(const nearest_plan *pl, const float *gp, int n, int32_t *idx,
                                          int32_t *outside) {
  switch (pl->pad) {
  case STN_PADDING_ZEROS: return index16_body(pl, gp, n, idx, outside, STN_PADDING_ZEROS);
  case STN_PADDING_BORDER: return index16_body(pl, gp, n, idx, outside, STN_PADDING_BORDER);
  default: return index16_body(pl, gp, n, idx, outside, STN_PADDING_REFLECTION);
  }
}

/* ------------------------------------------------------------------ AVX2, 8 samples */

typedef struct axis8_k {
  __m256 scale, shift, top;
  const reflect_axis *refl;
} axis8_k;

STN_TARGET_AVX2 static inline axis8_k axis8_of(const nearest_axis *a) {
  axis8_k k;
  k.scale = _mm256_set1_ps(a->map.scale), k.shift = _mm256_set1_ps(a->map.shift);
  k.top = _mm256_set1_ps((float)(a->size - 1)), k.refl = &a->refl;
  return k;
}

STN_TARGET_AVX2 static inline __m256i axis8(__m256 v, const axis8_k *k, const int pad, __m256 *in, int *slow) {
  const __m256 u = _mm256_sub_ps(_mm256_mul_ps(_mm256_add_ps(v, _mm256_set1_ps(1.0f)), k->scale), k->shift);
  const __m256 zero = _mm256_setzero_ps();
  __m256 c;
  *slow = 0;
  if (pad == STN_PADDING_ZEROS) {
    c = u;
  } else if (pad == STN_PADDING_BORDER) {
    c = _mm256_min_ps(_mm256_max_ps(u, zero), k->top);
  } else {
    __m256 d;
    c = reflect8(u, k->refl, &d, slow);
  }
  const __m256 r = _mm256_round_ps(c, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  *in = pad == STN_PADDING_ZEROS ? _mm256_and_ps(_mm256_cmp_ps(r, zero, _CMP_GE_OQ), _mm256_cmp_ps(r, k->top, _CMP_LE_OQ))
                                 : _mm256_castsi256_ps(_mm256_set1_epi32(-1));
  return _mm256_cvttps_epi32(r);
}

STN_INLINE STN_TARGET_AVX2 int index8_body(const nearest_plan *pl, const float *gp, int n, int32_t *idx,
                                             int32_t *outside, const int pad) {
  const __m256i W = _mm256_set1_epi32(pl->x.size);
  const axis8_k kx = axis8_of(&pl->x), ky = axis8_of(&pl->y);
  int m = 0;
  for (int p = 0; p < n; p += 8) {
    const int r = n - p < 8 ? n - p : 8;
    __m256 a, b;
    if (r == 8) {
      a = _mm256_loadu_ps(gp + 2 * p), b = _mm256_loadu_ps(gp + 2 * p + 8);
    } else {
      float t[16] = {0};
      for (int k = 0; k < 2 * r; k++) t[k] = gp[2 * p + k];
      a = _mm256_loadu_ps(t), b = _mm256_loadu_ps(t + 8);
    }
    /* within each 128-bit half, then the halves' middle quarters swapped: samples in order */
    const __m256 e = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)), o = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
    const __m256 v0 = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), _MM_SHUFFLE(3, 1, 2, 0)));
    const __m256 v1 = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(o), _MM_SHUFFLE(3, 1, 2, 0)));
    __m256 inx, iny;
    int slowx, slowy;
    const __m256i ix = axis8(pl->xs ? v1 : v0, &kx, pad, &inx, &slowx);
    const __m256i iy = axis8(pl->xs ? v0 : v1, &ky, pad, &iny, &slowy);
    const __m256 in = _mm256_and_ps(inx, iny);
    const __m256i i = _mm256_and_si256(_mm256_castps_si256(in), _mm256_add_epi32(_mm256_mullo_epi32(iy, W), ix));
    if (r == 8) {
      _mm256_storeu_si256((__m256i *)(idx + p), i);
    } else {
      int32_t t[8];
      _mm256_storeu_si256((__m256i *)t, i);
      for (int k = 0; k < r; k++) idx[p + k] = t[k];
    }
    if (pad == STN_PADDING_ZEROS)
      for (unsigned s = (unsigned)~_mm256_movemask_ps(in) & ((1u << r) - 1); s; s &= s - 1) outside[m++] = p + __builtin_ctz(s);
    if (pad == STN_PADDING_REFLECTION)
      for (unsigned s = (unsigned)(slowx | slowy) & ((1u << r) - 1); s; s &= s - 1) {
        const int j = p + __builtin_ctz(s);
        idx[j] = index_one(pl, gp + 2 * j, STN_PADDING_REFLECTION);
      }
  }
  return m;
}

STN_TARGET_AVX2 static int index_avx2(const nearest_plan *pl, const float *gp, int n, int32_t *idx, int32_t *outside) {
  switch (pl->pad) {
  case STN_PADDING_ZEROS: return index8_body(pl, gp, n, idx, outside, STN_PADDING_ZEROS);
  case STN_PADDING_BORDER: return index8_body(pl, gp, n, idx, outside, STN_PADDING_BORDER);
  default: return index8_body(pl, gp, n, idx, outside, STN_PADDING_REFLECTION);
  }
}
#endif

/* ------------------------------------------------------------------ plan and tasks */

static nearest_plan plan_of(const stn_sampler_geom *g) {
  nearest_plan pl;
  memset(&pl, 0, sizeof pl);
  pl.g = g;
  pl.pad = g->desc.padding, pl.align = g->desc.align_corners, pl.xs = stn_grid_x_slot(g->desc.grid_order);
  pl.x.size = (int32_t)g->W, pl.y.size = (int32_t)g->H;
  pl.x.map = stn_pixel_map_of(pl.x.size, pl.align), pl.y.map = stn_pixel_map_of(pl.y.size, pl.align);
  pl.x.refl = reflect_axis_of(pl.x.size, pl.align), pl.y.refl = reflect_axis_of(pl.y.size, pl.align);
  pl.index = index_generic;
#if STN_HAVE_PATHS
  const int isa = stn_isa_active();
  if (isa >= STN_ISA_AVX512) pl.index = index_avx512;
  else if (isa >= STN_ISA_AVX2) pl.index = index_avx2;
#endif
  return pl;
}

/* Channels per pass of the planar loops: a sample's index is read once for K planes. Each
 * K has its own small function, so that its plane pointers stay in registers. */
#define NEAREST_K 4

/* out[c * P + p] = in[c * hw + idx[p]] for K planes. */
STN_INLINE void gather_body(const float *restrict in, int64_t hw, const int32_t *restrict idx, int n,
                            float *restrict out, int64_t P, const int K) {
  const float *src[NEAREST_K];
  float *dst[NEAREST_K];
  for (int c = 0; c < K; c++) src[c] = in + c * hw, dst[c] = out + c * P;
  for (int p = 0; p < n; p++) {
    const int32_t i = idx[p];
    for (int c = 0; c < K; c++) dst[c][p] = src[c][i];
  }
}

/* gi[c * hw + idx[p]] += go[c * P + p] for K planes, samples p in order. */
STN_INLINE void scatter_body(float *gi, int64_t hw, const int32_t *restrict idx, int n, const float *restrict go,
                             int64_t P, const int K) {
  float *dst[NEAREST_K];
  const float *src[NEAREST_K];
  for (int c = 0; c < K; c++) dst[c] = gi + c * hw, src[c] = go + c * P;
  for (int p = 0; p < n; p++) {
    const int32_t i = idx[p];
    for (int c = 0; c < K; c++) dst[c][i] += src[c][p];
  }
}

typedef void (*gather_fn)(const float *in, int64_t hw, const int32_t *idx, int n, float *out, int64_t P);
typedef void (*scatter_fn)(float *gi, int64_t hw, const int32_t *idx, int n, const float *go, int64_t P);
#define NEAREST_KS(K)                                                                                                 \
  static void gather##K(const float *in, int64_t hw, const int32_t *idx, int n, float *out, int64_t P) {             \
    gather_body(in, hw, idx, n, out, P, K);                                                                           \
  }                                                                                                                   \
  static void scatter##K(float *gi, int64_t hw, const int32_t *idx, int n, const float *go, int64_t P) {             \
    scatter_body(gi, hw, idx, n, go, P, K);                                                                           \
  }
NEAREST_KS(1)
NEAREST_KS(2)
NEAREST_KS(3)
NEAREST_KS(4)
static const gather_fn gathers[NEAREST_K + 1] = {NULL, gather1, gather2, gather3, gather4};
static const scatter_fn scatters[NEAREST_K + 1] = {NULL, scatter1, scatter2, scatter3, scatter4};

/* Asks for the next group's planes (up to NEAREST_K of them, len floats each, stride
 * apart) ahead of use, when they are short (up to 1 KB: 50 x 200 x 12 x 12 ran 1.5x faster
 * so): the hardware's stream detection then starts each with a miss. Longer planes are
 * left to it (prefetching them measured slower). */
static inline void prefetch_planes(const float *x, int64_t len, int64_t stride, int64_t left) {
  if (len > 256) return;
  for (int64_t c = 0; c < left && c < NEAREST_K; c++) {
    const char *p = (const char *)(x + c * stride), *end = (const char *)(x + c * stride + len);
    for (; p < end; p += 64) __builtin_prefetch(p, 0, 3);
  }
}

/* Output pixels [p0, p0 + n) of batch element b, every channel. */
static void forward_chunk(const nearest_plan *pl, const float *images, const float *grid, float *output, int64_t b,
                          int64_t p0, int n) {
  const stn_sampler_geom *g = pl->g;
  const int64_t P = g->Ho * g->Wo, C = g->C;
  _Alignas(64) int32_t idx[NEAREST_CHUNK], outside[NEAREST_CHUNK + 16];
  const int m = pl->index(pl, grid + (b * P + p0) * 2, n, idx, outside);
  const float *img = images + b * g->img_b;
  float *out = output + b * g->out_b + p0 * g->out_p;
  if (!stn_sampler_channels_last(g)) {
    const int64_t hw = g->img_c, oc = g->out_c;
    for (int64_t c = 0; c < C; c += NEAREST_K) {
      const int k = C - c < NEAREST_K ? (int)(C - c) : NEAREST_K;
      if (c + NEAREST_K < C) prefetch_planes(img + (c + NEAREST_K) * hw, hw, hw, C - c - NEAREST_K);
      gathers[k](img + c * hw, hw, idx, n, out + c * oc, oc);
    }
    for (int64_t ch = 0; ch < C; ch++)
      for (int k = 0; k < m; k++) out[ch * oc + outside[k]] = 0.0f;
    return;
  }
  for (int p = 0; p < n; p++) {
    const float *src = img + (int64_t)idx[p] * C;
    float *o = out + p * C;
    for (int64_t c = 0; c < C; c++) o[c] = src[c];
  }
  for (int k = 0; k < m; k++) memset(out + outside[k] * C, 0, (size_t)C * sizeof(float));
}

/* Whether a call is worth threads (the generic loops' measure). */
static int nearest_big(const stn_sampler_geom *g) { return g->B * g->Ho * g->Wo * (g->C + 4) >= STN_OMP_MIN; }

stn_status stn_sampler_nearest_forward_cpu(const stn_sampler_geom *g, const float *images, const float *grid,
                                           float *output, int num_threads) {
  (void)num_threads;
  const nearest_plan pl = plan_of(g);
  const int64_t P = g->Ho * g->Wo, nchunk = (P + NEAREST_CHUNK - 1) / NEAREST_CHUNK;
#pragma omp parallel for schedule(static) if (nearest_big(g))
  for (int64_t t = 0; t < g->B * nchunk; t++) {
    const int64_t b = t / nchunk, p0 = t % nchunk * NEAREST_CHUNK;
    forward_chunk(&pl, images, grid, output, b, p0, (int)(P - p0 < NEAREST_CHUNK ? P - p0 : NEAREST_CHUNK));
  }
  return STN_OK;
}

/* Adds the chunk's samples (go: their grad_output; idx: their pixels; outside: the m
 * samples outside the image, which add nothing) to the image gradient gib of channels
 * [c0, c1), NEAREST_K planes at a time, samples in order: the runs between the outside
 * samples one after another. zero: the chunk is the whole output plane, and each group's
 * planes are zeroed just before its scatter, so that they are still in L1 when it adds
 * to them. */
static void scatter_chunk(const stn_sampler_geom *g, const int32_t *idx, int n, const int32_t *outside, int m,
                          const float *go, float *gib, int64_t c0, int64_t c1, int zero) {
  if (!stn_sampler_channels_last(g)) {
    const int64_t hw = g->img_c, P = g->out_c;
    for (int64_t c = c0; c < c1; c += NEAREST_K) {
      const int kk = c1 - c < NEAREST_K ? (int)(c1 - c) : NEAREST_K;
      if (c + NEAREST_K < c1) prefetch_planes(go + (c + NEAREST_K) * P, n, P, c1 - c - NEAREST_K);
      if (zero) memset(gib + c * hw, 0, (size_t)(kk * hw) * sizeof(float));
      int s = 0;
      for (int k = 0; k <= m; k++) {
        const int e = k < m ? outside[k] : n;
        if (e > s) scatters[kk](gib + c * hw, hw, idx + s, e - s, go + c * P + s, P);
        s = e + 1;
      }
    }
    return;
  }
  const int64_t C = g->C;
  for (int p = 0, k = 0; p < n; p++) {
    if (k < m && outside[k] == p) {
      k++;
      continue;
    }
    float *dst = gib + (int64_t)idx[p] * C;
    const float *src = go + p * C;
    for (int64_t c = c0; c < c1; c++) dst[c] += src[c];
  }
}

/* The image gradient of batch element b, channels [c0, c1): zeroed, then every sample's
 * grad_output added, samples in order. */
static void image_grad_task(const nearest_plan *pl, const float *grid, const float *grad_output, float *grad_images,
                            int64_t b, int64_t c0, int64_t c1) {
  const stn_sampler_geom *g = pl->g;
  const int64_t P = g->Ho * g->Wo, hw = g->H * g->W;
  float *gib = grad_images + b * g->img_b;
  /* zeroed by scatter_chunk (which an empty output plane never calls) */
  const int whole = P > 0 && P <= NEAREST_CHUNK && !stn_sampler_channels_last(g);
  if (!stn_sampler_channels_last(g)) {
    if (!whole) memset(gib + c0 * hw, 0, (size_t)((c1 - c0) * hw) * sizeof(float));
  } else {
    for (int64_t p = 0; p < hw; p++) memset(gib + p * g->C + c0, 0, (size_t)(c1 - c0) * sizeof(float));
  }
  _Alignas(64) int32_t idx[NEAREST_CHUNK], outside[NEAREST_CHUNK + 16];
  for (int64_t q0 = 0; q0 < P; q0 += NEAREST_CHUNK) {
    const int n = (int)(P - q0 < NEAREST_CHUNK ? P - q0 : NEAREST_CHUNK);
    const int m = pl->index(pl, grid + (b * P + q0) * 2, n, idx, outside);
    scatter_chunk(g, idx, n, outside, m, grad_output + b * g->out_b + q0 * g->out_p, gib, c0, c1, whole);
  }
}

stn_status stn_sampler_nearest_backward_cpu(const stn_sampler_geom *g, const float *grid, const float *grad_output,
                                            float *grad_images, float *grad_grid, int num_threads) {
  const int64_t P = g->Ho * g->Wo;
  /* piecewise constant: no grid gradient (each batch element's zeroed by its first task) */
  if (!grad_images) {
    if (g->B * P > 0) memset(grad_grid, 0, (size_t)(2 * g->B * P) * sizeof(float)); /* (an empty grid has no data) */
    return STN_OK;
  }
  const nearest_plan pl = plan_of(g);
  const int64_t groups = stn_sampler_groups(g, num_threads), gsize = (g->C + groups - 1) / groups;
#pragma omp parallel for schedule(static) if (nearest_big(g))
  for (int64_t t = 0; t < g->B * groups; t++) {
    const int64_t b = t / groups, c0 = t % groups * gsize, c1 = c0 + gsize < g->C ? c0 + gsize : g->C;
    if (c0 == 0 && P > 0) memset(grad_grid + b * 2 * P, 0, (size_t)(2 * P) * sizeof(float));
    if (c0 < c1) image_grad_task(&pl, grid, grad_output, grad_images, b, c0, c1);
  }
  return STN_OK;
}
