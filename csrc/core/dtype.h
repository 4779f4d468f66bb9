/* dtype.h: writing a kernel once for every element type.
 *
 * A kernel that works on several types lives in a "<op>_generic.h" file (no include
 * guard) written against scalar_t, accreal (the type sums run in: double for the
 * floating types, int64_t for the integer ones) and STN_T(name) (name with the type's
 * suffix appended: name_float, name_double, name_long, name_int, name_byte). The op's .c
 * file instantiates it once per type it supports:
 *
 *     #define STN_GENERIC_FILE "core/pointwise_generic.h"
 *     #include "core/generic_floating.h"      (float and double)   or
 *     #include "core/generic_all.h"           (all five types)
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
  X(STN_INT, int32_t, int) X(STN_BYTE, uint8_t, byte)

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
    default: return stn_dtype_unsupported(fn, dtype, "Float, Double, Long, Int and Byte");     \
    }                                                                                          \
  } while (0)

#endif /* STN_CORE_DTYPE_H */
