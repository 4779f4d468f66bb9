/* sort_generic.h: the line kernel of sort.c for one element type (see dtype.h).
 * Each line along dim is copied into (value, position) pairs and merge-sorted (stable)
 * in one total order: ascending by value, a NaN after every number; descending puts
 * the larger first (a NaN first), equal values still by position. Then sort and topk
 * write a prefix of the sorted line, kthvalue one entry of it, mode the most frequent
 * run (the first of the longest: the smallest value) and its last position. */

typedef struct {
  scalar_t v;
  int64_t i;
} STN_T(sort_pair);

#if STN_IS_FLOATING
#define STN_SORT_NAN(x) ((x) != (x))
#else
#define STN_SORT_NAN(x) 0
#endif

/* Does p come strictly before q? Ascending: numbers by value, then the NaNs;
 * descending: the NaNs, then numbers by value, larger first. */
static inline int STN_T(sort_before)(const STN_T(sort_pair) *p, const STN_T(sort_pair) *q, int descending) {
  if (descending) {
    if (STN_SORT_NAN(q->v)) return 0;
    if (STN_SORT_NAN(p->v)) return 1;
    return p->v > q->v;
  }
  if (STN_SORT_NAN(p->v)) return 0;
  if (STN_SORT_NAN(q->v)) return 1;
  return p->v < q->v;
}

/* Bottom-up merge sort of x[0..n-1] with scratch y (n entries); returns the array that
 * holds the result (x or y). */
static STN_T(sort_pair) *STN_T(merge_sort)(STN_T(sort_pair) *x, STN_T(sort_pair) *y, int64_t n, int descending) {
  for (int64_t width = 1; width < n; width *= 2) {
    for (int64_t lo = 0; lo < n; lo += 2 * width) {
      int64_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      int64_t i = lo, j = mid, o = lo;
      while (i < mid && j < hi) y[o++] = STN_T(sort_before)(&x[j], &x[i], descending) ? x[j++] : x[i++];
      while (i < mid) y[o++] = x[i++];
      while (j < hi) y[o++] = x[j++];
    }
    STN_T(sort_pair) *t = x;
    x = y;
    y = t;
  }
  return x;
}

static stn_status STN_T(select_lines)(stn_tensor *values, stn_tensor *indices, const stn_tensor *a, int dim,
                                      const stn_select_plan *plan) {
  int nd = a->ndim;
  int64_t n = a->shape[dim], lines = n ? stn_tensor_numel(a) / n : 0;
  if (lines == 0 || n == 0) return STN_OK;
  const scalar_t *ad = (const scalar_t *)stn_ptr(a);
  scalar_t *vd = (scalar_t *)stn_ptr(values);
  int64_t *id = (int64_t *)stn_ptr(indices);
  int64_t as = a->strides[dim], vs = values->strides[dim], is = indices->strides[dim];
  int descending = plan->kind == STN_SELECT_SORT || plan->kind == STN_SELECT_TOPK ? plan->descending : 0;
  int failed = 0;
#pragma omp parallel if (lines * n >= STN_OMP_MIN)
  {
    STN_T(sort_pair) *buf = (STN_T(sort_pair) *)malloc((size_t)(2 * n) * sizeof *buf);
    if (!buf) {
#pragma omp atomic write
      failed = 1;
    }
#pragma omp for schedule(static)
    for (int64_t l = 0; l < lines; l++) {
      if (!buf) continue;
      int64_t rem = l, ao = 0, vo = 0, io = 0;
      for (int d = nd - 1; d >= 0; d--) {
        if (d == dim) continue;
        int64_t c = rem % a->shape[d];
        rem /= a->shape[d];
        ao += c * a->strides[d];
        vo += c * values->strides[d];
        io += c * indices->strides[d];
      }
      for (int64_t j = 0; j < n; j++) {
        buf[j].v = ad[ao + j * as];
        buf[j].i = j;
      }
      STN_T(sort_pair) *s = STN_T(merge_sort)(buf, buf + n, n, descending);
      if (plan->kind == STN_SELECT_SORT || plan->kind == STN_SELECT_TOPK) {
        int64_t m = plan->kind == STN_SELECT_SORT ? n : plan->k;
        for (int64_t j = 0; j < m; j++) {
          vd[vo + j * vs] = s[j].v;
          id[io + j * is] = s[j].i + 1;
        }
      } else if (plan->kind == STN_SELECT_KTH) {
        vd[vo] = s[plan->k - 1].v;
        id[io] = s[plan->k - 1].i + 1;
      } else { /* mode: runs of equal values (a NaN equals nothing) */
        int64_t best = 0, best_len = 0, run = 0;
        for (int64_t j = 0; j < n; j++) {
          run++;
          if (j == n - 1 || !(s[j].v == s[j + 1].v)) {
            if (run > best_len) {
              best_len = run;
              best = j;
            }
            run = 0;
          }
        }
        vd[vo] = s[best].v;
        id[io] = s[best].i + 1;
      }
    }
    free(buf);
  }
  if (failed) return STN_FAIL(STN_ERR_MEMORY, "stn_sort: out of memory for a line of %lld", (long long)n);
  return STN_OK;
}

#undef STN_SORT_NAN
