/* generic_all.h: includes STN_GENERIC_FILE once per element type: float, double, then
 * the integer types long (int64_t), int (int32_t), byte (uint8_t), char (int8_t) and
 * short (int16_t) (see dtype.h).
 * No include guard: each op's .c file includes it once. */
#ifndef STN_GENERIC_FILE
#error "define STN_GENERIC_FILE before including generic_all.h"
#endif

#define STN_GENERIC_KEEP_FILE
#include "generic_floating.h"
#undef STN_GENERIC_KEEP_FILE

#define scalar_t int64_t
#define accreal int64_t
#define STN_T(name) name##_long
#define STN_DTYPE 2
#define STN_IS_FLOATING 0
#include STN_GENERIC_FILE
#undef scalar_t
#undef accreal
#undef STN_T
#undef STN_DTYPE
#undef STN_IS_FLOATING

#define scalar_t int32_t
#define accreal int64_t
#define STN_T(name) name##_int
#define STN_DTYPE 3
#define STN_IS_FLOATING 0
#include STN_GENERIC_FILE
#undef scalar_t
#undef accreal
#undef STN_T
#undef STN_DTYPE
#undef STN_IS_FLOATING

#define scalar_t uint8_t
#define accreal int64_t
#define STN_T(name) name##_byte
#define STN_DTYPE 4
#define STN_IS_FLOATING 0
#include STN_GENERIC_FILE
#undef scalar_t
#undef accreal
#undef STN_T
#undef STN_DTYPE
#undef STN_IS_FLOATING

#define scalar_t int8_t
#define accreal int64_t
#define STN_T(name) name##_char
#define STN_DTYPE 5
#define STN_IS_FLOATING 0
#include STN_GENERIC_FILE
#undef scalar_t
#undef accreal
#undef STN_T
#undef STN_DTYPE
#undef STN_IS_FLOATING

#define scalar_t int16_t
#define accreal int64_t
#define STN_T(name) name##_short
#define STN_DTYPE 6
#define STN_IS_FLOATING 0
#include STN_GENERIC_FILE
#undef scalar_t
#undef accreal
#undef STN_T
#undef STN_DTYPE
#undef STN_IS_FLOATING

#undef STN_GENERIC_FILE
