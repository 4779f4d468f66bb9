-- The affine grid generators: nn.AffineGridGeneratorBHWD (stnbhwd: (y, x), corners
-- aligned) and nn.AffineGridGenerator (BCHW family: (x, y), alignCorners either way).
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

local identity = { { { 1, 0, 0 }, { 0, 1, 0 } } }

describe('nn.AffineGridGeneratorBHWD', function()
  before_each(function() stn.manualSeed(3) end)

  it('maps the identity to the base grid, y first, corners at -1 and 1', function()
    local grid = nn.AffineGridGeneratorBHWD(3, 2):forward(stn.Tensor(identity))
    assert.are.same({ 1, 3, 2, 2 }, grid:size():totable())
    assert.are.same({ { { { -1, -1 }, { -1, 1 } }, { { 0, -1 }, { 0, 1 } }, { { 1, -1 }, { 1, 1 } } } }, grid:totable())
  end)

  it('computes (y\', x\') = theta * (y, x, 1)', function()
    local theta = stn.Tensor({ { { 0.5, -0.25, 0.1 }, { 2, 1, -0.3 } } })
    local grid = nn.AffineGridGeneratorBHWD(2, 3):forward(theta)
    -- pixel (i=2, j=1): y = 1, x = -1
    H.assert_near(grid[1][2][1], { 0.5 + 0.25 + 0.1, 2 - 1 - 0.3 }, 1e-6)
    -- pixel (i=1, j=2): y = -1, x = 0
    H.assert_near(grid[1][1][2], { -0.5 + 0.1, -2 - 0.3 }, 1e-6)
  end)

  it('has an exact Jacobian w.r.t. theta, batched and not', function()
    local m = nn.AffineGridGeneratorBHWD(4, 5)
    local theta = H.rand({ 3, 2, 3 })
    assert.is_true(H.check_jacobian(m, theta, { gradOutput = H.rand({ 3, 4, 5, 2 }), eps = 1e-2, tol = 1e-4 }) < 1e-4)
    local one = H.rand({ 2, 3 })
    assert.are.same({ 4, 5, 2 }, m:forward(one):size():totable())
    assert.is_true(H.check_jacobian(m, one, { gradOutput = H.rand({ 4, 5, 2 }), eps = 1e-2, tol = 1e-4 }) < 1e-4)
    assert.are.same({ 2, 3 }, m.gradInput:size():totable())
  end)

  it('rejects theta that is not B x 2 x 3 and sizes below 2', function()
    local m = nn.AffineGridGeneratorBHWD(4, 4)
    H.assert_error(function() m:forward(H.rand({ 2, 3, 3 })) end, 'nn.AffineGridGeneratorBHWD', 'B x 2 x 3', '2x3x3')
    H.assert_error(function() m:forward(H.rand({ 6 })) end, 'nn.AffineGridGeneratorBHWD', 'theta', '6')
    H.assert_error(function() m:backward(H.rand({ 2, 2, 3 }), H.rand({ 2, 4, 5, 2 })) end, 'nn.AffineGridGeneratorBHWD', '2x4x4x2', '2x4x5x2')
    H.assert_error(function() nn.AffineGridGeneratorBHWD(1, 4) end, 'nn.AffineGridGeneratorBHWD', 'height', 'size - 1', '1')
    H.assert_error(function() nn.AffineGridGeneratorBHWD(4, 0) end, 'nn.AffineGridGeneratorBHWD', 'width')
  end)
end)

describe('nn.AffineGridGenerator', function()
  before_each(function() stn.manualSeed(5) end)

  it('maps the identity to the base grid, x first', function()
    local grid = nn.AffineGridGenerator(2, 3):forward(stn.Tensor(identity))
    assert.are.same({ { { { -1, -1 }, { 0, -1 }, { 1, -1 } }, { { -1, 1 }, { 0, 1 }, { 1, 1 } } } }, grid:totable())
  end)

  it('puts -1 and 1 on the outer edges with alignCorners = false', function()
    local grid = nn.AffineGridGenerator(1, 4, { alignCorners = false }):forward(stn.Tensor(identity))
    H.assert_near(grid, { { { { -0.75, 0 }, { -0.25, 0 }, { 0.25, 0 }, { 0.75, 0 } } } }, 1e-7)
  end)

  it('equals the BHWD generator with the coordinates and theta swapped', function()
    local theta = H.rand({ 2, 2, 3 })
    local swapped = stn.Tensor(2, 2, 3)
    -- (x', y') = theta (x, y, 1)  <=>  (y', x') = [[t11 t10 t12], [t01 t00 t02]] (y, x, 1)
    for b = 1, 2 do
      local t = theta[b]
      swapped[b] = stn.Tensor({ { t[2][2], t[2][1], t[2][3] }, { t[1][2], t[1][1], t[1][3] } })
    end
    local xy = nn.AffineGridGenerator(3, 4):forward(theta)
    local yx = nn.AffineGridGeneratorBHWD(3, 4):forward(swapped)
    H.assert_near(xy:select(4, 1), yx:select(4, 2), 1e-6)
    H.assert_near(xy:select(4, 2), yx:select(4, 1), 1e-6)
  end)

  for _, align in ipairs { true, false } do
    it('has an exact Jacobian w.r.t. theta (alignCorners=' .. tostring(align) .. ')', function()
      local m = nn.AffineGridGenerator(3, 5, { alignCorners = align })
      local gout = H.rand({ 2, 3, 5, 2 })
      assert.is_true(H.check_jacobian(m, H.rand({ 2, 2, 3 }), { gradOutput = gout, eps = 1e-2, tol = 1e-4 }) < 1e-4)
    end)
  end

  it('overwrites gradInput on each backward', function()
    local m = nn.AffineGridGenerator(3, 3)
    local theta, g = H.rand({ 2, 2, 3 }), H.rand({ 2, 3, 3, 2 })
    local a = m:backward(theta, g):clone()
    H.assert_equal(m:backward(theta, g, 3), a)
  end)

  it('rejects bad theta and sizes, naming the module', function()
    H.assert_error(function() nn.AffineGridGenerator(4, 4):forward(H.rand({ 2, 2, 2 })) end, 'nn.AffineGridGenerator', '2x2x2')
    H.assert_error(function() nn.AffineGridGenerator(1, 4) end, 'nn.AffineGridGenerator', 'height', 'alignCorners')
    H.assert_error(function() nn.AffineGridGenerator(0, 4, { alignCorners = false }) end, 'nn.AffineGridGenerator', 'height')
    H.assert_error(function() nn.AffineGridGenerator(4, 4, 'yes') end, 'nn.AffineGridGenerator', 'options')
    H.assert_error(function() nn.AffineGridGenerator(4, 4, { alignCorner = false }) end,
      "stn: nn.AffineGridGenerator: unknown option 'alignCorner' (known: alignCorners)")
    H.assert_error(function() nn.AffineGridGenerator(2, 4, 4, { align = true }) end, "unknown option 'align'")
  end)
end)
