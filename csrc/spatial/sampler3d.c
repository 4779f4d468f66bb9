/* sampler3d.c: the volumetric sampler's entry points (include/stn/spatial.h): images
 * B x C x D x H x W read at a grid B x D' x H' x W' x 3 of (x, y, z) triples, trilinear
 * or nearest, zeros / border / reflection padding. The descriptor and the shapes are
 * checked once into a stn_sampler3d_geom, inputs staged contiguous, outputs resized
 * (computed in contiguous scratch when they are not contiguous), then one dispatch to the
 * CPU loops (sampler3d_generic.h, Float and Double) or the CUDA twins
 * (cuda/spatial/sampler3d.cu, Float). */
#include "checks.h"
#include "core/dtype.h"
#include "core/half.h"
#include "core/storage.h"
#include "sampler3d.h"
#include "sampler_half.h"
#include "sampler_stage.h"

#include <math.h>
#include <string.h>

#define STN_GENERIC_FILE "spatial/sampler3d_generic.h"
#include "core/generic_floating.h"

/* The checked geometry and the staged tensors (sampler_stage.h). */
typedef struct sampler3d_call {
  stn_sampler3d_geom g;
  stn_sampler_stage io;
} sampler3d_call;

static stn_status check_desc3(const char *fn, const stn_sampler_desc *d) {
  if (!d) return STN_FAIL(STN_ERR_ARG, "%s: desc is NULL", fn);
  if (d->layout != STN_SAMPLER_BCHW)
    return STN_FAIL(STN_ERR_ARG,
                    "%s: desc->layout %d: volumes take STN_SAMPLER_BCHW (0, images B x C x D x H x W) only", fn,
                    (int)d->layout);
  if (d->grid_order != STN_GRID_XY)
    return STN_FAIL(STN_ERR_ARG, "%s: desc->grid_order %d: volumes take STN_GRID_XY (0, (x, y, z) triples) only", fn,
                    (int)d->grid_order);
  if (d->align_corners != 0 && d->align_corners != 1)
    return STN_FAIL(STN_ERR_ARG, "%s: desc->align_corners must be 0 or 1, got %d", fn, (int)d->align_corners);
  if (d->padding != STN_PADDING_ZEROS && d->padding != STN_PADDING_BORDER && d->padding != STN_PADDING_REFLECTION)
    return STN_FAIL(STN_ERR_ARG,
                    "%s: desc->padding %d is not a padding (0 STN_PADDING_ZEROS, 1 STN_PADDING_BORDER, 2 "
                    "STN_PADDING_REFLECTION)",
                    fn, (int)d->padding);
  if (d->mode == STN_SAMPLER_BICUBIC)
    return STN_FAIL(STN_ERR_ARG,
                    "%s: the bicubic mode is not defined on volumes (5-D): use STN_SAMPLER_BILINEAR (trilinear) or "
                    "STN_SAMPLER_NEAREST",
                    fn);
  if (d->mode != STN_SAMPLER_BILINEAR && d->mode != STN_SAMPLER_NEAREST)
    return STN_FAIL(STN_ERR_ARG, "%s: desc->mode %d is not a volumetric mode (0 STN_SAMPLER_BILINEAR, 1 STN_SAMPLER_NEAREST)",
                    fn, (int)d->mode);
  if (d->antialias == 1)
    return STN_FAIL(STN_ERR_ARG, "%s: antialiased sampling is not defined on volumes (5-D): set desc->antialias to 0",
                    fn);
  if (d->antialias != 0)
    return STN_FAIL(STN_ERR_ARG, "%s: desc->antialias must be 0 or 1, got %d", fn, (int)d->antialias);
  return STN_OK;
}

/* Checks everything (fn names the entry point in messages), stages the inputs and
 * resizes the outputs: output (forward, out0) or grad_images (out0, NULL when not wanted)
 * and grad_grid (out1) (backward, grad_output given). */
