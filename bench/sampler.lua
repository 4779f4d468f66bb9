-- bench/sampler.lua: grid generation + bilinear sampling (nn.AffineGridGenerator +
-- nn.GridSampler, BCHW, corners aligned, zeros), forward and forward+backward (image and
-- grid gradients, then theta's), at the shapes of bench/peers/torch_sampler.py.
-- Medians of timed samples; GB/s counts the bytes the computation must move at least
-- (see `bytes` below). A table is printed last.
--   luajit bench/sampler.lua                  CPU, 2 threads
--   luajit bench/sampler.lua --cuda           CPU and CUDA (CUDA alone: --cuda-only)
--   options: --threads N  --samples N  --min-time S (seconds per sample)  --bhwd (stnbhwd modules too)
--            --cpu-time (process CPU time instead of wall-clock: with --threads 1, a measure
--            that other jobs on a shared machine disturb less)
--            --shape BxCxHxW (that shape alone)
--            --stages (CUDA: each of the four calls timed alone, GPU time per call and the
--            host's time to issue it, to show where a forward+backward's time goes)
--            --modes bilinear,nearest,bicubic  --padding zeros,border,reflection (BCHW: every
--            pair listed; default bilinear and zeros; bench/peers/torch_sampler.py takes the same)
package.path = './bench/?.lua;' .. package.path
local stn = require 'stn'
local nn = stn.nn
local common = require 'common'

-- --volumetric: the 5-D shapes alone (bench_volumetric below), so the 2-D figures keep their runs
local volumetric = false
for i = #arg, 1, -1 do if arg[i] == '--volumetric' then volumetric = true; table.remove(arg, i) end end

local opt = common.options('bench/sampler.lua', arg,
  { threads = 2, samples = 7, min_time = 0.05, cuda = false, cpu = true, bhwd = false, cpu_time = false, stages = false, shape = '',
    modes = 'bilinear', padding = 'zeros' },
  { cuda = function(o) o.cuda = true end, cuda_only = function(o) o.cuda, o.cpu = true, false end,
    bhwd = function(o) o.bhwd = true end, cpu_time = function(o) o.cpu_time = true end,
    stages = function(o) o.stages = true end })

local shapes = { { 50, 3, 48, 48 }, { 256, 3, 48, 48 }, { 50, 150, 23, 23 }, { 50, 200, 12, 12 }, { 256, 1, 42, 42 } }
if opt.shape ~= '' then
  local B, C, H, W = opt.shape:match('^(%d+)x(%d+)x(%d+)x(%d+)$')
  if not B then error('bench/sampler.lua: --shape takes BxCxHxW, got ' .. opt.shape, 0) end
  shapes = { { tonumber(B), tonumber(C), tonumber(H), tonumber(W) } }
end

local function list(s) local t = {} for w in s:gmatch('[^,]+') do t[#t + 1] = w end return t end
local modes, paddings = list(opt.modes), list(opt.padding)

-- Bytes that must move at least: forward reads theta and the images, writes the grid,
-- reads it back and writes the output; backward reads gradOutput, the images and the
-- grid, writes the image and grid gradients, and reads the grid gradient for theta's.
local function bytes(B, C, H, W, backward)
  local img, grid = B * C * H * W * 4, B * H * W * 2 * 4
  local fwd = img + 2 * grid + img
  if not backward then return fwd end
  return fwd + img + img + grid + img + 2 * grid
end



-- Seconds per call of fn: each sample repeats fn until min_time has passed (at least
-- once), waiting for the GPU at the end of the sample only; the median of the samples.
local function time(fn, cuda)
  local clock = (opt.cpu_time and not cuda) and os.clock or stn.clock
  fn(); fn()
  if cuda then stn.synchronize() end
  local t0 = clock()
  fn()
  if cuda then stn.synchronize() end
  local one = math.max(clock() - t0, 1e-7)
  local reps = math.max(1, math.ceil(opt.min_time / one))
  local samples = {}
  for s = 1, opt.samples do
    local start = clock()
    for _ = 1, reps do fn() end
    if cuda then stn.synchronize() end
    samples[s] = (clock() - start) / reps
  end
  return common.median(samples)
end

---------------------------------------------------------------- volumetric (--volumetric)
-- nn.AffineGridGenerator(D', H', W') + the volumetric sampler (stn.spatial.volumetric, the
-- C entry points nn.GridSampler's 5-D form calls), forward and forward+backward (image and
-- grid gradients, then theta's), per mode. Images B x C x D x H x W, output grid D' H' W'.
local VOLUME_SHAPES = { { 4, 8, 32, 32, 32, 32, 32, 32 }, { 2, 1, 128, 128, 128, 64, 64, 64 } }

-- The devices asked for (false: the CPU, true: CUDA), CUDA left out with the reason when absent.
local function devices_to_run()
  local devices = {}
  if opt.cpu then devices[#devices + 1] = false end
  if opt.cuda then
    if stn.hasCUDA() then devices[#devices + 1] = true
    else print('no CUDA device (' .. stn.cudaReason() .. '): CUDA skipped') end
  end
  return devices
end

local function bench_volumetric_shape(shape, cuda, mode, padding)
  local V = require 'stn.spatial.volumetric'
  local B, C, D, Hh, W, Do, Ho, Wo = unpack(shape)
  stn.manualSeed(1)
  local theta = stn.Tensor(B, 3, 4):uniform(-0.1, 0.1)
  for i = 1, 3 do theta:select(3, i):select(2, i):add(0.9) end
  local images, gout = stn.Tensor(B, C, D, Hh, W):uniform(), stn.Tensor(B, C, Do, Ho, Wo):uniform()
  local gen = nn.AffineGridGenerator(Do, Ho, Wo)
  if cuda then
    theta, images, gout = theta:cuda(), images:cuda(), gout:cuda()
    gen:cuda()
  end
  local desc = V.desc(mode, padding, true)
  local out, gi, gg = images.new(), images.new(), images.new()
  local function forward()
    local grid = gen:forward(theta)
    return V.forward('bench', desc, { images, grid }, out)
  end
  local function forward_backward()
    local grid = gen:forward(theta)
    V.forward('bench', desc, { images, grid }, out)
    V.backward('bench', desc, { images, grid }, gout, gi, gg)
    gen:backward(theta, gg)
  end
  return time(forward, cuda), time(forward_backward, cuda)
end

local function bench_volumetric()
  stn.setnumthreads(opt.threads)
  local devices = devices_to_run()
  print(('stn %s, volumetric sampler benchmark; CPU: %s, %d threads%s%s'):format(stn.version, common.cpu_name(),
    opt.threads, opt.cpu_time and ' (CPU time)' or '', opt.cuda and stn.hasCUDA() and ('; GPU: ' .. stn.cudaDeviceName()) or ''))
  local rows = {}
  for _, cuda in ipairs(devices) do
    for _, mode in ipairs { 'bilinear', 'nearest' } do
      for _, padding in ipairs(paddings) do
        for _, shape in ipairs(VOLUME_SHAPES) do
          local f, fb = bench_volumetric_shape(shape, cuda, mode, padding)
          local name = ('%dx%dx%dx%dx%d->%dx%dx%d'):format(unpack(shape))
          local row = ('%-5s %-9s %-10s %-26s %10.1f %12.1f'):format(cuda and 'cuda' or 'cpu', mode, padding, name, f * 1e6,
            fb * 1e6)
          rows[#rows + 1] = row
          print(row)
          collectgarbage()
        end
      end
    end
  end
  print('')
  print('3-D affine grid + volumetric sampling (corners aligned; bilinear = trilinear), median us per call')
  print(('%-5s %-9s %-10s %-26s %10s %12s'):format('dev', 'mode', 'padding', 'B x C x D x H x W -> grid', 'fwd us',
    'fwd+bwd us'))
  for _, r in ipairs(rows) do print(r) end
end
if volumetric then bench_volumetric(); return end

-- Each call of a CUDA forward+backward alone: GPU time per call (calls back to back,
-- one synchronize per sample) and the host's time to issue one (no synchronize: the
-- launches queue up). GPU time near the host's means the host is the bottleneck.
local stage_rows = {}
local function stage_times(name, gen, sampler, theta, images, gout)
  local grid = gen:forward(theta)
  sampler:forward({ images, grid })
  local g = sampler:backward({ images, grid }, gout)
  local stages = {
    { 'grid fwd', function() gen:forward(theta) end },
    { 'sample fwd', function() sampler:forward({ images, grid }) end },
    { 'sample bwd', function() sampler:backward({ images, grid }, gout) end },
    { 'grid bwd', function() gen:backward(theta, g[2]) end },
  }
  local row = ('%-16s'):format(name)
  for _, st in ipairs(stages) do
    local gpu = time(st[2], true)
    local issues = {}
    for s = 1, opt.samples do
      stn.synchronize()
      local t0 = stn.clock()
      for _ = 1, 20 do st[2]() end
      issues[s] = (stn.clock() - t0) / 20
    end
    stn.synchronize()
    row = row .. ('  %8.1f %6.1f'):format(gpu * 1e6, common.median(issues) * 1e6)
  end
  stage_rows[#stage_rows + 1] = row
end

local function bench_shape(shape, cuda, family, mode, padding)
  local B, C, H, W = unpack(shape)
  stn.manualSeed(1)
  local theta = stn.Tensor(B, 2, 3):uniform(-0.1, 0.1)
  theta:select(3, 1):select(2, 1):add(0.9)
  theta:select(3, 2):select(2, 2):add(0.9)
  local images, gout
  local gen, sampler
  if family == 'bhwd' then
    images = stn.Tensor(B, H, W, C):uniform()
    gout = stn.Tensor(B, H, W, C):uniform()
    gen, sampler = nn.AffineGridGeneratorBHWD(H, W), nn.BilinearSamplerBHWD()
  else
    images = stn.Tensor(B, C, H, W):uniform()
    gout = stn.Tensor(B, C, H, W):uniform()
    gen, sampler = nn.AffineGridGenerator(H, W), nn.GridSampler { mode = mode, padding = padding }
  end
  if cuda then
    theta, images, gout = theta:cuda(), images:cuda(), gout:cuda()
    gen:cuda(); sampler:cuda()
  end
  local function forward()
    local grid = gen:forward(theta)
    return sampler:forward({ images, grid })
  end
  local function forward_backward()
    local grid = gen:forward(theta)
    sampler:forward({ images, grid })
    local g = sampler:backward({ images, grid }, gout)
    gen:backward(theta, g[2])
  end
  local f = time(forward, cuda)
  if cuda and opt.stages then stage_times(table.concat(shape, 'x'), gen, sampler, theta, images, gout) end
  return f, time(forward_backward, cuda)
end

stn.setnumthreads(opt.threads)
local devices = devices_to_run()
local families = opt.bhwd and { 'bchw', 'bhwd' } or { 'bchw' }

print(('stn %s, sampler benchmark; CPU: %s, %d threads%s%s'):format(stn.version, common.cpu_name(), opt.threads,
  opt.cpu_time and ' (CPU time)' or '', opt.cuda and stn.hasCUDA() and ('; GPU: ' .. stn.cudaDeviceName()) or ''))
local rows = {}
for _, cuda in ipairs(devices) do
  for _, family in ipairs(families) do
    for _, mode in ipairs(family == 'bchw' and modes or { 'bilinear' }) do
      for _, padding in ipairs(family == 'bchw' and paddings or { 'zeros' }) do
        for _, shape in ipairs(shapes) do
          local f, fb = bench_shape(shape, cuda, family, mode, padding)
          local B, C, H, W = unpack(shape)
          local row = ('%-5s %-4s %-8s %-10s %-16s %10.1f %8.1f %12.1f %8.1f'):format(cuda and 'cuda' or 'cpu', family,
            mode, padding, table.concat(shape, 'x'), f * 1e6, bytes(B, C, H, W, false) / f / 1e9, fb * 1e6,
            bytes(B, C, H, W, true) / fb / 1e9)
          rows[#rows + 1] = row
          print(row)
          collectgarbage()
        end
      end
    end
  end
end
print('')
print('grid generation + sampling (BCHW: AffineGridGenerator + GridSampler; bhwd: the stnbhwd pair), median us per call')
print(('%-5s %-4s %-8s %-10s %-16s %10s %8s %12s %8s'):format('dev', 'fam', 'mode', 'padding', 'B x C x H x W', 'fwd us',
  'GB/s', 'fwd+bwd us', 'GB/s'))
for _, r in ipairs(rows) do print(r) end
if #stage_rows > 0 then
  print('')
  print('CUDA, each call alone: GPU us per call, then the host\'s us to issue it')
  print(('%-16s  %15s  %15s  %15s  %15s'):format('B x C x H x W', 'grid fwd', 'sample fwd', 'sample bwd', 'grid bwd'))
  for _, r in ipairs(stage_rows) do print(r) end
end
