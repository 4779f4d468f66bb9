/* conv_tiles.c: the pieces of the direct CPU convolution (csrc/nn/conv2d_direct.c): the
 * register tiles (x86-64 with AVX2 and FMA, or AVX-512, chosen at run time), the
 * zero-padded image copy and the packed weights.
 *
 * A tile computes acc_r[l] (+)= sum_s V[s][l] * P_r[x(s)] for a few rows r (6 on AVX2,
 * 8 on AVX-512) and 16 (or 8) lanes l of one or two lane tiles: a row of a packed
 * operand V times a scalar broadcast from one of the row pointers, the accumulators in
 * registers. s walks a box of up to three axes, V's row and the offset x(s) both affine
 * in it. With the image copied into xp (C x Hp x Wp, zeros around), the column-matrix
 * entry of kernel entry k = (c, i, j) and output pixel n = (oy, ox) is
 * xp[(oy dH + i) Wp + ox dW + (c Hp) Wp + j], so a convolution's products read the image
 * where it lies and no column matrix is ever written; the boxes come from the tile plans
 * (csrc/nn/conv_tile_plan.c), which leave out the products of padding zeros. Each lane
 * sums over s in order (kernel entries k ascending, or images and pixels ascending), one
 * FMA at a time: the bits depend on the sizes only, not on the path or the tile shape. */
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
#define KC 512  /* forward: kernel entries per pass over the tiles (the chunk of V stays in L1, mostly) */
#define NC 512  /* weights: pixels per pass */

/* What a tile's sum walks: s = (a, t) for a < n and the steps t < S; V's row
 * a v + tab[2 t], the broadcast offset a x + tab[2 t + 1]. */
typedef struct {
  int64_t n, v, x, S;
  const int32_t *tab;
} walk;

#if DIRECT_BUILT
#define FMA2(r, a)                                  \
  do {                                              \
    __m256 b_ = _mm256_broadcast_ss((a));           \
    c##r##0 = _mm256_fmadd_ps(b_, v0, c##r##0);     \
    c##r##1 = _mm256_fmadd_ps(b_, v1, c##r##1);     \
  } while (0)

/* 6 rows x 16 lanes: A[r] = (add ? A[r] : 0) + sum_s V[s] P_r[x(s)] (V's rows 16 floats apart). */
__attribute__((target("avx2,fma"))) static void tile16(const walk *w, const float *V, const float *const *P,
                                                      float *const *A, int add) {
  __m256 c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
  if (add) {
    c00 = _mm256_loadu_ps(A[0]), c01 = _mm256_loadu_ps(A[0] + 8);
    c10 = _mm256_loadu_ps(A[1]), c11 = _mm256_loadu_ps(A[1] + 8);
    c20 = _mm256_loadu_ps(A[2]), c21 = _mm256_loadu_ps(A[2] + 8);
    c30 = _mm256_loadu_ps(A[3]), c31 = _mm256_loadu_ps(A[3] + 8);
    c40 = _mm256_loadu_ps(A[4]), c41 = _mm256_loadu_ps(A[4] + 8);
    c50 = _mm256_loadu_ps(A[5]), c51 = _mm256_loadu_ps(A[5] + 8);
  } else {
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = _mm256_setzero_ps();
  }
  const float *p0 = P[0], *p1 = P[1], *p2 = P[2], *p3 = P[3], *p4 = P[4], *p5 = P[5];
  const int32_t *tab = w->tab;
  for (int64_t a = 0; a < w->n; a++, V += w->v * 16, p0 += w->x, p1 += w->x, p2 += w->x, p3 += w->x, p4 += w->x,
               p5 += w->x)
    for (int64_t t = 0; t < w->S; t++) {
      const float *v = V + (int64_t)tab[2 * t] * 16;
      int64_t i = tab[2 * t + 1];
      {
        __m256 v0 = _mm256_loadu_ps(v), v1 = _mm256_loadu_ps(v + 8);
        FMA2(0, p0 + i);
        FMA2(1, p1 + i);
        FMA2(2, p2 + i);
        FMA2(3, p3 + i);
        FMA2(4, p4 + i);
        FMA2(5, p5 + i);
      }
    }
  _mm256_storeu_ps(A[0], c00), _mm256_storeu_ps(A[0] + 8, c01);
  _mm256_storeu_ps(A[1], c10), _mm256_storeu_ps(A[1] + 8, c11);
  _mm256_storeu_ps(A[2], c20), _mm256_storeu_ps(A[2] + 8, c21);
  _mm256_storeu_ps(A[3], c30), _mm256_storeu_ps(A[3] + 8, c31);
  _mm256_storeu_ps(A[4], c40), _mm256_storeu_ps(A[4] + 8, c41);
  _mm256_storeu_ps(A[5], c50), _mm256_storeu_ps(A[5] + 8, c51);
}

