/* sampler_split.cu: the split variant of the CUDA samplers' image gradient
 * (STN_SAMPLER_BWD_SPLIT; cuda/sampler.cu has the slice kernel and picks between them).
 *
 * The slice kernel gives one block a whole (batch element, channel group) slice and
 * walks every output pixel of the element in it: few blocks, long and latency-bound.
 * Here a thread block cluster (sm_90) of S blocks shares the slice: block r takes a 1/S
 * run of the output pixels and holds, in its shared memory, the fixed-point gradient of
 * a 1/S run of the input pixels of every channel of the group. A term goes to the block
 * that holds its pixel, through distributed shared memory (local when it is the block
 * itself, which for transforms near the identity is the common case: output and input
 * runs line up). The scale comes from the maximum |gradOutput| of the whole slice,
 * gathered over the cluster, so every term is the integer the slice kernel adds, and
 * integer sums do not depend on order: the same bits as the slice kernel. No float
 * atomics, no global scratch for the image gradient. */
#include "sampler.cuh"

#include <cooperative_groups.h>
#include <string.h>

namespace cg = cooperative_groups;

#define SPLIT_THREADS 256
#define SPLIT_MAX 8
/* Output pixels per block at least (doubling S while a block keeps this many). */
#define SPLIT_MIN_PIXELS 512

/* Clusters exist from sm_90 on: the kernel is empty for older GPUs (never launched there). */
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 900
#define STN_SPLIT_KERNEL 1
/* Adds t to accumulator i of block owner of the cluster (this block r: its own shared
 * memory directly). */
__device__ __forceinline__ void split_add(cg::cluster_group &cluster, unsigned *lo, int *hi, int r, int owner, int i,
                                          long long t) {
  if (owner == r) fixed_add_at(lo + i, hi + i, t);
  else fixed_add_at(cluster.map_shared_rank(lo, owner) + i, cluster.map_shared_rank(hi, owner) + i, t);
}
#endif

/* One cluster per slice (clusters tile the 1-D grid: cluster blockIdx.x / S, rank
 * blockIdx.x % S). E: input pixels per block, ceil(H * W / S); block r holds pixels
 * [r E, r E + E) of each of the group's channels, low words then high words, channel
 * by channel (gsize * E of each). Grid gradient: final when groups == 1, else partial. */
