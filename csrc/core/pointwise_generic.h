/* pointwise_generic.h: the element-wise kernels written once over scalar_t (see dtype.h),
 * instantiated for every element type by pointwise.c. The float tensor with a float
 * result keeps pointwise.c's own float loops (vectorized, float arithmetic as before);
 * these instances serve Double and the integer types, and the comparisons of any type
 * into a Byte result. Arithmetic follows Torch7's THTensorMath.c for each type: double
 * libm for Double; for the integer types C's integer arithmetic (division and % truncate
 * toward zero), wrapping on overflow as Torch7's does (computed unsigned here, so the
 * wrap is defined), and a division by zero reported through the returned flag (Torch7
 * would stop on a SIGFPE). The pointer cases (p, q) arrive already in scalar_t. */

#if STN_IS_FLOATING
/* Torch7's double remainder: NaN for a zero divisor, else x - d * floor(x / d). */
static inline scalar_t STN_T(pw_remainder)(scalar_t x, scalar_t d) {
  return d == 0 ? (scalar_t)NAN : (scalar_t)(x - d * floor(x / d));
}
#else
/* Wrapping +, -, * (the unsigned 64-bit result cut to the type, as Torch7's on two's
 * complement); division and remainder with a -1 divisor done as a wrapping negation
 * (INT_MIN / -1 would trap). The caller has ruled out a zero divisor. */
#define STN_PW_WRAP(expr) ((scalar_t)(expr))
#if STN_DTYPE == 4 /* unsigned: never negative, never -1 */
#define STN_PW_NEG(x) 0
#else
#define STN_PW_NEG(x) ((x) < 0)
#endif
#define STN_PW_MINUS_ONE(y) (STN_PW_NEG(y) && (y) == (scalar_t)-1)
static inline scalar_t STN_T(pw_add)(scalar_t x, scalar_t y) { return STN_PW_WRAP((uint64_t)x + (uint64_t)y); }
static inline scalar_t STN_T(pw_mul)(scalar_t x, scalar_t y) { return STN_PW_WRAP((uint64_t)x * (uint64_t)y); }
static inline scalar_t STN_T(pw_neg)(scalar_t x) { return STN_PW_WRAP((uint64_t)0 - (uint64_t)x); }
static inline scalar_t STN_T(pw_div)(scalar_t x, scalar_t y) { return STN_PW_MINUS_ONE(y) ? STN_T(pw_neg)(x) : (scalar_t)(x / y); }
static inline scalar_t STN_T(pw_mod)(scalar_t x, scalar_t y) { return STN_PW_MINUS_ONE(y) ? 0 : (scalar_t)(x % y); }
/* Torch7's integer remainder: C's %, moved to the divisor's sign. */
static inline scalar_t STN_T(pw_remainder)(scalar_t x, scalar_t y) {
  scalar_t r = STN_T(pw_mod)(x, y);
  if (r != 0 && STN_PW_NEG(r) != STN_PW_NEG(y)) r = STN_T(pw_add)(r, y);
  return r;
}
/* Torch7's integer cpow: pow in double, cut to the type; a power outside the type's
 * range sets *bad rather than converting out of range (undefined in C). */
static inline scalar_t STN_T(pw_pow)(scalar_t x, scalar_t y, int *bad) {
#if STN_DTYPE == 2
  const double lo = -9223372036854775808.0, hi = 9223372036854775808.0;
#elif STN_DTYPE == 3
  const double lo = -2147483648.0, hi = 2147483648.0;
#elif STN_DTYPE == 5
  const double lo = -128, hi = 128;
#elif STN_DTYPE == 6
  const double lo = -32768, hi = 32768;
#else
  const double lo = 0, hi = 256;
#endif
  double r = pow((double)x, (double)y);
  if (!(r >= lo && r < hi)) { *bad = 1; return 0; }
  return (scalar_t)r;
}
#endif

/* The rows of out and a (out of a's type). Returns 1 when an integer op met a zero
 * divisor (or a power out of range). */
