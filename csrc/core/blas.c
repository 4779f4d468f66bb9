/* blas.c: matrix products (addmm, baddbmm, addmv) through OpenBLAS on the CPU, Float
 * (sgemm, sgemv) and Double (dgemm, dgemv); CUDA tensors (Float only) go to
 * cuda/core/blas.cu (cuBLAS). Torch7's integer products are not provided: Long, Int and
 * Byte operands are refused by name. Transposed views are handed to the BLAS as they
 * are (matrix.h); an operand is copied only when neither of its strides is 1. stn_dot:
 * the sum of products on the CPU, for every element type. */
#include "blas.h"
#include "context.h"
#include "copy.h"
#include "dtype.h"
#include "error.h"
#include "matrix.h"
#include "storage.h"
#include "tensor.h"

#include <cblas.h>
#include <string.h>

/* *use = t when the BLAS can read it in place, else a contiguous copy kept in *tmp. */
static stn_status operand(stn_ctx *ctx, const stn_tensor *t, int usable, stn_tensor *tmp, stn_tensor *use) {
  memset(tmp, 0, sizeof *tmp);
  if (usable) { *use = *t; return STN_OK; }
  STN_TRY(stn_contiguous_copy(ctx, tmp, t));
  *use = *tmp;
  return STN_OK;
}

static stn_status check_int(const char *fn, const char *what, int64_t v) {
  if (v > INT_MAX) return STN_FAIL(STN_ERR_ARG, "%s: %s = %lld is beyond the BLAS's 32-bit sizes", fn, what, (long long)v);
  return STN_OK;
}

/* One product C (n x p) = alpha A (n x k) B (k x p) + beta C on the CPU, in the element
 * type dtype (Float: sgemm, alpha and beta rounded to float; Double: dgemm). A row-major
 * C is computed directly; a column-major C as its transpose, C^T = B^T A^T. */
static void gemm(int dtype, int64_t n, int64_t p, int64_t k, double alpha, const void *A, stn_mat la, const void *B,
                 stn_mat lb, double beta, void *Cm, stn_mat lc) {
  int row = lc.order == STN_ROW_MAJOR;
  const void *X = row ? A : B, *Y = row ? B : A; /* C = X Y, or C^T = X Y */
  stn_mat lx = row ? la : lb, ly = row ? lb : la;
  int rows = (int)(row ? n : p), cols = (int)(row ? p : n);
  /* a factor stored in C's order is read as it is, else transposed */
  enum CBLAS_TRANSPOSE tx = (lx.order == STN_ROW_MAJOR) == row ? CblasNoTrans : CblasTrans;
  enum CBLAS_TRANSPOSE ty = (ly.order == STN_ROW_MAJOR) == row ? CblasNoTrans : CblasTrans;
  if (dtype == STN_DOUBLE)
    cblas_dgemm(CblasRowMajor, tx, ty, rows, cols, (int)k, alpha, (const double *)X, (int)lx.ld, (const double *)Y,
                (int)ly.ld, beta, (double *)Cm, (int)lc.ld);
  else
    cblas_sgemm(CblasRowMajor, tx, ty, rows, cols, (int)k, (float)alpha, (const float *)X, (int)lx.ld,
                (const float *)Y, (int)ly.ld, (float)beta, (float *)Cm, (int)lc.ld);
}

/* dst <- alpha a b (+ beta dst when use_m; beta is 0 otherwise), on dst's device. */
static stn_status run_products(stn_ctx *ctx, stn_tensor *dst, double beta, int use_m, double alpha,
                               const stn_tensor *a, const stn_tensor *b) {
  const stn_tensor *m = use_m ? dst : NULL;
  if (dst->device == STN_CUDA)
    STN_CUDA_DISPATCH(a->ndim == 2 ? stn_addmm_cuda(ctx, dst, (float)beta, m, (float)alpha, a, b)
                                   : stn_baddbmm_cuda(ctx, dst, (float)beta, m, (float)alpha, a, b));
  int batched = a->ndim == 3;
  int64_t nb = batched ? a->shape[0] : 1, es = stn_dtype_size(a->dtype);
  int64_t n = a->shape[batched], k = a->shape[batched + 1], p = b->shape[batched + 1];
  stn_mat la = stn_mat_of(a), lb = stn_mat_of(b), lc = stn_mat_of(dst);
  const char *A = (const char *)stn_ptr(a), *B = (const char *)stn_ptr(b);
  char *Cm = (char *)stn_ptr(dst);
  for (int64_t i = 0; i < nb; i++) {
    int64_t sa = batched ? a->strides[0] : 0, sb = batched ? b->strides[0] : 0, sc = batched ? dst->strides[0] : 0;
    gemm(a->dtype, n, p, k, alpha, A + i * sa * es, la, B + i * sb * es, lb, beta, Cm + i * sc * es, lc);
  }
  return STN_OK;
}

