-- bench/tensor.lua: stn's matrix product against OpenBLAS's cblas_sgemm called directly
-- (the same library, through the FFI), at 1024 x 1024 x 1024 and at a convolution-like
-- shape (150 x 2116 x 147: M x N x K). Medians of repeated runs, interleaved so that
-- machine noise hits both sides alike; a table last.
--   luajit bench/tensor.lua [threads=2] [repeats=15]
-- Run from the checkout root after `make`.
package.path = './lua/?.lua;./lua/?/init.lua;./bench/?.lua;' .. package.path
local common = require 'common'
local ffi = require 'ffi'
local stn = require 'stn'

local threads = tonumber(arg and arg[1]) or 2
local repeats = tonumber(arg and arg[2]) or 15

ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } stn_bench_timespec;
int clock_gettime(int clock, stn_bench_timespec *ts);
void cblas_sgemm(int order, int transa, int transb, int m, int n, int k, float alpha, const float *a, int lda,
                 const float *b, int ldb, float beta, float *c, int ldc);
]]
-- the OpenBLAS libstn itself links (same thread pool, same kernels)
local blas = ffi.load('libopenblas.so.0')
local CblasRowMajor, CblasNoTrans = 101, 111

local ts = ffi.new('stn_bench_timespec')
local function now()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end



stn.setnumthreads(threads)
stn.manualSeed(1)

local rows = {}
for _, shape in ipairs { { 1024, 1024, 1024 }, { 150, 2116, 147 } } do
  local M, N, K = shape[1], shape[2], shape[3]
  local a, b = stn.Tensor(M, K):uniform(-1, 1), stn.Tensor(K, N):uniform(-1, 1)
  local c, d = stn.Tensor(M, N), stn.Tensor(M, N)
  local pa, pb, pd = a:data(), b:data(), d:data()
  local runs = {
    { 'res:mm(a, b)', function() c:mm(a, b) end },
    { 'stn.mm(a, b) (new result)', function() local r = stn.mm(a, b); return r end },
    { 'cblas_sgemm', function() blas.cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1, pa, K, pb, N, 0, pd, N) end },
  }
  local times = {}
  for i, r in ipairs(runs) do times[i] = {}; r[2](); r[2]() end -- warm up
  for _ = 1, repeats do
    for i, r in ipairs(runs) do
      local t0 = now()
      r[2]()
      times[i][#times[i] + 1] = now() - t0
    end
  end
  local maxdiff = stn.Tensor():add(c, -1, d):abs():max()
  assert(maxdiff < 1e-3, 'results differ by ' .. maxdiff)
  local flop = 2 * M * N * K
  local direct = flop / common.median(times[3]) / 1e9
  for i, r in ipairs(runs) do
    local g = flop / common.median(times[i]) / 1e9
    rows[#rows + 1] = ('%-16s %-28s %10.1f %9.1f%%'):format(('%dx%dx%d'):format(M, N, K), r[1], g, 100 * g / direct)
  end
  collectgarbage()
end

print(('machine: %s, %d threads, median of %d runs'):format(common.cpu_name(), threads, repeats))
print(('%-16s %-28s %10s %10s'):format('M x N x K', 'call', 'GFLOP/s', 'vs cblas'))
for _, r in ipairs(rows) do print(r) end
