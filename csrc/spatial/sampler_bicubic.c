/* sampler_bicubic.c: the bicubic sampler's Float loops on contiguous BCHW images, every
 * padding (sampler_bicubic.h). The output pixels are taken in chunks: a chunk's taps (per
 * sample 16 pixel offsets, the 4 + 4 weights along x and y and their derivatives) are
 * computed once, vectorized over its samples, then every channel reads them: the forward
 * and the grid gradient vectorized over samples (the tap pixels read by rows), the image
 * gradient as a scatter in sample order. Each element gets the generic loops' operations in their order
 * (sampler_modes_generic.h, sampler_taps_generic.h: the same weight formulas, tap order,
 * sum order; the grid gradient's sums in double): the same bits, on every path of
 * core/cpu_paths.h (no FMA; the vectorization is across samples only). Every output and
 * gradient element is written by one task in a fixed order, whatever the thread count. */
#include "sampler_bicubic.h"

#include "core/context.h"
#include "core/cpu_paths.h"

#include <math.h>
#include <smmintrin.h>
#include <string.h>

#include "sampler_taps_float.h"

#define BC_INLINE static inline __attribute__((always_inline))
/* Samples per chunk: a chunk's taps (8 KiB) stay in L1 while every channel reads them. */
#define BC_N 64
/* Reflected taps of coordinates beyond this many pixels go through the scalar reflection
 * (fmod); also the largest image side the fast path takes (its indices fold in int32). */
#define BC_FAR 4194304.0f

/* A chunk's taps, sample p at [.][p]: per sample 16 pixel offsets and the 4 + 4 weights
 * along x and y with their derivatives (sampler_taps_generic.h's taps). */
typedef struct bc_chunk {
  _Alignas(64) int32_t o[16][BC_N]; /* tap 4 j + i: row y_j, column x_i, as y_j * W + x_i */
  _Alignas(64) float wx[4][BC_N];   /* weights along x (0 for a tap outside: zeros padding) */
  _Alignas(64) float wy[4][BC_N];
  _Alignas(64) float dx[4][BC_N]; /* their derivatives with respect to the pixel coordinate */
  _Alignas(64) float dy[4][BC_N];
  _Alignas(16) float wx4[BC_N][4]; /* wx sample by sample (bc_weights_by_sample) */
  int32_t run[BC_N];                /* whether the sample's x taps are 4 consecutive pixels (bc_runs) */
} bc_chunk;

/* Channels per image-gradient task (as the generic loops group them). */
#define BC_GROUP 16
/* Batch elements a task of few channels takes at once. */
#define BC_BATCH 4

#define BC_A (-0.75f) /* the cubic convolution kernel's A (sampler_taps_generic.h) */

/* The grid values along x and y of output pixels [p0, p0 + n) of batch element b, and 0
 * for the chunk's other lanes. */
static inline void bc_grid_values(const stn_sampler_geom *g, const float *grid, int64_t b, int64_t p0, int n,
                                  float *restrict vx, float *restrict vy) {
  const float *gp = grid + (b * g->Ho * g->Wo + p0) * 2;
  const int xs = stn_grid_x_slot(g->desc.grid_order);
  for (int p = 0; p < n; p++) vx[p] = gp[2 * p + xs], vy[p] = gp[2 * p + 1 - xs];
  for (int p = n; p < BC_N; p++) vx[p] = vy[p] = 0;
}

/* The generic path: taps_of_float itself, sample by sample (lanes n.. read grid value 0). */
static void chunk_taps_generic(const stn_sampler_geom *g, const float *grid, int64_t b, int64_t p0, int n,
                               bc_chunk *restrict tc, int grads) {
  (void)grads; /* the derivatives come anyway */
  _Alignas(64) float vx[BC_N], vy[BC_N];
  bc_grid_values(g, grid, b, p0, n, vx, vy);
  const int pad = g->desc.padding, align = g->desc.align_corners;
  for (int p = 0; p < BC_N; p++) { /* every lane, as the SIMD paths fill them */
    const taps_float tx = taps_of_float(vx[p], (int)g->W, align, pad, STN_SAMPLER_BICUBIC);
    const taps_float ty = taps_of_float(vy[p], (int)g->H, align, pad, STN_SAMPLER_BICUBIC);
    for (int k = 0; k < 4; k++) {
      tc->wx[k][p] = tx.w[k], tc->dx[k][p] = tx.d[k];
      tc->wy[k][p] = ty.w[k], tc->dy[k][p] = ty.d[k];
    }
    for (int j = 0; j < 4; j++)
      for (int i = 0; i < 4; i++) tc->o[4 * j + i][p] = ty.i[j] * (int32_t)g->W + tx.i[i];
  }
}

