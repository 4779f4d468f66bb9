/* sampler_reflect.c: bilinear with reflection padding, Float (sampler_reflect.h). Each grid
 * value v along an axis of size pixels becomes the grid value of its reflected pixel
 * coordinate c = reflect(u(v)) (sampler_taps_generic.h's reflect; 0 where u is not finite):
 * 2c / (size - 1) - 1 with corners aligned (0 for one pixel), else (2c + 1) / size - 1,
 * the inverse of coords.h's map; the backward multiplies the border path's grid gradient
 * by d = dc/du (+-1, or 0 where clipped or not finite; exactly 0 then). The grid is read
 * as it lies in memory, x and y in alternating lanes: 16 values at a time with AVX-512,
 * 8 with AVX2, one at a time on the generic path; the SIMD loops do the generic loop's
 * float operations on every lane (sampler_reflect_simd.h) and leave the values that fold
 * more than once to it: every path gives the same bits. */
#include "sampler_reflect.h"

#include "core/context.h"
#include "sampler_reflect_simd.h"

#include <stdlib.h>

/* The constants of a grid's lanes: x and y alternating as the grid order says. */
typedef struct reflect_plan {
  reflect_lanes k;
  _Alignas(64) float scale[16], shift[16]; /* grid value -> pixel (coords.h) */
  _Alignas(64) float add[16], den[16];     /* reflected pixel c -> grid value (2c + add) / den - 1 */
  int size[2], align;                       /* size of the axis in even and odd lanes */
} reflect_plan;

static void plan_of(const stn_sampler_geom *g, reflect_plan *pl) {
  const int xs = stn_grid_x_slot(g->desc.grid_order);
  pl->align = g->desc.align_corners;
  pl->size[xs] = (int)g->W, pl->size[1 - xs] = (int)g->H;
  reflect_lanes_of(&pl->k, pl->size[0], pl->size[1], pl->align);
  for (int j = 0; j < 16; j++) {
    const int size = pl->size[j & 1];
    const stn_pixel_map m = stn_pixel_map_of(size, pl->align);
    pl->scale[j] = m.scale, pl->shift[j] = m.shift;
    pl->add[j] = pl->align ? 0.0f : 1.0f;
    pl->den[j] = pl->align ? (float)(size - 1) : (float)size;
  }
}

/* Grid value k (v): its reflected grid value, and *d = dc/du. The generic arithmetic. */
static inline float reflect_one(const reflect_plan *pl, int64_t k, float v, float *d) {
  const int size = pl->size[k & 1], align = pl->align;
  const float u = to_pixel_float(v, size, align);
  float c = 0;
  *d = 0;
  if (u - u == 0) c = reflect_float(u, size, align, d);
  return align ? (size > 1 ? 2 * c / (float)(size - 1) - 1 : 0.0f) : (2 * c + 1) / (float)size - 1;
}

/* Values [k0, k1) of the grid (k0 even): out[k] <- reflected value (out NULL: skipped);
 * gg[k] *= d (0 where d is 0; gg NULL: skipped). */
static void reflect_generic(const reflect_plan *pl, const float *grid, int64_t k0, int64_t k1, float *out, float *gg) {
  for (int64_t k = k0; k < k1; k++) {
    float d;
    const float r = reflect_one(pl, k, grid[k], &d);
    if (out) out[k] = r;
    if (gg) gg[k] = d == 0 ? 0.0f : gg[k] * d;
  }
}

#if STN_HAVE_PATHS
STN_TARGET_AVX512 static void reflect_avx512(const reflect_plan *pl, const float *grid, int64_t k0, int64_t k1,
                                             float *out, float *gg) {
  const __m512 scale = _mm512_load_ps(pl->scale), shift = _mm512_load_ps(pl->shift);
  const __m512 add = _mm512_load_ps(pl->add), den = _mm512_load_ps(pl->den), one = _mm512_set1_ps(1.0f);
  const __mmask16 live = _mm512_test_epi32_mask(_mm512_load_si512(pl->k.live), _mm512_load_si512(pl->k.live));
  for (int64_t k = k0; k < k1; k += 16) {
    const __mmask16 keep = (__mmask16)(k1 - k < 16 ? (1u << (k1 - k)) - 1 : 0xffffu);
    const __m512 v = _mm512_maskz_loadu_ps(keep, grid + k);
    const __m512 u = _mm512_sub_ps(_mm512_mul_ps(_mm512_add_ps(v, one), scale), shift);
    __m512 d;
    __mmask16 slow;
    const __m512 c = reflect16(u, &pl->k, &d, &slow);
    const __mmask16 fast = keep & ~slow;
    if (out) {
      const __m512 r = _mm512_sub_ps(_mm512_div_ps(_mm512_add_ps(_mm512_add_ps(c, c), add), den), one);
      _mm512_mask_storeu_ps(out + k, fast, _mm512_maskz_mov_ps(live, r));
    }
    if (gg) {
      const __m512 p = _mm512_mul_ps(_mm512_maskz_loadu_ps(fast, gg + k), d);
      const __mmask16 nz = _mm512_cmp_ps_mask(d, _mm512_setzero_ps(), _CMP_NEQ_UQ);
      _mm512_mask_storeu_ps(gg + k, fast, _mm512_maskz_mov_ps(nz, p));
    }
    for (unsigned s = (unsigned)(slow & keep); s; s &= s - 1) {
      const int64_t j = k + __builtin_ctz(s);
      reflect_generic(pl, grid, j, j + 1, out, gg);
    }
  }
}

