/* error.c: the thread-local error message and the status names. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_error[1024];

const char *stn_last_error(void) { return last_error; }

stn_status stn_fail_at(stn_status status, const char *file, int line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(last_error, sizeof last_error, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  if ((size_t)n < sizeof last_error)
    snprintf(last_error + n, sizeof last_error - (size_t)n, " (%s:%d)", file, line);
  return status;
}

const char *stn_status_string(stn_status status) {
  switch (status) {
  case STN_OK: return "ok";
  case STN_ERR_ARG: return "bad argument";
  case STN_ERR_DEVICE: return "device error";
  case STN_ERR_MEMORY: return "out of memory";
  case STN_ERR_CUDA: return "CUDA error";
  case STN_ERR_IO: return "I/O error";
  case STN_ERR_INTERNAL: return "internal error";
  }
  return "unknown status";
}

void stn_error_body(char *buf, size_t len) {
  snprintf(buf, len, "%s", stn_last_error());
  /* messages end with " (file:line)": drop it, the caller adds its own */
  char *cut = strrchr(buf, '(');
  size_t n = strlen(buf);
  if (cut && cut > buf && cut[-1] == ' ' && n > 0 && buf[n - 1] == ')') cut[-1] = 0;
}
