-- The sampler's modes (bilinear, nearest, bicubic) and paddings (zeros, border,
-- reflection): golden values from PyTorch 1.13's grid_sample in float64
-- (tools/make_sampler_mode_fixtures.py wrote spec/fixtures/sampler_modes.lua) for every
-- mode x padding x alignCorners, output and both gradients, Float and Double; the BHWC
-- layout and (y, x) grids against the BCHW results; finite-difference Jacobians away from
-- the kinks; thread-count independence; non-finite and huge grid values; nn.GridSampler's
-- options and their errors.
local H = require 'helpers'
local ffi = require 'ffi'
local stn = H.stn
local nn = stn.nn
local S = require 'stn.spatial.common'
local F = require 'fixtures.sampler_modes'

local function T(f, ctor) return (ctor or stn.DoubleTensor)(f.data):view(f.sizes) end
local MODES = { bilinear = 0, nearest = 1, bicubic = 2 }
local PADS = { zeros = 0, border = 1, reflection = 2 }

-- forward and backward of the C sampler with an explicit descriptor
local function run(desc, images, grid, gout)
  local out = images.new()
  S.check(S.C.stn_sampler_forward(S.ctx, desc, images, grid, out), 'spec')
  if not gout then return out end
  local gi, gg = images.new(), images.new()
  S.check(S.C.stn_sampler_backward(S.ctx, desc, images, grid, gout, gi, gg), 'spec')
  return out, gi, gg
end

local function desc_of(c, layout, order)
  return S.sampler_desc(layout or 'bchw', order or 'xy', c.align, PADS[c.padding], MODES[c.mode])
end

describe('sampler modes against PyTorch (float64 fixtures)', function()
  for _, c in ipairs(F) do
    for _, tp in ipairs { { 'Double', stn.DoubleTensor, 1e-10, 1e-9 }, { 'Float', stn.FloatTensor, 2e-5, 1e-4 } } do
      local tname, ctor, tol, gtol = tp[1], tp[2], tp[3], tp[4]
      it(('nn.GridSampler %s, %s'):format(c.name, tname), function()
        local m = nn.GridSampler { mode = c.mode, padding = c.padding, alignCorners = c.align }
        if tname == 'Double' then m = m:double() end
        H.check_sampler_fixture(m, c, ctor, tol, gtol)
      end)
    end
  end

  it('nearest rounds ties to even (nearbyint), as PyTorch', function()
    local n = 0
    for _, c in ipairs(F) do
      if c.name:match('^nearest ties') then
        n = n + 1
        local m = nn.GridSampler { mode = 'nearest', padding = c.padding, alignCorners = false }:double()
        H.assert_equal(m:forward { T(c.images), T(c.grid) }, T(c.output), c.name)
      end
    end
    assert.are.equal(3, n)
  end)
end)

describe('sampler modes: layouts, grid orders, types, threads', function()
  for _, c in ipairs(F) do
    it('BHWC images and (y, x) grids give the BCHW results: ' .. c.name, function()
      for _, ctor in ipairs { stn.DoubleTensor, stn.FloatTensor } do
        local images, grid, gout = T(c.images, ctor), T(c.grid, ctor), T(c.grad_output, ctor)
        local out, gi, gg = run(desc_of(c), images, grid, gout)
        local himg = images:permute(1, 3, 4, 2):contiguous()
        local hgout = gout:permute(1, 3, 4, 2):contiguous()
        local yx = grid:index(4, stn.LongTensor { 2, 1 })
        for _, v in ipairs { { 'bhwc', 'xy', himg, grid, hgout }, { 'bhwc', 'yx', himg, yx, hgout },
          { 'bchw', 'yx', images, yx, gout } } do
          local layout, order = v[1], v[2]
          local o2, gi2, gg2 = run(desc_of(c, layout, order), v[3], v[4], v[5])
          if layout == 'bhwc' then o2, gi2 = o2:permute(1, 4, 2, 3), gi2:permute(1, 4, 2, 3) end
          if order == 'yx' then gg2 = gg2:index(4, stn.LongTensor { 2, 1 }) end
          H.assert_close(o2, out, 1e-6, layout .. ' ' .. order .. ' output')
          H.assert_close(gi2, gi, 1e-6, layout .. ' ' .. order .. ' grad images')
          H.assert_close(gg2, gg, 1e-6, layout .. ' ' .. order .. ' grad grid')
        end
      end
    end)
  end

  it('an empty output grid gives a zero image gradient in every mode and padding, over any old values', function()
    local images, grid = H.rand({ 2, 3, 5, 6 }), H.rand({ 2, 0, 4, 2 })
    for _, layout in ipairs { 'bchw', 'bhwc' } do
      for mode in pairs(MODES) do
        for pad in pairs(PADS) do
          local c = { mode = mode, padding = pad, align = true }
          local gi, gg = stn.Tensor(2, 3, 5, 6):fill(7), stn.Tensor(2, 0, 4, 2)
          local gout = layout == 'bchw' and stn.Tensor(2, 3, 0, 4) or stn.Tensor(2, 0, 4, 6)
          S.check(S.C.stn_sampler_backward(S.ctx, desc_of(c, layout), images, grid, gout, gi, gg), 'spec')
          assert.are.equal(0, gi:abs():max(), ('%s %s %s: grad images'):format(layout, mode, pad))
        end
      end
    end
  end)

  it('results do not depend on the thread count', function()
    local n0 = stn.getnumthreads()
    -- 20 channels: two channel groups of the image gradient
    local images, grid = H.rand({ 3, 20, 24, 30 }), H.rand({ 3, 25, 22, 2 }, -1.6, 1.6)
    local gout = H.rand({ 3, 20, 25, 22 })
    for mode in pairs(MODES) do
      for pad in pairs(PADS) do
        local c = { mode = mode, padding = pad, align = false }
        stn.setnumthreads(1)
        local o1, gi1, gg1 = run(desc_of(c), images, grid, gout)
        for _, nt in ipairs { 2, 3, 4 } do
          stn.setnumthreads(nt)
          local o, gi, gg = run(desc_of(c), images, grid, gout)
          H.assert_equal(o, o1, mode .. ' ' .. pad .. ' output')
          H.assert_equal(gi, gi1, mode .. ' ' .. pad .. ' grad images')
          H.assert_equal(gg, gg1, mode .. ' ' .. pad .. ' grad grid')
        end
      end
    end
    stn.setnumthreads(n0)
  end)
end)

