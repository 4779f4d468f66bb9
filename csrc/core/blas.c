/* blas.c: matrix products (addmm, baddbmm, addmv) through OpenBLAS on the CPU; CUDA
 * tensors go to cuda/core/blas.cu (cuBLAS). Transposed views are handed to the BLAS as
 * they are (matrix.h); an operand is copied only when neither of its strides is 1. */
#include "blas.h"
#include "context.h"
#include "copy.h"
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

/* One product C (n x p) = alpha A (n x k) B (k x p) + beta C on the CPU. A row-major C
 * is computed directly; a column-major C as its transpose, C^T = B^T A^T. */
static void sgemm(int64_t n, int64_t p, int64_t k, float alpha, const float *A, stn_mat la, const float *B,
                  stn_mat lb, float beta, float *Cm, stn_mat lc) {
  if (lc.order == STN_ROW_MAJOR)
    cblas_sgemm(CblasRowMajor, la.order == STN_ROW_MAJOR ? CblasNoTrans : CblasTrans,
                lb.order == STN_ROW_MAJOR ? CblasNoTrans : CblasTrans, (int)n, (int)p, (int)k, alpha, A, (int)la.ld,
                B, (int)lb.ld, beta, Cm, (int)lc.ld);
  else
    cblas_sgemm(CblasRowMajor, lb.order == STN_ROW_MAJOR ? CblasTrans : CblasNoTrans,
                la.order == STN_ROW_MAJOR ? CblasTrans : CblasNoTrans, (int)p, (int)n, (int)k, alpha, B, (int)lb.ld,
                A, (int)la.ld, beta, Cm, (int)lc.ld);
}

/* dst <- alpha a b (+ beta dst when use_m; beta is 0 otherwise), on dst's device. */
static stn_status run_products(stn_ctx *ctx, stn_tensor *dst, float beta, int use_m, float alpha, const stn_tensor *a,
                               const stn_tensor *b) {
  const stn_tensor *m = use_m ? dst : NULL;
  if (dst->device == STN_CUDA)
    STN_CUDA_DISPATCH(a->ndim == 2 ? stn_addmm_cuda(ctx, dst, beta, m, alpha, a, b)
                                   : stn_baddbmm_cuda(ctx, dst, beta, m, alpha, a, b));
  int batched = a->ndim == 3;
  int64_t nb = batched ? a->shape[0] : 1;
  int64_t n = a->shape[batched], k = a->shape[batched + 1], p = b->shape[batched + 1];
  stn_mat la = stn_mat_of(a), lb = stn_mat_of(b), lc = stn_mat_of(dst);
  const float *A = stn_data(a), *B = stn_data(b);
  float *Cm = stn_data(dst);
  for (int64_t i = 0; i < nb; i++) {
    int64_t sa = batched ? a->strides[0] : 0, sb = batched ? b->strides[0] : 0, sc = batched ? dst->strides[0] : 0;
    sgemm(n, p, k, alpha, A + i * sa, la, B + i * sb, lb, beta, Cm + i * sc, lc);
  }
  return STN_OK;
}

/* addmm (a, b 2-D) and baddbmm (3-D): checks, conforms the operands, gives the BLAS an
 * output it can write (out itself, or a temporary when out overlaps an input or has
 * no BLAS layout), folds m into it and runs the products. */
static stn_status products(stn_ctx *ctx, const char *fn, stn_tensor *out, float beta, const stn_tensor *m, float alpha,
                           const stn_tensor *a, const stn_tensor *b, int dim) {
  STN_TRY(stn_check_tensor(fn, "out", out));
  STN_TRY(stn_check_tensor(fn, "a", a));
  STN_TRY(stn_check_tensor(fn, "b", b));
  if (m) STN_TRY(stn_check_tensor(fn, "m", m));
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
  int use_m = m && beta != 0.f;
  int temp_out = stn_shares_storage(out, &sa) || stn_shares_storage(out, &sb) || (use_m && stn_shares_storage(out, &sm) && !stn_same_view(out, &sm));
  stn_tensor dst = {0}, ta = {0}, tb = {0}, ua, ub;
  stn_status st;
  if (!temp_out) {
    STN_TRY(stn_resize_out(ctx, out, STN_FLOAT, dim, want.shape));
    temp_out = dim == 2 ? stn_mat_of(out).order == STN_NO_LAYOUT : !stn_batch_usable(out, 1);
  }
  if (temp_out) st = stn_tensor_new(ctx, &dst, a->device, dim, want.shape);
  else { dst = *out; st = STN_OK; }
  if (st == STN_OK) st = operand(ctx, &sa, dim == 2 ? stn_mat_of(&sa).order != STN_NO_LAYOUT : stn_batch_usable(&sa, 0), &ta, &ua);
  if (st == STN_OK) st = operand(ctx, &sb, dim == 2 ? stn_mat_of(&sb).order != STN_NO_LAYOUT : stn_batch_usable(&sb, 0), &tb, &ub);
  if (st == STN_OK && use_m && !stn_same_view(&dst, &sm)) st = stn_copy(ctx, &dst, &sm);
  float beff = use_m ? beta : 0.f;
  if (st == STN_OK && stn_tensor_numel(&dst) > 0) {
    if (k == 0) /* no products to add: dst <- beff * dst (0 when m is unused) */
      st = stn_unary(ctx, &dst, &dst, use_m ? STN_MUL_SCALAR : STN_FILL, beff, 0);
    else
      st = run_products(ctx, &dst, beff, use_m, alpha, &ua, &ub); /* beta 0: OpenBLAS never reads C */
  }
  if (st == STN_OK && temp_out) {
    st = stn_resize_out(ctx, out, STN_FLOAT, dim, want.shape);
    if (st == STN_OK) st = stn_copy(ctx, out, &dst);
  }
  if (temp_out) stn_tensor_release(&dst);
  stn_tensor_release(&ta);
  stn_tensor_release(&tb);
  return st;
}

