/* sort.c: sorting and selection along a dim (Torch7's sort, topk, kthvalue, median,
 * mode) on every element type, with one order (csrc/core/sort_generic.h): values of
 * a's type and 1-based positions in a Long tensor. CUDA tensors go through the host:
 * a is copied to the CPU, the CPU kernel runs, the results are copied back. */
#include "context.h"
#include "copy.h"
#include "dtype.h"
#include "error.h"
#include "storage.h"
#include "tensor.h"

#include <stdlib.h>
#include <string.h>

typedef enum { STN_SELECT_SORT = 0, STN_SELECT_TOPK, STN_SELECT_KTH, STN_SELECT_MODE } stn_select_kind;
/* What a line gives: all of it sorted, its first k (sorted; descending for the largest),
 * its k-th smallest, or its mode. */
typedef struct {
  int kind;
  int64_t k;
  int descending;
} stn_select_plan;

#define STN_GENERIC_FILE "core/sort_generic.h"
#include "core/generic_all.h"

static stn_status lines(const char *fn, stn_tensor *values, stn_tensor *indices, const stn_tensor *a, int dim,
                        const stn_select_plan *plan) {
  STN_DISPATCH_ALL(fn, a->dtype, select_lines, (values, indices, a, dim, plan));
}

/* values (a's type) and indices (Long) resized to a's shape with m at dim, on a's
 * device; computed on the host into fresh tensors when a is on CUDA or a result shares
 * storage with a, else in place. */
static stn_status run(stn_ctx *ctx, const char *fn, stn_tensor *values, stn_tensor *indices, const stn_tensor *a,
                      int dim, const stn_select_plan *plan) {
  STN_TRY(stn_check_tensor_any(fn, "values", values));
  STN_TRY(stn_check_tensor_any(fn, "indices", indices));
  STN_TRY(stn_check_tensor_any(fn, "a", a));
  STN_TRY(stn_check_same_device(fn, values, a));
  STN_TRY(stn_check_same_device(fn, indices, a));
  STN_TRY(stn_check_dtype(fn, "indices", indices, STN_LONG));
  if (values->mem && values->mem == indices->mem)
    return STN_FAIL(STN_ERR_ARG, "%s: values and indices share a storage", fn);
  if (a->ndim < 1) return STN_FAIL(STN_ERR_ARG, "%s: a has no dimensions", fn);
  if (dim < 0 || dim >= a->ndim)
    return STN_FAIL(STN_ERR_ARG, "%s: dimension %d out of range for a %d-D tensor (%s)", fn, dim + 1, a->ndim,
                    stn_shape_str(a));
  int64_t n = a->shape[dim], size[STN_MAX_DIM];
  if ((plan->kind == STN_SELECT_MODE || plan->kind == STN_SELECT_KTH) && n == 0)
    return STN_FAIL(STN_ERR_ARG, "%s: dimension %d is empty (%s)", fn, dim + 1, stn_shape_str(a));
  if ((plan->kind == STN_SELECT_TOPK || plan->kind == STN_SELECT_KTH) && (plan->k < 1 || plan->k > n))
    return STN_FAIL(STN_ERR_ARG, "%s: k = %lld out of range 1..%lld for dimension %d (%s)", fn, (long long)plan->k,
                    (long long)n, dim + 1, stn_shape_str(a));
  memcpy(size, a->shape, sizeof size);
  size[dim] = plan->kind == STN_SELECT_SORT ? n : plan->kind == STN_SELECT_TOPK ? plan->k : 1;
  int aside = a->device == STN_CUDA || stn_shares_storage(values, a) || stn_shares_storage(indices, a);
  if (!aside) {
    STN_TRY(stn_resize_out(ctx, values, a->dtype, a->ndim, size));
    STN_TRY(stn_resize_out(ctx, indices, STN_LONG, a->ndim, size));
    return lines(fn, values, indices, a, dim, plan);
  }
  stn_tensor ha = {0}, hv = {0}, hi = {0}, use = *a;
  stn_status st = STN_OK;
  if (a->device == STN_CUDA) {
    st = stn_tensor_new_typed(ctx, &ha, STN_CPU, a->dtype, a->ndim, a->shape);
    if (st == STN_OK) st = stn_copy(ctx, &ha, a);
    use = ha;
  }
  if (st == STN_OK) st = stn_tensor_new_typed(ctx, &hv, STN_CPU, a->dtype, a->ndim, size);
  if (st == STN_OK) st = stn_tensor_new_typed(ctx, &hi, STN_CPU, STN_LONG, a->ndim, size);
  if (st == STN_OK) st = lines(fn, &hv, &hi, &use, dim, plan);
  if (st == STN_OK) st = stn_resize_out(ctx, values, a->dtype, a->ndim, size);
  if (st == STN_OK) st = stn_resize_out(ctx, indices, STN_LONG, a->ndim, size);
  if (st == STN_OK) st = stn_copy(ctx, values, &hv);
  if (st == STN_OK) st = stn_copy(ctx, indices, &hi);
  stn_tensor_release(&ha);
  stn_tensor_release(&hv);
  stn_tensor_release(&hi);
  return st;
}

stn_status stn_sort(stn_ctx *ctx, stn_tensor *values, stn_tensor *indices, const stn_tensor *a, int dim, int descending) {
  stn_select_plan plan = {STN_SELECT_SORT, 0, descending != 0};
  return run(ctx, "stn_sort", values, indices, a, dim, &plan);
}

stn_status stn_topk(stn_ctx *ctx, stn_tensor *values, stn_tensor *indices, const stn_tensor *a, int64_t k, int dim,
                    int largest) {
  stn_select_plan plan = {STN_SELECT_TOPK, k, largest != 0};
  return run(ctx, "stn_topk", values, indices, a, dim, &plan);
}

stn_status stn_kthvalue(stn_ctx *ctx, stn_tensor *values, stn_tensor *indices, const stn_tensor *a, int64_t k, int dim) {
  stn_select_plan plan = {STN_SELECT_KTH, k, 0};
  return run(ctx, "stn_kthvalue", values, indices, a, dim, &plan);
}

stn_status stn_median(stn_ctx *ctx, stn_tensor *values, stn_tensor *indices, const stn_tensor *a, int dim) {
  int64_t n = a && dim >= 0 && dim < a->ndim && dim < STN_MAX_DIM ? a->shape[dim] : 0;
  stn_select_plan plan = {STN_SELECT_KTH, (n + 1) / 2, 0};
  return run(ctx, "stn_median", values, indices, a, dim, &plan);
}

stn_status stn_mode(stn_ctx *ctx, stn_tensor *values, stn_tensor *indices, const stn_tensor *a, int dim) {
  stn_select_plan plan = {STN_SELECT_MODE, 0, 0};
  return run(ctx, "stn_mode", values, indices, a, dim, &plan);
}
