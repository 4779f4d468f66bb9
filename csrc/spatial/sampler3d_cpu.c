/* sampler3d_cpu.c: the volumetric sampler's Float loops for the AVX2 and AVX-512 paths
 * (sampler3d_cpu.h). Output voxels go in chunks: a chunk's corners, weights and
 * derivative weights are computed S3_L samples at a time (sampler3d_lanes.h), then every
 * channel reads them from L1. Each output and gradient element gets the terms, the
 * roundings and the order of sampler3d_generic.h's per-voxel loops (which the generic
 * path runs), so all paths and every thread count give the same bits. */
#include "sampler3d_cpu.h"
#include "core/cpu_paths.h"

#include <string.h>

#if STN_HAVE_PATHS
#include <immintrin.h>

/* Output voxels per chunk (a multiple of 16, the widest lane count). */
#define S3_CHUNK 64

typedef struct vox_chunk {
  _Alignas(64) int32_t o[8][S3_CHUNK]; /* corner k = 4 dz + 2 dy + dx: its offset in a volume (nearest: o[0]) */
  _Alignas(64) float w[8][S3_CHUNK];   /* its weight, 0 outside */
  _Alignas(64) float dx[8][S3_CHUNK];  /* its weights in d(value)/d(x, y, z) in voxels */
  _Alignas(64) float dy[8][S3_CHUNK];
  _Alignas(64) float dz[8][S3_CHUNK];
  _Alignas(64) float sx[S3_CHUNK]; /* d(voxel coordinate)/d(grid value) per axis, padding's factor included */
  _Alignas(64) float sy[S3_CHUNK];
  _Alignas(64) float sz[S3_CHUNK];
  _Alignas(64) int32_t full[S3_CHUNK]; /* -1 where every corner's weight is nonzero (nearest: the one), else 0 */
} vox_chunk;

#define S3_L 8
#define S3_TARGET STN_TARGET_AVX2
#define S3_VF s3_vf8
#define S3_VI s3_vi8
#define S3_FLOOR(x) ((S3_VF)_mm256_round_ps((__m256)(x), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC))
#define S3_RINT(x) ((S3_VF)_mm256_round_ps((__m256)(x), _MM_FROUND_CUR_DIRECTION))
#define S3_AX s3_axis8
#define S3_AXIS s3_axis_avx2
#define S3_CORNERS s3_corners_AVX2
#include "sampler3d_lanes.h"

#define S3_L 16
#define S3_TARGET STN_TARGET_AVX512
#define S3_VF s3_vf16
#define S3_VI s3_vi16
#define S3_FLOOR(x) ((S3_VF)_mm512_roundscale_ps((__m512)(x), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC))
#define S3_RINT(x) ((S3_VF)_mm512_roundscale_ps((__m512)(x), _MM_FROUND_CUR_DIRECTION))
#define S3_AX s3_axis16
#define S3_AXIS s3_axis_avx512
#define S3_CORNERS s3_corners_AVX512
#include "sampler3d_lanes.h"

typedef void (*corners_fn)(const stn_sampler3d_geom *g, const float *xyz, int n, vox_chunk *restrict cc, int grads);

/* Offsets in int32: each axis well inside float's and int32's exact range. */
static int fits(const stn_sampler3d_geom *g) {
  const int64_t lim = (int64_t)1 << 24;
  return g->D <= lim && g->H <= lim && g->W <= lim && g->V <= INT32_MAX;
}

/* Output voxels per task of the forward and grid-gradient loops (a multiple of S3_CHUNK). */
#define S3_RUN 512

/* The loops below take one or two channels at a time over a chunk, not every channel of
 * a sample at once: the channels' volumes lie a multiple of 4 KiB apart in the usual
 * power-of-two sizes, so the same corner in many channels falls in one L1 set, and they
 * would keep evicting each other. */
#define STN_INLINE_BODY static inline __attribute__((always_inline))

/* The loops compute the next chunk's corners before they process a chunk. A batch
 * element's volumes this big (bytes) are read from beyond L2: while sample p of a chunk
 * is processed, the lines of sample p of the next are prefetched, so that the misses
 * overlap instead of each sample waiting for its own (into L2: into L1 measured slower). */
