/* sampler_stage.c: the samplers' shared staging (sampler_stage.h). */
#include "sampler_stage.h"

#include "checks.h"
#include "core/copy.h"
#include "core/storage.h"

#include <stdio.h>
#include <string.h>

/* "AxBxC" of n sizes, for messages. */
static void sizes_str(char *buf, size_t len, int n, const int64_t *size) {
  size_t at = 0;
  buf[0] = 0;
  for (int d = 0; d < n && at < len; d++)
    at += (size_t)snprintf(buf + at, len - at, d ? "x%lld" : "%lld", (long long)size[d]);
}

stn_status stn_sampler_stage_begin(stn_ctx *ctx, stn_sampler_stage *s, const char *fn, const stn_sampler_args *a,
                                   int ndim, const int64_t *osize) {
  memset(s, 0, sizeof *s);
  const stn_tensor *images = a->images, *grid = a->grid, *grad_output = a->grad_output;
  if (grad_output) {
    STN_TRY(stn_spatial_check(fn, "grad_output", grad_output, "images", images));
    STN_TRY(stn_check_same_device(fn, images, grad_output));
    int same = grad_output->ndim == ndim;
    for (int d = 0; same && d < ndim; d++) same = grad_output->shape[d] == osize[d];
    if (!same) {
      char want[128];
      sizes_str(want, sizeof want, ndim, osize);
      return STN_FAIL(STN_ERR_ARG, "%s: grad_output must be %s for images %s and grid %s, got %s", fn, want,
                      stn_shape_str(images), stn_shape_str(grid), stn_shape_str(grad_output));
    }
  }
  stn_tensor *outs[2] = {a->out0, a->out1};
  for (int k = 0; k < 2; k++) {
    if (!outs[k]) continue;
    STN_TRY(stn_spatial_check(fn, k ? "grad_grid" : (grad_output ? "grad_images" : "output"), outs[k], "images", images));
    STN_TRY(stn_check_same_device(fn, images, outs[k]));
  }
  if (!grad_output) {
    if (!outs[0]) return STN_FAIL(STN_ERR_ARG, "%s: output is NULL", fn);
    STN_TRY(stn_resize_out(ctx, outs[0], images->dtype, ndim, osize));
  } else {
    if (!outs[1]) return STN_FAIL(STN_ERR_ARG, "%s: grad_grid is NULL", fn);
    if (outs[0]) STN_TRY(stn_resize_as(ctx, outs[0], images));
    STN_TRY(stn_resize_as(ctx, outs[1], grid));
  }
  /* from here on, everything taken is released by stn_sampler_stage_end */
  stn_status st = stn_contiguous_copy(ctx, &s->images, images);
  if (st == STN_OK) st = stn_contiguous_copy(ctx, &s->grid, grid);
  if (st == STN_OK && grad_output) st = stn_contiguous_copy(ctx, &s->grad_output, grad_output);
  for (int k = 0; k < 2 && st == STN_OK; k++) {
    s->out[k] = outs[k];
    if (!outs[k]) continue;
    if (stn_tensor_is_contiguous(outs[k]))
      stn_tensor_set(&s->stage[k], outs[k]);
    else
      st = stn_tensor_new_typed(ctx, &s->stage[k], outs[k]->device, outs[k]->dtype, outs[k]->ndim, outs[k]->shape);
  }
  return st == STN_OK ? STN_OK : stn_sampler_stage_end(ctx, s, st);
}

stn_status stn_sampler_stage_end(stn_ctx *ctx, stn_sampler_stage *s, stn_status st) {
  for (int k = 0; k < 2; k++) {
    stn_tensor *out = s->out[k];
    if (out && s->stage[k].mem && s->stage[k].mem != out->mem && st == STN_OK) st = stn_copy(ctx, out, &s->stage[k]);
    stn_tensor_release(&s->stage[k]);
  }
  stn_tensor_release(&s->images);
  stn_tensor_release(&s->grid);
  stn_tensor_release(&s->grad_output);
  return st;
}
