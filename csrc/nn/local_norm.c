/* local_norm.c: Torch7's SpatialSubtractiveNormalization and SpatialDivisiveNormalization
 * on the CPU, as dedicated kernels. Torch7 builds them from a zero-padded convolution
 * whose weights (the kernel, normalized) are the same for every plane, so the local
 * sum over planes is one single-map correlation of the plane sum: that is what runs
 * here. Border handling is Torch7's: each pixel is divided by the kernel mass that
 * falls inside the image. CUDA tensors go to cuda/nn/local_norm.cu.
 *
 * K: the kernel (kh x kw, or k k^T for a 1-D k), Z its sum, cin(p) the sum of the K
 * entries that land inside the image around pixel p, N the number of planes.
 *   subtractive: m = (K * sum_c x_c) / (N cin);               y_c = x_c - m
 *   divisive:    adj = sqrt((K * sum_c x_c^2) / (Z N)) Z / cin;
 *                thr = adj > threshold ? adj : thresval;      y_c = x_c / thr   */
#include "nn/local_norm.h"

#include <math.h>
#include <string.h>

stn_status stn_localnorm_check(const char *fn, const stn_tensor *input, const stn_tensor *kernel,
                               stn_localnorm_geom *g) {
  STN_TRY(stn_check_tensor(fn, "input", input));
  STN_TRY(stn_check_on(fn, "kernel", kernel, input->device));
  int64_t b, c, h, w;
  STN_TRY(stn_check_images(fn, input, &b, &c, &h, &w));
  if ((kernel->ndim != 1 && kernel->ndim != 2) || kernel->shape[0] % 2 == 0 ||
      (kernel->ndim == 2 && kernel->shape[1] % 2 == 0))
    return STN_FAIL(STN_ERR_ARG, "%s: the averaging kernel must be 1-D or 2-D with odd sizes, got %s", fn,
                    stn_shape_str(kernel));
  g->B = b, g->C = c, g->H = h, g->W = w;
  g->kdim = kernel->ndim;
  g->kh = (int)kernel->shape[0];
  g->kw = kernel->ndim == 2 ? (int)kernel->shape[1] : g->kh;
  return STN_OK;
}

/* The full kernel (kh x kw), its sum Z and the in-image mass cin of every pixel. */
static double kernel_setup(const stn_localnorm_geom *g, const float *k, float *K, float *cin) {
  double Z = 0;
  for (int i = 0; i < g->kh; i++)
    for (int j = 0; j < g->kw; j++) {
      K[i * g->kw + j] = g->kdim == 1 ? k[i] * k[j] : k[i * g->kw + j];
      Z += K[i * g->kw + j];
    }
  int ph = g->kh / 2, pw = g->kw / 2;
  for (int64_t y = 0; y < g->H; y++)
    for (int64_t x = 0; x < g->W; x++) {
      double s = 0;
      for (int i = 0; i < g->kh; i++) {
        int64_t yy = y + i - ph;
        if (yy < 0 || yy >= g->H) continue;
        for (int j = 0; j < g->kw; j++) {
          int64_t xx = x + j - pw;
          if (xx >= 0 && xx < g->W) s += K[i * g->kw + j];
        }
      }
      cin[y * g->W + x] = (float)s;
    }
  return Z;
}

/* out = K * m (correlation, zero outside), or its adjoint K^T * m when adjoint. */
static void correlate(const stn_localnorm_geom *g, const float *K, const float *m, float *out, int adjoint) {
  int ph = g->kh / 2, pw = g->kw / 2;
  for (int64_t y = 0; y < g->H; y++)
    for (int64_t x = 0; x < g->W; x++) {
      float s = 0.f;
      for (int i = 0; i < g->kh; i++) {
        int64_t yy = adjoint ? y - i + ph : y + i - ph;
        if (yy < 0 || yy >= g->H) continue;
        for (int j = 0; j < g->kw; j++) {
          int64_t xx = adjoint ? x - j + pw : x + j - pw;
          if (xx >= 0 && xx < g->W) s += K[i * g->kw + j] * m[yy * g->W + xx];
        }
      }
      out[y * g->W + x] = s;
    }
}

/* Shared set-up: shapes, the work buffer (K, cin, then 3 maps per image), contiguous
 * inputs. A pass then runs `body` over the images in parallel. */
