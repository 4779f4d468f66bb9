/* sampler.c: the sampler's public entry points (include/stn/spatial.h): the descriptor
 * and the tensors checked once into a stn_sampler_geom, inputs staged contiguous,
 * outputs resized (computed in contiguous scratch when they are not contiguous), and
 * one dispatch to the CPU loops (Float: sampler_cpu.c; Double: sampler_generic.h) or the
 * CUDA twins (cuda/spatial/sampler.cu, Float only). */
#include "checks.h"
#include "core/dtype.h"
#include "core/half.h"
#include "core/storage.h"
#include "sampler.h"
#include "sampler_antialias.h"
#include "sampler_half.h"
#include "sampler_modes.h"
#include "sampler_stage.h"

#include <math.h>
#include <string.h>

#define STN_GENERIC_FILE "spatial/sampler_generic.h"
#include "core/generic_floating.h"

/* The checked geometry and the staged tensors (sampler_stage.h). */
typedef struct sampler_call {
  stn_sampler_geom g;
  stn_sampler_stage io;
} sampler_call;

static stn_status check_desc(const char *fn, const stn_sampler_desc *d) {
  if (!d) return STN_FAIL(STN_ERR_ARG, "%s: desc is NULL", fn);
  if (d->layout != STN_SAMPLER_BCHW && d->layout != STN_SAMPLER_BHWC)
    return STN_FAIL(STN_ERR_ARG, "%s: desc->layout %d is not a layout (0 STN_SAMPLER_BCHW, 1 STN_SAMPLER_BHWC)", fn,
                    (int)d->layout);
  if (d->grid_order != STN_GRID_XY && d->grid_order != STN_GRID_YX)
    return STN_FAIL(STN_ERR_ARG, "%s: desc->grid_order %d is not a grid order (0 STN_GRID_XY, 1 STN_GRID_YX)", fn,
                    (int)d->grid_order);
  if (d->align_corners != 0 && d->align_corners != 1)
    return STN_FAIL(STN_ERR_ARG, "%s: desc->align_corners must be 0 or 1, got %d", fn, (int)d->align_corners);
  if (d->padding != STN_PADDING_ZEROS && d->padding != STN_PADDING_BORDER && d->padding != STN_PADDING_REFLECTION)
    return STN_FAIL(STN_ERR_ARG,
                    "%s: desc->padding %d is not a padding (0 STN_PADDING_ZEROS, 1 STN_PADDING_BORDER, 2 "
                    "STN_PADDING_REFLECTION)",
                    fn, (int)d->padding);
  if (d->mode != STN_SAMPLER_BILINEAR && d->mode != STN_SAMPLER_NEAREST && d->mode != STN_SAMPLER_BICUBIC)
    return STN_FAIL(STN_ERR_ARG,
                    "%s: desc->mode %d is not a mode (0 STN_SAMPLER_BILINEAR, 1 STN_SAMPLER_NEAREST, 2 "
                    "STN_SAMPLER_BICUBIC)",
                    fn, (int)d->mode);
  if (d->antialias != 0 && d->antialias != 1)
    return STN_FAIL(STN_ERR_ARG, "%s: desc->antialias must be 0 or 1, got %d", fn, (int)d->antialias);
  if (d->antialias && d->mode != STN_SAMPLER_BILINEAR)
    return STN_FAIL(STN_ERR_ARG, "%s: antialiased sampling is defined for the bilinear mode only (desc->mode %d)", fn,
                    (int)d->mode);
  return STN_OK;
}

/* Sizes and strides of a call whose descriptor and shapes were checked. */
static stn_sampler_geom geom_of(const stn_sampler_desc *d, const stn_tensor *images, const stn_tensor *grid) {
  stn_sampler_geom g;
  const int cl = d->layout == STN_SAMPLER_BHWC;
  g.desc = *d;
  g.B = images->shape[0];
  g.C = cl ? images->shape[3] : images->shape[1];
  g.H = cl ? images->shape[1] : images->shape[2];
  g.W = cl ? images->shape[2] : images->shape[3];
  g.Ho = grid->shape[1];
  g.Wo = grid->shape[2];
  g.img_b = g.C * g.H * g.W;
  g.out_b = g.C * g.Ho * g.Wo;
  if (cl) {
    g.img_c = 1, g.img_x = g.C, g.img_y = g.W * g.C;
    g.out_c = 1, g.out_p = g.C;
  } else {
    g.img_c = g.H * g.W, g.img_x = 1, g.img_y = g.W;
    g.out_c = g.Ho * g.Wo, g.out_p = 1;
  }
  return g;
}

