/* local_norm_generic.h: the local normalizations' CPU passes for one element type (see
 * core/dtype.h), instantiated by csrc/nn/local_norm.c for float and double (the kernel,
 * its masses and the maps in the input's type, in a work buffer of that type). */
#include "nn/generic_math.h"

/* The full kernel (kh x kw), its sum Z and the in-image mass cin of every pixel. */
static double STN_T(kernel_setup)(const stn_localnorm_geom *g, const scalar_t *k, scalar_t *K, scalar_t *cin) {
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
      cin[y * g->W + x] = (scalar_t)s;
    }
  return Z;
}

/* out = K * m (correlation, zero outside), or its adjoint K^T * m when adjoint. */
static void STN_T(correlate)(const stn_localnorm_geom *g, const scalar_t *K, const scalar_t *m, scalar_t *out,
                             int adjoint) {
  int ph = g->kh / 2, pw = g->kw / 2;
  for (int64_t y = 0; y < g->H; y++)
    for (int64_t x = 0; x < g->W; x++) {
      scalar_t s = (scalar_t)0;
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
typedef struct {
  stn_localnorm_geom g;
  scalar_t *K, *cin, *maps;
  double Z;
  stn_tensor xc, gc, kc;
} STN_T(ln_state);

static stn_status STN_T(ln_begin)(stn_ctx *ctx, const char *fn, const stn_tensor *input, const stn_tensor *gradOutput,
                           const stn_tensor *kernel, stn_tensor *work, STN_T(ln_state) *s) {
  memset(s, 0, sizeof *s);
  STN_TRY(stn_localnorm_check(fn, input, kernel, &s->g));
  int64_t hw = s->g.H * s->g.W;
  STN_TRY(stn_scratch_typed(ctx, fn, work, STN_CPU, STN_DTYPE, s->g.kh * s->g.kw + hw + 3 * s->g.B * hw));
  STN_TRY(stn_contiguous_copy(ctx, &s->xc, input));
  stn_status st = stn_contiguous_copy(ctx, &s->kc, kernel);
  if (st == STN_OK && gradOutput) st = stn_contiguous_copy(ctx, &s->gc, gradOutput);
  if (st != STN_OK) {
    stn_tensor_release(&s->xc);
    stn_tensor_release(&s->kc);
    return st;
  }
  s->K = STN_NN_DATA(work);
  s->cin = s->K + s->g.kh * s->g.kw;
  s->maps = s->cin + hw;
  s->Z = STN_T(kernel_setup)(&s->g, STN_NN_DATA(&s->kc), s->K, s->cin);
  return STN_OK;
}

static void STN_T(ln_end)(STN_T(ln_state) *s) {
  stn_tensor_release(&s->xc);
  stn_tensor_release(&s->gc);
  stn_tensor_release(&s->kc);
}

/* adj (the divisive's adjusted standard deviation) of one image's planes x. */
static void STN_T(div_adjusted)(const STN_T(ln_state) *s, const scalar_t *x, scalar_t *q, scalar_t *adj) {
  int64_t hw = s->g.H * s->g.W;
  for (int64_t p = 0; p < hw; p++) q[p] = (scalar_t)0;
  for (int64_t c = 0; c < s->g.C; c++)
    for (int64_t p = 0; p < hw; p++) q[p] += x[c * hw + p] * x[c * hw + p];
  STN_T(correlate)(&s->g, s->K, q, adj, 0);
  scalar_t zn = (scalar_t)(s->Z * s->g.C), z = (scalar_t)s->Z;
  for (int64_t p = 0; p < hw; p++) adj[p] = NN_SQRT(adj[p] / zn) * z / s->cin[p];
}

static inline scalar_t STN_T(thresholded)(scalar_t adj, scalar_t threshold, scalar_t thresval) {
  return adj > threshold ? adj : thresval;
}

static stn_status STN_T(ln_forward)(stn_ctx *ctx, const char *fn, const stn_localnorm_geom *g, int divisive,
                                    double threshold_d, double thresval_d, const stn_tensor *input, stn_tensor *output,
                                    const stn_tensor *kernel, stn_tensor *work) {
  const scalar_t threshold = (scalar_t)threshold_d, thresval = (scalar_t)thresval_d; /* as the type rounds them */
  STN_T(ln_state) s;
  STN_TRY(STN_T(ln_begin)(ctx, fn, input, NULL, kernel, work, &s));
  int64_t hw = g->H * g->W, isz = g->C * hw;
  const scalar_t *x = STN_NN_DATA(&s.xc);
  scalar_t *y = STN_NN_DATA(output);
#pragma omp parallel for schedule(static) if (g->B * isz >= STN_OMP_MIN)
  for (int64_t b = 0; b < g->B; b++) {
    const scalar_t *xb = x + b * isz;
    scalar_t *yb = y + b * isz, *m0 = s.maps + 3 * b * hw, *m1 = m0 + hw;
    if (divisive) {
      STN_T(div_adjusted)(&s, xb, m0, m1);
      for (int64_t p = 0; p < hw; p++) m1[p] = STN_T(thresholded)(m1[p], threshold, thresval);
      for (int64_t c = 0; c < g->C; c++)
        for (int64_t p = 0; p < hw; p++) yb[c * hw + p] = xb[c * hw + p] / m1[p];
    } else {
      for (int64_t p = 0; p < hw; p++) m0[p] = (scalar_t)0;
      for (int64_t c = 0; c < g->C; c++)
        for (int64_t p = 0; p < hw; p++) m0[p] += xb[c * hw + p];
      STN_T(correlate)(g, s.K, m0, m1, 0);
      for (int64_t p = 0; p < hw; p++) m1[p] /= (scalar_t)g->C * s.cin[p];
      for (int64_t c = 0; c < g->C; c++)
        for (int64_t p = 0; p < hw; p++) yb[c * hw + p] = xb[c * hw + p] - m1[p];
    }
  }
  STN_T(ln_end)(&s);
  return STN_OK;
}

static stn_status STN_T(ln_backward)(stn_ctx *ctx, const char *fn, const stn_localnorm_geom *g, int divisive,
                                     double threshold_d, double thresval_d, const stn_tensor *input,
                                     const stn_tensor *gradOutput, stn_tensor *gradInput, const stn_tensor *kernel,
                                     stn_tensor *work) {
  const scalar_t threshold = (scalar_t)threshold_d, thresval = (scalar_t)thresval_d; /* as the type rounds them */
  STN_T(ln_state) s;
  STN_TRY(STN_T(ln_begin)(ctx, fn, input, gradOutput, kernel, work, &s));
  int64_t hw = g->H * g->W, isz = g->C * hw;
  const scalar_t *x = STN_NN_DATA(&s.xc), *gy = STN_NN_DATA(&s.gc);
  scalar_t *gx = STN_NN_DATA(gradInput);
  scalar_t zn = (scalar_t)(s.Z * g->C), z = (scalar_t)s.Z;
#pragma omp parallel for schedule(static) if (g->B * isz >= STN_OMP_MIN)
  for (int64_t b = 0; b < g->B; b++) {
    const scalar_t *xb = x + b * isz, *gb = gy + b * isz;
    scalar_t *gxb = gx + b * isz, *m0 = s.maps + 3 * b * hw, *m1 = m0 + hw, *m2 = m1 + hw;
    if (divisive) {
      STN_T(div_adjusted)(&s, xb, m0, m1); /* m1 = adj */
      for (int64_t p = 0; p < hw; p++) m0[p] = (scalar_t)0;
      for (int64_t c = 0; c < g->C; c++)
        for (int64_t p = 0; p < hw; p++) m0[p] += gb[c * hw + p] * xb[c * hw + p];
      for (int64_t p = 0; p < hw; p++) {
        scalar_t adj = m1[p], thr = STN_T(thresholded)(adj, threshold, thresval);
        scalar_t gadj = adj > threshold ? -m0[p] / (thr * thr) : (scalar_t)0;
        scalar_t std = adj * s.cin[p] / z; /* the unadjusted sqrt */
        scalar_t gstd = gadj * z / s.cin[p];
        m0[p] = std > (scalar_t)0 ? (scalar_t)0.5 * gstd / std / zn : (scalar_t)0; /* d/d(sum of K-weighted squares) */
        m1[p] = thr;
      }
      STN_T(correlate)(g, s.K, m0, m2, 1);
      for (int64_t c = 0; c < g->C; c++)
        for (int64_t p = 0; p < hw; p++)
          gxb[c * hw + p] = gb[c * hw + p] / m1[p] + (scalar_t)2 * xb[c * hw + p] * m2[p];
    } else {
      for (int64_t p = 0; p < hw; p++) m0[p] = (scalar_t)0;
      for (int64_t c = 0; c < g->C; c++)
        for (int64_t p = 0; p < hw; p++) m0[p] += gb[c * hw + p];
      for (int64_t p = 0; p < hw; p++) m0[p] = -m0[p] / ((scalar_t)g->C * s.cin[p]);
      STN_T(correlate)(g, s.K, m0, m2, 1);
      for (int64_t c = 0; c < g->C; c++)
        for (int64_t p = 0; p < hw; p++) gxb[c * hw + p] = gb[c * hw + p] + m2[p];
    }
  }
  STN_T(ln_end)(&s);
  return STN_OK;
}
