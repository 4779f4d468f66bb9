/* conv_tiles.c: the pieces of the direct CPU convolution (csrc/nn/conv2d_direct.c): the
 * register tiles (x86-64 with AVX2 and FMA, or AVX-512, chosen at run time), the
 * zero-padded image copy, the offset tables and the packed weights.
 *
 * A tile computes acc[r][l] (+)= sum_s V[s][l] * P_r[idx[s]] for a few rows r (6 on
 * AVX2, 8 on AVX-512) and 16 (or 8) lanes l of one or two lane tiles: a row of a packed
 * operand V times a scalar broadcast from one of the row pointers at a tabled offset,
 * the accumulators in registers. With the image copied
 * into xp (C x Hp x Wp, zeros around), the column-matrix entry of kernel entry
 * k = (c, i, j) and output pixel n = (oy, ox) is xp[base[n] + off[k]] with
 * base[n] = oy dH Wp + ox dW and off[k] = (c Hp + i) Wp + j, so a convolution's
 * products read the image where it lies and no column matrix is ever written. Each
 * lane sums over s in order, one FMA at a time: the bits depend on the sizes only, not
 * on the path or the tile shape. */
#include "nn/conv2d_direct.h"

#include "core/cpu_isa.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__CUDACC__)
#include <cpuid.h>
#include <immintrin.h>
#define DIRECT_BUILT 1
#else
#define DIRECT_BUILT 0
#endif

#define ROWS 6 /* rows of an AVX2 tile: pixels (forward) or kernel entries (weights) */
#define KC 256  /* forward: kernel entries per pass over a tile (V's chunk stays in L1) */
#define NC 512  /* weights: pixels per pass */

#if DIRECT_BUILT
#define FMA2(r, a)                                  \
  do {                                              \
    __m256 b_ = _mm256_broadcast_ss((a));           \
    c##r##0 = _mm256_fmadd_ps(b_, v0, c##r##0);     \
    c##r##1 = _mm256_fmadd_ps(b_, v1, c##r##1);     \
  } while (0)

/* 6 rows x 16 lanes: acc (rows at stride ldc) = (add ? acc : 0) + sum_s V[s] P_r[idx[s]]. */
__attribute__((target("avx2,fma"))) static void tile16(int64_t S, const float *V, int64_t ldv, const int32_t *idx,
                                                      const float *const *P, float *acc, int64_t ldc, int add) {
  __m256 c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
  if (add) {
    c00 = _mm256_loadu_ps(acc), c01 = _mm256_loadu_ps(acc + 8);
    c10 = _mm256_loadu_ps(acc + ldc), c11 = _mm256_loadu_ps(acc + ldc + 8);
    c20 = _mm256_loadu_ps(acc + 2 * ldc), c21 = _mm256_loadu_ps(acc + 2 * ldc + 8);
    c30 = _mm256_loadu_ps(acc + 3 * ldc), c31 = _mm256_loadu_ps(acc + 3 * ldc + 8);
    c40 = _mm256_loadu_ps(acc + 4 * ldc), c41 = _mm256_loadu_ps(acc + 4 * ldc + 8);
    c50 = _mm256_loadu_ps(acc + 5 * ldc), c51 = _mm256_loadu_ps(acc + 5 * ldc + 8);
  } else {
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = _mm256_setzero_ps();
  }
  const float *p0 = P[0], *p1 = P[1], *p2 = P[2], *p3 = P[3], *p4 = P[4], *p5 = P[5];
  for (int64_t s = 0; s < S; s++, V += ldv) {
    __m256 v0 = _mm256_loadu_ps(V), v1 = _mm256_loadu_ps(V + 8);
    int64_t i = idx[s];
    FMA2(0, p0 + i);
    FMA2(1, p1 + i);
    FMA2(2, p2 + i);
    FMA2(3, p3 + i);
    FMA2(4, p4 + i);
    FMA2(5, p5 + i);
  }
  _mm256_storeu_ps(acc, c00), _mm256_storeu_ps(acc + 8, c01);
  _mm256_storeu_ps(acc + ldc, c10), _mm256_storeu_ps(acc + ldc + 8, c11);
  _mm256_storeu_ps(acc + 2 * ldc, c20), _mm256_storeu_ps(acc + 2 * ldc + 8, c21);
  _mm256_storeu_ps(acc + 3 * ldc, c30), _mm256_storeu_ps(acc + 3 * ldc + 8, c31);
  _mm256_storeu_ps(acc + 4 * ldc, c40), _mm256_storeu_ps(acc + 4 * ldc + 8, c41);
  _mm256_storeu_ps(acc + 5 * ldc, c50), _mm256_storeu_ps(acc + 5 * ldc + 8, c51);
}

