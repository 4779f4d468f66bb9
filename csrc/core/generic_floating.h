/* generic_floating.h: includes STN_GENERIC_FILE once for float and once for double
 * (see dtype.h). No include guard: each op's .c file includes it once. */
#ifndef STN_GENERIC_FILE
#error "define STN_GENERIC_FILE before including generic_floating.h"
#endif

#define STN_GI_TYPE float
#define STN_GI_SUFFIX float
#define STN_GI_CODE 0
#define STN_GI_FLOATING 1
#include "generic_instance.h"

#define STN_GI_TYPE double
#define STN_GI_SUFFIX double
#define STN_GI_CODE 1
#define STN_GI_FLOATING 1
#include "generic_instance.h"

#ifndef STN_GENERIC_KEEP_FILE
#undef STN_GENERIC_FILE
#endif
