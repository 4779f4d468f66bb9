/* stn/spatial.h: the spatial transformer: restrictions, grid generators and samplers.
 * Part of libstn's public API (include/stn.h includes every part). The block between
 * STN_CDEF_BEGIN and STN_CDEF_END goes verbatim (minus STN_API) to LuaJIT's ffi.cdef, so
 * it holds declarations only: no preprocessor lines, no macros but STN_API. */
#ifndef STN_SPATIAL_H
#define STN_SPATIAL_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* STN_CDEF_BEGIN */
/* ------------------------------------------------------------------ spatial transformer */
/* The modules of docs/spatial_transformer.md. Batched tensors only (the Lua modules
 * view unbatched input with a batch of 1); inputs that are not contiguous are copied to
 * contiguous scratch first; outputs are resized here, to the inputs' element type. Every
 * backward overwrites its gradients (updateGradInput semantics) and is deterministic on
 * both devices. Types: Float and Double on the CPU, Float on CUDA, and Half and BFloat16
 * on both (the inputs read as floats exactly, the Float op, each result rounded once);
 * every tensor of a call of one type (anything else is refused, naming the tensor and
 * its type). */

/* Restriction: params B x k -> theta B x 2 x 3. With no flag set k = 6 and theta is
 * params reshaped; otherwise the parameters are angle, scale, tx, ty (those whose flag
 * is set, in that order) and theta = R(angle) * S(scale) * T(tx, ty) in homogeneous form,
 * R = [[cos a, -sin a], [sin a, cos a]] (stnbhwd's), S = s * I, T adding (tx, ty):
 * theta = s R [I | t]. */
STN_API stn_status stn_affine_matrix_forward(stn_ctx *ctx, const stn_tensor *params, stn_tensor *theta,
                                             int use_rotation, int use_scale, int use_translation);
/* grad_params (B x k) <- d(loss)/d(params) given grad_theta (B x 2 x 3), analytically. */
STN_API stn_status stn_affine_matrix_backward(stn_ctx *ctx, const stn_tensor *params, const stn_tensor *grad_theta,
                                              stn_tensor *grad_params, int use_rotation, int use_scale,
                                              int use_translation);

/* Which coordinate a grid names first: (x, y) pairs (STN_GRID_XY, the BCHW family) or
 * (y, x) pairs (STN_GRID_YX, stnbhwd's BHWD family); x runs along the width. */
typedef enum stn_grid_order { STN_GRID_XY = 0, STN_GRID_YX = 1 } stn_grid_order;

/* Affine grid: theta B x 2 x 3 -> grid B x height x width x 2. Output pixel (i, j)
 * (0-based) has the normalized coordinates y_i, x_j: with align_corners
 * -1 + 2i/(height-1) (height >= 2, likewise x), without (2i+1)/height - 1.
 * grid_order STN_GRID_XY: grid = theta * (x, y, 1); STN_GRID_YX: theta * (y, x, 1). */
STN_API stn_status stn_affine_grid_forward(stn_ctx *ctx, const stn_tensor *theta, stn_tensor *grid, int64_t height,
                                           int64_t width, int grid_order, int align_corners);
/* grad_theta (B x 2 x 3) <- sum over pixels of grad_grid (B x H x W x 2) times the base coordinates. */
STN_API stn_status stn_affine_grid_backward(stn_ctx *ctx, const stn_tensor *grad_grid, stn_tensor *grad_theta,
                                            int grid_order, int align_corners);

/* Projective grid: homographies matrix B x 3 x 3 -> grid B x height x width x 2, (x, y)
 * order (the BCHW family's). Output pixel (i, j) has the normalized coordinates (x_j, y_i)
 * of the affine grid (align_corners as there); with (u, v, w) = M (x, y, 1) the grid holds
 * (u/w, v/w). Where |w| <= 1e-6 (|m20| + |m21| + |m22|) (or w is NaN) the point is at
 * infinity: both values are NaN, which the sampler reads as outside the image. */
STN_API stn_status stn_projective_grid_forward(stn_ctx *ctx, const stn_tensor *matrix, stn_tensor *grid,
                                               int64_t height, int64_t width, int align_corners);
/* grad_matrix (B x 3 x 3) <- the quotient rule's gradient given grad_grid (B x H x W x 2),
 * summed over the pixels in double; points at infinity contribute 0. */
STN_API stn_status stn_projective_grid_backward(stn_ctx *ctx, const stn_tensor *matrix, const stn_tensor *grad_grid,
                                                stn_tensor *grad_matrix, int align_corners);

