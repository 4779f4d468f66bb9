/* conv2d.c: SpatialConvolution(MM) on the CPU. Each pass goes to the direct passes of
 * csrc/nn/conv2d_direct.c where the CPU has AVX2 and FMA and the sizes suit them; the
 * rest runs here as im2col (csrc/nn/im2col.c) + sgemm per image (or per few images side by
 * side when the maps are small), images shared out over OpenMP threads (each thread
 * runs single-threaded sgemm on its own images, so column building and products both
 * run in parallel with no hand-offs). With one image, the products are split over the
 * threads instead. Double tensors go to csrc/nn/conv2d_double.c (im2col + dgemm). CUDA:
 * cuda/nn/conv2d.cu. */
#include "nn/conv2d_direct.h"
#include "nn/gemm.h"
#include "nn/threads.h"

#include <string.h>

static stn_conv_geom geom_of(const stn_tensor *input, const stn_tensor *weight, const stn_conv2d_plan *p, int dilW,
                             int dilH) {
  stn_conv_geom g;
  int b4 = input->ndim == 4;
  g.B = b4 ? input->shape[0] : 1;
  g.C = input->shape[b4];
  g.H = input->shape[b4 + 1];
  g.W = input->shape[b4 + 2];
  g.O = weight->shape[0];
  g.kW = p->kW, g.kH = p->kH, g.dW = p->dW, g.dH = p->dH, g.padW = p->padW, g.padH = p->padH;
  g.dilW = dilW, g.dilH = dilH;
  g.oH = (g.H + 2 * (int64_t)g.padH - stn_conv_span(g.kH, dilH)) / g.dH + 1;
  g.oW = (g.W + 2 * (int64_t)g.padW - stn_conv_span(g.kW, dilW)) / g.dW + 1;
  g.K = g.C * g.kH * g.kW;
  g.N = g.oH * g.oW;
  return g;
}

/* Checks the plan and the arguments every entry point shares, and fills g. */
static stn_status conv_check(const char *fn, const stn_conv2d_plan *plan, const stn_tensor *input,
                             const stn_tensor *weight, const stn_tensor *bias, stn_conv_geom *g) {
  STN_TRY(stn_check_plan(fn, "plan", plan));
  int kW = plan->kW, kH = plan->kH, dW = plan->dW, dH = plan->dH, padW = plan->padW, padH = plan->padH;
  STN_TRY(stn_check_nn_input(fn, "input", input));
  int64_t b, c, h, w;
  STN_TRY(stn_check_images(fn, input, &b, &c, &h, &w));
  if (kW < 1 || kH < 1 || dW < 1 || dH < 1 || padW < 0 || padH < 0)
    return STN_FAIL(STN_ERR_ARG, "%s: kernel %dx%d, stride %d,%d, padding %d,%d: kernel and stride must be positive, "
                    "padding non-negative", fn, kW, kH, dW, dH, padW, padH);
  int dilW, dilH;
  STN_TRY(stn_conv_dilation(fn, plan, &dilW, &dilH));
  STN_TRY(stn_check_on(fn, "weight", weight, input));
  int64_t kk = (int64_t)kW * kH;
  int ok = (weight->ndim == 4 && weight->shape[1] == c && weight->shape[2] == kH && weight->shape[3] == kW) ||
           (weight->ndim == 2 && weight->shape[1] == c * kk);
  if (!ok)
    return STN_FAIL(STN_ERR_ARG, "%s: weight %s does not fit input %s with a %dx%d kernel (expected O x %lld x %d x %d)",
                    fn, stn_shape_str(weight), stn_shape_str(input), kW, kH, (long long)c, kH, kW);
  if (!stn_tensor_is_contiguous(weight))
    return STN_FAIL(STN_ERR_ARG, "%s: weight %s must be contiguous", fn, stn_shape_str(weight));
  if (stn_present(bias)) {
    STN_TRY(stn_check_on(fn, "bias", bias, input));
    if (bias->ndim != 1 || bias->shape[0] != weight->shape[0])
      return STN_FAIL(STN_ERR_ARG, "%s: bias %s must hold one value per output plane (%lld)", fn, stn_shape_str(bias),
                      (long long)weight->shape[0]);
  }
  int64_t spanW = stn_conv_span(kW, dilW), spanH = stn_conv_span(kH, dilH);
  if (h + 2 * (int64_t)padH < spanH || w + 2 * (int64_t)padW < spanW) {
    if (dilW == 1 && dilH == 1)
      return STN_FAIL(STN_ERR_ARG, "%s: input %s (padded by %d,%d) is smaller than the %dx%d kernel", fn,
                      stn_shape_str(input), padW, padH, kW, kH);
    return STN_FAIL(STN_ERR_ARG, "%s: input %s (padded by %d,%d) is smaller than the %dx%d kernel dilated by %d,%d "
                    "(%lldx%lld)", fn, stn_shape_str(input), padW, padH, kW, kH, dilW, dilH, (long long)spanW,
                    (long long)spanH);
  }
  *g = geom_of(input, weight, plan, dilW, dilH);
  return STN_OK;
}

