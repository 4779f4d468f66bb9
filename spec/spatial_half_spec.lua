-- The samplers and grid generators on Half and BFloat16 (CPU): each result is the Float
-- op's result on the same (16-bit) inputs rounded once to the 16-bit type, bit for bit,
-- for every mode, padding, alignment, antialiasing and the volumetric sampler, forward
-- and backward; against the fp32 result on the unrounded inputs, within the format's
-- precision (the tolerances below say how much); modules converted with :half() and
-- :bfloat16(); mixed types refused by name. CPU vs CUDA and 3-run determinism on CUDA:
-- the 'spatial: ... half' and '... bfloat16' rows of spec/conformance_table.lua.
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn
local ffi = require 'ffi'
local core = require 'stn.ffi'
local C, ctx = core.C, core.ctx

local TYPES = { { 'Half', 'half' }, { 'BFloat16', 'bfloat16' } }

local function check(st) assert(st == 0, ffi.string(C.stn_last_error())) end
local function desc(mode, padding, align, antialias)
  return ffi.new('stn_sampler_desc', 0, 0, align and 1 or 0, padding, mode, antialias and 1 or 0)
end
local function to(t, method) return t[method](t) end

-- Every element of a (16-bit) equals the Float tensor f rounded to a's type, bit for bit.
local function assert_rounded(a, f, what)
  local r = f:type(a:type()):contiguous()
  a = a:contiguous()
  assert.are.equal(r:nElement(), a:nElement(), what)
  local pa, pr = a:data(), r:data()
  for i = 0, a:nElement() - 1 do
    if pa[i] ~= pr[i] then
      error(('%s: element %d is 0x%04x, the rounded Float result 0x%04x'):format(what, i + 1, pa[i], pr[i]))
    end
  end
end

-- One sampler call (2-D, or 5-D with volume = true): output, grad_images, grad_grid.
local function run(d, images, grid, gout, volume)
  local out, gi, gg = images.new(), images.new(), images.new()
  local fwd = volume and C.stn_sampler3d_forward or C.stn_sampler_forward
  local bwd = volume and C.stn_sampler3d_backward or C.stn_sampler_backward
  check(fwd(ctx, d, images, grid, out))
  check(bwd(ctx, d, images, grid, gout, gi, gg))
  return out, gi, gg
end

-- A sampler call on 16-bit inputs (ty: a TYPES entry) against the Float call on the same
-- values: every result the Float one rounded once. Returns the Float results.
local function assert_sampler_rounded(d, ty, images, grid, gout, volume, what)
  local ih, gh, oh = to(images, ty[2]), to(grid, ty[2]), to(gout, ty[2])
  local out, gi, gg = run(d, ih, gh, oh, volume)
  assert.are.equal('torch.' .. ty[1] .. 'Tensor', out:type())
  local fo, fi, fg = run(d, ih:float(), gh:float(), oh:float(), volume)
  assert_rounded(out, fo, what .. ' output')
  assert_rounded(gi, fi, what .. ' grad_images')
  assert_rounded(gg, fg, what .. ' grad_grid')
  return fg, ih, gh, oh
end

-- Grid values that keep every pixel coordinate 0.15 pixel away from whole and half
-- pixels (no kink of any mode near a sample), reaching 2 pixels past the borders: the
-- rounding of the grid to 16 bits (at most 2^-9 of a pixel for Half here, 2^-6 for
-- BFloat16) moves no sample across a kink.
local function kink_free_grid(sizes, extents, align)
  local u = H.rand(sizes, 0, 1)
  local g = H.rand(sizes) -- (overwritten below)
  local pu, pg, n, k = u:data(), g:data(), u:nElement(), #extents
  for i = 0, n - 1 do
    local size = extents[i % k + 1]
    local r = pu[i] * 2
    local f = r < 1 and 0.15 + 0.2 * r or 0.65 + 0.2 * (r - 1)
    local px = math.floor(pu[(i + 1) % n] * (size + 4)) - 2 + f
    pg[i] = align and (2 * px / (size - 1) - 1) or ((2 * px + 1) / size - 1)
  end
  return g
end

