-- The bilinear samplers: nn.GridSampler (BCHW, (x, y) grid, alignCorners, zeros or
-- border) and nn.BilinearSamplerBHWD (stnbhwd: BHWD, (y, x) grid): hand-checked values,
-- Jacobians, layouts, batching and bad input. Golden values: spatial_fixtures_spec.lua.
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

-- Normalized coordinate of pixel position p (0-based, fractional) along `size`.
local function norm(p, size, align)
  if align then return 2 * p / (size - 1) - 1 end
  return (2 * p + 1) / size - 1
end

-- A B x Ho x Wo x 2 grid ((x, y) unless yx) whose samples sit at pixel positions
-- k + f with f in [0.2, 0.8]: away from the kinks of bilinear interpolation, so that
-- finite differences see one smooth piece. k runs one pixel outside the image.
local function smooth_grid(B, Ho, Wo, height, width, align, yx)
  local g = stn.Tensor(B, Ho, Wo, 2)
  local d = g:data()
  for i = 0, B * Ho * Wo - 1 do
    local px = math.random(-1, width - 1) + 0.2 + 0.6 * math.random()
    local py = math.random(-1, height - 1) + 0.2 + 0.6 * math.random()
    local x, y = norm(px, width, align), norm(py, height, align)
    if yx then x, y = y, x end
    d[2 * i], d[2 * i + 1] = x, y
  end
  return g
end

-- grid for an affine theta (x, y order), through the grid generator
local function affine_grid(theta, Ho, Wo, align)
  return nn.AffineGridGenerator(Ho, Wo, { alignCorners = align }):forward(stn.Tensor(theta):view(1, 2, 3)):clone()
end

