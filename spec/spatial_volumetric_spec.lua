-- The volumetric (5-D) sampler and the 3-D affine grid: golden values from PyTorch 1.13's
-- grid_sample / affine_grid in float64 (tools/make_volumetric_fixtures.py wrote
-- spec/fixtures/spatial_volumetric.lua) for trilinear and nearest x zeros / border /
-- reflection x alignCorners; finite-difference Jacobians away from kinks; Float vs Double;
-- thread-count independence; NaN / Inf / 1e30 grids; bad input. The CPU-vs-CUDA and
-- determinism claims are rows of spec/conformance_table.lua ('spatial: sampler3d ...').
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn
local ffi = require 'ffi'
local core = require 'stn.ffi'
local class = require 'stn.class'
local V = require 'stn.spatial.volumetric'
local F = require 'fixtures.spatial_volumetric'

local function T(f, double)
  local t = stn.DoubleTensor(f.data):view(f.sizes)
  return double and t or t:float()
end

-- A test-only module around the helpers (for the Jacobian helper and :double()):
-- {images, grid} -> output, gradInput {gradImages, gradGrid}.
local Sampler3d = class.registry['nn.TestVolumetricSampler']
if not Sampler3d then
  local parent
  Sampler3d, parent = class.new('nn.TestVolumetricSampler', 'nn.Module')
  function Sampler3d:__init(mode, padding, align)
    parent.__init(self)
    self.mode, self.padding, self.align = mode, padding, align
    self.gradInput = { stn.Tensor(), stn.Tensor() }
  end
  function Sampler3d:updateOutput(input)
    self.output = V.forward('nn.TestVolumetricSampler', V.desc(self.mode, self.padding, self.align), input, self.output)
    return self.output
  end
  function Sampler3d:updateGradInput(input, gradOutput)
    local gi, gg = self.gradInput[1], self.gradInput[2]
    if gi.dtype ~= input[1].dtype then gi, gg = input[1].new(), input[1].new() end
    gi, gg = V.backward('nn.TestVolumetricSampler', V.desc(self.mode, self.padding, self.align), input, gradOutput, gi, gg)
    self.gradInput = { gi, gg }
    return self.gradInput
  end
end

local function run(mode, padding, align, images, grid, gout)
  local d = V.desc(mode, padding, align)
  local out = V.forward('t', d, { images, grid }, images.new())
  local gi, gg = V.backward('t', d, { images, grid }, gout, images.new(), images.new())
  return out, gi, gg
end

-- A B x Do x Ho x Wo x 3 grid whose voxel coordinates keep 0.1 voxel away from integers
-- and half-integers (the kinks of every padding: voxel lines, clip limits, mirrors), on
-- cells from -2 to size (some outside).
local function smooth_grid(B, Do, Ho, Wo, D, Hh, W, align, dtype)
  local u = H.rand({ B, Do, Ho, Wo, 3 }, 0, 1):double()
  local w = H.rand({ B, Do, Ho, Wo, 3 }, 0, 1):double()
  local g = stn.DoubleTensor(B, Do, Ho, Wo, 3)
  local pu, pw, pg = u:data(), w:data(), g:data()
  local sizes = { W, Hh, D }
  for i = 0, B * Do * Ho * Wo * 3 - 1 do
    local n = sizes[i % 3 + 1]
    local cell = math.floor(pu[i] * (n + 3)) - 2
    local frac = pw[i] < 0.5 and 0.1 + 0.6 * pw[i] or 0.6 + 0.6 * (pw[i] - 0.5)
    local px = cell + frac
    pg[i] = align and (2 * px / (n - 1) - 1) or ((2 * px + 1) / n - 1)
  end
  if dtype == 'double' then return g end
  return g:float()
end

local MODES, PADDINGS = { 'bilinear', 'nearest' }, { 'zeros', 'border', 'reflection' }

