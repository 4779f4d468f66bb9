-- The CPU kernels with instruction-set variants (core/cpu_paths.h, cpu_isa.h) give the
-- generic path's bits on every path the CPU runs: the sampler's corner loops (AVX2, AVX-512),
-- the volumetric sampler's chunked loops (AVX2, AVX-512), the 3-D affine grid's backward
-- sums (AVX2) and the SGD step (AVX2, AVX-512 builds of its loops). Random data, never zeros, with
-- NaN and infinities, ragged lengths around the vector widths. Paths the CPU lacks are
-- pending, the reason printed.
local H = require 'helpers'
local ffi = require 'ffi'
local stn = H.stn
local nn = stn.nn

local ORDER = { 'generic', 'avx2', 'avx512' }
local RANK = { generic = 1, avx2 = 2, avx512 = 3 }
local info = stn.cpuInfo()
local start_path = stn.cpuPath() -- restored after each case (STN_CPU may have lowered it)
local RAGGED = { 1, 7, 15, 17, 63, 65 }

-- The raw bits of a Float or Double tensor, as a Lua list of hex strings (so -0 differs
-- from +0 and every NaN payload counts).
local function bits(t)
  t = t:contiguous()
  local n, out = t:nElement(), {}
  if t:type():find('Double') then
    local p = ffi.cast('uint64_t *', t:data())
    for i = 0, n - 1 do out[i + 1] = tostring(p[i]) end
  else
    local p = ffi.cast('uint32_t *', t:data())
    for i = 0, n - 1 do out[i + 1] = string.format('%08x', p[i]) end
  end
  return out
end