stn_status stn_addmm(stn_ctx *ctx, stn_tensor *out, float beta, const stn_tensor *m, float alpha, const stn_tensor *a,
                     const stn_tensor *b) {
  return products(ctx, "stn_addmm", out, beta, m, alpha, a, b, 2);
}

stn_status stn_baddbmm(stn_ctx *ctx, stn_tensor *out, float beta, const stn_tensor *m, float alpha, const stn_tensor *a,
                       const stn_tensor *b) {
  return products(ctx, "stn_baddbmm", out, beta, m, alpha, a, b, 3);
}

/* dst <- alpha mat vec (+ beta dst when use_v; beta is 0 otherwise), on dst's device. */
static stn_status run_gemv(stn_ctx *ctx, stn_tensor *dst, float beta, int use_v, float alpha, const stn_tensor *mat,
                           const stn_tensor *vec) {
  if (dst->device == STN_CUDA) STN_CUDA_DISPATCH(stn_addmv_cuda(ctx, dst, beta, use_v ? dst : NULL, alpha, mat, vec));
  int64_t n = mat->shape[0], k = mat->shape[1];
  stn_mat lm = stn_mat_of(mat);
  int incx = k > 1 ? (int)vec->strides[0] : 1, incy = n > 1 ? (int)dst->strides[0] : 1;
  if (lm.order == STN_ROW_MAJOR)
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)k, alpha, stn_data(mat), (int)lm.ld, stn_data(vec), incx,
                beta, stn_data(dst), incy);
  else /* stored as the k x n matrix mat^T */
    cblas_sgemv(CblasRowMajor, CblasTrans, (int)k, (int)n, alpha, stn_data(mat), (int)lm.ld, stn_data(vec), incx,
                beta, stn_data(dst), incy);
  return STN_OK;
}

stn_status stn_addmv(stn_ctx *ctx, stn_tensor *out, float beta, const stn_tensor *v, float alpha, const stn_tensor *mat,
                     const stn_tensor *vec) {
  static const char *fn = "stn_addmv";
  STN_TRY(stn_check_tensor(fn, "out", out));
  STN_TRY(stn_check_tensor(fn, "mat", mat));
  STN_TRY(stn_check_tensor(fn, "vec", vec));
  if (v) STN_TRY(stn_check_tensor(fn, "v", v));
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
  int use_v = v && beta != 0.f;
  int temp_out = stn_shares_storage(out, &smat) || stn_shares_storage(out, &svec) || (use_v && stn_shares_storage(out, &sv) && !stn_same_view(out, &sv));
  stn_tensor dst = {0}, tm = {0}, tv = {0}, um = {0}, uv = {0};
  stn_status st = STN_OK;
  if (!temp_out) {
    STN_TRY(stn_resize_out(ctx, out, STN_FLOAT, 1, &n));
    temp_out = n > 1 && out->strides[0] < 1;
  }
  if (temp_out) st = stn_tensor_new(ctx, &dst, mat->device, 1, &n);
  else dst = *out;
  if (st == STN_OK) st = operand(ctx, &smat, stn_mat_of(&smat).order != STN_NO_LAYOUT, &tm, &um);
  if (st == STN_OK) st = operand(ctx, &svec, k <= 1 || (svec.strides[0] >= 1 && svec.strides[0] <= INT_MAX), &tv, &uv);
  if (st == STN_OK && use_v && !stn_same_view(&dst, &sv)) st = stn_copy(ctx, &dst, &sv);
  float beff = use_v ? beta : 0.f;
  /* beta 0: y starts from zeros, since some BLAS versions scale y by 0 (NaN stays NaN) */
  if (st == STN_OK && n > 0 && (!use_v || k == 0))
    st = stn_unary(ctx, &dst, &dst, use_v ? STN_MUL_SCALAR : STN_FILL, beff, 0);
  if (st == STN_OK && n > 0 && k > 0) st = run_gemv(ctx, &dst, beff, use_v, alpha, &um, &uv);
  if (st == STN_OK && temp_out) {
    st = stn_resize_out(ctx, out, STN_FLOAT, 1, &n);
    if (st == STN_OK) st = stn_copy(ctx, out, &dst);
  }
  if (temp_out) stn_tensor_release(&dst);
  stn_tensor_release(&tm);
  stn_tensor_release(&tv);
  return st;
}
