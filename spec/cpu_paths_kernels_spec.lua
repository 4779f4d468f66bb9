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

  -- A grid around [-1, 1] with values that fold more than once under reflection (up to
  -- +-5), exact pixel centres and ties, and (special) NaN, +-inf, +-1e30 sprinkled in.
  local function mode_grid(B, Ho, Wo, special)
    local grid = random_tensor({ B, Ho, Wo, 2 }, -1.4, 1.4)
    local g = grid:view(grid:nElement())
    local n = g:nElement()
    for i = 1, n, 5 do g[i] = g[i] * 3.5 end
    local fixed = { 0, 1, -1, 0.5, -0.5, 1 / 3 }
    if special then
      for _, v in ipairs { 0 / 0, 1 / 0, -1 / 0, 1e30, -1e30, 3e38 } do fixed[#fixed + 1] = v end
    end
    for k, v in ipairs(fixed) do
      local i = (k * 7) % n + 1
      g[i] = v
    end
    return grid
  end

  local function run_sampler(mode, padding, align, images, grid, gout)
    local m = nn.GridSampler { mode = mode, padding = padding, alignCorners = align }
    if images:type():find('Double') then m = m:double() end
    local out = m:forward({ images, grid }):clone()
    local gi = m:backward({ images, grid }, gout)
    return { out, gi[1]:clone(), gi[2]:clone() }
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
              return run_sampler('bilinear', padding, align, images, grid, gout)
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

  it('nn.GridSampler nearest (every padding) and bilinear reflection: ragged sizes, odd planes, NaN/inf/1e30', function()
    for _, C in ipairs { 1, 3, 5, 6 } do
      for _, Wo in ipairs(RAGGED) do
        local B, H, W, Ho = 2, 7, 9, 3
        local images = random_tensor({ B, C, H, W }, -1, 1)
        local grid = mode_grid(B, Ho, Wo, Wo >= 7)
        local gout = random_tensor({ B, C, Ho, Wo }, -1, 1)
        for _, align in ipairs { true, false } do
          for _, v in ipairs { { 'nearest', 'zeros' }, { 'nearest', 'border' }, { 'nearest', 'reflection' },
            { 'bilinear', 'reflection' } } do
            across_paths(('GridSampler %s %s C=%d Wo=%d align=%s'):format(v[1], v[2], C, Wo, tostring(align)), function()
              return run_sampler(v[1], v[2], align, images, grid, gout)
            end)
          end
        end
      end
    end
  end)

  it('nearest and bilinear reflection on Float (every path) agree with the Double generic loops', function()
    -- no huge or non-finite values here: float and double would reflect 1e30 differently
    for _, C in ipairs { 1, 3, 6 } do
      for _, Wo in ipairs { 1, 17, 65 } do
        local B, h, w, Ho = 2, 5, 11, 3
        local images = random_tensor({ B, C, h, w }, -1, 1)
        local grid = random_tensor({ B, Ho, Wo, 2 }, -3, 3)
        local gout = random_tensor({ B, C, Ho, Wo }, -1, 1)
        for _, align in ipairs { true, false } do
          for _, v in ipairs { { 'nearest', 'zeros' }, { 'nearest', 'border' }, { 'nearest', 'reflection' },
            { 'bilinear', 'reflection' } } do
            local want = run_sampler(v[1], v[2], align, images:double(), grid:double(), gout:double())
            for r = 1, RANK[info.supported] do
              stn.setCPUPath(ORDER[r])
              local got = run_sampler(v[1], v[2], align, images, grid, gout)
              local what = ('%s %s C=%d Wo=%d align=%s, %s path'):format(v[1], v[2], C, Wo, tostring(align), ORDER[r])
              -- nearest reads the same pixels: the output exactly, sums of float terms within 1e-6
              H.assert_close(got[1], want[1], v[1] == 'nearest' and 0 or 1e-5, what .. ': output')
              H.assert_close(got[2], want[2], 1e-5, what .. ': image gradient')
              H.assert_close(got[3], want[3], v[1] == 'nearest' and 0 or 1e-4, what .. ': grid gradient')
            end
            stn.setCPUPath(start_path)
          end
        end
      end
    end
  end)

  -- The bicubic fast path (csrc/spatial/sampler_bicubic.c, BCHW Float): every path gives the
  -- generic path's bits; each gives the generic Float loops' bits too (BHWC images, which the
  -- fast path leaves to them: the same arithmetic per element), and agrees with the Double
  -- loops within float rounding. Chunks of 64 samples: ragged Wo around 8, 16 and 64 lanes;
  -- C = 17 and 20 take the split backward (more than 16 channels); grid values NaN, +-inf,
  -- +-1e30 and reflected ones beyond 2^22 pixels.
  it('bicubic GridSampler (fast path): every padding, ragged sizes, special grid values; Float loops, Double', function()
    local ffi = require 'ffi'
    local core = require 'stn.ffi'
    local C, ctx = core.C, core.ctx
    local function desc(layout, align, padding)
      return ffi.new('stn_sampler_desc', layout, 0, align and 1 or 0, padding, 2, 0)
    end
    local function run(d, images, grid, gout)
      local out, gi, gg = images.new(), images.new(), images.new()
      assert(C.stn_sampler_forward(ctx, d, images, grid, out) == 0, ffi.string(C.stn_last_error()))
      assert(C.stn_sampler_backward(ctx, d, images, grid, gout, gi, gg) == 0, ffi.string(C.stn_last_error()))
      return out, gi, gg
    end
    local function same_bits(want, got, what) -- Float tensors, bit for bit
      want, got = want:contiguous(), got:contiguous()
      assert.equal(want:nElement(), got:nElement(), what .. ': element counts differ')
      local a, b = ffi.cast('uint32_t *', want:data()), ffi.cast('uint32_t *', got:data())
      for i = 0, want:nElement() - 1 do
        if a[i] ~= b[i] then error(('%s: element %d: bits %08x, not %08x'):format(what, i + 1, b[i], a[i]), 2) end
      end
    end
    local function bhwc(t) return t:transpose(2, 3):transpose(3, 4):contiguous() end
    local function bchw(t) return t:transpose(3, 4):transpose(2, 3):contiguous() end
    local PADDINGS = { zeros = 0, border = 1, reflection = 2 }
    for _, C_ in ipairs { 1, 3, 17, 20 } do
      for _, Wo in ipairs { 1, 7, 9, 15, 17, 63, 65, 130 } do
        local B, Hh, W, Ho = 2, 6, 9, 3
        local images = random_tensor({ B, C_, Hh, W }, -1, 1)
        local grid = random_tensor({ B, Ho, Wo, 2 }, -1.6, 1.6)
        local gflat = grid:view(grid:nElement())
        local special = { 0 / 0, 1 / 0, -1 / 0, 1e30, -1e30, 2e6, -3e6, 1, -1, 0 }
        if gflat:nElement() >= 20 then
          for k, v in ipairs(special) do gflat[2 * k - 1] = v; gflat[2 * k + 4] = v end
        end
        local gout = random_tensor({ B, C_, Ho, Wo }, -1, 1)
        for _, align in ipairs { true, false } do
          for pname, padding in pairs(PADDINGS) do
            local what = ('bicubic C=%d Wo=%d align=%s %s'):format(C_, Wo, tostring(align), pname)
            across_paths(what, function()
              local out, gi, gg = run(desc(0, align, padding), images, grid, gout)
              return { out, gi, gg }
            end)
            local out, gi, gg = run(desc(0, align, padding), images, grid, gout)
            -- the same bits on two threads (the rest runs on one: small tensors)
            stn.setnumthreads(2)
            local o2, gi2, gg2 = run(desc(0, align, padding), images, grid, gout)
            stn.setnumthreads(1)
            same_bits(out, o2, what .. ': output on two threads')
            same_bits(gi, gi2, what .. ': image gradient on two threads')
            same_bits(gg, gg2, what .. ': grid gradient on two threads')
            -- the generic Float loops, on the same data laid out channels last
            local lo, lgi, lgg = run(desc(1, align, padding), bhwc(images), grid, bhwc(gout))
            same_bits(bchw(lo), out, what .. ': output against the generic Float loops')
            same_bits(bchw(lgi), gi, what .. ': image gradient against the generic Float loops')
            same_bits(lgg, gg, what .. ': grid gradient against the generic Float loops')
            -- the Double loops, within float rounding (far finite values left out: reflected
            -- there, float and double round the coordinate onto different pixels)
            local tame = grid:clone()
            local tflat = tame:view(tame:nElement())
            for k = 1, #special do
              if 2 * k + 4 <= tflat:nElement() then
                for _, i in ipairs { 2 * k - 1, 2 * k + 4 } do
                  local v = tflat[i]
                  if v == v and math.abs(v) > 2 and math.abs(v) < math.huge then tflat[i] = 1.5 end
                end
              end
            end
            out, gi, gg = run(desc(0, align, padding), images, tame, gout)
            local dout, dgi, dgg = run(desc(0, align, padding), images:double(), tame:double(), gout:double())
            H.assert_near(out, dout, 1e-5, what .. ': output against the Double loops:')
            H.assert_near(gi, dgi, 1e-5, what .. ': image gradient against the Double loops:')
            H.assert_near(gg, dgg, 1e-4, what .. ': grid gradient against the Double loops:')
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