#if STN_HAVE_PATHS
#include <immintrin.h>

/* AVX2: 8 lanes, masks as vectors of all-ones / zero lanes. */
#define BT_NAME(name) name##_avx2
#define BT_TARGET STN_TARGET_AVX2
#define BT_L 8
#define VF __m256
#define VI __m256i
#define VM __m256i
#define F_SET1 _mm256_set1_ps
#define F_LOAD _mm256_load_ps
#define F_STORE _mm256_store_ps
#define F_ADD _mm256_add_ps
#define F_SUB _mm256_sub_ps
#define F_MUL _mm256_mul_ps
#define F_DIV _mm256_div_ps
#define F_NEG(a) _mm256_xor_ps(a, _mm256_set1_ps(-0.0f))
#define F_ABS(a) _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a)
#define F_FLOOR(a) _mm256_round_ps(a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)
#define F_CMP(a, b, op) _mm256_castps_si256(_mm256_cmp_ps(a, b, op))
#define F_SEL(m, a, b) _mm256_blendv_ps(b, a, _mm256_castsi256_ps(m))
#define F_TOI _mm256_cvttps_epi32
#define I_TOF _mm256_cvtepi32_ps
#define I_SET1 _mm256_set1_epi32
#define I_LOAD(p) _mm256_load_si256((const __m256i *)(p))
#define I_STORE(p, v) _mm256_store_si256((__m256i *)(p), v)
#define I_ADD _mm256_add_epi32
#define I_SUB _mm256_sub_epi32
#define I_MUL _mm256_mullo_epi32
#define I_MIN _mm256_min_epi32
#define I_MAX _mm256_max_epi32
#define I_LT(a, b) _mm256_cmpgt_epi32(b, a)
#define I_GT(a, b) _mm256_cmpgt_epi32(a, b)
#define I_SEL(m, a, b) _mm256_blendv_epi8(b, a, m)
#define M_OR _mm256_or_si256
#define M_NOT(m) _mm256_xor_si256(m, _mm256_set1_epi32(-1))
#define M_NONE _mm256_setzero_si256()
#define M_ANY(m) (!_mm256_testz_si256(m, m))
/* within each 128-bit half, then the halves' middle quarters swapped */
#define BT_SPLIT(p, even, odd)                                                                                         \
  do {                                                                                                                 \
    const __m256 a_ = _mm256_loadu_ps(p), c_ = _mm256_loadu_ps((p) + 8);                                               \
    const __m256 e_ = _mm256_shuffle_ps(a_, c_, _MM_SHUFFLE(2, 0, 2, 0));                                              \
    const __m256 o_ = _mm256_shuffle_ps(a_, c_, _MM_SHUFFLE(3, 1, 3, 1));                                              \
    even = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e_), _MM_SHUFFLE(3, 1, 2, 0)));                    \
    odd = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(o_), _MM_SHUFFLE(3, 1, 2, 0)));                     \
  } while (0)
#include "spatial/sampler_bicubic_taps.h"