__global__ void __launch_bounds__(SPLIT_THREADS, 4)
    sampler_backward_split_kernel(stn_sampler_geom g, const float *__restrict__ img, const float *__restrict__ grid,
                                  const float *__restrict__ gout, float *__restrict__ gimg, float *__restrict__ ggrid,
                                  float *__restrict__ partial, int gsize, int groups, int E) {
#if defined(__CUDA_ARCH__) && defined(STN_SPLIT_KERNEL)
  extern __shared__ unsigned split_lo[];
  __shared__ float wmax[SPLIT_THREADS / 32];
  __shared__ float cmax[2]; /* this block's max |gradOutput| and non-finite flag, read by the cluster */
  cg::cluster_group cluster = cg::this_cluster();
  const int S = (int)cluster.num_blocks(), r = (int)cluster.block_rank();
  const int slice = (int)(blockIdx.x / (unsigned)S), b = slice / groups, grp = slice - b * groups;
  const int c0 = grp * gsize, c1 = min((int)g.C, c0 + gsize), G = c1 - c0;
  const int HW = (int)(g.H * g.W), P = (int)(g.Ho * g.Wo);
  unsigned *lo = split_lo;
  int *hi = (int *)(split_lo + gsize * E);
  const int tid = threadIdx.x, nt = blockDim.x;
  const float *go = gout + b * g.out_b;

  for (int i = tid; i < G * E; i += nt) lo[i] = 0u, hi[i] = 0;

  /* this block's output pixels [pb, pe), and their maximum |gradOutput| */
  const int Pr = (P + S - 1) / S, pb = min(P, r * Pr), pe = min(P, pb + Pr), np = pe - pb;
  float m = 0.0f;
  int bad = 0;
  for (int e = tid; e < G * np; e += nt) {
    const int ch = g.channels_last ? c0 + e % G : c0 + e / np, p = pb + (g.channels_last ? e / G : e % np);
    const float v = fabsf(go[ch * g.out_c + p * g.out_p]);
    if (!(v <= FLT_MAX)) bad = 1;
    else m = fmaxf(m, v);
  }
  for (int off = 16; off > 0; off /= 2) m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, off));
  if ((tid & 31) == 0) wmax[tid / 32] = m;
  bad = __syncthreads_or(bad);
  if (tid == 0) {
    float bm = 0.0f;
    for (int w = 0; w < nt / 32; w++) bm = fmaxf(bm, wmax[w]);
    cmax[0] = bm;
    cmax[1] = bad ? 1.0f : 0.0f;
  }
  cluster.sync(); /* every block's accumulators zeroed and its maximum published */
  m = 0.0f;
  bad = 0;
  for (int q = 0; q < S; q++) {
    const float *qm = cluster.map_shared_rank(cmax, q);
    m = fmaxf(m, qm[0]);
    bad |= qm[1] != 0.0f;
  }
  const fixed_scaler sc = fixed_scaler_of(fixed_scale(m, P));

  const int ix = g.grid_xy ? 0 : 1, border = g.padding == STN_PADDING_BORDER;
  const float *in = img + b * g.img_b, *gb = grid + (int64_t)b * P * 2;
  /* each thread's next grid value is loaded one pixel ahead, so that its latency
   * overlaps the current pixel's work */
  float nx = 0.0f, ny = 0.0f;
  if (pb + tid < pe) nx = gb[2 * (pb + tid) + ix], ny = gb[2 * (pb + tid) + 1 - ix];
  for (int p = pb + tid; p < pe; p += nt) {
    const float vx = nx, vy = ny;
    if (p + nt < pe) nx = gb[2 * (p + nt) + ix], ny = gb[2 * (p + nt) + 1 - ix];
    /* corners as pixel indices (row stride W, pixel stride 1), as in the slice kernel */
    stn_corners c = stn_corners_of(vx, vy, (int)g.H, (int)g.W, (int)g.W, 1, g.align_corners, border);
    const int q0 = (int)c.off[0], q1 = (int)c.off[1], q2 = (int)c.off[2], q3 = (int)c.off[3];
    /* each corner's accumulators: in the block that holds its pixel */
    const int owner[4] = {q0 / E, q1 / E, q2 / E, q3 / E};
    float ax = 0.0f, ay = 0.0f;
    for (int ch = c0; ch < c1; ch++) {
      const float *ic = in + ch * g.img_c;
      const float v = __ldg(go + ch * g.out_c + p * g.out_p);
      const float a0 = __ldg(ic + q0 * g.img_x), a1 = __ldg(ic + q1 * g.img_x);
      const float a2 = __ldg(ic + q2 * g.img_x), a3 = __ldg(ic + q3 * g.img_x);
      const int base = (ch - c0) * E;
      backward_terms(c, v, a0, a1, a2, a3, ax, ay, bad, sc, [&](int j, long long t) {
        split_add(cluster, lo, hi, r, owner[j], base + c.off[j] - owner[j] * E, t);
      });
    }
    store_grid_result(g, ggrid, partial, b, grp, groups, P, p, ax, ay);
  }
  cluster.sync(); /* every term added, in every block; nothing remote is touched after this */

  /* fixed point -> float: this block's input pixels of every channel, in memory order */
  float *gi = gimg + b * g.img_b;
  const int e0 = r * E, ne = min(E, HW - e0);
  for (int i = tid; i < G * ne; i += nt) {
    const int chl = g.channels_last ? i % G : i / ne, pix = e0 + (g.channels_last ? i / G : i % ne);
    const int li = chl * E + (pix - e0);
    const float v = bad ? __int_as_float(0x7fc00000)
                        : fixed_down(sc, (long long)hi[li] * 4294967296LL + (long long)lo[li]);
    gi[(c0 + chl) * g.img_c + pix * g.img_x] = v;
  }
#endif
}

/* Compute capability and the opt-in shared memory of the device, asked once (the
 * kernel is opted in to that much dynamic shared memory). */
