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
#define KC 128  /* forward: kernel entries per pass over a tile (V's chunk and the images' stay in L1) */
#define NC 512  /* weights: pixels per pass */

/* The box a tile's sum walks: s = (a, y, x) for a < n[0], y < n[1], x < n[2]; V's row
 * a v[0] + y v[1] + x v[2], the broadcast offset a x[0] + y x[1] + x x[2]. */
typedef struct {
  int64_t n[3], v[3], x[3];
} walk;

#if DIRECT_BUILT
#define FMA2(r, a)                                  \
  do {                                              \
    __m256 b_ = _mm256_broadcast_ss((a));           \
    c##r##0 = _mm256_fmadd_ps(b_, v0, c##r##0);     \
    c##r##1 = _mm256_fmadd_ps(b_, v1, c##r##1);     \
  } while (0)

/* 6 rows x 16 lanes: A[r] = (add ? A[r] : 0) + sum_s V[s] P_r[x(s)] (V's rows ldv apart). */
__attribute__((target("avx2,fma"))) static void tile16(const walk *w, const float *V, int64_t ldv,
                                                      const float *const *P, float *const *A, int add) {
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
  int64_t nx = w->n[2], vx = w->v[2] * ldv, xx = w->x[2];
  for (int64_t a = 0; a < w->n[0]; a++)
    for (int64_t y = 0; y < w->n[1]; y++) {
      const float *v = V + (a * w->v[0] + y * w->v[1]) * ldv;
      int64_t i = a * w->x[0] + y * w->x[1];
      for (int64_t x = 0; x < nx; x++, v += vx, i += xx) {
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
__attribute__((target("avx2,fma"))) static void tile8(const walk *w, const float *V, int64_t ldv,
                                                     const float *const *P, float *const *A, int add) {
  __m256 c0, c1, c2, c3, c4, c5;
  if (add) {
    c0 = _mm256_loadu_ps(A[0]), c1 = _mm256_loadu_ps(A[1]), c2 = _mm256_loadu_ps(A[2]);
    c3 = _mm256_loadu_ps(A[3]), c4 = _mm256_loadu_ps(A[4]), c5 = _mm256_loadu_ps(A[5]);
  } else {
    c0 = c1 = c2 = c3 = c4 = c5 = _mm256_setzero_ps();
  }
  const float *p0 = P[0], *p1 = P[1], *p2 = P[2], *p3 = P[3], *p4 = P[4], *p5 = P[5];
  int64_t nx = w->n[2], vx = w->v[2] * ldv, xx = w->x[2];
  for (int64_t a = 0; a < w->n[0]; a++)
    for (int64_t y = 0; y < w->n[1]; y++) {
      const float *v = V + (a * w->v[0] + y * w->v[1]) * ldv;
      int64_t i = a * w->x[0] + y * w->x[1];
      for (int64_t x = 0; x < nx; x++, v += vx, i += xx) {
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

static void tile(int wd, const walk *w, const float *V, int64_t ldv, const float *const *P, float *const *A,
                 int add) {
  if (wd == 16) tile16(w, V, ldv, P, A, add);
  else tile8(w, V, ldv, P, A, add);
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

/* ncol tiles (1 or 2) x ROWS512 rows: A[r] = (add ? A[r] : 0) + sum_s V[s] P_r[x(s)]. */
TARGET512 static inline __attribute__((always_inline)) void tile512_body(int ncol, const walk *w, const cols512 *cl,
                                                                       const float *const *P, int add) {
  __m512 c[2][ROWS512];
#pragma GCC unroll 2
  for (int j = 0; j < ncol; j++)
#pragma GCC unroll 16
    for (int r = 0; r < ROWS512; r++) c[j][r] = add ? _mm512_maskz_loadu_ps(cl[j].m, cl[j].A[r]) : _mm512_setzero_ps();
  int64_t ld0 = cl[0].ldv, ld1 = ncol > 1 ? cl[1].ldv : 0;
  __mmask16 m0 = cl[0].m, m1 = ncol > 1 ? cl[1].m : 0;
  int64_t nx = w->n[2], xx = w->x[2], vx0 = w->v[2] * ld0, vx1 = w->v[2] * ld1;
  for (int64_t a = 0; a < w->n[0]; a++)
    for (int64_t y = 0; y < w->n[1]; y++) {
      int64_t row = a * w->v[0] + y * w->v[1];
      const float *V0 = cl[0].V + row * ld0, *V1 = ncol > 1 ? cl[1].V + row * ld1 : V0;
      int64_t i = a * w->x[0] + y * w->x[1];
      for (int64_t x = 0; x < nx; x++, V0 += vx0, V1 += vx1, i += xx) {
        __m512 v0 = _mm512_maskz_loadu_ps(m0, V0), v1 = ncol > 1 ? _mm512_maskz_loadu_ps(m1, V1) : v0;
#pragma GCC unroll 16
        for (int r = 0; r < ROWS512; r++) {
          __m512 b = _mm512_set1_ps(P[r][i]);
          c[0][r] = _mm512_fmadd_ps(b, v0, c[0][r]);
          if (ncol > 1) c[1][r] = _mm512_fmadd_ps(b, v1, c[1][r]);
        }
      }
    }
#pragma GCC unroll 2
  for (int j = 0; j < ncol; j++)
#pragma GCC unroll 16
    for (int r = 0; r < ROWS512; r++) _mm512_mask_storeu_ps(cl[j].A[r], cl[j].m, c[j][r]);
}

TARGET512 static void tile512x1(const walk *w, const cols512 *cl, const float *const *P, int add) {
  tile512_body(1, w, cl, P, add);
}
TARGET512 static void tile512x2(const walk *w, const cols512 *cl, const float *const *P, int add) {
  tile512_body(2, w, cl, P, add);
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
/* Whether a tile sums over nothing (every row reads padding only). */
static inline int empty_box(const stn_conv_tile *T) { return T->y0 >= T->y1 || T->x0 >= T->x1; }

/* Forward: the box of tile T over channels [c0, c1); *s0 its first V row (kernel entry),
 * *x0 its first offset past the rows' own. */
static walk forward_walk(const stn_conv_geom *g, const stn_conv_tile *T, int64_t c0, int64_t c1, int64_t *s0,
                         int64_t *x0) {
  int64_t Wp = pad_w(g), HpWp = pad_h(g) * Wp, kk = (int64_t)g->kH * g->kW;
  int e = empty_box(T);
  *s0 = c0 * kk + (e ? 0 : T->y0 * g->kW + T->x0);
  *x0 = c0 * HpWp + (e ? 0 : T->y0 * Wp + T->x0);
  return (walk){{c1 - c0, e ? 0 : T->y1 - T->y0, e ? 0 : T->x1 - T->x0}, {kk, g->kW, 1}, {HpWp, Wp, 1}};
}

/* Weights: the box of tile T over G images and output rows [Y0, Y1); *s0 its first V row
 * (pixel), *x0 its first offset past the rows' own. */
static walk weights_walk(const stn_conv_geom *g, const stn_conv_tile *T, int64_t G, int64_t Y0, int64_t Y1,
                         int64_t *s0, int64_t *x0) {
  int64_t Wp = pad_w(g), y0 = T->y0 > Y0 ? T->y0 : Y0, y1 = T->y1 < Y1 ? T->y1 : Y1;
  if (empty_box(T) || y1 < y0) y0 = y1 = Y0;
  int64_t xa = T->x0 < T->x1 ? T->x0 : 0, nx = T->x0 < T->x1 ? T->x1 - T->x0 : 0;
  *s0 = y0 * g->oW + xa;
  *x0 = y0 * g->dH * Wp + xa * g->dW;
  return (walk){{G, y1 - y0, nx}, {g->N, g->oW, 1}, {stn_conv_direct_image_floats(g), g->dH * Wp, g->dW}};
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

/* The forward pass on AVX2 tiles, one lane tile at a time. */
static void forward_avx2(const stn_conv_geom *g, const stn_conv_plan *plan, int64_t G, const float *xp,
                         const float *pw, const float *bias, float *out, float *buf, int64_t t0, int64_t t1) {
  int64_t K = g->K, cc = forward_chunk(g, KC);
  for (int64_t t = t0; t < t1; t++) {
    int wd = tile_width(g->O, t);
    const float *pt = pw + 16 * t * K;
    for (int64_t c0 = 0; c0 < g->C; c0 += cc) {
      int64_t c1 = g->C - c0 < cc ? g->C : c0 + cc;
      for (int64_t u = 0; u < plan->count; u++) {
        const stn_conv_tile *T = &plan->tiles[u];
        if (c0 > 0 && empty_box(T)) continue;
        int64_t s0, x0;
        walk w = forward_walk(g, T, c0, c1, &s0, &x0);
        const float *P[ROWS];
        float *A[ROWS];
        for (int r = 0; r < ROWS; r++) P[r] = xp + T->xo[r] + x0, A[r] = buf + (int64_t)T->row[r] * wd;
        tile(wd, &w, pt + s0 * wd, wd, P, A, c0 > 0);
      }
    }
    tile_to_planes(g, G, buf, wd, t, bias, out);
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

/* The weight gradient on AVX2 tiles. */
static void weights_avx2(const stn_conv_geom *g, const stn_conv_plan *plan, int64_t G, const float *xp,
                         const float *gyt, float *acc, int add, int64_t t0, int64_t t1) {
  int64_t ld = lanes_pad(g->O), ych = weights_chunk(g, G, NC);
  for (int64_t t = t0; t < t1; t++) {
    int wd = tile_width(g->O, t);
    const float *vt = gyt + 16 * t * G * g->N;
    for (int64_t Y0 = 0; Y0 < g->oH; Y0 += ych) {
      int64_t Y1 = g->oH - Y0 < ych ? g->oH : Y0 + ych;
      for (int64_t u = 0; u < plan->count; u++) {
        const stn_conv_tile *T = &plan->tiles[u];
        int more = add || Y0 > 0;
        if (more && (empty_box(T) || T->y1 <= Y0 || T->y0 >= Y1)) continue;
        int64_t s0, x0;
        walk w = weights_walk(g, T, G, Y0, Y1, &s0, &x0);
        const float *P[ROWS];
        float *A[ROWS];
        for (int r = 0; r < ROWS; r++) P[r] = xp + T->xo[r] + x0, A[r] = acc + (int64_t)T->row[r] * ld + 16 * t;
        tile(wd, &w, vt + s0 * wd, wd, P, A, more);
      }
    }
  }
}

#define KC512 128 /* AVX-512 forward: kernel entries per pass (two tiles' chunk of V, 32 lanes) */
#define NC512 256 /* AVX-512 weights: pixels per pass */

static inline __mmask16 lane_mask(int wd) { return wd == 16 ? (__mmask16)0xFFFF : (__mmask16)0x00FF; }

/* The forward pass on AVX-512 tiles: lane tiles two at a time (a lone last one alone),
 * each with its own (G N + ROWS) x 16 region of buf. */
static void forward_avx512(const stn_conv_geom *g, const stn_conv_plan *plan, int64_t G, const float *xp,
                           const float *pw, const float *bias, float *out, float *buf, int64_t t0, int64_t t1) {
  int64_t K = g->K, cc = forward_chunk(g, KC512), region = (G * g->N + STN_CONV_ROWS) * 16;
  for (int64_t t = t0; t < t1; t += 2) {
    int nt = t + 1 < t1 ? 2 : 1, wd[2];
    for (int j = 0; j < nt; j++) wd[j] = tile_width(g->O, t + j);
    for (int64_t c0 = 0; c0 < g->C; c0 += cc) {
      int64_t c1 = g->C - c0 < cc ? g->C : c0 + cc;
      for (int64_t u = 0; u < plan->count; u++) {
        const stn_conv_tile *T = &plan->tiles[u];
        if (c0 > 0 && empty_box(T)) continue;
        int64_t s0, x0;
        walk w = forward_walk(g, T, c0, c1, &s0, &x0);
        const float *P[ROWS512];
        cols512 cl[2];
        for (int r = 0; r < ROWS512; r++) P[r] = xp + T->xo[r] + x0;
        for (int j = 0; j < nt; j++) {
          cl[j].V = pw + 16 * (t + j) * K + s0 * wd[j], cl[j].ldv = wd[j], cl[j].m = lane_mask(wd[j]);
          for (int r = 0; r < ROWS512; r++) cl[j].A[r] = buf + j * region + (int64_t)T->row[r] * wd[j];
        }
        if (nt == 2) tile512x2(&w, cl, P, c0 > 0);
        else tile512x1(&w, cl, P, c0 > 0);
      }
    }
    for (int j = 0; j < nt; j++) tile_to_planes(g, G, buf + j * region, wd[j], t + j, bias, out);
  }
}

/* The weight gradient on AVX-512 tiles, lane tiles two at a time. */
static void weights_avx512(const stn_conv_geom *g, const stn_conv_plan *plan, int64_t G, const float *xp,
                           const float *gyt, float *acc, int add, int64_t t0, int64_t t1) {
  int64_t ld = lanes_pad(g->O), ych = weights_chunk(g, G, NC512);
  for (int64_t t = t0; t < t1; t += 2) {
    int nt = t + 1 < t1 ? 2 : 1, wd[2];
    for (int j = 0; j < nt; j++) wd[j] = tile_width(g->O, t + j);
    for (int64_t Y0 = 0; Y0 < g->oH; Y0 += ych) {
      int64_t Y1 = g->oH - Y0 < ych ? g->oH : Y0 + ych;
      for (int64_t u = 0; u < plan->count; u++) {
        const stn_conv_tile *T = &plan->tiles[u];
        int more = add || Y0 > 0;
        if (more && (empty_box(T) || T->y1 <= Y0 || T->y0 >= Y1)) continue;
        int64_t s0, x0;
        walk w = weights_walk(g, T, G, Y0, Y1, &s0, &x0);
        const float *P[ROWS512];
        cols512 cl[2];
        for (int r = 0; r < ROWS512; r++) P[r] = xp + T->xo[r] + x0;
        for (int j = 0; j < nt; j++) {
          cl[j].V = gyt + 16 * (t + j) * G * g->N + s0 * wd[j], cl[j].ldv = wd[j], cl[j].m = lane_mask(wd[j]);
          for (int r = 0; r < ROWS512; r++) cl[j].A[r] = acc + (int64_t)T->row[r] * ld + 16 * (t + j);
        }
        if (nt == 2) tile512x2(&w, cl, P, more);
        else tile512x1(&w, cl, P, more);
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

int stn_conv_direct_rows(void) { return wide_tiles() ? ROWS512 : ROWS; }

/* Output planes of tiles [t0, t1) of G images: out[b][o][n] = bias[o] + sum_k W[o][k] col_b[k][n],
 * on the tiles the plan was made for. buf: stn_conv_direct_buf_floats(G N). */
void stn_conv_direct_forward(const stn_conv_geom *g, const stn_conv_plan *plan, int64_t G, const float *xp,
                             const float *pw, const float *bias, float *out, float *buf, int64_t t0, int64_t t1) {
  if (plan->R == ROWS512) forward_avx512(g, plan, G, xp, pw, bias, out, buf, t0, t1);
  else forward_avx2(g, plan, G, xp, pw, bias, out, buf, t0, t1);
}

/* Weight gradient of G images, lane tiles [t0, t1): acc[k][o] (row stride Opad = O padded
 * to 8; K + STN_CONV_ROWS rows) = (add ? acc : 0) + sum_b sum_n gy_b[o][n] col_b[k][n]. */
void stn_conv_direct_weights(const stn_conv_geom *g, const stn_conv_plan *plan, int64_t G, const float *xp,
                             const float *gyt, float *acc, int add, int64_t t0, int64_t t1) {
  if (plan->R == ROWS512) weights_avx512(g, plan, G, xp, gyt, acc, add, t0, t1);
  else weights_avx2(g, plan, G, xp, gyt, acc, add, t0, t1);
}
#else
int stn_conv_direct_rows(void) { return ROWS; }
void stn_conv_direct_forward(const stn_conv_geom *g, const stn_conv_plan *plan, int64_t G, const float *xp,
                             const float *pw, const float *bias, float *out, float *buf, int64_t t0, int64_t t1) {
  (void)g, (void)plan, (void)G, (void)xp, (void)pw, (void)bias, (void)out, (void)buf, (void)t0, (void)t1;
}
void stn_conv_direct_lanes(const stn_conv_geom *g, int64_t G, const float *gy, float *gyt, int64_t t0, int64_t t1) {
  (void)g, (void)G, (void)gy, (void)gyt, (void)t0, (void)t1;
}
void stn_conv_direct_weights(const stn_conv_geom *g, const stn_conv_plan *plan, int64_t G, const float *xp,
                             const float *gyt, float *acc, int add, int64_t t0, int64_t t1) {
  (void)g, (void)plan, (void)G, (void)xp, (void)gyt, (void)acc, (void)add, (void)t0, (void)t1;
}
#endif

int64_t stn_conv_direct_tiles(int64_t P) { return lane_tiles(P); }
int64_t stn_conv_direct_buf_floats(int64_t rows) { return (rows + STN_CONV_ROWS) * 32; }
int64_t stn_conv_direct_lanes_pad(int64_t P) { return lanes_pad(P); }
