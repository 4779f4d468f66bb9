/* affine_matrix.cu: CUDA twin of stn_affine_matrix_forward/backward (csrc/spatial/affine_matrix.c):
 * one thread per batch element running the arithmetic of csrc/spatial/affine.h. */
#include "../core/common.cuh"

#include "spatial/affine.h"

__global__ void affine_matrix_forward_kernel(const float *p, float *theta, int64_t B, int k, int rot, int scale,
                                             int trans) {
  for (int64_t b = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; b < B; b += (int64_t)gridDim.x * blockDim.x)
    stn_affine_matrix_of(p + b * k, theta + 6 * b, rot, scale, trans);
}

__global__ void affine_matrix_backward_kernel(const float *p, const float *gtheta, float *gp, int64_t B, int k, int rot,
                                              int scale, int trans) {
  for (int64_t b = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; b < B; b += (int64_t)gridDim.x * blockDim.x)
    stn_affine_matrix_grad(p + b * k, gtheta + 6 * b, gp + b * k, rot, scale, trans);
}

extern "C" stn_status stn_affine_matrix_forward_cuda(stn_ctx *ctx, const stn_tensor *params, stn_tensor *theta,
                                                     int use_rotation, int use_scale, int use_translation) {
  int64_t B = params->shape[0];
  int k = (int)params->shape[1];
  affine_matrix_forward_kernel<<<stn_blocks(ctx, B, 128), 128, 0, stn_stream(ctx)>>>(
      stn_data(params), stn_data(theta), B, k, use_rotation, use_scale, use_translation);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

extern "C" stn_status stn_affine_matrix_backward_cuda(stn_ctx *ctx, const stn_tensor *params,
                                                      const stn_tensor *grad_theta, stn_tensor *grad_params,
                                                      int use_rotation, int use_scale, int use_translation) {
  int64_t B = params->shape[0];
  int k = (int)params->shape[1];
  affine_matrix_backward_kernel<<<stn_blocks(ctx, B, 128), 128, 0, stn_stream(ctx)>>>(
      stn_data(params), stn_data(grad_theta), stn_data(grad_params), B, k, use_rotation, use_scale, use_translation);
  STN_LAUNCH_CHECK();
  return STN_OK;
}