/* dst <- beta * dst (use_m), or zeros: the products' result when there are none to add
 * (k = 0), or the start of a gemv without y. */
static stn_status scale_or_zero(stn_ctx *ctx, stn_tensor *dst, int use_m, double beta) {
  if (dst->dtype == STN_FLOAT) return stn_unary(ctx, dst, dst, use_m ? STN_MUL_SCALAR : STN_FILL, (float)beta, 0);
  double *d = (double *)stn_ptr(dst); /* Double on the CPU: the only other type that comes here */
  int64_t n = stn_tensor_numel(dst);
  for (int64_t i = 0; i < n; i++) {
    double *x = d + stn_offset_of(dst, i);
    *x = use_m ? beta * *x : 0.0;
  }
  return STN_OK;
}

/* The operands' element types: Float or Double (Float only on CUDA), one for all. */
static stn_status check_types(const char *fn, const stn_tensor *out, const stn_tensor *m, const char *mn,
                              const stn_tensor *a, const char *an, const stn_tensor *b, const char *bn) {
  STN_TRY(stn_check_tensor_any(fn, "out", out));
  STN_TRY(stn_check_tensor_any(fn, an, a));
  STN_TRY(stn_check_tensor_any(fn, bn, b));
  if (m) STN_TRY(stn_check_tensor_any(fn, mn, m));
  if (a->dtype != STN_FLOAT && a->dtype != STN_DOUBLE)
    return STN_FAIL(STN_ERR_ARG, "%s: %s tensors are not supported (Float and Double only; Torch7's integer products "
                    "are not provided)", fn, stn_dtype_name(a->dtype));
  if (a->device == STN_CUDA && a->dtype != STN_FLOAT)
    return STN_FAIL(STN_ERR_ARG, "%s: CUDA %s tensors are not supported (CUDA products are Float only)", fn,
                    stn_dtype_name(a->dtype));
  STN_TRY(stn_check_same_dtype(fn, bn, b, an, a));
  STN_TRY(stn_check_same_dtype(fn, "out", out, an, a));
  if (m) STN_TRY(stn_check_same_dtype(fn, mn, m, an, a));
  return STN_OK;
}

/* addmm (a, b 2-D) and baddbmm (3-D): checks, conforms the operands, gives the BLAS an
 * output it can write (out itself, or a temporary when out overlaps an input or has
 * no BLAS layout), folds m into it and runs the products. */
