/* index_generic.h: the CPU walk of index.c for one element type (see dtype.h).
 *
 * The walk visits every element of a virtual tensor with big's sizes but n slices at
 * dim, pairing element (.., k, ..) of the small side with element (.., idx[k], ..) of
 * big. Runs along the last dim are shared out to threads unless `serial` (an add
 * with a repeated index, where two runs would update one place). */

static void STN_T(index_walk)(const stn_tensor *big, const stn_tensor *small, int dim, const int64_t *idx, int64_t n,
                              int mode, double value, int serial) {
  int last = big->ndim - 1;
  int64_t size[STN_MAX_DIM];
  for (int d = 0; d <= last; d++) size[d] = d == dim ? n : big->shape[d];
  int64_t cols = size[last], numel = 1;
  for (int d = 0; d <= last; d++) numel *= size[d];
  int64_t rows = cols ? numel / cols : 0;
  int64_t bl = big->strides[last], sl = small ? small->strides[last] : 0;
  scalar_t *bd = (scalar_t *)stn_ptr(big);
  const scalar_t *sd = small ? (const scalar_t *)stn_ptr(small) : (const scalar_t *)0;
  const scalar_t v = (scalar_t)value;
#pragma omp parallel for schedule(static) if (!serial && numel >= STN_OMP_MIN)
  for (int64_t r = 0; r < rows; r++) {
    int64_t bo = 0, so = 0, rem = r;
    int skip = 0;
    for (int d = last - 1; d >= 0; d--) {
      int64_t c = rem % size[d];
      rem /= size[d];
      if (small) so += c * small->strides[d];
      if (d == dim) {
        if (idx[c] < 0) skip = 1;
        c = idx[c];
      }
      bo += c * big->strides[d];
    }
    if (skip) continue;
    scalar_t *b = bd + bo;
    const scalar_t *s = sd ? sd + so : sd;
    if (dim == last) { /* the positions pick within the run */
      for (int64_t j = 0; j < cols; j++) {
        int64_t bj = idx[j];
        if (bj < 0) continue;
        switch (mode) {
        case STN_INDEX_GATHER: ((scalar_t *)s)[j * sl] = b[bj * bl]; break;
        case STN_INDEX_COPY: b[bj * bl] = s[j * sl]; break;
        case STN_INDEX_ADD: b[bj * bl] = (scalar_t)(b[bj * bl] + s[j * sl]); break;
        default: b[bj * bl] = v; break;
        }
      }
    } else if (mode == STN_INDEX_GATHER) { /* whole runs: one loop each, no test inside */
      scalar_t *o = (scalar_t *)s;
      for (int64_t j = 0; j < cols; j++) o[j * sl] = b[j * bl];
    } else if (mode == STN_INDEX_COPY) {
      for (int64_t j = 0; j < cols; j++) b[j * bl] = s[j * sl];
    } else if (mode == STN_INDEX_ADD) {
      for (int64_t j = 0; j < cols; j++) b[j * bl] = (scalar_t)(b[j * bl] + s[j * sl]);
    } else {
      for (int64_t j = 0; j < cols; j++) b[j * bl] = v;
    }
  }
}

static stn_status STN_T(index_run)(const stn_tensor *big, const stn_tensor *small, int dim, const int64_t *idx,
                                   int64_t n, int mode, double value, int serial) {
  STN_T(index_walk)(big, small, dim, idx, n, mode, value, serial);
  return STN_OK;
}
