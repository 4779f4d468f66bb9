/* error.h: how a failure is reported: STN_FAIL formats "function: what (file:line)"
 * into the calling thread's message (stn_last_error) and gives the status back;
 * STN_TRY passes a failure up. The bottom of the core: it includes nothing of it. */
#ifndef STN_CORE_ERROR_H
#define STN_CORE_ERROR_H

#include "stn.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

stn_status stn_fail_at(stn_status status, const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
#define STN_FAIL(status, ...) stn_fail_at((status), __FILE__, __LINE__, __VA_ARGS__)
#define STN_TRY(call)                         \
  do {                                        \
    stn_status stn_try_s_ = (call);           \
    if (stn_try_s_ != STN_OK) return stn_try_s_; \
  } while (0)

/* The calling thread's last message without its " (file:line)" suffix, copied into
 * buf; for re-raising a worker thread's failure on the caller's thread. */
void stn_error_body(char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* STN_CORE_ERROR_H */
