/* activation.c: the element-wise nonlinearities of nn (Threshold/ReLU, Tanh, Sigmoid),
 * forward and backward, on strided CPU tensors; CUDA tensors go to cuda/nn/activation.cu.
 * Outputs may be the inputs themselves (Torch7's in-place modules). */
#include "nn/activation.h"
#include "core/strided.h"

#include <math.h>

static stn_status check_kind(const char *fn, int kind) {
  if (kind < STN_ACT_THRESHOLD || kind > STN_ACT_SIGMOID) return STN_FAIL(STN_ERR_ARG, "%s: unknown activation %d", fn, kind);
  return STN_OK;
}

stn_status stn_activation_forward(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, int kind, float threshold,
                                  float value) {
  static const char *fn = "stn_activation_forward";
  STN_TRY(check_kind(fn, kind));
  STN_TRY(stn_check_tensor(fn, "input", input));
  STN_TRY(stn_check_tensor(fn, "output", output));
  if (!output->mem) output->device = input->device;
  STN_TRY(stn_check_same_device(fn, input, output));
  STN_TRY(stn_resize_as(ctx, output, input));
  if (input->device == STN_CUDA) STN_CUDA_DISPATCH(stn_activation_forward_cuda(ctx, input, output, kind, threshold, value));
  const stn_tensor *ts[2] = {output, input};
  stn_rows pl;
  stn_rows_plan(&pl, ts, 2);
  float *od = stn_data(output);
  const float *xd = stn_data(input);
#pragma omp parallel for schedule(static) if (pl.numel >= STN_OMP_MIN)
  for (int64_t r = 0; r < pl.rows; r++) {
    int64_t len, so, sx;
    float *o = od + stn_rows_at(&pl, output, r, &len, &so);
    const float *x = xd + stn_rows_at(&pl, input, r, &len, &sx);
    if (so == 1 && sx == 1) { /* unit strides, spelled out so that gcc vectorizes */
      switch (kind) {
      case STN_ACT_THRESHOLD:
        for (int64_t j = 0; j < len; j++) { float v = x[j]; o[j] = v > threshold ? v : value; }
        break;
      case STN_ACT_TANH:
        for (int64_t j = 0; j < len; j++) o[j] = tanhf(x[j]);
        break;
      default:
        for (int64_t j = 0; j < len; j++) o[j] = 1.f / (1.f + expf(-x[j]));
      }
      continue;
    }
    switch (kind) {
    case STN_ACT_THRESHOLD:
      for (int64_t j = 0; j < len; j++) { float v = x[j * sx]; o[j * so] = v > threshold ? v : value; }
      break;
    case STN_ACT_TANH:
      for (int64_t j = 0; j < len; j++) o[j * so] = tanhf(x[j * sx]);
      break;
    default:
      for (int64_t j = 0; j < len; j++) o[j * so] = 1.f / (1.f + expf(-x[j * sx]));
    }
  }
  return STN_OK;
}

stn_status stn_activation_backward(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *output,
                                   const stn_tensor *gradOutput, stn_tensor *gradInput, int kind, float threshold) {
  static const char *fn = "stn_activation_backward";
  STN_TRY(check_kind(fn, kind));
  /* the threshold's derivative reads the input, tanh's and sigmoid's the output */
  const stn_tensor *z = kind == STN_ACT_THRESHOLD ? input : output;
  STN_TRY(stn_check_tensor(fn, kind == STN_ACT_THRESHOLD ? "input" : "output", z));
  STN_TRY(stn_check_tensor(fn, "gradOutput", gradOutput));
  STN_TRY(stn_check_tensor(fn, "gradInput", gradInput));
  if (!gradInput->mem) gradInput->device = z->device;
  STN_TRY(stn_check_same_device(fn, z, gradOutput));
  STN_TRY(stn_check_same_device(fn, z, gradInput));
  STN_TRY(stn_check_same_shape(fn, "gradOutput", gradOutput, kind == STN_ACT_THRESHOLD ? "input" : "output", z));
  STN_TRY(stn_resize_as(ctx, gradInput, z));
  if (z->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_activation_backward_cuda(ctx, input, output, gradOutput, gradInput, kind, threshold));
  const stn_tensor *ts[3] = {gradInput, gradOutput, z};
  stn_rows pl;
  stn_rows_plan(&pl, ts, 3);
  float *gid = stn_data(gradInput);
  const float *god = stn_data(gradOutput), *zd = stn_data(z);
#pragma omp parallel for schedule(static) if (pl.numel >= STN_OMP_MIN)
  for (int64_t r = 0; r < pl.rows; r++) {
    int64_t len, si, sg, sz;
    float *gi = gid + stn_rows_at(&pl, gradInput, r, &len, &si);
    const float *go = god + stn_rows_at(&pl, gradOutput, r, &len, &sg);
    const float *v = zd + stn_rows_at(&pl, z, r, &len, &sz);
    if (si == 1 && sg == 1 && sz == 1) { /* unit strides, spelled out so that gcc vectorizes */
      switch (kind) {
      case STN_ACT_THRESHOLD:
        /* both loads unconditional: a select instead of a branch on random signs */
        for (int64_t j = 0; j < len; j++) { float gv = go[j], z = v[j]; gi[j] = z > threshold ? gv : 0.f; }
        break;
      case STN_ACT_TANH:
        for (int64_t j = 0; j < len; j++) gi[j] = go[j] * (1.f - v[j] * v[j]);
        break;
      default:
        for (int64_t j = 0; j < len; j++) gi[j] = go[j] * v[j] * (1.f - v[j]);
      }
      continue;
    }
    switch (kind) {
    case STN_ACT_THRESHOLD:
      for (int64_t j = 0; j < len; j++) gi[j * si] = v[j * sz] > threshold ? go[j * sg] : 0.f;
      break;
    case STN_ACT_TANH:
      for (int64_t j = 0; j < len; j++) { float y = v[j * sz]; gi[j * si] = go[j * sg] * (1.f - y * y); }
      break;
    default:
      for (int64_t j = 0; j < len; j++) { float y = v[j * sz]; gi[j * si] = go[j * sg] * y * (1.f - y); }
    }
  }
  return STN_OK;
}