static stn_status products(stn_ctx *ctx, const char *fn, stn_tensor *out, double beta, const stn_tensor *m,
                           double alpha, const stn_tensor *a, const stn_tensor *b, int dim) {
  STN_TRY(check_types(fn, out, m, "m", a, "a", b, "b"));
  STN_TRY(stn_check_dim(fn, "a", a, dim));
  STN_TRY(stn_check_dim(fn, "b", b, dim));
  STN_TRY(stn_check_same_device(fn, a, b));
  STN_TRY(stn_check_same_device(fn, out, a));
  if (m) STN_TRY(stn_check_same_device(fn, m, a));
  int bt = dim - 2; /* index of the rows dim */
  if (a->shape[bt + 1] != b->shape[bt] || (dim == 3 && a->shape[0] != b->shape[0]))
    return STN_FAIL(STN_ERR_ARG, "%s: cannot multiply a (%s) by b (%s)", fn, stn_shape_str(a), stn_shape_str(b));
  int64_t size[3] = {a->shape[0], a->shape[bt], b->shape[bt + 1]};
  if (dim == 2) size[0] = a->shape[0], size[1] = b->shape[1];
  stn_tensor want = {0};
  want.ndim = dim;
  memcpy(want.shape, size, sizeof size);
  if (m && !stn_same_shape(m, &want))
    return STN_FAIL(STN_ERR_ARG, "%s: m is %s but a (%s) times b (%s) is %s", fn, stn_shape_str(m), stn_shape_str(a),
                    stn_shape_str(b), stn_shape_str(&want));
  int64_t n = a->shape[bt], k = a->shape[bt + 1], p = b->shape[bt + 1];
  STN_TRY(check_int(fn, "rows", n));
  STN_TRY(check_int(fn, "columns", p));
  STN_TRY(check_int(fn, "inner size", k));
  if (dim == 3) STN_TRY(check_int(fn, "batch", a->shape[0]));

  /* borrowed snapshots: out may be one of the inputs and is about to be resized */
  stn_tensor sa = *a, sb = *b, sm = m ? *m : want;
  int use_m = m && beta != 0.0;
  int temp_out = stn_shares_storage(out, &sa) || stn_shares_storage(out, &sb) || (use_m && stn_shares_storage(out, &sm) && !stn_same_view(out, &sm));
  stn_tensor dst = {0}, ta = {0}, tb = {0}, ua, ub;
  stn_status st;
  if (!temp_out) {
    STN_TRY(stn_resize_out(ctx, out, a->dtype, dim, want.shape));
    temp_out = dim == 2 ? stn_mat_of(out).order == STN_NO_LAYOUT : !stn_batch_usable(out, 1);
  }
  if (temp_out) st = stn_tensor_new_typed(ctx, &dst, a->device, a->dtype, dim, want.shape);
  else { dst = *out; st = STN_OK; }
  if (st == STN_OK) st = operand(ctx, &sa, dim == 2 ? stn_mat_of(&sa).order != STN_NO_LAYOUT : stn_batch_usable(&sa, 0), &ta, &ua);
  if (st == STN_OK) st = operand(ctx, &sb, dim == 2 ? stn_mat_of(&sb).order != STN_NO_LAYOUT : stn_batch_usable(&sb, 0), &tb, &ub);
  if (st == STN_OK && use_m && !stn_same_view(&dst, &sm)) st = stn_copy(ctx, &dst, &sm);
  double beff = use_m ? beta : 0.0;
  if (st == STN_OK && stn_tensor_numel(&dst) > 0) {
    if (k == 0) /* no products to add: dst <- beff * dst (0 when m is unused) */
      st = scale_or_zero(ctx, &dst, use_m, beff);
    else
      st = run_products(ctx, &dst, beff, use_m, alpha, &ua, &ub); /* beta 0: OpenBLAS never reads C */
  }
  if (st == STN_OK && temp_out) {
    st = stn_resize_out(ctx, out, a->dtype, dim, want.shape);
    if (st == STN_OK) st = stn_copy(ctx, out, &dst);
  }
  if (temp_out) stn_tensor_release(&dst);
  stn_tensor_release(&ta);
  stn_tensor_release(&tb);
  return st;
}

stn_status stn_addmm(stn_ctx *ctx, stn_tensor *out, double beta, const stn_tensor *m, double alpha, const stn_tensor *a,
                     const stn_tensor *b) {
  return products(ctx, "stn_addmm", out, beta, m, alpha, a, b, 2);
}

stn_status stn_baddbmm(stn_ctx *ctx, stn_tensor *out, double beta, const stn_tensor *m, double alpha,
                       const stn_tensor *a, const stn_tensor *b) {
  return products(ctx, "stn_baddbmm", out, beta, m, alpha, a, b, 3);
}

