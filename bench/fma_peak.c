/* bench/fma_peak.c: one core's fp32 FMA throughput, measured: independent FMAs on
 * registers only (no loads), 256-bit (AVX2) and, where the CPU has it, 512-bit
 * (AVX-512F). Gives the real clock x FMA units x lanes that bench/common.lua's
 * fma_peak can only assume (cpu MHz under a hypervisor is the nominal clock; Zen 4 runs
 * a 512-bit FMA as two halves, Intel's server cores have one or two 512-bit units).
 *   cc -O2 bench/fma_peak.c -o /tmp/fma_peak && /tmp/fma_peak
 * then pass --ghz (the printed effective clock) to bench/train_step.lua or conv_paths.lua. */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

#define CHAINS 12 /* independent accumulators: more than latency x units on current cores */
#define ITERS 100000000L

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

__attribute__((target("avx2,fma"))) static double gflops256(void) {
  __m256 a[CHAINS], b = _mm256_set1_ps(0.999f), c = _mm256_set1_ps(1e-4f);
  for (int i = 0; i < CHAINS; i++) a[i] = _mm256_set1_ps((float)i);
  double t = seconds();
  for (long k = 0; k < ITERS; k++) {
#pragma GCC unroll 12
    for (int i = 0; i < CHAINS; i++) a[i] = _mm256_fmadd_ps(a[i], b, c);
    /* every chain used: no FMA is dropped, and the array stays in registers */
    __asm__ volatile("" ::"x"(a[0]), "x"(a[1]), "x"(a[2]), "x"(a[3]), "x"(a[4]), "x"(a[5]), "x"(a[6]), "x"(a[7]),
                     "x"(a[8]), "x"(a[9]), "x"(a[10]), "x"(a[11]));
  }
  t = seconds() - t;
  return (double)ITERS * CHAINS * 8 * 2 / t * 1e-9;
}

__attribute__((target("avx512f"))) static double gflops512(void) {
  __m512 a[CHAINS], b = _mm512_set1_ps(0.999f), c = _mm512_set1_ps(1e-4f);
  for (int i = 0; i < CHAINS; i++) a[i] = _mm512_set1_ps((float)i);
  double t = seconds();
  for (long k = 0; k < ITERS; k++) {
#pragma GCC unroll 12
    for (int i = 0; i < CHAINS; i++) a[i] = _mm512_fmadd_ps(a[i], b, c);
    /* every chain used: no FMA is dropped, and the array stays in registers */
    __asm__ volatile("" ::"v"(a[0]), "v"(a[1]), "v"(a[2]), "v"(a[3]), "v"(a[4]), "v"(a[5]), "v"(a[6]), "v"(a[7]),
                     "v"(a[8]), "v"(a[9]), "v"(a[10]), "v"(a[11]));
  }
  t = seconds() - t;
  return (double)ITERS * CHAINS * 16 * 2 / t * 1e-9;
}

int main(void) {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
    puts("no AVX2 and FMA: nothing to measure");
    return 0;
  }
  double y = gflops256();
  /* two 256-bit FMA units assumed to find the clock */
  printf("256-bit FMA: %.1f GFLOP/s per core (= %.2f GHz if 2 FMA units)\n", y, y / 32);
  if (__builtin_cpu_supports("avx512f")) {
    double z = gflops512();
    printf("512-bit FMA: %.1f GFLOP/s per core (%.2fx the 256-bit rate: %s)\n", z, z / y,
           z > 1.5 * y ? "full-width 512-bit units" : "512-bit FMAs as two halves or one unit");
  }
  return 0;
}