/* AVX-512: 16 lanes, masks in mask registers. */
#define BT_NAME(name) name##_avx512
#define BT_TARGET STN_TARGET_AVX512
#define BT_L 16
#define VF __m512
#define VI __m512i
#define VM __mmask16
#define F_SET1 _mm512_set1_ps
#define F_LOAD _mm512_load_ps
#define F_STORE _mm512_store_ps
#define F_ADD _mm512_add_ps
#define F_SUB _mm512_sub_ps
#define F_MUL _mm512_mul_ps
#define F_DIV _mm512_div_ps
#define F_NEG(a) _mm512_xor_ps(a, _mm512_set1_ps(-0.0f))
#define F_ABS _mm512_abs_ps
#define F_FLOOR(a) _mm512_roundscale_ps(a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)
#define F_CMP _mm512_cmp_ps_mask
#define F_SEL(m, a, b) _mm512_mask_blend_ps(m, b, a)
#define F_TOI _mm512_cvttps_epi32
#define I_TOF _mm512_cvtepi32_ps
#define I_SET1 _mm512_set1_epi32
#define I_LOAD _mm512_load_si512
#define I_STORE _mm512_store_si512
#define I_ADD _mm512_add_epi32
#define I_SUB _mm512_sub_epi32
#define I_MUL _mm512_mullo_epi32
#define I_MIN _mm512_min_epi32
#define I_MAX _mm512_max_epi32
#define I_LT _mm512_cmplt_epi32_mask
#define I_GT _mm512_cmpgt_epi32_mask
#define I_SEL(m, a, b) _mm512_mask_blend_epi32(m, b, a)
#define M_OR(a, b) ((__mmask16)((a) | (b)))
#define M_NOT(m) ((__mmask16)~(m))
#define M_NONE ((__mmask16)0)
#define M_ANY(m) ((m) != 0)
#define BT_SPLIT(p, even, odd)                                                                                         \
  do {                                                                                                                 \
    const __m512 a_ = _mm512_loadu_ps(p), c_ = _mm512_loadu_ps((p) + 16);                                              \
    const __m512i e_ = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);                   \
    even = _mm512_permutex2var_ps(a_, e_, c_);                                                                         \
    odd = _mm512_permutex2var_ps(a_, _mm512_add_epi32(e_, _mm512_set1_epi32(1)), c_);                                  \
  } while (0)
#include "spatial/sampler_bicubic_taps.h"
#endif

/* A chunk's taps, by the path's routine (handed to the channel loops). */
typedef void (*bc_taps_fn)(const stn_sampler_geom *g, const float *grid, int64_t b, int64_t p0, int n,
                           bc_chunk *restrict tc, int grads);
static bc_taps_fn taps_fn(void) {
#if STN_HAVE_PATHS
  return stn_path_pick3(chunk_taps_generic, chunk_taps_avx2, chunk_taps_avx512);
#else
  return chunk_taps_generic;
#endif
}

/* ------------------------------------------------------------------ channel loops */

/* Which samples of a chunk have their x taps on 4 consecutive pixels (all but the edges):
 * each of their rows is then one 4-float vector. */
BC_INLINE void bc_runs(bc_chunk *restrict tc, int n) {
#pragma omp simd
  for (int p = 0; p < n; p++) {
    const int32_t x0 = tc->o[0][p];
    tc->run[p] = (tc->o[1][p] == x0 + 1) & (tc->o[2][p] == x0 + 2) & (tc->o[3][p] == x0 + 3);
  }
}

/* The x weights sample by sample (wx4), four samples at a time transposed. */
BC_INLINE void bc_weights_by_sample(bc_chunk *restrict tc, int n) {
  for (int p = 0; p < n; p += 4) {
    __m128 a0 = _mm_load_ps(tc->wx[0] + p), a1 = _mm_load_ps(tc->wx[1] + p);
    __m128 a2 = _mm_load_ps(tc->wx[2] + p), a3 = _mm_load_ps(tc->wx[3] + p);
    _MM_TRANSPOSE4_PS(a0, a1, a2, a3);
    _mm_store_ps(tc->wx4[p], a0), _mm_store_ps(tc->wx4[p + 1], a1);
    _mm_store_ps(tc->wx4[p + 2], a2), _mm_store_ps(tc->wx4[p + 3], a3);
  }
}

/* v[k][p] = plane[tc->o[k][p]] for the chunk's n samples: four samples' rows read as
 * vectors and transposed where the four have runs, else pixel by pixel. The channel loops
 * then read their taps' pixels from v, vectorized over samples. */
