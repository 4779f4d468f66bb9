/* libstn from C alone, through the public header: what a C user does (a context,
 * storages and tensor views, copies, element-wise ops, reductions, matrix products,
 * random numbers, an error, the CRC, one nn op and one spatial op), checked against
 * values worked out by hand. Run by `make test`; prints "c_api: N passed, M failed" and
 * exits 1 when anything failed. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "stn.h"

static int passed, failed;

#define CHECK(cond)                                                         \
  do {                                                                      \
    if (cond) {                                                             \
      passed++;                                                             \
    } else {                                                                \
      failed++;                                                             \
      fprintf(stderr, "c_api: %s:%d: %s failed\n", __FILE__, __LINE__, #cond); \
    }                                                                       \
  } while (0)

/* A call that must succeed; on failure the library's message is printed. */
#define OK(call)                                                                  \
  do {                                                                            \
    stn_status st_ = (call);                                                      \
    if (st_ == STN_OK) {                                                          \
      passed++;                                                                   \
    } else {                                                                      \
      failed++;                                                                   \
      fprintf(stderr, "c_api: %s:%d: %s: %s\n", __FILE__, __LINE__, #call, stn_last_error()); \
    }                                                                             \
  } while (0)

static float *data_of(const stn_tensor *t) { return t->mem->data + t->offset; }

/* A contiguous CPU tensor of the given sizes holding values (row-major). */
static stn_tensor tensor_of(stn_ctx *ctx, int dim, const int64_t *sizes, const float *values) {
  stn_tensor t;
  memset(&t, 0, sizeof t);
  OK(stn_tensor_resize(ctx, &t, dim, sizes));
  if (values) memcpy(data_of(&t), values, (size_t)stn_tensor_numel(&t) * sizeof(float));
  return t;
}

/* Every element of t (contiguous) within tol of expected. */
static int near_all(const stn_tensor *t, const float *expected, int64_t n, float tol) {
  if (stn_tensor_numel(t) != n) return 0;
  const float *d = data_of(t);
  for (int64_t i = 0; i < n; i++)
    if (!(fabsf(d[i] - expected[i]) <= tol)) return 0;
  return 1;
}

static void test_context(stn_ctx *ctx) {
  CHECK(stn_version() != NULL && stn_version()[0] != '\0');
  CHECK(strcmp(stn_status_string(STN_OK), stn_status_string(STN_ERR_ARG)) != 0);
  OK(stn_set_num_threads(ctx, 2));
  CHECK(stn_get_num_threads(ctx) == 2);
  CHECK(strstr(stn_cdef(), "stn_tensor_resize") != NULL);
  /* CPU paths: the best supported is in use; every lower one can be picked, none above */
  int best = stn_cpu_isa_supported();
  CHECK(best >= STN_ISA_GENERIC && best <= STN_ISA_AVX512 && stn_cpu_isa() == best);
  for (int isa = STN_ISA_GENERIC; isa <= best; isa++) {
    OK(stn_cpu_set_isa(ctx, isa));
    CHECK(stn_cpu_isa() == isa);
  }
  if (best < STN_ISA_AVX512) CHECK(stn_cpu_set_isa(ctx, best + 1) == STN_ERR_ARG);
  CHECK(stn_cpu_set_isa(ctx, 7) == STN_ERR_ARG && stn_cpu_isa_name(7) == NULL);
  CHECK(stn_cpu_isa() == best); /* a refused setting changes nothing */
  char model[64];
  stn_cpu_model(model, (int)sizeof model);
  CHECK(model[0] != '\0' && strlen(model) < sizeof model);
}

/* The GPU settings: precision (kept on every build), memory counters and graphs (which
 * need a device: without one they fail naming the cause and leave nothing behind). */
static void test_gpu_settings(stn_ctx *ctx) {
  CHECK(stn_get_precision(ctx) == STN_PRECISION_FP32);
  OK(stn_set_precision(ctx, STN_PRECISION_TF32));
  CHECK(stn_get_precision(ctx) == STN_PRECISION_TF32);
  CHECK(stn_set_precision(ctx, STN_PRECISION_BF16) == STN_ERR_ARG && strstr(stn_last_error(), "not implemented"));
  CHECK(stn_set_precision(ctx, 9) == STN_ERR_ARG && stn_get_precision(ctx) == STN_PRECISION_TF32);
  OK(stn_set_precision(ctx, STN_PRECISION_FP32));
  CHECK(stn_cuda_capturing(ctx) == 0);
  if (stn_cuda_device_count(NULL, 0) > 0) {
    stn_cuda_memory m;
    OK(stn_cuda_memory_info(ctx, &m));
    CHECK(m.peak_in_use >= m.in_use && m.in_use >= 0 && m.cached >= 0);
    OK(stn_cuda_reset_peak_memory(ctx));
    OK(stn_cuda_memory_info(ctx, &m));
    CHECK(m.peak_in_use == m.in_use);
    return;
  }
  stn_cuda_memory m;
  stn_cuda_graph *g = (stn_cuda_graph *)&m;
  CHECK(stn_cuda_memory_info(ctx, &m) == STN_ERR_DEVICE);
  CHECK(stn_cuda_reset_peak_memory(ctx) == STN_ERR_DEVICE);
  CHECK(stn_cuda_graph_begin(ctx) == STN_ERR_DEVICE && stn_cuda_capturing(ctx) == 0);
  CHECK(stn_cuda_graph_end(ctx, &g) != STN_OK && g == NULL);
  stn_cuda_graph_abort(ctx); /* nothing to abort: no effect */
  CHECK(stn_cuda_capturing(ctx) == 0);
}

/* A storage of 6 floats seen as a 2 x 3 view and as its 3 x 2 transpose (strides 1, 3),
 * copied to a contiguous tensor. */
static void test_storage_and_copy(stn_ctx *ctx) {
  stn_storage *s = NULL;
  OK(stn_storage_new(ctx, STN_CPU, STN_FLOAT, 6, &s));
  if (!s) return;
  for (int i = 0; i < 6; i++) s->data[i] = (float)(i + 1); /* 1 2 3 / 4 5 6 */
  stn_tensor t;
  memset(&t, 0, sizeof t);
  t.mem = s; /* the view takes the storage's one reference */
  t.ndim = 2;
  t.shape[0] = 3, t.shape[1] = 2;
  t.strides[0] = 1, t.strides[1] = 3;
  CHECK(stn_tensor_numel(&t) == 6);
  CHECK(!stn_tensor_is_contiguous(&t));
  stn_tensor view;
  memset(&view, 0, sizeof view);
  stn_tensor_set(&view, &t); /* a second view, a second reference */
  CHECK(view.mem == s && s->refcount == 2);
  const int64_t sizes[2] = {3, 2};
  stn_tensor c = tensor_of(ctx, 2, sizes, NULL);
  OK(stn_copy(ctx, &c, &view));
  const float transposed[6] = {1, 4, 2, 5, 3, 6};
  CHECK(stn_tensor_is_contiguous(&c));
  CHECK(near_all(&c, transposed, 6, 0));
  stn_tensor_release(&view);
  CHECK(view.mem == NULL && s->refcount == 1);
  stn_tensor_release(&t);
  stn_tensor_release(&c);
}

/* Element types: a Double storage, a strided copy converting Double -> Long (toward
 * zero), Double -> Byte wrapping, a NaN refused, and a storage whose type disagrees with
 * its tensor refused by every op's check. */
static void test_types(stn_ctx *ctx) {
  CHECK(stn_dtype_size(STN_DOUBLE) == 8 && stn_dtype_size(STN_BYTE) == 1 && stn_dtype_size(99) == 0);
  CHECK(strcmp(stn_dtype_name(STN_LONG), "Long") == 0);
  stn_tensor d, l;
  memset(&d, 0, sizeof d);
  memset(&l, 0, sizeof l);
  d.dtype = STN_DOUBLE;
  l.dtype = STN_LONG;
  const int64_t sizes[2] = {2, 2};
  OK(stn_tensor_resize(ctx, &d, 2, sizes));
  OK(stn_tensor_resize(ctx, &l, 2, sizes));
  if (!d.mem || !l.mem) return;
  CHECK(d.mem->dtype == STN_DOUBLE && l.mem->dtype == STN_LONG);
  const double dv[4] = {1.75, -2.5, 3, 1e10};
  memcpy(d.mem->f64, dv, sizeof dv);
  stn_tensor lt = l; /* the transpose of l: a strided destination */
  lt.strides[0] = 1, lt.strides[1] = 2;
  OK(stn_copy(ctx, &lt, &d));
  CHECK(l.mem->i64[0] == 1 && l.mem->i64[2] == -2 && l.mem->i64[1] == 3 && l.mem->i64[3] == 10000000000LL);
  stn_tensor b;
  memset(&b, 0, sizeof b);
  b.dtype = STN_BYTE;
  OK(stn_tensor_resize(ctx, &b, 2, sizes));
  OK(stn_copy(ctx, &b, &d)); /* into Byte: toward zero, then modulo 256 (1e10 = 0x2540BE400) */
  CHECK(b.mem->u8[0] == 1 && b.mem->u8[1] == 254 && b.mem->u8[2] == 3 && b.mem->u8[3] == 0);
  /* Char and Short (codes 5 and 6, stored in stn files): signed wraps modulo 2^8 and 2^16 */
  CHECK(STN_CHAR == 5 && STN_SHORT == 6 && STN_NUM_DTYPES == 9 && stn_dtype_size(STN_CHAR) == 1 &&
        stn_dtype_size(STN_SHORT) == 2 && strcmp(stn_dtype_name(STN_SHORT), "Short") == 0);
  stn_tensor c, s;
  memset(&c, 0, sizeof c);
  memset(&s, 0, sizeof s);
  c.dtype = STN_CHAR;
  s.dtype = STN_SHORT;
  OK(stn_tensor_resize(ctx, &c, 2, sizes));
  OK(stn_tensor_resize(ctx, &s, 2, sizes));
  if (c.mem && s.mem) {
    OK(stn_copy(ctx, &c, &b)); /* Byte 254 -> Char -2 */
    CHECK(c.mem->i8[0] == 1 && c.mem->i8[1] == -2 && c.mem->i8[2] == 3 && c.mem->i8[3] == 0);
    OK(stn_copy(ctx, &s, &d)); /* 1e10 = 0x2540BE400: low 16 bits 0xE400 = -7168 */
    CHECK(s.mem->i16[0] == 1 && s.mem->i16[1] == -2 && s.mem->i16[2] == 3 && s.mem->i16[3] == -7168);
  }
  stn_tensor_release(&c);
  stn_tensor_release(&s);
  /* Half and BFloat16 (codes 7 and 8): raw 16-bit patterns, rounded to nearest even once */
  CHECK(STN_HALF == 7 && STN_BFLOAT16 == 8 && stn_dtype_size(STN_HALF) == 2 && stn_dtype_size(STN_BFLOAT16) == 2 &&
        strcmp(stn_dtype_name(STN_BFLOAT16), "BFloat16") == 0);
  CHECK(stn_half_bits(STN_HALF, 1.0) == 0x3c00 && stn_half_bits(STN_HALF, 65520.0) == 0x7c00 &&
        stn_half_bits(STN_HALF, 1.0 + 0x1p-11 + 0x1p-40) == 0x3c01 && stn_half_bits(STN_BFLOAT16, -2.0) == 0xc000 &&
        stn_half_value(STN_HALF, 0x0001) == 0x1p-24f && stn_half_value(STN_BFLOAT16, 0x3fc0) == 1.5f);
  stn_tensor h;
  memset(&h, 0, sizeof h);
  h.dtype = STN_HALF;
  OK(stn_tensor_resize(ctx, &h, 2, sizes));
  if (h.mem) {
    OK(stn_copy(ctx, &h, &b)); /* Byte 1, 254, 3, 0 */
    CHECK(h.mem->u16[0] == 0x3c00 && h.mem->u16[1] == 0x5bf0 && h.mem->u16[2] == 0x4200 && h.mem->u16[3] == 0);
    CHECK(stn_unary(ctx, &h, &h, STN_ADD_SCALAR, 1, 0) == STN_ERR_ARG && strstr(stn_last_error(), "Half tensors"));
    OK(stn_unary(ctx, &h, NULL, STN_FILL, -2.0, 0));
    CHECK(h.mem->u16[0] == 0xc000 && h.mem->u16[3] == 0xc000);
  }
  stn_tensor_release(&h);
  d.mem->f64[1] = NAN;
  CHECK(stn_copy(ctx, &b, &d) == STN_ERR_ARG && strstr(stn_last_error(), "no Byte value"));
  stn_tensor liar = d; /* says float, holds doubles */
  liar.dtype = STN_FLOAT;
  stn_tensor out;
  memset(&out, 0, sizeof out);
  CHECK(stn_unary(ctx, &out, &liar, STN_ABS, 0, 0) == STN_ERR_ARG && strstr(stn_last_error(), "storage holds Double"));
  stn_tensor_release(&d);
  stn_tensor_release(&l);
  stn_tensor_release(&b);
  stn_tensor_release(&out);
}

/* The indexing and sorting ops: Long index tensors of 1-based positions, a Byte mask,
 * a position out of range refused by name. */
static void test_indexing(stn_ctx *ctx) {
  const int64_t sizes[2] = {2, 3}, two = 2;
  const float xv[6] = {3, 1, 2, 9, 7, 8};
  stn_tensor x = tensor_of(ctx, 2, sizes, xv), idx, mask, out, vals, inds;
  memset(&idx, 0, sizeof idx);
  memset(&mask, 0, sizeof mask);
  memset(&out, 0, sizeof out);
  memset(&vals, 0, sizeof vals);
  memset(&inds, 0, sizeof inds);
  idx.dtype = inds.dtype = STN_LONG;
  mask.dtype = STN_BYTE;
  OK(stn_tensor_resize(ctx, &idx, 1, &two));
  OK(stn_tensor_resize(ctx, &mask, 2, sizes));
  if (!idx.mem || !mask.mem || !x.mem) return;
  idx.mem->i64[0] = 3, idx.mem->i64[1] = 1;
  OK(stn_index_select(ctx, &out, &x, 1, &idx)); /* columns 3 and 1 */
  const float sel[4] = {2, 3, 8, 9};
  CHECK(near_all(&out, sel, 4, 0));
  OK(stn_sort(ctx, &vals, &inds, &x, 1, 1));
  const float sorted[6] = {3, 2, 1, 9, 8, 7};
  CHECK(near_all(&vals, sorted, 6, 0) && inds.mem->i64[0] == 1 && inds.mem->i64[1] == 3 && inds.mem->i64[5] == 2);
  const uint8_t mv[6] = {1, 0, 0, 0, 1, 1};
  memcpy(mask.mem->u8, mv, sizeof mv);
  OK(stn_masked_select(ctx, &out, &x, &mask));
  const float picked[3] = {3, 7, 8};
  CHECK(near_all(&out, picked, 3, 0));
  idx.mem->i64[1] = 4;
  CHECK(stn_index_fill(ctx, &x, 1, &idx, 0) == STN_ERR_ARG &&
        strstr(stn_last_error(), "index 4 (entry 2) out of range for dimension 2 of size 3"));
  CHECK(stn_index_select(ctx, &out, &x, 0, &x) == STN_ERR_ARG && strstr(stn_last_error(), "index is a Float tensor"));
  stn_tensor_release(&x);
  stn_tensor_release(&idx);
  stn_tensor_release(&mask);
  stn_tensor_release(&out);
  stn_tensor_release(&vals);
  stn_tensor_release(&inds);
}

static void test_pointwise(stn_ctx *ctx) {
  const int64_t n[1] = {4};
  const float av[4] = {1, -2, 3, -4}, bv[4] = {0.5f, 2, -1, 4};
  stn_tensor a = tensor_of(ctx, 1, n, av), b = tensor_of(ctx, 1, n, bv), out;
  memset(&out, 0, sizeof out);
  OK(stn_unary(ctx, &out, &a, STN_ABS, 0, 0));
  const float abs_v[4] = {1, 2, 3, 4};
  CHECK(near_all(&out, abs_v, 4, 0));
  OK(stn_unary(ctx, &out, &a, STN_CLAMP, -1, 2));
  const float clamp_v[4] = {1, -1, 2, -1};
  CHECK(near_all(&out, clamp_v, 4, 0));
  OK(stn_binary(ctx, &out, &a, &b, STN_ADD, 2)); /* a + 2 b */
  const float add_v[4] = {2, 2, 1, 4};
  CHECK(near_all(&out, add_v, 4, 0));
  OK(stn_binary(ctx, &out, &a, &b, STN_CMUL, 0));
  const float mul_v[4] = {0.5f, -4, -3, -16};
  CHECK(near_all(&out, mul_v, 4, 0));
  OK(stn_ternary(ctx, &out, &a, &b, &b, STN_ADDCMUL, 0.5f)); /* a + 0.5 b b */
  const float addcmul_v[4] = {1.125f, 0, 3.5f, 4};
  CHECK(near_all(&out, addcmul_v, 4, 0));
  stn_tensor_release(&a);
  stn_tensor_release(&b);
  stn_tensor_release(&out);
}

static void test_reductions(stn_ctx *ctx) {
  const int64_t sizes[2] = {2, 3};
  const float v[6] = {1, 5, -2, 4, 0, 7};
  stn_tensor a = tensor_of(ctx, 2, sizes, v), out, idx;
  memset(&out, 0, sizeof out);
  memset(&idx, 0, sizeof idx);
  idx.dtype = STN_LONG; /* max and min indices are Long, as in Torch7 */
  double r = 0;
  OK(stn_reduce_all(ctx, &a, STN_SUM, 0, &r));
  CHECK(r == 15);
  OK(stn_reduce_all(ctx, &a, STN_MAX, 0, &r));
  CHECK(r == 7);
  OK(stn_reduce_all(ctx, &a, STN_VAR, 1, &r)); /* mean 2.5; squares 2.25 6.25 20.25 2.25 6.25 20.25 */
  CHECK(fabs(r - 57.5 / 6) < 1e-9);
  OK(stn_reduce_dim(ctx, &out, &idx, &a, 1, STN_MAX, 0)); /* along each row */
  const float row_max[2] = {5, 7};
  CHECK(out.ndim == 2 && out.shape[0] == 2 && out.shape[1] == 1);
  CHECK(near_all(&out, row_max, 2, 0));
  CHECK(idx.dtype == STN_LONG && stn_tensor_is_contiguous(&idx)); /* 1-based Long indices, as Torch7's */
  CHECK(idx.mem->i64[idx.offset] == 2 && idx.mem->i64[idx.offset + 1] == 3);
  OK(stn_reduce_dim(ctx, &out, NULL, &a, 0, STN_SUM, 0)); /* down each column */
  const float col_sum[3] = {5, 5, 5};
  CHECK(near_all(&out, col_sum, 3, 0));
  stn_tensor_release(&a);
  stn_tensor_release(&out);
  stn_tensor_release(&idx);
}

/* Running sums and products along each dim of a 2 x 3 tensor, in place too; a bad dim
 * fails naming stn_scan. */
static void test_scan(stn_ctx *ctx) {
  const int64_t sa[2] = {2, 3};
  const float av[6] = {1, 2, 3, 4, 5, 6};
  stn_tensor a = tensor_of(ctx, 2, sa, av), out;
  memset(&out, 0, sizeof out);
  OK(stn_scan(ctx, &out, &a, 0, STN_CUMSUM));
  const float down[6] = {1, 2, 3, 5, 7, 9};
  CHECK(out.ndim == 2 && out.shape[0] == 2 && out.shape[1] == 3);
  CHECK(near_all(&out, down, 6, 0));
  OK(stn_scan(ctx, &out, &a, 1, STN_CUMPROD));
  const float across[6] = {1, 2, 6, 4, 20, 120};
  CHECK(near_all(&out, across, 6, 0));
  OK(stn_scan(ctx, &a, &a, 1, STN_CUMSUM));
  const float in_place[6] = {1, 3, 6, 4, 9, 15};
  CHECK(near_all(&a, in_place, 6, 0));
  CHECK(stn_scan(ctx, &out, &a, 2, STN_CUMSUM) == STN_ERR_ARG);
  CHECK(strstr(stn_last_error(), "stn_scan: dimension 3 out of range") != NULL);
  CHECK(stn_scan(ctx, &out, &a, 0, 7) == STN_ERR_ARG);
  stn_tensor_release(&a);
  stn_tensor_release(&out);
}

/* out = 0.5 m + 2 a b, a 2 x 3, b 3 x 2, against the product by hand. */
static void test_addmm(stn_ctx *ctx) {
  const int64_t sa[2] = {2, 3}, sb[2] = {3, 2}, sm[2] = {2, 2};
  const float av[6] = {1, 2, 3, 4, 5, 6}, bv[6] = {7, 8, 9, 10, 11, 12}, mv[4] = {2, 4, 6, 8};
  stn_tensor a = tensor_of(ctx, 2, sa, av), b = tensor_of(ctx, 2, sb, bv), m = tensor_of(ctx, 2, sm, mv), out;
  memset(&out, 0, sizeof out);
  OK(stn_addmm(ctx, &out, 0.5f, &m, 2, &a, &b));
  /* a b = [58 64; 139 154] */
  const float expected[4] = {1 + 116, 2 + 128, 3 + 278, 4 + 308};
  CHECK(out.ndim == 2 && out.shape[0] == 2 && out.shape[1] == 2);
  CHECK(near_all(&out, expected, 4, 1e-4f));
  stn_tensor_release(&a);
  stn_tensor_release(&b);
  stn_tensor_release(&m);
  stn_tensor_release(&out);
}

static void test_random(stn_ctx *ctx) {
  const int64_t n[1] = {1000};
  stn_tensor x = tensor_of(ctx, 1, n, NULL), y = tensor_of(ctx, 1, n, NULL);
  stn_manual_seed(ctx, 77);
  OK(stn_uniform(ctx, &x, -2, 3));
  stn_manual_seed(ctx, 77);
  OK(stn_uniform(ctx, &y, -2, 3));
  CHECK(memcmp(data_of(&x), data_of(&y), 1000 * sizeof(float)) == 0);
  int inside = 1;
  for (int i = 0; i < 1000; i++) inside &= data_of(&x)[i] >= -2 && data_of(&x)[i] <= 3;
  CHECK(inside);
  stn_manual_seed(ctx, 78);
  OK(stn_uniform(ctx, &y, -2, 3));
  CHECK(memcmp(data_of(&x), data_of(&y), 1000 * sizeof(float)) != 0);
  stn_manual_seed(ctx, 5);
  OK(stn_bernoulli(ctx, &x, 0.3f));
  int binary = 1;
  double ones = 0;
  for (int i = 0; i < 1000; i++) binary &= data_of(&x)[i] == 0 || data_of(&x)[i] == 1, ones += data_of(&x)[i];
  CHECK(binary && ones > 200 && ones < 400);
  /* a tensor of equal probabilities draws what the number form draws */
  OK(stn_unary(ctx, &y, &x, STN_FILL, 0.3f, 0));
  stn_manual_seed(ctx, 5);
  OK(stn_bernoulli_tensor(ctx, &y, &y));
  CHECK(memcmp(data_of(&x), data_of(&y), 1000 * sizeof(float)) == 0);
  OK(stn_random_int(ctx, &x, -3, 4));
  int integers = 1;
  for (int i = 0; i < 1000; i++) {
    float v = data_of(&x)[i];
    integers &= v >= -3 && v <= 4 && v == (float)(int)v;
  }
  CHECK(integers);
  CHECK(stn_random_int(ctx, &x, 0, ((int64_t)1 << 24) + 1) == STN_ERR_ARG);
  CHECK(strstr(stn_last_error(), "stn_random_int") != NULL);
  /* geometric: floor(log(u + 2^-24) / log(p)) + 1 on the uniform fill's numbers */
  stn_manual_seed(ctx, 9);
  OK(stn_uniform(ctx, &y, 0, 1));
  stn_manual_seed(ctx, 9);
  OK(stn_geometric(ctx, &x, 0.25f));
  int geometric = 1;
  for (int i = 0; i < 1000; i++) {
    double w = (double)data_of(&y)[i] + 1.0 / 16777216.0;
    geometric &= data_of(&x)[i] == (float)(floor(log(w) / log(0.25)) + 1) && data_of(&x)[i] >= 1;
  }
  CHECK(geometric);
  CHECK(stn_geometric(ctx, &x, 1.0f) == STN_ERR_ARG);
  CHECK(strstr(stn_last_error(), "stn_geometric") != NULL);
  stn_tensor_release(&x);
  stn_tensor_release(&y);
}

/* A bad argument: a status, and a message naming the function. */
static void test_errors(stn_ctx *ctx) {
  const int64_t n3[1] = {3}, n4[1] = {4};
  stn_tensor a = tensor_of(ctx, 1, n3, NULL), b = tensor_of(ctx, 1, n4, NULL), out;
  memset(&out, 0, sizeof out);
  stn_status st = stn_binary(ctx, &out, &a, &b, STN_ADD, 1);
  CHECK(st == STN_ERR_ARG);
  CHECK(strstr(stn_last_error(), "stn_binary") != NULL);
  const int64_t huge[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  CHECK(stn_tensor_resize(ctx, &out, STN_MAX_DIM + 1, huge) != STN_OK);
  CHECK(strstr(stn_last_error(), "stn_tensor_resize") != NULL);
  stn_tensor_release(&a);
  stn_tensor_release(&b);
  stn_tensor_release(&out);
}

static void test_crc32(void) {
  uint32_t crc = 0;
  OK(stn_crc32("123456789", 9, &crc));
  CHECK(crc == 0xCBF43926u); /* the standard check value of CRC-32 */
  uint32_t parts = 0;
  OK(stn_crc32("1234", 4, &parts));
  OK(stn_crc32("56789", 5, &parts));
  CHECK(parts == crc);
}

/* nn: output = input W^T + bias. */
static void test_linear(stn_ctx *ctx) {
  const int64_t si[2] = {2, 3}, sw[2] = {2, 3}, sb[1] = {2};
  const float iv[6] = {1, 2, 3, -1, 0, 2}, wv[6] = {1, 0, -1, 2, 1, 0}, bv[2] = {0.5f, -1};
  stn_tensor in = tensor_of(ctx, 2, si, iv), w = tensor_of(ctx, 2, sw, wv), b = tensor_of(ctx, 1, sb, bv), out;
  memset(&out, 0, sizeof out);
  OK(stn_linear_forward(ctx, &in, &out, &w, &b));
  const float expected[4] = {1 - 3 + 0.5f, 2 + 2 - 1, -1 - 2 + 0.5f, -2 + 0 - 1};
  CHECK(out.ndim == 2 && out.shape[0] == 2 && out.shape[1] == 2);
  CHECK(near_all(&out, expected, 4, 1e-6f));
  stn_tensor_release(&in);
  stn_tensor_release(&w);
  stn_tensor_release(&b);
  stn_tensor_release(&out);
}

/* spatial: the identity transform's grid (x first) over 2 x 3 pixels, corners aligned:
 * x in {-1, 0, 1}, y in {-1, 1}; then a translation by (0.5, -0.25). */
static void test_affine_grid(stn_ctx *ctx) {
  const int64_t st[3] = {1, 2, 3};
  const float identity[6] = {1, 0, 0, 0, 1, 0};
  stn_tensor theta = tensor_of(ctx, 3, st, identity), grid;
  memset(&grid, 0, sizeof grid);
  OK(stn_affine_grid_forward(ctx, &theta, &grid, 2, 3, STN_GRID_XY, 1));
  const float expected[12] = {-1, -1, 0, -1, 1, -1, -1, 1, 0, 1, 1, 1};
  CHECK(grid.ndim == 4 && grid.shape[0] == 1 && grid.shape[1] == 2 && grid.shape[2] == 3 && grid.shape[3] == 2);
  CHECK(near_all(&grid, expected, 12, 1e-6f));
  data_of(&theta)[2] = 0.5f, data_of(&theta)[5] = -0.25f;
  OK(stn_affine_grid_forward(ctx, &theta, &grid, 2, 3, STN_GRID_XY, 1));
  float moved[12];
  for (int i = 0; i < 12; i++) moved[i] = expected[i] + (i % 2 == 0 ? 0.5f : -0.25f);
  CHECK(near_all(&grid, moved, 12, 1e-6f));
  stn_tensor_release(&theta);
  stn_tensor_release(&grid);
}

/* spatial: the projective grid of the identity is the affine identity grid; with the
 * third row (1, 0, 0) (w = x) the middle column of a 3-wide grid is at infinity (NaN) and
 * its gradient is 0. */
static void test_projective_grid(stn_ctx *ctx) {
  const int64_t st[3] = {1, 3, 3};
  const float identity[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  stn_tensor m = tensor_of(ctx, 3, st, identity), grid, grad;
  memset(&grid, 0, sizeof grid);
  memset(&grad, 0, sizeof grad);
  OK(stn_projective_grid_forward(ctx, &m, &grid, 2, 3, 1));
  const float expected[12] = {-1, -1, 0, -1, 1, -1, -1, 1, 0, 1, 1, 1};
  CHECK(grid.ndim == 4 && grid.shape[0] == 1 && grid.shape[1] == 2 && grid.shape[2] == 3 && grid.shape[3] == 2);
  CHECK(near_all(&grid, expected, 12, 1e-6f));
  data_of(&m)[6] = 1, data_of(&m)[8] = 0;
  OK(stn_projective_grid_forward(ctx, &m, &grid, 2, 3, 1));
  const float *g = data_of(&grid);
  CHECK(isnan(g[2]) && isnan(g[3]) && isnan(g[8]) && isnan(g[9]) && g[0] == 1 && g[1] == 1);
  float *gg = data_of(&grid);
  for (int i = 0; i < 12; i++) gg[i] = (i == 2 || i == 3 || i == 8 || i == 9) ? 1.0f : 0.0f;
  OK(stn_projective_grid_backward(ctx, &m, &grid, &grad, 1));
  const float zeros[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  CHECK(grad.ndim == 3 && grad.shape[1] == 3 && near_all(&grad, zeros, 9, 0));
  stn_tensor_release(&m);
  stn_tensor_release(&grid);
  stn_tensor_release(&grad);
}

/* volumes: the identity's 3-D grid over 2 x 2 x 3 voxels, corners aligned, holds (x, y, z)
 * with x fastest; trilinear and nearest sampling at it give the images back; bicubic is refused. */
static void test_volumetric(stn_ctx *ctx) {
  const int64_t st[3] = {1, 3, 4}, si[5] = {1, 1, 2, 2, 3};
  const float identity[12] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0};
  const float iv[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  stn_tensor theta = tensor_of(ctx, 3, st, identity), images = tensor_of(ctx, 5, si, iv), grid, out;
  memset(&grid, 0, sizeof grid);
  memset(&out, 0, sizeof out);
  OK(stn_affine_grid3d_forward(ctx, &theta, &grid, 2, 2, 3, 1));
  CHECK(grid.ndim == 5 && grid.shape[1] == 2 && grid.shape[2] == 2 && grid.shape[3] == 3 && grid.shape[4] == 3);
  const float first[6] = {-1, -1, -1, 0, -1, -1}; /* voxels (0, 0, 0) and (0, 0, 1) */
  int same = 1;
  for (int i = 0; i < 6; i++) same = same && fabsf(data_of(&grid)[i] - first[i]) <= 1e-6f;
  CHECK(same);
  for (int mode = STN_SAMPLER_BILINEAR; mode <= STN_SAMPLER_NEAREST; mode++) {
    stn_sampler_desc d = {STN_SAMPLER_BCHW, STN_GRID_XY, 1, STN_PADDING_ZEROS, mode, 0};
    OK(stn_sampler3d_forward(ctx, &d, &images, &grid, &out));
    CHECK(out.ndim == 5 && near_all(&out, iv, 12, 1e-6f));
  }
  stn_sampler_desc bicubic = {STN_SAMPLER_BCHW, STN_GRID_XY, 1, STN_PADDING_ZEROS, STN_SAMPLER_BICUBIC, 0};
  CHECK(stn_sampler3d_forward(ctx, &bicubic, &images, &grid, &out) == STN_ERR_ARG);
  stn_tensor_release(&theta);
  stn_tensor_release(&images);
  stn_tensor_release(&grid);
  stn_tensor_release(&out);
}

int main(void) {
  stn_ctx *ctx = NULL;
  if (stn_ctx_create(&ctx) != STN_OK) {
    fprintf(stderr, "c_api: stn_ctx_create: %s\n", stn_last_error());
    printf("c_api: 0 passed, 1 failed\n");
    return 1;
  }
  test_context(ctx);
  test_gpu_settings(ctx);
  test_storage_and_copy(ctx);
  test_types(ctx);
  test_indexing(ctx);
  test_pointwise(ctx);
  test_reductions(ctx);
  test_scan(ctx);
  test_addmm(ctx);
  test_random(ctx);
  test_errors(ctx);
  test_crc32();
  test_linear(ctx);
  test_affine_grid(ctx);
  test_projective_grid(ctx);
  test_volumetric(ctx);
  stn_ctx_destroy(ctx);
  printf("c_api: %d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