static stn_status split_device(stn_ctx *ctx, int *major, int64_t *limit) {
  static int cc = -1, optin = -1;
  if (cc < 0) {
    int m = 0, v = 0;
    STN_CUDA_CHECK(cudaDeviceGetAttribute(&m, cudaDevAttrComputeCapabilityMajor, ctx->cuda->device));
    STN_CUDA_CHECK(cudaDeviceGetAttribute(&v, cudaDevAttrMaxSharedMemoryPerBlockOptin, ctx->cuda->device));
    v -= 1024; /* room for the kernel's static shared memory */
    if (m >= 9)
      STN_CUDA_CHECK(cudaFuncSetAttribute(sampler_backward_split_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, v));
    optin = v;
    cc = m;
  }
  *major = cc;
  *limit = optin;
  return STN_OK;
}

stn_status stn_sampler_backward_split(stn_ctx *ctx, const stn_sampler_geom *g, const stn_tensor *images,
                                      const stn_tensor *grid, const stn_tensor *grad_output, stn_tensor *grad_images,
                                      stn_tensor *grad_grid, int64_t groups, int64_t gsize, int *done) {
  *done = 0;
  int major = 0;
  int64_t limit = 0;
  STN_TRY(split_device(ctx, &major, &limit));
  if (major < 9 || !grad_images) return STN_OK;
  const int64_t P = g->Ho * g->Wo, HW = g->H * g->W;
  int64_t S = 1;
  while (S < SPLIT_MAX && P / (2 * S) >= SPLIT_MIN_PIXELS) S *= 2;
  const int64_t E = (HW + S - 1) / S, smem = gsize * E * (int64_t)sizeof(unsigned long long);
  if (smem > limit) return STN_OK; /* the slice kernel's global accumulators take it */
  const int64_t blocks = g->B * groups * S;
  if (blocks > 2147483647) return STN_OK;

  cudaLaunchConfig_t config = {};
  cudaLaunchAttribute attr[1] = {};
  attr[0].id = cudaLaunchAttributeClusterDimension;
  attr[0].val.clusterDim.x = (unsigned)S;
  attr[0].val.clusterDim.y = 1;
  attr[0].val.clusterDim.z = 1;
  config.gridDim = dim3((unsigned)blocks, 1, 1);
  config.blockDim = dim3(SPLIT_THREADS, 1, 1);
  config.dynamicSmemBytes = (size_t)smem;
  config.stream = stn_stream(ctx);
  config.attrs = attr;
  config.numAttrs = 1;
  /* a cluster that cannot be resident (too much shared memory for a GPC): slice kernel */
  int clusters = 0;
  cudaError_t e = cudaOccupancyMaxActiveClusters(&clusters, sampler_backward_split_kernel, &config);
  if (e != cudaSuccess || clusters < 1) {
    (void)cudaGetLastError(); /* not sticky: clear it */
    return STN_OK;
  }

  stn_tensor partial;
  memset(&partial, 0, sizeof partial);
  if (groups > 1) {
    int64_t n = groups * g->B * P * 2;
    STN_TRY(stn_tensor_new(ctx, &partial, STN_CUDA, 1, &n));
  }
  stn_status st = STN_OK;
  e = cudaLaunchKernelEx(&config, sampler_backward_split_kernel, *g, (const float *)stn_data(images),
                         (const float *)stn_data(grid), (const float *)stn_data(grad_output), stn_data(grad_images),
                         stn_data(grad_grid), stn_data(&partial), (int)gsize, (int)groups, (int)E);
  if (e != cudaSuccess)
    st = STN_FAIL(STN_ERR_CUDA, "stn_sampler_backward (split): kernel launch failed: %s", cudaGetErrorString(e));
  if (st == STN_OK) {
    cudaError_t le = cudaGetLastError();
    if (le != cudaSuccess)
      st = STN_FAIL(STN_ERR_CUDA, "stn_sampler_backward (split): kernel launch failed: %s", cudaGetErrorString(le));
  }
  if (st == STN_OK && groups > 1) st = stn_sampler_grid_reduce(ctx, g, stn_data(&partial), stn_data(grad_grid), (int)groups);
  stn_tensor_release(&partial); /* stream-ordered reuse by the caching allocator */
  if (st == STN_OK) *done = 1;
  return st;
}
