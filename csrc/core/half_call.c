/* half_call.c: float ops on 16-bit float tensors by exact conversion (half_call.h). */
#include "half_call.h"
#include "copy.h"
#include "error.h"
#include "half.h"
#include "storage.h"
#include "tensor.h"

#include <string.h>

static void release_all(stn_half_call *c) {
  for (int k = 0; k < STN_HALF_CALL_IN; k++) stn_tensor_release(&c->in[k]);
  for (int k = 0; k < STN_HALF_CALL_OUT; k++) stn_tensor_release(&c->out[k]);
}

static stn_status check_all(stn_half_call *c, const stn_half_args *a) {
  const stn_tensor *first = NULL;
  const char *first_name = NULL;
  for (int k = 0; k < STN_HALF_CALL_IN; k++) {
    if (!a->in[k]) continue;
    STN_TRY(stn_check_view(a->fn, a->in_name[k], a->in[k]));
    if (first) STN_TRY(stn_check_same_dtype(a->fn, a->in_name[k], a->in[k], first_name, first));
    else first = a->in[k], first_name = a->in_name[k];
  }
  if (!first || !stn_dtype_is_half(first->dtype))
    return STN_FAIL(STN_ERR_INTERNAL, "%s: no 16-bit float input", a->fn);
  c->dtype = first->dtype;
  for (int k = 0; k < STN_HALF_CALL_OUT; k++) {
    if (!a->out[k]) continue;
    STN_TRY(stn_check_view(a->fn, a->out_name[k], a->out[k]));
    if (a->out[k]->dtype != c->dtype)
      return STN_FAIL(STN_ERR_ARG, "%s: %s is a %s tensor but the inputs are %s ones (a result has its inputs' type)",
                      a->fn, a->out_name[k], stn_dtype_name(a->out[k]->dtype), stn_dtype_name(c->dtype));
  }
  return STN_OK;
}

stn_status stn_half_call_begin(stn_ctx *ctx, stn_half_call *c, const stn_half_args *a) {
  memset(c, 0, sizeof *c);
  STN_TRY(check_all(c, a));
  stn_status st = STN_OK;
  for (int k = 0; k < STN_HALF_CALL_IN && st == STN_OK; k++) {
    const stn_tensor *x = a->in[k];
    if (!x) continue;
    c->has_in[k] = 1;
    st = stn_tensor_new_typed(ctx, &c->in[k], x->device, STN_FLOAT, x->ndim, x->shape);
    if (st == STN_OK) st = stn_copy(ctx, &c->in[k], x);
  }
  for (int k = 0; k < STN_HALF_CALL_OUT; k++) {
    c->dst[k] = a->out[k];
    c->out[k].dtype = STN_FLOAT;
    c->out[k].device = a->out[k] ? a->out[k]->device : STN_CPU;
  }
  if (st != STN_OK) release_all(c);
  return st;
}

stn_status stn_half_call_end(stn_ctx *ctx, stn_half_call *c, stn_status st) {
  for (int k = 0; k < STN_HALF_CALL_OUT && st == STN_OK; k++) {
    stn_tensor *d = c->dst[k];
    if (!d) continue;
    st = stn_resize_out(ctx, d, c->dtype, c->out[k].ndim, c->out[k].shape);
    if (st == STN_OK) st = stn_copy(ctx, d, &c->out[k]);
  }
  release_all(c);
  return st;
}