#define S3_PREFETCH_BYTES ((int64_t)1 << 20)

/* The lines of sample p of the next chunk nx (none when nx is NULL or p >= nn) in m
 * volumes from vol, V apart: its corners' (x-neighbours share a line but for one in 16). */
STN_INLINE_BODY void prefetch_sample(const vox_chunk *restrict nx, int nn, int p, const float *vol, int64_t V,
                                     int m, int nearest, const int write) {
  if (!nx || p >= nn) return;
  for (int j = 0; j < m; j++)
    for (int k = 0; k < (nearest ? 1 : 8); k += 2) {
      if (write) __builtin_prefetch(vol + j * V + nx->o[k][p], 1, 1);
      else __builtin_prefetch(vol + j * V + nx->o[k][p], 0, 1);
    }
}

/* The chunk of output voxels that starts at flattened voxel q: up to S3_CHUNK of them,
 * not past t1 nor its batch element's end. */
static inline int chunk_len(int64_t q, int64_t t1, int64_t P) {
  const int64_t left = P - q % P, n = t1 - q < S3_CHUNK ? t1 - q : S3_CHUNK;
  return (int)(n < left ? n : left);
}

/* A walk over flattened output voxels [t0, t1) (t = b P + p) by chunks, each chunk's
 * corners computed while the one before it is processed. */
typedef struct chunk_walk {
  vox_chunk cc[2];
  int64_t q, t1, P; /* the current chunk's first voxel, the end, voxels a batch element */
  int cur, n, nn;   /* the current chunk's buffer and length, the next chunk's length */
} chunk_walk;

STN_INLINE_BODY void walk_begin(chunk_walk *w, const stn_sampler3d_geom *g, corners_fn corners, const float *grid,
                                int64_t t0, int64_t t1, int grads) {
  w->q = t0, w->t1 = t1, w->P = g->P, w->cur = 0, w->n = t0 < t1 ? chunk_len(t0, t1, g->P) : 0, w->nn = 0;
  if (w->n > 0) corners(g, grid + 3 * t0, w->n, &w->cc[0], grads);
}

/* Computes the next chunk's corners (when there is one); returns that chunk for the
 * prefetches when big and in the same batch element, else NULL. */
STN_INLINE_BODY const vox_chunk *walk_ahead(chunk_walk *w, const stn_sampler3d_geom *g, corners_fn corners,
                                            const float *grid, int grads, int big) {
  const int64_t q = w->q + w->n;
  w->nn = q < w->t1 ? chunk_len(q, w->t1, w->P) : 0;
  if (!w->nn) return NULL;
  corners(g, grid + 3 * q, w->nn, &w->cc[w->cur ^ 1], grads);
  return big && q / w->P == w->q / w->P ? &w->cc[w->cur ^ 1] : NULL;
}

STN_INLINE_BODY void walk_step(chunk_walk *w) { w->q += w->n, w->n = w->nn, w->cur ^= 1; }

/* ------------------------------------------------------------------ forward */

/* x-neighbours' values ic[a] and ic[a + 1] by one 8-byte load (4-byte aligned: movq's
 * unaligned form). */
STN_INLINE_BODY __m128 load_pair(const float *ic, int32_t a) {
  return _mm_castsi128_ps(_mm_loadl_epi64((const __m128i *)(const void *)(ic + a)));
}
#define S3_LOAD_PAIR(ic, a, x0, x1)                                  \
  do {                                                             \
    const __m128 q_ = load_pair(ic, a);                            \
    x0 = _mm_cvtss_f32(q_), x1 = _mm_cvtss_f32(_mm_movehdup_ps(q_)); \
  } while (0)

/* A chunk's output for m channels (1, 2 or 4, inlined with each) whose volumes start at
 * ib (V apart) and outputs at ob (P apart), sample by sample: a sample's corners read once
 * for the m channels, while few enough channels share the L1 sets their volumes' equal
 * offsets fall in. Where every corner weighs (so each x pair is adjacent), a pair is one
 * load. The sum runs over the corners in order, as vox8's. */