#define FMA1(r, a) c##r = _mm256_fmadd_ps(_mm256_broadcast_ss((a)), v0, c##r)

/* The same with 8 lanes (the last tile when the lane count is 8 more than a multiple of 16). */
__attribute__((target("avx2,fma"))) static void tile8(int64_t S, const float *V, int64_t ldv, const int32_t *idx,
                                                     const float *const *P, float *acc, int64_t ldc, int add) {
  __m256 c0, c1, c2, c3, c4, c5;
  if (add) {
    c0 = _mm256_loadu_ps(acc), c1 = _mm256_loadu_ps(acc + ldc), c2 = _mm256_loadu_ps(acc + 2 * ldc);
    c3 = _mm256_loadu_ps(acc + 3 * ldc), c4 = _mm256_loadu_ps(acc + 4 * ldc), c5 = _mm256_loadu_ps(acc + 5 * ldc);
  } else {
    c0 = c1 = c2 = c3 = c4 = c5 = _mm256_setzero_ps();
  }
  const float *p0 = P[0], *p1 = P[1], *p2 = P[2], *p3 = P[3], *p4 = P[4], *p5 = P[5];
  for (int64_t s = 0; s < S; s++, V += ldv) {
    __m256 v0 = _mm256_loadu_ps(V);
    int64_t i = idx[s];
    FMA1(0, p0 + i);
    FMA1(1, p1 + i);
    FMA1(2, p2 + i);
    FMA1(3, p3 + i);
    FMA1(4, p4 + i);
    FMA1(5, p5 + i);
  }
  _mm256_storeu_ps(acc, c0), _mm256_storeu_ps(acc + ldc, c1), _mm256_storeu_ps(acc + 2 * ldc, c2);
  _mm256_storeu_ps(acc + 3 * ldc, c3), _mm256_storeu_ps(acc + 4 * ldc, c4), _mm256_storeu_ps(acc + 5 * ldc, c5);
}

/* The 8 x 8 block in r[0..8) transposed in place. */
#define TRANSPOSE8(r)                                                                                   \
  do {                                                                                                  \
    __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);                    \
    __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);                    \
    __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);                    \
    __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);                    \
    __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);                  \
    __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);                  \
    __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);                  \
    __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);                  \
    r[0] = _mm256_permute2f128_ps(u0, u4, 0x20), r[1] = _mm256_permute2f128_ps(u1, u5, 0x20);           \
    r[2] = _mm256_permute2f128_ps(u2, u6, 0x20), r[3] = _mm256_permute2f128_ps(u3, u7, 0x20);           \
    r[4] = _mm256_permute2f128_ps(u0, u4, 0x31), r[5] = _mm256_permute2f128_ps(u1, u5, 0x31);           \
    r[6] = _mm256_permute2f128_ps(u2, u6, 0x31), r[7] = _mm256_permute2f128_ps(u3, u7, 0x31);           \
  } while (0)

/* A tile's results to planes: out[l][n] = buf[n][l] + bias[l] for the first `lanes`
 * of wd lanes (bias NULL: 0), in 8 x 8 blocks. */
