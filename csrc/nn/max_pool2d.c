/* max_pool2d.c: SpatialMaxPooling on the CPU (Torch7's semantics: windows clipped to
 * the image, padding never wins, ceil or floor output sizes; unlike Torch7, a NaN
 * propagates: the first NaN of a window, in row-major order, wins). The
 * argmax of each window is kept in indices as a 1-based offset within its plane, for
 * the backward pass, in the input's type. Float keeps a 2x2 stride-2 SIMD path; any
 * other window, and Double, run the plane loops of max_pool2d_generic.h. CUDA tensors
 * go to cuda/nn/max_pool2d.cu. */
#include "nn/pool.h"

#define STN_GENERIC_FILE "nn/max_pool2d_generic.h"
#include "core/generic_floating.h"
#define STN_DOUBLE_DATA(t) ((double *)stn_ptr(t))

#ifdef __SSE4_1__
#include <smmintrin.h>
#endif


stn_status stn_max_pool2d_forward(stn_ctx *ctx, const stn_pool2d_plan *plan, const stn_tensor *input,
                                  stn_tensor *output, stn_tensor *indices) {
  static const char *fn = "stn_max_pool2d_forward";
  stn_pool_geom g;
  STN_TRY(stn_pool_check(fn, plan, input, &g));
  STN_TRY(stn_check_on(fn, "output", output, input));
  STN_TRY(stn_check_on(fn, "indices", indices, input));
  STN_TRY(stn_resize_images(ctx, output, input, g.B, g.C, g.oH, g.oW));
  STN_TRY(stn_resize_images(ctx, indices, input, g.B, g.C, g.oH, g.oW));
  STN_TRY(stn_check_contiguous(fn, "output", output));
  STN_TRY(stn_check_contiguous(fn, "indices", indices));
  if (input->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_max_pool2d_forward_cuda(ctx, &g, input, output, indices));
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  if (input->dtype == STN_DOUBLE) {
    const double *xd = STN_DOUBLE_DATA(&xc);
    double *yd = STN_DOUBLE_DATA(output), *idd = STN_DOUBLE_DATA(indices);
    int64_t np = g.B * g.C, hw = g.H * g.W, ohw = g.oH * g.oW;
#pragma omp parallel for schedule(static) if (np * ohw * g.kW * g.kH >= STN_OMP_MIN)
    for (int64_t p = 0; p < np; p++) max_plane_forward_double(&g, xd + p * hw, yd + p * ohw, idd + p * ohw);
    stn_tensor_release(&xc);
    return STN_OK;
  }
  const float *x = stn_data(&xc);
  float *y = stn_data(output), *ind = stn_data(indices);
  int64_t planes = g.B * g.C;
  int kW = g.kW, kH = g.kH, dW = g.dW, dH = g.dH, padW = g.padW, padH = g.padH;
  int fast = kW == 2 && kH == 2 && dW == 2 && dH == 2 && padW == 0 && padH == 0 && 2 * g.oH <= g.H && 2 * g.oW <= g.W;
#pragma omp parallel for schedule(static) if (planes * g.oH * g.oW * kW * kH >= STN_OMP_MIN)
  for (int64_t p = 0; p < planes; p++) {
    const float *xp = x + p * g.H * g.W;
    float *yp = y + p * g.oH * g.oW, *ip = ind + p * g.oH * g.oW;
    if (fast) { /* 2x2 windows, stride 2: the common case, written to vectorize */
      for (int64_t oy = 0; oy < g.oH; oy++) {
        const float *r0 = xp + 2 * oy * g.W, *r1 = r0 + g.W;
        float *yr = yp + oy * g.oW, *ir = ip + oy * g.oW;
        float base = (float)(2 * oy * g.W + 1), below = (float)g.W;
        int64_t ox = 0;
#ifdef __SSE4_1__
        /* four windows at a time: even/odd columns split by shuffles, selects by blends */
        __m128 step = _mm_set1_ps(8.f), one = _mm_set1_ps(1.f), wv = _mm_set1_ps(below);
        __m128 ia = _mm_add_ps(_mm_set1_ps(base), _mm_setr_ps(0.f, 2.f, 4.f, 6.f));
        for (; ox + 4 <= g.oW; ox += 4, ia = _mm_add_ps(ia, step)) {
          __m128 u0 = _mm_loadu_ps(r0 + 2 * ox), u1 = _mm_loadu_ps(r0 + 2 * ox + 4);
          __m128 v0 = _mm_loadu_ps(r1 + 2 * ox), v1 = _mm_loadu_ps(r1 + 2 * ox + 4);
          __m128 a = _mm_shuffle_ps(u0, u1, _MM_SHUFFLE(2, 0, 2, 0)), b = _mm_shuffle_ps(u0, u1, _MM_SHUFFLE(3, 1, 3, 1));
          __m128 c = _mm_shuffle_ps(v0, v1, _MM_SHUFFLE(2, 0, 2, 0)), d = _mm_shuffle_ps(v0, v1, _MM_SHUFFLE(3, 1, 3, 1));
          __m128 m = a, im = ia, t;
          t = _mm_or_ps(_mm_cmpgt_ps(b, m), _mm_and_ps(_mm_cmpunord_ps(b, b), _mm_cmpord_ps(m, m)));
          m = _mm_blendv_ps(m, b, t), im = _mm_blendv_ps(im, _mm_add_ps(ia, one), t);
          t = _mm_or_ps(_mm_cmpgt_ps(c, m), _mm_and_ps(_mm_cmpunord_ps(c, c), _mm_cmpord_ps(m, m)));
          m = _mm_blendv_ps(m, c, t), im = _mm_blendv_ps(im, _mm_add_ps(ia, wv), t);
          t = _mm_or_ps(_mm_cmpgt_ps(d, m), _mm_and_ps(_mm_cmpunord_ps(d, d), _mm_cmpord_ps(m, m)));
          m = _mm_blendv_ps(m, d, t), im = _mm_blendv_ps(im, _mm_add_ps(_mm_add_ps(ia, wv), one), t);
          _mm_storeu_ps(yr + ox, m);
          _mm_storeu_ps(ir + ox, im);
        }
#endif
        for (; ox < g.oW; ox++) {
          float a = r0[2 * ox], b = r0[2 * ox + 1], c = r1[2 * ox], d = r1[2 * ox + 1];
          float ia = base + (float)(2 * ox), m = a, im = ia;
          int t = (b > m) | ((b != b) & (m == m));
          m = t ? b : m, im = t ? ia + 1.f : im;
          t = (c > m) | ((c != c) & (m == m));
          m = t ? c : m, im = t ? ia + below : im;
          t = (d > m) | ((d != d) & (m == m));
          m = t ? d : m, im = t ? ia + below + 1.f : im;
          yr[ox] = m;
          ir[ox] = im;
        }
      }
      continue;
    }
    max_plane_forward_float(&g, xp, yp, ip);
  }
  stn_tensor_release(&xc);
  return STN_OK;
}