local function assert_bits(want, got, what)
  assert.equal(#want, #got, what .. ': element counts differ')
  for i = 1, #want do
    if want[i] ~= got[i] then error(('%s: element %d: bits %s on generic, %s here'):format(what, i, want[i], got[i]), 2) end
  end
end

-- Runs fn (returning a list of tensors) on every path the CPU runs; each path's bits must
-- equal the generic path's. The path in use before is restored.
local function across_paths(what, fn)
  local before = stn.cpuPath()
  local ok, err = pcall(function()
    stn.setCPUPath('generic')
    local want = {}
    for k, t in ipairs(fn()) do want[k] = bits(t) end
    for r = 2, RANK[info.supported] do
      stn.setCPUPath(ORDER[r])
      for k, t in ipairs(fn()) do assert_bits(want[k], bits(t), ('%s, result %d, %s path'):format(what, k, ORDER[r])) end
    end
  end)
  stn.setCPUPath(before)
  if not ok then error(err, 0) end
end

-- Uniform values in [lo, hi) with a few NaN, +inf, -inf and exact zeros sprinkled in
-- (at fixed random positions) when special is set.
local function random_tensor(sizes, lo, hi, special, ctor)
  local t = (ctor or stn.FloatTensor)(table.unpack(sizes)):uniform(lo, hi)
  if special then
    local flat = t:view(t:nElement())
    local n = flat:nElement()
    for _, v in ipairs { 0 / 0, 1 / 0, -1 / 0, 0, -0.0 } do
      if n >= 7 then flat[math.random(1, n)] = v end
    end
  end
  return t
end

for r, path in ipairs(ORDER) do
  if r > RANK[info.supported] then
    print(('cpu_paths_kernels_spec: the %s path is not checked: this CPU (%s) runs up to %s'):format(path, info.model,
      info.supported))
  end
end

describe('CPU path variants give the generic path\'s bits', function()
  before_each(function() math.randomseed(17); stn.manualSeed(17) end)
  after_each(function() stn.setCPUPath(start_path) end)

  if RANK[info.supported] < 2 then
    pending('only the generic path runs on this CPU (' .. info.model .. '): nothing to compare')
    return
  end

  it('nn.GridSampler forward and backward (corner loops): ragged sizes, both paddings and alignments', function()
    for _, C in ipairs { 1, 3, 5, 9 } do
      for _, Wo in ipairs(RAGGED) do
        local B, H, W, Ho = 2, 6, 9, 3
        local images = random_tensor({ B, C, H, W }, -1, 1)
        -- grid values around [-1, 1], some far outside, some on pixel centres, NaN and inf
        local grid = random_tensor({ B, Ho, Wo, 2 }, -1.3, 1.3, Wo >= 7)
        local gflat = grid:view(grid:nElement())
        if gflat:nElement() >= 4 then gflat[2], gflat[3], gflat[4] = 0, 1, -1 end
        local gout = random_tensor({ B, C, Ho, Wo }, -1, 1)
        for _, align in ipairs { true, false } do
          for _, padding in ipairs { 'zeros', 'border' } do
            across_paths(('GridSampler C=%d Wo=%d align=%s %s'):format(C, Wo, tostring(align), padding), function()
              local m = nn.GridSampler { alignCorners = align, padding = padding }
              local out = m:forward({ images, grid }):clone()
              local gi = m:backward({ images, grid }, gout)
              return { out, gi[1]:clone(), gi[2]:clone() }
            end)
          end
        end
      end
    end
  end)

  it('nn.BilinearSamplerBHWD forward and backward on strided views (channels-last path)', function()
    for _, D in ipairs { 1, 4, 6, 17 } do
      for _, Wo in ipairs(RAGGED) do
        local B, H, W, Ho = 2, 5, 8, 2
        -- images and grid as transposed views of other layouts: not contiguous
        local images = random_tensor({ B, D, H, W }, -1, 1):permute(1, 3, 4, 2)
        local grid = random_tensor({ B, 2, Ho, Wo }, -1.2, 1.2, Wo >= 7):permute(1, 3, 4, 2)
        local gout = random_tensor({ B, Ho, Wo, D }, -1, 1)
        across_paths(('BilinearSamplerBHWD D=%d Wo=%d'):format(D, Wo), function()
          local m = nn.BilinearSamplerBHWD()
          local out = m:forward({ images, grid }):clone()
          local gi = m:backward({ images, grid }, gout)
          return { out, gi[1]:clone(), gi[2]:clone() }
        end)
      end
    end
  end)

  -- The volumetric sampler's Float loops: the generic path runs the per-voxel loops, AVX2
  -- and AVX-512 the chunked ones (sampler3d_cpu.c), which must give their bits; and Float
  -- agrees with the Double loops. Odd sizes, runs of samples that straddle chunks and batch
  -- elements, grid values far outside, on voxel centres, NaN, +-Inf and 1e30.
  local V3 = require 'stn.spatial.volumetric'
  local function volumetric_case(B, C, D, Hh, W, Do, Ho, Wo, special)
    local images = random_tensor({ B, C, D, Hh, W }, -1, 1)
    local grid = random_tensor({ B, Do, Ho, Wo, 3 }, -1.6, 1.6)
    local n = grid:nElement()
    if special and n >= 12 then
      local gflat = grid:view(n)
      -- (1e30 lands on different voxels after reflection's fmod in float and in double)
      local values = special == 'double' and { 0 / 0, 1 / 0, -1 / 0, 0, -0.0, 1, -1, 7.5, -9.25 }
        or { 0 / 0, 1 / 0, -1 / 0, 1e30, -1e30, 0, -0.0, 1, -1, 7.5, -9.25 }
      for _, v in ipairs(values) do gflat[math.random(1, n)] = v end
    end
    return images, grid, random_tensor({ B, C, Do, Ho, Wo }, -1, 1)
  end
  local function volumetric_run(mode, padding, align, images, grid, gout, with_images)
    local d = V3.desc(mode, padding, align)
    local out = V3.forward('spec', d, { images, grid }, images.new())
    local gi, gg = V3.backward('spec', d, { images, grid }, gout, with_images and images.new() or nil, images.new())
    return { out, gi or images.new(1):fill(1), gg }
  end
  local VOLUMES = { { 2, 3, 5, 6, 7, 4, 5, 6 }, { 1, 1, 4, 3, 9, 3, 7, 17 }, { 3, 9, 2, 1, 5, 5, 3, 13 },
    { 2, 2, 1, 1, 1, 2, 3, 11 }, { 2, 4, 6, 6, 6, 5, 5, 5 }, { 2, 3, 4, 5, 6, 0, 3, 4 } }

  it('the volumetric sampler (Float), every mode, padding and alignment, 1 and 2 threads', function()
    local threads = stn.getnumthreads()
    for vi, sz in ipairs(VOLUMES) do
      local images, grid, gout = volumetric_case(sz[1], sz[2], sz[3], sz[4], sz[5], sz[6], sz[7], sz[8], vi ~= 4)
      for _, mode in ipairs { 'bilinear', 'nearest' } do
        for _, padding in ipairs { 'zeros', 'border', 'reflection' } do
          for _, align in ipairs { true, false } do
            for _, nt in ipairs { 1, 2 } do
              local what = ('volumetric %s %s %s align=%s %d threads'):format(table.concat(sz, 'x'), mode, padding,
                tostring(align), nt)
              stn.setnumthreads(nt)
              across_paths(what, function()
                local r = volumetric_run(mode, padding, align, images, grid, gout, true)
                local r2 = volumetric_run(mode, padding, align, images, grid, gout, false)
                return { r[1], r[2], r[3], r2[3] }
              end)
            end
          end
        end
      end
    end
    stn.setnumthreads(threads)
  end)

  it('the volumetric sampler on a volume past the prefetch size (1 MiB a channel)', function()
    local images, grid, gout = volumetric_case(1, 2, 64, 64, 65, 9, 10, 11, true)
    for _, mode in ipairs { 'bilinear', 'nearest' } do
      for _, padding in ipairs { 'zeros', 'reflection' } do
        across_paths(('big volume %s %s'):format(mode, padding), function()
          return volumetric_run(mode, padding, false, images, grid, gout, true)
        end)
      end
    end
  end)

  it('the volumetric sampler\'s Float paths agree with its Double loops', function()
    for vi, sz in ipairs(VOLUMES) do
      local images, grid, gout = volumetric_case(sz[1], sz[2], sz[3], sz[4], sz[5], sz[6], sz[7], sz[8],
        vi ~= 4 and 'double')
      for r = 1, RANK[info.supported] do
        stn.setCPUPath(ORDER[r])
        for _, mode in ipairs { 'bilinear', 'nearest' } do
          for _, padding in ipairs { 'zeros', 'border', 'reflection' } do
            for _, align in ipairs { true, false } do
              local f = volumetric_run(mode, padding, align, images, grid, gout, true)
              local d = volumetric_run(mode, padding, align, images:double(), grid:double(), gout:double(), true)
              local what = ('volumetric %s %s %s align=%s %s path'):format(table.concat(sz, 'x'), mode, padding,
                tostring(align), ORDER[r])
              H.assert_near(f[1], d[1], 1e-5, what .. ' output')
              H.assert_near(f[2], d[2], 1e-5, what .. ' grad images')
              H.assert_near(f[3], d[3], 1e-4, what .. ' grad grid')
            end
          end
        end
      end
      stn.setCPUPath(start_path)
    end
  end)

  it('the 3-D affine grid\'s backward (AVX2 sums), Float and Double, both alignments', function()
    for _, ctor in ipairs { stn.FloatTensor, stn.DoubleTensor } do
      for _, sz in ipairs { { 2, 3, 5, 7 }, { 1, 1, 1, 2 }, { 3, 4, 2, 9 } } do
        local B, D, Hh, W = sz[1], sz[2], sz[3], sz[4]
        local theta = random_tensor({ B, 3, 4 }, -1, 1, false, ctor)
        local gg = random_tensor({ B, D, Hh, W, 3 }, -1, 1, true, ctor)
        for _, align in ipairs { true, false } do
          if not (align and (D < 2 or Hh < 2 or W < 2)) then
            across_paths(('AffineGridGenerator 3-D %s %s align=%s'):format(theta:type(), table.concat(sz, 'x'),
              tostring(align)), function()
              local m = nn.AffineGridGenerator(D, Hh, W, { alignCorners = align }):type(theta:type())
              m:forward(theta)
              return { m:backward(theta, gg):clone() }
            end)
          end
        end
      end
    end
  end)

  it('optim.sgd steps of every option combination, Float and Double, ragged lengths', function()
    local configs = {
      function() return { learningRate = 0.1 } end,
      function() return { learningRate = 0.1, weightDecay = 0.01 } end,
      function() return { learningRate = 0.1, momentum = 0.9, weightDecay = 0.01 } end,
      function() return { learningRate = 0.1, momentum = 0.9, dampening = 0.2 } end,
      function() return { learningRate = 0.1, momentum = 0.9, dampening = 0, nesterov = true } end,
      function(lrs, wds) return { learningRate = 0.1, learningRateDecay = 0.1, weightDecays = wds, learningRates = lrs } end,
      function(lrs) return { learningRate = 0.1, momentum = 0.5, dampening = 0, nesterov = true, learningRates = lrs } end,
    }
    for _, ctor in ipairs { stn.FloatTensor, stn.DoubleTensor } do
      for _, n in ipairs { 1, 7, 15, 17, 63, 65, 1000 } do
        local x0 = random_tensor({ n }, -2, 2, true, ctor)
        local lrs, wds = random_tensor({ n }, 0.1, 1, false, ctor), random_tensor({ n }, 0.01, 0.1, false, ctor)
        local gs = { random_tensor({ n }, -1, 1, true, ctor), random_tensor({ n }, -1, 1, false, ctor),
          random_tensor({ n }, -1, 1, false, ctor) }
        for k, make in ipairs(configs) do
          across_paths(('sgd %s n=%d config %d'):format(x0:type(), n, k), function()
            local x, cfg, state, out = x0:clone(), make(lrs, wds), {}, {}
            for _, g0 in ipairs(gs) do
              local g = g0:clone()
              stn.optim.sgd(function() return 0, g end, x, cfg, state)
              out[#out + 1] = g
            end
            out[#out + 1] = x
            if state.dfdx then out[#out + 1] = state.dfdx end
            return out
          end)
        end
      end
    end
  end)

  it('leaves the path it found in place', function()
    local before = stn.cpuPath()
    across_paths('nothing', function() return { stn.FloatTensor(3):fill(1) } end)
    assert.equal(before, stn.cpuPath())
  end)
end)