__attribute__((target("avx2,fma"))) static void to_planes(const float *buf, int wd, int64_t N, int lanes,
                                                         const float *bias, float *out) {
  for (int l0 = 0; l0 < lanes; l0 += 8) {
    int nl = lanes - l0 < 8 ? lanes - l0 : 8;
    float b[8] = {0};
    for (int l = 0; l < nl; l++) b[l] = bias ? bias[l0 + l] : 0.f;
    int64_t n = 0;
    for (; n + 8 <= N; n += 8) {
      __m256 r[8];
      for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(buf + (n + i) * wd + l0);
      TRANSPOSE8(r);
      for (int l = 0; l < nl; l++) _mm256_storeu_ps(out + (l0 + l) * N + n, _mm256_add_ps(r[l], _mm256_set1_ps(b[l])));
    }
    for (; n < N; n++)
      for (int l = 0; l < nl; l++) out[(l0 + l) * N + n] = buf[n * wd + l0 + l] + b[l];
  }
}

/* Planes to a tile's lanes: gyt[n][l] = gy[l][n] for l < lanes, 0 for lanes <= l < wd. */
__attribute__((target("avx2,fma"))) static void to_lanes(const float *gy, int64_t N, int lanes, int wd, float *gyt) {
  for (int l0 = 0; l0 < wd; l0 += 8) {
    int64_t n = 0;
    for (; n + 8 <= N; n += 8) {
      __m256 r[8];
      for (int i = 0; i < 8; i++) r[i] = l0 + i < lanes ? _mm256_loadu_ps(gy + (l0 + i) * N + n) : _mm256_setzero_ps();
      TRANSPOSE8(r);
      for (int j = 0; j < 8; j++) _mm256_storeu_ps(gyt + (n + j) * wd + l0, r[j]);
    }
    for (; n < N; n++)
      for (int l = l0; l < l0 + 8; l++) gyt[n * wd + l] = l < lanes ? gy[l * N + n] : 0.f;
  }
}

static void tile(int wd, int64_t S, const float *V, int64_t ldv, const int32_t *idx, const float *const *P, float *acc,
                 int64_t ldc, int add) {
  if (wd == 16) tile16(S, V, ldv, idx, P, acc, ldc, add);
  else tile8(S, V, ldv, idx, P, acc, ldc, add);
}

/* AVX-512: one or two lane tiles side by side (up to 32 lanes, 2 zmm per row) for
 * ROWS512 rows; an 8-lane tile is a 16-lane one under a mask. Each lane still sums
 * over s in order from the same start (the chunks over s only store and reload the
 * sums), so the bits equal the AVX2 tiles'. */
#define ROWS512 8 /* 16 accumulators and 8 row pointers: no register spills */
#define TARGET512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,fma")))

typedef struct {
  const float *V; /* the packed operand's rows, ldv floats apart */
  int64_t ldv;
  float *acc; /* rows ldc floats apart */
  int64_t ldc;
  __mmask16 m; /* the tile's lanes */
} cols512;

