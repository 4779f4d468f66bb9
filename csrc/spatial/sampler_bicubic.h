/* sampler_bicubic.h: the bicubic sampler's Float fast path on the CPU (sampler_bicubic.c),
 * for contiguous BCHW images and every padding. sampler_modes.c hands it what it takes;
 * the generic loops (sampler_modes_generic.h) stay the reference, for Double and BHWC. */
#ifndef STN_SAMPLER_BICUBIC_H
#define STN_SAMPLER_BICUBIC_H

#include "sampler.h"

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

/* Whether the fast path takes this call (Float, bicubic, BCHW). */
int stn_sampler_bicubic_fast(const stn_sampler_geom *g, const stn_tensor *images);

/* output <- sample(images, grid); grad_images (NULL: skipped) and grad_grid <- backward.
 * The bits of the generic Float loops, on every path of core/cpu_paths.h. */
void stn_sampler_bicubic_forward_cpu(const stn_sampler_geom *g, const float *images, const float *grid,
                                     float *output);
void stn_sampler_bicubic_backward_cpu(const stn_sampler_geom *g, const float *images, const float *grid,
                                      const float *grad_output, float *grad_images, float *grad_grid);

#endif /* STN_SAMPLER_BICUBIC_H */