/* The sampler: output pixel p of batch element b is the images of b read at the point
 * grid[b][p] by bilinear, nearest or bicubic interpolation. One op for both module
 * families, described by a stn_sampler_desc (every field checked; any value not listed
 * is refused, naming the field; every combination listed runs on the CPU and on CUDA):
 *   layout: STN_SAMPLER_BCHW, images B x C x H x W -> output B x C x H' x W' (nn.GridSampler),
 *           or STN_SAMPLER_BHWC, images B x H x W x C -> output B x H' x W' x C (stnbhwd);
 *   grid_order: the grid, B x H' x W' x 2, holds (x, y) pairs (STN_GRID_XY) or (y, x)
 *           pairs (STN_GRID_YX); x runs along the width, y along the height;
 *   align_corners: 1: -1 and 1 are the centres of the border pixels, grid value v is
 *           pixel (v + 1)(size - 1)/2; 0: their outer edges, pixel ((v + 1) size - 1)/2
 *           (0-based pixels; stn.spatial.gridToPixel in Lua);
 *   padding: STN_PADDING_ZEROS (neighbours outside the image count as 0),
 *           STN_PADDING_BORDER (the edge value) or STN_PADDING_REFLECTION (reflected
 *           about the borders, then clipped);
 *   mode: STN_SAMPLER_BILINEAR (0), STN_SAMPLER_NEAREST (ties to even; grad_grid 0) or
 *           STN_SAMPLER_BICUBIC (A = -0.75, 4 x 4 taps, each tap padded on its own);
 *   antialias: 0, or 1 to average over the grid's footprint where it shrinks the image
 *           (a separable tent; bilinear mode only, any padding; the exact
 *           definition: docs/spatial_transformer.md, "Antialiased sampling").
 * stnbhwd's nn.BilinearSamplerBHWD is {STN_SAMPLER_BHWC, STN_GRID_YX, 1, STN_PADDING_ZEROS}.
 * Fields added later go at the end with 0 meaning what the sampler did before them, so a
 * zero-initialized tail keeps older callers' results. */
typedef enum stn_padding { STN_PADDING_ZEROS = 0, STN_PADDING_BORDER = 1, STN_PADDING_REFLECTION = 2 } stn_padding;
typedef enum stn_sampler_layout { STN_SAMPLER_BCHW = 0, STN_SAMPLER_BHWC = 1 } stn_sampler_layout;
typedef enum stn_sampler_mode { STN_SAMPLER_BILINEAR = 0, STN_SAMPLER_NEAREST = 1, STN_SAMPLER_BICUBIC = 2 } stn_sampler_mode;
typedef struct stn_sampler_desc {
  int32_t layout;        /* stn_sampler_layout */
  int32_t grid_order;    /* stn_grid_order */
  int32_t align_corners; /* 0 or 1 */
  int32_t padding;       /* stn_padding */
  int32_t mode;          /* stn_sampler_mode */
  int32_t antialias;     /* 0 or 1 */
} stn_sampler_desc;

/* output <- sample(images, grid). */
STN_API stn_status stn_sampler_forward(stn_ctx *ctx, const stn_sampler_desc *desc, const stn_tensor *images,
                                       const stn_tensor *grid, stn_tensor *output);
/* grad_images (shaped as images; NULL: not computed) and grad_grid (shaped as grid)
 * given grad_output (shaped as the output). */
STN_API stn_status stn_sampler_backward(stn_ctx *ctx, const stn_sampler_desc *desc, const stn_tensor *images,
                                        const stn_tensor *grid, const stn_tensor *grad_output,
                                        stn_tensor *grad_images, stn_tensor *grad_grid);

/* ---- volumetric (5-D): docs/spatial_transformer.md "Volumetric sampling" */

/* 3-D affine grid: theta B x 3 x 4 -> grid B x depth x height x width x 3, grid point
 * (d, i, j) = theta * (x_j, y_i, z_d, 1), holding (x, y, z) (x along the width, y along the
 * height, z along the depth), each base coordinate as the 2-D grid's along its axis. */
STN_API stn_status stn_affine_grid3d_forward(stn_ctx *ctx, const stn_tensor *theta, stn_tensor *grid, int64_t depth,
                                             int64_t height, int64_t width, int align_corners);
/* grad_theta (B x 3 x 4) <- sum over grid points of grad_grid (B x D x H x W x 3) times (x, y, z, 1). */
STN_API stn_status stn_affine_grid3d_backward(stn_ctx *ctx, const stn_tensor *grad_grid, stn_tensor *grad_theta,
                                              int align_corners);

/* The volumetric sampler: images B x C x D x H x W read at grid B x D' x H' x W' x 3
 * ((x, y, z) triples) -> output B x C x D' x H' x W'. The same descriptor as the 2-D
 * sampler: layout STN_SAMPLER_BCHW (meaning B x C x D x H x W here) and grid_order
 * STN_GRID_XY only; mode STN_SAMPLER_BILINEAR (trilinear) or STN_SAMPLER_NEAREST (no grid
 * gradient: zeros); every padding; align_corners 0/1; antialias 0 (bicubic and
 * antialiasing on volumes are refused). */
STN_API stn_status stn_sampler3d_forward(stn_ctx *ctx, const stn_sampler_desc *desc, const stn_tensor *images,
                                         const stn_tensor *grid, stn_tensor *output);
/* grad_images (shaped as images; NULL: not computed) and grad_grid (shaped as grid) given
 * grad_output (shaped as the output). */
STN_API stn_status stn_sampler3d_backward(stn_ctx *ctx, const stn_sampler_desc *desc, const stn_tensor *images,
                                          const stn_tensor *grid, const stn_tensor *grad_output,
                                          stn_tensor *grad_images, stn_tensor *grad_grid);

/* STN_CDEF_END */

#ifdef __cplusplus
}
#endif
#endif /* STN_SPATIAL_H */