typedef struct ln_state {
  stn_localnorm_geom g;
  float *K, *cin, *maps;
  double Z;
  stn_tensor xc, gc, kc;
} ln_state;

static stn_status ln_begin(stn_ctx *ctx, const char *fn, const stn_tensor *input, const stn_tensor *gradOutput,
                           const stn_tensor *kernel, stn_tensor *work, ln_state *s) {
  memset(s, 0, sizeof *s);
  STN_TRY(stn_localnorm_check(fn, input, kernel, &s->g));
  int64_t hw = s->g.H * s->g.W;
  STN_TRY(stn_scratch(ctx, fn, work, STN_CPU, s->g.kh * s->g.kw + hw + 3 * s->g.B * hw));
  STN_TRY(stn_contiguous_copy(ctx, &s->xc, input));
  stn_status st = stn_contiguous_copy(ctx, &s->kc, kernel);
  if (st == STN_OK && gradOutput) st = stn_contiguous_copy(ctx, &s->gc, gradOutput);
  if (st != STN_OK) {
    stn_tensor_release(&s->xc);
    stn_tensor_release(&s->kc);
    return st;
  }
  s->K = stn_data(work);
  s->cin = s->K + s->g.kh * s->g.kw;
  s->maps = s->cin + hw;
  s->Z = kernel_setup(&s->g, stn_data(&s->kc), s->K, s->cin);
  return STN_OK;
}

static void ln_end(ln_state *s) {
  stn_tensor_release(&s->xc);
  stn_tensor_release(&s->gc);
  stn_tensor_release(&s->kc);
}

/* adj (the divisive's adjusted standard deviation) of one image's planes x. */
static void div_adjusted(const ln_state *s, const float *x, float *q, float *adj) {
  int64_t hw = s->g.H * s->g.W;
  for (int64_t p = 0; p < hw; p++) q[p] = 0.f;
  for (int64_t c = 0; c < s->g.C; c++)
    for (int64_t p = 0; p < hw; p++) q[p] += x[c * hw + p] * x[c * hw + p];
  correlate(&s->g, s->K, q, adj, 0);
  float zn = (float)(s->Z * s->g.C), z = (float)s->Z;
  for (int64_t p = 0; p < hw; p++) adj[p] = sqrtf(adj[p] / zn) * z / s->cin[p];
}

static inline float thresholded(float adj, float threshold, float thresval) { return adj > threshold ? adj : thresval; }

stn_status stn_localnorm_forward(stn_ctx *ctx, const stn_localnorm_plan *plan, const stn_tensor *input,
                                 stn_tensor *output, const stn_tensor *kernel, stn_tensor *work) {
  static const char *fn = "stn_localnorm_forward";
  STN_TRY(stn_check_plan(fn, "plan", plan));
  STN_TRY(stn_check_tensor(fn, "input", input));
  int divisive = plan->divisive;
  float threshold = plan->threshold, thresval = plan->thresval;
  STN_TRY(stn_check_on(fn, "output", output, input->device));
  stn_localnorm_geom g;
  STN_TRY(stn_localnorm_check(fn, input, kernel, &g));
  STN_TRY(stn_resize_as(ctx, output, input));
  STN_TRY(stn_check_contiguous(fn, "output", output));
  if (input->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_localnorm_forward_cuda(ctx, plan, &g, input, output, kernel, work));
  ln_state s;
  STN_TRY(ln_begin(ctx, fn, input, NULL, kernel, work, &s));
  int64_t hw = g.H * g.W, isz = g.C * hw;
  const float *x = stn_data(&s.xc);
  float *y = stn_data(output);
#pragma omp parallel for schedule(static) if (g.B * isz >= STN_OMP_MIN)
  for (int64_t b = 0; b < g.B; b++) {
    const float *xb = x + b * isz;
    float *yb = y + b * isz, *m0 = s.maps + 3 * b * hw, *m1 = m0 + hw;
    if (divisive) {
      div_adjusted(&s, xb, m0, m1);
      for (int64_t p = 0; p < hw; p++) m1[p] = thresholded(m1[p], threshold, thresval);
      for (int64_t c = 0; c < g.C; c++)
        for (int64_t p = 0; p < hw; p++) yb[c * hw + p] = xb[c * hw + p] / m1[p];
    } else {
      for (int64_t p = 0; p < hw; p++) m0[p] = 0.f;
      for (int64_t c = 0; c < g.C; c++)
        for (int64_t p = 0; p < hw; p++) m0[p] += xb[c * hw + p];
      correlate(&g, s.K, m0, m1, 0);
      for (int64_t p = 0; p < hw; p++) m1[p] /= (float)g.C * s.cin[p];
      for (int64_t c = 0; c < g.C; c++)
        for (int64_t p = 0; p < hw; p++) yb[c * hw + p] = xb[c * hw + p] - m1[p];
    }
  }
  ln_end(&s);
  return STN_OK;
}

