/* sgd.c: one step of Torch7's optim.sgd over flattened parameters, fused into a
 * single pass (weight decay, momentum with dampening, Nesterov, per-parameter
 * learning rates and weight decays); CUDA tensors go to cuda/sgd.cu. Each element
 * goes through the same float operations, in the same order, as Torch7's sequence
 * of tensor ops, so the result equals that sequence bit for bit. */
#include "internal.h"

static stn_status check_flat(const char *fn, const char *name, const stn_tensor *t, const stn_tensor *x) {
  STN_TRY(stn_check_tensor(fn, name, t));
  STN_TRY(stn_check_same_device(fn, x, t));
  if (stn_tensor_numel(t) != stn_tensor_numel(x))
    return STN_FAIL(STN_ERR_ARG, "%s: %s has %lld elements (%s) but x has %lld (%s)", fn, name,
                    (long long)stn_tensor_numel(t), stn_shape_str(t), (long long)stn_tensor_numel(x), stn_shape_str(x));
  if (!stn_tensor_is_contiguous(t))
    return STN_FAIL(STN_ERR_ARG, "%s: %s (%s) must be contiguous (flatten the parameters with getParameters)", fn,
                    name, stn_shape_str(t));
  return STN_OK;
}

stn_status stn_sgd_step(stn_ctx *ctx, stn_tensor *x, stn_tensor *dfdx, stn_tensor *momentum_buf, const stn_tensor *lrs,
                        const stn_tensor *wds, double lr, double weight_decay, double momentum, double dampening,
                        int nesterov, int init_momentum) {
  static const char *fn = "stn_sgd_step";
  STN_TRY(stn_check_tensor(fn, "x", x));
  if (!stn_tensor_is_contiguous(x))
    return STN_FAIL(STN_ERR_ARG, "%s: x (%s) must be contiguous (flatten the parameters with getParameters)", fn,
                    stn_shape_str(x));
  STN_TRY(check_flat(fn, "dfdx", dfdx, x));
  if (momentum != 0) {
    if (!momentum_buf) return STN_FAIL(STN_ERR_ARG, "%s: momentum %g needs a momentum buffer", fn, momentum);
    STN_TRY(check_flat(fn, "momentum_buf", momentum_buf, x));
  }
  if (lrs) STN_TRY(check_flat(fn, "learningRates", lrs, x));
  if (wds && weight_decay == 0) STN_TRY(check_flat(fn, "weightDecays", wds, x));
  if (nesterov && (momentum <= 0 || dampening != 0))
    return STN_FAIL(STN_ERR_ARG, "%s: Nesterov momentum requires a momentum (got %g) and zero dampening (got %g)", fn,
                    momentum, dampening);
  if (x->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_sgd_step_cuda(ctx, x, dfdx, momentum_buf, lrs, wds, lr, weight_decay, momentum, dampening,
                                        nesterov, init_momentum));
  (void)ctx;
  /* the scalars as Torch7 hands them to its float tensor ops */
  const float neg_lr = (float)-lr, wd = (float)weight_decay, mom = (float)momentum, keep = (float)(1.0 - dampening);
  const int use_wd = weight_decay != 0, use_mom = momentum != 0;
  float *xd = stn_data(x), *gd = stn_data(dfdx);
  float *bd = use_mom ? stn_data(momentum_buf) : 0;
  const float *ld = lrs ? stn_data(lrs) : 0;
  const float *wsd = (!use_wd && wds) ? stn_data(wds) : 0;
  const int64_t n = stn_tensor_numel(x);
#pragma omp parallel for schedule(static) if (n >= STN_OMP_MIN)
  for (int64_t i = 0; i < n; i++) {
    float xi = xd[i], g = gd[i];
    if (use_wd) g = g + wd * xi;          /* dfdx:add(wd, x) */
    else if (wsd) g = g + wsd[i] * xi;    /* dfdx:add(decay), decay = wds .* x */
    float d = g;
    if (use_mom) {
      float b = init_momentum ? g : bd[i] * mom + keep * g; /* buf:mul(mom):add(1 - damp, dfdx) */
      bd[i] = b;
      if (nesterov) { g = g + mom * b; d = g; } else { d = b; }
    }
    gd[i] = g;
    xd[i] = ld ? xi + neg_lr * (ld[i] * d) : xi + neg_lr * d; /* x:add(-clr, [lrs .*] d) */
  }
  return STN_OK;
}
