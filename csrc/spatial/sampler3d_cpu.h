/* sampler3d_cpu.h: the volumetric sampler's Float SIMD loops (sampler3d_cpu.c), taken by
 * the Float CPU loops of sampler3d_generic.h on the AVX2 and AVX-512 paths (cpu_isa.h);
 * the generic path keeps those per-voxel loops, which these match bit for bit. */
#ifndef STN_SAMPLER3D_CPU_H
#define STN_SAMPLER3D_CPU_H

#include "sampler3d.h"

/* The image gradient's tasks: (batch element, range of csize channels), enough for the
 * threads; returns the ranges per batch element. Both loops split the same way. */
static inline int64_t stn_sampler3d_channel_split(int64_t B, int64_t C, int num_threads, int64_t *csize) {
  int64_t chunks = num_threads > 1 && B > 0 ? (2 * (int64_t)num_threads + B - 1) / B : 1;
  if (chunks > C) chunks = C;
  if (chunks < 1) chunks = 1;
  *csize = C > 0 ? (C + chunks - 1) / chunks : 1;
  return C > 0 ? (C + *csize - 1) / *csize : 1;
}

/* Each returns 0, having done nothing, where the SIMD loops do not apply (the generic
 * path, or a volume whose voxel offsets pass int32); else computes everything its
 * sampler3d_generic.h twin does and returns 1. Contiguous operands. */
int stn_sampler3d_forward_simd(const stn_sampler3d_geom *g, const float *images, const float *grid, float *output);
int stn_sampler3d_backward_simd(const stn_sampler3d_geom *g, const float *images, const float *grid,
                                const float *grad_output, float *grad_images, float *grad_grid, int num_threads);

#endif /* STN_SAMPLER3D_CPU_H */