STN_INLINE_BODY void forward_channels(const vox_chunk *restrict cc, int n, const vox_chunk *restrict nx, int nn,
                                      int nearest, const float *ib, int64_t V, float *ob, int64_t P, const int m) {
  if (nearest) {
    for (int p = 0; p < n; p++) {
      prefetch_sample(nx, nn, p, ib, V, m, 1, 0);
      const int32_t a = cc->o[0][p];
      const float w = cc->w[0][p];
      for (int j = 0; j < m; j++) ob[j * P + p] = w * ib[j * V + a];
    }
    return;
  }
  for (int p = 0; p < n; p++) {
    prefetch_sample(nx, nn, p, ib, V, m, 0, 0);
    float w[8];
    for (int k = 0; k < 8; k++) w[k] = cc->w[k][p];
    if (cc->full[p]) {
      const int32_t a0 = cc->o[0][p], a2 = cc->o[2][p], a4 = cc->o[4][p], a6 = cc->o[6][p];
      for (int j = 0; j < m; j++) {
        const float *ic = ib + j * V;
        float x[8];
        S3_LOAD_PAIR(ic, a0, x[0], x[1]);
        S3_LOAD_PAIR(ic, a2, x[2], x[3]);
        S3_LOAD_PAIR(ic, a4, x[4], x[5]);
        S3_LOAD_PAIR(ic, a6, x[6], x[7]);
        ob[j * P + p] = w[0] * x[0] + w[1] * x[1] + w[2] * x[2] + w[3] * x[3] + w[4] * x[4] + w[5] * x[5] +
                        w[6] * x[6] + w[7] * x[7];
      }
    } else {
      int32_t a[8];
      for (int k = 0; k < 8; k++) a[k] = cc->o[k][p];
      for (int j = 0; j < m; j++) {
        const float *ic = ib + j * V;
        ob[j * P + p] = w[0] * ic[a[0]] + w[1] * ic[a[1]] + w[2] * ic[a[2]] + w[3] * ic[a[3]] + w[4] * ic[a[4]] +
                        w[5] * ic[a[5]] + w[6] * ic[a[6]] + w[7] * ic[a[7]];
      }
    }
  }
}

/* Flattened output voxels [t0, t1) (t = b P + p), every channel. */
STN_INLINE_BODY void forward_body(const stn_sampler3d_geom *g, corners_fn corners, const float *images,
                                  const float *grid, float *output, int64_t t0, int64_t t1) {
  const int64_t P = g->P, V = g->V, C = g->C;
  const int nearest = g->mode == STN_SAMPLER_NEAREST, big = C * V * (int64_t)sizeof(float) >= S3_PREFETCH_BYTES;
  chunk_walk w;
  for (walk_begin(&w, g, corners, grid, t0, t1, 0); w.q < t1; walk_step(&w)) {
    const vox_chunk *nx = walk_ahead(&w, g, corners, grid, 0, big), *c = &w.cc[w.cur];
    const int n = w.n, nn = w.nn;
    const int64_t b = w.q / P, p0 = w.q - b * P;
    const float *ib = images + b * C * V;
    float *ob = output + b * C * P + p0;
    /* channels in twos (nearest: fours), what measured fastest */
    int64_t ch = 0;
    if (nearest)
      for (; ch + 4 <= C; ch += 4) forward_channels(c, n, nx, nn, 1, ib + ch * V, V, ob + ch * P, P, 4);
    for (; ch + 2 <= C; ch += 2) forward_channels(c, n, nx, nn, nearest, ib + ch * V, V, ob + ch * P, P, 2);
    if (ch < C) forward_channels(c, n, nx, nn, nearest, ib + ch * V, V, ob + ch * P, P, 1);
  }
}

/* ------------------------------------------------------------------ backward */