/* A 1x1 kernel with stride 1 and no padding reads the image itself as its columns. */
static int is_pointwise(const stn_conv_geom *g) {
  return g->kW == 1 && g->kH == 1 && g->dW == 1 && g->dH == 1 && g->padW == 0 && g->padH == 0;
}

/* Below this many flops a call runs on one thread: waking the others costs more
 * than it saves (and much more when the machine is busy). */
#define CONV_PARALLEL_FLOPS 2e7

/* Images of a batch are summed into at most this many partial weight gradients (see
 * stn_conv2d_backward). */
#define CONV_SLOTS 8

/* Small maps (oH * oW below this) are unrolled several images side by side, so that
 * one product has at least this many columns (sgemm is slow on thin matrices), within
 * CONV_GROUP_FLOATS floats of columns per thread. */
#define CONV_GROUP_COLS 512
#define CONV_GROUP_FLOATS ((int64_t)1 << 22)

/* How a call shares its threads: images over threads, one image at a time with the
 * products and column loops split, or everything in the calling thread. */
enum { CONV_SERIAL = 0, CONV_SPLIT, CONV_PER_IMAGE };
static int conv_mode(stn_ctx *ctx, const stn_conv_geom *g) {
  double flops = 2.0 * (double)g->B * (double)g->O * (double)g->K * (double)g->N;
  if (stn_threads(ctx) == 1 || flops < CONV_PARALLEL_FLOPS) return CONV_SERIAL;
  return g->B > 1 ? CONV_PER_IMAGE : CONV_SPLIT;
}

/* With stride 1, the image gradient is itself a convolution (stn_conv_transposed_geom):
 * one im2col of gy and one product straight into gx, with a long inner dimension,
 * instead of a product with inner dimension O, a zeroed column buffer and a col2im
 * scatter. */
static int transposed_ok(const stn_conv_geom *g) {
  /* few input planes would make that product thin (C rows) and its columns many */
  return stn_conv_transposable(g) && !is_pointwise(g) && g->C >= 64;
}

static stn_conv_geom transposed_geom(const stn_conv_geom *g) { return stn_conv_transposed_geom(g); }

/* wt[c][o][i][j] = w[o][c][kH-1-i][kW-1-j] */
static void transpose_weights(const stn_conv_geom *g, const float *w, float *wt) {
  int64_t kk = (int64_t)g->kH * g->kW;
#pragma omp parallel for schedule(static) if (g->O * g->C * kk >= STN_OMP_MIN)
  for (int64_t c = 0; c < g->C; c++)
    for (int64_t o = 0; o < g->O; o++)
      for (int64_t k = 0; k < kk; k++) wt[(c * g->O + o) * kk + k] = w[(o * g->C + c) * kk + (kk - 1 - k)];
}

