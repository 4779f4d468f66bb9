/* pool_check.c: the argument checks SpatialMaxPooling and SpatialAveragePooling share
 * (Torch7's rules: positive kernel and stride, padding at most half the kernel). */
#include "nn_common.h"

stn_status stn_pool_check(const char *fn, const stn_tensor *input, int kW, int kH, int dW, int dH, int padW, int padH,
                          int ceil_mode, stn_pool_geom *g) {
  STN_TRY(stn_check_tensor(fn, "input", input));
  int64_t b, c, h, w;
  STN_TRY(stn_check_images(fn, input, &b, &c, &h, &w));
  if (kW < 1 || kH < 1 || dW < 1 || dH < 1)
    return STN_FAIL(STN_ERR_ARG, "%s: kernel %dx%d and stride %d,%d must be positive", fn, kW, kH, dW, dH);
  if (padW < 0 || padH < 0 || padW > kW / 2 || padH > kH / 2)
    return STN_FAIL(STN_ERR_ARG, "%s: padding %d,%d must be between 0 and half the %dx%d kernel", fn, padW, padH, kW, kH);
  *g = stn_pool_geom_of(input, kW, kH, dW, dH, padW, padH, ceil_mode);
  if (g->oH < 1 || g->oW < 1)
    return STN_FAIL(STN_ERR_ARG, "%s: input %s (padded by %d,%d) is smaller than the %dx%d window", fn,
                    stn_shape_str(input), padW, padH, kW, kH);
  return STN_OK;
}

stn_status stn_pool_check_grad(const char *fn, const stn_tensor *input, const stn_tensor *gradOutput,
                               const stn_tensor *gradInput, const stn_pool_geom *g) {
  STN_TRY(stn_check_on(fn, "gradOutput", gradOutput, input->device));
  STN_TRY(stn_check_on(fn, "gradInput", gradInput, input->device));
  int d = input->ndim;
  if (gradOutput->ndim != d || gradOutput->shape[d - 3] != g->C || gradOutput->shape[d - 2] != g->oH ||
      gradOutput->shape[d - 1] != g->oW || (d == 4 && gradOutput->shape[0] != g->B))
    return STN_FAIL(STN_ERR_ARG, "%s: gradOutput is %s but the output of input %s is %s%lldx%lldx%lld", fn,
                    stn_shape_str(gradOutput), stn_shape_str(input), d == 4 ? "Bx" : "", (long long)g->C,
                    (long long)g->oH, (long long)g->oW);
  return STN_OK;
}