/* Checks everything (fn names the entry point in messages), stages the inputs and
 * resizes the outputs: output (forward, out0) or grad_images (out0, NULL when not
 * wanted) and grad_grid (out1) (backward, grad_output given). */
static stn_status call_begin(stn_ctx *ctx, sampler_call *call, const char *fn, const stn_sampler_desc *desc,
                             const stn_tensor *images, const stn_tensor *grid, const stn_tensor *grad_output,
                             stn_tensor *out0, stn_tensor *out1) {
  memset(call, 0, sizeof *call);
  STN_TRY(check_desc(fn, desc));
  const int channels_last = desc->layout == STN_SAMPLER_BHWC;
  const char *layout = channels_last ? "B x H x W x C" : "B x C x H x W";
  STN_TRY(stn_spatial_check(fn, "images", images, NULL, NULL));
  STN_TRY(stn_spatial_check(fn, "grid", grid, "images", images));
  STN_TRY(stn_check_same_device(fn, images, grid));
  if (images->ndim != 4) return STN_FAIL(STN_ERR_ARG, "%s: images must be %s, got %s", fn, layout, stn_shape_str(images));
  if (grid->ndim != 4 || grid->shape[3] != 2)
    return STN_FAIL(STN_ERR_ARG, "%s: grid must be B x H' x W' x 2, got %s", fn, stn_shape_str(grid));
  if (grid->shape[0] != images->shape[0])
    return STN_FAIL(STN_ERR_ARG, "%s: images (%s) and grid (%s) have different batch sizes", fn, stn_shape_str(images),
                    stn_shape_str(grid));
  int64_t h = images->shape[channels_last ? 1 : 2], w = images->shape[channels_last ? 2 : 3];
  /* pixel indices within a plane are 32-bit */
  const int64_t ho = grid->shape[1], wo = grid->shape[2], big = 2147483647;
  if (h < 1 || w < 1 || h > big || w > big || h * w > big || ho > big || wo > big || ho * wo > big / 2)
    return STN_FAIL(STN_ERR_ARG, "%s: image size %lldx%lld (images %s, grid %s) out of range", fn, (long long)h,
                    (long long)w, stn_shape_str(images), stn_shape_str(grid));
  call->g = geom_of(desc, images, grid);
  const stn_sampler_geom *g = &call->g;
  int64_t osize[4] = {g->B, g->C, g->Ho, g->Wo};
  if (channels_last) osize[1] = g->Ho, osize[2] = g->Wo, osize[3] = g->C;
  const stn_sampler_args args = {images, grid, grad_output, out0, out1};
  return stn_sampler_stage_begin(ctx, &call->io, fn, &args, 4, osize);
}

static stn_status call_end(stn_ctx *ctx, sampler_call *call, stn_status st) {
  return stn_sampler_stage_end(ctx, &call->io, st);
}

/* The one device dispatch of the op family: the checked geometry goes as is to either leg. */
static stn_status sampler_forward_on_device(stn_ctx *ctx, sampler_call *c) {
  if (stn_tensor_numel(&c->io.stage[0]) == 0) return STN_OK;
  if (stn_sampler_uses_modes(&c->g.desc)) { /* nearest, bicubic, reflection: sampler_modes.h */
    if (c->io.images.device == STN_CUDA)
      STN_CUDA_DISPATCH(stn_sampler_modes_forward_cuda(ctx, &c->g, &c->io.images, &c->io.grid, &c->io.stage[0]));
    return stn_sampler_modes_forward_cpu(&c->g, &c->io.images, &c->io.grid, &c->io.stage[0],
                                         stn_get_num_threads(ctx));
  }
  if (c->io.images.device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_sampler_forward_cuda(ctx, &c->g, &c->io.images, &c->io.grid, &c->io.stage[0]));
  STN_DISPATCH_FLOATING("stn_sampler_forward", c->io.images.dtype, sampler_forward_typed,
                        (&c->g, &c->io.images, &c->io.grid, &c->io.stage[0], stn_get_num_threads(ctx)));
}

