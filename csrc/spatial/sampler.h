/* sampler.h: what the two sampler ops (bilinear_sampler_bhwd.c, grid_sampler.c) and
 * their CUDA twins share: the geometry of a call, argument checks and contiguous
 * staging of inputs and outputs, and the CPU loops (sampler_cpu.c). */
#ifndef STN_SAMPLER_H
#define STN_SAMPLER_H

#include "bilinear.h"
#include "core/internal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Everything is contiguous: images B x C x H x W (or B x H x W x C when channels_last),
 * grid B x Ho x Wo x 2, output B x C x Ho x Wo (or B x Ho x Wo x C). */
typedef struct stn_sampler_geom {
  int64_t B, C, H, W, Ho, Wo;
  int channels_last;  /* stnbhwd's BHWD layout */
  int grid_xy;        /* the grid holds (x, y); else (y, x) */
  int align_corners;
  int padding;        /* stn_padding */
  /* strides in elements, derived from the layout */
  int64_t img_b, img_c, img_y, img_x;  /* images */
  int64_t out_b, out_c, out_p;         /* output and grad_output (p: pixel of the Ho x Wo plane) */
} stn_sampler_geom;

static inline stn_sampler_geom stn_sampler_geom_of(const stn_tensor *images, const stn_tensor *grid, int channels_last,
                                                   int grid_xy, int align_corners, int padding) {
  stn_sampler_geom g;
  g.B = images->shape[0];
  g.C = channels_last ? images->shape[3] : images->shape[1];
  g.H = channels_last ? images->shape[1] : images->shape[2];
  g.W = channels_last ? images->shape[2] : images->shape[3];
  g.Ho = grid->shape[1];
  g.Wo = grid->shape[2];
  g.channels_last = channels_last;
  g.grid_xy = grid_xy;
  g.align_corners = align_corners;
  g.padding = padding;
  g.img_b = g.C * g.H * g.W;
  g.out_b = g.C * g.Ho * g.Wo;
  if (channels_last) {
    g.img_c = 1, g.img_x = g.C, g.img_y = g.W * g.C;
    g.out_c = 1, g.out_p = g.C;
  } else {
    g.img_c = g.H * g.W, g.img_x = 1, g.img_y = g.W;
    g.out_c = g.Ho * g.Wo, g.out_p = 1;
  }
  return g;
}

/* Inputs checked and made contiguous (views, or copies when they were not), plus a
 * contiguous stand-in for each output that is not contiguous after resizing. */
typedef struct stn_sampler_call {
  stn_sampler_geom g;
  stn_tensor images, grid, grad_output;   /* contiguous inputs (grad_output: backward only) */
  stn_tensor *out[2];                     /* the caller's outputs (NULL when not wanted) */
  stn_tensor stage[2];                    /* contiguous stand-ins, or views of out[k] */
} stn_sampler_call;

/* Checks the arguments (fn names the op in messages; channels_last picks the layout),
 * stages the inputs and resizes the outputs: output (forward) or grad_images and
 * grad_grid (backward, grad_output given; grad_images NULL when not wanted). */
stn_status stn_sampler_begin(stn_ctx *ctx, stn_sampler_call *call, const char *fn, int channels_last, int grid_xy,
                             int align_corners, int padding, const stn_tensor *images, const stn_tensor *grid,
                             const stn_tensor *grad_output, stn_tensor *out0, stn_tensor *out1);
/* Copies staged outputs back (when st is STN_OK) and releases everything; returns st
 * or the status of a failed copy. */
stn_status stn_sampler_end(stn_ctx *ctx, stn_sampler_call *call, stn_status st);

/* The CPU loops: output <- sample(images, grid); grad_images (NULL: skipped) and
 * grad_grid <- backward. All pointers to contiguous memory laid out as g says. */
stn_status stn_sampler_forward_cpu(const stn_sampler_geom *g, const float *images, const float *grid, float *output,
                                   int num_threads);
stn_status stn_sampler_backward_cpu(const stn_sampler_geom *g, const float *images, const float *grid,
                                    const float *grad_output, float *grad_images, float *grad_grid, int num_threads);

/* Channels-last loops of the BCHW sampler (sampler_hwc.c): per-thread scratch, and one
 * task per (batch element b, channels [c0, c1)). The backward writes the image gradient
 * of those channels (gimg, the element's; NULL: skipped) and, with ggrid (c0..c1 then
 * every channel), the element's grid gradient. */
typedef struct stn_hwc_scratch {
  float *x, *g, *z; /* the element's image and image gradient, channels last; a chunk of output or gradOutput */
} stn_hwc_scratch;
int stn_hwc_scratch_alloc(stn_hwc_scratch *sc, const stn_sampler_geom *g, int64_t gmax, int with_grad);
void stn_hwc_scratch_free(stn_hwc_scratch *sc);
void stn_sampler_hwc_forward(const stn_sampler_geom *g, const float *images, const float *grid, float *output,
                             int64_t b, int64_t c0, int64_t c1, stn_hwc_scratch *sc);
void stn_sampler_hwc_backward(const stn_sampler_geom *g, const float *images, const float *grid,
                              const float *grad_output, float *gimg, float *ggrid, int64_t b, int64_t c0, int64_t c1,
                              stn_hwc_scratch *sc);

/* The CUDA backward variant in effect (stn_sampler_set_backward, else $STN_SAMPLER_BWD,
 * else slice); fails on a $STN_SAMPLER_BWD that names none. */
stn_status stn_sampler_backward_variant(stn_ctx *ctx, int *variant);

/* The same on CUDA (cuda/sampler.cu), on contiguous CUDA tensors; grad_images NULL: skipped. */
stn_status stn_sampler_forward_cuda(stn_ctx *ctx, const stn_sampler_geom *g, const stn_tensor *images,
                                   const stn_tensor *grid, stn_tensor *output);
stn_status stn_sampler_backward_cuda(stn_ctx *ctx, const stn_sampler_geom *g, const stn_tensor *images,
                                    const stn_tensor *grid, const stn_tensor *grad_output, stn_tensor *grad_images,
                                    stn_tensor *grad_grid);

/* CUDA twins (cuda/spatial/), called after the entry points checked and sized everything */
stn_status stn_bilinear_sampler_bhwd_forward_cuda(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                                  stn_tensor *output);
stn_status stn_bilinear_sampler_bhwd_backward_cuda(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                                   const stn_tensor *grad_output, stn_tensor *grad_images,
                                                   stn_tensor *grad_grid, int need_grad_images);
stn_status stn_grid_sampler_forward_cuda(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                         stn_tensor *output, int align_corners, int padding);
stn_status stn_grid_sampler_backward_cuda(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                          const stn_tensor *grad_output, stn_tensor *grad_images, stn_tensor *grad_grid,
                                          int need_grad_images, int align_corners, int padding);

#ifdef __cplusplus
}
#endif
#endif /* STN_SAMPLER_H */