/* The backward pass of 2x2 windows at stride 2 on one plane: the windows tile the
 * top-left 2 oH x 2 oW pixels, so gx is written once, each pixel the gradient of its
 * window or 0 (no zeroing pass, no scatter). Returns 0, leaving the plane to the
 * general scatter, when an index lies outside its own window (indices is a
 * user-visible tensor). Planes below 2^24 pixels: the float indices are exact. */
static int pool2_backward_plane(const stn_pool_geom *g, const float *gy, const float *ind, float *gx) {
  int64_t W = g->W, oW = g->oW;
  int bad = 0;
  for (int64_t oy = 0; oy < g->oH; oy++) {
    float *r0 = gx + 2 * oy * W, *r1 = r0 + W;
    const float *gr = gy + oy * oW, *ir = ind + oy * oW;
    float base = (float)(2 * oy * W + 1), below = (float)W;
    int64_t ox = 0;
#ifdef __SSE4_1__
    __m128 zero = _mm_setzero_ps(), one = _mm_set1_ps(1.f), wv = _mm_set1_ps(below), step = _mm_set1_ps(8.f);
    __m128 ia = _mm_add_ps(_mm_set1_ps(base), _mm_setr_ps(0.f, 2.f, 4.f, 6.f));
    for (; ox + 4 <= oW; ox += 4, ia = _mm_add_ps(ia, step)) {
      __m128 gv = _mm_loadu_ps(gr + ox), d = _mm_sub_ps(_mm_loadu_ps(ir + ox), ia);
      __m128 m0 = _mm_cmpeq_ps(d, zero), m1 = _mm_cmpeq_ps(d, one), m2 = _mm_cmpeq_ps(d, wv);
      __m128 m3 = _mm_cmpeq_ps(d, _mm_add_ps(wv, one));
      bad |= _mm_movemask_ps(_mm_or_ps(_mm_or_ps(m0, m1), _mm_or_ps(m2, m3))) != 15;
      __m128 a = _mm_and_ps(m0, gv), b = _mm_and_ps(m1, gv), c = _mm_and_ps(m2, gv), e = _mm_and_ps(m3, gv);
      _mm_storeu_ps(r0 + 2 * ox, _mm_unpacklo_ps(a, b)), _mm_storeu_ps(r0 + 2 * ox + 4, _mm_unpackhi_ps(a, b));
      _mm_storeu_ps(r1 + 2 * ox, _mm_unpacklo_ps(c, e)), _mm_storeu_ps(r1 + 2 * ox + 4, _mm_unpackhi_ps(c, e));
    }
#endif
    for (; ox < oW; ox++) {
      float gv = gr[ox], d = ir[ox] - (base + (float)(2 * ox));
      bad |= d != 0.f && d != 1.f && d != below && d != below + 1.f;
      r0[2 * ox] = d == 0.f ? gv : 0.f, r0[2 * ox + 1] = d == 1.f ? gv : 0.f;
      r1[2 * ox] = d == below ? gv : 0.f, r1[2 * ox + 1] = d == below + 1.f ? gv : 0.f;
    }
    for (int64_t x = 2 * oW; x < W; x++) r0[x] = r1[x] = 0.f; /* an odd last column */
  }
  for (int64_t i = 2 * g->oH * W; i < g->H * W; i++) gx[i] = 0.f; /* an odd last row */
  return !bad;
}

