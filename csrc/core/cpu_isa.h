/* cpu_isa.h: which instruction-set path the CPU kernels take (csrc/core/cpu_isa.c).
 * A kernel with several paths asks stn_isa_active() at each call: one load. */
#ifndef STN_CORE_CPU_ISA_H
#define STN_CORE_CPU_ISA_H

#include "stn.h"

/* The path in use (stn_isa); the first call reads cpuid. */
int stn_isa_active(void);

#endif /* STN_CORE_CPU_ISA_H */