static stn_status sampler_backward_on_device(stn_ctx *ctx, sampler_call *c) {
  stn_tensor *gi = c->io.out[0] ? &c->io.stage[0] : NULL;
  if (stn_tensor_numel(&c->io.stage[1]) == 0 && (!gi || stn_tensor_numel(gi) == 0)) return STN_OK;
  if (stn_sampler_uses_modes(&c->g.desc)) {
    if (c->io.images.device == STN_CUDA)
      STN_CUDA_DISPATCH(
          stn_sampler_modes_backward_cuda(ctx, &c->g, &c->io.images, &c->io.grid, &c->io.grad_output, gi,
                                          &c->io.stage[1]));
    return stn_sampler_modes_backward_cpu(&c->g, &c->io.images, &c->io.grid, &c->io.grad_output, gi, &c->io.stage[1],
                                          stn_get_num_threads(ctx));
  }
  if (c->io.images.device == STN_CUDA)
    STN_CUDA_DISPATCH(
        stn_sampler_backward_cuda(ctx, &c->g, &c->io.images, &c->io.grid, &c->io.grad_output, gi, &c->io.stage[1]));
  STN_DISPATCH_FLOATING("stn_sampler_backward", c->io.images.dtype, sampler_backward_typed,
                        (&c->g, &c->io.images, &c->io.grid, &c->io.grad_output, gi, &c->io.stage[1],
                         stn_get_num_threads(ctx)));
}

/* Antialiased: the plain backward on grad_output zeroed at the wide-footprint pixels,
 * then those pixels' own gradients (sampler_antialias.h). */
static stn_status sampler_backward_antialias(stn_ctx *ctx, sampler_call *c) {
  stn_tensor masked, go = c->io.grad_output;
  memset(&masked, 0, sizeof masked);
  stn_status st = stn_tensor_new_typed(ctx, &masked, go.device, go.dtype, go.ndim, go.shape);
  if (st == STN_OK) st = stn_copy(ctx, &masked, &go);
  if (st == STN_OK) st = stn_sampler_antialias_mask(ctx, &c->g, &c->io.grid, &masked);
  if (st == STN_OK) {
    c->io.grad_output = masked;
    st = sampler_backward_on_device(ctx, c);
    c->io.grad_output = go;
  }
  stn_tensor_release(&masked);
  stn_tensor *gi = c->io.out[0] ? &c->io.stage[0] : NULL;
  if (st == STN_OK)
    st = stn_sampler_antialias_backward(ctx, &c->g, &c->io.images, &c->io.grid, &c->io.grad_output, gi,
                                        &c->io.stage[1]);
  return st;
}

stn_status stn_sampler_forward(stn_ctx *ctx, const stn_sampler_desc *desc, const stn_tensor *images,
                               const stn_tensor *grid, stn_tensor *output) {
  if (images && stn_dtype_is_half(images->dtype))
    return stn_sampler_half_forward(ctx, "stn_sampler_forward", stn_sampler_forward, desc, images, grid, output);
  sampler_call call;
  STN_TRY(call_begin(ctx, &call, "stn_sampler_forward", desc, images, grid, NULL, output, NULL));
  stn_status st = sampler_forward_on_device(ctx, &call);
  if (st == STN_OK && call.g.desc.antialias)
    st = stn_sampler_antialias_forward(ctx, &call.g, &call.io.images, &call.io.grid, &call.io.stage[0]);
  return call_end(ctx, &call, st);
}

stn_status stn_sampler_backward(stn_ctx *ctx, const stn_sampler_desc *desc, const stn_tensor *images,
                                const stn_tensor *grid, const stn_tensor *grad_output, stn_tensor *grad_images,
                                stn_tensor *grad_grid) {
  static const char *fn = "stn_sampler_backward";
  if (!grad_output) return STN_FAIL(STN_ERR_ARG, "%s: grad_output is NULL", fn);
  if (images && stn_dtype_is_half(images->dtype))
    return stn_sampler_half_backward(ctx, fn, stn_sampler_backward, desc, images, grid, grad_output, grad_images,
                                     grad_grid);
  sampler_call call;
  STN_TRY(call_begin(ctx, &call, fn, desc, images, grid, grad_output, grad_images, grad_grid));
  if (!call.g.desc.antialias) return call_end(ctx, &call, sampler_backward_on_device(ctx, &call));
  return call_end(ctx, &call, sampler_backward_antialias(ctx, &call));
}
