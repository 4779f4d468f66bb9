/* coords.h: the normalized coordinates of the spatial transformer, written once for the
 * C, SIMD and CUDA paths: a grid value v in [-1, 1] along an axis of `size` pixels and
 * the pixel coordinate it stands for (0-based), both ways. With align_corners, -1 and 1
 * are the centres of the first and last pixels; without, their outer edges. Lua's
 * stn.spatial.gridToPixel is the same map (spec/spatial_sampler_spec.lua checks it). */
#ifndef STN_COORDS_H
#define STN_COORDS_H

#include <math.h>
#include <stdint.h>

#ifndef STN_HD
#ifdef __CUDACC__
#define STN_HD __host__ __device__ __forceinline__
#else
#define STN_HD static inline
#endif
#endif

/* a * b rounded on its own: CUDA would fuse it with a following add otherwise, and the
 * CPU (built without FMA) and the GPU must pick the same neighbours. Any float type on
 * the host: float or a GCC vector of floats. */
#ifdef __CUDA_ARCH__
#define STN_MUL_RN(a, b) __fmul_rn((a), (b))
#else
#define STN_MUL_RN(a, b) ((a) * (b))
#endif

/* Grid value -> pixel coordinate along one axis: pixel = (v + 1) * scale - shift. */
typedef struct stn_pixel_map {
  float scale; /* also d(pixel)/d(v) */
  float shift;
} stn_pixel_map;

STN_HD stn_pixel_map stn_pixel_map_of(int size, int align) {
  stn_pixel_map m;
  m.scale = align ? (float)(size - 1) * 0.5f : (float)size * 0.5f;
  m.shift = align ? 0.0f : 0.5f;
  return m;
}

/* The map itself, for v of any float type (float, __m128, __m256, float on the GPU):
 * the SIMD paths evaluate it on vectors. Subtracting a shift of +0 leaves every value
 * (-0 and NaN included) as it is. */
#define STN_GRID_TO_PIXEL(v, map) (STN_MUL_RN((v) + 1.0f, (map).scale) - (map).shift)

STN_HD float stn_grid_to_pixel(float v, int size, int align) {
  const stn_pixel_map m = stn_pixel_map_of(size, align);
  return STN_GRID_TO_PIXEL(v, m);
}

/* Pixel i (0-based) of n -> its normalized coordinate, the grid generator's base grid:
 * aligned -1 + 2i/(n-1), written as (2i - (n-1))/(n-1) so that it is one rounding of an
 * exact ratio; else (2i+1)/n - 1. */
STN_HD float stn_grid_coord(int64_t i, int64_t n, int align) {
  return align ? (float)(2 * i - (n - 1)) / (float)(n - 1) : (float)(2 * i + 1 - n) / (float)n;
}

/* The same in double, for the Double CPU ops. */
STN_HD double stn_grid_coord_d(int64_t i, int64_t n, int align) {
  return align ? (double)(2 * i - (n - 1)) / (double)(n - 1) : (double)(2 * i + 1 - n) / (double)n;
}

#endif /* STN_COORDS_H */
