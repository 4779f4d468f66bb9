/* fuzz.h: what every libFuzzer harness of stn shares (one harness per reader of
 * outside bytes, fuzz/<reader>.c; docs/fuzzing.md):
 *   - the input as a file: readers take paths, so the bytes go to an in-memory file
 *     (memfd) opened through /proc/self/fd/N, with no disk traffic;
 *   - the memory rule of issue 12: one input of n bytes may hold at most
 *     10 n + 64 MiB of heap at any moment (counted through the sanitizer's malloc and
 *     free hooks, every thread included); more is a finding;
 *   - the message rule: a refused file leaves a message that names it;
 *   - helpers that read every element a reader returned, so that ASan sees any
 *     buffer that is smaller than it claims.
 * A finding prints "stn-fuzz: <what>" and aborts, which libFuzzer records as a crash. */
#ifndef STN_FUZZ_H
#define STN_FUZZ_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "stn.h"

/* from the sanitizer runtime (compiler-rt's allocator_interface.h) */
int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void *, size_t),
                                              void (*free_hook)(const volatile void *));
size_t __sanitizer_get_allocated_size(const volatile void *p);

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

#define FZ_MIB ((int64_t)1 << 20)

static inline void fz_finding(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
#include <stdarg.h>
static inline void fz_finding(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("stn-fuzz: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  abort();
}

/* ------------------------------------------------------------------ the input as a file */
static int fz_fd = -1;
static char fz_path_buf[64];

/* Writes the input to the harness's in-memory file and returns a path that opens it. */
static inline const char *fz_file(const uint8_t *data, size_t size) {
  if (fz_fd < 0) {
    fz_fd = memfd_create("stn-fuzz-input", 0);
    if (fz_fd < 0) fz_finding("memfd_create failed (the harness, not stn)");
    snprintf(fz_path_buf, sizeof fz_path_buf, "/proc/self/fd/%d", fz_fd);
  }
  if (ftruncate(fz_fd, 0) != 0) fz_finding("ftruncate of the input file failed (the harness, not stn)");
  size_t done = 0;
  while (done < size) {
    ssize_t w = pwrite(fz_fd, data + done, size - done, (off_t)done);
    if (w <= 0) fz_finding("writing the input file failed (the harness, not stn)");
    done += (size_t)w;
  }
  return fz_path_buf;
}

/* ------------------------------------------------------------------ the memory rule */
static int64_t fz_live, fz_peak;
static int fz_counting;

static inline void fz_malloc_hook(const volatile void *p, size_t n) {
  (void)p;
  if (!__atomic_load_n(&fz_counting, __ATOMIC_RELAXED)) return;
  int64_t now = __atomic_add_fetch(&fz_live, (int64_t)n, __ATOMIC_RELAXED);
  int64_t peak = __atomic_load_n(&fz_peak, __ATOMIC_RELAXED);
  while (now > peak && !__atomic_compare_exchange_n(&fz_peak, &peak, now, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
  }
}

static inline void fz_free_hook(const volatile void *p) {
  if (!p || !__atomic_load_n(&fz_counting, __ATOMIC_RELAXED)) return;
  /* the hook runs before the block is released, so its size is still known */
  __atomic_sub_fetch(&fz_live, (int64_t)__sanitizer_get_allocated_size(p), __ATOMIC_RELAXED);
}

static inline void fz_install_hooks(void) {
  static int done;
  if (!done) __sanitizer_install_malloc_and_free_hooks(fz_malloc_hook, fz_free_hook);
  done = 1;
}

/* Starts counting the heap held on behalf of an input of `size` bytes. */
static inline void fz_begin(size_t size) {
  (void)size;
  fz_install_hooks();
  __atomic_store_n(&fz_live, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&fz_peak, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&fz_counting, 1, __ATOMIC_RELAXED);
}

/* Stops counting and applies the rule: at most 10 x basis + 64 MiB held at once. The
 * basis is the input's size, or for a compressed format that decoded, the larger of
 * that and the values it decoded to: docs/data.md lets such a file expand (within the
 * readers' caps) to the data it really holds, but not beyond it. */
static inline void fz_end_basis(size_t size, int64_t basis) {
  __atomic_store_n(&fz_counting, 0, __ATOMIC_RELAXED);
  int64_t peak = __atomic_load_n(&fz_peak, __ATOMIC_RELAXED);
  if (basis < (int64_t)size) basis = (int64_t)size;
  int64_t limit = 10 * basis + 64 * FZ_MIB;
  if (peak > limit)
    fz_finding("an input of %zu bytes held %lld bytes of heap at its peak, over the limit of 10 x %lld (the larger of "
               "its size and the values it decoded to) + 64 MiB = %lld",
               size, (long long)peak, (long long)basis, (long long)limit);
}

static inline void fz_end(size_t size) { fz_end_basis(size, (int64_t)size); }

/* ------------------------------------------------------------------ checks on results */
static inline stn_ctx *fz_ctx(void) {
  static stn_ctx *ctx;
  if (!ctx) {
    if (stn_ctx_create(&ctx) != STN_OK) fz_finding("stn_ctx_create: %s", stn_last_error());
    stn_set_num_threads(ctx, 1);
  }
  return ctx;
}

/* A refusal must leave a message naming the file. */
static inline void fz_refused(const char *fn, const char *path) {
  const char *msg = stn_last_error();
  if (!msg || !strstr(msg, path)) fz_finding("%s refused %s with a message that does not name it: \"%s\"", fn, path, msg ? msg : "(null)");
}

/* Sums n bytes, so that ASan checks every one is inside the buffer. */
static inline uint64_t fz_touch_bytes(const uint8_t *p, int64_t n) {
  uint64_t s = 0;
  for (int64_t i = 0; i < n; i++) s += p[i];
  return s;
}

/* Reads every element of a CPU tensor through its sizes and strides. */
static inline double fz_touch_tensor(const stn_tensor *t) {
  int64_t n = stn_tensor_numel(t);
  if (n == 0) return 0;
  if (!t->mem || !t->mem->data) fz_finding("a tensor of %lld elements has no storage", (long long)n);
  int64_t idx[STN_MAX_DIM] = {0};
  double s = 0;
  for (int64_t k = 0; k < n; k++) {
    int64_t off = t->offset;
    for (int d = 0; d < t->ndim; d++) off += idx[d] * t->strides[d];
    if (off < 0 || off >= t->mem->size)
      fz_finding("element %lld of a tensor lies at %lld, outside its storage of %lld floats", (long long)k, (long long)off,
                 (long long)t->mem->size);
    s += t->mem->data[off];
    for (int d = t->ndim - 1; d >= 0; d--) {
      if (++idx[d] < t->shape[d]) break;
      idx[d] = 0;
    }
  }
  return s;
}

/* A NaN read from a file must reach stn as a plain NaN: LuaJIT reads a float or double
 * NaN with a payload (sign and payload bits set) from memory as a value of another type
 * (nil, a light userdata, a prototype...), so the readers replace each NaN by the plain
 * one. Checks every element of a CPU tensor's storage span. */
static inline void fz_check_plain_nans(const stn_tensor *t) {
  int64_t n = stn_tensor_numel(t);
  if (n == 0 || !t->mem) return;
  const uint32_t *bits = (const uint32_t *)t->mem->data;
  for (int64_t i = 0; i < t->mem->size; i++) {
    uint32_t b = bits[i];
    if ((b & 0x7FFFFFFFu) > 0x7F800000u && b != 0x7FC00000u && b != 0xFFC00000u)
      fz_finding("element %lld of a tensor read from a file is a NaN with a payload (bits %08x)", (long long)i, b);
  }
}

static volatile double fz_sink;

#endif /* STN_FUZZ_H */
