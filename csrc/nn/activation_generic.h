/* activation_generic.h: the nonlinearities' CPU loops for one element type (see
 * core/dtype.h), instantiated by csrc/nn/activation.c for float and double. */
#include "nn/generic_math.h"

static stn_status STN_T(act_forward)(const stn_tensor *input, stn_tensor *output, int kind, double threshold,
                                     double value) {
  const scalar_t th = (scalar_t)threshold, val = (scalar_t)value;
  const stn_tensor *ts[2] = {output, input};
  stn_rows pl;
  stn_rows_plan(&pl, ts, 2);
  scalar_t *od = STN_NN_DATA(output);
  const scalar_t *xd = STN_NN_DATA(input);
#pragma omp parallel for schedule(static) if (pl.numel >= STN_OMP_MIN)
  for (int64_t r = 0; r < pl.rows; r++) {
    int64_t len, so, sx;
    scalar_t *o = od + stn_rows_at(&pl, output, r, &len, &so);
    const scalar_t *x = xd + stn_rows_at(&pl, input, r, &len, &sx);
    if (so == 1 && sx == 1) { /* unit strides, spelled out so that gcc vectorizes */
      switch (kind) {
      case STN_ACT_THRESHOLD:
        for (int64_t j = 0; j < len; j++) { scalar_t v = x[j]; o[j] = v > th ? v : val; }
        break;
      case STN_ACT_TANH:
        for (int64_t j = 0; j < len; j++) o[j] = NN_TANH(x[j]);
        break;
      default:
        for (int64_t j = 0; j < len; j++) o[j] = (scalar_t)1 / ((scalar_t)1 + NN_EXP(-x[j]));
      }
      continue;
    }
    switch (kind) {
    case STN_ACT_THRESHOLD:
      for (int64_t j = 0; j < len; j++) { scalar_t v = x[j * sx]; o[j * so] = v > th ? v : val; }
      break;
    case STN_ACT_TANH:
      for (int64_t j = 0; j < len; j++) o[j * so] = NN_TANH(x[j * sx]);
      break;
    default:
      for (int64_t j = 0; j < len; j++) o[j * so] = (scalar_t)1 / ((scalar_t)1 + NN_EXP(-x[j * sx]));
    }
  }
  return STN_OK;
}

static stn_status STN_T(act_backward)(const stn_tensor *z, const stn_tensor *gradOutput, stn_tensor *gradInput,
                                      int kind, double threshold) {
  const scalar_t th = (scalar_t)threshold;
  const stn_tensor *ts[3] = {gradInput, gradOutput, z};
  stn_rows pl;
  stn_rows_plan(&pl, ts, 3);
  scalar_t *gid = STN_NN_DATA(gradInput);
  const scalar_t *god = STN_NN_DATA(gradOutput), *zd = STN_NN_DATA(z);
#pragma omp parallel for schedule(static) if (pl.numel >= STN_OMP_MIN)
  for (int64_t r = 0; r < pl.rows; r++) {
    int64_t len, si, sg, sz;
    scalar_t *gi = gid + stn_rows_at(&pl, gradInput, r, &len, &si);
    const scalar_t *go = god + stn_rows_at(&pl, gradOutput, r, &len, &sg);
    const scalar_t *v = zd + stn_rows_at(&pl, z, r, &len, &sz);
    if (si == 1 && sg == 1 && sz == 1) { /* unit strides, spelled out so that gcc vectorizes */
      switch (kind) {
      case STN_ACT_THRESHOLD:
        /* both loads unconditional: a select instead of a branch on random signs */
        for (int64_t j = 0; j < len; j++) { scalar_t gv = go[j], zv = v[j]; gi[j] = zv > th ? gv : (scalar_t)0; }
        break;
      case STN_ACT_TANH:
        for (int64_t j = 0; j < len; j++) gi[j] = go[j] * ((scalar_t)1 - v[j] * v[j]);
        break;
      default:
        for (int64_t j = 0; j < len; j++) gi[j] = go[j] * v[j] * ((scalar_t)1 - v[j]);
      }
      continue;
    }
    switch (kind) {
    case STN_ACT_THRESHOLD:
      for (int64_t j = 0; j < len; j++) gi[j * si] = v[j * sz] > th ? go[j * sg] : (scalar_t)0;
      break;
    case STN_ACT_TANH:
      for (int64_t j = 0; j < len; j++) { scalar_t y = v[j * sz]; gi[j * si] = go[j * sg] * ((scalar_t)1 - y * y); }
      break;
    default:
      for (int64_t j = 0; j < len; j++) { scalar_t y = v[j * sz]; gi[j * si] = go[j * sg] * y * ((scalar_t)1 - y); }
    }
  }
  return STN_OK;
}