static inline int STN_T(pw_unary)(const stn_rows *pl, stn_tensor *out, const stn_tensor *a, int op, scalar_t p, scalar_t q) {
  scalar_t *od = (scalar_t *)stn_ptr(out);
  const scalar_t *ad = (const scalar_t *)stn_ptr(a);
  int bad = 0;
#pragma omp parallel for schedule(static) reduction(| : bad) if (pl->numel >= STN_OMP_MIN)
  for (int64_t r = 0; r < pl->rows; r++) {
    int64_t len, so, sa;
    scalar_t *o = od + stn_rows_at(pl, out, r, &len, &so);
    const scalar_t *x = ad + stn_rows_at(pl, a, r, &len, &sa);
    for (int64_t j = 0; j < len; j++) {
      scalar_t X = op == STN_FILL ? 0 : x[j * sa], v;
      switch (op) {
      case STN_FILL: v = p; break;
#if STN_IS_FLOATING
      case STN_ADD_SCALAR: v = X + p; break;
      case STN_MUL_SCALAR: v = X * p; break;
      case STN_DIV_SCALAR: v = X / p; break;
      case STN_ABS: v = fabs(X); break;
      case STN_SQRT: v = sqrt(X); break;
      case STN_EXP: v = exp(X); break;
      case STN_LOG: v = log(X); break;
      case STN_NEG: v = -X; break;
      case STN_SIGN: v = (scalar_t)((X > 0) - (X < 0)); break;
      case STN_TANH: v = tanh(X); break;
      case STN_SIGMOID: v = 1 / (1 + exp(-X)); break;
      case STN_FLOOR: v = floor(X); break;
      case STN_CEIL: v = ceil(X); break;
      case STN_ROUND: v = round(X); break;
      case STN_POW_SCALAR: v = pow(X, p); break;
      case STN_RPOW_SCALAR: v = pow(p, X); break;
      case STN_SIN: v = sin(X); break;
      case STN_COS: v = cos(X); break;
      case STN_TAN: v = tan(X); break;
      case STN_ASIN: v = asin(X); break;
      case STN_ACOS: v = acos(X); break;
      case STN_ATAN: v = atan(X); break;
      case STN_SINH: v = sinh(X); break;
      case STN_COSH: v = cosh(X); break;
      case STN_FMOD_SCALAR: v = fmod(X, p); break;
      case STN_REMAINDER_SCALAR: v = STN_T(pw_remainder)(X, p); break;
      case STN_TRUNC: v = trunc(X); break;
      case STN_FRAC: v = X - trunc(X); break;
      case STN_LOG1P: v = log1p(X); break;
      case STN_RSQRT: v = 1 / sqrt(X); break;
      case STN_CINV: v = 1 / X; break;
#else
      case STN_ADD_SCALAR: v = STN_T(pw_add)(X, p); break;
      case STN_MUL_SCALAR: v = STN_T(pw_mul)(X, p); break;
      case STN_DIV_SCALAR: v = STN_T(pw_div)(X, p); break;
      case STN_ABS: v = STN_PW_NEG(X) ? STN_T(pw_neg)(X) : X; break;
      case STN_NEG: v = STN_T(pw_neg)(X); break;
      case STN_SIGN: v = (scalar_t)((X > 0) - STN_PW_NEG(X)); break;
      case STN_FMOD_SCALAR: v = STN_T(pw_mod)(X, p); break;
      case STN_REMAINDER_SCALAR: v = STN_T(pw_remainder)(X, p); break;
#endif
      case STN_CLAMP: v = X < p ? p : (X > q ? q : X); break;
      default: v = 0; bad = 1; break; /* refused by the entry point before this */
      }
      o[j * so] = v;
    }
  }
  return bad;
}

static inline int STN_T(pw_binary)(const stn_rows *pl, stn_tensor *out, const stn_tensor *a, const stn_tensor *b, int op, scalar_t p) {
  scalar_t *od = (scalar_t *)stn_ptr(out);
  const scalar_t *ad = (const scalar_t *)stn_ptr(a), *bd = (const scalar_t *)stn_ptr(b);
  int bad = 0;
#pragma omp parallel for schedule(static) reduction(| : bad) if (pl->numel >= STN_OMP_MIN)
  for (int64_t r = 0; r < pl->rows; r++) {
    int64_t len, so, sa, sb;
    scalar_t *o = od + stn_rows_at(pl, out, r, &len, &so);
    const scalar_t *x = ad + stn_rows_at(pl, a, r, &len, &sa);
    const scalar_t *y = bd + stn_rows_at(pl, b, r, &len, &sb);
    for (int64_t j = 0; j < len; j++) {
      scalar_t X = x[j * sa], Y = y[j * sb], v;
      switch (op) {
#if STN_IS_FLOATING
      case STN_ADD: v = X + p * Y; break;
      case STN_CMUL: v = X * Y; break;
      case STN_CDIV: v = X / Y; break;
      case STN_CPOW: v = pow(X, Y); break;
      case STN_ATAN2: v = atan2(X, Y); break;
      case STN_CFMOD: v = fmod(X, Y); break;
      case STN_CREMAINDER: v = STN_T(pw_remainder)(X, Y); break;
      case STN_LERP: v = X + p * (Y - X); break;
#else
      case STN_ADD: v = STN_T(pw_add)(X, STN_T(pw_mul)(p, Y)); break;
      case STN_CMUL: v = STN_T(pw_mul)(X, Y); break;
      case STN_CPOW: v = STN_T(pw_pow)(X, Y, &bad); break;
      case STN_CDIV:
      case STN_CFMOD:
      case STN_CREMAINDER:
        if (Y == 0) { bad = 1; v = 0; break; }
        v = op == STN_CDIV ? STN_T(pw_div)(X, Y) : op == STN_CFMOD ? STN_T(pw_mod)(X, Y) : STN_T(pw_remainder)(X, Y);
        break;
#endif
      case STN_CMAX: v = X > Y ? X : Y; break;
      case STN_CMIN: v = X < Y ? X : Y; break;
      default: v = 0; bad = 1; break; /* refused by the entry point before this */
      }
      o[j * so] = v;
    }
  }
  return bad;
}

