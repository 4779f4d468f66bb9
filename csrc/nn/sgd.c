/* sgd.c: one step of Torch7's optim.sgd over flattened parameters, fused into a
 * single pass (weight decay, momentum with dampening, Nesterov, per-parameter
 * learning rates and weight decays), on Float or Double (sgd_generic.h); CUDA tensors
 * go to cuda/nn/sgd.cu. Each element goes through the same operations in x's type, in
 * the same order, as Torch7's sequence of tensor ops, so the result equals that
 * sequence bit for bit. */
#include "nn/sgd.h"

#include "core/cpu_paths.h"

static stn_status check_flat(const char *fn, const char *name, const stn_tensor *t, const stn_tensor *x) {
  STN_TRY(stn_check_on(fn, name, t, x));
  if (stn_tensor_numel(t) != stn_tensor_numel(x))
    return STN_FAIL(STN_ERR_ARG, "%s: %s has %lld elements (%s) but x has %lld (%s)", fn, name,
                    (long long)stn_tensor_numel(t), stn_shape_str(t), (long long)stn_tensor_numel(x), stn_shape_str(x));
  if (!stn_tensor_is_contiguous(t))
    return STN_FAIL(STN_ERR_ARG, "%s: %s (%s) must be contiguous (flatten the parameters with getParameters)", fn,
                    name, stn_shape_str(t));
  return STN_OK;
}

/* The update for one combination of options, given as literal constants so that each
 * copy is a straight loop that vectorizes: W weight decay (0 none, 1 scalar, 2 per
 * parameter), M momentum (0 none, 1 first step: the buffer starts as the gradient,
 * 2 later steps), N Nesterov, L per-parameter learning rates. (A macro rather than an
 * inlined function: OpenMP outlines the loop before constants would reach it.) */
#define SGD_LOOP(W, M, N, L)                                                              \
  _Pragma("omp parallel for schedule(static) if (n >= STN_OMP_MIN)")                      \
  for (int64_t i = 0; i < n; i++) {                                                       \
    scalar_t xi = xd[i], g = gd[i];                                                       \
    if (W == 1) g = g + wd * xi;            /* dfdx:add(wd, x) */                         \
    if (W == 2) g = g + wsd[i] * xi;        /* dfdx:add(decay), decay = wds .* x */       \
    scalar_t d = g;                                                                       \
    if (M) {                                                                              \
      scalar_t b = M == 1 ? g : bd[i] * mom + keep * g; /* buf:mul(mom):add(1 - damp, dfdx) */ \
      bd[i] = b;                                                                          \
      if (N) { g = g + mom * b; d = g; } else { d = b; }                                  \
    }                                                                                     \
    gd[i] = g;                                                                            \
    xd[i] = L ? xi + neg_lr * (ld[i] * d) : xi + neg_lr * d; /* x:add(-clr, [lrs .*] d) */ \
  }

/* Bytes of x, dfdx and the momentum buffer up to which the AVX2/AVX-512 builds run: half
 * the build machine's L3 (bench/NOTES.md). */
#define SGD_WIDE_MAX_BYTES (16.0 * 1024 * 1024)

/* The loops by option: SGD_M(W) picks momentum, Nesterov and per-parameter rates. */
#define SGD_L(W, M, N) do { if (ld) { SGD_LOOP(W, M, N, 1) } else { SGD_LOOP(W, M, N, 0) } } while (0)
#define SGD_N(W, M) do { if (nesterov) SGD_L(W, M, 1); else SGD_L(W, M, 0); } while (0)
#define SGD_M(W)                                                                                                 \
  do {                                                                                                           \
    if (momentum == 0) SGD_L(W, 0, 0);                                                                           \
    else if (init_momentum) SGD_N(W, 1);                                                                         \
    else SGD_N(W, 2);                                                                                            \
  } while (0)

#define STN_GENERIC_FILE "nn/sgd_generic.h"
#include "core/generic_floating.h"

stn_status stn_sgd_step(stn_ctx *ctx, const stn_sgd_config *config, stn_tensor *x, stn_tensor *dfdx,
                        stn_tensor *momentum_buf, const stn_tensor *lrs, const stn_tensor *wds) {
  static const char *fn = "stn_sgd_step";
  STN_TRY(stn_check_plan(fn, "config", config));
  const double weight_decay = config->weight_decay, momentum = config->momentum;
  const double dampening = config->dampening;
  const int nesterov = config->nesterov;
  STN_TRY(stn_check_nn_input(fn, "x", x));
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
    STN_CUDA_DISPATCH(stn_sgd_step_cuda(ctx, config, x, dfdx, momentum_buf, lrs, wds));
  (void)ctx;
  /* The wide builds run 1.6x faster on parameters the caches hold; streaming from memory
   * they measured no faster (bench/NOTES.md, issue 17), so large steps keep the SSE loop. */
  const int wide = (double)stn_tensor_numel(x) * stn_dtype_size(x->dtype) * 3 <= SGD_WIDE_MAX_BYTES;
  if (x->dtype == STN_DOUBLE) {
    void (*const loop)(const stn_sgd_config *, stn_tensor *, stn_tensor *, stn_tensor *, const stn_tensor *,
                       const stn_tensor *) =
        wide ? stn_path_pick3(sgd_generic_double, sgd_avx2_double, sgd_avx512_double) : sgd_generic_double;
    loop(config, x, dfdx, momentum_buf, lrs, wds);
  } else {
    void (*const loop)(const stn_sgd_config *, stn_tensor *, stn_tensor *, stn_tensor *, const stn_tensor *,
                       const stn_tensor *) =
        wide ? stn_path_pick3(sgd_generic_float, sgd_avx2_float, sgd_avx512_float) : sgd_generic_float;
    loop(config, x, dfdx, momentum_buf, lrs, wds);
  }
  return STN_OK;
}
