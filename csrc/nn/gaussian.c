/* gaussian.c: Torch7's image.gaussian / image.gaussian1D kernels: samples of a
 * Gaussian at pixel centres, its mean and sigma given as fractions of the size. */
#include "core/error.h"
#include "core/storage.h"
#include "core/tensor.h"

#include <math.h>

stn_status stn_gaussian(stn_ctx *ctx, stn_tensor *out, float amplitude, int normalize, float sigma_u, float sigma_v,
                        float mean_u, float mean_v) {
  static const char *fn = "stn_gaussian";
  (void)ctx;
  STN_TRY(stn_check_tensor_any(fn, "out", out));
  if (out->dtype != STN_FLOAT && out->dtype != STN_DOUBLE)
    return STN_FAIL(STN_ERR_ARG, "%s: out is a %s tensor (Float and Double only)", fn, stn_dtype_name(out->dtype));
  if (out->device != STN_CPU) return STN_FAIL(STN_ERR_DEVICE, "%s: out must be a CPU tensor", fn);
  if (out->ndim != 1 && out->ndim != 2)
    return STN_FAIL(STN_ERR_ARG, "%s: out must be 1-D (size) or 2-D (height x width), got %s", fn, stn_shape_str(out));
  if (stn_tensor_numel(out) == 0) return STN_FAIL(STN_ERR_ARG, "%s: out is empty (%s)", fn, stn_shape_str(out));
  if (!(sigma_u > 0) || !(sigma_v > 0))
    return STN_FAIL(STN_ERR_ARG, "%s: sigmas %g, %g must be positive", fn, (double)sigma_u, (double)sigma_v);
  int64_t height = out->ndim == 2 ? out->shape[0] : 1, width = out->shape[out->ndim - 1];
  int64_t sv = out->ndim == 2 ? out->strides[0] : 0, su = out->strides[out->ndim - 1];
  /* u runs along the width (columns), v along the height, both from 1 */
  double cu = (double)mean_u * width + 0.5, cv = (double)mean_v * height + 0.5;
  double ku = 1.0 / ((double)sigma_u * width), kv = 1.0 / ((double)sigma_v * height);
  /* each value rounded to the output's type, as it is stored, before it is summed */
  float *fd = out->dtype == STN_FLOAT ? stn_data(out) : NULL;
  double *dd = out->dtype == STN_DOUBLE ? stn_ptr(out) : NULL;
  double sum = 0;
  for (int64_t v = 0; v < height; v++)
    for (int64_t u = 0; u < width; u++) {
      double du = (u + 1 - cu) * ku, dv = out->ndim == 2 ? (v + 1 - cv) * kv : 0.0;
      double val = amplitude * exp(-(du * du + dv * dv) / 2);
      if (fd) val = fd[v * sv + u * su] = (float)val;
      else dd[v * sv + u * su] = val;
      sum += val;
    }
  if (normalize) {
    if (sum == 0) return STN_FAIL(STN_ERR_ARG, "%s: the kernel sums to zero and cannot be normalized", fn);
    for (int64_t v = 0; v < height; v++)
      for (int64_t u = 0; u < width; u++) {
        if (fd) fd[v * sv + u * su] = (float)(fd[v * sv + u * su] / sum);
        else dd[v * sv + u * su] /= sum;
      }
  }
  return STN_OK;
}