/* ncol tiles (1 or 2) x ROWS512 rows: acc = (add ? acc : 0) + sum_s V[s] P_r[idx[s]]. */
TARGET512 static inline __attribute__((always_inline)) void tile512_body(int ncol, int64_t S, const cols512 *cl,
                                                                       const int32_t *idx, const float *const *P,
                                                                       int add) {
  __m512 c[2][ROWS512];
#pragma GCC unroll 2
  for (int j = 0; j < ncol; j++)
#pragma GCC unroll 16
    for (int r = 0; r < ROWS512; r++)
      c[j][r] = add ? _mm512_maskz_loadu_ps(cl[j].m, cl[j].acc + r * cl[j].ldc) : _mm512_setzero_ps();
  const float *V0 = cl[0].V, *V1 = ncol > 1 ? cl[1].V : cl[0].V;
  int64_t ld0 = cl[0].ldv, ld1 = ncol > 1 ? cl[1].ldv : 0;
  __mmask16 m0 = cl[0].m, m1 = ncol > 1 ? cl[1].m : 0;
  for (int64_t s = 0; s < S; s++, V0 += ld0, V1 += ld1) {
    __m512 v0 = _mm512_maskz_loadu_ps(m0, V0), v1 = ncol > 1 ? _mm512_maskz_loadu_ps(m1, V1) : v0;
    int64_t i = idx[s];
#pragma GCC unroll 16
    for (int r = 0; r < ROWS512; r++) {
      __m512 b = _mm512_set1_ps(P[r][i]);
      c[0][r] = _mm512_fmadd_ps(b, v0, c[0][r]);
      if (ncol > 1) c[1][r] = _mm512_fmadd_ps(b, v1, c[1][r]);
    }
  }
#pragma GCC unroll 2
  for (int j = 0; j < ncol; j++)
#pragma GCC unroll 16
    for (int r = 0; r < ROWS512; r++) _mm512_mask_storeu_ps(cl[j].acc + r * cl[j].ldc, cl[j].m, c[j][r]);
}

TARGET512 static void tile512x1(int64_t S, const cols512 *cl, const int32_t *idx, const float *const *P, int add) {
  tile512_body(1, S, cl, idx, P, add);
}
TARGET512 static void tile512x2(int64_t S, const cols512 *cl, const int32_t *idx, const float *const *P, int add) {
  tile512_body(2, S, cl, idx, P, add);
}
#endif

int stn_conv_direct_available(void) {
#if DIRECT_BUILT
  return stn_isa_active() >= STN_ISA_AVX2;
#else
  return 0;
#endif
}

/* Lane tiles over P planes (padded to a multiple of 8): tile t covers planes
 * [16 t, 16 t + width). */
static inline int64_t lanes_pad(int64_t P) { return (P + 7) / 8 * 8; }
static inline int64_t lane_tiles(int64_t P) { return (lanes_pad(P) + 15) / 16; }
static inline int tile_width(int64_t P, int64_t t) { return lanes_pad(P) - 16 * t >= 16 ? 16 : 8; }

/* The padded extents a geometry reads: rows [0, Hp), columns [0, Wp) of xp. */
static inline int64_t pad_h(const stn_conv_geom *g) { return (g->oH - 1) * g->dH + g->kH; }
static inline int64_t pad_w(const stn_conv_geom *g) { return (g->oW - 1) * g->dW + g->kW; }

int64_t stn_conv_direct_image_floats(const stn_conv_geom *g) { return g->C * pad_h(g) * pad_w(g); }

void stn_conv_direct_tables(const stn_conv_geom *g, int32_t *off, int32_t *base) {
  int64_t Hp = pad_h(g), Wp = pad_w(g), k = 0;
  for (int64_t c = 0; c < g->C; c++)
    for (int64_t i = 0; i < g->kH; i++)
      for (int64_t j = 0; j < g->kW; j++) off[k++] = (int32_t)((c * Hp + i) * Wp + j);
  for (int64_t oy = 0; oy < g->oH; oy++)
    for (int64_t ox = 0; ox < g->oW; ox++) base[oy * g->oW + ox] = (int32_t)(oy * g->dH * Wp + ox * g->dW);
}

void stn_conv_direct_pad(const stn_conv_geom *g, const float *x, float *xp) {
  int64_t Hp = pad_h(g), Wp = pad_w(g);
  int64_t lo = g->padW < Wp ? g->padW : Wp, hi = g->padW + g->W < Wp ? g->padW + g->W : Wp;
  if (hi < lo) hi = lo;
  for (int64_t c = 0; c < g->C; c++)
    for (int64_t py = 0; py < Hp; py++) {
      float *d = xp + (c * Hp + py) * Wp;
      int64_t iy = py - g->padH;
      if (iy < 0 || iy >= g->H) {
        memset(d, 0, (size_t)Wp * sizeof(float));
        continue;
      }
      const float *s = x + (c * g->H + iy) * g->W - g->padW;
      for (int64_t px = 0; px < lo; px++) d[px] = 0.f;
      for (int64_t px = lo; px < hi; px++) d[px] = s[px];
      for (int64_t px = hi; px < Wp; px++) d[px] = 0.f;
    }
}

