/* bilinear_sampler_bhwd.c: stnbhwd's sampler (nn.BilinearSamplerBHWD): images
 * B x H x W x C, grid B x H' x W' x 2 in (y, x) order, corners aligned, zeros outside.
 * The loops are in sampler_cpu.c (shared with the BCHW sampler); CUDA goes to
 * cuda/bilinear_sampler_bhwd.cu. */
#include "sampler.h"

stn_status stn_bilinear_sampler_bhwd_forward(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                             stn_tensor *output) {
  static const char *fn = "stn_bilinear_sampler_bhwd_forward";
  stn_sampler_call call;
  STN_TRY(stn_sampler_begin(ctx, &call, fn, 1, 0, 1, STN_PADDING_ZEROS, images, grid, NULL, output, NULL));
  stn_status st = STN_OK;
  if (stn_tensor_numel(&call.stage[0]) == 0) {
    /* nothing to compute */
  } else if (images->device == STN_CUDA) {
#ifdef STN_WITH_CUDA
    st = stn_bilinear_sampler_bhwd_forward_cuda(ctx, &call.images, &call.grid, &call.stage[0]);
#else
    st = STN_FAIL(STN_ERR_DEVICE, "%s: this stn was built without CUDA", fn);
#endif
  } else {
    st = stn_sampler_forward_cpu(&call.g, stn_data(&call.images), stn_data(&call.grid), stn_data(&call.stage[0]),
                                 stn_get_num_threads(ctx));
  }
  return stn_sampler_end(ctx, &call, st);
}

stn_status stn_bilinear_sampler_bhwd_backward(stn_ctx *ctx, const stn_tensor *images, const stn_tensor *grid,
                                              const stn_tensor *grad_output, stn_tensor *grad_images,
                                              stn_tensor *grad_grid, int need_grad_images) {
  static const char *fn = "stn_bilinear_sampler_bhwd_backward";
  if (!grad_output) return STN_FAIL(STN_ERR_ARG, "%s: grad_output is NULL", fn);
  stn_sampler_call call;
  STN_TRY(stn_sampler_begin(ctx, &call, fn, 1, 0, 1, STN_PADDING_ZEROS, images, grid, grad_output,
                            need_grad_images ? grad_images : NULL, grad_grid));
  stn_status st = STN_OK;
  stn_tensor *gi = need_grad_images ? &call.stage[0] : NULL;
  if (stn_tensor_numel(&call.stage[1]) == 0 && (!gi || stn_tensor_numel(gi) == 0)) {
    /* nothing to compute */
  } else if (images->device == STN_CUDA) {
#ifdef STN_WITH_CUDA
    st = stn_bilinear_sampler_bhwd_backward_cuda(ctx, &call.images, &call.grid, &call.grad_output, gi, &call.stage[1],
                                                 need_grad_images != 0);
#else
    st = STN_FAIL(STN_ERR_DEVICE, "%s: this stn was built without CUDA", fn);
#endif
  } else {
    st = stn_sampler_backward_cpu(&call.g, stn_data(&call.images), stn_data(&call.grid), stn_data(&call.grad_output),
                                  gi ? stn_data(gi) : NULL, stn_data(&call.stage[1]), stn_get_num_threads(ctx));
  }
  return stn_sampler_end(ctx, &call, st);
}
