/* cpu_paths.h: one plain loop compiled for each instruction-set path (cpu_isa.h) and
 * picked per call. A kernel writes its body once as an always-inline function with no
 * OpenMP inside (GCC outlines a parallel region before inlining, so the region would keep
 * the baseline's code); STN_PATHS stamps <name>_generic, <name>_avx2 and <name>_avx512
 * around it, and STN_PATH_PICK(name) is the one for the active path. A whole function
 * with its OpenMP region may instead take STN_TARGET_AVX2 / STN_TARGET_AVX512 itself
 * (the outlined region inherits the target). The build's -ffp-contract=off holds inside
 * the target functions too: no FMA, so an element-wise body gives the same bits on
 * every path. */
#ifndef STN_CORE_CPU_PATHS_H
#define STN_CORE_CPU_PATHS_H

#include "core/cpu_isa.h"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(STN_NO_CLONES)
#define STN_HAVE_PATHS 1
#define STN_TARGET_AVX2 __attribute__((target("avx2")))
/* 512-bit vectors: GCC's generic tuning would otherwise keep AVX-512 code at 256 bits */
#define STN_TARGET_AVX512 __attribute__((target("avx2,avx512f,avx512vl,avx512bw,avx512dq,prefer-vector-width=512")))
#else
#define STN_HAVE_PATHS 0
#define STN_TARGET_AVX2
#define STN_TARGET_AVX512
#endif

/* void name_generic params, name_avx2 params, name_avx512 params: each calls body args
 * (name is expanded first, so that it may be STN_T(...) in a generic file). */
#define STN_PATHS(name, body, params, args) STN_PATHS_(name, body, params, args)
#define STN_PATHS_(name, body, params, args)                   \
  static void name##_generic params { body args; }             \
  STN_TARGET_AVX2 static void name##_avx2 params { body args; } \
  STN_TARGET_AVX512 static void name##_avx512 params { body args; }

/* For a body that measured no faster at 512 bits: name_generic and name_avx2 only, the
 * AVX-512 path taking the AVX2 variant (STN_PATH_PICK_AVX2). */
#define STN_PATHS_AVX2(name, body, params, args) STN_PATHS_AVX2_(name, body, params, args)
#define STN_PATHS_AVX2_(name, body, params, args)                \
  static void name##_generic params { body args; }               \
  STN_TARGET_AVX2 static void name##_avx2 params { body args; }

/* The variant of name for the active path. */
#define STN_PATH_PICK(name) STN_PATH_PICK_(name)
#define STN_PATH_PICK_(name) stn_path_pick3(name##_generic, name##_avx2, name##_avx512)
#define STN_PATH_PICK_AVX2(name) STN_PATH_PICK_AVX2_(name)
#define STN_PATH_PICK_AVX2_(name) stn_path_pick3(name##_generic, name##_avx2, name##_avx2)
#define stn_path_pick3(g, a2, a5)                                                             \
  (STN_HAVE_PATHS && stn_isa_active() >= STN_ISA_AVX512 ? (a5)                                 \
   : STN_HAVE_PATHS && stn_isa_active() >= STN_ISA_AVX2 ? (a2)                                 \
                                                         : (g))

#endif /* STN_CORE_CPU_PATHS_H */
