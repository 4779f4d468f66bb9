/* pointwise.cu: CUDA twins of stn_unary, stn_binary and stn_ternary (csrc/core/pointwise.c).
 * The entry points have checked the arguments, given b and c out's shape and resized
 * out; one grid-stride kernel per arity, the op chosen per launch (warp-uniform), and
 * two typed ones: the fill of any element type, and float comparisons into Byte. */
#include "common.cuh"
#include "core/pointwise.h"

/* As the CPU's stn_remainder: the quotient rounded to float, the rest in double. */
__device__ __forceinline__ float remainder_op(float x, float d) {
  if (d == 0.f) return __int_as_float(0x7fc00000); /* NaN */
  return (float)__dsub_rn((double)x, __dmul_rn((double)d, floor((double)__fdiv_rn(x, d))));
}

__device__ __forceinline__ float unary_op(int op, float x, float p, float q) {
  switch (op) {
  case STN_FILL: return p;
  case STN_ADD_SCALAR: return x + p;
  case STN_MUL_SCALAR: return x * p;
  case STN_DIV_SCALAR: return x / p;
  case STN_ABS: return fabsf(x);
  case STN_SQRT: return sqrtf(x);
  case STN_EXP: return expf(x);
  case STN_LOG: return logf(x);
  case STN_NEG: return -x;
  case STN_SIGN: return (float)((x > 0.f) - (x < 0.f));
  case STN_TANH: return tanhf(x);
  case STN_SIGMOID: return 1.f / (1.f + expf(-x));
  case STN_FLOOR: return floorf(x);
  case STN_CEIL: return ceilf(x);
  case STN_ROUND: return roundf(x);
  case STN_POW_SCALAR: return p == 2.f ? x * x : powf(x, p);
  case STN_RPOW_SCALAR: return powf(p, x);
  case STN_CLAMP: return x < p ? p : (x > q ? q : x);
  case STN_EQ_SCALAR: return (float)(x == p);
  case STN_NE_SCALAR: return (float)(x != p);
  case STN_GT_SCALAR: return (float)(x > p);
  case STN_LT_SCALAR: return (float)(x < p);
  case STN_GE_SCALAR: return (float)(x >= p);
  case STN_LE_SCALAR: return (float)(x <= p);
  case STN_SIN: return sinf(x);
  case STN_COS: return cosf(x);
  case STN_TAN: return tanf(x);
  case STN_ASIN: return asinf(x);
  case STN_ACOS: return acosf(x);
  case STN_ATAN: return atanf(x);
  case STN_SINH: return sinhf(x);
  case STN_COSH: return coshf(x);
  case STN_FMOD_SCALAR: return fmodf(x, p);
  case STN_REMAINDER_SCALAR: return remainder_op(x, p);
  case STN_TRUNC: return truncf(x);
  case STN_FRAC: return __fsub_rn(x, truncf(x));
  case STN_LOG1P: return log1pf(x);
  /* correctly rounded division and square root, as the CPU's (never rsqrtf) */
  case STN_RSQRT: return __fdiv_rn(1.f, __fsqrt_rn(x));
  default: return __fdiv_rn(1.f, x); /* STN_CINV */
  }
}

__device__ __forceinline__ float binary_op(int op, float x, float y, float p) {
  switch (op) {
  case STN_ADD: return __fadd_rn(x, __fmul_rn(p, y)); /* unfused, as on the CPU */
  case STN_CMUL: return x * y;
  case STN_CDIV: return x / y;
  case STN_CPOW: return powf(x, y);
  case STN_CMAX: return x > y ? x : y;
  case STN_CMIN: return x < y ? x : y;
  case STN_EQ: return (float)(x == y);
  case STN_NE: return (float)(x != y);
  case STN_GT: return (float)(x > y);
  case STN_LT: return (float)(x < y);
  case STN_GE: return (float)(x >= y);
  case STN_LE: return (float)(x <= y);
  case STN_ATAN2: return atan2f(x, y);
  case STN_CFMOD: return fmodf(x, y);
  case STN_CREMAINDER: return remainder_op(x, y);
  default: return __fadd_rn(x, __fmul_rn(p, __fsub_rn(y, x))); /* STN_LERP, unfused as on the CPU */
  }
}

__global__ void unary_kernel(stn_view out, stn_view a, int64_t n, int op, float p, float q) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    float x = op == STN_FILL ? 0.f : a.data[stn_view_offset(a, i)];
    out.data[stn_view_offset(out, i)] = unary_op(op, x, p, q);
  }
}

__global__ void binary_kernel(stn_view out, stn_view a, stn_view b, int64_t n, int op, float p) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    out.data[stn_view_offset(out, i)] = binary_op(op, a.data[stn_view_offset(a, i)], b.data[stn_view_offset(b, i)], p);
}

