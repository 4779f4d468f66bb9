/* generic_floating.h: includes STN_GENERIC_FILE once for float and once for double
 * (see dtype.h). No include guard: each op's .c file includes it once. */
#ifndef STN_GENERIC_FILE
#error "define STN_GENERIC_FILE before including generic_floating.h"
#endif

#define scalar_t float
#define accreal double
#define STN_T(name) name##_float
#define STN_DTYPE 0
#define STN_IS_FLOATING 1
#include STN_GENERIC_FILE
#undef scalar_t
#undef accreal
#undef STN_T
#undef STN_DTYPE
#undef STN_IS_FLOATING

#define scalar_t double
#define accreal double
#define STN_T(name) name##_double
#define STN_DTYPE 1
#define STN_IS_FLOATING 1
#include STN_GENERIC_FILE
#undef scalar_t
#undef accreal
#undef STN_T
#undef STN_DTYPE
#undef STN_IS_FLOATING

#ifndef STN_GENERIC_KEEP_FILE
#undef STN_GENERIC_FILE
#endif