int64_t stn_conv_direct_packed_floats(int64_t P, int64_t K) { return lanes_pad(P) * K; }

/* Tiles [t0, t1) of the packed weights: tile t holds K rows of its lanes at pw + 16 t K.
 * flip: the image-gradient weights, lane c, row (o, q) = w[o][c][kk - 1 - q] for w
 * O x C x kk. */
void stn_conv_direct_pack(const float *w, int64_t P, int64_t K, int flip, int64_t C, int64_t kk, float *pw, int64_t t0,
                          int64_t t1) {
  for (int64_t t = t0; t < t1; t++) {
    int wd = tile_width(P, t);
    float *d = pw + 16 * t * K;
    for (int64_t k = 0; k < K; k++)
      for (int l = 0; l < wd; l++) {
        int64_t p = 16 * t + l;
        float v = 0.f;
        if (p < P) v = flip ? w[((k / kk) * C + p) * kk + (kk - 1 - k % kk)] : w[p * K + k];
        d[k * wd + l] = v;
      }
  }
}

#if DIRECT_BUILT
/* The forward pass on AVX2 tiles, one lane tile at a time. */
static void forward_avx2(const stn_conv_geom *g, const int32_t *off, const int32_t *base, const float *xp,
                         const float *pw, const float *bias, float *out, float *buf, int64_t t0, int64_t t1) {
  int64_t N = g->N, K = g->K;
  for (int64_t t = t0; t < t1; t++) {
    int wd = tile_width(g->O, t);
    const float *pt = pw + 16 * t * K;
    for (int64_t k0 = 0; k0 < K; k0 += KC) {
      int64_t kc = K - k0 < KC ? K - k0 : KC;
      for (int64_t n0 = 0; n0 < N; n0 += ROWS) {
        const float *P[ROWS];
        for (int r = 0; r < ROWS; r++) P[r] = xp + base[n0 + r < N ? n0 + r : N - 1]; /* spare rows: discarded */
        tile(wd, kc, pt + k0 * wd, wd, off + k0, P, buf + n0 * wd, wd, k0 > 0);
      }
    }
    int lanes = g->O - 16 * t < wd ? (int)(g->O - 16 * t) : wd;
    to_planes(buf, wd, N, lanes, bias ? bias + 16 * t : NULL, out + 16 * t * N);
  }
}

/* gy (O x N) of one image in tile-major layout: gyt[16 t N + n wd + l] = gy[16 t + l][n]
 * (0 past O), for tiles [t0, t1). */
void stn_conv_direct_lanes(const stn_conv_geom *g, const float *gy, float *gyt, int64_t t0, int64_t t1) {
  for (int64_t t = t0; t < t1; t++) {
    int wd = tile_width(g->O, t), lanes = g->O - 16 * t < wd ? (int)(g->O - 16 * t) : wd;
    to_lanes(gy + 16 * t * g->N, g->N, lanes, wd, gyt + 16 * t * g->N);
  }
}

/* The weight gradient on AVX2 tiles. */
static void weights_avx2(const stn_conv_geom *g, const int32_t *off, const int32_t *base, const float *xp,
                         const float *gyt, float *acc, int add, int64_t t0, int64_t t1) {
  int64_t N = g->N, K = g->K, ld = lanes_pad(g->O);
  for (int64_t t = t0; t < t1; t++) {
    int wd = tile_width(g->O, t);
    for (int64_t n0 = 0; n0 < N; n0 += NC) {
      int64_t nc = N - n0 < NC ? N - n0 : NC;
      for (int64_t k0 = 0; k0 < K; k0 += ROWS) {
        const float *P[ROWS];
        for (int r = 0; r < ROWS; r++) P[r] = xp + off[k0 + r < K ? k0 + r : K - 1];
        tile(wd, nc, gyt + 16 * t * N + n0 * wd, wd, base + n0, P, acc + k0 * ld + 16 * t, ld, add || n0 > 0);
      }
    }
  }
}

