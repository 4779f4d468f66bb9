-- bench/sampler_half.lua: nn.GridSampler forward+backward on Float, Half and BFloat16
-- tensors (the 16-bit calls convert to float, run the Float sampler and round the results:
-- docs/spatial_transformer.md "Half and BFloat16"), alternated type by type, and the
-- copies Float <-> 16 bits alone. Process CPU time with one thread; the minimum of the
-- rounds per figure (a shared machine only ever adds time).
--   luajit bench/sampler_half.lua [rounds]            CPU
--   luajit bench/sampler_half.lua [rounds] --cuda     CUDA too (wall-clock, synchronized)
local stn = require 'stn'
local nn = stn.nn
local rounds = tonumber(arg[1]) or 5
local cuda = arg[2] == '--cuda' or arg[1] == '--cuda'
stn.setnumthreads(1)

-- ms per call of fn: process CPU time, or (sync given: CUDA) wall-clock time to sync()
local function timed(fn, sync)
  local best = math.huge
  for _ = 1, rounds do
    if sync then sync() end
    local t0 = sync and stn.tic() or os.clock()
    for _ = 1, 5 do fn() end
    if sync then sync() end
    local dt = sync and stn.toc(t0) or os.clock() - t0
    best = math.min(best, dt / 5)
  end
  return best * 1e3
end

local TYPES = { float = 'FloatTensor', half = 'HalfTensor', bfloat16 = 'BFloat16Tensor' }
local function sampler_ms(ty, mode, device, B, C, H, W)
  local prefix = device == 'cuda' and 'torch.Cuda' or 'torch.'
  local name = prefix .. (ty == 'float' and (device == 'cuda' and '' or 'Float') or TYPES[ty]:sub(1, -7)) .. 'Tensor'
  local m = nn.GridSampler { mode = mode }:type(name)
  local images = stn.FloatTensor(B, C, H, W):uniform():type(name)
  local grid = stn.FloatTensor(B, H, W, 2):uniform(-1, 1):type(name)
  local g = stn.FloatTensor(B, C, H, W):uniform():type(name)
  local function step() m:forward({ images, grid }); m:backward({ images, grid }, g) end
  step()
  return timed(step, device == 'cuda' and stn.synchronize or nil)
end

local B, C, H, W = 32, 16, 64, 64
for _, device in ipairs(cuda and { 'cpu', 'cuda' } or { 'cpu' }) do
  for _, mode in ipairs { 'bilinear', 'bicubic' } do
    local f = sampler_ms('float', mode, device, B, C, H, W)
    local h = sampler_ms('half', mode, device, B, C, H, W)
    local b = sampler_ms('bfloat16', mode, device, B, C, H, W)
    print(('%s %s %dx%dx%dx%d forward+backward: Float %.2f ms, Half %.2f ms (%.2fx), BFloat16 %.2f ms (%.2fx)')
      :format(device, mode, B, C, H, W, f, h, h / f, b, b / f))
  end
end
local x = stn.FloatTensor(4 * 2 ^ 20):uniform(-1, 1)
local f = x:clone()
for _, ty in ipairs { 'half', 'bfloat16' } do
  local h = x[ty](x)
  print(('cpu copy 4M elements: Float -> %s %.2f ms, %s -> Float %.2f ms (Float -> Float %.2f ms)'):format(ty,
    timed(function() h:copy(x) end), ty, timed(function() f:copy(h) end), timed(function() f:copy(x) end)))
end
