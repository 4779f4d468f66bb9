/* grid_sampler.c: the BCHW bilinear sampler (nn.GridSampler): images B x C x H x W,
 * grid B x H' x W' x 2 in (x, y) order, align_corners and zeros/border padding. The
 * loops are in sampler_cpu.c (shared with the BHWD sampler); CUDA goes to cuda/grid_sampler.cu. */
#include "sampler.h"

stn_status stn_grid_sampler_forward(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                    stn_tensor *output, int align_corners, int padding) {
  stn_sampler_call call;
  STN_TRY(stn_sampler_begin(ctx, &call, "stn_grid_sampler_forward", 0, 1, align_corners != 0, padding, images, grid,
                            NULL, output, NULL));
  stn_status st = STN_OK;
  if (stn_tensor_numel(&call.stage[0]) == 0) {
    /* nothing to compute */
  } else if (images->device == STN_CUDA) {
#ifdef STN_WITH_CUDA
    st = stn_grid_sampler_forward_cuda(ctx, &call.images, &call.grid, &call.stage[0], align_corners != 0, padding);
#else
    st = STN_FAIL(STN_ERR_DEVICE, "stn_grid_sampler_forward: this stn was built without CUDA");
#endif
  } else {
    st = stn_sampler_forward_cpu(&call.g, stn_data(&call.images), stn_data(&call.grid), stn_data(&call.stage[0]),
                                 stn_get_num_threads(ctx));
  }
  return stn_sampler_end(ctx, &call, st);
}

stn_status stn_grid_sampler_backward(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                     const stn_tensor *grad_output, stn_tensor *grad_images, stn_tensor *grad_grid,
                                     int need_grad_images, int align_corners, int padding) {
  static const char *fn = "stn_grid_sampler_backward";
  if (!grad_output) return STN_FAIL(STN_ERR_ARG, "%s: grad_output is NULL", fn);
  stn_sampler_call call;
  STN_TRY(stn_sampler_begin(ctx, &call, fn, 0, 1, align_corners != 0, padding, images, grid, grad_output,
                            need_grad_images ? grad_images : NULL, grad_grid));
  stn_status st = STN_OK;
  stn_tensor *gi = need_grad_images ? &call.stage[0] : NULL;
  if (stn_tensor_numel(&call.stage[1]) == 0 && (!gi || stn_tensor_numel(gi) == 0)) {
    /* nothing to compute */
  } else if (images->device == STN_CUDA) {
#ifdef STN_WITH_CUDA
    st = stn_grid_sampler_backward_cuda(ctx, &call.images, &call.grid, &call.grad_output, gi, &call.stage[1],
                                        need_grad_images != 0, align_corners != 0, padding);
#else
    st = STN_FAIL(STN_ERR_DEVICE, "%s: this stn was built without CUDA", fn);
#endif
  } else {
    st = stn_sampler_backward_cpu(&call.g, stn_data(&call.images), stn_data(&call.grid), stn_data(&call.grad_output),
                                  gi ? stn_data(gi) : NULL, stn_data(&call.stage[1]), stn_get_num_threads(ctx));
  }
  return stn_sampler_end(ctx, &call, st);
}