describe('nn.GridSampler', function()
  before_each(function() math.randomseed(7); stn.manualSeed(7) end)

  it('returns the input exactly under the identity, for both alignments and paddings', function()
    local images = H.rand({ 2, 3, 5, 7 })
    for _, align in ipairs { true, false } do
      local grid = nn.AffineGridGenerator(5, 7, { alignCorners = align }):forward(
        stn.Tensor({ { { 1, 0, 0 }, { 0, 1, 0 } }, { { 1, 0, 0 }, { 0, 1, 0 } } }))
      for _, padding in ipairs { 'zeros', 'border' } do
        local out = nn.GridSampler { alignCorners = align, padding = padding }:forward({ images, grid })
        H.assert_equal(out, images, ('align %s, %s:'):format(tostring(align), padding))
      end
    end
  end)

  it('shifts by exactly one pixel for a one-pixel translation', function()
    local img = stn.Tensor({ { { { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 9, 10, 11, 12 } } } })
    -- x' = x + 2/(W-1): sample one pixel to the right
    local grid = affine_grid({ { 1, 0, 2 / 3 }, { 0, 1, 0 } }, 3, 4, true)
    local zeros = nn.GridSampler { padding = 'zeros' }:forward({ img, grid })
    assert.are.same({ { { { 2, 3, 4, 0 }, { 6, 7, 8, 0 }, { 10, 11, 12, 0 } } } }, zeros:totable())
    local border = nn.GridSampler { padding = 'border' }:forward({ img, grid })
    assert.are.same({ { { { 2, 3, 4, 4 }, { 6, 7, 8, 8 }, { 10, 11, 12, 12 } } } }, border:totable())
    -- y' = y - 1 (H = 3): sample one row up, with the edges of alignCorners = false
    local up = affine_grid({ { 1, 0, 0 }, { 0, 1, -2 / 3 } }, 3, 4, false)
    local out = nn.GridSampler { alignCorners = false }:forward({ img, up })
    assert.are.same({ { { { 0, 0, 0, 0 }, { 1, 2, 3, 4 }, { 5, 6, 7, 8 } } } }, out:totable())
  end)

  it('rotates a 3x3 image by 90 degrees', function()
    local img = stn.Tensor({ { { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } } } })
    -- (x', y') = (y, -x): output pixel (row i, column j) reads input (row 2-j, column i)
    local out = nn.GridSampler():forward({ img, affine_grid({ { 0, 1, 0 }, { -1, 0, 0 } }, 3, 3, true) })
    assert.are.same({ { { { 7, 4, 1 }, { 8, 5, 2 }, { 9, 6, 3 } } } }, out:totable())
    -- through the restriction: cos(pi/2) is -4.4e-8 in float, still an exact rotation;
    -- theta = R(pi/2) = [[0, -1, 0], [1, 0, 0]] (stnbhwd's sign), on this x-first grid
    -- (x', y') = (-y, x): output (row i, column j) reads input (row j, column 2-i)
    local theta = nn.AffineTransformMatrixGenerator(true, false, false):forward(stn.Tensor({ { math.pi / 2 } }))
    local grid = nn.AffineGridGenerator(3, 3):forward(theta)
    assert.are.same({ { { { 3, 6, 9 }, { 2, 5, 8 }, { 1, 4, 7 } } } }, nn.GridSampler():forward({ img, grid }):totable())
  end)

  it('gives 0 outside with zeros padding and the edge value with border padding', function()
    local img = stn.Tensor({ { { { 1, 2 }, { 3, 4 } } } })
    local grid = stn.Tensor({ { { { -3, 0 }, { 0, 5 }, { 1.5, -1 }, { 1, 1 } } } }) -- 1 x 1 x 4 x 2, (x, y)
    local z = nn.GridSampler { padding = 'zeros' }:forward({ img, grid })
    -- (1.5, -1): a quarter pixel right of the top-right centre, weight 0.75 on it
    H.assert_near(z, { { { { 0, 0, 1.5, 4 } } } }, 1e-6)
    local b = nn.GridSampler { padding = 'border' }:forward({ img, grid })
    -- (-3, 0): left edge, halfway between rows: (1 + 3)/2; (0, 5): bottom row, middle: 3.5
    H.assert_near(b, { { { { 2, 3.5, 2, 4 } } } }, 1e-6)
  end)

  it('samples an output of another size (bilinear values by hand)', function()
    local img = stn.Tensor({ { { { 0, 10 }, { 20, 30 } } } })
    local grid = affine_grid({ { 1, 0, 0 }, { 0, 1, 0 } }, 3, 3, true) -- 3x3 grid over a 2x2 image
    local out = nn.GridSampler():forward({ img, grid })
    H.assert_near(out, { { { { 0, 5, 10 }, { 10, 15, 20 }, { 20, 25, 30 } } } }, 1e-6)
  end)

  for _, align in ipairs { true, false } do
    for _, padding in ipairs { 'zeros', 'border' } do
      local what = ('alignCorners=%s, padding=%s'):format(tostring(align), padding)
      it('has exact Jacobians w.r.t. images and grid (' .. what .. ')', function()
        local m = nn.GridSampler { alignCorners = align, padding = padding }
        local images, grid = H.rand({ 2, 2, 4, 5 }), smooth_grid(2, 3, 4, 4, 5, align)
        local g = H.rand({ 2, 2, 3, 4 })
        assert.is_true(H.check_jacobian(m, { images, grid }, { input_index = 1, gradOutput = g, eps = 1e-2, tol = 1e-3 }) < 1e-3)
        assert.is_true(H.check_jacobian(m, { images, grid }, { input_index = 2, gradOutput = g, eps = 1e-3, tol = 2e-3 }) < 2e-3)
      end)
    end
  end

  it('overwrites gradInput on each backward (no parameters, so scale changes nothing)', function()
    local m = nn.GridSampler()
    local input = { H.rand({ 1, 2, 3, 3 }), smooth_grid(1, 2, 2, 3, 3, true) }
    local g = H.rand({ 1, 2, 2, 2 })
    local a = m:backward(input, g)
    local gi, gg = a[1]:clone(), a[2]:clone()
    local b = m:backward(input, g, 0.5)
    H.assert_equal(b[1], gi)
    H.assert_equal(b[2], gg)
  end)

  it('skips the image gradient when asked, with the same grid gradient', function()
    local input = { H.rand({ 2, 3, 4, 4 }), smooth_grid(2, 3, 3, 4, 4, false) }
    local g = H.rand({ 2, 3, 3, 3 })
    local full = nn.GridSampler { alignCorners = false }:backward(input, g)
    local m = nn.GridSampler { alignCorners = false, imageGradient = false }
    local part = m:backward(input, g)
    assert.are.equal(0, part[1]:nElement())
    H.assert_equal(part[2], full[2])
    local same = nn.GridSampler { alignCorners = false }
    same:backward(input, g)
    assert.are.equal(0, same:setImageGradient(false):backward(input, g)[1]:nElement())
    assert.are.equal(2 * 3 * 4 * 4, same:setImageGradient(true):backward(input, g)[1]:nElement())
  end)

  it('takes unbatched input and returns unbatched output and gradients', function()
    local images, grid = H.rand({ 2, 4, 5 }), smooth_grid(1, 3, 2, 4, 5, true)
    local m = nn.GridSampler()
    local out = m:forward({ images, grid[1] })
    assert.are.same({ 2, 3, 2 }, out:size():totable())
    H.assert_equal(out, nn.GridSampler():forward({ images:view(1, 2, 4, 5), grid })[1])
    local gi = m:backward({ images, grid[1] }, H.rand({ 2, 3, 2 }))
    assert.are.same({ 2, 4, 5 }, gi[1]:size():totable())
    assert.are.same({ 3, 2, 2 }, gi[2]:size():totable())
  end)

  it('reads non-contiguous inputs as their contiguous copies', function()
    local images = H.rand({ 2, 3, 6, 5 }):transpose(3, 4) -- 2 x 3 x 5 x 6 view
    local grid = smooth_grid(2, 4, 3, 5, 6, true)
    local gridT = grid:transpose(2, 3):clone():transpose(2, 3) -- same values, other strides
    local m = nn.GridSampler()
    local a = m:forward({ images, gridT }):clone()
    H.assert_equal(a, nn.GridSampler():forward({ images:contiguous(), grid }))
    local g = H.rand({ 2, 3, 3, 4 }):transpose(3, 4) -- a non-contiguous gradOutput
    local ga = m:backward({ images, gridT }, g)
    local gb = nn.GridSampler():backward({ images:contiguous(), grid }, g:contiguous())
    H.assert_equal(ga[1], gb[1])
    H.assert_equal(ga[2], gb[2])
  end)

  it('samples planes above 4M pixels (no channels-last copies there) as Double does', function()
    -- 2049 x 2049 > 2^22 pixels: the per-pixel loops, for 6 channels (forward and both gradients)
    local x = H.rand({ 1, 6, 2049, 2049 })
    local grid = H.rand({ 1, 5, 7, 2 }, -0.99, 0.99)
    local gout = H.rand({ 1, 6, 5, 7 })
    local m, md = nn.GridSampler(), nn.GridSampler():double()
    local y = m:forward({ x, grid })
    local yd = md:forward({ x:double(), grid:double() })
    H.assert_near(y:double(), yd, 1e-5)
    local gi = m:backward({ x, grid }, gout)
    local gd = md:backward({ x:double(), grid:double() }, gout:double())
    assert.is_true((gi[1]:double() - gd[1]):abs():max() < 1e-5)
    assert.is_true(math.abs(gi[1]:sum() - gout:sum()) < 1e-3) -- the corners' weights sum to 1 inside
    H.assert_near(gi[2]:double(), gd[2], 1e-2)
  end)

  it('gives the same results with one thread and with two', function()
    local input = { H.rand({ 3, 8, 40, 40 }), smooth_grid(3, 39, 41, 40, 40, true) }
    local g = H.rand({ 3, 8, 39, 41 })
    local before = stn.getnumthreads()
    stn.setnumthreads(1)
    local m1 = nn.GridSampler()
    local o1, g1 = m1:forward(input):clone(), m1:backward(input, g)
    stn.setnumthreads(2)
    local m2 = nn.GridSampler()
    local o2, g2 = m2:forward(input), m2:backward(input, g)
    stn.setnumthreads(before)
    H.assert_equal(o1, o2)
    H.assert_equal(g1[1], g2[1])
    H.assert_equal(g1[2], g2[2])
  end)

  -- The CPU loops take several paths: one channel (planar), several (a channels-last
  -- copy), the grid gradient in the same pass as the image gradient or in a second one
  -- (small batches cut into channel groups; no image gradient), AVX2 or not. The grid
  -- gradient's channel sums follow one lane order on all of them.
  it('gives the same bits on every CPU path: thread counts, channel groups, image gradient or not', function()
    local before = stn.getnumthreads()
    -- (large enough for threads: B x (C + 4) x pixels >= 32768)
    -- (one element of 6 channels: groups of 1 or 2 channels in an 8-channel scratch)
    for _, c in ipairs { { 4, 1 }, { 3, 2 }, { 4, 3 }, { 2, 5 }, { 4, 8 }, { 9, 13 }, { 2, 40 }, { 1, 6, 64 } } do
      local B, Cc, Hh, Ww = c[1], c[2], c[3] or 44, c[3] or 40
      for _, align in ipairs { true, false } do
        local padding = Cc % 2 == 1 and 'zeros' or 'border'
        local input = { H.rand({ B, Cc, Hh, Ww }), smooth_grid(B, 41, 46, Hh, Ww, align) }
        local g = H.rand({ B, Cc, 41, 46 })
        local runs = {}
        for _, threads in ipairs { 1, 2, 3 } do
          stn.setnumthreads(threads)
          local m = nn.GridSampler { alignCorners = align, padding = padding }
          local out = m:forward(input):clone()
          local gr = m:backward(input, g)
          local only = nn.GridSampler { alignCorners = align, padding = padding, imageGradient = false }
          runs[threads] = { out, gr[1]:clone(), gr[2]:clone(), only:backward(input, g)[2]:clone() }
        end
        stn.setnumthreads(before)
        local what = ('B %d, C %d, align %s'):format(B, Cc, tostring(align))
        for t = 1, 3 do
          H.assert_equal(runs[t][1], runs[1][1], what .. ', output, threads ' .. t)
          H.assert_equal(runs[t][2], runs[1][2], what .. ', grad images, threads ' .. t)
          H.assert_equal(runs[t][3], runs[1][3], what .. ', grad grid, threads ' .. t)
          H.assert_equal(runs[t][4], runs[1][3], what .. ', grad grid without the image gradient, threads ' .. t)
        end
      end
    end
  end)

  it('rejects bad input, naming the module and the sizes', function()
    local m = nn.GridSampler()
    local images = H.rand({ 2, 3, 4, 4 })
    H.assert_error(function() m:forward({ images, H.rand({ 2, 4, 4, 3 }) }) end, 'nn.GridSampler', 'B x H\' x W\' x 2', '2x4x4x3')
    H.assert_error(function() m:forward({ images, H.rand({ 3, 4, 4, 2 }) }) end, 'nn.GridSampler', 'batch', '2x3x4x4', '3x4x4x2')
    H.assert_error(function() m:forward({ H.rand({ 2, 3, 4, 4, 1 }), H.rand({ 2, 4, 4, 2 }) }) end, 'nn.GridSampler', 'B x C x H x W', '2x3x4x4x1')
    H.assert_error(function() m:forward({ images, H.rand({ 4, 4, 2 }) }) end, 'nn.GridSampler', 'both')
    H.assert_error(function() m:forward(images) end, 'nn.GridSampler', '{images, grid}')
    H.assert_error(function() m:backward({ images, H.rand({ 2, 4, 4, 2 }) }, H.rand({ 2, 3, 4, 5 })) end, 'nn.GridSampler', '2x3x4x5')
    H.assert_error(function() nn.GridSampler { padding = 'wrap' } end, 'nn.GridSampler', 'wrap')
    H.assert_error(function() nn.GridSampler { alignCorners = 1 } end, 'nn.GridSampler', 'alignCorners')
  end)
end)

