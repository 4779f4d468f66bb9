/* index.h: what the indexing ops share (csrc/core/index.c, gather.c, masked.c): index
 * tensors read into checked host arrays, fill values checked for a type, and the CUDA
 * twins (cuda/core/index.cu, gather.cu, masked.cu), which get their indices or mask
 * positions as checked host arrays, never a value they could misuse. */
#ifndef STN_CORE_INDEX_H
#define STN_CORE_INDEX_H

#include "stn.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The values of a Long tensor `index` (either device, any layout), in row-major order,
 * each checked to lie in 1..t's size at dim and made 0-based, in a malloc'd host array
 * (*out, n entries; the caller frees it). A value out of range fails naming fn, the
 * entry (1-based, row-major), the value, the dim and t's shape. */
stn_status stn_index_values(stn_ctx *ctx, const char *fn, const stn_tensor *index, const stn_tensor *t, int dim,
                            int64_t **out, int64_t *n);
/* A value that a tensor of this dtype can hold (an integer type: finite and within its
 * range; stored as a C cast, toward zero), else a failure naming fn and the value. */
stn_status stn_check_value(const char *fn, int dtype, double value);

/* What an index walk does with slice k of the small side and slice idx[k] of the big one. */
typedef enum stn_index_mode { STN_INDEX_GATHER = 0, STN_INDEX_COPY, STN_INDEX_ADD, STN_INDEX_FILL } stn_index_mode;

/* Twins of stn_index_select / copy / add / fill: idx holds n 0-based positions (host
 * memory, checked; -1 skips a slice: an earlier duplicate of stn_index_copy). small is
 * the side with n slices at dim (NULL for FILL, whose slices are those of big). */
stn_status stn_index_cuda(stn_ctx *ctx, stn_tensor *big, const stn_tensor *small, int dim, const int64_t *idx,
                          int64_t n, int mode, double value);

/* Twin of stn_gather / stn_scatter / stn_scatter_fill: idx holds the index tensor's
 * values (host, row-major, 0-based, checked) and `shape` is its shape; one thread per
 * line along dim walks it in order, so a repeated index in scatter keeps the last write
 * as on the CPU. mode: STN_INDEX_GATHER (out <- src), STN_INDEX_COPY (scatter),
 * STN_INDEX_FILL (scatter of value). */
stn_status stn_gather_cuda(stn_ctx *ctx, stn_tensor *target, const stn_tensor *src, const stn_tensor *shape, int dim,
                           const int64_t *idx, int mode, double value);

/* What a masked walk does at element i (row-major) where pos[i] >= 0. */
typedef enum stn_mask_mode { STN_MASK_FILL = 0, STN_MASK_COPY, STN_MASK_SELECT } stn_mask_mode;
/* Twin of stn_masked_fill / copy / select: pos (host, n = the mask's element count)
 * holds, for each element where the mask is 1, how many ones come before it, and -1
 * where it is 0. FILL: t[i] <- value; COPY: t[i] <- src[pos[i]] (row-major);
 * SELECT: t[pos[i]] <- src[i] (t 1-D). */
stn_status stn_masked_cuda(stn_ctx *ctx, stn_tensor *t, const stn_tensor *src, const int64_t *pos, int64_t n,
                           int mode, double value);

#ifdef __cplusplus
}
#endif
#endif /* STN_CORE_INDEX_H */
