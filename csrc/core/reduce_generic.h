/* reduce_generic.h: the CPU reductions for one element type (see dtype.h), included by
 * reduce.c through generic_all.h. Sums and products run in accreal (double for Float and
 * Double; int64_t for the integer types, wrapping around on overflow as Torch7's long
 * accreal does in practice); max and min compare the elements themselves. mean, var, std
 * and the 2-norm exist for the floating types only (as in Torch7): reduce.c refuses them
 * on the integer types before any of this runs. No include guard. */

#if STN_IS_FLOATING
#define ACC_ADD(s, x) ((s) + (x))
#define ACC_MUL(s, x) ((s) * (x))
#else
/* unsigned arithmetic: the two's complement wrap-around without undefined behaviour */
#define ACC_ADD(s, x) ((accreal)((uint64_t)(s) + (uint64_t)(accreal)(x)))
#define ACC_MUL(s, x) ((accreal)((uint64_t)(s) * (uint64_t)(accreal)(x)))
#endif

typedef struct STN_T(acc) {
  accreal v;     /* sum, sum of squared deviations, or product */
  scalar_t best; /* max or min so far */
  int64_t pos;   /* its 0-based position; -1 before the first value */
} STN_T(acc);

/* v replaces best as the running max (min): strictly larger (smaller), so ties keep
 * the first position, and a NaN wins and stays, as in Torch7. */
static inline int STN_T(better)(scalar_t v, scalar_t best, int is_max) {
#if STN_IS_FLOATING
  return best == best && (v != v || (is_max ? v > best : v < best));
#else
  return is_max ? v > best : v < best;
#endif
}

static inline void STN_T(acc_init)(STN_T(acc) *r, int pass) {
  r->v = pass == PASS_PROD ? 1 : 0;
  r->best = 0;
  r->pos = -1;
}

/* Adds len values x[j * s] (positions first + j) to r. */
static void STN_T(acc_run)(STN_T(acc) *r, int pass, int is_max, double mean, const scalar_t *x, int64_t s,
                           int64_t len, int64_t first) {
  accreal v = r->v;
  switch (pass) {
  case PASS_SUM: for (int64_t j = 0; j < len; j++) v = ACC_ADD(v, x[j * s]); break;
#if STN_IS_FLOATING
  case PASS_DEV2: for (int64_t j = 0; j < len; j++) { double d = x[j * s] - mean; v += d * d; } break;
#endif
  case PASS_PROD: for (int64_t j = 0; j < len; j++) v = ACC_MUL(v, x[j * s]); break;
  default:
    (void)mean;
    for (int64_t j = 0; j < len; j++)
      if (r->pos < 0 || STN_T(better)(x[j * s], r->best, is_max)) { r->best = x[j * s]; r->pos = first + j; }
  }
  r->v = v;
}

/* r <- r then q (q covers later positions). */
static void STN_T(acc_merge)(STN_T(acc) *r, const STN_T(acc) *q, int pass, int is_max) {
  if (pass == PASS_PROD) r->v = ACC_MUL(r->v, q->v);
  else if (pass != PASS_EXTREME) r->v = ACC_ADD(r->v, q->v);
  else if (q->pos >= 0 && (r->pos < 0 || STN_T(better)(q->best, r->best, is_max))) { r->best = q->best; r->pos = q->pos; }
}

/* The statistic from the accumulated passes over n values, as a double (the whole-tensor
 * result). */
static double STN_T(finish)(int op, const STN_T(acc) *first, const STN_T(acc) *second, int64_t n, int biased) {
  switch (op) {
  case STN_SUM: case STN_PROD: return (double)first->v;
  case STN_MAX: case STN_MIN: return (double)first->best;
#if STN_IS_FLOATING
  case STN_MEAN: return first->v / (double)n;
  case STN_NORM2: return sqrt(first->v);
  default: {
    double var = second->v / (double)(biased ? n : n - 1); /* n - 1 = 0: NaN, undefined */
    return op == STN_VAR ? var : sqrt(var);
  }
#else
  default: (void)second; (void)n; (void)biased; return 0; /* refused by reduce.c */
#endif
  }
}