/* Images per product (see CONV_GROUP_COLS); depends on the sizes only. */
static int64_t group_size(const stn_conv_geom *g) {
  if (g->N >= CONV_GROUP_COLS) return 1;
  int64_t G = (CONV_GROUP_COLS + g->N - 1) / g->N;
  int64_t rows = g->K;
  if (transposed_ok(g)) {
    stn_conv_geom t = transposed_geom(g);
    if (t.K * t.N > rows * g->N) rows = t.K * t.N / g->N + 1;
  }
  while (G > 1 && rows * G * g->N > CONV_GROUP_FLOATS) G--;
  /* but enough groups to keep the threads busy */
  int64_t most = (g->B + CONV_SLOTS - 1) / CONV_SLOTS;
  return G < most ? G : most;
}

/* Per-thread scratch for groups of G images: columns, and the product (or gathered
 * gradient) in image-side-by-side layout. */
static void group_buffers(const stn_conv_geom *g, int64_t G, int64_t *colsz, int64_t *tmpsz) {
  *colsz = g->K * g->N * G;
  *tmpsz = G > 1 ? g->O * g->N * G : 0;
  if (transposed_ok(g)) {
    stn_conv_geom t = transposed_geom(g);
    if (t.K * t.N * G > *colsz) *colsz = t.K * t.N * G;
    if (G > 1 && t.O * t.N * G > *tmpsz) *tmpsz = t.O * t.N * G;
  }
}

/* Row-major sgemm: threaded (parallel) or single-threaded in the calling thread
 * (which the caller has put in OpenBLAS's single-thread mode). */
static void gemm(stn_ctx *ctx, int parallel, const stn_gemm *p) {
  if (parallel) stn_sgemm_cpu(ctx, p);
  else stn_sgemm_serial(p);
}

/* The columns of images x[0..G) side by side in col (row stride G * N of geometry g). */
static void unroll(const stn_conv_geom *g, int64_t G, const float *x, int64_t isz, float *col, int parallel) {
  for (int64_t j = 0; j < G; j++) {
#pragma omp parallel for schedule(static) if (parallel)
    for (int64_t c = 0; c < g->C; c++) stn_im2col_float(x + j * isz, col + j * g->N, G * g->N, g, c, c + 1);
  }
}

/* out (G images of O x N) <- bias + W @ columns of images x. */
static void forward_group(stn_ctx *ctx, const stn_conv_geom *g, int64_t G, const float *x, float *out, const float *w,
                          const float *bias, float *col, float *tmp, int parallel) {
  int64_t ld = G * g->N, isz = g->C * g->H * g->W;
  if (G == 1) {
    const float *cols = x;
    if (!is_pointwise(g)) {
      unroll(g, 1, x, isz, col, parallel);
      cols = col;
    }
    if (bias)
      for (int64_t o = 0; o < g->O; o++)
        for (int64_t n = 0; n < g->N; n++) out[o * g->N + n] = bias[o];
    gemm(ctx, parallel, &(stn_gemm){.M = g->O, .N = g->N, .K = g->K, .alpha = 1.f, .A = w, .lda = g->K, .B = cols,
                                    .ldb = g->N, .beta = bias ? 1.f : 0.f, .C = out, .ldc = g->N});
    return;
  }
  unroll(g, G, x, isz, col, 0);
  gemm(ctx, 0, &(stn_gemm){.M = g->O, .N = ld, .K = g->K, .alpha = 1.f, .A = w, .lda = g->K, .B = col, .ldb = ld,
                           .beta = 0.f, .C = tmp, .ldc = ld});
  for (int64_t j = 0; j < G; j++)
    for (int64_t o = 0; o < g->O; o++) {
      float b = bias ? bias[o] : 0.f, *d = out + (j * g->O + o) * g->N;
      const float *s = tmp + o * ld + j * g->N;
      for (int64_t n = 0; n < g->N; n++) d[n] = s[n] + b;
    }
}

