/* sgd_generic.h: the SGD step's loop for one element type (see core/dtype.h),
 * instantiated by csrc/nn/sgd.c for float and double, each compiled for every CPU path
 * (core/cpu_paths.h; the whole function, OpenMP region included, takes the target).
 * Element-wise, no FMA: every path gives the same bits. */

#define SGD_LOOP_FUNCTION(name, target)                                                                            \
  target static void name(const stn_sgd_config *config, stn_tensor *x, stn_tensor *dfdx, stn_tensor *momentum_buf, \
                          const stn_tensor *lrs, const stn_tensor *wds) {                                          \
    const double lr = config->lr, weight_decay = config->weight_decay, momentum = config->momentum;               \
    const double dampening = config->dampening;                                                                    \
    const int nesterov = config->nesterov, init_momentum = config->init_momentum;                                  \
    /* the scalars as Torch7 hands them to its tensor ops of this type */                                          \
    const scalar_t neg_lr = (scalar_t)-lr, wd = (scalar_t)weight_decay, mom = (scalar_t)momentum;                  \
    const scalar_t keep = (scalar_t)(1.0 - dampening);                                                             \
    scalar_t *xd = STN_NN_DATA(x), *gd = STN_NN_DATA(dfdx);                                                        \
    scalar_t *bd = momentum != 0 ? STN_NN_DATA(momentum_buf) : 0;                                                  \
    const scalar_t *ld = lrs ? STN_NN_DATA(lrs) : 0;                                                               \
    const scalar_t *wsd = (weight_decay == 0 && wds) ? STN_NN_DATA(wds) : 0;                                       \
    const int64_t n = stn_tensor_numel(x);                                                                         \
    const int wdk = weight_decay != 0 ? 1 : (wsd ? 2 : 0);                                                         \
    if (wdk == 0) SGD_M(0);                                                                                        \
    else if (wdk == 1) SGD_M(1);                                                                                   \
    else SGD_M(2);                                                                                                 \
  }

SGD_LOOP_FUNCTION(STN_T(sgd_generic), )
SGD_LOOP_FUNCTION(STN_T(sgd_avx2), STN_TARGET_AVX2)
SGD_LOOP_FUNCTION(STN_T(sgd_avx512), STN_TARGET_AVX512)

#undef SGD_LOOP_FUNCTION