/* The grid gradient of a chunk's samples from their corner sums (vox8's order). */
STN_INLINE_BODY void grid_grad_of(const vox_chunk *restrict cc, int n, const double (*restrict s)[8],
                                  float *restrict gg) {
  for (int p = 0; p < n; p++) {
    double dx = 0, dy = 0, dz = 0;
    for (int k = 0; k < 8; k++)
      dx += cc->dx[k][p] * s[p][k], dy += cc->dy[k][p] * s[p][k], dz += cc->dz[k][p] * s[p][k];
    gg[3 * p] = (float)(dx * cc->sx[p]);
    gg[3 * p + 1] = (float)(dy * cc->sy[p]);
    gg[3 * p + 2] = (float)(dz * cc->sz[p]);
  }
}

/* A chunk's backward for one channel (volume ic, image gradient gic, grad_output go),
 * sample by sample: with SUMS, the corner sums s[p][k] += v * value (vox8's, channels in
 * order: the caller goes through them in order); with GI, the image-gradient terms, in
 * sample order. Where every corner weighs, x pairs are one load. A corner of weight 0
 * (outside) adds nothing to the image gradient, not even 0 * Inf. */
STN_INLINE_BODY void backward_channel(const vox_chunk *restrict cc, int n, const vox_chunk *restrict nx, int nn,
                                       const float *ic, const float *go, float *gic, int64_t V,
                                       double (*restrict s)[8], const int SUMS, const int GI) {
  for (int p = 0; p < n; p++) {
    if (SUMS) prefetch_sample(nx, nn, p, ic, V, 1, 0, 0);
    if (GI) prefetch_sample(nx, nn, p, gic, V, 1, 0, 1);
    const float v = go[p];
    if (cc->full[p]) {
      const int32_t a[4] = {cc->o[0][p], cc->o[2][p], cc->o[4][p], cc->o[6][p]};
      if (SUMS) {
        const __m128d vp = _mm_set1_pd((double)v);
        for (int r = 0; r < 4; r++) {
          const __m128d x = _mm_cvtps_pd(load_pair(ic, a[r]));
          _mm_store_pd(s[p] + 2 * r, _mm_add_pd(_mm_load_pd(s[p] + 2 * r), _mm_mul_pd(vp, x)));
        }
      }
      if (GI)
        for (int r = 0; r < 4; r++) gic[a[r]] += cc->w[2 * r][p] * v, gic[a[r] + 1] += cc->w[2 * r + 1][p] * v;
    } else {
      for (int k = 0; k < 8; k++) {
        const int32_t a = cc->o[k][p];
        const float w = cc->w[k][p];
        if (SUMS) s[p][k] += (double)v * ic[a];
        if (GI && w != 0) gic[a] += w * v;
      }
    }
  }
}

/* The grid gradient alone (trilinear) of flattened output voxels [t0, t1). */
STN_INLINE_BODY void grid_grad_body(const stn_sampler3d_geom *g, corners_fn corners, const float *images,
                                    const float *grid, const float *grad_output, float *grad_grid, int64_t t0,
                                    int64_t t1) {
  const int64_t P = g->P, V = g->V, C = g->C;
  const int big = C * V * (int64_t)sizeof(float) >= S3_PREFETCH_BYTES;
  _Alignas(64) double s[S3_CHUNK][8];
  chunk_walk w;
  for (walk_begin(&w, g, corners, grid, t0, t1, 1); w.q < t1; walk_step(&w)) {
    const vox_chunk *nx = walk_ahead(&w, g, corners, grid, 1, big), *c = &w.cc[w.cur];
    const int n = w.n, nn = w.nn;
    const int64_t b = w.q / P, p0 = w.q - b * P;
    const float *ib = images + b * C * V, *gob = grad_output + b * C * P + p0;
    memset(s, 0, (size_t)n * sizeof *s);
    for (int64_t ch = 0; ch < C; ch++) backward_channel(c, n, nx, nn, ib + ch * V, gob + ch * P, NULL, V, s, 1, 0);
    grid_grad_of(c, n, s, grad_grid + 3 * w.q);
  }
}

/* Nearest: adds a chunk's terms to the image gradient of m channels (1 or 2: independent
 * updates to interleave) from gi, V apart (v their grad_output, P apart), each element's
 * terms in sample order. A voxel of weight 0 (outside) adds nothing, not even 0 * Inf. */
