/* scan_generic.h: cumulative sums and products along one dim for one element type (see
 * dtype.h), included by scan.c through generic_all.h. The running value is an accreal
 * (double for Float and Double; int64_t for the integer types, wrapping around on
 * overflow), cast to the element type at each step, as Torch7's cumsum and cumprod do.
 * No include guard. */

static void STN_T(scan_line)(const scalar_t *x, int64_t sx, scalar_t *y, int64_t sy, int64_t n, int op) {
#if STN_IS_FLOATING
  accreal run = op == STN_CUMPROD ? 1.0 : 0.0;
  for (int64_t i = 0; i < n; i++) {
    if (op == STN_CUMPROD) run *= x[i * sx];
    else run += x[i * sx];
    y[i * sy] = (scalar_t)run;
  }
#else
  uint64_t run = op == STN_CUMPROD ? 1 : 0; /* unsigned: the wrap-around is defined */
  for (int64_t i = 0; i < n; i++) {
    uint64_t v = (uint64_t)(int64_t)x[i * sx];
    run = op == STN_CUMPROD ? run * v : run + v;
    y[i * sy] = (scalar_t)(int64_t)run;
  }
#endif
}

static stn_status STN_T(scan_cpu)(const stn_tensor *out, const stn_tensor *a, int dim, int op) {
  stn_tensor ah = *a, oh = *out; /* size 1 at dim: line k starts at row-major position k */
  ah.shape[dim] = 1;
  oh.shape[dim] = 1;
  int64_t lines = stn_tensor_numel(&ah), n = a->shape[dim];
  if (n == 0) return STN_OK;
  const scalar_t *ad = (const scalar_t *)stn_ptr(a);
  scalar_t *od = (scalar_t *)stn_ptr(out);
#pragma omp parallel for schedule(static) if (lines * n >= STN_OMP_MIN)
  for (int64_t k = 0; k < lines; k++)
    STN_T(scan_line)(ad + stn_offset_of(&ah, k), a->strides[dim], od + stn_offset_of(&oh, k), out->strides[dim], n, op);
  return STN_OK;
}
