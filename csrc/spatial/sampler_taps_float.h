/* sampler_taps_float.h: the float instance of sampler_taps_generic.h (taps_of_float,
 * cubic_near_float, ...) for the SIMD fast paths, whose scalar code and tails must do the
 * generic Float loops' arithmetic. Included once per translation unit. */
#ifndef STN_SPATIAL_SAMPLER_TAPS_FLOAT_H
#define STN_SPATIAL_SAMPLER_TAPS_FLOAT_H

#define STN_GENERIC_FILE "spatial/sampler_taps_generic.h"
#define STN_GI_TYPE float
#define STN_GI_SUFFIX float
#define STN_GI_CODE 0
#define STN_GI_FLOATING 1
#include "core/generic_instance.h"
#undef STN_GENERIC_FILE

#endif