#define FMA1(r, a) c##r = _mm256_fmadd_ps(_mm256_broadcast_ss((a)), v0, c##r)

/* The same with 8 lanes (the last tile when the lane count is 8 more than a multiple of 16). */
__attribute__((target("avx2,fma"))) static void tile8(const walk *w, const float *V, const float *const *P,
                                                     float *const *A, int add) {
  __m256 c0, c1, c2, c3, c4, c5;
  if (add) {
    c0 = _mm256_loadu_ps(A[0]), c1 = _mm256_loadu_ps(A[1]), c2 = _mm256_loadu_ps(A[2]);
    c3 = _mm256_loadu_ps(A[3]), c4 = _mm256_loadu_ps(A[4]), c5 = _mm256_loadu_ps(A[5]);
  } else {
    c0 = c1 = c2 = c3 = c4 = c5 = _mm256_setzero_ps();
  }
  const float *p0 = P[0], *p1 = P[1], *p2 = P[2], *p3 = P[3], *p4 = P[4], *p5 = P[5];
  const int32_t *tab = w->tab;
  for (int64_t a = 0; a < w->n; a++, V += w->v * 8, p0 += w->x, p1 += w->x, p2 += w->x, p3 += w->x, p4 += w->x,
               p5 += w->x)
    for (int64_t t = 0; t < w->S; t++) {
      const float *v = V + (int64_t)tab[2 * t] * 8;
      int64_t i = tab[2 * t + 1];
      {
        __m256 v0 = _mm256_loadu_ps(v);
        FMA1(0, p0 + i);
        FMA1(1, p1 + i);
        FMA1(2, p2 + i);
        FMA1(3, p3 + i);
        FMA1(4, p4 + i);
        FMA1(5, p5 + i);
      }
    }
  _mm256_storeu_ps(A[0], c0), _mm256_storeu_ps(A[1], c1), _mm256_storeu_ps(A[2], c2);
  _mm256_storeu_ps(A[3], c3), _mm256_storeu_ps(A[4], c4), _mm256_storeu_ps(A[5], c5);
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

/* V's rows are wd floats apart. */
static void tile(int wd, const walk *w, const float *V, const float *const *P, float *const *A, int add) {
  if (wd == 16) tile16(w, V, P, A, add);
  else tile8(w, V, P, A, add);
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
  float *A[ROWS512]; /* the accumulator rows */
  __mmask16 m;       /* the tile's lanes */
} cols512;

/* ncol tiles (1 or 2) x ROWS512 rows: A[r] = (add ? A[r] : 0) + sum_s V[s] P_r[x(s)]; the
 * tiles' widths L0, L1 (16 or 8: V's rows L floats apart) are constants of each copy, so
 * that the loop keeps its pointers in registers. */
TARGET512 static inline __attribute__((always_inline)) void tile512_body(int ncol, int L0, int L1, const walk *w,
                                                                       const cols512 *cl, const float *const *P,
                                                                       int add) {
  __m512 c[2][ROWS512];
#pragma GCC unroll 2
  for (int j = 0; j < ncol; j++)
#pragma GCC unroll 16
    for (int r = 0; r < ROWS512; r++) c[j][r] = add ? _mm512_maskz_loadu_ps(cl[j].m, cl[j].A[r]) : _mm512_setzero_ps();
  const __mmask16 m0 = L0 == 16 ? 0xFFFF : 0x00FF, m1 = L1 == 16 ? 0xFFFF : 0x00FF;
  const float *p[ROWS512];
#pragma GCC unroll 16
  for (int r = 0; r < ROWS512; r++) p[r] = P[r];
  const float *Va0 = cl[0].V, *Va1 = ncol > 1 ? cl[1].V : Va0;
  for (int64_t a = 0; a < w->n; a++, Va0 += w->v * L0, Va1 += w->v * L1) {
    const int32_t *q = w->tab, *end = q + 2 * w->S;
    ptrdiff_t d = Va1 - Va0; /* the second tile's rows, when as wide as the first's */
    for (; q < end; q += 2) {
      const float *V0 = Va0 + (int64_t)q[0] * L0, *V1 = L0 == L1 ? V0 + d : Va1 + (int64_t)q[0] * L1;
      int64_t i = q[1];
      __m512 v0 = L0 == 16 ? _mm512_loadu_ps(V0) : _mm512_maskz_loadu_ps(m0, V0);
      __m512 v1 = ncol < 2 ? v0 : L1 == 16 ? _mm512_loadu_ps(V1) : _mm512_maskz_loadu_ps(m1, V1);
#pragma GCC unroll 16
      for (int r = 0; r < ROWS512; r++) {
        __m512 b = _mm512_set1_ps(p[r][i]);
        c[0][r] = _mm512_fmadd_ps(b, v0, c[0][r]);
        if (ncol > 1) c[1][r] = _mm512_fmadd_ps(b, v1, c[1][r]);
      }
    }
#pragma GCC unroll 16
    for (int r = 0; r < ROWS512; r++) p[r] += w->x;
  }
#pragma GCC unroll 2
  for (int j = 0; j < ncol; j++)
#pragma GCC unroll 16
    for (int r = 0; r < ROWS512; r++) _mm512_mask_storeu_ps(cl[j].A[r], cl[j].m, c[j][r]);
}

TARGET512 static void tile512x1_16(const walk *w, const cols512 *cl, const float *const *P, int add) {
  tile512_body(1, 16, 16, w, cl, P, add);
}
TARGET512 static void tile512x1_8(const walk *w, const cols512 *cl, const float *const *P, int add) {
  tile512_body(1, 8, 8, w, cl, P, add);
}
TARGET512 static void tile512x2_16(const walk *w, const cols512 *cl, const float *const *P, int add) {
  tile512_body(2, 16, 16, w, cl, P, add);
}
TARGET512 static void tile512x2_8(const walk *w, const cols512 *cl, const float *const *P, int add) {
  tile512_body(2, 16, 8, w, cl, P, add);
}

/* One or two lane tiles (a pair's second may be 8 wide, the first never is). */
static void tile512(int nt, const walk *w, const cols512 *cl, const float *const *P, int add) {
  if (nt == 2) (cl[1].ldv == 16 ? tile512x2_16 : tile512x2_8)(w, cl, P, add);
  else (cl[0].ldv == 16 ? tile512x1_16 : tile512x1_8)(w, cl, P, add);
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
    int wd = tile_width(P, t), lanes = P - 16 * t < wd ? (int)(P - 16 * t) : wd;
    float *d = pw + 16 * t * K;
    if (lanes < wd)
      for (int64_t k = 0; k < K; k++)
        for (int l = lanes; l < wd; l++) d[k * wd + l] = 0.f;
    if (!flip) { /* 16 kernel entries at a time: their rows of d stay in cache over the lanes */
      for (int64_t k0 = 0; k0 < K; k0 += 16)
        for (int l = 0; l < lanes; l++)
          for (int64_t k = k0; k < k0 + 16 && k < K; k++) d[k * wd + l] = w[(16 * t + l) * K + k];
      continue;
    }
    /* one output plane o at a time: its kk rows of d stay in cache over the lanes */
    for (int64_t o = 0; o < K / kk; o++)
      for (int l = 0; l < lanes; l++) {
        const float *src = w + (o * C + 16 * t + l) * kk + kk - 1;
        float *dst = d + o * kk * wd + l;
        for (int64_t q = 0; q < kk; q++) dst[q * wd] = src[-q];
      }
  }
}

