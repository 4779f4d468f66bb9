/* half_call.h: a float op run on the 16-bit float types (Half, BFloat16): the inputs
 * converted to float tensors on their device (exactly), the op called on those, and its
 * float results rounded once into the caller's 16-bit results. So the op's arithmetic,
 * accumulation and determinism are its Float ones, and a 16-bit result is the float
 * result rounded to nearest even. The spatial ops (samplers, grid generators) take the
 * 16-bit types this way. */
#ifndef STN_CORE_HALF_CALL_H
#define STN_CORE_HALF_CALL_H

#include "stn.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { STN_HALF_CALL_IN = 4, STN_HALF_CALL_OUT = 3 };

/* The op's tensors: fn names it in messages; unused or NULL slots are NULL. Every input
 * has the first one's type, every result that type too. */
typedef struct stn_half_args {
  const char *fn;
  const stn_tensor *in[STN_HALF_CALL_IN];
  const char *in_name[STN_HALF_CALL_IN];
  stn_tensor *out[STN_HALF_CALL_OUT];
  const char *out_name[STN_HALF_CALL_OUT];
} stn_half_args;

typedef struct stn_half_call {
  int dtype;
  stn_tensor *dst[STN_HALF_CALL_OUT];  /* the caller's results */
  stn_tensor in[STN_HALF_CALL_IN];     /* float copies of the inputs */
  stn_tensor out[STN_HALF_CALL_OUT];   /* the float op's results */
  int has_in[STN_HALF_CALL_IN];
} stn_half_call;

/* Checks the tensors and converts the inputs. On failure nothing is held. */
stn_status stn_half_call_begin(stn_ctx *ctx, stn_half_call *c, const stn_half_args *a);
/* The float input k (NULL where the caller gave none) and float result k (NULL where no
 * result is wanted), for the float op. */
static inline const stn_tensor *stn_half_in(const stn_half_call *c, int k) { return c->has_in[k] ? &c->in[k] : 0; }
static inline stn_tensor *stn_half_out(stn_half_call *c, int k) { return c->dst[k] ? &c->out[k] : 0; }
/* st: the float op's status. When it is STN_OK, rounds each float result into the
 * caller's (resized to its sizes); releases everything either way. */
stn_status stn_half_call_end(stn_ctx *ctx, stn_half_call *c, stn_status st);

#ifdef __cplusplus
}
#endif
#endif /* STN_CORE_HALF_CALL_H */
