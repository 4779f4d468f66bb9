/* mse_generic.h: MSECriterion's CPU loops for one element type (see core/dtype.h),
 * instantiated by csrc/nn/mse.c for float and double. */

static void STN_T(mse_loss)(const stn_tensor *xc, const stn_tensor *tc, stn_tensor *output, int size_average,
                            double *loss) {
  const scalar_t *x = STN_NN_DATA(xc), *t = STN_NN_DATA(tc);
  int64_t n = stn_tensor_numel(xc);
  double s = 0; /* one thread, in order: the same sum at any thread count */
  for (int64_t i = 0; i < n; i++) {
    double d = (double)x[i] - t[i];
    s += d * d;
  }
  if (size_average && n > 0) s /= (double)n;
  *loss = (scalar_t)s; /* the loss as the type computes it */
  *STN_NN_DATA(output) = (scalar_t)s;
}

static void STN_T(mse_grad)(const stn_tensor *xc, const stn_tensor *tc, stn_tensor *gradInput, int size_average) {
  const scalar_t *x = STN_NN_DATA(xc), *t = STN_NN_DATA(tc);
  scalar_t *gx = STN_NN_DATA(gradInput);
  int64_t n = stn_tensor_numel(xc);
  scalar_t k = size_average && n > 0 ? (scalar_t)2 / (scalar_t)n : (scalar_t)2;
#pragma omp parallel for schedule(static) if (n >= STN_OMP_MIN)
  for (int64_t i = 0; i < n; i++) gx[i] = k * (x[i] - t[i]);
}
