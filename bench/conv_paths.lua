-- bench/conv_paths.lua: SpatialConvolution's CPU passes per instruction-set path at the
-- flagship's layer shapes (bench/train_step.lua's networks, batch 50): forward,
-- updateGradInput and accGradParameters in milliseconds and GFLOP/s, for every path this
-- CPU runs. 'generic' is im2col + OpenBLAS sgemm (OpenBLAS picks its own kernels for
-- the CPU), 'avx2' and 'avx512' the direct tiles (csrc/nn/conv_tiles.c) where
-- csrc/nn/conv2d.c chooses them; 'zmm' the avx512 path with its 512-bit tiles forced
-- (STN_CONV_ZMM=1: on Zen 4 the library keeps the AVX2 tiles on maps above 256 pixels, see conv_tiles.c).
-- Paths alternate within each round; medians over rounds.
--   luajit bench/conv_paths.lua [--threads 2] [--rounds 5] [--batch 50] [--paths avx512,zmm,avx2,generic] [--clock cpu]
--                                [--layers conv1,conv2,...] (names' first words) [--ghz 3.66]
-- GFLOP/s count every pass as the forward's 2 B O C kH kW oH oW (the input gradient of a
-- padded layer does less: it can pass the peak); --ghz as bench/train_step.lua's.
-- --clock cpu times process CPU seconds (steadier on a shared machine; with --threads 1).
package.path = './lua/?.lua;./lua/?/init.lua;./bench/?.lua;' .. package.path
local stn = require 'stn'
local common = require 'common'
local ffi = require 'ffi'
ffi.cdef [[int setenv(const char *name, const char *value, int overwrite);]]

local opts = common.options('bench/conv_paths.lua', arg, { threads = 2, rounds = 5, batch = 50, paths = '', clock = 'wall', layers = '', ghz = 0 })
stn.setnumthreads(opts.threads)
local info = stn.cpuInfo()
local order = { zmm = 3, avx512 = 3, avx2 = 2, generic = 1 }
local paths = {}
for p in (opts.paths ~= '' and opts.paths or 'avx512,zmm,avx2,generic'):gmatch('[^,]+') do
  if not order[p] then error('bench/conv_paths.lua: unknown path ' .. p, 0) end
  if order[p] <= order[info.supported] then paths[#paths + 1] = p
  else print(('%s: skipped, this CPU supports up to %s'):format(p, info.supported)) end
end

-- { name, nIn, nOut, k, pad, H }: stride 1, as the networks have them
local shapes = {
  { 'conv1 3->150 7x7 p2 48x48', 3, 150, 7, 2, 48 },
  { 'conv2 150->200 4x4 p2 23x23', 150, 200, 4, 2, 23 },
  { 'conv3 200->300 4x4 p2 12x12', 200, 300, 4, 2, 12 },
  { 'loc1a 3->200 5x5 p2 24x24', 3, 200, 5, 2, 24 },
  { 'loc1b 200->300 5x5 p2 12x12', 200, 300, 5, 2, 12 },
  { 'loc2a 200->150 5x5 p2 6x6', 200, 150, 5, 2, 6 },
  { 'loc2b 150->150 5x5 p2 3x3', 150, 150, 5, 2, 3 },
}
if opts.layers ~= '' then
  local keep = {}
  for _, s in ipairs(shapes) do
    if (',' .. opts.layers .. ','):find(',' .. s[1]:match('^%S+') .. ',', 1, true) then keep[#keep + 1] = s end
  end
  shapes = keep
end
local passes = { 'fwd', 'gin', 'gw' }
local times = {} -- times[shape][path][pass] = { seconds... }

local clock = opts.clock == 'cpu' and os.clock or stn.clock
local function time(fn)
  local t0 = clock()
  fn()
  return clock() - t0
end

local cases = {}
for si, s in ipairs(shapes) do
  local _, C, O, k, pad, H = unpack(s)
  stn.manualSeed(si)
  local m = stn.nn.SpatialConvolution(C, O, k, k, 1, 1, pad, pad)
  local x = stn.Tensor(opts.batch, C, H, H):normal(0, 1)
  local y = m:forward(x)
  local gy = y:clone():normal(0, 1)
  local oH = H + 2 * pad - k + 1
  cases[si] = { m = m, x = x, gy = gy, flops = 2 * opts.batch * O * C * k * k * oH * oH }
  times[si] = {}
  for _, p in ipairs(paths) do times[si][p] = { fwd = {}, gin = {}, gw = {} } end
end

for round = 0, opts.rounds do -- round 0 warms up
  for si, c in ipairs(cases) do
    for _, p in ipairs(paths) do
      stn.setCPUPath(p == 'zmm' and 'avx512' or p)
      ffi.C.setenv('STN_CONV_ZMM', p == 'zmm' and '1' or '0', 1)
      local t = {
        fwd = time(function() c.m:updateOutput(c.x) end),
        gin = time(function() c.m:updateGradInput(c.x, c.gy) end),
        gw = time(function() c.m:accGradParameters(c.x, c.gy, 1) end),
      }
      if round > 0 then for _, ps in ipairs(passes) do table.insert(times[si][p][ps], t[ps]) end end
    end
  end
end
stn.setCPUPath(info.supported)
ffi.C.setenv('STN_CONV_ZMM', os.getenv('STN_CONV_ZMM') or '0', 1)

local function spread(list)
  local lo, hi = math.huge, -math.huge
  for _, v in ipairs(list) do lo, hi = math.min(lo, v), math.max(hi, v) end
  return lo, hi
end

print(('conv passes, batch %d, %d threads, %s clock, median of %d rounds (min-max), ms and GFLOP/s; load %s'):format(
  opts.batch, opts.threads, opts.clock, opts.rounds, common.load_average()))
print(('CPU: %s (/proc/cpuinfo: %s), supported path %s'):format(info.model, common.cpu_name(), info.supported))
local peak, how = common.fma_peak(opts.threads, info.supported, opts.ghz)
if peak then print(('fp32 FMA peak %.0f GFLOP/s = %s'):format(peak, how)) end
print(('%-30s %-8s %24s %24s %24s'):format('layer', 'path', 'forward', 'gradInput', 'gradWeight'))
for si, s in ipairs(shapes) do
  for _, p in ipairs(paths) do
    local cols = {}
    for _, ps in ipairs(passes) do
      local list = times[si][p][ps]
      local med = common.median(list)
      local lo, hi = spread(list)
      local gf = (ps == 'gin' and s[2] < 8) and '' or ('%6.0f'):format(cases[si].flops / med * 1e-9)
      cols[#cols + 1] = ('%7.2f (%5.2f-%5.2f) %s'):format(med * 1e3, lo * 1e3, hi * 1e3, gf)
    end
    print(('%-30s %-8s %s'):format(s[1], p, table.concat(cols, ' ')))
  end
end
