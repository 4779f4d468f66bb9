/* full_conv2d_generic.h: SpatialFullConvolution's CPU passes (see full_conv2d.c) for one
 * element type (core/dtype.h), instantiated for float and double. Per image: one
 * product and one col2im or im2col. A batch shares its images out over the threads
 * (each with its own columns and single-threaded products), one image splits its
 * products and column loops instead (full_mode). Weight gradients are summed in fixed
 * slots of consecutive images, added in slot order, and the bias gradient in one
 * fixed-order sum per plane: no result depends on the thread count. */

/* Row-major C <- alpha op(A) op(B) + beta C in the instance's type: split over the
 * threads (par), or in the calling thread (which is then in OpenBLAS's single-thread
 * mode, stn_blas_single_begin). */
static void STN_T(full_gemm)(stn_ctx *ctx, int par, int transA, int transB, int64_t M, int64_t N, int64_t K,
                             scalar_t alpha, const scalar_t *A, int64_t lda, const scalar_t *B, int64_t ldb,
                             scalar_t beta, scalar_t *C, int64_t ldc) {
#if STN_DTYPE == 0
  stn_gemm p = {.transA = transA, .transB = transB, .M = M, .N = N, .K = K, .alpha = alpha, .A = A, .lda = lda,
                .B = B, .ldb = ldb, .beta = beta, .C = C, .ldc = ldc};
  if (par) stn_sgemm_cpu(ctx, &p);
  else if (M > 0 && N > 0) stn_sgemm_serial(&p);
#else
  (void)par; /* one dgemm call: OpenBLAS's threads, or one in single-thread mode */
  stn_dgemm_cpu(ctx, &(stn_dgemm){.transA = transA, .transB = transB, .M = M, .N = N, .K = K, .alpha = alpha, .A = A,
                                  .lda = lda, .B = B, .ldb = ldb, .beta = beta, .C = C, .ldc = ldc});
#endif
}

/* One image: y = col2im(W^T @ x) + bias. */
static void STN_T(full_forward_image)(stn_ctx *ctx, const stn_conv_geom *g, const scalar_t *x, scalar_t *y,
                                      const scalar_t *w, const scalar_t *b, scalar_t *col, int par) {
  int64_t plane = g->H * g->W;
  STN_T(full_gemm)(ctx, par, 1, 0, g->K, g->N, g->O, 1, w, g->K, x, g->N, 0, col, g->N);
#pragma omp parallel for schedule(static) if (par)
  for (int64_t c = 0; c < g->C; c++) {
    scalar_t *yc = y + c * plane;
    for (int64_t p = 0; p < plane; p++) yc[p] = 0;
    STN_T(stn_col2im)(col, g->N, y, g, c, c + 1);
    if (b)
      for (int64_t p = 0; p < plane; p++) yc[p] += b[c];
  }
}

static stn_status STN_T(full_forward)(stn_ctx *ctx, const char *fn, const stn_conv_geom *g, const stn_tensor *input,
                                      stn_tensor *output, const stn_tensor *weight, const stn_tensor *bias,
                                      stn_tensor *work) {
  int nt = stn_threads(ctx), mode = full_mode(ctx, g), per_image = mode == FULL_PER_IMAGE;
  int64_t colsz = g->K * g->N;
  STN_TRY(stn_scratch_typed(ctx, fn, work, STN_CPU, STN_DTYPE, (per_image ? nt : 1) * colsz));
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  const scalar_t *x = STN_NN_DATA(&xc), *w = STN_NN_DATA(weight), *b = bias ? STN_NN_DATA(bias) : NULL;
  scalar_t *out = STN_NN_DATA(output), *base = STN_NN_DATA(work);
  int64_t isz = g->O * g->N, osz = g->C * g->H * g->W;
  if (mode == FULL_SPLIT) {
    STN_T(full_forward_image)(ctx, g, x, out, w, b, base, 1);
  } else {
    stn_blas_single_begin();
#pragma omp parallel num_threads(nt) if (per_image)
    {
      scalar_t *col = base + stn_thread_id() * colsz;
#pragma omp for schedule(dynamic, 1)
      for (int64_t i = 0; i < g->B; i++) STN_T(full_forward_image)(ctx, g, x + i * isz, out + i * osz, w, b, col, 0);
    }
    stn_blas_single_end(ctx);
  }
  stn_tensor_release(&xc);
  return STN_OK;
}