stn_status stn_conv2d_forward(stn_ctx *ctx, const stn_conv2d_plan *plan, const stn_tensor *input, stn_tensor *output,
                              const stn_tensor *weight, const stn_tensor *bias, stn_tensor *work) {
  static const char *fn = "stn_conv2d_forward";
  stn_conv_geom g;
  STN_TRY(conv_check(fn, plan, input, weight, bias, &g));
  STN_TRY(stn_check_on(fn, "output", output, input));
  STN_TRY(stn_resize_images(ctx, output, input, g.B, g.O, g.oH, g.oW));
  STN_TRY(stn_check_contiguous(fn, "output", output));
  if (!stn_present(bias)) bias = NULL;
  if (input->device == STN_CUDA) STN_CUDA_DISPATCH(stn_conv2d_forward_cuda(ctx, &g, input, output, weight, bias, work));
  if (input->dtype == STN_DOUBLE) return stn_conv2d_forward_double(ctx, fn, &g, input, output, weight, bias, work);

  int nt = stn_threads(ctx), mode = conv_mode(ctx, &g);
  if (stn_conv_direct_forward_ok(&g)) {
    stn_tensor xc;
    STN_TRY(stn_contiguous_copy(ctx, &xc, input));
    stn_status st = stn_conv2d_direct_forward(ctx, fn, &g, stn_data(&xc), stn_data(weight), bias ? stn_data(bias) : NULL,
                                              stn_data(output), work, mode == CONV_SERIAL ? 1 : nt);
    stn_tensor_release(&xc);
    return st;
  }
  int64_t G = mode == CONV_SPLIT ? 1 : group_size(&g), colsz = g.K * g.N * G, tmpsz = G > 1 ? g.O * g.N * G : 0;
  int64_t per = colsz + tmpsz, ncol = mode == CONV_PER_IMAGE ? nt : 1;
  STN_TRY(stn_scratch(ctx, fn, work, STN_CPU, ncol * per));
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  const float *x = stn_data(&xc), *w = stn_data(weight), *bd = bias ? stn_data(bias) : NULL;
  float *out = stn_data(output), *base = stn_data(work);
  int64_t isz = g.C * g.H * g.W, osz = g.O * g.N, groups = (g.B + G - 1) / G;
  if (mode == CONV_SPLIT) {
    forward_group(ctx, &g, 1, x, out, w, bd, base, NULL, 1);
  } else {
    stn_blas_single_begin();
#pragma omp parallel num_threads(nt) if (mode == CONV_PER_IMAGE)
    {
      float *col = base + stn_thread_id() * per;
#pragma omp for schedule(dynamic, 1) /* a thread slowed by other work takes fewer images */
      for (int64_t u = 0; u < groups; u++) {
        int64_t b0 = u * G, n = g.B - b0 < G ? g.B - b0 : G;
        forward_group(ctx, &g, n, x + b0 * isz, out + b0 * osz, w, bd, col, col + colsz, 0);
      }
    }
    stn_blas_single_end(ctx);
  }
  stn_tensor_release(&xc);
  return STN_OK;
}

/* G images' share of the backward pass. With gw: gw (O x K) <- gw_beta * gw + alpha *
 * gy @ cols^T and gb (O) <- likewise with the row sums of gy. With gx: the images'
 * gradients, wt @ im2col(gy) (stride 1) or W^T @ gy through col2im. */