BC_INLINE void bc_gather(const bc_chunk *restrict tc, int n, const float *plane, float (*restrict v)[BC_N]) {
  int p = 0;
  for (; p + 4 <= n; p += 4) {
    if (tc->run[p] & tc->run[p + 1] & tc->run[p + 2] & tc->run[p + 3]) {
      for (int j = 0; j < 4; j++) {
        const int32_t *o = tc->o[4 * j] + p;
        __m128 a0 = _mm_loadu_ps(plane + o[0]), a1 = _mm_loadu_ps(plane + o[1]);
        __m128 a2 = _mm_loadu_ps(plane + o[2]), a3 = _mm_loadu_ps(plane + o[3]);
        _MM_TRANSPOSE4_PS(a0, a1, a2, a3);
        _mm_storeu_ps(v[4 * j] + p, a0), _mm_storeu_ps(v[4 * j + 1] + p, a1);
        _mm_storeu_ps(v[4 * j + 2] + p, a2), _mm_storeu_ps(v[4 * j + 3] + p, a3);
      }
    } else
      for (int q = p; q < p + 4; q++)
        for (int k = 0; k < 16; k++) v[k][q] = plane[tc->o[k][q]];
  }
  for (; p < n; p++)
    for (int k = 0; k < 16; k++) v[k][p] = plane[tc->o[k][p]];
}

/* ------------------------------------------------------------------ forward */

/* Output pixels [p0, p0 + n) of batch element b, every channel: forward_one's sums. */
BC_INLINE void forward_chunk_body(const stn_sampler_geom *g, const float *images, const float *grid, float *output,
                                  int64_t b, int64_t p0, int n, bc_taps_fn taps) {
  bc_chunk tc;
  _Alignas(64) float v[16][BC_N];
  taps(g, grid, b, p0, n, &tc, 0);
  bc_runs(&tc, n);
  const int64_t P = g->Ho * g->Wo;
  for (int64_t ch = 0; ch < g->C; ch++) {
    float *restrict oc = output + b * g->out_b + ch * P + p0;
    bc_gather(&tc, n, images + b * g->img_b + ch * g->img_c, v);
#pragma omp simd
    for (int p = 0; p < n; p++) {
      float s = 0;
      for (int j = 0; j < 4; j++) {
        float r = 0;
        for (int i = 0; i < 4; i++) r += tc.wx[i][p] * v[4 * j + i][p];
        s += tc.wy[j][p] * r;
      }
      oc[p] = s;
    }
  }
}
STN_PATHS(forward_chunk, forward_chunk_body,
          (const stn_sampler_geom *g, const float *images, const float *grid, float *output, int64_t b, int64_t p0,
           int n, bc_taps_fn taps),
          (g, images, grid, output, b, p0, n, taps))

/* ------------------------------------------------------------------ backward */

/* The grid gradient of a chunk (tc: its taps; gg: its first sample's pair): grid_grad_one's
 * sums, in double, channels in order. */
BC_INLINE void grid_grad_chunk(const stn_sampler_geom *g, const bc_chunk *restrict tc, const float *images,
                               const float *grad_output, float *gg, int64_t b, int64_t p0, int n) {
  const int64_t P = g->Ho * g->Wo;
  const int xs = stn_grid_x_slot(g->desc.grid_order);
  const float scale_x = pixel_scale_of_float((int)g->W, g->desc.align_corners);
  const float scale_y = pixel_scale_of_float((int)g->H, g->desc.align_corners);
  _Alignas(64) double ax[BC_N], ay[BC_N];
  _Alignas(64) float v[16][BC_N];
  for (int p = 0; p < n; p++) ax[p] = 0, ay[p] = 0;
  for (int64_t ch = 0; ch < g->C; ch++) {
    bc_gather(tc, n, images + b * g->img_b + ch * g->img_c, v);
    const float *restrict gop = grad_output + b * g->out_b + ch * P + p0;
#pragma omp simd
    for (int p = 0; p < n; p++) {
      const float go = gop[p];
      double sx = 0, sy = 0;
      for (int j = 0; j < 4; j++) {
        double r = 0, rd = 0;
        for (int i = 0; i < 4; i++) {
          const float a = v[4 * j + i][p];
          r += (double)tc->wx[i][p] * a;
          rd += (double)tc->dx[i][p] * a;
        }
        sx += tc->wy[j][p] * rd;
        sy += tc->dy[j][p] * r;
      }
      ax[p] += go * sx;
      ay[p] += go * sy;
    }
  }
  for (int p = 0; p < n; p++) {
    gg[2 * p + xs] = (float)(ax[p] * scale_x);
    gg[2 * p + 1 - xs] = (float)(ay[p] * scale_y);
  }
}

