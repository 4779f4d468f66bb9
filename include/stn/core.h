/* stn/core.h: the base: status and errors, the context, storages and tensors, copies, element-wise ops, reductions, indexing, matrix products, random numbers.
 * Part of libstn's public API (include/stn.h includes every part). The block between
 * STN_CDEF_BEGIN and STN_CDEF_END goes verbatim (minus STN_API) to LuaJIT's ffi.cdef, so
 * it holds declarations only: no preprocessor lines, no macros but STN_API. */
#ifndef STN_CORE_H
#define STN_CORE_H

#include <stdint.h>

#if defined(__GNUC__)
#define STN_API __attribute__((visibility("default")))
#else
#define STN_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* STN_CDEF_BEGIN */

/* ------------------------------------------------------------------ status */
typedef enum stn_status {
  STN_OK = 0,
  STN_ERR_ARG = 1,      /* a bad argument: wrong size, shape, dim, index, flag */
  STN_ERR_DEVICE = 2,   /* tensors on different devices, or no CUDA device */
  STN_ERR_MEMORY = 3,   /* an allocation failed */
  STN_ERR_CUDA = 4,     /* a CUDA or cuBLAS call failed */
  STN_ERR_IO = 5,       /* a file could not be read or written, or is corrupt */
  STN_ERR_INTERNAL = 6
} stn_status;

/* Message of the last failure on this thread: "function: what (file:line)". */
STN_API const char *stn_last_error(void);
STN_API const char *stn_status_string(stn_status status);
STN_API const char *stn_version(void);
/* The declarations of this header as text for LuaJIT's ffi.cdef. */
STN_API const char *stn_cdef(void);

/* ------------------------------------------------------------------ context */
enum { STN_CPU = 0, STN_CUDA = 1 };
enum { STN_MAX_DIM = 8 };
/* The largest tensor or storage: 2^48 elements. Every size, offset and span below it is
 * exact in a Lua number and in int64 arithmetic, so products and sums never wrap. */
enum { STN_MAX_NUMEL_LOG2 = 48 };

/* Thread count, random generator, and (lazily) the CUDA stream, cuBLAS handle and
 * caching allocator. Opaque; one per process is the normal use. */
typedef struct stn_ctx stn_ctx;

STN_API stn_status stn_ctx_create(stn_ctx **out);
STN_API void stn_ctx_destroy(stn_ctx *ctx);
/* Sets OpenMP's and OpenBLAS's thread counts together. */
STN_API stn_status stn_set_num_threads(stn_ctx *ctx, int n);
STN_API int stn_get_num_threads(stn_ctx *ctx);

/* Wall-clock seconds from a monotonic clock, for timings (os.clock is CPU time,
 * which counts every thread). */
STN_API double stn_wall_seconds(void);

/* Instruction-set paths of the CPU kernels, in order: every path computes the same
 * results (bit for bit where a spec says so); a faster one is picked at run time. */
typedef enum { STN_ISA_GENERIC = 0, STN_ISA_AVX2 = 1, STN_ISA_AVX512 = 2 } stn_isa;
/* The best path this CPU can run (cpuid, read once). AVX2 means AVX2 + FMA; AVX512 means
 * AVX-512 F, VL, BW and DQ (x86-64-v4). */
STN_API int stn_cpu_isa_supported(void);
/* The path the kernels use now: the best supported, unless stn_cpu_set_isa chose another. */
STN_API int stn_cpu_isa(void);
/* Makes every kernel use path isa (a test aid, process-wide): an error when isa is not a
 * path or the CPU cannot run it. Not to be called while kernels run. */
STN_API stn_status stn_cpu_set_isa(stn_ctx *ctx, int isa);
/* "generic", "avx2", "avx512"; NULL for a value that is no path. */
STN_API const char *stn_cpu_isa_name(int isa);
/* The processor's brand string from cpuid (e.g. "AMD EPYC 9R14 96-Core Processor"),
 * trimmed, into name (up to len bytes, NUL-terminated); "unknown" where cpuid lacks it. */
STN_API void stn_cpu_model(char *name, int len);

/* 1 when the library was built with nvcc. */
STN_API int stn_cuda_compiled(void);
/* Number of usable CUDA devices: 0 (not an error) without a GPU or driver.
 * reason, when not NULL, receives why there is none (up to len bytes). */