#if DIRECT_BUILT
/* Whether a tile sums over nothing (every row reads padding only). */
static inline int empty_box(const stn_conv_tile *T) { return T->y0 >= T->y1 || T->x0 >= T->x1; }

/* The steps of a tile's sum, rebuilt when a tile's box differs from the last one's
 * (the plans keep tiles of one box together): box[] the box they were built for. */
typedef struct {
  int32_t *tab; /* pairs: V row, offset */
  int64_t S, box[4];
} steps;

static void steps_reset(steps *st, int32_t *mem) {
  st->tab = mem, st->S = 0;
  st->box[0] = st->box[1] = st->box[2] = st->box[3] = -1;
}

/* Steps over rows [y0, y1) x columns [x0, x1) of a box: V row y vy + x, offset y xy + x xx. */
static void steps_for(steps *st, int64_t y0, int64_t y1, int64_t x0, int64_t x1, int64_t vy, int64_t xy, int64_t xx) {
  if (y1 <= y0 || x1 <= x0) y0 = y1 = x0 = x1 = 0;
  if (st->box[0] == y0 && st->box[1] == y1 && st->box[2] == x0 && st->box[3] == x1) return;
  int64_t S = 0;
  for (int64_t y = y0; y < y1; y++)
    for (int64_t x = x0; x < x1; x++, S++)
      st->tab[2 * S] = (int32_t)(y * vy + x), st->tab[2 * S + 1] = (int32_t)(y * xy + x * xx);
  st->S = S, st->box[0] = y0, st->box[1] = y1, st->box[2] = x0, st->box[3] = x1;
}