/* A channel plane's way through a chunk: the chunk's taps, the plane's gradOutput at the
 * chunk's first sample, its image gradient plane. */
typedef struct bc_stream {
  const bc_chunk *tc;
  const float *go;
  float *gi;
} bc_stream;

/* The image gradient terms of up to four streams (planes of different channels or batch
 * elements): image_grad_one's products, added sample by sample, taps in order. The
 * streams go through the samples together: their planes are disjoint, and the additions
 * to one pixel, a chain through the samples, overlap with the others'. A sample whose four
 * x taps are consecutive pixels adds each row's four products as one vector: four
 * distinct pixels, one addition each, the same bits. */
BC_INLINE void image_grad_streams(const bc_stream *st, int ns, int n) {
  for (int p = 0; p < n; p++)
    for (int s = 0; s < ns; s++) {
      const bc_chunk *restrict tc = st[s].tc;
      const __m128 w = _mm_load_ps(tc->wx4[p]);
      const float v = st[s].go[p];
      float *gic = st[s].gi;
      for (int j = 0; j < 4; j++) {
        const __m128 t = _mm_mul_ps(w, _mm_set1_ps(tc->wy[j][p] * v)); /* wx[i] * (wy[j] * v) */
        if (tc->run[p]) {
          float *row = gic + tc->o[4 * j][p];
          _mm_storeu_ps(row, _mm_add_ps(_mm_loadu_ps(row), t));
        } else {
          _Alignas(16) float tt[4];
          _mm_store_ps(tt, t);
          for (int i = 0; i < 4; i++) gic[tc->o[4 * j + i][p]] += tt[i];
        }
      }
    }
}

/* Output pixels [p0, p1) of batch elements [b, b + nb) (nb <= BC_BATCH): the grid gradient
 * (gg, the whole grid gradient; NULL: skipped) and the image gradient terms of channels
 * [c0, c1) (gi, the whole image gradient; NULL: skipped), each chunk's taps computed once
 * for both. */
BC_INLINE void backward_range_body(const stn_sampler_geom *g, const float *images, const float *grid,
                                   const float *grad_output, float *gi, float *gg, int64_t b, int nb, int64_t p0,
                                   int64_t p1, int64_t c0, int64_t c1, bc_taps_fn taps) {
  bc_chunk tc[BC_BATCH];
  const int64_t P = g->Ho * g->Wo;
  for (int64_t q0 = p0; q0 < p1; q0 += BC_N) {
    const int n = (int)(p1 - q0 < BC_N ? p1 - q0 : BC_N);
    bc_stream st[4];
    int ns = 0;
    for (int e = 0; e < nb; e++) {
      taps(g, grid, b + e, q0, n, &tc[e], gg != NULL);
      bc_runs(&tc[e], n);
      if (gi) bc_weights_by_sample(&tc[e], n);
      if (gg) grid_grad_chunk(g, &tc[e], images, grad_output, gg + ((b + e) * P + q0) * 2, b + e, q0, n);
      for (int64_t ch = c0; gi && ch < c1; ch++) {
        st[ns].tc = &tc[e];
        st[ns].go = grad_output + (b + e) * g->out_b + ch * P + q0;
        st[ns].gi = gi + (b + e) * g->img_b + ch * g->img_c;
        if (++ns == 4) image_grad_streams(st, ns, n), ns = 0;
      }
    }
    if (ns) image_grad_streams(st, ns, n);
  }
}
STN_PATHS(backward_range, backward_range_body,
          (const stn_sampler_geom *g, const float *images, const float *grid, const float *grad_output, float *gi,
           float *gg, int64_t b, int nb, int64_t p0, int64_t p1, int64_t c0, int64_t c1, bc_taps_fn taps),
          (g, images, grid, grad_output, gi, gg, b, nb, p0, p1, c0, c1, taps))

