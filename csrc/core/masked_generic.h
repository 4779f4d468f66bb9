/* masked_generic.h: the CPU loops of masked.c for one element type (see dtype.h).
 * pos: for element i (row-major) of the masked tensor, the number of ones of the mask
 * before it where the mask is 1, else -1. */

static stn_status STN_T(masked_apply)(stn_tensor *t, const stn_tensor *src, const int64_t *pos, int64_t n, int mode,
                                      double value) {
  scalar_t *td = (scalar_t *)stn_ptr(t);
  const scalar_t *sd = src ? (const scalar_t *)stn_ptr(src) : (const scalar_t *)0;
  const scalar_t v = (scalar_t)value;
#pragma omp parallel for schedule(static) if (n >= STN_OMP_MIN)
  for (int64_t i = 0; i < n; i++) {
    if (pos[i] < 0) continue;
    if (mode == STN_MASK_FILL) td[stn_offset_of(t, i)] = v;
    else if (mode == STN_MASK_COPY) td[stn_offset_of(t, i)] = sd[stn_offset_of(src, pos[i])];
    else td[pos[i] * t->strides[0]] = sd[stn_offset_of(src, i)];
  }
  return STN_OK;
}

/* How many elements of a are not zero (a NaN is not zero), into *count. */
static stn_status STN_T(count_nonzero)(const stn_tensor *a, int64_t *count) {
  const scalar_t *ad = (const scalar_t *)stn_ptr(a);
  int64_t n = stn_tensor_numel(a), c = 0;
#pragma omp parallel for schedule(static) reduction(+ : c) if (n >= STN_OMP_MIN)
  for (int64_t i = 0; i < n; i++) c += ad[stn_offset_of(a, i)] != 0;
  *count = c;
  return STN_OK;
}

/* out (contiguous, count x a's dims) <- the 1-based subscripts of a's non-zero elements. */
static stn_status STN_T(write_nonzero)(const stn_tensor *a, int64_t *out) {
  const scalar_t *ad = (const scalar_t *)stn_ptr(a);
  int64_t n = stn_tensor_numel(a);
  int nd = a->ndim;
  for (int64_t i = 0; i < n; i++) {
    if (!(ad[stn_offset_of(a, i)] != 0)) continue;
    int64_t rem = i;
    for (int d = nd - 1; d >= 0; d--) {
      out[d] = rem % a->shape[d] + 1;
      rem /= a->shape[d];
    }
    out += nd;
  }
  return STN_OK;
}
