-- bench/sampler_antialias.lua: antialiased against plain bilinear sampling at one
-- downscaling shape (BCHW, zeros, corners not aligned, an identity affine grid of the
-- smaller size: a 4x zoom-out, footprint radius 4, so 8 x 8 taps against plain's 2 x 2),
-- forward and forward+backward (image and grid gradients) through the C op.
-- Medians of timed samples, milliseconds per call.
--   luajit bench/sampler_antialias.lua                 CPU, 2 threads
--   luajit bench/sampler_antialias.lua --cuda          CPU and CUDA
--   options: --threads N  --samples N  --min-time S  --shape BxCxHxW  --out N (output side)
package.path = './bench/?.lua;' .. package.path
local ffi = require 'ffi'
local stn = require 'stn'
local nn = stn.nn
local core = require 'stn.ffi'
local common = require 'common'
local C, ctx = core.C, core.ctx

local opt = common.options('bench/sampler_antialias.lua', arg,
  { threads = 2, samples = 7, min_time = 0.05, cuda = false, shape = '50x3x192x192', out = 48 },
  { cuda = function(o) o.cuda = true end })
local B, Cc, Hh, W = opt.shape:match('^(%d+)x(%d+)x(%d+)x(%d+)$')
if not B then error('bench/sampler_antialias.lua: --shape takes BxCxHxW, got ' .. opt.shape, 0) end
B, Cc, Hh, W = tonumber(B), tonumber(Cc), tonumber(Hh), tonumber(W)
local M = tonumber(opt.out)
stn.setnumthreads(tonumber(opt.threads))

local function check(rc) if rc ~= 0 then error(ffi.string(C.stn_last_error()), 2) end end

-- milliseconds per call: repeat until min_time, median over samples
local now = stn.clock

local function measure(fn, sync)
  fn(); if sync then sync() end
  local per = {}
  for s = 1, tonumber(opt.samples) do
    local n, t0 = 0, now()
    repeat
      fn(); n = n + 1
      if sync then sync() end
    until now() - t0 >= tonumber(opt.min_time)
    per[s] = (now() - t0) / n
  end
  return common.median(per) * 1e3
end

local devices = { 'cpu' }
if opt.cuda then devices[2] = 'cuda' end
print(('antialiased vs plain sampling, %dx%dx%dx%d -> %dx%d, %s threads; load %s'):format(B, Cc, Hh, W, M, M,
  opt.threads, tostring(common.load_average())))
for _, dev in ipairs(devices) do
  local images = stn.rand(B, Cc, Hh, W)
  local theta = stn.Tensor(B, 2, 3):zero()
  theta:select(3, 1):select(2, 1):fill(1)
  theta:select(3, 2):select(2, 2):fill(1)
  local grid = nn.AffineGridGenerator(M, M, { alignCorners = false }):forward(theta):clone()
  local gout = stn.rand(B, Cc, M, M)
  local sync
  if dev == 'cuda' then
    images, grid, gout = images:cuda(), grid:cuda(), gout:cuda()
    sync = stn.synchronize
  end
  local out, gi, gg = images.new(), images.new(), images.new()
  for _, aa in ipairs { 0, 1 } do
    local d = ffi.new('stn_sampler_desc', 0, 0, 0, 0, 0, aa)
    local fwd = measure(function() check(C.stn_sampler_forward(ctx, d, images, grid, out)) end, sync)
    local both = measure(function()
      check(C.stn_sampler_forward(ctx, d, images, grid, out))
      check(C.stn_sampler_backward(ctx, d, images, grid, gout, gi, gg))
    end, sync)
    print(('%-4s %-11s forward %8.3f ms   forward+backward %8.3f ms'):format(dev, aa == 1 and 'antialiased' or 'plain',
      fwd, both))
  end
end