/* The statistic as an element of the result tensor: an integer sum or product is cast
 * from the accreal itself (Torch7's (real)sum), never through a double. */
static inline scalar_t STN_T(element)(int op, const STN_T(acc) *first, const STN_T(acc) *second, int64_t n,
                                      int biased) {
#if STN_IS_FLOATING
  return (scalar_t)STN_T(finish)(op, first, second, n, biased);
#else
  (void)second; (void)n; (void)biased;
  return op == STN_MAX || op == STN_MIN ? first->best : (scalar_t)first->v;
#endif
}

/* One pass over all of a, blocks of about STN_CHUNK values combined in order. */
static stn_status STN_T(pass_all)(const stn_tensor *a, int pass, int is_max, double mean, STN_T(acc) *out) {
  const stn_tensor *ts[1] = {a};
  stn_rows pl;
  stn_rows_plan(&pl, ts, 1);
  STN_T(acc_init)(out, pass);
  if (pl.rows == 0) return STN_OK;
  int64_t per = pl.flat || pl.cols >= STN_CHUNK ? 1 : STN_CHUNK / pl.cols; /* runs per block */
  int64_t nblk = (pl.rows + per - 1) / per;
  STN_T(acc) *part = (STN_T(acc) *)malloc((size_t)nblk * sizeof *part);
  if (!part) return STN_FAIL(STN_ERR_MEMORY, "stn_reduce_all: out of memory");
  const scalar_t *d = (const scalar_t *)stn_ptr(a);
#pragma omp parallel for schedule(static) if (pl.numel >= STN_OMP_MIN)
  for (int64_t b = 0; b < nblk; b++) {
    STN_T(acc_init)(&part[b], pass);
    int64_t r1 = (b + 1) * per < pl.rows ? (b + 1) * per : pl.rows;
    for (int64_t r = b * per; r < r1; r++) {
      int64_t len, s;
      const scalar_t *x = d + stn_rows_at(&pl, a, r, &len, &s);
      STN_T(acc_run)(&part[b], pass, is_max, mean, x, s, len, r * pl.cols);
    }
  }
  for (int64_t b = 0; b < nblk; b++) STN_T(acc_merge)(out, &part[b], pass, is_max);
  free(part);
  return STN_OK;
}

static stn_status STN_T(reduce_all_cpu)(const stn_tensor *a, int op, int biased, double *result) {
  int64_t n = stn_tensor_numel(a);
  int is_max = op == STN_MAX;
  STN_T(acc) first, second;
  STN_T(acc_init)(&second, PASS_DEV2);
  STN_TRY(STN_T(pass_all)(a, first_pass(op), is_max, 0.0, &first));
#if STN_IS_FLOATING
  if (op == STN_VAR || op == STN_STD) /* two passes: exact and stable */
    STN_TRY(STN_T(pass_all)(a, PASS_DEV2, 0, first.v / (double)n, &second));
#endif
  *result = STN_T(finish)(op, &first, &second, n, biased);
  return STN_OK;
}

/* Reduction along a dim that is not the last: a block of up to BLOCK outputs adjacent
 * along the last dim advances row by row, so the reads sweep memory in order. */