#define KC512 128 /* AVX-512 forward: two tiles' chunk of V (32 lanes) still fits in L1 */
#define NC512 256 /* AVX-512 weights: pixels per pass */

static inline __mmask16 lane_mask(int wd) { return wd == 16 ? (__mmask16)0xFFFF : (__mmask16)0x00FF; }

/* The forward pass on AVX-512 tiles: lane tiles two at a time (a lone last one alone),
 * each with its own (N + ROWS) x 16 region of buf. */
static void forward_avx512(const stn_conv_geom *g, const int32_t *off, const int32_t *base, const float *xp,
                           const float *pw, const float *bias, float *out, float *buf, int64_t t0, int64_t t1) {
  int64_t N = g->N, K = g->K;
  for (int64_t t = t0; t < t1; t += 2) {
    int nt = t + 1 < t1 ? 2 : 1, wd[2];
    for (int j = 0; j < nt; j++) wd[j] = tile_width(g->O, t + j);
    for (int64_t k0 = 0; k0 < K; k0 += KC512) {
      int64_t kc = K - k0 < KC512 ? K - k0 : KC512;
      for (int64_t n0 = 0; n0 < N; n0 += ROWS512) {
        const float *P[ROWS512];
        for (int r = 0; r < ROWS512; r++) P[r] = xp + base[n0 + r < N ? n0 + r : N - 1]; /* spare rows: discarded */
        cols512 cl[2];
        for (int j = 0; j < nt; j++)
          cl[j] = (cols512){pw + 16 * (t + j) * K + k0 * wd[j], wd[j], buf + j * (N + STN_CONV_ROWS) * 16 + n0 * wd[j],
                            wd[j], lane_mask(wd[j])};
        if (nt == 2) tile512x2(kc, cl, off + k0, P, k0 > 0);
        else tile512x1(kc, cl, off + k0, P, k0 > 0);
      }
    }
    for (int j = 0; j < nt; j++) {
      int64_t u = t + j;
      int lanes = g->O - 16 * u < wd[j] ? (int)(g->O - 16 * u) : wd[j];
      to_planes(buf + j * (N + STN_CONV_ROWS) * 16, wd[j], N, lanes, bias ? bias + 16 * u : NULL, out + 16 * u * N);
    }
  }
}

/* The weight gradient on AVX-512 tiles, lane tiles two at a time. */
static void weights_avx512(const stn_conv_geom *g, const int32_t *off, const int32_t *base, const float *xp,
                           const float *gyt, float *acc, int add, int64_t t0, int64_t t1) {
  int64_t N = g->N, K = g->K, ld = lanes_pad(g->O);
  for (int64_t t = t0; t < t1; t += 2) {
    int nt = t + 1 < t1 ? 2 : 1, wd[2];
    for (int j = 0; j < nt; j++) wd[j] = tile_width(g->O, t + j);
    for (int64_t n0 = 0; n0 < N; n0 += NC512) {
      int64_t nc = N - n0 < NC512 ? N - n0 : NC512;
      for (int64_t k0 = 0; k0 < K; k0 += ROWS512) {
        const float *P[ROWS512];
        for (int r = 0; r < ROWS512; r++) P[r] = xp + off[k0 + r < K ? k0 + r : K - 1];
        cols512 cl[2];
        for (int j = 0; j < nt; j++)
          cl[j] = (cols512){gyt + 16 * (t + j) * N + n0 * wd[j], wd[j], acc + k0 * ld + 16 * (t + j), ld,
                            lane_mask(wd[j])};
        if (nt == 2) tile512x2(nc, cl, base + n0, P, add || n0 > 0);
        else tile512x1(nc, cl, base + n0, P, add || n0 > 0);
      }
    }
  }
}

