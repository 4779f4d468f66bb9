/* cpu_isa.c: the CPU's instruction sets, read once with cpuid, and the path the kernels
 * take (the best the CPU runs, or a lower one chosen by stn_cpu_set_isa so that specs can
 * compare every path a machine supports). */
#include "core/cpu_isa.h"

#include "core/error.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#define STN_X86 1
#else
#define STN_X86 0
#endif

static int supported = -1; /* benign race: every thread computes the same value */
static int active = -1;

#if STN_X86
/* XCR0: the OS saves the registers a path needs (YMM for AVX2; opmask and ZMM for AVX-512). */
static unsigned long long xcr0(void) {
  unsigned int lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((unsigned long long)hi << 32) | lo;
}

static int detect(void) {
  unsigned int a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return STN_ISA_GENERIC;
  int osxsave = (c >> 27) & 1, fma = (c >> 12) & 1, avx = (c >> 28) & 1;
  if (!osxsave || !avx) return STN_ISA_GENERIC;
  unsigned long long x = xcr0();
  if ((x & 0x6) != 0x6) return STN_ISA_GENERIC;
  if (__get_cpuid_max(0, NULL) < 7) return STN_ISA_GENERIC;
  __cpuid_count(7, 0, a, b, c, d);
  int avx2 = (b >> 5) & 1;
  int f = (b >> 16) & 1, dq = (b >> 17) & 1, bw = (b >> 30) & 1, vl = (b >> 31) & 1;
  if (!(avx2 && fma)) return STN_ISA_GENERIC;
  if (f && dq && bw && vl && (x & 0xe6) == 0xe6) return STN_ISA_AVX512;
  return STN_ISA_AVX2;
}
#else
static int detect(void) { return STN_ISA_GENERIC; }
#endif

int stn_cpu_isa_supported(void) {
  if (supported < 0) supported = detect();
  return supported;
}

int stn_isa_active(void) {
  if (active < 0) active = stn_cpu_isa_supported();
  return active;
}

int stn_cpu_isa(void) { return stn_isa_active(); }

const char *stn_cpu_isa_name(int isa) {
  switch (isa) {
  case STN_ISA_GENERIC: return "generic";
  case STN_ISA_AVX2: return "avx2";
  case STN_ISA_AVX512: return "avx512";
  default: return NULL;
  }
}

stn_status stn_cpu_set_isa(stn_ctx *ctx, int isa) {
  (void)ctx;
  const char *name = stn_cpu_isa_name(isa);
  if (!name) return STN_FAIL(STN_ERR_ARG, "stn_cpu_set_isa: %d is not an instruction-set path", isa);
  if (isa > stn_cpu_isa_supported())
    return STN_FAIL(STN_ERR_ARG, "stn_cpu_set_isa: this CPU cannot run the %s path (it supports up to %s)", name,
                    stn_cpu_isa_name(stn_cpu_isa_supported()));
  active = isa;
  return STN_OK;
}

void stn_cpu_model(char *name, int len) {
  if (!name || len <= 0) return;
  char brand[49] = {0};
#if STN_X86
  unsigned int r[12];
  if (__get_cpuid_max(0x80000000u, NULL) >= 0x80000004u) {
    for (unsigned int i = 0; i < 3; i++) __get_cpuid(0x80000002u + i, &r[4 * i], &r[4 * i + 1], &r[4 * i + 2], &r[4 * i + 3]);
    memcpy(brand, r, 48);
  }
#endif
  char *s = brand;
  while (*s == ' ') s++;
  size_t n = strlen(s);
  while (n > 0 && s[n - 1] == ' ') s[--n] = 0;
  if (n == 0) s = "unknown";
  strncpy(name, s, (size_t)len - 1);
  name[len - 1] = 0;
}
