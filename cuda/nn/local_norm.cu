/* local_norm.cu: CUDA twin of csrc/nn/local_norm.c (formulas there). Each pass is a few
 * small kernels: the kernel's in-image mass per pixel, a sum over planes (one thread
 * per pixel, planes in order), a single-map correlation (one thread per pixel), and
 * an element-wise apply. Nothing is reduced across threads, so results repeat. */
#include "nn_common.cuh"
#include "nn/local_norm.h"

/* work: [0] Z, [1 .. HW] cin, then maps A, S, U of B x HW each */
struct ln_args {
  const float *k; /* the kernel as given: 1-D (k k^T) or 2-D */
  int kdim, kh, kw;
  int64_t B, C, H, W;
  float *Z, *cin, *A, *S, *U;
};

__device__ __forceinline__ float kval(const ln_args &a, int i, int j) {
  return a.kdim == 1 ? a.k[i] * a.k[j] : a.k[i * a.kw + j];
}

__global__ void ln_coef_kernel(ln_args a) {
  STN_KERNEL_LOOP(p, a.H * a.W) {
    int64_t y = p / a.W, x = p % a.W;
    int ph = a.kh / 2, pw = a.kw / 2;
    float s = 0.f, z = 0.f;
    for (int i = 0; i < a.kh; i++)
      for (int j = 0; j < a.kw; j++) {
        float v = kval(a, i, j);
        z += v;
        int64_t yy = y + i - ph, xx = x + j - pw;
        if (yy >= 0 && yy < a.H && xx >= 0 && xx < a.W) s += v;
      }
    a.cin[p] = s;
    if (p == 0) a.Z[0] = z;
  }
}

enum { RED_SUM = 0, RED_SUB_GRAD, RED_SQUARES, RED_DIV_GRAD };

/* One thread per (b, p): a sum over the planes, written to S[b, p]. */
__global__ void ln_reduce_kernel(ln_args a, const float *x, const float *g, int kind, float th, float tv) {
  int64_t hw = a.H * a.W;
  STN_KERNEL_LOOP(i, a.B * hw) {
    int64_t b = i / hw, p = i - b * hw;
    const float *xb = x + b * a.C * hw + p, *gb = g ? g + b * a.C * hw + p : NULL;
    float s = 0.f;
    for (int64_t c = 0; c < a.C; c++) {
      if (kind == RED_SUM) s += xb[c * hw];
      else if (kind == RED_SUB_GRAD) s += gb[c * hw];
      else if (kind == RED_SQUARES) s += xb[c * hw] * xb[c * hw];
      else s += gb[c * hw] * xb[c * hw];
    }
    if (kind == RED_SUB_GRAD) {
      s = -s / ((float)a.C * a.cin[p]);
    } else if (kind == RED_DIV_GRAD) {
      /* A holds adj; leave thr there for the apply kernel and d/d(K-weighted squares) in S */
      float z = a.Z[0], adj = a.A[i], thr = adj > th ? adj : tv;
      float gadj = adj > th ? -s / (thr * thr) : 0.f;
      float sd = adj * a.cin[p] / z, gsd = gadj * z / a.cin[p];
      s = sd > 0.f ? 0.5f * gsd / sd / (z * (float)a.C) : 0.f;
      a.A[i] = thr;
    }
    a.S[i] = s;
  }
}

enum { CONV_MEAN = 0, CONV_ADJ, CONV_ADJOINT };

/* One thread per (b, p): correlation of map S[b] with the kernel (or its adjoint). */
__global__ void ln_conv_kernel(ln_args a, int kind) {
  int64_t hw = a.H * a.W;
  STN_KERNEL_LOOP(i, a.B * hw) {
    int64_t b = i / hw, p = i - b * hw, y = p / a.W, x = p % a.W;
    const float *m = a.S + b * hw;
    int ph = a.kh / 2, pw = a.kw / 2;
    int adj = kind == CONV_ADJOINT;
    float s = 0.f;
    for (int ii = 0; ii < a.kh; ii++) {
      int64_t yy = adj ? y - ii + ph : y + ii - ph;
      if (yy < 0 || yy >= a.H) continue;
      for (int j = 0; j < a.kw; j++) {
        int64_t xx = adj ? x - j + pw : x + j - pw;
        if (xx >= 0 && xx < a.W) s += kval(a, ii, j) * m[yy * a.W + xx];
      }
    }
    if (kind == CONV_MEAN) a.U[i] = s / ((float)a.C * a.cin[p]);
    else if (kind == CONV_ADJ) a.A[i] = sqrtf(s / (a.Z[0] * (float)a.C)) * a.Z[0] / a.cin[p];
    else a.U[i] = s;
  }
}

enum { APPLY_SUB = 0, APPLY_SUB_GRAD, APPLY_DIV, APPLY_DIV_GRAD };

__global__ void ln_apply_kernel(ln_args a, const float *x, const float *g, float *out, int kind, float th, float tv) {
  int64_t hw = a.H * a.W, n = a.B * a.C * hw;
  STN_KERNEL_LOOP(i, n) {
    int64_t p = i % hw, b = i / (a.C * hw), m = b * hw + p;
    float r;
    if (kind == APPLY_SUB) r = x[i] - a.U[m];
    else if (kind == APPLY_SUB_GRAD) r = g[i] + a.U[m];
    else if (kind == APPLY_DIV) r = x[i] / (a.A[m] > th ? a.A[m] : tv);
    else r = g[i] / a.A[m] + 2.f * x[i] * a.U[m];
    out[i] = r;
  }
}