/* ------------------------------------------------------------------ entry points */

int stn_sampler_bicubic_fast(const stn_sampler_geom *g, const stn_tensor *images) {
  return images->dtype == STN_FLOAT && g->desc.mode == STN_SAMPLER_BICUBIC && !stn_sampler_channels_last(g) &&
         g->H <= (int64_t)BC_FAR && g->W <= (int64_t)BC_FAR &&
         g->img_x == 1 && g->img_y == g->W && g->img_c == g->H * g->W && g->out_p == 1 &&
         g->out_c == g->Ho * g->Wo;
}

void stn_sampler_bicubic_forward_cpu(const stn_sampler_geom *g, const float *images, const float *grid,
                                     float *output) {
  __typeof__(&forward_chunk_generic) const forward_chunk = STN_PATH_PICK(forward_chunk);
  const bc_taps_fn taps = taps_fn();
  const int64_t P = g->Ho * g->Wo, chunks = (P + BC_N - 1) / BC_N;
  const int64_t work = g->B * P * (g->C + 4) * 16;
#pragma omp parallel for schedule(static) if (work >= STN_OMP_MIN)
  for (int64_t task = 0; task < g->B * chunks; task++) {
    const int64_t b = task / chunks, p0 = task % chunks * BC_N;
    forward_chunk(g, images, grid, output, b, p0, (int)(P - p0 < BC_N ? P - p0 : BC_N), taps);
  }
}

/* Zeroes channels [c0, c1) of batch element b's image gradient. */
static void zero_planes(const stn_sampler_geom *g, float *gi, int64_t b, int64_t c0, int64_t c1) {
  memset(gi + b * g->img_b + c0 * g->img_c, 0, (size_t)((c1 - c0) * g->img_c) * sizeof(float));
}

void stn_sampler_bicubic_backward_cpu(const stn_sampler_geom *g, const float *images, const float *grid,
                                      const float *grad_output, float *grad_images, float *grad_grid) {
  __typeof__(&backward_range_generic) const backward_range = STN_PATH_PICK(backward_range);
  const bc_taps_fn taps = taps_fn();
  const int64_t P = g->Ho * g->Wo, groups = (g->C + BC_GROUP - 1) / BC_GROUP;
  const int64_t work = g->B * P * (g->C + 4) * 48;
  if (grad_images && groups == 1) {
    /* few channels: a task does both for a few batch elements (their image gradient
     * streams together, up to 4 planes) */
    const int nb = g->C >= 4 ? 1 : (int)(4 / g->C) < BC_BATCH ? (int)(4 / g->C) : BC_BATCH;
    const int64_t tasks = (g->B + nb - 1) / nb;
#pragma omp parallel for schedule(static) if (work >= STN_OMP_MIN)
    for (int64_t task = 0; task < tasks; task++) {
      const int64_t b = task * nb;
      const int ne = g->B - b < nb ? (int)(g->B - b) : nb;
      zero_planes(g, grad_images, b, 0, g->C * ne);
      backward_range(g, images, grid, grad_output, grad_images, grad_grid, b, ne, 0, P, 0, g->C, taps);
    }
    return;
  }
  const int64_t chunks = (P + BC_N - 1) / BC_N;
#pragma omp parallel for schedule(static) if (work >= STN_OMP_MIN)
  for (int64_t task = 0; task < g->B * chunks; task++) {
    const int64_t b = task / chunks, p0 = task % chunks * BC_N;
    backward_range(g, images, grid, grad_output, NULL, grad_grid, b, 1, p0, p0 + BC_N < P ? p0 + BC_N : P, 0, 0, taps);
  }
  if (!grad_images) return;
#pragma omp parallel for schedule(static) if (work >= STN_OMP_MIN)
  for (int64_t task = 0; task < g->B * groups; task++) {
    const int64_t b = task / groups, c0 = task % groups * BC_GROUP;
    const int64_t c1 = c0 + BC_GROUP < g->C ? c0 + BC_GROUP : g->C;
    zero_planes(g, grad_images, b, c0, c1);
    backward_range(g, images, grid, grad_output, grad_images, NULL, b, 1, 0, P, c0, c1, taps);
  }
}