static void backward_group(stn_ctx *ctx, const stn_conv_geom *g, int64_t G, const float *x, const float *gy,
                           float *gx, const float *w, const float *wt, float *gw, float *gb, float alpha,
                           float gw_beta, float *col, float *tmp, int parallel) {
  int64_t ld = G * g->N, isz = g->C * g->H * g->W, osz = g->O * g->N;
  /* the gradient of the G images side by side (O x G*N), unless there is one */
  const float *gcat = gy;
  if (G > 1) {
    for (int64_t j = 0; j < G; j++)
      for (int64_t o = 0; o < g->O; o++) memcpy(tmp + o * ld + j * g->N, gy + j * osz + o * g->N, (size_t)g->N * sizeof(float));
    gcat = tmp;
  }
  if (gw) {
    const float *cols = x;
    if (G > 1 || !is_pointwise(g)) {
      unroll(g, G, x, isz, col, parallel);
      cols = col;
    }
    gemm(ctx, parallel, &(stn_gemm){.transB = 1, .M = g->O, .N = g->K, .K = ld, .alpha = alpha, .A = gcat, .lda = ld,
                                    .B = cols, .ldb = ld, .beta = gw_beta, .C = gw, .ldc = g->K});
    if (gb)
      for (int64_t o = 0; o < g->O; o++) {
        double s = 0;
        for (int64_t n = 0; n < ld; n++) s += gcat[o * ld + n];
        gb[o] = (gw_beta == 0.f ? 0.f : gb[o]) + alpha * (float)s;
      }
  }
  if (gx && wt) {
    stn_conv_geom t = transposed_geom(g);
    int64_t ld2 = G * t.N;
    unroll(&t, G, gy, osz, col, parallel);
    float *dst = G > 1 ? tmp : gx; /* gcat is no longer needed */
    gemm(ctx, parallel, &(stn_gemm){.M = t.O, .N = ld2, .K = t.K, .alpha = 1.f, .A = wt, .lda = t.K, .B = col,
                                    .ldb = ld2, .beta = 0.f, .C = dst, .ldc = ld2});
    if (G > 1)
      for (int64_t j = 0; j < G; j++)
        for (int64_t c = 0; c < g->C; c++) memcpy(gx + j * isz + c * t.N, tmp + c * ld2 + j * t.N, (size_t)t.N * sizeof(float));
  } else if (gx) {
    if (G == 1 && is_pointwise(g)) {
      gemm(ctx, parallel, &(stn_gemm){.transA = 1, .M = g->K, .N = ld, .K = g->O, .alpha = 1.f, .A = w, .lda = g->K,
                                      .B = gcat, .ldb = ld, .beta = 0.f, .C = gx, .ldc = ld});
      return;
    }
    gemm(ctx, parallel, &(stn_gemm){.transA = 1, .M = g->K, .N = ld, .K = g->O, .alpha = 1.f, .A = w, .lda = g->K,
                                    .B = gcat, .ldb = ld, .beta = 0.f, .C = col, .ldc = ld});
    for (int64_t j = 0; j < G; j++) {
      memset(gx + j * isz, 0, (size_t)isz * sizeof(float));
#pragma omp parallel for schedule(static) if (parallel)
      for (int64_t c = 0; c < g->C; c++) stn_col2im_float(col + j * g->N, ld, gx + j * isz, g, c, c + 1);
    }
  }
}