/* Forward: tile T's sum over channels [c0, c1), kernel rows [y0, y1) x columns [x0, x1).
 * The V rows and offsets start at channel c0 (*s0, *x0). */
static walk forward_walk(const stn_conv_geom *g, const stn_conv_tile *T, int64_t c0, int64_t c1, steps *st,
                         int64_t *s0, int64_t *x0) {
  int64_t Wp = pad_w(g), HpWp = pad_h(g) * Wp, kk = (int64_t)g->kH * g->kW;
  steps_for(st, T->y0, T->y1, T->x0, T->x1, g->kW, Wp, 1);
  *s0 = c0 * kk, *x0 = c0 * HpWp;
  return (walk){c1 - c0, kk, HpWp, st->S, st->tab};
}

/* Weights: tile T's sum over G images, output rows [y0, y1) cut to [Y0, Y1) x columns
 * [x0, x1); its V rows and offsets start at *s0, *x0. One image: the rows one after the
 * other, the steps a row's columns; several (small maps): the images, the steps their
 * boxes' pixels. */
static walk weights_walk(const stn_conv_geom *g, const stn_conv_tile *T, int64_t G, int64_t Y0, int64_t Y1,
                         steps *st, int64_t *s0, int64_t *x0) {
  int64_t y0 = T->y0 > Y0 ? T->y0 : Y0, y1 = T->y1 < Y1 ? T->y1 : Y1, Wp = pad_w(g);
  if (y1 <= y0 || T->x1 <= T->x0) y0 = y1 = 0;
  if (G == 1) {
    steps_for(st, 0, 1, T->x0, T->x1, 0, 0, g->dW);
    *s0 = y0 * g->oW, *x0 = y0 * g->dH * Wp;
    return (walk){y1 - y0, g->oW, g->dH * Wp, st->S, st->tab};
  }
  steps_for(st, y0, y1, T->x0, T->x1, g->oW, g->dH * Wp, g->dW);
  *s0 = *x0 = 0;
  return (walk){G, g->N, stn_conv_direct_image_floats(g), st->S, st->tab};
}

/* Output rows per pass of the weight gradient: all of them over several images (the
 * pixels of a group fit a pass), else about NC pixels' worth. */
static int64_t weights_chunk(const stn_conv_geom *g, int64_t G, int64_t nc) {
  if (G > 1 || g->N <= nc) return g->oH;
  int64_t r = nc / g->oW;
  return r < 1 ? 1 : r;
}

/* Channels per pass of the forward: about kc kernel entries. */
static int64_t forward_chunk(const stn_conv_geom *g, int64_t kc) {
  int64_t c = kc / ((int64_t)g->kH * g->kW);
  return c < 1 ? 1 : c;
}

/* G images' results to planes: out[b][o][n] = buf[b N + n][o] + bias[o], for lane tile t. */
static void tile_to_planes(const stn_conv_geom *g, int64_t G, const float *buf, int wd, int64_t t,
                           const float *bias, float *out) {
  int lanes = g->O - 16 * t < wd ? (int)(g->O - 16 * t) : wd;
  for (int64_t b = 0; b < G; b++)
    to_planes(buf + b * g->N * wd, wd, g->N, lanes, bias ? bias + 16 * t : NULL, out + (b * g->O + 16 * t) * g->N);
}

/* One forward pass's operands: G images padded side by side in xp, the packed weights,
 * the tile buffer (a region of (G N + ROWS) x 16 floats per lane tile of a pair). */
typedef struct {
  const stn_conv_geom *g;
  int64_t G, region;
  const float *xp, *pw;
  float *buf;
} forward_ops;