STN_INLINE_BODY void nearest_scatter(const vox_chunk *restrict cc, int n, const vox_chunk *restrict nx, int nn,
                                     const float *v, float *gi, int64_t V, int64_t P, const int m) {
  for (int p = 0; p < n; p++) {
    prefetch_sample(nx, nn, p, gi, V, m, 1, 1);
    const int32_t a = cc->o[0][p];
    const float w = cc->w[0][p];
    if (w == 0) continue;
    for (int j = 0; j < m; j++) gi[j * V + a] += w * v[j * P + p];
  }
}

/* Batch element b, channels [c0, c1): the image gradient (zeroed first, then each
 * sample's terms in voxel order) and, when gg is not NULL (c0..c1 every channel,
 * trilinear), the grid gradient from the same chunks' corners. */
STN_INLINE_BODY void image_grad_body(const stn_sampler3d_geom *g, corners_fn corners, const float *images,
                                     const float *grid, const float *grad_output, float *grad_images,
                                     float *grad_grid, int64_t b, int64_t c0, int64_t c1) {
  const int64_t P = g->P, V = g->V, C = g->C;
  const int nearest = g->mode == STN_SAMPLER_NEAREST, fused = grad_grid != NULL;
  const int big = C * V * (int64_t)sizeof(float) >= S3_PREFETCH_BYTES;
  float *gib = grad_images + b * C * V;
  memset(gib + c0 * V, 0, (size_t)((c1 - c0) * V) * sizeof(float));
  const float *gob = grad_output + b * C * P, *ib = images + b * C * V;
  _Alignas(64) double s[S3_CHUNK][8];
  chunk_walk w;
  for (walk_begin(&w, g, corners, grid, b * P, (b + 1) * P, fused); w.q < (b + 1) * P; walk_step(&w)) {
    const vox_chunk *nx = walk_ahead(&w, g, corners, grid, fused, big), *c = &w.cc[w.cur];
    const int n = w.n, nn = w.nn;
    const int64_t p0 = w.q - b * P;
    if (nearest) {
      for (int64_t ch = c0; ch < c1; ch += 2) {
        if (ch + 1 < c1) nearest_scatter(c, n, nx, nn, gob + ch * P + p0, gib + ch * V, V, P, 2);
        else nearest_scatter(c, n, nx, nn, gob + ch * P + p0, gib + ch * V, V, P, 1);
      }
      continue;
    }
    if (fused) memset(s, 0, (size_t)n * sizeof *s);
    /* channel by channel: two at a time measured slower here (four volumes' lines in
     * the same L1 sets), unlike the forward's two */
    for (int64_t ch = c0; ch < c1; ch++) {
      if (fused) backward_channel(c, n, nx, nn, ib + ch * V, gob + ch * P + p0, gib + ch * V, V, s, 1, 1);
      else backward_channel(c, n, nx, nn, NULL, gob + ch * P + p0, gib + ch * V, V, s, 0, 1);
    }
    if (fused) grid_grad_of(c, n, s, grad_grid + 3 * (b * P + p0));
  }
}

