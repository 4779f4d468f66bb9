/* random.h: the CUDA twins of the random fills (csrc/core/random.c; cuda/core/random.cu):
 * element i of t draws the Philox numbers of the CPU fill from (seed, offset). */
#ifndef STN_CORE_RANDOM_H
#define STN_CORE_RANDOM_H

#include "stn.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The kinds of the one fill (random.c's draw, random.cu's fill_random_kernel). */
enum stn_draw_kind {
  STN_DRAW_UNIFORM, STN_DRAW_NORMAL, STN_DRAW_BERNOULLI, STN_DRAW_INT,
  STN_DRAW_LOG_NORMAL, STN_DRAW_EXPONENTIAL, STN_DRAW_CAUCHY, STN_DRAW_GEOMETRIC
};

/* p has t's shape (the entry point made it so) and values in [0, 1]. */
stn_status stn_bernoulli_tensor_cuda(stn_ctx *ctx, stn_tensor *t, const stn_tensor *p, uint64_t seed, uint64_t offset);
/* Every kind but STN_DRAW_INT, with its (at most two) float parameters as draw() takes them. */
stn_status stn_draw_cuda(stn_ctx *ctx, stn_tensor *t, int kind, float a, float b, uint64_t seed, uint64_t offset);
stn_status stn_random_int_cuda(stn_ctx *ctx, stn_tensor *t, int64_t lo, uint64_t count, uint64_t seed, uint64_t offset);

#ifdef __cplusplus
}
#endif
#endif /* STN_CORE_RANDOM_H */
