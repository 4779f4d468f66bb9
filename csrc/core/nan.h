/* nan.h: NaNs made plain before Lua reads them. LuaJIT 2.1 (as Debian 12 ships it)
 * reads a NaN whose sign and payload bits are set as a value of another type (nil, a
 * prototype), so NaNs that come from outside bytes, or that Lua reads as a double,
 * pass through here. */
#ifndef STN_CORE_NAN_H
#define STN_CORE_NAN_H

#include <math.h>

/* x, with any NaN replaced by the plain quiet NaN. */
static inline float stn_plain_nan(float x) { return x != x ? NAN : x; }
static inline double stn_plain_nan_d(double x) { return x != x ? (double)NAN : x; }

#endif /* STN_CORE_NAN_H */