/* The work buffer, the kernel's contiguous copy, and the coefficient pass. */
static stn_status ln_setup(stn_ctx *ctx, const char *fn, const stn_localnorm_geom *geom, const stn_tensor *kernel,
                           stn_tensor *work, stn_tensor *kc, ln_args *a) {
  stn_localnorm_geom g = *geom;
  int64_t hw = g.H * g.W;
  STN_TRY(stn_scratch(ctx, fn, work, STN_CUDA, 1 + hw + 3 * g.B * hw));
  STN_TRY(stn_contiguous_copy(ctx, kc, kernel));
  a->k = stn_data(kc);
  a->kdim = g.kdim, a->kh = g.kh, a->kw = g.kw;
  a->B = g.B, a->C = g.C, a->H = g.H, a->W = g.W;
  a->Z = stn_data(work);
  a->cin = a->Z + 1;
  a->A = a->cin + hw;
  a->S = a->A + g.B * hw;
  a->U = a->S + g.B * hw;
  ln_coef_kernel<<<stn_blocks(ctx, hw, 256), 256, 0, stn_stream(ctx)>>>(*a);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

/* One launch, unless an earlier one failed (st holds the first failure). */
#define LN_LAUNCH(kernel, n, ...)                                                \
  do {                                                                           \
    if (st != STN_OK) break;                                                     \
    kernel<<<stn_blocks(ctx, (n), 256), 256, 0, stn_stream(ctx)>>>(__VA_ARGS__); \
    st = STN_LAUNCH_STATUS();                                                    \
  } while (0)

extern "C" stn_status stn_localnorm_forward_cuda(stn_ctx *ctx, const stn_localnorm_plan *plan,
                                                 const stn_localnorm_geom *geom, const stn_tensor *input,
                                                 stn_tensor *output, const stn_tensor *kernel, stn_tensor *work) {
  static const char *fn = "stn_localnorm_forward";
  const int divisive = plan->divisive;
  const float threshold = plan->threshold, thresval = plan->thresval;
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  stn_tensor kc = {}, xc = {};
  ln_args a;
  stn_status st = ln_setup(ctx, fn, geom, kernel, work, &kc, &a);
  if (st == STN_OK) st = stn_contiguous_copy(ctx, &xc, input);
  if (st == STN_OK) {
    const float *x = stn_data(&xc);
    int64_t maps = a.B * a.H * a.W, n = maps * a.C;
    LN_LAUNCH(ln_reduce_kernel, maps, a, x, (const float *)NULL, divisive ? RED_SQUARES : RED_SUM, threshold, thresval);
    LN_LAUNCH(ln_conv_kernel, maps, a, divisive ? CONV_ADJ : CONV_MEAN);
    LN_LAUNCH(ln_apply_kernel, n, a, x, (const float *)NULL, stn_data(output), divisive ? APPLY_DIV : APPLY_SUB,
              threshold, thresval);
  }
  stn_tensor_release(&kc);
  stn_tensor_release(&xc);
  return st;
}

extern "C" stn_status stn_localnorm_backward_cuda(stn_ctx *ctx, const stn_localnorm_plan *plan,
                                                  const stn_localnorm_geom *geom, const stn_tensor *input,
                                                  const stn_tensor *gradOutput, stn_tensor *gradInput,
                                                  const stn_tensor *kernel, stn_tensor *work) {
  static const char *fn = "stn_localnorm_backward";
  const int divisive = plan->divisive;
  const float threshold = plan->threshold, thresval = plan->thresval;
  stn_cuda_state *cs;
  STN_TRY(stn_cuda_state_get(ctx, &cs));
  stn_tensor kc = {}, xc = {}, gc = {};
  ln_args a;
  stn_status st = ln_setup(ctx, fn, geom, kernel, work, &kc, &a);
  if (st == STN_OK) st = stn_contiguous_copy(ctx, &xc, input);
  if (st == STN_OK) st = stn_contiguous_copy(ctx, &gc, gradOutput);
  if (st == STN_OK) {
    const float *x = stn_data(&xc), *g = stn_data(&gc);
    int64_t maps = a.B * a.H * a.W, n = maps * a.C;
    if (divisive) {
      LN_LAUNCH(ln_reduce_kernel, maps, a, x, g, RED_SQUARES, threshold, thresval);
      LN_LAUNCH(ln_conv_kernel, maps, a, CONV_ADJ);
      LN_LAUNCH(ln_reduce_kernel, maps, a, x, g, RED_DIV_GRAD, threshold, thresval);
    } else {
      LN_LAUNCH(ln_reduce_kernel, maps, a, x, g, RED_SUB_GRAD, threshold, thresval);
    }
    LN_LAUNCH(ln_conv_kernel, maps, a, CONV_ADJOINT);
    LN_LAUNCH(ln_apply_kernel, n, a, x, g, stn_data(gradInput), divisive ? APPLY_DIV_GRAD : APPLY_SUB_GRAD, threshold,
              thresval);
  }
  stn_tensor_release(&kc);
  stn_tensor_release(&xc);
  stn_tensor_release(&gc);
  return st;
}