describe('nn.BilinearSamplerBHWD', function()
  before_each(function() math.randomseed(11); stn.manualSeed(11) end)

  it('returns the input exactly under the identity', function()
    local images = H.rand({ 2, 5, 4, 3 })
    local grid = nn.AffineGridGeneratorBHWD(5, 4):forward(stn.Tensor({ { { 1, 0, 0 }, { 0, 1, 0 } }, { { 1, 0, 0 }, { 0, 1, 0 } } }))
    H.assert_equal(nn.BilinearSamplerBHWD():forward({ images, grid }), images)
  end)

  it('reads the grid as (y, x): a translation of the first coordinate moves rows', function()
    local img = stn.Tensor({ { { 1 }, { 2 } }, { { 3 }, { 4 } }, { { 5 }, { 6 } } }):view(1, 3, 2, 1)
    local grid = nn.AffineGridGeneratorBHWD(3, 2):forward(stn.Tensor({ { { 1, 0, 1 }, { 0, 1, 0 } } }))
    local out = nn.BilinearSamplerBHWD():forward({ img, grid })
    assert.are.same({ 3, 4, 5, 6, 0, 0 }, out:view(-1):totable())
  end)

  it('equals nn.GridSampler (corners aligned, zeros) up to the layout', function()
    local images = H.rand({ 2, 4, 6, 3 }) -- B x H x W x C
    local grid = smooth_grid(2, 5, 3, 4, 6, true, true) -- (y, x)
    local bhwd = nn.BilinearSamplerBHWD()
    local out = bhwd:forward({ images, grid })
    local gs = nn.GridSampler { alignCorners = true, padding = 'zeros' }
    local bchw_images = images:transpose(3, 4):transpose(2, 3):contiguous()
    local xy = stn.Tensor(2, 5, 3, 2)
    xy:select(4, 1):copy(grid:select(4, 2))
    xy:select(4, 2):copy(grid:select(4, 1))
    local ref = gs:forward({ bchw_images, xy })
    H.assert_near(out, ref:transpose(2, 3):transpose(3, 4), 1e-6)
    local g = H.rand({ 2, 5, 3, 3 })
    local gb = bhwd:backward({ images, grid }, g)
    local gr = gs:backward({ bchw_images, xy }, g:transpose(3, 4):transpose(2, 3):contiguous())
    H.assert_near(gb[1], gr[1]:transpose(2, 3):transpose(3, 4), 1e-5)
    H.assert_near(gb[2]:select(4, 1), gr[2]:select(4, 2), 1e-5)
    H.assert_near(gb[2]:select(4, 2), gr[2]:select(4, 1), 1e-5)
  end)

  it('has exact Jacobians w.r.t. images and grid', function()
    local m = nn.BilinearSamplerBHWD()
    local images, grid = H.rand({ 2, 4, 5, 2 }), smooth_grid(2, 3, 2, 4, 5, true, true)
    local g = H.rand({ 2, 3, 2, 2 })
    assert.is_true(H.check_jacobian(m, { images, grid }, { input_index = 1, gradOutput = g, tol = 1e-3 }) < 1e-3)
    assert.is_true(H.check_jacobian(m, { images, grid }, { input_index = 2, gradOutput = g, eps = 1e-3, tol = 2e-3 }) < 2e-3)
  end)

  it('takes unbatched input and skips the image gradient when asked', function()
    local images, grid = H.rand({ 4, 5, 2 }), smooth_grid(1, 3, 3, 4, 5, true, true)[1]
    local m = nn.BilinearSamplerBHWD()
    assert.are.same({ 3, 3, 2 }, m:forward({ images, grid }):size():totable())
    local g = H.rand({ 3, 3, 2 })
    local full = m:backward({ images, grid }, g)
    assert.are.same({ 4, 5, 2 }, full[1]:size():totable())
    local gg = full[2]:clone()
    local part = nn.BilinearSamplerBHWD():setImageGradient(false):backward({ images, grid }, g)
    assert.are.equal(0, part[1]:nElement())
    H.assert_equal(part[2], gg)
  end)

  it('rejects bad input, naming the module and the sizes', function()
    local m = nn.BilinearSamplerBHWD()
    H.assert_error(function() m:forward({ H.rand({ 2, 4, 4, 3 }), H.rand({ 2, 4, 4, 1 }) }) end, 'nn.BilinearSamplerBHWD', '2x4x4x1')
    H.assert_error(function() m:forward({ H.rand({ 2, 4, 4, 3 }), H.rand({ 1, 4, 4, 2 }) }) end, 'nn.BilinearSamplerBHWD', 'batch')
    H.assert_error(function() m:forward({ H.rand({ 4, 4 }), H.rand({ 1, 4, 4, 2 }) }) end, 'nn.BilinearSamplerBHWD', 'B x H x W x C', '4x4')
  end)
end)