STN_API int stn_cuda_device_count(char *reason, int len);
STN_API stn_status stn_cuda_device_name(int device, char *name, int len);
/* Waits for all work queued on the context's stream. */
STN_API stn_status stn_cuda_synchronize(stn_ctx *ctx);
/* Bytes held by the caching allocator: in use by storages, and cached for reuse. */
STN_API stn_status stn_cuda_memory_stats(stn_ctx *ctx, int64_t *in_use, int64_t *cached);
/* Returns every cached, unused block to the driver (blocks a live CUDA graph owns stay). */
STN_API stn_status stn_cuda_empty_cache(stn_ctx *ctx);

/* The caching allocator's counters (bytes are the rounded sizes it hands out, the cuBLAS
 * workspace included): what storages hold now, what is freed and kept (graph pools
 * included), the most held at once since the start or the last reset (PyTorch's
 * max_memory_allocated), and the cudaMalloc calls made so far. */
typedef struct stn_cuda_memory {
  int64_t in_use;
  int64_t cached;
  int64_t peak_in_use;
  int64_t malloc_calls;
} stn_cuda_memory;
/* Fills out; an error without a CUDA device (or in a build without CUDA). */
STN_API stn_status stn_cuda_memory_info(stn_ctx *ctx, stn_cuda_memory *out);
/* Sets peak_in_use to what is in use now (PyTorch's reset_peak_memory_stats). */
STN_API stn_status stn_cuda_reset_peak_memory(stn_ctx *ctx);

/* The math of the CUDA matrix products (and so of the convolutions, which run through
 * them), as PyTorch's allow_tf32 / autocast: STN_PRECISION_FP32 (the default: fp32
 * throughout), STN_PRECISION_TF32 (cuBLAS may use TF32 tensor cores: inputs rounded to
 * 10-bit mantissas, fp32 accumulation), STN_PRECISION_BF16 (not implemented yet: an
 * error). CPU results are fp32 whatever the setting. Every mode is deterministic. */
typedef enum { STN_PRECISION_FP32 = 0, STN_PRECISION_TF32 = 1, STN_PRECISION_BF16 = 2 } stn_precision;
STN_API stn_status stn_set_precision(stn_ctx *ctx, int precision);
STN_API int stn_get_precision(stn_ctx *ctx);

/* Whole-step CUDA graphs. stn_cuda_graph_begin starts capturing the work queued on the
 * context's stream (nothing runs while capturing); stn_cuda_graph_end stops and makes a
 * graph that stn_cuda_graph_launch replays (queued on the stream, as any op). While
 * capturing, whatever would wait for the GPU fails naming itself (a copy to or from
 * host memory, a value read on the host, stn_cuda_synchronize, stn_cuda_empty_cache),
 * and so does an allocation the cache cannot serve (no cudaMalloc in a capture: run the
 * step once before capturing it). A capture that drew random numbers is refused (a
 * replay would draw the same ones). After a failure call stn_cuda_graph_abort, which
 * ends the capture and discards it. stn_cuda_graph_destroy frees a graph and gives its
 * blocks back to the cache. */
typedef struct stn_cuda_graph stn_cuda_graph;
STN_API stn_status stn_cuda_graph_begin(stn_ctx *ctx);
STN_API stn_status stn_cuda_graph_end(stn_ctx *ctx, stn_cuda_graph **out);
STN_API void stn_cuda_graph_abort(stn_ctx *ctx);
STN_API stn_status stn_cuda_graph_launch(stn_ctx *ctx, stn_cuda_graph *graph);
STN_API void stn_cuda_graph_destroy(stn_ctx *ctx, stn_cuda_graph *graph);
/* 1 while the context's stream is being captured. */
STN_API int stn_cuda_capturing(stn_ctx *ctx);

/* ------------------------------------------------------------------ element types */
/* Torch7's tensor types by element: Float (stn's default, and the only one the CUDA
 * kernels compute in), Double, Long (int64: indices), Int (int32), Byte (uint8: masks),
 * Char (int8) and Short (int16); and two 16-bit float storage types, Half (IEEE
 * binary16, Torch7's and cutorch's HalfTensor) and BFloat16 (PyTorch's): kept as raw
 * 16-bit patterns, computed in float. Only copies (conversions), fill and the spatial
 * transformer's samplers and grid generators take them; every other op refuses them by
 * name. Float is 0, so a zero-filled tensor or storage is a float one. The codes are
 * stored in stn files (format version 2): never renumber them. */