/* gradInput = W @ im2col(gy); gradWeight += scale x @ im2col(gy)^T (through the slots
 * of a batch); gradBias += scale sums of gy. */
static stn_status STN_T(full_backward)(stn_ctx *ctx, const char *fn, const stn_conv_geom *g, const stn_tensor *input,
                                       const stn_tensor *gradOutput, const stn_tensor *weight,
                                       const stn_conv2d_grads *grads, stn_tensor *work) {
  int nt = stn_threads(ctx), mode = full_mode(ctx, g), per_image = mode == FULL_PER_IMAGE, par = mode == FULL_SPLIT;
  int64_t colsz = g->K * g->N, accsz = g->O * g->K;
  int64_t slots = grads->weight && g->B > 1 ? (g->B < FULL_SLOTS ? g->B : FULL_SLOTS) : 0;
  int64_t ncol = per_image ? nt : 1;
  STN_TRY(stn_scratch_typed(ctx, fn, work, STN_CPU, STN_DTYPE, ncol * colsz + slots * accsz));
  stn_tensor xc, gc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  stn_status st = stn_contiguous_copy(ctx, &gc, gradOutput);
  if (st != STN_OK) { stn_tensor_release(&xc); return st; }
  const scalar_t *x = STN_NN_DATA(&xc), *gy = STN_NN_DATA(&gc), *w = STN_NN_DATA(weight);
  scalar_t *gx = grads->input ? STN_NN_DATA(grads->input) : NULL;
  scalar_t *gw = grads->weight ? STN_NN_DATA(grads->weight) : NULL;
  scalar_t *gb = grads->bias ? STN_NN_DATA(grads->bias) : NULL;
  scalar_t *base = STN_NN_DATA(work), *acc = base + ncol * colsz, scale = (scalar_t)grads->scale;
  int64_t isz = g->O * g->N, plane = g->H * g->W, osz = g->C * plane;
  /* units: the slots, or without them single images (gradients straight into gw) */
  int64_t units = slots ? slots : g->B;
  if (!par) stn_blas_single_begin();
#pragma omp parallel num_threads(nt) if (per_image)
  {
    scalar_t *col = base + stn_thread_id() * colsz;
#pragma omp for schedule(dynamic, 1)
    for (int64_t u = 0; u < units; u++) {
      int64_t b0 = slots ? u * g->B / slots : u, b1 = slots ? (u + 1) * g->B / slots : u + 1;
      for (int64_t i = b0; i < b1; i++) {
        const scalar_t *gyi = gy + i * osz;
#pragma omp parallel for schedule(static) if (par)
        for (int64_t c = 0; c < g->C; c++) STN_T(stn_im2col)(gyi, col, g->N, g, c, c + 1);
        if (gx) STN_T(full_gemm)(ctx, par, 0, 0, g->O, g->N, g->K, 1, w, g->K, col, g->N, 0, gx + i * isz, g->N);
        if (gw && slots)
          STN_T(full_gemm)(ctx, par, 0, 1, g->O, g->K, g->N, 1, x + i * isz, g->N, col, g->N, i == b0 ? 0 : 1,
                           acc + u * accsz, g->K);
        else if (gw)
          STN_T(full_gemm)(ctx, par, 0, 1, g->O, g->K, g->N, scale, x + i * isz, g->N, col, g->N, 1, gw, g->K);
      }
    }
  }
  if (!par) stn_blas_single_end(ctx);
  if (slots) {
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && accsz >= STN_OMP_MIN)
    for (int64_t k = 0; k < accsz; k++) {
      scalar_t s = 0;
      for (int64_t u = 0; u < slots; u++) s += acc[u * accsz + k];
      gw[k] += scale * s;
    }
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