STN_TARGET_AVX2 static void reflect_avx2(const reflect_plan *pl, const float *grid, int64_t k0, int64_t k1,
                                         float *out, float *gg) {
  const __m256 scale = _mm256_load_ps(pl->scale), shift = _mm256_load_ps(pl->shift);
  const __m256 add = _mm256_load_ps(pl->add), den = _mm256_load_ps(pl->den), one = _mm256_set1_ps(1.0f);
  const __m256 live = _mm256_load_ps((const float *)pl->k.live), zero = _mm256_setzero_ps();
  int64_t k = k0;
  for (; k + 8 <= k1; k += 8) {
    const __m256 u = _mm256_sub_ps(_mm256_mul_ps(_mm256_add_ps(_mm256_loadu_ps(grid + k), one), scale), shift);
    __m256 d;
    int slow;
    const __m256 c = reflect8(u, &pl->k, &d, &slow);
    if (slow) { /* a value folded more than once: the block in scalar */
      reflect_generic(pl, grid, k, k + 8, out, gg);
      continue;
    }
    if (out) {
      const __m256 r = _mm256_sub_ps(_mm256_div_ps(_mm256_add_ps(_mm256_add_ps(c, c), add), den), one);
      _mm256_storeu_ps(out + k, _mm256_and_ps(live, r));
    }
    if (gg) {
      const __m256 p = _mm256_mul_ps(_mm256_loadu_ps(gg + k), d);
      _mm256_storeu_ps(gg + k, _mm256_and_ps(_mm256_cmp_ps(d, zero, _CMP_NEQ_UQ), p));
    }
  }
  reflect_generic(pl, grid, k, k1, out, gg);
}
#endif

/* ------------------------------------------------------------------ entry points */

/* The grid's values [k0, k1) (k0 even) on the active path. */
static void reflect_range(const reflect_plan *pl, const float *grid, int64_t k0, int64_t k1, float *out, float *gg) {
#if STN_HAVE_PATHS
  const int isa = stn_isa_active();
  if (isa >= STN_ISA_AVX512) {
    reflect_avx512(pl, grid, k0, k1, out, gg);
    return;
  }
  if (isa >= STN_ISA_AVX2) {
    reflect_avx2(pl, grid, k0, k1, out, gg);
    return;
  }
#endif
  reflect_generic(pl, grid, k0, k1, out, gg);
}

/* Values per task of the reflection passes (even). */
#define REFLECT_BLOCK 8192

/* The whole grid (n values): out <- reflected values, or gg *= d. */
static void reflect_all(const reflect_plan *pl, const float *grid, int64_t n, float *out, float *gg) {
  const int64_t blocks = (n + REFLECT_BLOCK - 1) / REFLECT_BLOCK;
#pragma omp parallel for schedule(static) if (n >= STN_OMP_MIN)
  for (int64_t t = 0; t < blocks; t++) {
    const int64_t k0 = t * REFLECT_BLOCK, k1 = k0 + REFLECT_BLOCK < n ? k0 + REFLECT_BLOCK : n;
    reflect_range(pl, grid, k0, k1, out, gg);
  }
}

/* The reflected grid (NULL when out of memory) and geom <- g read with border padding. */
static float *reflected_grid(const stn_sampler_geom *g, const float *grid, const reflect_plan *pl,
                             stn_sampler_geom *geom) {
  const int64_t n = g->B * g->Ho * g->Wo * 2;
  float *rg = malloc((size_t)(n > 0 ? n : 1) * sizeof(float));
  if (!rg) return NULL;
  reflect_all(pl, grid, n, rg, NULL);
  *geom = *g;
  geom->desc.padding = STN_PADDING_BORDER;
  return rg;
}

stn_status stn_sampler_reflect_forward_cpu(const stn_sampler_geom *g, const float *images, const float *grid,
                                           float *output, int num_threads) {
  reflect_plan pl;
  plan_of(g, &pl);
  stn_sampler_geom geom;
  float *rg = reflected_grid(g, grid, &pl, &geom);
  if (!rg) return STN_FAIL(STN_ERR_MEMORY, "stn_sampler_forward: out of memory for the reflected grid");
  const stn_status st = stn_sampler_forward_cpu(&geom, images, rg, output, num_threads);
  free(rg);
  return st;
}

stn_status stn_sampler_reflect_backward_cpu(const stn_sampler_geom *g, const float *images, const float *grid,
                                            const float *grad_output, float *grad_images, float *grad_grid,
                                            int num_threads) {
  reflect_plan pl;
  plan_of(g, &pl);
  stn_sampler_geom geom;
  float *rg = reflected_grid(g, grid, &pl, &geom);
  if (!rg) return STN_FAIL(STN_ERR_MEMORY, "stn_sampler_backward: out of memory for the reflected grid");
  const stn_status st = stn_sampler_backward_cpu(&geom, images, rg, grad_output, grad_images, grad_grid, num_threads);
  free(rg);
  if (st == STN_OK) reflect_all(&pl, grid, g->B * g->Ho * g->Wo * 2, NULL, grad_grid);
  return st;
}