/* Each body compiled for the AVX2 and the AVX-512 path, with that path's corner loop. */
#define S3_STAMP(path)                                                                                                \
  STN_TARGET_##path static void forward_##path(const stn_sampler3d_geom *g, const float *images, const float *grid,   \
                                               float *output, int64_t t0, int64_t t1) {                               \
    forward_body(g, s3_corners_##path, images, grid, output, t0, t1);                                                 \
  }                                                                                                                   \
  STN_TARGET_##path static void grid_grad_##path(const stn_sampler3d_geom *g, const float *images, const float *grid, \
                                                 const float *grad_output, float *grad_grid, int64_t t0, int64_t t1) { \
    grid_grad_body(g, s3_corners_##path, images, grid, grad_output, grad_grid, t0, t1);                               \
  }                                                                                                                   \
  STN_TARGET_##path static void image_grad_##path(const stn_sampler3d_geom *g, const float *images, const float *grid,\
                                                  const float *grad_output, float *grad_images, float *grad_grid,     \
                                                  int64_t b, int64_t c0, int64_t c1) {                                \
    image_grad_body(g, s3_corners_##path, images, grid, grad_output, grad_images, grad_grid, b, c0, c1);              \
  }
S3_STAMP(AVX2)
S3_STAMP(AVX512)

typedef struct s3_path {
  void (*forward)(const stn_sampler3d_geom *, const float *, const float *, float *, int64_t, int64_t);
  void (*grid_grad)(const stn_sampler3d_geom *, const float *, const float *, const float *, float *, int64_t, int64_t);
  void (*image_grad)(const stn_sampler3d_geom *, const float *, const float *, const float *, float *, float *, int64_t,
                     int64_t, int64_t);
} s3_path;

/* The active path's loops; NULL on the generic path or where offsets pass int32. */
static const s3_path *path_for(const stn_sampler3d_geom *g) {
  static const s3_path avx2 = {forward_AVX2, grid_grad_AVX2, image_grad_AVX2};
  static const s3_path avx512 = {forward_AVX512, grid_grad_AVX512, image_grad_AVX512};
  const int isa = stn_isa_active();
  if (!fits(g)) return NULL;
  return isa >= STN_ISA_AVX512 ? &avx512 : isa >= STN_ISA_AVX2 ? &avx2 : NULL;
}

int stn_sampler3d_forward_simd(const stn_sampler3d_geom *g, const float *images, const float *grid, float *output) {
  const s3_path *path = path_for(g);
  if (!path) return 0;
  const int64_t n = g->B * g->P, runs = (n + S3_RUN - 1) / S3_RUN;
#pragma omp parallel for schedule(static) if (n * (g->C + 8) >= STN_OMP_MIN)
  for (int64_t r = 0; r < runs; r++)
    path->forward(g, images, grid, output, r * S3_RUN, (r + 1) * S3_RUN < n ? (r + 1) * S3_RUN : n);
  return 1;
}

/* The task split of sampler3d_generic.h's backward (the same passes, so the same sums). */
int stn_sampler3d_backward_simd(const stn_sampler3d_geom *g, const float *images, const float *grid,
                                const float *grad_output, float *grad_images, float *grad_grid, int num_threads) {
  const s3_path *path = path_for(g);
  if (!path) return 0;
  const int64_t P = g->P, C = g->C, B = g->B;
  const int nearest = g->mode == STN_SAMPLER_NEAREST;
  int64_t csize;
  const int64_t chunks = stn_sampler3d_channel_split(B, C, num_threads, &csize);
  const int fused = grad_images && C > 0 && chunks == 1 && !nearest;
  if (nearest) {
    if (B * P > 0) memset(grad_grid, 0, (size_t)(3 * B * P) * sizeof(float));
  } else if (!fused) {
    const int64_t n = B * P, runs = (n + S3_RUN - 1) / S3_RUN;
#pragma omp parallel for schedule(static) if (n * (C + 8) >= STN_OMP_MIN)
    for (int64_t r = 0; r < runs; r++)
      path->grid_grad(g, images, grid, grad_output, grad_grid, r * S3_RUN, (r + 1) * S3_RUN < n ? (r + 1) * S3_RUN : n);
  }
  if (!grad_images || C == 0) return 1;
#pragma omp parallel for schedule(static) if (B * P * (C + 8) >= STN_OMP_MIN)
  for (int64_t task = 0; task < B * chunks; task++) {
    const int64_t b = task / chunks, c0 = (task % chunks) * csize, c1 = c0 + csize < C ? c0 + csize : C;
    path->image_grad(g, images, grid, grad_output, grad_images, fused ? grad_grid : NULL, b, c0, c1);
  }
  return 1;
}

#else /* no SIMD paths in this build: the per-voxel loops do everything */

int stn_sampler3d_forward_simd(const stn_sampler3d_geom *g, const float *images, const float *grid, float *output) {
  (void)g, (void)images, (void)grid, (void)output;
  return 0;
}

int stn_sampler3d_backward_simd(const stn_sampler3d_geom *g, const float *images, const float *grid,
                                const float *grad_output, float *grad_images, float *grad_grid, int num_threads) {
  (void)g, (void)images, (void)grid, (void)grad_output, (void)grad_images, (void)grad_grid, (void)num_threads;
  return 0;
}

#endif