/* Tile T over the walk w for lane tile t on AVX2. */
static void forward_tile_avx2(const forward_ops *f, const stn_conv_tile *T, const walk *w, int64_t s0, int64_t x0,
                              int64_t t, int nt, int add) {
  (void)nt;
  int wd = tile_width(f->g->O, t);
  const float *P[ROWS];
  float *A[ROWS];
  for (int r = 0; r < ROWS; r++) P[r] = f->xp + T->xo[r] + x0, A[r] = f->buf + (int64_t)T->row[r] * wd;
  tile(wd, w, f->pw + 16 * t * f->g->K + s0 * wd, P, A, add);
}

typedef void (*forward_tile_fn)(const forward_ops *f, const stn_conv_tile *T, const walk *w, int64_t s0, int64_t x0,
                                int64_t t, int nt, int add);

/* The forward pass: lane tiles `step` at a time (a lone last one alone), each over chunks
 * of about kc kernel entries, each chunk over the plan's tiles; then the lane tiles'
 * results to planes. */
static void forward_pass(const forward_ops *f, const stn_conv_plan *plan, int step, int64_t kc, forward_tile_fn fn,
                         const float *bias, float *out, int64_t t0, int64_t t1) {
  const stn_conv_geom *g = f->g;
  int64_t cc = forward_chunk(g, kc);
  steps st;
  steps_reset(&st, (int32_t *)(f->buf + stn_conv_direct_buf_floats(f->G * g->N)));
  for (int64_t t = t0; t < t1; t += step) {
    int nt = t1 - t < step ? (int)(t1 - t) : step;
    for (int64_t c0 = 0; c0 < g->C; c0 += cc) {
      int64_t c1 = g->C - c0 < cc ? g->C : c0 + cc;
      for (int64_t u = 0; u < plan->count; u++) {
        const stn_conv_tile *T = &plan->tiles[u];
        if (c0 > 0 && empty_box(T)) continue;
        int64_t s0, x0;
        walk w = forward_walk(g, T, c0, c1, &st, &s0, &x0);
        fn(f, T, &w, s0, x0, t, nt, c0 > 0);
      }
    }
    for (int j = 0; j < nt; j++)
      tile_to_planes(g, f->G, f->buf + j * f->region, tile_width(g->O, t + j), t + j, bias, out);
  }
}

/* gy (O x N) of G images in tile-major layout: gyt[16 t G N + (b N + n) wd + l] =
 * gy[b][16 t + l][n] (0 past O), for tiles [t0, t1). */
void stn_conv_direct_lanes(const stn_conv_geom *g, int64_t G, const float *gy, float *gyt, int64_t t0, int64_t t1) {
  for (int64_t t = t0; t < t1; t++) {
    int wd = tile_width(g->O, t), lanes = g->O - 16 * t < wd ? (int)(g->O - 16 * t) : wd;
    for (int64_t b = 0; b < G; b++)
      to_lanes(gy + (b * g->O + 16 * t) * g->N, g->N, lanes, wd, gyt + 16 * t * G * g->N + b * g->N * wd);
  }
}

/* One tile of the weight gradient over rows [Y0, Y1) for lane tile t on AVX2. */
static void weights_tile_avx2(const stn_conv_geom *g, const stn_conv_tile *T, int64_t G, const float *xp,
                              const float *gyt, float *acc, int more, int64_t Y0, int64_t Y1, steps *st, int64_t t,
                              int64_t t1) {
  (void)t1;
  int64_t ld = lanes_pad(g->O), s0, x0;
  int wd = tile_width(g->O, t);
  walk w = weights_walk(g, T, G, Y0, Y1, st, &s0, &x0);
  const float *P[ROWS];
  float *A[ROWS];
  for (int r = 0; r < ROWS; r++) P[r] = xp + T->xo[r] + x0, A[r] = acc + (int64_t)T->row[r] * ld + 16 * t;
  tile(wd, &w, gyt + 16 * t * G * g->N + s0 * wd, P, A, more);
}

/* Whether a weight-gradient tile has nothing to do over output rows [Y0, Y1): it reads
 * only padding there and its sums go on (a first pass still writes its zeros). */
static inline int idle_weights(const stn_conv_tile *T, int more, int64_t Y0, int64_t Y1) {
  return more && (empty_box(T) || T->y1 <= Y0 || T->y0 >= Y1);
}