typedef enum stn_dtype {
  STN_FLOAT = 0, STN_DOUBLE = 1, STN_LONG = 2, STN_INT = 3, STN_BYTE = 4, STN_CHAR = 5, STN_SHORT = 6,
  STN_HALF = 7, STN_BFLOAT16 = 8,
  STN_NUM_DTYPES
} stn_dtype;
/* Bytes per element (0 for an unknown type) and the Torch7 name ("Float", "Long", ...;
 * "unknown" for an unknown type). */
STN_API int stn_dtype_size(int dtype);
STN_API const char *stn_dtype_name(int dtype);
/* The bits of v rounded to dtype (STN_HALF or STN_BFLOAT16; 0 for another type): to
 * nearest, ties to even, once (not through float); Half overflows to an infinity beyond
 * 65504 and keeps subnormals; a NaN stays a NaN. */
STN_API uint16_t stn_half_bits(int dtype, double v);
/* The value of the 16-bit pattern bits of dtype (STN_HALF or STN_BFLOAT16), exactly
 * (NaN for another type). */
STN_API float stn_half_value(int dtype, uint16_t bits);

/* ------------------------------------------------------------------ storage and tensors */
typedef struct stn_storage {
  union {               /* host or device memory: size elements of type dtype */
    float *data;        /* STN_FLOAT */
    double *f64;        /* STN_DOUBLE */
    int64_t *i64;       /* STN_LONG */
    int32_t *i32;       /* STN_INT */
    uint8_t *u8;        /* STN_BYTE */
    int8_t *i8;         /* STN_CHAR */
    int16_t *i16;       /* STN_SHORT */
    uint16_t *u16;      /* STN_HALF, STN_BFLOAT16: the raw 16-bit patterns */
    void *ptr;
  };
  int64_t size;
  int32_t refcount;
  int32_t device;       /* STN_CPU or STN_CUDA */
  stn_ctx *ctx;         /* owner of the allocator the memory came from */
  int32_t dtype;        /* stn_dtype */
} stn_storage;

/* A view. Field names stay clear of the Lua methods (size, dim, stride, storage, type)
 * because the Lua Tensor is this struct itself. Element (i0, i1, ...) is element
 * offset + sum_k ik * strides[k] of its storage, whose dtype is the tensor's.
 * A zero-filled stn_tensor is a valid empty float CPU tensor (ndim 0, no storage). */
typedef struct stn_tensor {
  stn_storage *mem;     /* NULL while empty */
  int64_t offset;
  int32_t ndim;
  int32_t device;
  int64_t shape[STN_MAX_DIM];
  int64_t strides[STN_MAX_DIM];
  int32_t dtype;        /* stn_dtype: kept while the tensor is empty too */
} stn_tensor;

/* A storage of size elements of type dtype on device. */
STN_API stn_status stn_storage_new(stn_ctx *ctx, int32_t device, int32_t dtype, int64_t size, stn_storage **out);
STN_API void stn_storage_retain(stn_storage *s);
STN_API void stn_storage_release(stn_storage *s);
/* Grows (never shrinks) s in place, keeping its contents; views see the new memory. */
STN_API stn_status stn_storage_grow(stn_storage *s, int64_t size);
/* Gives s exactly size elements in place (Torch7's Storage:resize), keeping the first
 * min(old, new) of them; views see the new memory, and one that now reaches past the end
 * is refused by the next op that checks it. */
STN_API stn_status stn_storage_resize(stn_storage *s, int64_t size);
/* Bytes held by live storages on both devices. The Lua side collects garbage when they
 * grow (lua/stn/Tensor.lua), since LuaJIT's collector cannot see this memory behind its
 * small tensors. */
STN_API double stn_storage_bytes(void);
/* Frees the CPU blocks kept for reuse (freed storages of 256 KB or more, 256 MB at most). */
STN_API void stn_host_empty_cache(void);

/* Makes t a dim-D tensor of the given sizes, contiguous unless it already has that
 * shape, keeping t's storage (grown if too small), device and dtype. dim 0 empties t. */
