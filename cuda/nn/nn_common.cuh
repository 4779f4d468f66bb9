/* nn_common.cuh: what the CUDA nn kernels share: the grid-stride loop. */
#ifndef STN_CUDA_NN_COMMON_CUH
#define STN_CUDA_NN_COMMON_CUH

#include "../core/common.cuh"

/* Grid-stride loop over n items. */
#define STN_KERNEL_LOOP(i, n) \
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < (n); i += (int64_t)gridDim.x * blockDim.x)

#endif /* STN_CUDA_NN_COMMON_CUH */