/* dst <- alpha mat vec (+ beta dst when use_v; beta is 0 otherwise), on dst's device. */
static stn_status run_gemv(stn_ctx *ctx, stn_tensor *dst, double beta, int use_v, double alpha, const stn_tensor *mat,
                           const stn_tensor *vec) {
  if (dst->device == STN_CUDA)
    STN_CUDA_DISPATCH(stn_addmv_cuda(ctx, dst, (float)beta, use_v ? dst : NULL, (float)alpha, mat, vec));
  int64_t n = mat->shape[0], k = mat->shape[1];
  stn_mat lm = stn_mat_of(mat);
  int incx = k > 1 ? (int)vec->strides[0] : 1, incy = n > 1 ? (int)dst->strides[0] : 1;
  /* row-major: mat itself; else stored as the k x n matrix mat^T */
  int row = lm.order == STN_ROW_MAJOR, rows = (int)(row ? n : k), cols = (int)(row ? k : n);
  enum CBLAS_TRANSPOSE tr = row ? CblasNoTrans : CblasTrans;
  if (mat->dtype == STN_DOUBLE)
    cblas_dgemv(CblasRowMajor, tr, rows, cols, alpha, (const double *)stn_ptr(mat), (int)lm.ld,
                (const double *)stn_ptr(vec), incx, beta, (double *)stn_ptr(dst), incy);
  else
    cblas_sgemv(CblasRowMajor, tr, rows, cols, (float)alpha, stn_data(mat), (int)lm.ld, stn_data(vec), incx,
                (float)beta, stn_data(dst), incy);
  return STN_OK;
}

stn_status stn_addmv(stn_ctx *ctx, stn_tensor *out, double beta, const stn_tensor *v, double alpha,
                     const stn_tensor *mat, const stn_tensor *vec) {
  static const char *fn = "stn_addmv";
  STN_TRY(check_types(fn, out, v, "v", mat, "mat", vec, "vec"));
  STN_TRY(stn_check_dim(fn, "mat", mat, 2));
  STN_TRY(stn_check_dim(fn, "vec", vec, 1));
  STN_TRY(stn_check_same_device(fn, mat, vec));
  STN_TRY(stn_check_same_device(fn, out, mat));
  if (v) STN_TRY(stn_check_same_device(fn, v, mat));
  int64_t n = mat->shape[0], k = mat->shape[1];
  if (vec->shape[0] != k)
    return STN_FAIL(STN_ERR_ARG, "%s: cannot multiply mat (%s) by vec (%s)", fn, stn_shape_str(mat), stn_shape_str(vec));
  if (v && (v->ndim != 1 || v->shape[0] != n))
    return STN_FAIL(STN_ERR_ARG, "%s: v is %s but mat (%s) times vec (%s) has %lld elements", fn, stn_shape_str(v),
                    stn_shape_str(mat), stn_shape_str(vec), (long long)n);
  STN_TRY(check_int(fn, "rows", n));
  STN_TRY(check_int(fn, "columns", k));

  stn_tensor smat = *mat, svec = *vec, sv = v ? *v : *vec;
  int use_v = v && beta != 0.0;
  int temp_out = stn_shares_storage(out, &smat) || stn_shares_storage(out, &svec) || (use_v && stn_shares_storage(out, &sv) && !stn_same_view(out, &sv));
  stn_tensor dst = {0}, tm = {0}, tv = {0}, um = {0}, uv = {0};
  stn_status st = STN_OK;
  if (!temp_out) {
    STN_TRY(stn_resize_out(ctx, out, mat->dtype, 1, &n));
    temp_out = n > 1 && out->strides[0] < 1;
  }
  if (temp_out) st = stn_tensor_new_typed(ctx, &dst, mat->device, mat->dtype, 1, &n);
  else dst = *out;
  if (st == STN_OK) st = operand(ctx, &smat, stn_mat_of(&smat).order != STN_NO_LAYOUT, &tm, &um);
  if (st == STN_OK) st = operand(ctx, &svec, k <= 1 || (svec.strides[0] >= 1 && svec.strides[0] <= INT_MAX), &tv, &uv);
  if (st == STN_OK && use_v && !stn_same_view(&dst, &sv)) st = stn_copy(ctx, &dst, &sv);
  double beff = use_v ? beta : 0.0;
  /* beta 0: y starts from zeros, since some BLAS versions scale y by 0 (NaN stays NaN) */
  if (st == STN_OK && n > 0 && (!use_v || k == 0)) st = scale_or_zero(ctx, &dst, use_v, beff);
  if (st == STN_OK && n > 0 && k > 0) st = run_gemv(ctx, &dst, beff, use_v, alpha, &um, &uv);
  if (st == STN_OK && temp_out) {
    st = stn_resize_out(ctx, out, mat->dtype, 1, &n);
    if (st == STN_OK) st = stn_copy(ctx, out, &dst);
  }
  if (temp_out) stn_tensor_release(&dst);
  stn_tensor_release(&tm);
  stn_tensor_release(&tv);
  return st;
}