STN_API stn_status stn_tensor_resize(stn_ctx *ctx, stn_tensor *t, int32_t dim, const int64_t *size);
/* t becomes a view of src (same storage, offset, sizes and strides). */
STN_API void stn_tensor_set(stn_tensor *t, const stn_tensor *src);
/* Drops t's reference to its storage; t becomes empty. For finalizers. */
STN_API void stn_tensor_release(stn_tensor *t);
STN_API int64_t stn_tensor_numel(const stn_tensor *t);
STN_API int stn_tensor_is_contiguous(const stn_tensor *t);

/* ------------------------------------------------------------------ copy and element-wise ops */
/* dst <- src: same number of elements, any layouts, any devices, any two element types
 * (row-major order). Into an integer type a value is truncated toward zero and wraps
 * modulo 2^bits (as Torch7's conversions do: -1.5 -> Byte 255, Long 300 -> Byte 44); a
 * NaN, an infinity or a value beyond int64 has no integer and is an error (STN_ERR_ARG).
 * Into Half or BFloat16 a value is rounded to nearest even once (stn_half_bits); out of
 * them it is the exact float value. */
STN_API stn_status stn_copy(stn_ctx *ctx, stn_tensor *dst, const stn_tensor *src);

/* Element types (Torch7's rule): every op runs on Float and Double; on the integer types
 * (Long, Int, Byte, Char, Short) only fill, add/mul/div by a number, sign, clamp, fmod,
 * remainder and the comparisons (abs and neg on all but Byte too); other ops on those types fail naming
 * the op and the type. a (and b, c) must share one type; the result has that type, but
 * a comparison may also write a Byte result. The numbers p, q are doubles: Float ops
 * round them to float first (float results as float arithmetic gives them), Double ops
 * use them as they are, integer ops truncate them toward zero as Torch7 does; a term or
 * factor of the wrapping arithmetic (STN_ADD_SCALAR, STN_MUL_SCALAR, the p of stn_binary
 * and stn_ternary) is taken modulo 2^bits as Torch7's conversion wraps it, any other
 * number that does not fit the type is refused. Integer arithmetic is C's (division and % truncate
 * toward zero) and wraps on overflow as Torch7's; an integer division by zero fails.
 * On CUDA: float tensors, a fill of any type, and float comparisons into CudaByte.
 *
 * out <- f(a; p, q). out is resized to a's shape (a may be out). STN_FILL ignores a. */
typedef enum stn_unary_op {
  STN_FILL = 0,       /* p */
  STN_ADD_SCALAR,     /* a + p */
  STN_MUL_SCALAR,     /* a * p */
  STN_DIV_SCALAR,     /* a / p */
  STN_ABS, STN_SQRT, STN_EXP, STN_LOG, STN_NEG, STN_SIGN,
  STN_TANH, STN_SIGMOID, STN_FLOOR, STN_CEIL, STN_ROUND,
  STN_POW_SCALAR,     /* a ^ p */
  STN_RPOW_SCALAR,    /* p ^ a */
  STN_CLAMP,          /* min(max(a, p), q) */
  STN_EQ_SCALAR, STN_NE_SCALAR, STN_GT_SCALAR, STN_LT_SCALAR, STN_GE_SCALAR, STN_LE_SCALAR,
  STN_SIN, STN_COS, STN_TAN, STN_ASIN, STN_ACOS, STN_ATAN, STN_SINH, STN_COSH,
  STN_FMOD_SCALAR,      /* C's fmod(a, p): the sign of a */
  STN_REMAINDER_SCALAR, /* a - p * floor(a / p), NaN for p = 0: the sign of p */
  STN_TRUNC,            /* a rounded toward zero */
  STN_FRAC,             /* a - trunc(a) */
  STN_LOG1P,            /* log(1 + a) */
  STN_RSQRT,            /* 1 / sqrt(a) */
  STN_CINV              /* 1 / a */
} stn_unary_op;
STN_API stn_status stn_unary(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int op, double p, double q);

/* out <- a (op) b, a and b with the same number of elements; out resized to a's shape. */
typedef enum stn_binary_op {
  STN_ADD = 0,        /* a + p * b */
  STN_CMUL,           /* a * b */
  STN_CDIV,           /* a / b */
  STN_CPOW,           /* a ^ b */
  STN_CMAX, STN_CMIN,
  STN_EQ, STN_NE, STN_GT, STN_LT, STN_GE, STN_LE, /* 1 or 0 */
  STN_ATAN2,          /* atan2(a, b) */
  STN_CFMOD,          /* fmod(a, b) */
  STN_CREMAINDER,     /* a - b * floor(a / b), NaN where b = 0 */
  STN_LERP            /* a + p * (b - a) */
} stn_binary_op;
STN_API stn_status stn_binary(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, const stn_tensor *b, int op, double p);

