-- nn.AffineTransformMatrixGenerator: gtsrb.torch's restriction, parameters (angle,
-- scale, tx, ty for the flags set) -> theta = R(angle) * S(scale) * T(tx, ty).
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn
local F = require 'fixtures.spatial_transformer'

local function T(f) return stn.Tensor(f.data):view(f.sizes) end

-- theta by hand: [s R | s R t], R = [[cos a, sin a], [-sin a, cos a]]
local function expected(a, s, tx, ty)
  local c, sn = math.cos(a), math.sin(a)
  return { { s * c, s * sn, s * (c * tx + sn * ty) }, { -s * sn, s * c, s * (-sn * tx + c * ty) } }
end

describe('nn.AffineTransformMatrixGenerator', function()
  before_each(function() stn.manualSeed(9) end)

  it('reshapes 6 parameters when no flag is set', function()
    local m = nn.AffineTransformMatrixGenerator()
    assert.are.equal(6, m.nbParams)
    local out = m:forward(stn.Tensor({ { 1, 2, 3, 4, 5, 6 } }))
    assert.are.same({ { { 1, 2, 3 }, { 4, 5, 6 } } }, out:totable())
  end)

  it('builds R * S * T from angle, scale, tx, ty in that order', function()
    local m = nn.AffineTransformMatrixGenerator(true, true, true)
    local out = m:forward(stn.Tensor({ { math.pi / 6, 2, 0.5, -1 }, { -1, 0.5, 0, 0.25 } }))
    H.assert_near(out[1], expected(math.pi / 6, 2, 0.5, -1), 1e-6)
    H.assert_near(out[2], expected(-1, 0.5, 0, 0.25), 1e-6)
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

  for _, c in ipairs(F.restriction) do
    local what = ('rotation=%s, scale=%s, translation=%s'):format(tostring(c.rotation), tostring(c.scale), tostring(c.translation))
    it('matches PyTorch autograd (' .. what .. ')', function()
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
