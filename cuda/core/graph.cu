/* graph.cu: whole-step CUDA graphs: capture of the context's stream, instantiation,
 * replay and teardown. The allocator's side (which blocks a graph owns) is in
 * context.cu; the rule is in docs/design-notes.md. */
#include "common.cuh"

#include <stdlib.h>

extern "C" int stn_cuda_capturing(stn_ctx *ctx) { return ctx->cuda && ctx->cuda->capture ? 1 : 0; }

extern "C" stn_status stn_cuda_graph_begin(stn_ctx *ctx) {
  stn_cuda_state *s;
  STN_TRY(stn_cuda_state_get(ctx, &s));
  if (s->capture) return STN_FAIL(STN_ERR_ARG, "stn_cuda_graph_begin: a capture is already in progress");
  stn_cuda_graph *g = (stn_cuda_graph *)calloc(1, sizeof *g);
  if (!g) return STN_FAIL(STN_ERR_MEMORY, "stn_cuda_graph_begin: out of memory");
  /* thread-local: another thread's CUDA calls are not this capture's business */
  cudaError_t e = cudaStreamBeginCapture(s->stream, cudaStreamCaptureModeThreadLocal);
  if (e != cudaSuccess) {
    free(g);
    cudaGetLastError();
    return STN_FAIL(STN_ERR_CUDA, "stn_cuda_graph_begin: cudaStreamBeginCapture failed: %s", cudaGetErrorString(e));
  }
  g->rng_offset = ctx->offset;
  s->capture = g;
  return STN_OK;
}

/* Ends the capture on the stream (if CUDA still has one) and returns its graph, or NULL. */
static cudaError_t end_capture(stn_cuda_state *s, cudaGraph_t *graph) {
  *graph = NULL;
  cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
  cudaError_t e = cudaStreamIsCapturing(s->stream, &status);
  if (e == cudaSuccess && status != cudaStreamCaptureStatusNone) e = cudaStreamEndCapture(s->stream, graph);
  return e;
}

/* Frees the graphs destroyed while a capture was in progress. */
static void sweep_dead(stn_cuda_state *s) {
  for (stn_cuda_graph **p = &s->graphs; *p;) {
    stn_cuda_graph *g = *p;
    if (!g->dead) { p = &g->next; continue; }
    *p = g->next;
    cudaGraphExecDestroy(g->exec);
    stn_cuda_graph_release_blocks(s, g);
    free(g);
  }
}

/* Drops the capture in progress: its pool goes back (no graph refers to it). */
static void discard_capture(stn_cuda_state *s) {
  stn_cuda_graph *g = s->capture;
  s->capture = NULL;
  stn_cuda_graph_release_blocks(s, g);
  free(g);
  sweep_dead(s);
}

extern "C" void stn_cuda_graph_abort(stn_ctx *ctx) {
  stn_cuda_state *s = ctx->cuda;
  if (!s || !s->capture) return;
  cudaGraph_t graph;
  end_capture(s, &graph);
  if (graph) cudaGraphDestroy(graph);
  cudaGetLastError(); /* an invalidated capture leaves an error: it is reported by the failure that led here */
  discard_capture(s);
}

extern "C" stn_status stn_cuda_graph_end(stn_ctx *ctx, stn_cuda_graph **out) {
  *out = NULL;
  stn_cuda_state *s = ctx->cuda;
  if (!s || !s->capture) return STN_FAIL(STN_ERR_ARG, "stn_cuda_graph_end: no capture is in progress");
  stn_cuda_graph *g = s->capture;
  cudaGraph_t graph;
  cudaError_t e = end_capture(s, &graph);
  if (e != cudaSuccess || !graph) {
    if (graph) cudaGraphDestroy(graph);
    cudaGetLastError();
    discard_capture(s);
    return STN_FAIL(STN_ERR_CUDA, "stn_cuda_graph_end: the capture failed: %s",
                    e != cudaSuccess ? cudaGetErrorString(e) : "the stream was no longer being captured");
  }
  if (ctx->offset != g->rng_offset) {
    cudaGraphDestroy(graph);
    discard_capture(s);
    return STN_FAIL(STN_ERR_ARG, "stn_cuda_graph_end: the captured step drew random numbers (nn.Dropout, a random "
                    "fill, ...): every replay would draw the same ones, so it cannot be a CUDA graph");
  }
  if (!stn_cuda_graph_claim_live(s, g)) {
    cudaGraphDestroy(graph);
    discard_capture(s);
    return STN_FAIL(STN_ERR_MEMORY, "stn_cuda_graph_end: out of host memory for the graph's records");
  }
  e = cudaGraphInstantiate(&g->exec, graph, 0);
  cudaGraphDestroy(graph);
  if (e != cudaSuccess) {
    cudaGetLastError();
    discard_capture(s);
    return STN_FAIL(STN_ERR_CUDA, "stn_cuda_graph_end: cudaGraphInstantiate failed: %s", cudaGetErrorString(e));
  }
  s->capture = NULL;
  g->next = s->graphs;
  s->graphs = g;
  sweep_dead(s);
  *out = g;
  return STN_OK;
}

extern "C" stn_status stn_cuda_graph_launch(stn_ctx *ctx, stn_cuda_graph *graph) {
  stn_cuda_state *s;
  STN_TRY(stn_cuda_state_get(ctx, &s));
  if (!graph || graph->dead) return STN_FAIL(STN_ERR_ARG, "stn_cuda_graph_launch: the graph was destroyed");
  if (s->capture) return STN_FAIL(STN_ERR_ARG, "stn_cuda_graph_launch: cannot replay a graph while capturing one");
  STN_CUDA_CHECK(cudaGraphLaunch(graph->exec, s->stream));
  return STN_OK;
}

extern "C" void stn_cuda_graph_destroy(stn_ctx *ctx, stn_cuda_graph *graph) {
  stn_cuda_state *s = ctx->cuda;
  if (!s || !graph) return;
  if (s->capture) { /* (a collector may run during a capture) freed when it ends */
    graph->dead = 1;
    return;
  }
  for (stn_cuda_graph **p = &s->graphs; *p; p = &(*p)->next) {
    if (*p == graph) {
      *p = graph->next;
      /* a replay still queued finishes first: later work on the stream waits for it,
       * and the exec is released by the driver once it is done */
      cudaGraphExecDestroy(graph->exec);
      stn_cuda_graph_release_blocks(s, graph);
      free(graph);
      return;
    }
  }
}