/* out <- a + p * b * c  (STN_ADDCMUL)  or  a + p * b / c  (STN_ADDCDIV). */
typedef enum stn_ternary_op { STN_ADDCMUL = 0, STN_ADDCDIV } stn_ternary_op;
STN_API stn_status stn_ternary(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, const stn_tensor *b, const stn_tensor *c, int op, double p);

/* ------------------------------------------------------------------ reductions */
typedef enum stn_reduce_op { STN_SUM = 0, STN_MEAN, STN_VAR, STN_STD, STN_MAX, STN_MIN, STN_PROD, STN_NORM2 } stn_reduce_op;
/* Over all elements; biased selects the 1/n variance (else 1/(n-1)). Types: every op on
 * Float and Double (accumulated in double); SUM, PROD, MAX and MIN on the integer types
 * too (sums and products in int64_t, wrapping around on overflow), the others refused
 * there as in Torch7; CUDA: Float only. The result is a double whatever a's type. */
STN_API stn_status stn_reduce_all(stn_ctx *ctx, const stn_tensor *a, int op, int biased, double *result);
/* Along dim (0-based); out (of a's type) and indices (for MAX/MIN, when not NULL; a Long
 * tensor, as Torch7's) are resized to a's shape with size 1 at dim. indices receive
 * 1-based positions. Types as stn_reduce_all; an integer sum or product is cast to a's
 * type from its int64_t accumulator. */
STN_API stn_status stn_reduce_dim(stn_ctx *ctx, stn_tensor *out, stn_tensor *indices, const stn_tensor *a, int dim, int op, int biased);

/* ------------------------------------------------------------------ cumulative scans */
typedef enum stn_scan_op { STN_CUMSUM = 0, STN_CUMPROD } stn_scan_op;
/* out <- the running sums (products) of a along dim (0-based), each line walked from its
 * first element with the running value in Torch7's accreal (double for Float and Double,
 * int64_t for the integer types), cast to a's type at each step. out, of a's type, is
 * resized to a's shape; it may be a (or share its storage). CUDA: Float only. */
STN_API stn_status stn_scan(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int dim, int op);

/* ------------------------------------------------------------------ indexing */
/* Torch7's indexing ops, on every element type. Dims are 0-based; the values of an index
 * tensor are 1-based positions, as Torch7's (and as stn_sort and the max/min indices
 * give them), in a Long tensor on the device of the tensors it indexes. A position out of
 * range fails naming the function, the entry and the value; nothing is read or written
 * outside a tensor. Masks are Byte tensors of 0 and 1 (another value is an error),
 * paired with the tensor they mask element by element in row-major order (the same
 * element count, any shapes). Fill values are doubles that must fit the tensor's type. */
/* out <- a's slices index[0..n-1] along dim (index: 1-D); out has n slices there. */
STN_API stn_status stn_index_select(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a, int dim, const stn_tensor *index);
/* dst's slice index[k] along dim <- src's slice k (a repeated index: the last wins). */
STN_API stn_status stn_index_copy(stn_ctx *ctx, stn_tensor *dst, int dim, const stn_tensor *index, const stn_tensor *src);
/* dst's slice index[k] along dim += src's slice k (a repeated index adds each time). */
STN_API stn_status stn_index_add(stn_ctx *ctx, stn_tensor *dst, int dim, const stn_tensor *index, const stn_tensor *src);
/* dst's slices index[k] along dim <- value. */
STN_API stn_status stn_index_fill(stn_ctx *ctx, stn_tensor *dst, int dim, const stn_tensor *index, double value);
/* out (resized to index's shape) <- src at index along dim: out[i][j] = src[index[i][j]][j]
 * for dim 0. index has src's dims, with src's sizes except at dim. */
