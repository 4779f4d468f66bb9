/* generic_instance.h: one instance of STN_GENERIC_FILE, for the element type described by
 * STN_GI_TYPE (its C type), STN_GI_SUFFIX (the suffix STN_T appends), STN_GI_CODE (its
 * stn_dtype) and STN_GI_FLOATING (1 for float and double). Defines scalar_t, accreal
 * (double for the floating types, int64_t for the integer ones), STN_T(name), STN_DTYPE
 * and STN_IS_FLOATING around the include, and undefines them and STN_GI_* after it.
 * Included by generic_floating.h and generic_all.h only; no include guard. */
#define STN_GI_PASTE2(a, b) a##_##b
#define STN_GI_PASTE(a, b) STN_GI_PASTE2(a, b)
#define scalar_t STN_GI_TYPE
#if STN_GI_FLOATING
#define accreal double
#else
#define accreal int64_t
#endif
#define STN_T(name) STN_GI_PASTE(name, STN_GI_SUFFIX)
#define STN_DTYPE STN_GI_CODE
#define STN_IS_FLOATING STN_GI_FLOATING
#include STN_GENERIC_FILE
#undef scalar_t
#undef accreal
#undef STN_T
#undef STN_DTYPE
#undef STN_IS_FLOATING
#undef STN_GI_PASTE
#undef STN_GI_PASTE2
#undef STN_GI_TYPE
#undef STN_GI_SUFFIX
#undef STN_GI_CODE
#undef STN_GI_FLOATING
