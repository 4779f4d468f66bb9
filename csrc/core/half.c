/* half.c: the public conversions of the 16-bit float types (include/stn/core.h), for C
 * callers and the Lua element reads and writes; the arithmetic is half.h's. */
#include "half.h"
#include "stn.h"

uint16_t stn_half_bits(int dtype, double v) {
  if (!stn_dtype_is_half(dtype)) return 0;
  return stn_half_store(dtype, stn_double_to_float_odd(v));
}

float stn_half_value(int dtype, uint16_t bits) {
  if (!stn_dtype_is_half(dtype)) return stn_bits_float(0x7fc00000u);
  return stn_half_load(dtype, bits);
}