describe('sampler modes: Jacobians away from the kinks', function()
  -- a grid well inside the image whose values keep away from pixel centres (bilinear's
  -- and bicubic's kinks, where the taps change) and from the reflection borders
  local function smooth_grid(ctor, h, w, align)
    local grid = ctor(2, 3, 4, 2)
    local g = grid:view(-1)
    local gen = stn.Generator and nil
    for i = 1, g:nElement() do
      local size = (i % 2 == 1) and w or h
      -- pixel coordinate k + 0.3 .. k + 0.7 for k inside, mapped back to [-1, 1]
      local k = (i * 7) % (size - 1)
      local u = k + 0.3 + 0.4 * ((i * 13) % 10) / 10
      g[i] = align and (2 * u / (size - 1) - 1) or ((2 * u + 1) / size - 1)
    end
    return grid
  end
  for _, mode in ipairs { 'bilinear', 'bicubic', 'nearest' } do
    for _, pad in ipairs { 'zeros', 'border', 'reflection' } do
      for _, align in ipairs { true, false } do
        it(('%s %s align %s'):format(mode, pad, tostring(align)), function()
          local m = nn.GridSampler { mode = mode, padding = pad, alignCorners = align }:double()
          local images = stn.DoubleTensor(2, 2, 5, 6):uniform(-1, 1)
          local grid = smooth_grid(stn.DoubleTensor, 5, 6, align)
          H.check_jacobian(m, { images, grid }, { input_index = 1, eps = 1e-6, tol = 1e-6 })
          if mode ~= 'nearest' then
            H.check_jacobian(m, { images, grid }, { input_index = 2, eps = 1e-6, tol = 1e-5 })
          else -- no grid gradient: zeros, as PyTorch
            local g = m:backward({ images, grid }, m.output:clone():fill(1))
            assert.are.equal(0, g[2]:abs():max())
          end
        end)
      end
    end
  end
  it('bicubic reflection beyond the borders (folded twice), Float', function()
    local m = nn.GridSampler { mode = 'bicubic', padding = 'reflection', alignCorners = false }
    local images = H.rand({ 1, 1, 4, 5 })
    -- pixel coordinates 8.3 .. (x, width 5: folded about 4.5 and -0.5) and -3.4 (y)
    local grid = stn.FloatTensor { { { { (2 * 8.3 + 1) / 5 - 1, (2 * -3.4 + 1) / 4 - 1 } } } }
    H.check_jacobian(m, { images, grid }, { input_index = 2, eps = 1e-3, tol = 2e-2 })
  end)
end)

describe('sampler modes: non-finite and huge grid values', function()
  local inf, nan = math.huge, 0 / 0
  local bad = { nan, inf, -inf, 1e30, -1e30, 3e38, -3e38 }
  for _, ctor in ipairs { stn.FloatTensor, stn.DoubleTensor } do
    for mode in pairs(MODES) do
      for pad in pairs(PADS) do
        for _, align in ipairs { true, false } do
          it(('%s %s align %s %s: padding value, finite gradients'):format(mode, pad, tostring(align),
            ctor == stn.FloatTensor and 'Float' or 'Double'), function()
            local images = ctor(1, 2, 3, 4):uniform(1, 2) -- every pixel in [1, 2]
            local n = #bad
            local grid = ctor(1, n + 1, n + 1, 2)
            local vals = { 0.1 }
            for i, v in ipairs(bad) do vals[i + 1] = v end
            for i = 1, n + 1 do
              for j = 1, n + 1 do grid[1][i][j][1], grid[1][i][j][2] = vals[j], vals[i] end
            end
            local c = { mode = mode, padding = pad, align = align }
            local gout = ctor(1, 2, n + 1, n + 1):fill(1)
            local out, gi, gg = run(desc_of(c), images, grid, gout)
            local o = out:double()
            for i = 1, n + 1 do
              for j = 1, n + 1 do
                for ch = 1, 2 do
                  local v = o[1][ch][i][j]
                  if i > 1 or j > 1 then
                    if pad == 'zeros' then
                      assert(v == 0, ('zeros padding: %s at (%s, %s)'):format(v, vals[j], vals[i]))
                    else -- in-range pixels: within the image's values (bicubic may overshoot them)
                      local slack = mode == 'bicubic' and 0.5 or 1e-5
                      assert(v >= 1 - slack and v <= 2 + slack, ('%s padding: %s at (%s, %s)'):format(pad, v, vals[j], vals[i]))
                    end
                  end
                end
              end
            end
            for _, g in ipairs { gi, gg } do
              local d = g:double():view(-1)
              for k = 1, d:nElement() do assert(d[k] - d[k] == 0, 'non-finite gradient ' .. tostring(d[k])) end
            end
            -- a non-finite coordinate gets no gradient (the bilinear fast path of zeros and
            -- border: a rounding's worth)
            local ggd = gg:double()
            local eps = (mode == 'bilinear' and pad ~= 'reflection') and 1e-6 or 0
            for i = 1, n + 1 do
              for j = 1, n + 1 do
                if vals[j] - vals[j] ~= 0 then assert(math.abs(ggd[1][i][j][1]) <= eps, ggd[1][i][j][1]) end
                if vals[i] - vals[i] ~= 0 then assert(math.abs(ggd[1][i][j][2]) <= eps, ggd[1][i][j][2]) end
              end
            end
          end)
        end
      end
    end
  end
  it('NaN and +-Inf read the documented pixel (border: -Inf, NaN first, +Inf last; reflection: first)', function()
    local images = stn.DoubleTensor { { { { 1, 2, 3 } } } } -- 1 x 1 x 1 x 3
    local function at(x, pad, mode)
      local grid = stn.DoubleTensor { { { { x, 0 } } } }
      return run(desc_of { mode = mode, padding = pad, align = true }, images, grid)[1][1][1][1]
    end
    for mode in pairs(MODES) do
      assert.are.equal(1, at(0 / 0, 'border', mode))
      assert.are.equal(1, at(-math.huge, 'border', mode))
      assert.are.equal(3, at(math.huge, 'border', mode))
      for _, x in ipairs { 0 / 0, math.huge, -math.huge } do
        assert.are.equal(1, at(x, 'reflection', mode))
        assert.are.equal(0, at(x, 'zeros', mode))
      end
    end
  end)
end)

describe('nn.GridSampler options', function()
  it('takes every mode and padding, and shows them', function()
    for mode in pairs(MODES) do
      for pad in pairs(PADS) do
        local m = nn.GridSampler { mode = mode, padding = pad, alignCorners = false }
        assert.are.equal(('nn.GridSampler(mode=%s, padding=%s, alignCorners=false)'):format(mode, pad), tostring(m))
      end
    end
    assert.are.equal('nn.GridSampler(mode=bilinear, padding=zeros, alignCorners=true)', tostring(nn.GridSampler()))
    assert.are.equal('nn.GridSampler(mode=bilinear, padding=zeros, alignCorners=true, no image gradient)',
      tostring(nn.GridSampler { imageGradient = false }))
  end)

  it('refuses an unknown key, naming it and the known ones', function()
    for _, key in ipairs { 'Mode', 'padding_mode', 'align_corners', 'modes' } do
      H.assert_error(function() nn.GridSampler { [key] = 'bilinear' } end, 'nn.GridSampler', "unknown option '" .. key .. "'",
        'alignCorners, antialias, imageGradient, mode, padding')
    end
    H.assert_error(function() nn.GridSampler { 'nearest' } end, 'nn.GridSampler', 'unknown option 1')
  end)

  it('refuses wrong values', function()
    H.assert_error(function() nn.GridSampler { mode = 'trilinear' } end, 'nn.GridSampler',
      "mode must be 'bilinear', 'nearest' or 'bicubic', got 'trilinear'")
    H.assert_error(function() nn.GridSampler { mode = 2 } end, 'mode must be')
    H.assert_error(function() nn.GridSampler { padding = 'wrap' } end,
      "padding must be 'zeros', 'border' or 'reflection', got 'wrap'")
    H.assert_error(function() nn.GridSampler { alignCorners = 1 } end, 'alignCorners must be true or false')
    H.assert_error(function() nn.GridSampler { antialias = 'yes' } end, 'antialias must be true or false')
    H.assert_error(function() nn.GridSampler { imageGradient = 0 } end, 'imageGradient must be true or false')
    H.assert_error(function() nn.GridSampler('bilinear') end, 'options must be a table')
  end)

  it('passes antialias to the sampler', function()
    local m = nn.GridSampler { antialias = true }
    assert.is_true(m.antialias)
    local ok, err = pcall(function() m:forward { H.rand({ 1, 1, 4, 4 }), H.rand({ 1, 2, 2, 2 }) } end)
    -- the C sampler either implements it or says it does not yet
    if not ok then assert(tostring(err):find('nn.GridSampler', 1, true) and tostring(err):find('antialias', 1, true), err) end
  end)

  it('loads modules saved without mode (bilinear) and checks saved options', function()
    local m = nn.GridSampler { padding = 'border' }
    local images, grid = H.rand({ 1, 2, 4, 5 }), H.rand({ 1, 3, 3, 2 })
    local ref = m:forward({ images, grid }):clone()
    m.mode, m.antialias = nil, nil -- as saved before the options existed
    m:checkLoaded()
    H.assert_equal(m:forward { images, grid }, ref, 'old module')
    assert.are.equal('nn.GridSampler(mode=bilinear, padding=border, alignCorners=true)', tostring(m))
    m.mode = 'cubic'
    assert.has_error(function() m:checkLoaded() end)
    m.mode, m.padding = 'nearest', 'reflection'
    m:checkLoaded()
  end)

  it('imageGradient = false skips the image gradient in every mode', function()
    for mode in pairs(MODES) do
      local m = nn.GridSampler { mode = mode, padding = 'reflection', imageGradient = false }
      local full = nn.GridSampler { mode = mode, padding = 'reflection' }
      local input = { H.rand({ 2, 3, 4, 5 }), H.rand({ 2, 3, 3, 2 }, -1.5, 1.5) }
      local g = H.rand({ 2, 3, 3, 3 })
      m:forward(input)
      full:forward(input)
      local a, b = m:backward(input, g), full:backward(input, g)
      assert.are.equal(0, a[1]:nElement())
      H.assert_equal(a[2], b[2], mode .. ' grid gradient')
    end
  end)
end)

describe('sampler modes: bad input', function()
  it('names the module and the problem', function()
    local m = nn.GridSampler { mode = 'bicubic', padding = 'reflection' }
    H.assert_error(function() m:forward { H.rand({ 1, 2, 4, 5 }), H.rand({ 1, 3, 3, 3 }) } end, 'nn.GridSampler', 'grid')
    H.assert_error(function() m:forward { H.rand({ 2, 2, 4, 5 }), H.rand({ 1, 3, 3, 2 }) } end, 'nn.GridSampler',
      'batch sizes')
    H.assert_error(function() m:forward { H.rand({ 1, 2, 4, 5 }), stn.DoubleTensor(1, 3, 3, 2) } end, 'nn.GridSampler')
    m:forward { H.rand({ 1, 2, 4, 5 }), H.rand({ 1, 3, 3, 2 }) }
    H.assert_error(function() m:backward({ H.rand({ 1, 2, 4, 5 }), H.rand({ 1, 3, 3, 2 }) }, H.rand({ 1, 2, 3, 4 })) end,
      'nn.GridSampler', 'grad_output must be 1x2x3x3')
  end)
  it('a descriptor with an unknown mode is refused by the C sampler', function()
    local d = ffi.new('stn_sampler_desc', 0, 0, 1, 0, 3, 0)
    local out = stn.Tensor()
    local st = S.C.stn_sampler_forward(S.ctx, d, H.rand({ 1, 1, 2, 2 }), H.rand({ 1, 1, 1, 2 }), out)
    assert.are_not.equal(0, st)
  end)
end)