describe('the volumetric sampler against PyTorch (float64 fixtures)', function()
  for _, c in ipairs(F.sampler) do
    it(c.name .. ' on Double', function()
      local out, gi, gg = run(c.mode, c.padding, c.align, T(c.images, true), T(c.grid, true), T(c.grad_output, true))
      H.assert_near(out, T(c.output, true), 1e-7, 'output')
      H.assert_near(gi, T(c.grad_images, true), 1e-7, 'grad images')
      H.assert_near(gg, T(c.grad_grid, true), 1e-7, 'grad grid')
    end)
    it(c.name .. ' on Float', function()
      local out, gi, gg = run(c.mode, c.padding, c.align, T(c.images), T(c.grid), T(c.grad_output))
      assert.are.equal(0, out.dtype)
      H.assert_near(out, T(c.output), 1e-5, 'output')
      H.assert_near(gi, T(c.grad_images), 1e-5, 'grad images')
      H.assert_near(gg, T(c.grad_grid), 1e-4, 'grad grid')
    end)
  end

  it('nn.GridSampler takes the 5-D form: the same fixtures through the module', function()
    for _, c in ipairs(F.sampler) do
      local m = nn.GridSampler { mode = c.mode, padding = c.padding, alignCorners = c.align }:double()
      local input = { T(c.images, true), T(c.grid, true) }
      H.assert_near(m:forward(input), T(c.output, true), 1e-7, c.name .. ' output')
      local gi = m:backward(input, T(c.grad_output, true))
      H.assert_near(gi[1], T(c.grad_images, true), 1e-7, c.name .. ' grad images')
      H.assert_near(gi[2], T(c.grad_grid, true), 1e-7, c.name .. ' grad grid')
      -- without the image gradient: the grid's alone, the same
      m:setImageGradient(false)
      gi = m:backward(input, T(c.grad_output, true))
      assert.are.equal(0, gi[1]:nElement())
      H.assert_near(gi[2], T(c.grad_grid, true), 1e-7, c.name .. ' grad grid alone')
    end
    local x, g = H.rand({ 1, 1, 2, 3, 4 }), H.rand({ 1, 2, 3, 4, 3 })
    H.assert_error(function() nn.GridSampler { mode = 'bicubic' }:forward { x, g } end, 'nn.GridSampler', 'bicubic',
      'not defined on volumes')
    H.assert_error(function() nn.GridSampler { antialias = true }:forward { x, g } end, 'nn.GridSampler', 'antialias')
    H.assert_error(function() nn.GridSampler():forward { x, H.rand({ 1, 2, 3, 4, 2 }) } end, 'nn.GridSampler')
  end)

  it('covers every mode, padding and alignment, with samples outside and (reflection) several flips', function()
    local seen = {}
    for _, c in ipairs(F.sampler) do
      seen[c.mode .. c.padding .. tostring(c.align)] = true
      local g = T(c.grid, true)
      if c.padding == 'reflection' then assert.is_true(g:abs():max() > 2) end
      assert.is_true(g:abs():max() > 1)
    end
    for _, m in ipairs(MODES) do
      for _, p in ipairs(PADDINGS) do
        for _, a in ipairs { true, false } do assert.is_true(seen[m .. p .. tostring(a)], m .. p .. tostring(a)) end
      end
    end
  end)

  it('nearest has no grid gradient: zeros', function()
    local c = F.sampler[7]
    assert.are.equal('nearest', c.mode)
    local _, _, gg = run(c.mode, c.padding, c.align, T(c.images), T(c.grid), T(c.grad_output))
    assert.are.equal(0, gg:abs():max())
  end)

  it('takes unbatched input (C x D x H x W with a D\' x H\' x W\' x 3 grid)', function()
    local c = F.sampler[1]
    local images, grid = T(c.images, true), T(c.grid, true)
    local d = V.desc(c.mode, c.padding, c.align)
    local out = V.forward('t', d, { images[2], grid[2] }, images.new())
    assert.are.same({ 2, 2, 3, 4 }, out:size():totable())
    H.assert_near(out, T(c.output, true)[2], 1e-7, 'output')
    local gi, gg = V.backward('t', d, { images[2], grid[2] }, T(c.grad_output, true)[2], images.new(), images.new())
    H.assert_near(gi, T(c.grad_images, true)[2], 1e-7, 'grad images')
    H.assert_near(gg, T(c.grad_grid, true)[2], 1e-7, 'grad grid')
    local none, gg2 = V.backward('t', d, { images, grid }, T(c.grad_output, true), nil, images.new())
    assert.is_nil(none)
    H.assert_near(gg2, T(c.grad_grid, true), 1e-7, 'grad grid without the image gradient')
  end)
end)

