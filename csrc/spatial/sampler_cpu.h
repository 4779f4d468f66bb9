/* sampler_cpu.h: what the CPU sampler loops (sampler_cpu.c) and the SIMD corner loops
 * (sampler_corners.c) share: a chunk of output pixels' corners and weights, and the
 * fixed lane order in which channel sums are taken. */
#ifndef STN_SAMPLER_CPU_H
#define STN_SAMPLER_CPU_H

#include "sampler.h"

#include <smmintrin.h>

/* Pixels per chunk: a chunk's corners are computed in one pass, then every channel
 * reuses them while they sit in L1 (with the channels-last path, a chunk of gradOutput
 * or output, Cp floats a pixel, stays in L1 or L2 too). A multiple of 16 (the AVX-512
 * corner loop's width). */
#define CHUNK 128
#define STN_INLINE static inline __attribute__((always_inline))
/* The task functions (sampler_cpu.c) are compiled for the generic and AVX2 paths
 * (core/cpu_paths.h) and picked per call; the corner loops have a variant per path.
 * No FMA: the corner arithmetic must round exactly as on the GPU, which picks the same
 * neighbours; and every path must give the generic one's bits
 * (spec/cpu_paths_kernels_spec.lua). */

typedef struct corner_chunk {
  _Alignas(64) int32_t o[4][CHUNK]; /* pixel index y * W + x of each corner, clamped into the image */
  _Alignas(64) float w[4][CHUNK];   /* interpolation weights, 0 for corners outside (zeros padding) */
  _Alignas(64) float dx[4][CHUNK];  /* d(value)/d(pixel x) from the corner values */
  _Alignas(64) float dy[4][CHUNK];  /* d(value)/d(pixel y) */
  /* reflection padding: d(reflected coordinate)/d(coordinate) along x and y (+-1, or 0
   * where clipped or not finite), which the grid gradient is multiplied by */
  _Alignas(64) float rx[CHUNK], ry[CHUNK];
} corner_chunk;

/* Corners of output pixels [p0, p0 + n) of batch element b (with grads, the derivative
 * weights too): the values of stn_corners_of (sampler.h), bit for bit; entries up to
 * n rounded up to 16 are filled with harmless values (sampler_corners.c). With reflection
 * padding, those of the reflected grid values read with border padding
 * (sampler_reflect_simd.h), and rx, ry. */
void stn_chunk_corners(const stn_sampler_geom *g, const float *grid, int64_t b, int64_t p0, int n,
                       corner_chunk *restrict cc, int grads);

/* ---- channel sums in a fixed lane order
 * The grid gradient needs, per output pixel and corner, the sum over channels of
 * gradOutput times the corner's value. The channels-last path adds them in SIMD lanes,
 * so every path takes them in that order. With C <= 4, lane j holds channel j's product
 * (+0 for j >= C) and the sum is (l0 + l2) + (l1 + l3); otherwise lane j of 8 sums
 * channels j, j + 8, j + 16, ... in order, starting from +0, the upper four lanes are
 * added to the lower four (l0 + l4, ...) and those four summed the same way. The AVX2 and
 * baseline code, the channels-last and planar loops and every thread count then give
 * the same bits. */
STN_INLINE int sampler_lanes(int64_t C) { return C <= 4 ? 4 : 8; }
/* Channels padded to a whole number of lanes. */
STN_INLINE int64_t sampler_padded(int64_t C) { return C <= 4 ? 4 : (C + 7) / 8 * 8; }
STN_INLINE float lane4_sum(const float *l) { return (l[0] + l[2]) + (l[1] + l[3]); }
STN_INLINE float lane8_sum(const float *l) {
  const float f[4] = {l[0] + l[4], l[1] + l[5], l[2] + l[6], l[3] + l[7]};
  return lane4_sum(f);
}
/* The four corners' sums at once from their four lanes each: s = {lane4_sum(t0), ...}. */
STN_INLINE __m128 lane4_sums(__m128 t0, __m128 t1, __m128 t2, __m128 t3) {
  _MM_TRANSPOSE4_PS(t0, t1, t2, t3);
  return _mm_add_ps(_mm_add_ps(t0, t2), _mm_add_ps(t1, t3));
}

/* The grid gradient of a chunk's pixels from their corner sums s (s[p][k]: pixel p,
 * corner k, 16-byte aligned, rows up to n rounded up to 4 readable) into gg (the chunk's
 * grid gradient), as stn_corners_of's dx, dy weigh them (sampler_corners.c). */
void stn_chunk_grid_grad(const stn_sampler_geom *g, const corner_chunk *restrict cc, float (*s)[4], int n, float *gg);

#endif /* STN_SAMPLER_CPU_H */
