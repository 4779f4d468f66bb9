/* generic_all.h: includes STN_GENERIC_FILE once per element type: float, double, then
 * the integer types long (int64_t), int (int32_t), byte (uint8_t), char (int8_t) and
 * short (int16_t) (see dtype.h). No include guard: each op's .c file includes it once. */
#ifndef STN_GENERIC_FILE
#error "define STN_GENERIC_FILE before including generic_all.h"
#endif

#define STN_GENERIC_KEEP_FILE
#include "generic_floating.h"
#undef STN_GENERIC_KEEP_FILE

#define STN_GI_TYPE int64_t
#define STN_GI_SUFFIX long
#define STN_GI_CODE 2
#define STN_GI_FLOATING 0
#include "generic_instance.h"

#define STN_GI_TYPE int32_t
#define STN_GI_SUFFIX int
#define STN_GI_CODE 3
#define STN_GI_FLOATING 0
#include "generic_instance.h"

#define STN_GI_TYPE uint8_t
#define STN_GI_SUFFIX byte
#define STN_GI_CODE 4
#define STN_GI_FLOATING 0
#include "generic_instance.h"

#define STN_GI_TYPE int8_t
#define STN_GI_SUFFIX char
#define STN_GI_CODE 5
#define STN_GI_FLOATING 0
#include "generic_instance.h"

#define STN_GI_TYPE int16_t
#define STN_GI_SUFFIX short
#define STN_GI_CODE 6
#define STN_GI_FLOATING 0
#include "generic_instance.h"

#undef STN_GENERIC_FILE