/* Whether the 512-bit tiles run: on the AVX-512 path, except on AMD family 25 (Zen 4),
 * which splits a 512-bit FMA into two 256-bit halves: there the AVX2 tiles already run
 * near the FMA peak and the 512-bit ones measured 4-38% slower (bench/NOTES.md).
 * STN_CONV_ZMM=1 runs them there too (for specs and benchmarks; the bits are the same). */
static int split_512(void) {
  static int split = -1; /* benign race: every thread computes the same value */
  if (split < 0) {
    unsigned int a, b, c, d;
    int amd = __get_cpuid(0, &a, &b, &c, &d) && b == 0x68747541u; /* "Auth"enticAMD */
    int family = __get_cpuid(1, &a, &b, &c, &d) ? (int)(((a >> 8) & 0xf) + ((a >> 20) & 0xff)) : 0;
    split = amd && family == 25;
  }
  return split;
}

static int wide_tiles(void) {
  if (stn_isa_active() < STN_ISA_AVX512) return 0;
  if (!split_512()) return 1;
  const char *e = getenv("STN_CONV_ZMM");
  return e && e[0] == '1';
}

/* Output planes of tiles [t0, t1) of one image: out[o][n] = bias[o] + sum_k W[o][k] col[k][n],
 * col[k][n] = xp[base[n] + off[k]]. buf: stn_conv_direct_buf_floats(N). */
void stn_conv_direct_forward(const stn_conv_geom *g, const int32_t *off, const int32_t *base, const float *xp,
                             const float *pw, const float *bias, float *out, float *buf, int64_t t0, int64_t t1) {
  if (wide_tiles()) forward_avx512(g, off, base, xp, pw, bias, out, buf, t0, t1);
  else forward_avx2(g, off, base, xp, pw, bias, out, buf, t0, t1);
}

/* Weight gradient of one image, lane tiles [t0, t1): acc[k][o] (row stride Opad =
 * O padded to 8; K + STN_CONV_ROWS rows) = (add ? acc : 0) + sum_n gy[o][n] col[k][n]. */
void stn_conv_direct_weights(const stn_conv_geom *g, const int32_t *off, const int32_t *base, const float *xp,
                             const float *gyt, float *acc, int add, int64_t t0, int64_t t1) {
  if (wide_tiles()) weights_avx512(g, off, base, xp, gyt, acc, add, t0, t1);
  else weights_avx2(g, off, base, xp, gyt, acc, add, t0, t1);
}
#else
void stn_conv_direct_forward(const stn_conv_geom *g, const int32_t *off, const int32_t *base, const float *xp,
                             const float *pw, const float *bias, float *out, float *buf, int64_t t0, int64_t t1) {
  (void)g, (void)off, (void)base, (void)xp, (void)pw, (void)bias, (void)out, (void)buf, (void)t0, (void)t1;
}
void stn_conv_direct_lanes(const stn_conv_geom *g, const float *gy, float *gyt, int64_t t0, int64_t t1) {
  (void)g, (void)gy, (void)gyt, (void)t0, (void)t1;
}
void stn_conv_direct_weights(const stn_conv_geom *g, const int32_t *off, const int32_t *base, const float *xp,
                             const float *gyt, float *acc, int add, int64_t t0, int64_t t1) {
  (void)g, (void)off, (void)base, (void)xp, (void)gyt, (void)acc, (void)add, (void)t0, (void)t1;
}
#endif

int64_t stn_conv_direct_tiles(int64_t P) { return lane_tiles(P); }
int64_t stn_conv_direct_buf_floats(int64_t N) { return (N + STN_CONV_ROWS) * 32; }
int64_t stn_conv_direct_lanes_pad(int64_t P) { return lanes_pad(P); }
