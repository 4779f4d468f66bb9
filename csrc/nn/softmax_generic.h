/* softmax_generic.h: SoftMax and LogSoftMax's CPU rows for one element type (see
 * core/dtype.h), instantiated by csrc/nn/softmax.c for float and double; sums in double. */
#include "nn/generic_math.h"

static void STN_T(softmax_rows)(const stn_tensor *xc, stn_tensor *output, int64_t outer, int64_t n, int64_t inner,
                                int use_log) {
  const scalar_t *x = STN_NN_DATA(xc);
  scalar_t *y = STN_NN_DATA(output);
  int64_t rows = outer * inner;
#pragma omp parallel for schedule(static) if (rows * n >= STN_OMP_MIN)
  for (int64_t r = 0; r < rows; r++) {
    int64_t base = (r / inner) * n * inner + r % inner;
    const scalar_t *xr = x + base;
    scalar_t *yr = y + base;
    scalar_t m = -INFINITY;
    for (int64_t j = 0; j < n; j++) m = xr[j * inner] > m ? xr[j * inner] : m;
    accreal s = 0;
    for (int64_t j = 0; j < n; j++) s += exp((double)(xr[j * inner] - m));
    if (use_log) {
      scalar_t ls = m + (scalar_t)log(s);
      for (int64_t j = 0; j < n; j++) yr[j * inner] = xr[j * inner] - ls;
    } else {
      scalar_t inv = (scalar_t)(1.0 / s);
      for (int64_t j = 0; j < n; j++) yr[j * inner] = NN_EXP(xr[j * inner] - m) * inv;
    }
  }
}

static void STN_T(softmax_grad_rows)(const stn_tensor *output, const stn_tensor *gc, stn_tensor *gradInput,
                                     int64_t outer, int64_t n, int64_t inner, int use_log) {
  const scalar_t *y = STN_NN_DATA(output), *g = STN_NN_DATA(gc);
  scalar_t *gx = STN_NN_DATA(gradInput);
  int64_t rows = outer * inner;
#pragma omp parallel for schedule(static) if (rows * n >= STN_OMP_MIN)
  for (int64_t r = 0; r < rows; r++) {
    int64_t base = (r / inner) * n * inner + r % inner;
    const scalar_t *yr = y + base, *gr = g + base;
    scalar_t *gxr = gx + base;
    accreal s = 0;
    if (use_log) {
      /* y = log p: dx = g - p * sum(g) */
      for (int64_t j = 0; j < n; j++) s += gr[j * inner];
      for (int64_t j = 0; j < n; j++) gxr[j * inner] = gr[j * inner] - NN_EXP(yr[j * inner]) * (scalar_t)s;
    } else {
      /* y = p: dx = p * (g - sum(g * p)) */
      for (int64_t j = 0; j < n; j++) s += (double)gr[j * inner] * yr[j * inner];
      for (int64_t j = 0; j < n; j++) gxr[j * inner] = yr[j * inner] * (gr[j * inner] - (scalar_t)s);
    }
  }
}