typedef void (*weights_tile_fn)(const stn_conv_geom *g, const stn_conv_tile *T, int64_t G, const float *xp,
                                const float *gyt, float *acc, int more, int64_t Y0, int64_t Y1, steps *st, int64_t t,
                                int64_t t1);

/* The weight gradient, lane tiles `step` at a time. Several images (small maps): each
 * tile for every lane tile in turn, so that its rows' images are read once; one image:
 * each lane tile over every tile, a chunk of about nc pixels' rows at a time, so that
 * the chunk of gy stays in L1. */
static void weights_pass(const stn_conv_geom *g, const stn_conv_plan *plan, int64_t G, const float *xp,
                         const float *gyt, float *acc, int add, int32_t *mem, int step, int64_t nc, weights_tile_fn fn,
                         int64_t t0, int64_t t1) {
  int64_t ych = weights_chunk(g, G, nc);
  steps st;
  steps_reset(&st, mem);
  if (G > 1) {
    for (int64_t u = 0; u < plan->count; u++)
      for (int64_t t = t0; t < t1; t += step)
        if (!idle_weights(&plan->tiles[u], add, 0, g->oH))
          fn(g, &plan->tiles[u], G, xp, gyt, acc, add, 0, g->oH, &st, t, t1);
    return;
  }
  for (int64_t t = t0; t < t1; t += step)
    for (int64_t Y0 = 0; Y0 < g->oH; Y0 += ych) {
      int64_t Y1 = g->oH - Y0 < ych ? g->oH : Y0 + ych;
      for (int64_t u = 0; u < plan->count; u++)
        if (!idle_weights(&plan->tiles[u], add || Y0 > 0, Y0, Y1))
          fn(g, &plan->tiles[u], G, xp, gyt, acc, add || Y0 > 0, Y0, Y1, &st, t, t1);
    }
}

#define KC512 256 /* AVX-512 forward: kernel entries per pass (two tiles' chunk of V, 32 lanes) */
#define NC512 256 /* AVX-512 weights: pixels per pass */

static inline __mmask16 lane_mask(int wd) { return wd == 16 ? (__mmask16)0xFFFF : (__mmask16)0x00FF; }

/* Tile T over the walk w for lane tiles t, t + 1 (nt 2) or t alone on AVX-512, each
 * with its own region of buf. */
static void forward_tile_avx512(const forward_ops *f, const stn_conv_tile *T, const walk *w, int64_t s0, int64_t x0,
                                int64_t t, int nt, int add) {
  const float *P[ROWS512];
  cols512 cl[2];
  for (int r = 0; r < ROWS512; r++) P[r] = f->xp + T->xo[r] + x0;
  for (int j = 0; j < nt; j++) {
    int wd = tile_width(f->g->O, t + j);
    cl[j].V = f->pw + 16 * (t + j) * f->g->K + s0 * wd, cl[j].ldv = wd, cl[j].m = lane_mask(wd);
    for (int r = 0; r < ROWS512; r++) cl[j].A[r] = f->buf + j * f->region + (int64_t)T->row[r] * wd;
  }
  tile512(nt, w, cl, P, add);
}

/* One tile of the weight gradient over rows [Y0, Y1) for lane tiles t, t + 1 (t + 1 < t1)
 * or t alone on AVX-512. */
static void weights_tile_avx512(const stn_conv_geom *g, const stn_conv_tile *T, int64_t G, const float *xp,
                                const float *gyt, float *acc, int more, int64_t Y0, int64_t Y1, steps *st, int64_t t,
                                int64_t t1) {
  int64_t ld = lanes_pad(g->O), s0, x0;
  int nt = t + 1 < t1 ? 2 : 1, wd[2];
  for (int j = 0; j < nt; j++) wd[j] = tile_width(g->O, t + j);
  walk w = weights_walk(g, T, G, Y0, Y1, st, &s0, &x0);
  const float *P[ROWS512];
  cols512 cl[2];
  for (int r = 0; r < ROWS512; r++) P[r] = xp + T->xo[r] + x0;
  for (int j = 0; j < nt; j++) {
    cl[j].V = gyt + 16 * (t + j) * G * g->N + s0 * wd[j], cl[j].ldv = wd[j], cl[j].m = lane_mask(wd[j]);
    for (int r = 0; r < ROWS512; r++) cl[j].A[r] = acc + (int64_t)T->row[r] * ld + 16 * (t + j);
  }
  tile512(nt, &w, cl, P, more);
}

