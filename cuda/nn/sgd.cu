/* sgd.cu: CUDA twin of stn_sgd_step (csrc/nn/sgd.c): one grid-stride pass over the
 * flattened parameters. Products and sums are rounded separately (__fmul_rn,
 * __fadd_rn; no fused multiply-add), so the step equals the CPU's bit for bit. */
#include "nn_common.cuh"
#include "nn/sgd.h"

struct sgd_consts {
  float neg_lr, wd, mom, keep;
  int use_wd, use_mom, nesterov, init;
};

__global__ void sgd_kernel(float *x, float *g, float *buf, const float *lrs, const float *wds, int64_t n, sgd_consts c) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    float xi = x[i], gi = g[i];
    if (c.use_wd) gi = __fadd_rn(gi, __fmul_rn(c.wd, xi));
    else if (wds) gi = __fadd_rn(gi, __fmul_rn(wds[i], xi));
    float d = gi;
    if (c.use_mom) {
      float b = c.init ? gi : __fadd_rn(__fmul_rn(buf[i], c.mom), __fmul_rn(c.keep, gi));
      buf[i] = b;
      if (c.nesterov) { gi = __fadd_rn(gi, __fmul_rn(c.mom, b)); d = gi; } else { d = b; }
    }
    g[i] = gi;
    x[i] = __fadd_rn(xi, __fmul_rn(c.neg_lr, lrs ? __fmul_rn(lrs[i], d) : d));
  }
}

extern "C" stn_status stn_sgd_step_cuda(stn_ctx *ctx, const stn_sgd_config *config, stn_tensor *x, stn_tensor *dfdx,
                                        stn_tensor *momentum_buf, const stn_tensor *lrs, const stn_tensor *wds) {
  const double lr = config->lr, weight_decay = config->weight_decay, momentum = config->momentum;
  const double dampening = config->dampening;
  const int nesterov = config->nesterov, init_momentum = config->init_momentum;
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  int64_t n = stn_tensor_numel(x);
  if (n == 0) return STN_OK;
  sgd_consts c;
  c.neg_lr = (float)-lr;
  c.wd = (float)weight_decay;
  c.mom = (float)momentum;
  c.keep = (float)(1.0 - dampening);
  c.use_wd = weight_decay != 0;
  c.use_mom = momentum != 0;
  c.nesterov = nesterov;
  c.init = init_momentum;
  float *buf = c.use_mom ? stn_data(momentum_buf) : NULL;
  const float *ld = lrs ? stn_data(lrs) : NULL;
  const float *wsd = (!c.use_wd && wds) ? stn_data(wds) : NULL;
  sgd_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(stn_data(x), stn_data(dfdx), buf, ld, wsd, n, c);
  STN_LAUNCH_CHECK();
  return STN_OK;
}
