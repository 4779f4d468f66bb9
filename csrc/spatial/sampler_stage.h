/* sampler_stage.h: the staging the 2-D and the volumetric samplers' entry points share
 * (sampler.c, sampler3d.c): grad_output checked against the output's sizes, the outputs
 * checked and resized, the inputs copied contiguous (views when they already are), and a
 * contiguous stand-in for each output that is not contiguous. The kernels then read and
 * write contiguous tensors only; stn_sampler_stage_end copies the stand-ins back. */
#ifndef STN_SPATIAL_SAMPLER_STAGE_H
#define STN_SPATIAL_SAMPLER_STAGE_H

#include "core/context.h"
#include "core/tensor.h"

typedef struct stn_sampler_stage {
  stn_tensor images, grid, grad_output; /* contiguous inputs (grad_output: backward only) */
  stn_tensor *out[2];                   /* the caller's outputs (NULL when not wanted) */
  stn_tensor stage[2];                  /* contiguous stand-ins, or views of out[k] */
} stn_sampler_stage;

/* A call's tensors: forward (grad_output NULL): out0 the output; backward: out0
 * grad_images (NULL: not wanted) and out1 grad_grid. images and grid are checked already. */
typedef struct stn_sampler_args {
  const stn_tensor *images, *grid, *grad_output;
  stn_tensor *out0, *out1;
} stn_sampler_args;

/* osize: the output's ndim sizes (grad_output must have them; the forward's output is
 * resized to them; grad_images takes images' sizes, grad_grid grid's). fn names the entry
 * point in messages. On failure nothing is held. */
stn_status stn_sampler_stage_begin(stn_ctx *ctx, stn_sampler_stage *s, const char *fn, const stn_sampler_args *a,
                                   int ndim, const int64_t *osize);
/* Copies the stand-ins back to the outputs (when st is STN_OK) and releases everything;
 * returns st, or the status of a failed copy. */
stn_status stn_sampler_stage_end(stn_ctx *ctx, stn_sampler_stage *s, stn_status st);

#endif /* STN_SPATIAL_SAMPLER_STAGE_H */