/* Whether the 512-bit tiles run a pass of geometry g: on the AVX-512 path, except on AMD
 * family 25 (Zen 4), which splits a 512-bit FMA into two 256-bit halves: there the AVX2
 * tiles run as fast on maps above STN_CONV_SMALL_MAP pixels (the 512-bit ones measured
 * up to 5% slower on their weight gradients), and the 512-bit ones 0-18% faster on the
 * small maps, where the skipped padding leaves short sums (bench/NOTES.md).
 * STN_CONV_ZMM=1 runs them on every map there (for specs and benchmarks; the bits are the
 * same either way). */
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

static int wide_tiles(const stn_conv_geom *g) {
  if (stn_isa_active() < STN_ISA_AVX512) return 0;
  if (!split_512() || g->N <= STN_CONV_SMALL_MAP) return 1;
  const char *e = getenv("STN_CONV_ZMM");
  return e && e[0] == '1';
}

int stn_conv_direct_rows(const stn_conv_geom *g) { return wide_tiles(g) ? ROWS512 : ROWS; }

/* Output planes of tiles [t0, t1) of G images: out[b][o][n] = bias[o] + sum_k W[o][k] col_b[k][n],
 * on the tiles the plan was made for. buf: stn_conv_direct_buf_floats(G N). */
void stn_conv_direct_forward(const stn_conv_geom *g, const stn_conv_plan *plan, int64_t G, const float *xp,
                             const float *pw, const float *bias, float *out, float *buf, int64_t t0, int64_t t1) {
  forward_ops f = {g, G, (G * g->N + STN_CONV_ROWS) * 16, xp, pw, buf};
  if (plan->R == ROWS512) forward_pass(&f, plan, 2, KC512, forward_tile_avx512, bias, out, t0, t1);
  else forward_pass(&f, plan, 1, KC, forward_tile_avx2, bias, out, t0, t1);
}

/* Weight gradient of G images, lane tiles [t0, t1): acc[k][o] (row stride Opad = O padded
 * to 8; K + STN_CONV_ROWS rows) = (add ? acc : 0) + sum_b sum_n gy_b[o][n] col_b[k][n]. */
void stn_conv_direct_weights(const stn_conv_geom *g, const stn_conv_plan *plan, int64_t G, const float *xp,
                             const float *gyt, float *acc, int add, int32_t *steps, int64_t t0, int64_t t1) {
  if (plan->R == ROWS512) weights_pass(g, plan, G, xp, gyt, acc, add, steps, 2, NC512, weights_tile_avx512, t0, t1);
  else weights_pass(g, plan, G, xp, gyt, acc, add, steps, 1, NC, weights_tile_avx2, t0, t1);
}
#else
int stn_conv_direct_rows(const stn_conv_geom *g) {
  (void)g;
  return ROWS;
}
void stn_conv_direct_forward(const stn_conv_geom *g, const stn_conv_plan *plan, int64_t G, const float *xp,
                             const float *pw, const float *bias, float *out, float *buf, int64_t t0, int64_t t1) {
  (void)g, (void)plan, (void)G, (void)xp, (void)pw, (void)bias, (void)out, (void)buf, (void)t0, (void)t1;
}
void stn_conv_direct_lanes(const stn_conv_geom *g, int64_t G, const float *gy, float *gyt, int64_t t0, int64_t t1) {
  (void)g, (void)G, (void)gy, (void)gyt, (void)t0, (void)t1;
}
void stn_conv_direct_weights(const stn_conv_geom *g, const stn_conv_plan *plan, int64_t G, const float *xp,
                             const float *gyt, float *acc, int add, int32_t *steps, int64_t t0, int64_t t1) {
  (void)g, (void)plan, (void)G, (void)xp, (void)gyt, (void)acc, (void)add, (void)steps, (void)t0, (void)t1;
}
#endif

int64_t stn_conv_direct_tiles(int64_t P) { return lane_tiles(P); }
int64_t stn_conv_direct_buf_floats(int64_t rows) { return (rows + STN_CONV_ROWS) * 32; }
int64_t stn_conv_direct_steps(const stn_conv_geom *g) {
  int64_t kk = (int64_t)g->kH * g->kW;
  return 2 * (kk > g->N ? kk : g->N);
}
int64_t stn_conv_direct_lanes_pad(int64_t P) { return lanes_pad(P); }