describe('samplers after clearState', function()
  it('run backward again (gradInput rebuilt, no crash)', function()
    for _, name in ipairs { 'BilinearSamplerBHWD', 'GridSampler' } do
      local m = stn.nn[name]()
      local img = name == 'GridSampler' and H.rand({ 2, 3, 5, 5 }) or H.rand({ 2, 5, 5, 3 })
      local grid = H.rand({ 2, 4, 4, 2 }, -0.9, 0.9)
      local first
      for round = 1, 2 do
        local out = m:forward({ img, grid })
        local gi = m:backward({ img, grid }, out:clone())
        if round == 1 then first = gi[1]:clone() else H.assert_equal(gi[1], first, name) end
        m:clearState()
      end
    end
  end)
end)

-- The C op both modules call: stn_sampler_forward / stn_sampler_backward with a
-- descriptor (include/stn/spatial.h).
describe('the sampler descriptor', function()
  local ffi = require 'ffi'
  local core = require 'stn.ffi'
  local C, ctx = core.C, core.ctx
  before_each(function() math.randomseed(17); stn.manualSeed(17) end)

  local function desc(layout, order, align, padding) return ffi.new('stn_sampler_desc', layout, order, align, padding) end
  -- B x C x H x W images as the layout wants them, a grid as the order wants it
  local function as_layout(images, layout) return layout == 1 and images:transpose(2, 3):transpose(3, 4):contiguous() or images end
  local function as_order(grid, order)
    if order == 0 then return grid end
    local yx = grid:clone()
    yx:select(4, 1):copy(grid:select(4, 2))
    yx:select(4, 2):copy(grid:select(4, 1))
    return yx
  end

  it('runs every combination: layout and grid order only change how the tensors are read', function()
    local images, grid = H.rand({ 2, 3, 5, 6 }), H.rand({ 2, 4, 3, 2 }, -1.2, 1.2)
    local gout = H.rand({ 2, 3, 4, 3 })
    for align = 0, 1 do
      for padding = 0, 1 do
        local ref, rgi, rgg = stn.Tensor(), stn.Tensor(), stn.Tensor()
        local d0 = desc(0, 0, align, padding)
        assert.are.equal(0, C.stn_sampler_forward(ctx, d0, images, grid, ref))
        assert.are.equal(0, C.stn_sampler_backward(ctx, d0, images, grid, gout, rgi, rgg))
        for layout = 0, 1 do
          for order = 0, 1 do
            local d = desc(layout, order, align, padding)
            local im, g = as_layout(images, layout), as_order(grid, order)
            local out, gi, gg = stn.Tensor(), stn.Tensor(), stn.Tensor()
            assert.are.equal(0, C.stn_sampler_forward(ctx, d, im, g, out))
            assert.are.equal(0, C.stn_sampler_backward(ctx, d, im, g, as_layout(gout, layout), gi, gg))
            local what = ('layout %d, order %d, align %d, padding %d'):format(layout, order, align, padding)
            H.assert_near(out, as_layout(ref, layout), 1e-6, what)
            H.assert_near(gi, as_layout(rgi, layout), 1e-5, what)
            H.assert_near(gg, as_order(rgg, order), 1e-5, what)
            -- no image gradient asked for: the same grid gradient, bit for bit
            local gg2 = stn.Tensor()
            assert.are.equal(0, C.stn_sampler_backward(ctx, d, im, g, as_layout(gout, layout), nil, gg2))
            H.assert_equal(gg2, gg, what)
          end
        end
      end
    end
  end)

  it('refuses values outside the listed ones, naming the field and the value', function()
    local images, grid, out = H.rand({ 1, 2, 3, 3 }), H.rand({ 1, 2, 2, 2 }), stn.Tensor()
    local gout, gi, gg = H.rand({ 1, 2, 2, 2 }), stn.Tensor(), stn.Tensor()
    local function refused(d, ...)
      assert.are_not.equal(0, C.stn_sampler_forward(ctx, d, images, grid, out))
      local msg = ffi.string(C.stn_last_error())
      for _, s in ipairs { 'stn_sampler_forward', ... } do
        assert(msg:find(s, 1, true), ('%q lacks %q'):format(msg, s))
      end
      assert.are_not.equal(0, C.stn_sampler_backward(ctx, d, images, grid, gout, gi, gg))
      assert(ffi.string(C.stn_last_error()):find('stn_sampler_backward', 1, true))
    end
    refused(desc(2, 0, 1, 0), 'desc->layout', '2', 'STN_SAMPLER_BCHW', 'STN_SAMPLER_BHWC')
    refused(desc(-1, 0, 1, 0), 'desc->layout', '-1')
    refused(desc(0, 2, 1, 0), 'desc->grid_order', '2', 'STN_GRID_XY', 'STN_GRID_YX')
    refused(desc(0, 0, 2, 0), 'desc->align_corners', '0 or 1', '2')
    refused(desc(0, 0, -1, 0), 'desc->align_corners', '-1')
    refused(desc(0, 0, 1, 3), 'desc->padding', '3', 'STN_PADDING_ZEROS', 'STN_PADDING_BORDER', 'STN_PADDING_REFLECTION')
    refused(ffi.new('stn_sampler_desc', 0, 0, 1, 0, 3), 'desc->mode', '3', 'STN_SAMPLER_BILINEAR', 'STN_SAMPLER_BICUBIC')
    refused(ffi.new('stn_sampler_desc', 0, 0, 1, 0, 0, 2), 'desc->antialias', '0 or 1', '2')
    refused(nil, 'desc is NULL')
  end)
end)

