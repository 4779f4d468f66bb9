/* allocator_test.cpp: the caching allocator's counters and reuse, and the rule that a
 * CUDA graph keeps every block live during its capture (docs/design-notes.md, "CUDA
 * graphs and the caching allocator"), against the fake runtime of cuda_stubs.cpp. Run by
 * run.sh; prints "allocator mock test ok" or the failed checks. */
#include "core/context.h"
#include "core/cuda_services.h"
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
extern "C" const char *stn_last_error(void);
extern int g_mallocs, g_frees, g_capturing, g_launches;
static int fails;
#define CHECK(c) do { if (!(c)) { fails++; fprintf(stderr, "line %d: %s failed (%s)\n", __LINE__, #c, stn_last_error()); } } while (0)
static stn_cuda_memory mem(stn_ctx *ctx) { stn_cuda_memory m; CHECK(stn_cuda_memory_info(ctx, &m) == STN_OK); return m; }
static void *A(stn_ctx *ctx, int64_t n) { void *p = NULL; CHECK(stn_cuda_alloc(ctx, &p, n) == STN_OK); return p; }

int main() {
  stn_ctx *ctx = (stn_ctx *)calloc(1, sizeof *ctx);
  // counters, reuse, peak
  stn_cuda_memory m0 = mem(ctx); // creates the state: the workspace (32 MiB) is in use
  CHECK(m0.in_use == 32 << 20 && m0.malloc_calls == 1 && m0.peak_in_use == m0.in_use && m0.cached == 0);
  void *a = A(ctx, 1000);
  CHECK(mem(ctx).in_use == m0.in_use + 1024 && mem(ctx).malloc_calls == 2);
  stn_cuda_free(ctx, a, 1000);
  CHECK(mem(ctx).cached == 1024 && mem(ctx).peak_in_use == m0.in_use + 1024);
  void *a2 = A(ctx, 900);
  CHECK(a2 == a && mem(ctx).malloc_calls == 2);
  CHECK(stn_cuda_reset_peak_memory(ctx) == STN_OK && mem(ctx).peak_in_use == mem(ctx).in_use);
  stn_cuda_free(ctx, a2, 900);

  // a graph: X live across the capture; T a temporary of the warm-up, reused and freed in the capture
  void *x = A(ctx, 5000);
  void *t = A(ctx, 3000);
  stn_cuda_free(ctx, t, 3000); // the warm-up's temporary, cached
  CHECK(stn_cuda_graph_begin(ctx) == STN_OK && stn_cuda_capturing(ctx) == 1);
  int mallocs = g_mallocs;
  void *t1 = A(ctx, 3000);
  CHECK(t1 == t);
  stn_cuda_free(ctx, t1, 3000);
  void *t2 = A(ctx, 3000);
  CHECK(t2 == t); // from the capture's own pool
  void *big = NULL;
  CHECK(stn_cuda_alloc(ctx, &big, 7 << 20) == STN_ERR_MEMORY && strstr(stn_last_error(), "no cached block"));
  char host[8];
  CHECK(stn_cuda_memcpy(ctx, host, STN_CPU, x, STN_CUDA, 8) != STN_OK && strstr(stn_last_error(), "to the host"));
  CHECK(stn_cuda_memcpy(ctx, x, STN_CUDA, host, STN_CPU, 8) != STN_OK && strstr(stn_last_error(), "from host memory"));
  CHECK(stn_cuda_memcpy(ctx, x, STN_CUDA, t2, STN_CUDA, 8) == STN_OK);
  CHECK(stn_cuda_synchronize(ctx) != STN_OK && stn_cuda_empty_cache(ctx) != STN_OK);
  stn_cuda_free(ctx, t2, 3000); // freed during the capture: the graph's
  CHECK(g_mallocs == mallocs);
  stn_cuda_graph *g = NULL;
  CHECK(stn_cuda_graph_end(ctx, &g) == STN_OK && g && stn_cuda_capturing(ctx) == 0);
  // after: neither T's block nor X's (freed later) may go to anyone else
  void *u = A(ctx, 3000);
  CHECK(u != t);
  stn_cuda_free(ctx, x, 5000); // X, live during the capture, freed now: kept for g
  void *v = A(ctx, 5000);
  CHECK(v != x);
  CHECK(stn_cuda_graph_launch(ctx, g) == STN_OK && g_launches == 1);
  // a second graph that also sees v (live) and u
  CHECK(stn_cuda_graph_begin(ctx) == STN_OK);
  stn_cuda_graph *g2 = NULL;
  stn_cuda_graph_destroy(ctx, g); // during a capture: deferred
  CHECK(stn_cuda_graph_launch(ctx, g) != STN_OK); // (a graph being destroyed, or a capture in progress)
  CHECK(stn_cuda_graph_end(ctx, &g2) == STN_OK); // g released now: T and X back to the cache
  void *t3 = A(ctx, 3000);
  void *x3 = A(ctx, 5000);
  CHECK(t3 == t && x3 == x);
  stn_cuda_free(ctx, v, 5000); // touched by g2 (live during its capture)
  void *v2 = A(ctx, 5000);
  CHECK(v2 != v);
  stn_cuda_graph_destroy(ctx, g2);
  void *v3 = A(ctx, 5000);
  CHECK(v3 == v);

  // random numbers drawn during a capture: refused, and the pool given back
  CHECK(stn_cuda_graph_begin(ctx) == STN_OK);
  stn_cuda_free(ctx, u, 3000);
  ctx->offset += 4;
  stn_cuda_graph *g3 = NULL;
  CHECK(stn_cuda_graph_end(ctx, &g3) == STN_ERR_ARG && strstr(stn_last_error(), "random") && !g3);
  CHECK(stn_cuda_capturing(ctx) == 0);
  void *u2 = A(ctx, 3000);
  CHECK(u2 == u); // the discarded capture's pool went back to the cache
  // an aborted capture
  CHECK(stn_cuda_graph_begin(ctx) == STN_OK);
  CHECK(stn_cuda_graph_begin(ctx) != STN_OK);
  stn_cuda_free(ctx, u2, 3000);
  stn_cuda_graph_abort(ctx);
  CHECK(stn_cuda_capturing(ctx) == 0 && A(ctx, 3000) == u);
  stn_cuda_graph_abort(ctx); // none: no effect
  CHECK(stn_cuda_graph_end(ctx, &g3) == STN_ERR_ARG);
  stn_cuda_memory m = mem(ctx);
  printf("in_use %lld cached %lld mallocs %d frees %d\n", (long long)m.in_use, (long long)m.cached, g_mallocs, g_frees);
  // many live blocks (the set grows) and a graph over them
  void *many[5000];
  for (int i = 0; i < 5000; i++) many[i] = A(ctx, 512 * (1 + i % 7));
  CHECK(stn_cuda_graph_begin(ctx) == STN_OK);
  stn_cuda_graph *g4 = NULL;
  CHECK(stn_cuda_graph_end(ctx, &g4) == STN_OK);
  for (int i = 0; i < 5000; i++) stn_cuda_free(ctx, many[i], 512 * (1 + i % 7));
  void *n1 = A(ctx, 512);
  bool fresh = true;
  for (int i = 0; i < 5000; i++) if (many[i] == n1) fresh = false;
  CHECK(fresh);
  stn_cuda_graph_destroy(ctx, g4);
  void *n2 = A(ctx, 512);
  bool reused = false;
  for (int i = 0; i < 5000; i++) if (many[i] == n2) reused = true;
  CHECK(reused);
  stn_cuda_free(ctx, n1, 512); stn_cuda_free(ctx, n2, 512);
  stn_cuda_state_destroy(ctx);
  free(ctx);
  printf("%s (%d failures)\n", fails ? "FAILED" : "allocator mock test ok", fails);
  return fails != 0;
}
