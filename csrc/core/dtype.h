/* dtype.h: writing a kernel once for every element type.
 *
 * A kernel that works on several types lives in a "<op>_generic.h" file (no include
 * guard) written against scalar_t, accreal (the type sums run in: double for the
 * floating types, int64_t for the integer ones) and STN_T(name) (name with the type's
 * suffix appended: name_float, name_double, name_long, name_int, name_byte,
 * name_char, name_short). The op's .c
 * file instantiates it once per type it supports:
 *
 *     #define STN_GENERIC_FILE "core/pointwise_generic.h"
 *     #include "core/generic_floating.h"      (float and double)   or
 *     #include "core/generic_all.h"           (all seven types)
 *
 * and its entry point picks the instance with STN_DISPATCH_FLOATING / STN_DISPATCH_ALL.
 * Inside a generic file, STN_IS_FLOATING is 1 for float and double, and STN_DTYPE is the
 * type's stn_dtype; a float-only fast path (SIMD) is chosen with `#if STN_DTYPE == 0`. */
#ifndef STN_CORE_DTYPE_H
#define STN_CORE_DTYPE_H

#include "stn.h"
#include "error.h"

/* X(code, C type, suffix) for each element type. */
#define STN_FOR_EACH_DTYPE(X)                                                                  \
  X(STN_FLOAT, float, float) X(STN_DOUBLE, double, double) X(STN_LONG, int64_t, long)          \
  X(STN_INT, int32_t, int) X(STN_BYTE, uint8_t, byte) X(STN_CHAR, int8_t, char)                \
  X(STN_SHORT, int16_t, short)

/* The values an integer type holds, [*lo, *hi) as doubles (exact: powers of two);
 * false for a floating type. */
static inline int stn_integer_range(int dtype, double *lo, double *hi) {
  switch (dtype) {
  case STN_LONG: *lo = -9223372036854775808.0, *hi = 9223372036854775808.0; return 1;
  case STN_INT: *lo = -2147483648.0, *hi = 2147483648.0; return 1;
  case STN_BYTE: *lo = 0, *hi = 256; return 1;
  case STN_CHAR: *lo = -128, *hi = 128; return 1;
  case STN_SHORT: *lo = -32768, *hi = 32768; return 1;
  default: *lo = *hi = 0; return 0;
  }
}

/* i wrapped modulo 2^bits into an integer type's range (through the unsigned type of its
 * width, as two's complement does). */
static inline int64_t stn_integer_wrap(int dtype, int64_t i) {
  switch (dtype) {
  case STN_INT: return (int32_t)(uint32_t)i;
  case STN_BYTE: return (uint8_t)i;
  case STN_CHAR: return (int8_t)(uint8_t)i;
  case STN_SHORT: return (int16_t)(uint16_t)i;
  default: return i;
  }
}

/* "fn: a Long tensor is not supported (Float and Double only)". */
static inline stn_status stn_dtype_unsupported(const char *fn, int dtype, const char *supported) {
  return STN_FAIL(STN_ERR_ARG, "%s: %s tensors are not supported (%s only)", fn, stn_dtype_name(dtype), supported);
}

/* return name_<suffix> args, for the instance of the given dtype. */
#define STN_DISPATCH_FLOATING(fn, dtype, name, args)                                           \
  do {                                                                                         \
    switch (dtype) {                                                                           \
    case STN_FLOAT: return name##_float args;                                                  \
    case STN_DOUBLE: return name##_double args;                                                \
    default: return stn_dtype_unsupported(fn, dtype, "Float and Double");                      \
    }                                                                                          \
  } while (0)

#define STN_DISPATCH_ALL(fn, dtype, name, args)                                                \
  do {                                                                                         \
    switch (dtype) {                                                                           \
    case STN_FLOAT: return name##_float args;                                                  \
    case STN_DOUBLE: return name##_double args;                                                \
    case STN_LONG: return name##_long args;                                                    \
    case STN_INT: return name##_int args;                                                      \
    case STN_BYTE: return name##_byte args;                                                    \
    case STN_CHAR: return name##_char args;                                                    \
    case STN_SHORT: return name##_short args;                                                  \
    default: return stn_dtype_unsupported(fn, dtype, "Float, Double, Long, Int, Byte, Char and Short"); \
    }                                                                                          \
  } while (0)

#endif /* STN_CORE_DTYPE_H */