describe('nn.AffineGridGenerator(D, H, W) against PyTorch\'s affine_grid on 5-D sizes', function()
  for _, c in ipairs(F.grid) do
    for _, double in ipairs { false, true } do
      it(('%dx%dx%d align %s on %s'):format(c.depth, c.height, c.width, tostring(c.align), double and 'Double' or 'Float'),
        function()
          local gen = nn.AffineGridGenerator(c.depth, c.height, c.width, { alignCorners = c.align })
          if double then gen:double() end
          local theta = T(c.theta, double)
          local grid = gen:forward(theta)
          assert.are.same({ 2, c.depth, c.height, c.width, 3 }, grid:size():totable())
          H.assert_near(grid, T(c.grid, true), double and 1e-7 or 1e-6, 'grid')
          H.assert_near(gen:backward(theta, T(c.grad_grid, double)), T(c.grad_theta, true), double and 1e-7 or 1e-5,
            'grad theta')
          -- unbatched: 3 x 4 -> D x H x W x 3
          H.assert_near(gen:forward(theta[1]), T(c.grid, true)[1], double and 1e-7 or 1e-6, 'unbatched grid')
        end)
    end
  end

  it('keeps the 2-D form and prints both', function()
    assert.are.equal('nn.AffineGridGenerator(3, 4, 5, alignCorners=false)',
      tostring(nn.AffineGridGenerator(3, 4, 5, { alignCorners = false })))
    assert.are.equal('nn.AffineGridGenerator(4, 5, alignCorners=true)', tostring(nn.AffineGridGenerator(4, 5)))
    assert.are.same({ 1, 4, 5, 2 }, nn.AffineGridGenerator(4, 5):forward(stn.Tensor(1, 2, 3):zero()):size():totable())
  end)

  it('has the Jacobian of a linear map (Double)', function()
    for _, align in ipairs { true, false } do
      local gen = nn.AffineGridGenerator(2, 3, 4, { alignCorners = align }):double()
      local worst = H.check_jacobian(gen, H.rand({ 2, 3, 4 }, -1, 1):double(), { eps = 1e-6, tol = 1e-6 })
      assert.is_true(worst < 1e-6)
    end
  end)

  it('refuses bad sizes and bad theta', function()
    H.assert_error(function() nn.AffineGridGenerator(1, 4, 5) end, 'nn.AffineGridGenerator: depth must be an integer >= 2')
    H.assert_error(function() nn.AffineGridGenerator(2, 4, 5.5) end, 'width must be an integer')
    H.assert_error(function() nn.AffineGridGenerator(2, 4, 5, 'x') end, 'options must be a table')
    local gen = nn.AffineGridGenerator(2, 3, 4)
    H.assert_error(function() gen:forward(stn.Tensor(2, 2, 3)) end, 'theta must be B x 3 x 4')
    gen:forward(stn.Tensor(2, 3, 4):zero())
    H.assert_error(function() gen:backward(stn.Tensor(2, 3, 4), stn.Tensor(2, 2, 3, 4, 2)) end,
      'gradOutput must be 2x2x3x4x3')
    H.assert_error(function() nn.AffineGridGenerator(3, 4):forward(stn.Tensor(2, 3, 4)) end, 'theta must be B x 2 x 3')
  end)
end)

