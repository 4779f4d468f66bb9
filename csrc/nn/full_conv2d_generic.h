/* full_conv2d_generic.h: SpatialFullConvolution's CPU passes (see full_conv2d.c) for one
 * element type (core/dtype.h), instantiated for float and double. Per image: one
 * product and one col2im or im2col, the column loops split over planes (each plane
 * written by one thread in a fixed order), the products on stn_sgemm_cpu / stn_dgemm_cpu
 * (threads split the result, never a sum); image gradients summed image after image and
 * the bias gradient in one fixed-order sum per plane: no result depends on the thread
 * count. */

/* Row-major C <- alpha op(A) op(B) + beta C in the instance's type. */
static void STN_T(full_gemm)(stn_ctx *ctx, int transA, int transB, int64_t M, int64_t N, int64_t K, scalar_t alpha,
                             const scalar_t *A, int64_t lda, const scalar_t *B, int64_t ldb, scalar_t beta, scalar_t *C,
                             int64_t ldc) {
#if STN_DTYPE == 0
  stn_sgemm_cpu(ctx, &(stn_gemm){.transA = transA, .transB = transB, .M = M, .N = N, .K = K, .alpha = alpha, .A = A,
                                 .lda = lda, .B = B, .ldb = ldb, .beta = beta, .C = C, .ldc = ldc});
#else
  stn_dgemm_cpu(ctx, &(stn_dgemm){.transA = transA, .transB = transB, .M = M, .N = N, .K = K, .alpha = alpha, .A = A,
                                  .lda = lda, .B = B, .ldb = ldb, .beta = beta, .C = C, .ldc = ldc});
#endif
}

/* output = col2im(W^T @ x) + bias, image by image. */
static stn_status STN_T(full_forward)(stn_ctx *ctx, const char *fn, const stn_conv_geom *g, const stn_tensor *input,
                                      stn_tensor *output, const stn_tensor *weight, const stn_tensor *bias,
                                      stn_tensor *work) {
  STN_TRY(stn_scratch_typed(ctx, fn, work, STN_CPU, STN_DTYPE, g->K * g->N));
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  const scalar_t *x = STN_NN_DATA(&xc), *w = STN_NN_DATA(weight), *b = bias ? STN_NN_DATA(bias) : NULL;
  scalar_t *out = STN_NN_DATA(output), *col = STN_NN_DATA(work);
  int64_t isz = g->O * g->N, plane = g->H * g->W, osz = g->C * plane;
  int nt = stn_threads(ctx), par = nt > 1 && g->K * g->N >= STN_OMP_MIN;
  for (int64_t i = 0; i < g->B; i++) {
    STN_T(full_gemm)(ctx, 1, 0, g->K, g->N, g->O, 1, w, g->K, x + i * isz, g->N, 0, col, g->N);
    scalar_t *y = out + i * osz;
#pragma omp parallel for num_threads(nt) schedule(static) if (par)
    for (int64_t c = 0; c < g->C; c++) {
      scalar_t *yc = y + c * plane;
      for (int64_t p = 0; p < plane; p++) yc[p] = 0;
      STN_T(stn_col2im)(col, g->N, y, g, c, c + 1);
      if (b)
        for (int64_t p = 0; p < plane; p++) yc[p] += b[c];
    }
  }
  stn_tensor_release(&xc);
  return STN_OK;
}

/* gradInput = W @ im2col(gy); gradWeight += scale x @ im2col(gy)^T; gradBias += scale
 * sums of gy, image by image. */
static stn_status STN_T(full_backward)(stn_ctx *ctx, const char *fn, const stn_conv_geom *g, const stn_tensor *input,
                                       const stn_tensor *gradOutput, const stn_tensor *weight,
                                       const stn_conv2d_grads *grads, stn_tensor *work) {
  STN_TRY(stn_scratch_typed(ctx, fn, work, STN_CPU, STN_DTYPE, g->K * g->N));
  stn_tensor xc, gc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  stn_status st = stn_contiguous_copy(ctx, &gc, gradOutput);
  if (st != STN_OK) { stn_tensor_release(&xc); return st; }
  const scalar_t *x = STN_NN_DATA(&xc), *gy = STN_NN_DATA(&gc), *w = STN_NN_DATA(weight);
  scalar_t *gx = grads->input ? STN_NN_DATA(grads->input) : NULL;
  scalar_t *gw = grads->weight ? STN_NN_DATA(grads->weight) : NULL;
  scalar_t *gb = grads->bias ? STN_NN_DATA(grads->bias) : NULL, *col = STN_NN_DATA(work);
  scalar_t scale = (scalar_t)grads->scale;
  int64_t isz = g->O * g->N, plane = g->H * g->W, osz = g->C * plane;
  int nt = stn_threads(ctx), par = nt > 1 && g->K * g->N >= STN_OMP_MIN;
  for (int64_t i = 0; i < g->B && (gx || gw); i++) {
    const scalar_t *gyi = gy + i * osz;
#pragma omp parallel for num_threads(nt) schedule(static) if (par)
    for (int64_t c = 0; c < g->C; c++) STN_T(stn_im2col)(gyi, col, g->N, g, c, c + 1);
    if (gx) STN_T(full_gemm)(ctx, 0, 0, g->O, g->N, g->K, 1, w, g->K, col, g->N, 0, gx + i * isz, g->N);
    if (gw) STN_T(full_gemm)(ctx, 0, 1, g->O, g->K, g->N, scale, x + i * isz, g->N, col, g->N, 1, gw, g->K);
  }
  if (gb) {
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && g->B * osz >= STN_OMP_MIN)
    for (int64_t c = 0; c < g->C; c++) {
      accreal s = 0;
      for (int64_t i = 0; i < g->B; i++)
        for (int64_t p = 0; p < plane; p++) s += gy[i * osz + c * plane + p];
      gb[c] += scale * (scalar_t)s;
    }
  }
  stn_tensor_release(&xc);
  stn_tensor_release(&gc);
  return STN_OK;
}
