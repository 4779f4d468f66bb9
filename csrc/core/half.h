/* half.h: the two 16-bit float storage types, IEEE binary16 (Half) and bfloat16, and
 * their conversions to and from float, written once for the C code and the CUDA kernels
 * (the same bits on both devices). Values are kept as raw uint16_t patterns; arithmetic
 * is always done in float.
 *
 * float -> 16 bits rounds to nearest, ties to even; Half keeps subnormals, overflows to
 * an infinity (beyond 65504 + half an ulp), and both types keep the sign of zero, the
 * infinities and NaN (a NaN stays a NaN: quiet, with the sign and the payload's high
 * bits). 16 bits -> float is exact. */
#ifndef STN_CORE_HALF_H
#define STN_CORE_HALF_H

#include "stn.h"

#include <stdint.h>
#include <string.h>

#ifndef STN_HD
#ifdef __CUDACC__
#define STN_HD __host__ __device__ __forceinline__
#else
#define STN_HD static inline
#endif
#endif

/* The element types that hold 16-bit floats. */
STN_HD int stn_dtype_is_half(int dtype) { return dtype == STN_HALF || dtype == STN_BFLOAT16; }

STN_HD uint32_t stn_float_bits(float f) {
#ifdef __CUDA_ARCH__
  return __float_as_uint(f);
#else
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
#endif
}

STN_HD float stn_bits_float(uint32_t u) {
#ifdef __CUDA_ARCH__
  return __uint_as_float(u);
#else
  float f;
  memcpy(&f, &u, 4);
  return f;
#endif
}

STN_HD float stn_half_to_float(uint16_t h) {
  /* exponent and mantissa moved into float's fields, the exponent rebiased (15 -> 127);
   * Inf and NaN (exponent 31) to 255, payload kept; zero and subnormals as
   * (2^-14 + man 2^-24) - 2^-14, exact in float. Selects, no branches: loops vectorize. */
  const uint32_t em = (uint32_t)(h & 0x7fff) << 13, exp = em & 0x0f800000u;
  uint32_t u = em + (112u << 23);
  if (exp == 0x0f800000u) u += 112u << 23;
  float f = stn_bits_float(u);
  if (exp == 0) f = stn_bits_float(u + (1u << 23)) - stn_bits_float(113u << 23);
  return stn_bits_float(stn_float_bits(f) | ((uint32_t)(h & 0x8000) << 16));
}

STN_HD uint16_t stn_float_to_half(float f) {
  /* Every case computed, then selected (no branch: loops vectorize). */
  const uint32_t u = stn_float_bits(f), a = u & 0x7fffffffu;
  const uint32_t sign = (u >> 16) & 0x8000u;
  /* normal in Half (>= 2^-14): rebias the exponent (127 -> 15) and round the 13 dropped
   * bits to nearest even (adding 0xfff and the kept lowest bit carries exactly when the
   * rest is above half, or at half with an odd lowest bit); a carry out of the mantissa
   * moves to the next exponent, as it should */
  const uint32_t r = a - 0x38000000u;
  const uint32_t normal = (r + 0x0fffu + ((r >> 13) & 1u)) >> 13;
  /* below 2^-14: the value in units of 2^-24 (man 2^(e - 150) = man 2^-shift units),
   * rounded the same way; from shift 25 on (below 2^-25) it is 0 */
  const int32_t e = (int32_t)(a >> 23), sh = 126 - e;
  const uint32_t shift = (uint32_t)(sh < 1 ? 1 : sh > 31 ? 31 : sh);
  const uint32_t man = (a & 0x7fffffu) | 0x800000u;
  const uint32_t sub = (man + ((1u << (shift - 1)) - 1) + ((man >> shift) & 1u)) >> shift;
  uint32_t h = a >= 0x38800000u ? normal : sub;
  h = a >= 0x477ff000u ? 0x7c00u : h;                         /* >= 65504 + 16 (half an ulp): Inf */
  h = a > 0x7f800000u ? (0x7e00u | ((a >> 13) & 0x3ffu)) : h; /* NaN: quiet, high payload bits */
  return (uint16_t)(sign | h);
}

STN_HD float stn_bf16_to_float(uint16_t b) { return stn_bits_float((uint32_t)b << 16); }

STN_HD uint16_t stn_float_to_bf16(float f) {
  const uint32_t u = stn_float_bits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x0040); /* NaN: quiet */
  /* to nearest even as for Half; a carry into the exponent is the right rounding, up to Inf */
  return (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

/* d rounded to float toward zero, then the last bit set when that was inexact (rounding
 * to odd): rounding this float to Half or bfloat16 gives d's own nearest-even rounding
 * (float keeps more than two bits beyond either), where double -> float -> 16 bits by
 * nearest twice could land on a tie that d was not on. */
STN_HD float stn_double_to_float_odd(double d) {
  float f = (float)d;
  if (d != d || (double)f == d) return f;
  uint32_t u = stn_float_bits(f);
  if (((double)f < 0 ? -(double)f : (double)f) > (d < 0 ? -d : d)) u -= 1; /* one step toward zero */
  return stn_bits_float(u | 1);
}

/* A 16-bit value of dtype (Half or BFloat16) <-> float. */
STN_HD float stn_half_load(int dtype, uint16_t v) { return dtype == STN_HALF ? stn_half_to_float(v) : stn_bf16_to_float(v); }
STN_HD uint16_t stn_half_store(int dtype, float f) { return dtype == STN_HALF ? stn_float_to_half(f) : stn_float_to_bf16(f); }

#endif /* STN_CORE_HALF_H */