static void STN_T(reduce_block)(int op, int biased, const scalar_t *x, int64_t sd, int64_t R, int64_t sl, int64_t L,
                                scalar_t *o, int64_t so, int64_t *ix, int64_t si) {
  int pass = first_pass(op), is_max = op == STN_MAX;
  STN_T(acc) a1[BLOCK], a2[BLOCK];
  for (int64_t j = 0; j < L; j++) STN_T(acc_init)(&a1[j], pass), STN_T(acc_init)(&a2[j], PASS_DEV2);
  switch (pass) {
  case PASS_SUM:
    for (int64_t r = 0; r < R; r++)
      for (int64_t j = 0; j < L; j++) a1[j].v = ACC_ADD(a1[j].v, x[r * sd + j * sl]);
    break;
#if STN_IS_FLOATING
  case PASS_DEV2:
    for (int64_t r = 0; r < R; r++)
      for (int64_t j = 0; j < L; j++) { double d = x[r * sd + j * sl]; a1[j].v += d * d; }
    break;
#endif
  case PASS_PROD:
    for (int64_t r = 0; r < R; r++)
      for (int64_t j = 0; j < L; j++) a1[j].v = ACC_MUL(a1[j].v, x[r * sd + j * sl]);
    break;
  default:
    for (int64_t r = 0; r < R; r++)
      for (int64_t j = 0; j < L; j++) {
        scalar_t v = x[r * sd + j * sl];
        if (r == 0 || STN_T(better)(v, a1[j].best, is_max)) { a1[j].best = v; a1[j].pos = r; }
      }
  }
#if STN_IS_FLOATING
  if (op == STN_VAR || op == STN_STD) {
    for (int64_t r = 0; r < R; r++)
      for (int64_t j = 0; j < L; j++) {
        double d = x[r * sd + j * sl] - a1[j].v / (double)R;
        a2[j].v += d * d;
      }
  }
#endif
  for (int64_t j = 0; j < L; j++) {
    o[j * so] = STN_T(element)(op, &a1[j], &a2[j], R, biased);
    if (ix) ix[j * si] = a1[j].pos + 1;
  }
}

/* a reduced along dim into out (and ind: Long, 1-based positions), both sized. */
static stn_status STN_T(reduce_dim_cpu)(const stn_tensor *out, const stn_tensor *ind, const stn_tensor *a, int dim,
                                        int op, int biased) {
  int64_t R = a->shape[dim], sd = a->strides[dim];
  int last = a->ndim - 1;
  stn_tensor ah = *a; /* a's shape with 1 at dim: maps an output position to a's base offset */
  ah.shape[dim] = 1;
  int64_t nout = stn_tensor_numel(out);
  const scalar_t *ad = (const scalar_t *)stn_ptr(a);
  scalar_t *od = (scalar_t *)stn_ptr(out);
  int64_t *id = ind ? (int64_t *)stn_ptr(ind) : NULL;
  int pass = first_pass(op), is_max = op == STN_MAX;
  if (dim == last) { /* each output reduces one strided run */
#pragma omp parallel for schedule(static) if (nout * R >= STN_OMP_MIN)
    for (int64_t o = 0; o < nout; o++) {
      const scalar_t *x = ad + stn_offset_of(&ah, o);
      STN_T(acc) a1, a2;
      STN_T(acc_init)(&a1, pass);
      STN_T(acc_init)(&a2, PASS_DEV2);
      STN_T(acc_run)(&a1, pass, is_max, 0.0, x, sd, R, 0);
#if STN_IS_FLOATING
      if (op == STN_VAR || op == STN_STD)
        STN_T(acc_run)(&a2, PASS_DEV2, 0, a1.v / (double)R, x, sd, R, 0);
#endif
      od[stn_offset_of(out, o)] = STN_T(element)(op, &a1, &a2, R, biased);
      if (id) id[stn_offset_of(ind, o)] = a1.pos + 1;
    }
    return STN_OK;
  }
  int64_t L = a->shape[last], sl = a->strides[last];
  int64_t nrows = L ? nout / L : 0, nblk = (L + BLOCK - 1) / BLOCK;
#pragma omp parallel for schedule(static) if (nout * R >= STN_OMP_MIN)
  for (int64_t w = 0; w < nrows * nblk; w++) {
    int64_t row = w / nblk, j0 = (w % nblk) * BLOCK, len = L - j0 < BLOCK ? L - j0 : BLOCK;
    int64_t first = row * L + j0; /* row-major position of the block's first output */
    STN_T(reduce_block)(op, biased, ad + stn_offset_of(&ah, first), sd, R, sl, len, od + stn_offset_of(out, first),
                        out->strides[last], id ? id + stn_offset_of(ind, first) : NULL, ind ? ind->strides[last] : 0);
  }
  return STN_OK;
}

#undef ACC_ADD
#undef ACC_MUL
