/* pool_check.c: the argument checks SpatialMaxPooling and SpatialAveragePooling share
 * (Torch7's rules: positive kernel and stride, padding at most half the kernel). */
#include "nn/pool.h"

/* Output size of a pooling window sweep, Torch7's rule: floor or ceil, and in ceil
 * mode a last window that would start in the padding (or past the image) is dropped.
 * Returns 0 when the padded input is smaller than the window. */
static int64_t out_size(int64_t in, int k, int d, int pad, int ceil_mode) {
  int64_t span = in + 2 * (int64_t)pad - k;
  if (span < 0) return 0;
  int64_t o = ceil_mode ? (span + d - 1) / d + 1 : span / d + 1;
  if (ceil_mode && (o - 1) * d >= in + pad) o--;
  return o;
}

stn_status stn_pool_check(const char *fn, const stn_pool2d_plan *plan, const stn_tensor *input, stn_pool_geom *g) {
  STN_TRY(stn_check_plan(fn, "plan", plan));
  int kW = plan->kW, kH = plan->kH, dW = plan->dW, dH = plan->dH, padW = plan->padW, padH = plan->padH;
  STN_TRY(stn_check_nn_input(fn, "input", input));
  int64_t b, c, h, w;
  STN_TRY(stn_check_images(fn, input, &b, &c, &h, &w));
  if (kW < 1 || kH < 1 || dW < 1 || dH < 1)
    return STN_FAIL(STN_ERR_ARG, "%s: kernel %dx%d and stride %d,%d must be positive", fn, kW, kH, dW, dH);
  if (padW < 0 || padH < 0 || padW > kW / 2 || padH > kH / 2)
    return STN_FAIL(STN_ERR_ARG, "%s: padding %d,%d must be between 0 and half the %dx%d kernel", fn, padW, padH, kW, kH);
  g->B = b, g->C = c, g->H = h, g->W = w;
  g->kW = kW, g->kH = kH, g->dW = dW, g->dH = dH, g->padW = padW, g->padH = padH;
  g->oH = out_size(h, kH, dH, padH, plan->ceil_mode);
  g->oW = out_size(w, kW, dW, padW, plan->ceil_mode);
  if (g->oH < 1 || g->oW < 1)
    return STN_FAIL(STN_ERR_ARG, "%s: input %s (padded by %d,%d) is smaller than the %dx%d window", fn,
                    stn_shape_str(input), padW, padH, kW, kH);
  return STN_OK;
}

stn_status stn_pool_check_grad(const char *fn, const stn_tensor *input, const stn_tensor *gradOutput,
                               const stn_tensor *gradInput, const stn_pool_geom *g) {
  STN_TRY(stn_check_on(fn, "gradOutput", gradOutput, input));
  STN_TRY(stn_check_on(fn, "gradInput", gradInput, input));
  int d = input->ndim;
  if (gradOutput->ndim != d || gradOutput->shape[d - 3] != g->C || gradOutput->shape[d - 2] != g->oH ||
      gradOutput->shape[d - 1] != g->oW || (d == 4 && gradOutput->shape[0] != g->B))
    return STN_FAIL(STN_ERR_ARG, "%s: gradOutput is %s but the output of input %s is %s%lldx%lldx%lld", fn,
                    stn_shape_str(gradOutput), stn_shape_str(input), d == 4 ? "Bx" : "", (long long)g->C,
                    (long long)g->oH, (long long)g->oW);
  return STN_OK;
}