static stn_status call_begin(stn_ctx *ctx, sampler3d_call *call, const char *fn, const stn_sampler_desc *desc,
                             const stn_tensor *images, const stn_tensor *grid, const stn_tensor *grad_output,
                             stn_tensor *out0, stn_tensor *out1) {
  memset(call, 0, sizeof *call);
  STN_TRY(check_desc3(fn, desc));
  STN_TRY(stn_spatial_check(fn, "images", images, NULL, NULL));
  STN_TRY(stn_spatial_check(fn, "grid", grid, "images", images));
  STN_TRY(stn_check_same_device(fn, images, grid));
  if (images->ndim != 5)
    return STN_FAIL(STN_ERR_ARG, "%s: images must be B x C x D x H x W, got %s", fn, stn_shape_str(images));
  if (grid->ndim != 5 || grid->shape[4] != 3)
    return STN_FAIL(STN_ERR_ARG, "%s: grid must be B x D' x H' x W' x 3, got %s", fn, stn_shape_str(grid));
  if (grid->shape[0] != images->shape[0])
    return STN_FAIL(STN_ERR_ARG, "%s: images (%s) and grid (%s) have different batch sizes", fn, stn_shape_str(images),
                    stn_shape_str(grid));
  stn_sampler3d_geom *g = &call->g;
  g->mode = desc->mode, g->padding = desc->padding, g->align = desc->align_corners;
  g->B = images->shape[0], g->C = images->shape[1];
  g->D = images->shape[2], g->H = images->shape[3], g->W = images->shape[4];
  g->Do = grid->shape[1], g->Ho = grid->shape[2], g->Wo = grid->shape[3];
  if (g->D < 1 || g->H < 1 || g->W < 1)
    return STN_FAIL(STN_ERR_ARG, "%s: images %s have an empty volume", fn, stn_shape_str(images));
  /* the sizes' products fit int64 (every tensor's element count did) */
  g->V = g->D * g->H * g->W;
  g->P = g->Do * g->Ho * g->Wo;
  const int64_t osize[5] = {g->B, g->C, g->Do, g->Ho, g->Wo};
  const stn_sampler_args args = {images, grid, grad_output, out0, out1};
  return stn_sampler_stage_begin(ctx, &call->io, fn, &args, 5, osize);
}

static stn_status call_end(stn_ctx *ctx, sampler3d_call *call, stn_status st) {
  return stn_sampler_stage_end(ctx, &call->io, st);
}

static stn_status forward_on_device(stn_ctx *ctx, sampler3d_call *c) {
  if (stn_tensor_numel(&c->io.stage[0]) == 0) return STN_OK;
  if (c->io.images.device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_sampler3d_forward_cuda(ctx, &c->g, &c->io.images, &c->io.grid, &c->io.stage[0]));
  STN_DISPATCH_FLOATING("stn_sampler3d_forward", c->io.images.dtype, sampler3d_forward_typed,
                        (&c->g, &c->io.images, &c->io.grid, &c->io.stage[0], stn_get_num_threads(ctx)));
}

static stn_status backward_on_device(stn_ctx *ctx, sampler3d_call *c) {
  stn_tensor *gi = c->io.out[0] ? &c->io.stage[0] : NULL;
  if (stn_tensor_numel(&c->io.stage[1]) == 0 && (!gi || stn_tensor_numel(gi) == 0)) return STN_OK;
  if (c->io.images.device == STN_CUDA)
    STN_CUDA_DISPATCH(
        stn_sampler3d_backward_cuda(ctx, &c->g, &c->io.images, &c->io.grid, &c->io.grad_output, gi, &c->io.stage[1]));
  STN_DISPATCH_FLOATING("stn_sampler3d_backward", c->io.images.dtype, sampler3d_backward_typed,
                        (&c->g, &c->io.images, &c->io.grid, &c->io.grad_output, gi, &c->io.stage[1],
                         stn_get_num_threads(ctx)));
}

stn_status stn_sampler3d_forward(stn_ctx *ctx, const stn_sampler_desc *desc, const stn_tensor *images,
                                 const stn_tensor *grid, stn_tensor *output) {
  if (images && stn_dtype_is_half(images->dtype))
    return stn_sampler_half_forward(ctx, "stn_sampler3d_forward", stn_sampler3d_forward, desc, images, grid, output);
  sampler3d_call call;
  STN_TRY(call_begin(ctx, &call, "stn_sampler3d_forward", desc, images, grid, NULL, output, NULL));
  return call_end(ctx, &call, forward_on_device(ctx, &call));
}

stn_status stn_sampler3d_backward(stn_ctx *ctx, const stn_sampler_desc *desc, const stn_tensor *images,
                                  const stn_tensor *grid, const stn_tensor *grad_output, stn_tensor *grad_images,
                                  stn_tensor *grad_grid) {
  static const char *fn = "stn_sampler3d_backward";
  if (!grad_output) return STN_FAIL(STN_ERR_ARG, "%s: grad_output is NULL", fn);
  if (images && stn_dtype_is_half(images->dtype))
    return stn_sampler_half_backward(ctx, fn, stn_sampler3d_backward, desc, images, grid, grad_output, grad_images,
                                     grad_grid);
  sampler3d_call call;
  STN_TRY(call_begin(ctx, &call, fn, desc, images, grid, grad_output, grad_images, grad_grid));
  return call_end(ctx, &call, backward_on_device(ctx, &call));
}