stn_status stn_conv_check_grads(stn_ctx *ctx, const char *fn, const stn_conv_geom *g, const int64_t out[3],
                                const stn_tensor *input, const stn_tensor *gradOutput, const stn_tensor *weight,
                                stn_conv2d_grads *grads) {
  STN_TRY(stn_check_on(fn, "gradOutput", gradOutput, input));
  int d = input->ndim;
  if (gradOutput->ndim != d || gradOutput->shape[d - 3] != out[0] || gradOutput->shape[d - 2] != out[1] ||
      gradOutput->shape[d - 1] != out[2] || (d == 4 && gradOutput->shape[0] != g->B))
    return STN_FAIL(STN_ERR_ARG, "%s: gradOutput is %s but the output of input %s is %s%lldx%lldx%lld", fn,
                    stn_shape_str(gradOutput), stn_shape_str(input), d == 4 ? "Bx" : "", (long long)out[0],
                    (long long)out[1], (long long)out[2]);
  if (grads->input) {
    STN_TRY(stn_check_on(fn, "gradInput", grads->input, input));
    STN_TRY(stn_resize_as(ctx, grads->input, input));
    STN_TRY(stn_check_contiguous(fn, "gradInput", grads->input));
  }
  if (!stn_present(grads->bias)) grads->bias = NULL;
  if (!grads->weight) {
    grads->bias = NULL;
    return STN_OK;
  }
  STN_TRY(stn_check_on(fn, "gradWeight", grads->weight, input));
  if (stn_tensor_numel(grads->weight) != g->O * g->K || !stn_tensor_is_contiguous(grads->weight))
    return STN_FAIL(STN_ERR_ARG, "%s: gradWeight %s must be contiguous with the weight's %lld elements (%s)", fn,
                    stn_shape_str(grads->weight), (long long)(g->O * g->K), stn_shape_str(weight));
  if (grads->bias) {
    STN_TRY(stn_check_on(fn, "gradBias", grads->bias, input));
    if (stn_tensor_numel(grads->bias) != out[0] || !stn_tensor_is_contiguous(grads->bias))
      return STN_FAIL(STN_ERR_ARG, "%s: gradBias %s must hold %lld contiguous values", fn, stn_shape_str(grads->bias),
                      (long long)out[0]);
  }
  return STN_OK;
}