stn_status stn_max_pool2d_backward(stn_ctx *ctx, const stn_pool2d_plan *plan, const stn_tensor *input,
                                   const stn_tensor *gradOutput, stn_tensor *gradInput, const stn_tensor *indices) {
  static const char *fn = "stn_max_pool2d_backward";
  stn_pool_geom g;
  STN_TRY(stn_pool_check(fn, plan, input, &g));
  STN_TRY(stn_pool_check_grad(fn, input, gradOutput, gradInput, &g));
  STN_TRY(stn_check_on(fn, "indices", indices, input));
  if (!stn_same_shape(indices, gradOutput) || !stn_tensor_is_contiguous(indices))
    return STN_FAIL(STN_ERR_ARG, "%s: indices %s do not come from a forward pass giving %s (run forward first)", fn,
                    stn_shape_str(indices), stn_shape_str(gradOutput));
  STN_TRY(stn_resize_as(ctx, gradInput, input));
  STN_TRY(stn_check_contiguous(fn, "gradInput", gradInput));
  if (input->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_max_pool2d_backward_cuda(ctx, &g, gradOutput, gradInput, indices));
  stn_tensor gc;
  STN_TRY(stn_contiguous_copy(ctx, &gc, gradOutput));
  if (input->dtype == STN_DOUBLE) {
    const double *gyd = STN_DOUBLE_DATA(&gc), *idd = STN_DOUBLE_DATA(indices);
    double *gxd = STN_DOUBLE_DATA(gradInput);
    int64_t np = g.B * g.C, hw = g.H * g.W, ohw = g.oH * g.oW;
#pragma omp parallel for schedule(static) if (np * hw >= STN_OMP_MIN)
    for (int64_t p = 0; p < np; p++) max_plane_backward_double(&g, gyd + p * ohw, idd + p * ohw, gxd + p * hw);
    stn_tensor_release(&gc);
    return STN_OK;
  }
  const float *gy = stn_data(&gc), *ind = stn_data(indices);
  float *gx = stn_data(gradInput);
  int64_t planes = g.B * g.C, plane = g.H * g.W, oplane = g.oH * g.oW;
  int fast = g.kW == 2 && g.kH == 2 && g.dW == 2 && g.dH == 2 && g.padW == 0 && g.padH == 0 && 2 * g.oH <= g.H &&
             2 * g.oW <= g.W && plane < (1 << 24);
#pragma omp parallel for schedule(static) if (planes * plane >= STN_OMP_MIN)
  for (int64_t p = 0; p < planes; p++) {
    float *gp = gx + p * plane;
    if (fast && pool2_backward_plane(&g, gy + p * oplane, ind + p * oplane, gp)) continue;
    max_plane_backward_float(&g, gy + p * oplane, ind + p * oplane, gp);
  }
  stn_tensor_release(&gc);
  return STN_OK;
}
