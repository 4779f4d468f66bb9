/* matrix.h: how a strided 2-D view is handed to a BLAS without copying it. Shared by
 * csrc/core/blas.c (OpenBLAS) and cuda/core/blas.cu (cuBLAS): a view whose columns are adjacent
 * (row-major, stride 1 along dim 2) or whose rows are adjacent (a transposed view,
 * stride 1 along dim 1) is passed as it is, with the other stride as leading dimension. */
#ifndef STN_MATRIX_H
#define STN_MATRIX_H

#include "stn.h"

#include <limits.h>

enum { STN_ROW_MAJOR = 0, STN_COL_MAJOR = 1, STN_NO_LAYOUT = -1 };

typedef struct stn_mat {
  int order;  /* STN_ROW_MAJOR or STN_COL_MAJOR */
  int64_t ld; /* leading dimension: distance between rows (row-major) or columns */
} stn_mat;

/* Layout of the rows x cols matrix with strides s0 (between rows) and s1 (between
 * columns). Dims of size 1 leave their stride free; a leading dimension must be at
 * least the length of a row (column), as the BLAS demands. */
static inline stn_mat stn_mat_layout(int64_t rows, int64_t cols, int64_t s0, int64_t s1) {
  stn_mat m = {STN_NO_LAYOUT, 0};
  int64_t c1 = cols > 1 ? cols : 1, r1 = rows > 1 ? rows : 1;
  if ((cols == 1 || s1 == 1) && (rows == 1 || s0 >= c1)) {
    m.order = STN_ROW_MAJOR;
    m.ld = rows == 1 ? c1 : s0;
  } else if ((rows == 1 || s0 == 1) && (cols == 1 || s1 >= r1)) {
    m.order = STN_COL_MAJOR;
    m.ld = cols == 1 ? r1 : s1;
  }
  if (m.ld > INT_MAX) m.order = STN_NO_LAYOUT; /* BLAS integers are 32-bit */
  return m;
}

/* Layout of the matrix made of the last two dims of t (2-D or 3-D). */
static inline stn_mat stn_mat_of(const stn_tensor *t) {
  int d = t->ndim - 2;
  return stn_mat_layout(t->shape[d], t->shape[d + 1], t->strides[d], t->strides[d + 1]);
}

/* For a batch (3-D t): usable when each matrix has a layout and, for an output, the
 * matrices do not overlap (batch stride at least one matrix's extent). */
static inline int stn_batch_usable(const stn_tensor *t, int is_output) {
  stn_mat m = stn_mat_of(t);
  if (m.order == STN_NO_LAYOUT) return 0;
  if (!is_output || t->shape[0] <= 1) return 1;
  int64_t extent = m.order == STN_ROW_MAJOR ? m.ld * t->shape[1] : m.ld * t->shape[2];
  return t->strides[0] >= extent;
}

#endif /* STN_MATRIX_H */