stn_status stn_localnorm_backward(stn_ctx *ctx, const stn_localnorm_plan *plan, const stn_tensor *input,
                                  const stn_tensor *gradOutput, stn_tensor *gradInput, const stn_tensor *kernel,
                                  stn_tensor *work) {
  static const char *fn = "stn_localnorm_backward";
  STN_TRY(stn_check_plan(fn, "plan", plan));
  STN_TRY(stn_check_tensor(fn, "input", input));
  int divisive = plan->divisive;
  float threshold = plan->threshold, thresval = plan->thresval;
  STN_TRY(stn_check_on(fn, "gradOutput", gradOutput, input->device));
  STN_TRY(stn_check_on(fn, "gradInput", gradInput, input->device));
  STN_TRY(stn_check_same_shape(fn, "gradOutput", gradOutput, "input", input));
  stn_localnorm_geom g;
  STN_TRY(stn_localnorm_check(fn, input, kernel, &g));
  STN_TRY(stn_resize_as(ctx, gradInput, input));
  STN_TRY(stn_check_contiguous(fn, "gradInput", gradInput));
  if (input->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_localnorm_backward_cuda(ctx, plan, &g, input, gradOutput, gradInput, kernel, work));
  ln_state s;
  STN_TRY(ln_begin(ctx, fn, input, gradOutput, kernel, work, &s));
  int64_t hw = g.H * g.W, isz = g.C * hw;
  const float *x = stn_data(&s.xc), *gy = stn_data(&s.gc);
  float *gx = stn_data(gradInput);
  float zn = (float)(s.Z * g.C), z = (float)s.Z;
#pragma omp parallel for schedule(static) if (g.B * isz >= STN_OMP_MIN)
  for (int64_t b = 0; b < g.B; b++) {
    const float *xb = x + b * isz, *gb = gy + b * isz;
    float *gxb = gx + b * isz, *m0 = s.maps + 3 * b * hw, *m1 = m0 + hw, *m2 = m1 + hw;
    if (divisive) {
      div_adjusted(&s, xb, m0, m1); /* m1 = adj */
      for (int64_t p = 0; p < hw; p++) m0[p] = 0.f;
      for (int64_t c = 0; c < g.C; c++)
        for (int64_t p = 0; p < hw; p++) m0[p] += gb[c * hw + p] * xb[c * hw + p];
      for (int64_t p = 0; p < hw; p++) {
        float adj = m1[p], thr = thresholded(adj, threshold, thresval);
        float gadj = adj > threshold ? -m0[p] / (thr * thr) : 0.f;
        float std = adj * s.cin[p] / z; /* the unadjusted sqrt */
        float gstd = gadj * z / s.cin[p];
        m0[p] = std > 0.f ? 0.5f * gstd / std / zn : 0.f; /* d/d(sum of K-weighted squares) */
        m1[p] = thr;
      }
      correlate(&g, s.K, m0, m2, 1);
      for (int64_t c = 0; c < g.C; c++)
        for (int64_t p = 0; p < hw; p++) gxb[c * hw + p] = gb[c * hw + p] / m1[p] + 2.f * xb[c * hw + p] * m2[p];
    } else {
      for (int64_t p = 0; p < hw; p++) m0[p] = 0.f;
      for (int64_t c = 0; c < g.C; c++)
        for (int64_t p = 0; p < hw; p++) m0[p] += gb[c * hw + p];
      for (int64_t p = 0; p < hw; p++) m0[p] = -m0[p] / ((float)g.C * s.cin[p]);
      correlate(&g, s.K, m0, m2, 1);
      for (int64_t c = 0; c < g.C; c++)
        for (int64_t p = 0; p < hw; p++) gxb[c * hw + p] = gb[c * hw + p] + m2[p];
    }
  }
  ln_end(&s);
  return STN_OK;
}