__global__ void ternary_kernel(stn_view out, stn_view a, stn_view b, stn_view c, int64_t n, int op, float p) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    float x = a.data[stn_view_offset(a, i)], y = b.data[stn_view_offset(b, i)], z = c.data[stn_view_offset(c, i)];
    /* unfused, as on the CPU: a + (p * b) * c, a + (p * b) / c */
    out.data[stn_view_offset(out, i)] = __fadd_rn(x, op == STN_ADDCMUL ? __fmul_rn(__fmul_rn(p, y), z) : __fdiv_rn(__fmul_rn(p, y), z));
  }
}

extern "C" stn_status stn_unary_cuda(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int op, float p, float q) {
  int64_t n = stn_tensor_numel(out);
  if (n == 0) return STN_OK;
  unary_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(stn_view_of(out), stn_view_of(a), n, op, p, q);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

extern "C" stn_status stn_binary_cuda(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, const stn_tensor *b, int op,
                                      float p) {
  int64_t n = stn_tensor_numel(out);
  if (n == 0) return STN_OK;
  binary_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(stn_view_of(out), stn_view_of(a),
                                                                       stn_view_of(b), n, op, p);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

extern "C" stn_status stn_ternary_cuda(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, const stn_tensor *b,
                                       const stn_tensor *c, int op, float p) {
  int64_t n = stn_tensor_numel(out);
  if (n == 0) return STN_OK;
  ternary_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>(stn_view_of(out), stn_view_of(a),
                                                                        stn_view_of(b), stn_view_of(c), n, op, p);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

/* The strides of a tensor of any element type, for stn_view_offset: its data pointer
 * (a float one) is left at the storage's start, never used, so that no float pointer is
 * formed past a smaller-element storage. */
static stn_view strides_of(const stn_tensor *t) {
  stn_tensor at0 = *t;
  at0.offset = 0;
  return stn_view_of(&at0);
}

/* A fill of any element type: base is the tensor's first element, v its strides. */
template <typename T>
__global__ void fill_typed_kernel(T *base, stn_view v, int64_t n, T value) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    base[stn_view_offset(v, i)] = value;
}

template <typename T>
static stn_status fill_typed(stn_ctx *ctx, stn_tensor *out, T value) {
  int64_t n = stn_tensor_numel(out);
  if (n == 0) return STN_OK;
  fill_typed_kernel<T><<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>((T *)stn_ptr(out), strides_of(out), n, value);
  STN_LAUNCH_CHECK();
  return STN_OK;
}

extern "C" stn_status stn_fill_cuda(stn_ctx *ctx, stn_tensor *out, double f, int64_t i) {
  switch (out->dtype) {
  case STN_FLOAT: return fill_typed<float>(ctx, out, (float)f);
  case STN_DOUBLE: return fill_typed<double>(ctx, out, f);
  case STN_LONG: return fill_typed<int64_t>(ctx, out, i);
  case STN_INT: return fill_typed<int32_t>(ctx, out, (int32_t)i);
  case STN_CHAR: return fill_typed<int8_t>(ctx, out, (int8_t)i);
  case STN_SHORT: return fill_typed<int16_t>(ctx, out, (int16_t)i);
  case STN_HALF: case STN_BFLOAT16: return fill_typed<uint16_t>(ctx, out, (uint16_t)i); /* i: the bits */
  default: return fill_typed<uint8_t>(ctx, out, (uint8_t)i);
  }
}

/* The float comparisons of unary_op / binary_op (1.f or 0.f) stored as bytes: the CPU's
 * rule, a compared with p rounded to float or with b element by element. */
__global__ void compare_byte_kernel(uint8_t *o, stn_view ov, stn_view a, stn_view b, int has_b, int64_t n, int op, float p) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    float x = a.data[stn_view_offset(a, i)];
    float y = has_b ? b.data[stn_view_offset(b, i)] : p;
    o[stn_view_offset(ov, i)] = (uint8_t)binary_op(op, x, y, 1.f);
  }
}

extern "C" stn_status stn_compare_cuda(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, const stn_tensor *b, int op,
                                       float p) {
  int64_t n = stn_tensor_numel(out);
  if (n == 0) return STN_OK;
  stn_view bv = stn_view_of(b ? b : a);
  compare_byte_kernel<<<stn_blocks(ctx, n, 256), 256, 0, stn_stream(ctx)>>>((uint8_t *)stn_ptr(out), strides_of(out),
                                                                             stn_view_of(a), bv, b != NULL, n, op, p);
  STN_LAUNCH_CHECK();
  return STN_OK;
}
