/* class_nll_generic.h: ClassNLLCriterion's CPU loops for one element type (see
 * core/dtype.h), instantiated by csrc/nn/class_nll.c for float and double. Labels t
 * (B, checked) are doubles whatever the target's type; a label equal to `ignored` is
 * skipped; sums run in double. */

static void STN_T(nll_loss)(const stn_tensor *xc, const double *t, const stn_tensor *wc, int64_t B, int64_t n,
                            int size_average, double ignored, stn_tensor *output, double *loss) {
  const scalar_t *x = STN_NN_DATA(xc), *w = wc ? STN_NN_DATA(wc) : NULL;
  double s = 0, tw = 0;
  for (int64_t i = 0; i < B; i++) {
    if (t[i] == ignored) continue;
    int64_t c = (int64_t)t[i] - 1;
    double wi = w ? w[c] : 1.0;
    s -= wi * x[i * n + c];
    tw += wi;
  }
  if (size_average && tw != 0) s /= tw;
  *loss = (scalar_t)s; /* the loss as the type computes it */
  *STN_NN_DATA(output) = (scalar_t)s;
}

static void STN_T(nll_grad)(const double *t, const stn_tensor *wc, int64_t B, int64_t n, int size_average,
                            double ignored, stn_tensor *gradInput) {
  const scalar_t *w = wc ? STN_NN_DATA(wc) : NULL;
  double tw = 0;
  for (int64_t i = 0; i < B; i++)
    if (t[i] != ignored) tw += w ? w[(int64_t)t[i] - 1] : 1.0;
  scalar_t norm = size_average && tw != 0 ? (scalar_t)(1.0 / tw) : (scalar_t)1;
  scalar_t *gx = STN_NN_DATA(gradInput);
  for (int64_t i = 0; i < B * n; i++) gx[i] = 0;
  for (int64_t i = 0; i < B; i++) {
    if (t[i] == ignored) continue;
    int64_t c = (int64_t)t[i] - 1;
    gx[i * n + c] = -(w ? w[c] : (scalar_t)1) * norm;
  }
}