-- 2-D cases: mode, padding, antialias (zoomed out for the antialiased ones)
local CASES2 = {}
for mode = 0, 2 do
  for padding = 0, 2 do CASES2[#CASES2 + 1] = { mode, padding, false } end
end
CASES2[#CASES2 + 1] = { 0, 0, true }
CASES2[#CASES2 + 1] = { 0, 1, true }
CASES2[#CASES2 + 1] = { 0, 2, true }

describe('samplers on Half and BFloat16', function()
  it('2-D: every mode, padding and alignment, antialiased too: the Float result rounded once, bit for bit', function()
    stn.manualSeed(7)
    for _, c in ipairs(CASES2) do
      for _, align in ipairs { true, false } do
        local mode, padding, aa = unpack(c)
        local d = desc(mode, padding, align, aa)
        local images = H.rand({ 2, 3, 9, 11 })
        local grid = H.rand({ 2, 6, 7, 2 }, -1.3, 1.3)
        if aa then grid:mul(3) end
        local gout = H.rand({ 2, 3, 6, 7 })
        for _, ty in ipairs(TYPES) do
          assert_sampler_rounded(d, ty, images, grid, gout, false,
            ('%s mode %d padding %d align %s antialias %s'):format(ty[1], mode, padding, tostring(align), tostring(aa)))
        end
      end
    end
  end)

  it('2-D BHWC with (y, x) grids, and the image gradient skipped', function()
    local d = ffi.new('stn_sampler_desc', 1, 1, 1, 0, 0, 0)
    local images, grid, gout = H.rand({ 2, 5, 6, 3 }), H.rand({ 2, 4, 4, 2 }), H.rand({ 2, 4, 4, 3 })
    for _, ty in ipairs(TYPES) do
      local fg, ih, gh, oh = assert_sampler_rounded(d, ty, images, grid, gout, false, 'BHWC')
      local gg2 = ih.new()
      check(C.stn_sampler_backward(ctx, d, ih, gh, oh, nil, gg2))
      assert_rounded(gg2, fg, 'grad_grid without grad_images')
    end
  end)

  it('5-D: trilinear and nearest, every padding and alignment, bit for bit', function()
    for mode = 0, 1 do
      for padding = 0, 2 do
        for _, align in ipairs { true, false } do
          local d = desc(mode, padding, align, false)
          local images = H.rand({ 2, 2, 4, 5, 6 })
          local grid = H.rand({ 2, 3, 3, 4, 3 }, -1.2, 1.2)
          local gout = H.rand({ 2, 2, 3, 3, 4 })
          for _, ty in ipairs(TYPES) do
            assert_sampler_rounded(d, ty, images, grid, gout, true,
              ('5-D %s mode %d padding %d align %s'):format(ty[1], mode, padding, tostring(align)))
          end
        end
      end
    end
  end)

  -- Against fp32 on the unrounded inputs: the 16-bit inputs are within 2^-11 (Half) or
  -- 2^-8 (BFloat16) of them relatively, the result's rounding adds as much, and the
  -- gradients sum a few weighted terms (image gradient: up to 4 (bilinear) or 16
  -- (bicubic) taps per output pixel; grid gradient: channels x taps, times the pixel
  -- scale (size - 1)/2), each term's error scaled by what it multiplies. Claimed, relative
  -- to the largest |fp32 result|: 8 units of the format's precision (2^-10 Half, 2^-7
  -- BFloat16) for the output and the image gradient, 16 for the grid gradient (its terms
  -- are differences of neighbouring pixels, which cancel). Measured at the seed here: at
  -- most 3.1 units (output), 1.8 (image gradient), 5.4 (grid gradient). Kink-free grids.
  local UNIT = { Half = 2 ^ -10, BFloat16 = 2 ^ -7 }
  local function within(a, f, tol, what)
    local scale = f:clone():abs():max()
    local err = (a:float() - f):abs():max()
    assert(err <= tol * scale, ('%s: max error %.3g, %.3g of the largest |fp32| %.3g (claimed %.3g)'):format(what,
      err, err / scale, scale, tol))
  end

  it('within the format\'s precision of the fp32 result on the unrounded inputs (2-D and 5-D)', function()
    stn.manualSeed(3)
    for mode = 0, 2 do
      for padding = 0, 2 do
        local align = mode ~= 1
        local d = desc(mode, padding, align, false)
        local images = H.rand({ 2, 4, 12, 14 }, 0.1, 1) -- never near zero
        local grid = kink_free_grid({ 2, 8, 9, 2 }, { 14, 12 }, align)
        local gout = H.rand({ 2, 4, 8, 9 }, 0.1, 1)
        local fo, fi, fg = run(d, images, grid, gout)
        for _, ty in ipairs(TYPES) do
          local out, gi, gg = run(d, to(images, ty[2]), to(grid, ty[2]), to(gout, ty[2]))
          local u, what = UNIT[ty[1]], ('%s mode %d padding %d'):format(ty[1], mode, padding)
          within(out, fo, 8 * u, what .. ' output')
          within(gi, fi, 8 * u, what .. ' grad_images')
          if mode ~= 1 then within(gg, fg, 16 * u, what .. ' grad_grid') end
        end
      end
    end
    for mode = 0, 1 do
      local d = desc(mode, 1, true, false)
      local images = H.rand({ 1, 3, 6, 7, 8 }, 0.1, 1)
      local grid = kink_free_grid({ 1, 4, 5, 5, 3 }, { 8, 7, 6 }, true)
      local gout = H.rand({ 1, 3, 4, 5, 5 }, 0.1, 1)
      local fo, fi, fg = run(d, images, grid, gout, true)
      for _, ty in ipairs(TYPES) do
        local out, gi, gg = run(d, to(images, ty[2]), to(grid, ty[2]), to(gout, ty[2]), true)
        local u, what = UNIT[ty[1]], ('5-D %s mode %d'):format(ty[1], mode)
        within(out, fo, 8 * u, what .. ' output')
        within(gi, fi, 8 * u, what .. ' grad_images')
        if mode == 0 then within(gg, fg, 16 * u, what .. ' grad_grid') end
      end
    end
  end)

  it('NaN, Inf and huge grid values: the padding value and finite gradients, as on Float', function()
    local d = desc(0, 0, true, false)
    local grid = stn.FloatTensor(1, 1, 4, 2):fill(0.25)
    grid[1][1][1][1], grid[1][1][2][2], grid[1][1][3][1] = 0 / 0, 1 / 0, 1e30 -- (1e30: Inf in Half)
    for _, ty in ipairs(TYPES) do
      local images = to(H.rand({ 1, 2, 3, 3 }), ty[2])
      local out, gi, gg = run(d, images, to(grid, ty[2]), to(H.rand({ 1, 2, 1, 4 }), ty[2]))
      for k = 1, 3 do assert.are.same({ 0, 0 }, { out[1][1][1][k], out[1][2][1][k] }) end
      assert.is_true(gi:float():ne(gi:float()):sum() == 0 and gg:float():ne(gg:float()):sum() == 0)
      assert.is_true(gg:float():abs():max() < 1 / 0)
    end
  end)
end)

describe('grid generators on Half and BFloat16', function()
  it('affine (2-D, 3-D), projective and the restriction: the Float result rounded once', function()
    for _, ty in ipairs(TYPES) do
      local m = ty[2]
      local theta = to(H.rand({ 3, 2, 3 }), m)
      local g, gt = theta.new(), theta.new()
      check(C.stn_affine_grid_forward(ctx, theta, g, 5, 7, 0, 0))
      local fg = stn.FloatTensor()
      check(C.stn_affine_grid_forward(ctx, theta:float(), fg, 5, 7, 0, 0))
      assert_rounded(g, fg, 'affine grid')
      local gg = to(H.rand({ 3, 5, 7, 2 }), m)
      check(C.stn_affine_grid_backward(ctx, gg, gt, 0, 0))
      local fgt = stn.FloatTensor()
      check(C.stn_affine_grid_backward(ctx, gg:float(), fgt, 0, 0))
      assert_rounded(gt, fgt, 'affine grid backward')

      local theta3 = to(H.rand({ 2, 3, 4 }), m)
      local g3, f3 = theta3.new(), stn.FloatTensor()
      check(C.stn_affine_grid3d_forward(ctx, theta3, g3, 3, 4, 5, 1))
      check(C.stn_affine_grid3d_forward(ctx, theta3:float(), f3, 3, 4, 5, 1))
      assert_rounded(g3, f3, '3-D affine grid')
      local gg3, gt3, ft3 = to(H.rand({ 2, 3, 4, 5, 3 }), m), theta3.new(), stn.FloatTensor()
      check(C.stn_affine_grid3d_backward(ctx, gg3, gt3, 1))
      check(C.stn_affine_grid3d_backward(ctx, gg3:float(), ft3, 1))
      assert_rounded(gt3, ft3, '3-D affine grid backward')

      local M = stn.FloatTensor(2, 3, 3):zero()
      for b = 1, 2 do M[b][1][1], M[b][2][2], M[b][3][3], M[b][3][1], M[b][1][3] = 1.1, 0.9, 1, 0.1 * b, 0.05 end
      local mh = to(M, m)
      local pg, pf = mh.new(), stn.FloatTensor()
      check(C.stn_projective_grid_forward(ctx, mh, pg, 4, 6, 1))
      check(C.stn_projective_grid_forward(ctx, mh:float(), pf, 4, 6, 1))
      assert_rounded(pg, pf, 'projective grid')
      local pgg, pgm, pfm = to(H.rand({ 2, 4, 6, 2 }), m), mh.new(), stn.FloatTensor()
      check(C.stn_projective_grid_backward(ctx, mh, pgg, pgm, 1))
      check(C.stn_projective_grid_backward(ctx, mh:float(), pgg:float(), pfm, 1))
      assert_rounded(pgm, pfm, 'projective grid backward')

      local params = to(H.rand({ 4, 4 }), m)
      local th, fth = params.new(), stn.FloatTensor()
      check(C.stn_affine_matrix_forward(ctx, params, th, 1, 1, 1))
      check(C.stn_affine_matrix_forward(ctx, params:float(), fth, 1, 1, 1))
      assert_rounded(th, fth, 'restriction')
      local gth, gp, fgp = to(H.rand({ 4, 2, 3 }), m), params.new(), stn.FloatTensor()
      check(C.stn_affine_matrix_backward(ctx, params, gth, gp, 1, 1, 1))
      check(C.stn_affine_matrix_backward(ctx, params:float(), gth:float(), fgp, 1, 1, 1))
      assert_rounded(gp, fgp, 'restriction backward')
    end
  end)
end)

describe('spatial modules on Half and BFloat16', function()
  it('nn.GridSampler, nn.AffineGridGenerator and a Sequential of them convert and run forward and backward', function()
    for _, ty in ipairs(TYPES) do
      local net = nn.Sequential():add(nn.ConcatTable():add(nn.Identity()):add(nn.Identity()))
      local gen = nn.AffineGridGenerator(6, 5, { alignCorners = false })
      local s = nn.GridSampler { mode = 'bicubic', padding = 'reflection', alignCorners = false }
      gen = gen[ty[2]](gen)
      s = s[ty[2]](s)
      assert.are.equal('torch.' .. ty[1] .. 'Tensor', s:type())
      local theta = to(stn.FloatTensor({ { { 0.9, 0.1, 0.05 }, { -0.1, 0.8, 0 } } }), ty[2])
      local grid = gen:forward(theta)
      local images = to(H.rand({ 1, 2, 7, 8 }), ty[2])
      local out = s:forward({ images, grid })
      assert.are.equal('torch.' .. ty[1] .. 'Tensor', out:type())
      local ref = nn.GridSampler { mode = 'bicubic', padding = 'reflection', alignCorners = false }
      assert_rounded(out, ref:forward({ images:float(), grid:float() }), 'nn.GridSampler output')
      local g = to(H.rand({ 1, 2, 6, 5 }), ty[2])
      local gi = s:backward({ images, grid }, g)
      local fgi = ref:backward({ images:float(), grid:float() }, g:float())
      assert_rounded(gi[1], fgi[1], 'nn.GridSampler gradImages')
      assert_rounded(gi[2], fgi[2], 'nn.GridSampler gradGrid')
      local gt = gen:backward(theta, gi[2])
      assert.are.equal('torch.' .. ty[1] .. 'Tensor', gt:type())
      local seq = nn.Sequential():add(nn.AffineGridGenerator(4, 4)):add(nn.AffineGridGeneratorBHWD(4, 4))
      assert.are.equal('torch.' .. ty[1] .. 'Tensor', seq:type('torch.' .. ty[1] .. 'Tensor'):type())
      local v = nn.GridSampler()[ty[2]](nn.GridSampler())
      local vout = v:forward({ to(H.rand({ 1, 2, 3, 4, 5 }), ty[2]), to(H.rand({ 1, 2, 2, 2, 3 }), ty[2]) })
      assert.are.equal('torch.' .. ty[1] .. 'Tensor', vout:type())
      assert.truthy(net) -- (a container of modules that do not take 16 bits is refused: below)
    end
  end)

  it('refuses mixed types and the modules that compute in Float or Double, by name', function()
    local d = desc(0, 0, true, false)
    local ih, grid = H.rand({ 1, 1, 3, 3 }):half(), H.rand({ 1, 2, 2, 2 })
    local out = ih.new()
    assert.are_not.equal(0, C.stn_sampler_forward(ctx, d, ih, grid, out))
    assert.truthy(ffi.string(C.stn_last_error()):find('grid is a Float tensor but images is a Half tensor', 1, true))
    assert.are_not.equal(0, C.stn_sampler_forward(ctx, d, ih, grid:bfloat16(), out))
    assert.truthy(ffi.string(C.stn_last_error()):find('grid is a BFloat16 tensor but images is a Half tensor', 1, true))
    assert.are_not.equal(0, C.stn_sampler_forward(ctx, d, ih, grid:half(), stn.FloatTensor()))
    assert.truthy(ffi.string(C.stn_last_error()):find('output is a Float tensor but the inputs are Half ones', 1, true))
    H.assert_error(function() nn.GridSampler():forward({ ih, grid:half() }) end, 'nn.GridSampler',
      'output is a Float tensor but the inputs are Half ones')
    local st = nn.SpatialTransformer { locnet = nn.Sequential():add(nn.View(9)), features = 9, height = 3, width = 3 }
    H.assert_error(function() st:half() end, ':type', 'torch.HalfTensor', 'computes in Float or Double')
    H.assert_error(function() nn.TPSGridGenerator(3, 3, 3):bfloat16() end, 'nn.TPSGridGenerator:type', 'computes in Float or Double')
    H.assert_error(function() nn.Sequential():add(nn.GridSampler()):add(nn.ReLU()):half() end, 'nn.Sequential:type',
      'torch.HalfTensor')
  end)
end)
