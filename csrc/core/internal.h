/* internal.h: every header of the core room at once, for the nn and spatial rooms until
 * they include what they use; the core and io rooms include the headers themselves. */
#ifndef STN_INTERNAL_H
#define STN_INTERNAL_H

#include "stn.h"

#include "core/blas.h"
#include "core/context.h"
#include "core/copy.h"
#include "core/cuda_services.h"
#include "core/error.h"
#include "core/index.h"
#include "core/nan.h"
#include "core/pointwise.h"
#include "core/random.h"
#include "core/reduce.h"
#include "core/storage.h"
#include "core/tensor.h"

#include <math.h>
#include <stddef.h>

#endif /* STN_INTERNAL_H */