STN_API stn_status stn_gather(stn_ctx *ctx, stn_tensor *out, const stn_tensor *src, int dim, const stn_tensor *index);
/* dst at index along dim <- src: dst[index[i][j]][j] = src[i][j] for dim 0. dst, index and
 * src have the same sizes except at dim, where src has at least index's. In each line a
 * repeated position keeps the last write. */
STN_API stn_status stn_scatter(stn_ctx *ctx, stn_tensor *dst, int dim, const stn_tensor *index, const stn_tensor *src);
STN_API stn_status stn_scatter_fill(stn_ctx *ctx, stn_tensor *dst, int dim, const stn_tensor *index, double value);
/* t <- value where mask is 1. */
STN_API stn_status stn_masked_fill(stn_ctx *ctx, stn_tensor *t, const stn_tensor *mask, double value);
/* t's elements where mask is 1 <- src's first elements, in row-major order (src has at
 * least as many elements as mask has ones). */
STN_API stn_status stn_masked_copy(stn_ctx *ctx, stn_tensor *t, const stn_tensor *mask, const stn_tensor *src);
/* out (1-D) <- src's elements where mask is 1, in row-major order. */
STN_API stn_status stn_masked_select(stn_ctx *ctx, stn_tensor *out, const stn_tensor *src, const stn_tensor *mask);
/* out (Long, n x a's dims) <- the 1-based subscripts of a's n non-zero elements, in
 * row-major order (on CUDA through the host). */
STN_API stn_status stn_nonzero(stn_ctx *ctx, stn_tensor *out, const stn_tensor *a);
/* *result <- 1 if every (stn_logical_all) / some (stn_logical_any) element of the Byte
 * tensor mask is non-zero, else 0; an empty tensor is all (1) and not any (0). */
STN_API stn_status stn_logical_all(stn_ctx *ctx, const stn_tensor *mask, int *result);
STN_API stn_status stn_logical_any(stn_ctx *ctx, const stn_tensor *mask, int *result);

/* ------------------------------------------------------------------ sorting and selection */
/* One order for all of them, per line along dim: ascending by value, a NaN after every
 * number, equal values by position (a stable sort; descending reverses the values'
 * order, not the positions': equal values still come in ascending position). Values
 * keep a's type; indices are a Long tensor of 1-based positions along dim. CUDA tensors
 * go through the host (copied, done on the CPU, copied back). */
/* values, indices <- a sorted along dim (same shape as a). */
STN_API stn_status stn_sort(stn_ctx *ctx, stn_tensor *values, stn_tensor *indices, const stn_tensor *a, int dim, int descending);
/* The k smallest (largest: the k largest) along dim, in sorted order (size k at dim). */
STN_API stn_status stn_topk(stn_ctx *ctx, stn_tensor *values, stn_tensor *indices, const stn_tensor *a, int64_t k, int dim, int largest);
/* The k-th smallest along dim (k 1-based): the k-th of stn_sort's line (size 1 at dim). */
STN_API stn_status stn_kthvalue(stn_ctx *ctx, stn_tensor *values, stn_tensor *indices, const stn_tensor *a, int64_t k, int dim);
/* The kthvalue with k = (n + 1) / 2 rounded down: the lower of the two middle values of
 * an even count, as Torch7's median. */
STN_API stn_status stn_median(stn_ctx *ctx, stn_tensor *values, stn_tensor *indices, const stn_tensor *a, int dim);
/* The most frequent value along dim (a tie: the smallest) and the last position where it
 * occurs, as Torch7's mode (size 1 at dim). */
STN_API stn_status stn_mode(stn_ctx *ctx, stn_tensor *values, stn_tensor *indices, const stn_tensor *a, int dim);

/* ------------------------------------------------------------------ matrix products */
/* out <- beta * m + alpha * a @ b; a: n x k, b: k x p, m: n x p or NULL (then beta is 0).
 * m may be out. Any strides; out is resized to n x p. Float (beta and alpha rounded to
 * float) or Double on the CPU, every operand of one type; Float only on CUDA. */
STN_API stn_status stn_addmm(stn_ctx *ctx, stn_tensor *out, double beta, const stn_tensor *m, double alpha, const stn_tensor *a, const stn_tensor *b);
/* Batched: a: B x n x k, b: B x k x p, m: B x n x p or NULL. Types as stn_addmm. */
STN_API stn_status stn_baddbmm(stn_ctx *ctx, stn_tensor *out, double beta, const stn_tensor *m, double alpha, const stn_tensor *a, const stn_tensor *b);
/* out <- beta * v + alpha * mat @ vec; mat: n x k, vec: k, v: n or NULL. Types as stn_addmm. */
STN_API stn_status stn_addmv(stn_ctx *ctx, stn_tensor *out, double beta, const stn_tensor *v, double alpha, const stn_tensor *mat, const stn_tensor *vec);

