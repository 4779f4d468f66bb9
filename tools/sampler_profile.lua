-- tools/sampler_profile.lua: a few CUDA forward+backward passes of grid generation +
-- sampling (nn.AffineGridGenerator + nn.GridSampler) at one shape, as bench/sampler.lua
-- runs them, for a profiler to look at (tools/gpu_check.sh runs it under ncu).
--   luajit tools/sampler_profile.lua [B C H W] [iterations]
local stn = require 'stn'
local nn = stn.nn

local B, C, H, W = tonumber(arg[1]) or 256, tonumber(arg[2]) or 3, tonumber(arg[3]) or 48, tonumber(arg[4]) or 48
local iterations = tonumber(arg[5]) or 3
if not stn.hasCUDA() then error('tools/sampler_profile.lua: no CUDA device (' .. stn.cudaReason() .. ')') end
stn.manualSeed(1)
local theta = stn.Tensor(B, 2, 3):uniform(-0.1, 0.1)
theta:select(3, 1):select(2, 1):add(0.9)
theta:select(3, 2):select(2, 2):add(0.9)
theta = theta:cuda()
local images = stn.Tensor(B, C, H, W):uniform():cuda()
local gout = stn.Tensor(B, C, H, W):uniform():cuda()
local gen, sampler = nn.AffineGridGenerator(H, W):cuda(), nn.GridSampler():cuda()
for _ = 1, iterations do
  local grid = gen:forward(theta)
  sampler:forward({ images, grid })
  local g = sampler:backward({ images, grid }, gout)
  gen:backward(theta, g[2])
end
stn.synchronize()
print(('tools/sampler_profile.lua: %d forward+backward passes at %dx%dx%dx%d'):format(iterations, B, C, H, W))
