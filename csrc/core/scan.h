/* scan.h: the CUDA twin of stn_scan (csrc/core/scan.c; cuda/core/scan.cu), called once
 * the entry point has checked the arguments and sized out. */
#ifndef STN_CORE_SCAN_H
#define STN_CORE_SCAN_H

#include "stn.h"

#ifdef __cplusplus
extern "C" {
#endif

stn_status stn_scan_cuda(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int dim, int op);

#ifdef __cplusplus
}
#endif
#endif /* STN_CORE_SCAN_H */