static inline int STN_T(pw_ternary)(const stn_rows *pl, stn_tensor *out, const stn_tensor *a, const stn_tensor *b,
                                    const stn_tensor *c, int op, scalar_t p) {
  scalar_t *od = (scalar_t *)stn_ptr(out);
  const scalar_t *ad = (const scalar_t *)stn_ptr(a), *bd = (const scalar_t *)stn_ptr(b), *cd = (const scalar_t *)stn_ptr(c);
  int bad = 0;
#pragma omp parallel for schedule(static) reduction(| : bad) if (pl->numel >= STN_OMP_MIN)
  for (int64_t r = 0; r < pl->rows; r++) {
    int64_t len, so, sa, sb, sc;
    scalar_t *o = od + stn_rows_at(pl, out, r, &len, &so);
    const scalar_t *x = ad + stn_rows_at(pl, a, r, &len, &sa);
    const scalar_t *y = bd + stn_rows_at(pl, b, r, &len, &sb);
    const scalar_t *z = cd + stn_rows_at(pl, c, r, &len, &sc);
    for (int64_t j = 0; j < len; j++) {
      scalar_t X = x[j * sa], Y = y[j * sb], Z = z[j * sc];
#if STN_IS_FLOATING
      o[j * so] = op == STN_ADDCMUL ? X + p * Y * Z : X + p * Y / Z;
#else
      /* Torch7's order: x + (p * y) * z, x + (p * y) / z */
      if (op == STN_ADDCMUL) o[j * so] = STN_T(pw_add)(X, STN_T(pw_mul)(STN_T(pw_mul)(p, Y), Z));
      else if (Z == 0) { bad = 1; o[j * so] = 0; }
      else o[j * so] = STN_T(pw_add)(X, STN_T(pw_div)(STN_T(pw_mul)(p, Y), Z));
#endif
    }
  }
  return bad;
}

/* out <- a (op) b or a (op) p (b NULL) as 1 or 0, out Byte or of a's type. */
static inline void STN_T(pw_compare)(const stn_rows *pl, stn_tensor *out, const stn_tensor *a, const stn_tensor *b,
                                     int op, scalar_t p) {
  char *od = (char *)stn_ptr(out);
  const scalar_t *ad = (const scalar_t *)stn_ptr(a), *bd = b ? (const scalar_t *)stn_ptr(b) : 0;
  int byte_out = out->dtype == STN_BYTE;
  size_t osize = (size_t)stn_dtype_size(out->dtype);
#pragma omp parallel for schedule(static) if (pl->numel >= STN_OMP_MIN)
  for (int64_t r = 0; r < pl->rows; r++) {
    int64_t len, so, sa, sb = 0;
    char *o = od + osize * stn_rows_at(pl, out, r, &len, &so);
    const scalar_t *x = ad + stn_rows_at(pl, a, r, &len, &sa);
    const scalar_t *y = b ? bd + stn_rows_at(pl, b, r, &len, &sb) : 0;
    for (int64_t j = 0; j < len; j++) {
      scalar_t X = x[j * sa], Y = y ? y[j * sb] : p;
      int v;
      switch (op) {
      case STN_EQ: v = X == Y; break;
      case STN_NE: v = X != Y; break;
      case STN_GT: v = X > Y; break;
      case STN_LT: v = X < Y; break;
      case STN_GE: v = X >= Y; break;
      default: v = X <= Y; break; /* STN_LE */
      }
      if (byte_out) ((uint8_t *)o)[j * so] = (uint8_t)v;
      else ((scalar_t *)o)[j * so] = (scalar_t)v;
    }
  }
}

#ifdef STN_PW_WRAP
#undef STN_PW_WRAP
#undef STN_PW_NEG
#undef STN_PW_MINUS_ONE
#endif
