/* philox.h: the Philox4x32-10 counter-based generator (Salmon et al., SC'11), shared
 * by the C and CUDA kernels so that number k after a seed is the same everywhere. */
#ifndef STN_PHILOX_H
#define STN_PHILOX_H

#include <math.h>
#include <stdint.h>

#ifdef __CUDACC__
#define STN_HD __host__ __device__ __forceinline__
#else
#define STN_HD static inline
#endif

typedef struct stn_philox4 { uint32_t v[4]; } stn_philox4;

/* Four 32-bit words for counter `counter` under key `seed`. */
STN_HD stn_philox4 stn_philox(uint64_t seed, uint64_t counter) {
  uint32_t c0 = (uint32_t)counter, c1 = (uint32_t)(counter >> 32), c2 = 0, c3 = 0;
  uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
  for (int round = 0; round < 10; round++) {
    uint64_t p0 = (uint64_t)0xD2511F53u * c0, p1 = (uint64_t)0xCD9E8D57u * c2;
    uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0, hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  stn_philox4 r = {{c0, c1, c2, c3}};
  return r;
}

/* [0, 1) with 24 random bits; (0, 1] for logarithms. */
STN_HD float stn_u01(uint32_t x) { return (float)(x >> 8) * (1.0f / 16777216.0f); }
STN_HD float stn_u01_open0(uint32_t x) { return ((float)(x >> 8) + 1.0f) * (1.0f / 16777216.0f); }

/* Element i of a draw started at `offset`: uniform-like draws use one word (4 per
 * counter), normals two (2 per counter, Box-Muller). */
STN_HD float stn_rand_uniform(uint64_t seed, uint64_t offset, int64_t i) {
  stn_philox4 r = stn_philox(seed, offset + (uint64_t)(i >> 2));
  return stn_u01(r.v[i & 3]);
}
/* One word per element, as stn_rand_uniform: in (0, 1] (for logarithms), and centred
 * in (-0.5, 0.5), symmetric about 0 and exact in float (for tan(pi * c)). */
STN_HD float stn_rand_open0(uint64_t seed, uint64_t offset, int64_t i) {
  stn_philox4 r = stn_philox(seed, offset + (uint64_t)(i >> 2));
  return stn_u01_open0(r.v[i & 3]);
}
STN_HD float stn_rand_centered(uint64_t seed, uint64_t offset, int64_t i) {
  stn_philox4 r = stn_philox(seed, offset + (uint64_t)(i >> 2));
  return ((float)(r.v[i & 3] >> 8) - 8388607.5f) * (1.0f / 16777216.0f);
}
STN_HD float stn_rand_normal(uint64_t seed, uint64_t offset, int64_t i) {
  stn_philox4 r = stn_philox(seed, offset + (uint64_t)(i >> 1));
  int lane = (int)(i & 1) * 2;
  float u1 = stn_u01_open0(r.v[lane]), u2 = stn_u01(r.v[lane + 1]);
  return sqrtf(-2.0f * logf(u1)) * cosf(6.283185307179586f * u2);
}

/* Element i of an integer draw of `count` values (count <= 2^32): floor(x * count / 2^64)
 * for the 64-bit word x of two lanes (2 per counter), so the bias is below count / 2^64. */
STN_HD uint64_t stn_rand_below(uint64_t seed, uint64_t offset, int64_t i, uint64_t count) {
  stn_philox4 r = stn_philox(seed, offset + (uint64_t)(i >> 1));
  int lane = (int)(i & 1) * 2;
  uint64_t hi = r.v[lane], lo = r.v[lane + 1];
  return (hi * count + ((lo * count) >> 32)) >> 32;
}

#endif /* STN_PHILOX_H */
