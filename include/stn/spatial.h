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
 * contiguous scratch first; outputs are resized here. Every backward overwrites its
 * gradients (updateGradInput semantics) and is deterministic on both devices. */

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

/* Affine grid: theta B x 2 x 3 -> grid B x height x width x 2. Output pixel (i, j)
 * (0-based) has the normalized coordinates y_i, x_j: with align_corners
 * -1 + 2i/(height-1) (height >= 2, likewise x), without (2i+1)/height - 1.
 * order_xy = 0 (the BHWD family): grid = theta * (y, x, 1), y first;
 * order_xy = 1 (the BCHW family): grid = theta * (x, y, 1), x first. */
STN_API stn_status stn_affine_grid_forward(stn_ctx *ctx, const stn_tensor *theta, stn_tensor *grid, int64_t height,
                                           int64_t width, int order_xy, int align_corners);
/* grad_theta (B x 2 x 3) <- sum over pixels of grad_grid (B x H x W x 2) times the base coordinates. */
STN_API stn_status stn_affine_grid_backward(stn_ctx *ctx, const stn_tensor *grad_grid, stn_tensor *grad_theta,
                                            int order_xy, int align_corners);

typedef enum stn_padding { STN_PADDING_ZEROS = 0, STN_PADDING_BORDER = 1 } stn_padding;

/* stnbhwd's sampler: images B x H x W x C, grid B x H' x W' x 2 holding (y, x) ->
 * output B x H' x W' x C. Grid value v maps to pixel (v + 1)(size - 1)/2 (corners
 * aligned); bilinear interpolation, neighbours outside the image count as 0. */
STN_API stn_status stn_bilinear_sampler_bhwd_forward(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                                     stn_tensor *output);
/* grad_images (B x H x W x C, skipped and left untouched when need_grad_images is 0)
 * and grad_grid (B x H' x W' x 2) given grad_output (B x H' x W' x C). */
STN_API stn_status stn_bilinear_sampler_bhwd_backward(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                                      const stn_tensor *grad_output, stn_tensor *grad_images,
                                                      stn_tensor *grad_grid, int need_grad_images);

/* The BCHW sampler: images B x C x H x W, grid B x H' x W' x 2 holding (x, y) ->
 * output B x C x H' x W'. align_corners: -1 and 1 are the centres of the border pixels
 * (pixel = (v + 1)(size - 1)/2), else their outer edges (pixel = ((v + 1) size - 1)/2).
 * padding: STN_PADDING_ZEROS (outside counts as 0) or STN_PADDING_BORDER (edge value). */
STN_API stn_status stn_grid_sampler_forward(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                            stn_tensor *output, int align_corners, int padding);
STN_API stn_status stn_grid_sampler_backward(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                             const stn_tensor *grad_output, stn_tensor *grad_images,
                                             stn_tensor *grad_grid, int need_grad_images, int align_corners,
                                             int padding);

/* Which CUDA kernel computes the samplers' image gradient (both samplers; the CPU has
 * one way): STN_SAMPLER_BWD_SLICE, one block per (batch element, channel group) slice,
 * or STN_SAMPLER_BWD_SPLIT, a cluster of blocks per slice (sm_90 thread block clusters;
 * on older GPUs, and for images too large for its shared memory, the slice kernel runs).
 * Both are deterministic and give the same bits. Until set, $STN_SAMPLER_BWD ("slice"
 * or "split") decides, else slice. */
typedef enum stn_sampler_bwd { STN_SAMPLER_BWD_SLICE = 0, STN_SAMPLER_BWD_SPLIT = 1 } stn_sampler_bwd;
STN_API stn_status stn_sampler_set_backward(stn_ctx *ctx, int variant);
STN_API stn_status stn_sampler_get_backward(stn_ctx *ctx, int *variant);

/* STN_CDEF_END */

#ifdef __cplusplus
}
#endif
#endif /* STN_SPATIAL_H */