describe('stn.spatial.gridToPixel', function()
  before_each(function() math.randomseed(23) end)
  local gridToPixel = stn.spatial.gridToPixel

  it('is the public side of stn.spatial, the folder of the spatial modules', function()
    assert.are.equal(stn.spatial, require 'stn.spatial')
    assert.are.equal(nn.GridSampler, require 'stn.spatial.GridSampler')
  end)

  it('maps -1 and 1 to the centres (aligned) or the outer edges of the end pixels', function()
    for _, n in ipairs { 1, 2, 5, 48 } do
      assert.are.equal(0, gridToPixel(-1, n, true))
      assert.are.equal(n - 1, gridToPixel(1, n, true))
      assert.are.equal(-0.5, gridToPixel(-1, n, false))
      assert.are.equal(n - 0.5, gridToPixel(1, n, false))
    end
    assert.are.equal(gridToPixel(0.25, 7), gridToPixel(0.25, 7, true)) -- aligned by default, as the modules
  end)

  it('gives the same numbers for a tensor as for each of its values', function()
    for _, align in ipairs { true, false } do
      local v = H.rand({ 3, 4 }, -1.5, 1.5)
      local p = gridToPixel(v, 13, align)
      assert.are.same({ 3, 4 }, p:size():totable())
      for i = 1, 3 do
        for j = 1, 4 do assert.are.equal(gridToPixel(v[i][j], 13, align), p[i][j]) end
      end
    end
  end)

  -- The samplers' own map, read back through them: an image whose pixel x holds x, read
  -- with border padding, gives the coordinate it was read at (to interpolation's rounding,
  -- and the snap onto pixel centres within size * 2^-22), exactly at half pixels.
  it('is the map the samplers use, on both layouts and grid orders', function()
    local halves = 0
    for _, align in ipairs { true, false } do
      for _, n in ipairs { 2, 5, 7, 48 } do
        local ramp = stn.Tensor(1, 1, 1, n)
        for x = 1, n do ramp[1][1][1][x] = x - 1 end
        local k = 64
        local grid = stn.Tensor(1, 1, k, 2)
        local lo, hi = align and -1 or -1 + 1 / n, align and 1 or 1 - 1 / n -- v inside [pixel 0, pixel n-1]
        for i = 1, k do
          grid[1][1][i][1] = lo + (hi - lo) * (i <= k / 2 and math.random() or (i - 1) / (k - 1))
          grid[1][1][i][2] = 0
        end
        local expect = gridToPixel(grid:select(4, 1), n, align) -- 1 x 1 x k
        local m = nn.GridSampler { alignCorners = align, padding = 'border' }
        local got = m:forward({ ramp, grid }):view(1, 1, k)
        H.assert_near(got, expect, 4 * n * 2 ^ -22 + 2e-6, ('n %d align %s'):format(n, tostring(align)))
        -- stnbhwd's sampler reads the same point from a (y, x) grid and channels-last images
        if align then
          local yx = stn.Tensor(1, 1, k, 2)
          yx:select(4, 1):copy(grid:select(4, 2))
          yx:select(4, 2):copy(grid:select(4, 1))
          H.assert_equal(nn.BilinearSamplerBHWD():forward({ ramp:view(1, 1, n, 1), yx }):view(1, 1, k), got:view(1, 1, k))
        end
        -- half pixels (where the float grid value maps exactly onto one): the
        -- interpolation is exact there, so the samplers' map must give that value too
        for j = 0, n - 2 do
          local v = align and (2 * j + 1) / (n - 1) - 1 or (2 * j + 2) / n - 1
          if gridToPixel(v, n, align) == j + 0.5 then
            local g1 = stn.Tensor(1, 1, 1, 2)
            g1[1][1][1][1], g1[1][1][1][2] = v, 0
            assert.are.equal(j + 0.5, m:forward({ ramp, g1 })[1][1][1][1])
            halves = halves + 1
          end
        end
      end
    end
    assert.is_true(halves >= 10)
  end)

  it('rejects bad arguments, naming itself', function()
    H.assert_error(function() gridToPixel('a', 4) end, 'stn: spatial.gridToPixel:', 'number or a tensor')
    H.assert_error(function() gridToPixel(0, 0) end, 'stn: spatial.gridToPixel:', 'size', '0')
    H.assert_error(function() gridToPixel(0, 2.5) end, 'stn: spatial.gridToPixel:', 'size', '2.5')
    H.assert_error(function() gridToPixel(0, 4, 1) end, 'stn: spatial.gridToPixel:', 'alignCorners', '1')
  end)
end)