stn_status stn_conv2d_backward(stn_ctx *ctx, const stn_conv2d_plan *plan, const stn_tensor *input,
                               const stn_tensor *gradOutput, const stn_tensor *weight, const stn_conv2d_grads *grads,
                               stn_tensor *work) {
  static const char *fn = "stn_conv2d_backward";
  stn_conv_geom g;
  STN_TRY(conv_check(fn, plan, input, weight, NULL, &g));
  stn_conv2d_grads checked = grads ? *grads : (stn_conv2d_grads){NULL, NULL, NULL, 1.f};
  STN_TRY(stn_conv_check_grads(ctx, fn, &g, (const int64_t[3]){g.O, g.oH, g.oW}, input, gradOutput, weight, &checked));
  stn_tensor *gradInput = checked.input, *gradWeight = checked.weight, *gradBias = checked.bias;
  float scale = checked.scale;
  if (!gradInput && !gradWeight) return STN_OK;
  if (input->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_conv2d_backward_cuda(ctx, &g, input, gradOutput, weight, &checked, work));
  if (input->dtype == STN_DOUBLE)
    return stn_conv2d_backward_double(ctx, fn, &g, input, gradOutput, weight, &checked, work);

  int nt = stn_threads(ctx), mode = conv_mode(ctx, &g);
  /* the direct passes (csrc/nn/conv2d_direct.c) for the gradients they suit, im2col +
   * sgemm below for the rest */
  int direct_gx = gradInput && stn_conv_direct_input_ok(&g);
  int direct_gw = gradWeight && stn_conv_direct_weight_ok(&g);
  if (direct_gx || direct_gw) {
    stn_tensor xc, gc;
    STN_TRY(stn_contiguous_copy(ctx, &xc, input));
    stn_status st = stn_contiguous_copy(ctx, &gc, gradOutput);
    if (st == STN_OK) {
      st = stn_conv2d_direct_backward(ctx, fn, &g, stn_data(&xc), stn_data(&gc), stn_data(weight),
                                      direct_gx ? stn_data(gradInput) : NULL, direct_gw ? stn_data(gradWeight) : NULL,
                                      direct_gw && gradBias ? stn_data(gradBias) : NULL, scale, work,
                                      mode == CONV_SERIAL ? 1 : nt);
      stn_tensor_release(&gc);
    }
    stn_tensor_release(&xc);
    if (st != STN_OK) return st;
    if (direct_gx) gradInput = NULL;
    if (direct_gw) gradWeight = NULL, gradBias = NULL;
    if (!gradInput && !gradWeight) return STN_OK;
  }
  int per_image = mode == CONV_PER_IMAGE;
  /* Parameter gradients are summed over fixed slots of consecutive images (each with
   * its own accumulator), the slots handed to threads as they come free, and the
   * slot sums added in slot order: the result does not depend on the thread count or
   * on which thread ran which slot. Within a slot, images go G at a time. */
  int64_t G = mode == CONV_SPLIT ? 1 : group_size(&g), colsz, tmpsz;
  group_buffers(&g, G, &colsz, &tmpsz);
  int64_t accsz = gradWeight ? g.O * g.K + g.O : 0, groups = (g.B + G - 1) / G;
  int64_t slots = gradWeight && g.B > 1 ? (groups < CONV_SLOTS ? groups : CONV_SLOTS) : 0;
  int use_wt = gradInput && transposed_ok(&g);
  int64_t per = colsz + tmpsz, wtsz = use_wt ? g.O * g.K : 0, ncol = per_image ? nt : 1;
  STN_TRY(stn_scratch(ctx, fn, work, STN_CPU, ncol * per + slots * accsz + wtsz));
  stn_tensor xc, gc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  stn_status st = stn_contiguous_copy(ctx, &gc, gradOutput);
  if (st != STN_OK) { stn_tensor_release(&xc); return st; }
  const float *x = stn_data(&xc), *gy = stn_data(&gc), *w = stn_data(weight);
  float *gx = gradInput ? stn_data(gradInput) : NULL, *gw = gradWeight ? stn_data(gradWeight) : NULL;
  float *gb = gradBias ? stn_data(gradBias) : NULL, *base = stn_data(work);
  int64_t isz = g.C * g.H * g.W, osz = g.O * g.N;
  float *acc = base + ncol * per, *wt = use_wt ? acc + slots * accsz : NULL;
  if (wt) transpose_weights(&g, w, wt);
  if (mode == CONV_SPLIT) { /* one image: its products and loops split over the threads */
    backward_group(ctx, &g, 1, x, gy, gx, w, wt, gw, gb, scale, 1.f, base, NULL, 1);
  } else {
    /* units: the slots, or without them groups of G images, gradients straight into gw */
    int64_t units = slots ? slots : groups;
    stn_blas_single_begin();
#pragma omp parallel num_threads(nt) if (per_image)
    {
      float *col = base + stn_thread_id() * per;
#pragma omp for schedule(dynamic, 1)
      for (int64_t u = 0; u < units; u++) {
        int64_t b0 = slots ? u * g.B / slots : u * G, b1 = slots ? (u + 1) * g.B / slots : b0 + G;
        if (b1 > g.B) b1 = g.B;
        float *aw = slots ? acc + u * accsz : gw, *ab = slots ? (gb ? aw + g.O * g.K : NULL) : gb;
        for (int64_t b = b0; b < b1; b += G) {
          int64_t n = b1 - b < G ? b1 - b : G;
          backward_group(ctx, &g, n, x + b * isz, gy + b * osz, gx ? gx + b * isz : NULL, w, wt, aw, ab,
                         slots ? 1.f : scale, slots && b == b0 ? 0.f : 1.f, col, col + colsz, 0);
        }
      }
    }
    stn_blas_single_end(ctx);
    if (slots) {
#pragma omp parallel for schedule(static) if (accsz >= STN_OMP_MIN)
      for (int64_t i = 0; i < accsz; i++) {
        if (!gb && i >= g.O * g.K) continue;
        float s = 0.f;
        for (int64_t k = 0; k < slots; k++) s += acc[k * accsz + i];
        if (i < g.O * g.K) gw[i] += scale * s;
        else gb[i - g.O * g.K] += scale * s;
      }
    }
  }
  stn_tensor_release(&xc);
  stn_tensor_release(&gc);
  return STN_OK;
}
