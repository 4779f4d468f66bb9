-- nn.AffineTransformMatrixGenerator: gtsrb.torch's restriction, parameters (angle,
-- scale, tx, ty for the flags set) -> theta = R(angle) * S(scale) * T(tx, ty) = s R [I | t]
-- with stnbhwd's R = [[cos a, -sin a], [sin a, cos a]].
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn
local F = require 'fixtures.spatial_transformer'

local function T(f) return stn.Tensor(f.data):view(f.sizes) end

-- theta by hand: [s R | s R t], R = [[cos a, -sin a], [sin a, cos a]]
local function expected(a, s, tx, ty)
  local c, sn = math.cos(a), math.sin(a)
  return { { s * c, -s * sn, s * (c * tx - sn * ty) }, { s * sn, s * c, s * (sn * tx + c * ty) } }
end

local function flags_name(r, s, t)
  return ('rotation=%s, scale=%s, translation=%s'):format(tostring(r), tostring(s), tostring(t))
end

describe('nn.AffineTransformMatrixGenerator', function()
  before_each(function() stn.manualSeed(9) end)

  it('reshapes 6 parameters when no flag is set', function()
    local m = nn.AffineTransformMatrixGenerator()
    assert.are.equal(6, m.nbParams)
    local out = m:forward(stn.Tensor({ { 1, 2, 3, 4, 5, 6 } }))
    assert.are.same({ { { 1, 2, 3 }, { 4, 5, 6 } } }, out:totable())
  end)

  it('rotates by stnbhwd\'s sign: a quarter turn is [[0, -1, 0], [1, 0, 0]]', function()
    -- R(pi/2) = [[cos, -sin], [sin, cos]] = [[0, -1], [1, 0]]
    local theta = nn.AffineTransformMatrixGenerator(true):forward(stn.Tensor({ { math.pi / 2 } }))
    H.assert_near(theta, { { { 0, -1, 0 }, { 1, 0, 0 } } }, 1e-6)
    -- AffineGridGeneratorBHWD holds (y', x') = theta * (y, x, 1) = (-x, y): on a 3 x 3 grid
    -- pixel (1, 3) (y = -1, x = 1) reads (-1, -1), pixel (1, 1) (y = -1, x = -1) reads
    -- (1, -1), pixel (2, 3) (y = 0, x = 1) reads (-1, 0)
    local grid = nn.AffineGridGeneratorBHWD(3, 3):forward(theta)
    H.assert_near(grid[1][1][3], { -1, -1 }, 1e-6)
    H.assert_near(grid[1][1][1], { 1, -1 }, 1e-6)
    H.assert_near(grid[1][2][3], { -1, 0 }, 1e-6)
    -- so output (i, j) (1-based) reads input (row 4 - j, column i): the image turns
    -- clockwise as displayed
    local img = stn.Tensor({ { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } }):view(1, 3, 3, 1)
    local out = nn.BilinearSamplerBHWD():forward({ img, grid })
    assert.are.same({ { 7, 4, 1 }, { 8, 5, 2 }, { 9, 6, 3 } }, out:view(3, 3):totable())
  end)

  it('builds R * S * T from angle, scale, tx, ty in that order', function()
    local m = nn.AffineTransformMatrixGenerator(true, true, true)
    local out = m:forward(stn.Tensor({ { math.pi / 6, 2, 0.5, -1 }, { -1, 0.5, 0, 0.25 } }))
    -- a = pi/6, s = 2, t = (0.5, -1): 2 R = [[sqrt 3, -1], [1, sqrt 3]], 2 R t = (sqrt 3 / 2 + 1, 1/2 - sqrt 3)
    local r3 = math.sqrt(3)
    H.assert_near(out[1], { { r3, -1, r3 / 2 + 1 }, { 1, r3, 0.5 - r3 } }, 1e-6)
    H.assert_near(out[1], expected(math.pi / 6, 2, 0.5, -1), 1e-6)
    H.assert_near(out[2], expected(-1, 0.5, 0, 0.25), 1e-6)
  end)

  it('has the gradient of stnbhwd\'s rotation (values by hand)', function()
    -- rotation only, a = pi/3, G = [[1, 2, 0], [3, 4, 0]]: da = sum G .* dR/da with
    -- dR/da = [[-sin a, -cos a], [cos a, -sin a]] = -5 sin a + cos a = 0.5 - 2.5 sqrt 3
    local g = nn.AffineTransformMatrixGenerator(true):backward(stn.Tensor({ { math.pi / 3 } }),
      stn.Tensor({ { { 1, 2, 0 }, { 3, 4, 0 } } }))
    H.assert_near(g, { { 0.5 - 2.5 * math.sqrt(3) } }, 1e-6)
    -- rotation and translation, a = pi/2, t = (1, 0): theta = [[0, -1, 0], [1, 0, 1]]; with
    -- G = [[0, 0, 1], [0, 0, 0]]: dt = G's third column times A = s R, the first row of
    -- A = (0, -1); dA = G's 2 x 2 block + G's third column t^T = [[1, 0], [0, 0]], da = -sin a = -1
    local m = nn.AffineTransformMatrixGenerator(true, false, true)
    local p = stn.Tensor({ { math.pi / 2, 1, 0 } })
    H.assert_near(m:forward(p), { { { 0, -1, 0 }, { 1, 0, 1 } } }, 1e-6)
    H.assert_near(m:backward(p, stn.Tensor({ { { 0, 0, 1 }, { 0, 0, 0 } } })), { { -1, 0, -1 } }, 1e-6)
  end)

  it('uses only the parameters of the flags set', function()
    H.assert_near(nn.AffineTransformMatrixGenerator(true):forward(stn.Tensor({ { 0.3 } }))[1], expected(0.3, 1, 0, 0), 1e-6)
    H.assert_near(nn.AffineTransformMatrixGenerator(false, true):forward(stn.Tensor({ { 0.7 } }))[1], expected(0, 0.7, 0, 0), 1e-6)
    H.assert_near(nn.AffineTransformMatrixGenerator(false, false, true):forward(stn.Tensor({ { 0.1, -0.2 } }))[1],
      { { 1, 0, 0.1 }, { 0, 1, -0.2 } }, 1e-7)
    H.assert_near(nn.AffineTransformMatrixGenerator(false, true, true):forward(stn.Tensor({ { 2, 0.1, -0.2 } }))[1],
      { { 2, 0, 0.2 }, { 0, 2, -0.4 } }, 1e-6)
  end)

  it('takes k parameters without a batch and returns 2 x 3', function()
    local m = nn.AffineTransformMatrixGenerator(true, false, true)
    local out = m:forward(stn.Tensor({ 0.2, 0.1, 0.3 }))
    assert.are.same({ 2, 3 }, out:size():totable())
    H.assert_near(out, expected(0.2, 1, 0.1, 0.3), 1e-6)
    assert.are.same({ 3 }, m:backward(stn.Tensor({ 0.2, 0.1, 0.3 }), H.rand({ 2, 3 })):size():totable())
  end)

  it('has a fixture for each of the eight flag combinations', function()
    local seen = {}
    for _, c in ipairs(F.restriction) do seen[flags_name(c.rotation, c.scale, c.translation)] = true end
    for _, r in ipairs { false, true } do
      for _, sc in ipairs { false, true } do
        for _, t in ipairs { false, true } do assert.is_true(seen[flags_name(r, sc, t)], flags_name(r, sc, t)) end
      end
    end
    assert.are.equal(8, #F.restriction)
  end)

  for _, c in ipairs(F.restriction) do
    local what = flags_name(c.rotation, c.scale, c.translation)
    it('matches stnbhwd\'s module, forward and backward (' .. what .. ')', function()
      local m = nn.AffineTransformMatrixGenerator(c.rotation, c.scale, c.translation)
      H.assert_near(m:forward(T(c.params)), T(c.theta), 1e-5)
      H.assert_near(m:backward(T(c.params), T(c.grad_theta)), T(c.grad_params), 1e-5)
    end)

    it('has an exact Jacobian (' .. what .. ')', function()
      local m = nn.AffineTransformMatrixGenerator(c.rotation, c.scale, c.translation)
      local p = T(c.params):clone()
      assert.is_true(H.check_jacobian(m, p, { gradOutput = H.rand({ p:size(1), 2, 3 }), eps = 1e-3, tol = 1e-3 }) < 1e-3)
    end)
  end

  it('overwrites gradInput on each backward (no parameters: scale changes nothing)', function()
    local m = nn.AffineTransformMatrixGenerator(true, true, false)
    local p, g = H.rand({ 4, 2 }), H.rand({ 4, 2, 3 })
    local a = m:backward(p, g):clone()
    H.assert_equal(m:backward(p, g, 0.1), a)
  end)

  it('rejects a parameter count that does not match the flags', function()
    local m = nn.AffineTransformMatrixGenerator(true, false, true)
    H.assert_error(function() m:forward(H.rand({ 5, 2 })) end, 'nn.AffineTransformMatrixGenerator', 'expected 3 parameters',
      'rotation=true', '5x2')
    H.assert_error(function() nn.AffineTransformMatrixGenerator():forward(H.rand({ 2, 4 })) end, 'expected 6 parameters', '2x4')
    H.assert_error(function() m:forward(H.rand({ 2, 3, 1 })) end, 'nn.AffineTransformMatrixGenerator', 'B x k', '2x3x1')
    H.assert_error(function() m:backward(H.rand({ 5, 3 }), H.rand({ 4, 2, 3 })) end, 'nn.AffineTransformMatrixGenerator', '4x2x3')
  end)
end)
