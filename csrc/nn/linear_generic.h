/* linear_generic.h: nn.Linear's CPU passes for one element type (see core/dtype.h),
 * instantiated by csrc/nn/linear.c for float (threaded sgemm) and double (dgemm). */
#undef NN_GEMM
#undef NN_GEMM_T
#if STN_DTYPE == 0
#define NN_GEMM stn_sgemm_cpu
#define NN_GEMM_T stn_gemm
#else
#define NN_GEMM stn_dgemm_cpu
#define NN_GEMM_T stn_dgemm
#endif

static stn_status STN_T(linear_forward)(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output,
                                        const stn_tensor *weight, const stn_tensor *bias, int64_t B, int64_t nin,
                                        int64_t nout) {
  stn_tensor xc;
  STN_TRY(stn_contiguous_copy(ctx, &xc, input));
  scalar_t *y = STN_NN_DATA(output);
  if (bias) {
    const scalar_t *b = STN_NN_DATA(bias);
    for (int64_t r = 0; r < B; r++)
      for (int64_t j = 0; j < nout; j++) y[r * nout + j] = b[j];
  }
  NN_GEMM(ctx, &(NN_GEMM_T){.transB = 1, .M = B, .N = nout, .K = nin, .alpha = 1, .A = STN_NN_DATA(&xc), .lda = nin,
                            .B = STN_NN_DATA(weight), .ldb = nin, .beta = bias ? 1 : 0, .C = y, .ldc = nout});
  stn_tensor_release(&xc);
  return STN_OK;
}

static stn_status STN_T(linear_backward)(stn_ctx *ctx, const stn_tensor *input, const stn_tensor *gradOutput,
                                         stn_tensor *gradInput, const stn_tensor *weight, stn_tensor *gradWeight,
                                         stn_tensor *gradBias, float scale, int64_t B, int64_t nin, int64_t nout) {
  stn_tensor gc;
  STN_TRY(stn_contiguous_copy(ctx, &gc, gradOutput));
  const scalar_t *g = STN_NN_DATA(&gc);
  if (gradInput)
    NN_GEMM(ctx, &(NN_GEMM_T){.M = B, .N = nin, .K = nout, .alpha = 1, .A = g, .lda = nout, .B = STN_NN_DATA(weight),
                              .ldb = nin, .beta = 0, .C = STN_NN_DATA(gradInput), .ldc = nin});
  if (gradWeight) {
    stn_tensor xc;
    stn_status st = stn_contiguous_copy(ctx, &xc, input);
    if (st != STN_OK) { stn_tensor_release(&gc); return st; }
    NN_GEMM(ctx, &(NN_GEMM_T){.transA = 1, .M = nout, .N = nin, .K = B, .alpha = (scalar_t)scale, .A = g, .lda = nout,
                              .B = STN_NN_DATA(&xc), .ldb = nin, .beta = 1, .C = STN_NN_DATA(gradWeight),
                              .ldc = nin});
    stn_tensor_release(&xc);
    if (gradBias) {
      scalar_t *gb = STN_NN_DATA(gradBias);
      for (int64_t j = 0; j < nout; j++) {
        double s = 0;
        for (int64_t r = 0; r < B; r++) s += g[r * nout + j];
        gb[j] += (scalar_t)scale * (scalar_t)s;
      }
    }
  }
  stn_tensor_release(&gc);
  return STN_OK;
}