/* ------------------------------------------------------------------ random numbers */
/* One counter-based generator (Philox4x32-10) per context: the k-th number drawn
 * after a seed is the same on the CPU and on CUDA, run after run. */
STN_API void stn_manual_seed(stn_ctx *ctx, uint64_t seed);
STN_API void stn_rng_get_state(stn_ctx *ctx, uint64_t *seed, uint64_t *offset);
STN_API void stn_rng_set_state(stn_ctx *ctx, uint64_t seed, uint64_t offset);
/* Element types: uniform, normal, logNormal, exponential and cauchy fill Float and Double
 * tensors; random, bernoulli and geometric every type (as Torch7). Element i draws the
 * same generator words whatever the type: a Float tensor computes in float from the
 * parameters rounded to float (as before), a Double one in double from the same uniform
 * numbers (24 random bits each), so it holds the double-precision value of the Float
 * tensor's draw, not more random bits; integer types hold the integers drawn. A draw
 * that does not fit an integer type (geometric) fails. CUDA: float tensors only. */
STN_API stn_status stn_uniform(stn_ctx *ctx, stn_tensor *t, double lo, double hi);
STN_API stn_status stn_normal(stn_ctx *ctx, stn_tensor *t, double mean, double stdv);
STN_API stn_status stn_bernoulli(stn_ctx *ctx, stn_tensor *t, double p);
/* t[i] <- 1 with probability p[i] (p: t's element count, paired in row-major order,
 * values in [0, 1], a Float or Double tensor for any t), else 0; equal probabilities
 * draw what stn_bernoulli draws. */
STN_API stn_status stn_bernoulli_tensor(stn_ctx *ctx, stn_tensor *t, const stn_tensor *p);
/* t <- integers uniform in [lo, hi]; lo and hi within +-2^24 for Float (exact in
 * float), +-2^53 for Double, the type's range for the integer types. */
STN_API stn_status stn_random_int(stn_ctx *ctx, stn_tensor *t, int64_t lo, int64_t hi);
/* Torch7's other distributions (every parameter finite): log-normal, exp of a normal of
 * mean `mean` and standard deviation `stdv` > 0 (the underlying normal's, as Torch7);
 * exponential of rate `lambda` > 0 (values >= 0, mean 1 / lambda); Cauchy of median
 * `median` and scale `sigma`; geometric, integers k >= 1 with probability
 * (1 - p) p^(k - 1) for p in (0, 1) (Torch7's meaning of p: mean 1 / (1 - p)). */
STN_API stn_status stn_log_normal(stn_ctx *ctx, stn_tensor *t, double mean, double stdv);
STN_API stn_status stn_exponential(stn_ctx *ctx, stn_tensor *t, double lambda);
STN_API stn_status stn_cauchy(stn_ctx *ctx, stn_tensor *t, double median, double sigma);
STN_API stn_status stn_geometric(stn_ctx *ctx, stn_tensor *t, double p);
/* out <- a random permutation of 1..n (CPU, out of any type that holds n exactly:
 * n <= 2^24 for Float, 127 for Char, 255 for Byte, 32767 for Short, 2^31 - 1 for Int,
 * 2^32 for Double and Long). */
STN_API stn_status stn_randperm(stn_ctx *ctx, stn_tensor *out, int64_t n);
/* Torch7's multinomial: out (Long) <- n category indices (1-based) drawn from each row of
 * p (Float or Double, CPU; 1-D: one distribution and out 1-D of n; 2-D: one per row and
 * out rows x n), the entries weights (finite, >= 0, a row summing above 0), with or
 * without replacement (then n at most the categories of non-zero weight). Draw k
 * (row-major) is uniform number k of the generator. */
STN_API stn_status stn_multinomial(stn_ctx *ctx, stn_tensor *out, const stn_tensor *p, int64_t n, int replacement);

/* STN_CDEF_END */

#ifdef __cplusplus
}
#endif
#endif /* STN_CORE_H */
