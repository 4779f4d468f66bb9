/* fixed_point.cuh: the fixed-point scale of the deterministic CUDA image gradients
 * (cuda/spatial/sampler.cu's header comment tells the scheme): a slice whose largest
 * |grad_output| is m, over P output pixels, accumulates v * 2^k as 64-bit integers, whose
 * sums do not depend on the order of the atomics. */
#ifndef STN_CUDA_FIXED_POINT_CUH
#define STN_CUDA_FIXED_POINT_CUH

/* The fixed-point scale 2^k of a slice whose largest |gradOutput| is m, over P output
 * pixels: m * P * 2^k <= 2^62, so that no sum can overflow (a pixel's weights sum to at
 * most 1). */
__device__ __forceinline__ int fixed_scale(float m, int P) {
  int k = 0;
  if (m > 0.0f) {
    int e;
    frexp((double)m * (double)P, &e); /* m * P < 2^e */
    k = 62 - e;
  }
  return k;
}

/* The scale of a slice as two multiplications: up(v) = v * 2^k going in, down(x) =
 * x * 2^-k coming out, exactly what ldexpf(v, k) and (float)ldexp((double)x, -k) give,
 * without their library calls. fixed_scale of a finite float over at most 2^31 pixels
 * puts k in [-97, 211], so 2^k is a product of two normal floats and 2^-k a normal
 * double (and a sum times 2^-k never reaches double's denormals). */
struct fixed_scaler {
  float up1, up2;
  double down;
};

__device__ __forceinline__ fixed_scaler fixed_scaler_of(int k) {
  const int k1 = k < 127 ? k : 127;
  fixed_scaler s;
  s.up1 = __int_as_float((k1 + 127) << 23);
  s.up2 = __int_as_float((k - k1 + 127) << 23);
  s.down = __longlong_as_double((long long)(1023 - k) << 52);
  return s;
}

__device__ __forceinline__ float fixed_up(const fixed_scaler &s, float v) { return (v * s.up1) * s.up2; }

__device__ __forceinline__ float fixed_down(const fixed_scaler &s, long long x) { return (float)((double)x * s.down); }

#endif /* STN_CUDA_FIXED_POINT_CUH */