describe('the volumetric sampler: Jacobians away from kinks (Double)', function()
  for _, mode in ipairs(MODES) do
    for _, padding in ipairs(PADDINGS) do
      for _, align in ipairs { true, false } do
        it(('%s %s align %s'):format(mode, padding, tostring(align)), function()
          stn.manualSeed(7)
          local m = Sampler3d(mode, padding, align):double()
          local images = H.rand({ 2, 2, 3, 4, 5 }, -1, 1):double()
          local grid = smooth_grid(2, 2, 3, 2, 3, 4, 5, align, 'double')
          local input = { images, grid }
          H.check_jacobian(m, input, { input_index = 1, eps = 1e-6, tol = 1e-6 })
          if mode == 'bilinear' then H.check_jacobian(m, input, { input_index = 2, eps = 1e-6, tol = 1e-5 }) end
        end)
      end
    end
  end
end)

describe('the volumetric sampler on the CPU', function()
  it('gives on Float what it gives on Double (smooth grids)', function()
    for _, mode in ipairs(MODES) do
      for _, padding in ipairs(PADDINGS) do
        for _, align in ipairs { true, false } do
          stn.manualSeed(11)
          local images = H.rand({ 2, 3, 4, 5, 6 }, -1, 1)
          local grid = smooth_grid(2, 3, 4, 5, 4, 5, 6, align)
          local gout = H.rand({ 2, 3, 3, 4, 5 }, -1, 1)
          local o, gi, gg = run(mode, padding, align, images, grid, gout)
          local od, gid, ggd = run(mode, padding, align, images:double(), grid:double(), gout:double())
          local what = ('%s %s %s'):format(mode, padding, tostring(align))
          H.assert_near(o, od, 1e-5, what .. ' output')
          H.assert_near(gi, gid, 1e-5, what .. ' grad images')
          H.assert_near(gg, ggd, 1e-4, what .. ' grad grid')
        end
      end
    end
  end)

  it('gives the same bits on 1 thread and on several', function()
    local saved = stn.getnumthreads()
    for _, mode in ipairs(MODES) do
      for _, dtype in ipairs { 'float', 'double' } do
        stn.manualSeed(5)
        local images = H.rand({ 2, 5, 10, 11, 12 }, -1, 1)
        -- zoomed in: many samples per voxel, so the image gradient's sums are long
        local grid = H.rand({ 2, 10, 12, 12, 3 }, -0.6, 0.6)
        local gout = H.rand({ 2, 5, 10, 12, 12 }, -1, 1)
        if dtype == 'double' then images, grid, gout = images:double(), grid:double(), gout:double() end
        local results = {}
        for k, n in ipairs { 1, 3, 4 } do
          stn.setnumthreads(n)
          results[k] = { run(mode, 'border', false, images, grid, gout) }
        end
        stn.setnumthreads(saved)
        for k = 2, 3 do
          for i = 1, 3 do H.assert_equal(results[k][i], results[1][i], ('%s %s result %d'):format(mode, dtype, i)) end
        end
      end
    end
  end)

  it('reads non-contiguous operands as contiguous ones', function()
    stn.manualSeed(3)
    local images = H.rand({ 2, 3, 4, 5, 6 }, -1, 1)
    local grid = smooth_grid(2, 3, 4, 5, 4, 5, 6, false)
    local gout = H.rand({ 2, 3, 3, 4, 5 }, -1, 1)
    local it_ = images:transpose(1, 5):clone():transpose(1, 5)
    local gt = grid:transpose(2, 4):clone():transpose(2, 4)
    local a = { run('bilinear', 'reflection', false, images, grid, gout) }
    local b = { run('bilinear', 'reflection', false, it_, gt, gout:transpose(3, 5):clone():transpose(3, 5)) }
    for i = 1, 3 do H.assert_equal(b[i], a[i], 'result ' .. i) end
    -- into non-contiguous outputs
    local d = V.desc('bilinear', 'reflection', false)
    local out = stn.Tensor(2, 3, 5, 4, 3):transpose(3, 5)
    V.forward('t', d, { images, grid }, out)
    H.assert_equal(out, a[1], 'output into a transposed view')
  end)

  it('reads NaN, +-Inf and 1e30 grid values as the padding says, with finite gradients', function()
    local images = H.rand({ 1, 2, 3, 4, 5 }, -1, 1)
    local bad = { 0 / 0, math.huge, -math.huge, 1e30, -1e30 }
    for _, mode in ipairs(MODES) do
      for _, padding in ipairs(PADDINGS) do
        for _, align in ipairs { true, false } do
          local grid = stn.Tensor(1, 1, 1, #bad * 3, 3):fill(0.1)
          for i, v in ipairs(bad) do for axis = 1, 3 do grid[1][1][1][(i - 1) * 3 + axis][axis] = v end end
          local gout = stn.Tensor(1, 2, 1, 1, #bad * 3):fill(1)
          local out, gi, gg = run(mode, padding, align, images, grid, gout)
          local what = ('%s %s %s'):format(mode, padding, tostring(align))
          for _, t in ipairs { out, gi, gg } do
            assert.is_true(t:eq(t):all() and t:clone():abs():max() < math.huge, what .. ': not finite')
          end
          if padding == 'zeros' then assert.are.equal(0, out:clone():abs():max(), what) end
          if padding == 'zeros' or mode == 'nearest' then
            assert.are.equal(0, gg:abs():max(), what .. ' grid gradient')
          else -- clipped or read as voxel 0: no gradient along the bad axis (1e30 reflects: any)
            for i = 1, #bad do
              for axis = 1, 3 do
                if bad[i] ~= 1e30 and bad[i] ~= -1e30 or padding == 'border' then
                  assert.are.equal(0, gg[1][1][1][(i - 1) * 3 + axis][axis], what .. ' grid gradient')
                end
              end
            end
          end
          -- the rule: border clips (NaN to voxel 0), reflection reads NaN and +-Inf as voxel 0;
          -- the same samples with those voxels' finite grid values give the same output
          local ref = padding == 'border' and { 0, 'last', 0, 'last', 0 } or padding == 'reflection' and { 0, 0, 0 } or {}
          if #ref > 0 then
            local sizes = { 5, 4, 3 }
            local g = grid:clone()
            for i, r in ipairs(ref) do
              for axis = 1, 3 do
                local n = sizes[axis]
                local px = r == 'last' and n - 1 or 0
                g[1][1][1][(i - 1) * 3 + axis][axis] = align and (2 * px / (n - 1) - 1) or ((2 * px + 1) / n - 1)
              end
            end
            local want = run(mode, padding, align, images, g, gout)
            H.assert_near(out:narrow(5, 1, #ref * 3), want:narrow(5, 1, #ref * 3), 1e-6, what .. ' values')
          end
        end
      end
    end
  end)

  it('handles empty batches, channels and grids', function()
    for _, s in ipairs { { { 0, 2, 3, 4, 5 }, { 0, 2, 2, 2, 3 } }, { { 2, 0, 3, 4, 5 }, { 2, 2, 2, 2, 3 } },
      { { 2, 2, 3, 4, 5 }, { 2, 0, 2, 2, 3 } } } do
      local images, grid = stn.Tensor():resize(unpack(s[1])):fill(1), stn.Tensor():resize(unpack(s[2])):fill(0)
      local out = V.forward('t', V.desc('bilinear', 'zeros', true), { images, grid }, images.new())
      local osz = { s[1][1], s[1][2], s[2][2], s[2][3], s[2][4] }
      assert.are.same(osz, out:size():totable())
      for _, mode in ipairs { 'bilinear', 'nearest' } do
        -- an image gradient holding old values: the backward must zero it
        local gi, gg = V.backward('t', V.desc(mode, 'zeros', true), { images, grid }, stn.Tensor():resize(unpack(osz)):fill(1),
          stn.Tensor():resize(unpack(s[1])):fill(7), images.new())
        assert.are.same(s[1], gi:size():totable())
        assert.are.same(s[2], gg:size():totable())
        if gi:nElement() > 0 then assert.are.equal(0, gi:abs():max(), mode) end
      end
    end
  end)
end)

describe('the volumetric sampler refuses bad input', function()
  local images, grid = stn.Tensor(2, 3, 4, 5, 6):fill(0), stn.Tensor(2, 2, 3, 4, 3):fill(0)
  local d = V.desc('bilinear', 'zeros', true)
  it('wrong dimensions, grid sizes and batches (Lua)', function()
    H.assert_error(function() V.forward('nn.X', d, { stn.Tensor(2, 3, 4, 5), grid }, stn.Tensor()) end,
      'nn.X: images (2x3x4x5) and grid (2x2x3x4x3) must both have a batch dimension or both not')
    H.assert_error(function() V.forward('nn.X', d, { stn.Tensor(3, 4, 5), grid }, stn.Tensor()) end,
      'nn.X: images must be B x C x D x H x W')
    H.assert_error(function() V.forward('nn.X', d, { images, stn.Tensor(2, 2, 3, 4, 2) }, stn.Tensor()) end,
      "nn.X: grid must be B x D' x H' x W' x 3, got 2x2x3x4x2")
    H.assert_error(function() V.forward('nn.X', d, { images, stn.Tensor(3, 2, 3, 4, 3) }, stn.Tensor()) end,
      'different batch sizes')
    H.assert_error(function() V.forward('nn.X', d, images, stn.Tensor()) end, 'expected a table {images, grid}')
    H.assert_error(function() V.backward('nn.X', d, { images, grid }, stn.Tensor(2, 3, 2), nil, stn.Tensor()) end,
      "gradOutput must be B x C x D' x H' x W'")
    H.assert_error(function() V.backward('nn.X', d, { images, grid }, stn.Tensor(2, 3, 2, 3, 5), nil, stn.Tensor()) end,
      'grad_output must be 2x3x2x3x4')
    H.assert_error(function() V.forward('nn.X', d, { images, grid:double() }, stn.Tensor()) end, 'grid')
  end)
  it('modes and descriptors volumes do not have (C)', function()
    local C, ctx = core.C, core.ctx
    local function fails(desc, pattern)
      local out = stn.Tensor()
      H.assert_error(function()
        core.check(C.stn_sampler3d_forward(ctx, desc, images, grid, out), 'nn.X')
      end, pattern)
    end
    fails(V.desc('bicubic', 'zeros', true), 'stn_sampler3d_forward: the bicubic mode is not defined on volumes')
    fails(ffi.new('stn_sampler_desc', 0, 0, 1, 0, 0, 1), 'antialiased sampling is not defined on volumes')
    fails(ffi.new('stn_sampler_desc', 1, 0, 1, 0, 0, 0), 'volumes take STN_SAMPLER_BCHW')
    fails(ffi.new('stn_sampler_desc', 0, 1, 1, 0, 0, 0), 'volumes take STN_GRID_XY')
    fails(ffi.new('stn_sampler_desc', 0, 0, 2, 0, 0, 0), 'align_corners must be 0 or 1')
    fails(ffi.new('stn_sampler_desc', 0, 0, 1, 3, 0, 0), 'desc->padding 3 is not a padding')
    fails(ffi.new('stn_sampler_desc', 0, 0, 1, 0, 5, 0), 'desc->mode 5 is not a volumetric mode')
    H.assert_error(function()
      core.check(C.stn_sampler3d_forward(ctx, d, stn.Tensor(2, 3, 4, 5), stn.Tensor(2, 3, 4, 2), stn.Tensor()), 'nn.X')
    end, 'images must be B x C x D x H x W')
    H.assert_error(function()
      core.check(C.stn_sampler3d_forward(ctx, d, images:long(), grid, stn.Tensor()), 'nn.X')
    end, 'Long')
    H.assert_error(function()
      core.check(C.stn_affine_grid3d_forward(ctx, stn.Tensor(2, 2, 3), stn.Tensor(), 2, 3, 4, 1), 'nn.X')
    end, 'theta must be B x 3 x 4')
    H.assert_error(function()
      core.check(C.stn_affine_grid3d_forward(ctx, stn.Tensor(2, 3, 4), stn.Tensor(), 1, 3, 4, 1), 'nn.X')
    end, 'out of range')
  end)
end)
