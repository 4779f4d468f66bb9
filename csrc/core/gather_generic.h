/* gather_generic.h: the CPU lines of gather.c for one element type (see dtype.h).
 * Line l is one position in every dim of the index tensor but dim; along it, entry i of
 * the index (row-major values idx, 0-based, checked) picks where element i goes (scatter)
 * or comes from (gather). Each line is walked in order by one thread, so a repeated
 * position in a scatter line keeps the last write. */

static stn_status STN_T(gather_lines)(stn_tensor *target, const stn_tensor *src, const stn_tensor *shape, int dim,
                                      const int64_t *idx, int mode, double value) {
  int nd = shape->ndim;
  int64_t len = shape->shape[dim], lines = 1, ic[STN_MAX_DIM]; /* ic: the index's row-major strides */
  for (int d = nd - 1; d >= 0; d--) {
    ic[d] = d == nd - 1 ? 1 : ic[d + 1] * shape->shape[d + 1];
    if (d != dim) lines *= shape->shape[d];
  }
  if (len == 0 || lines == 0) return STN_OK;
  scalar_t *td = (scalar_t *)stn_ptr(target);
  const scalar_t *sd = src ? (const scalar_t *)stn_ptr(src) : (const scalar_t *)0;
  int64_t ts = target->strides[dim], ss = src ? src->strides[dim] : 0, is = ic[dim];
  const scalar_t v = (scalar_t)value;
#pragma omp parallel for schedule(static) if (lines * len >= STN_OMP_MIN)
  for (int64_t l = 0; l < lines; l++) {
    int64_t rem = l, to = 0, so = 0, io = 0;
    for (int d = nd - 1; d >= 0; d--) {
      if (d == dim) continue;
      int64_t c = rem % shape->shape[d];
      rem /= shape->shape[d];
      to += c * target->strides[d];
      if (src) so += c * src->strides[d];
      io += c * ic[d];
    }
    const int64_t *ix = idx + io;
    if (mode == STN_INDEX_GATHER) {
      for (int64_t i = 0; i < len; i++) td[to + i * ts] = sd[so + ix[i * is] * ss];
    } else if (mode == STN_INDEX_COPY) {
      for (int64_t i = 0; i < len; i++) td[to + ix[i * is] * ts] = sd[so + i * ss];
    } else {
      for (int64_t i = 0; i < len; i++) td[to + ix[i * is] * ts] = v;
    }
  }
  return STN_OK;
}
