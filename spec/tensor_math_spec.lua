-- Torch7's float-valued math beyond the arithmetic of tensor_pointwise_spec: element-wise
-- trigonometry, fmod and remainder, constructors and shapes, cumulative sums and products,
-- comparisons of whole tensors and Lua callbacks. Values worked out by hand; semantics
-- as in Torch7's TensorMath.lua and lib/TH/generic/THTensorMath.c.
local H = require 'helpers'
local stn = H.stn
local T = stn.Tensor

describe('Tensor trigonometry', function()
  it('sin cos tan asin acos atan sinh cosh: in place, into a result and functional', function()
    local half_pi = math.pi / 2
    local cases = {
      sin = { { 0, math.pi / 6, -half_pi }, { 0, 0.5, -1 } },
      cos = { { 0, math.pi / 3, math.pi }, { 1, 0.5, -1 } },
      tan = { { 0, math.pi / 4, -math.pi / 4 }, { 0, 1, -1 } },
      asin = { { 0, 0.5, -1 }, { 0, math.pi / 6, -half_pi } },
      acos = { { 1, 0.5, -1 }, { 0, math.pi / 3, math.pi } },
      atan = { { 0, 1, -1 }, { 0, math.pi / 4, -math.pi / 4 } },
      sinh = { { 0, 1, -1 }, { 0, (math.exp(1) - math.exp(-1)) / 2, -(math.exp(1) - math.exp(-1)) / 2 } },
      cosh = { { 0, 1, -1 }, { 1, (math.exp(1) + math.exp(-1)) / 2, (math.exp(1) + math.exp(-1)) / 2 } },
    }
    for name, c in pairs(cases) do
      local x = T(c[1])
      local z = T()
      assert.are.equal(z, z[name](z, x), name)
      H.assert_near(z, c[2], 1e-6, name)
      H.assert_near(stn[name](x), c[2], 1e-6, name)
      local r = T()
      assert.are.equal(r, stn[name](r, x), name)
      H.assert_near(r, c[2], 1e-6, name)
      assert.are.equal(x, x[name](x), name) -- in place
      H.assert_near(x, c[2], 1e-6, name)
      assert.are.equal(math[name](0.25), stn[name](0.25), name) -- numbers: Lua's math
    end
  end)

  it('outside the domain gives NaN, as C does', function()
    local r = T({ 2, -2 }):asin()
    assert.is_true(r[1] ~= r[1] and r[2] ~= r[2])
    r = T({ 1.5 }):acos()
    assert.is_true(r[1] ~= r[1])
  end)

  it('works on non-contiguous views and writes nothing else', function()
    local m = T({ { 0, 9 }, { 1, 9 } })
    local col = m:select(2, 1)
    col:sin()
    H.assert_near(m, { { 0, 9 }, { math.sin(1), 9 } }, 1e-7)
    local z = T()
    z:cos(m:t())
    H.assert_near(z, { { 1, math.cos(math.sin(1)) }, { math.cos(9), math.cos(9) } }, 1e-6)
  end)

  it('atan2(y, x) takes the ordinate first, as C\'s atan2', function()
    local y, x = T({ 1, -1, 0, 1 }), T({ 0, 0, -1, 1 })
    local want = { math.pi / 2, -math.pi / 2, math.pi, math.pi / 4 }
    H.assert_near(stn.atan2(y, x), want, 1e-6)
    H.assert_near(T():atan2(y, x), want, 1e-6)
    local r = T()
    assert.are.equal(r, stn.atan2(r, y, x))
    H.assert_near(r, want, 1e-6)
    assert.are.equal(y, y:atan2(x)) -- in place: y <- atan2(y, x)
    H.assert_near(y, want, 1e-6)
    assert.are.equal(math.atan2(1, -1), stn.atan2(1, -1))
  end)

  it('refuses wrong arguments, naming the function', function()
    H.assert_error(function() T(2):sin(3) end, 'Tensor:sin', 'argument 1: expected a tensor, got number')
    H.assert_error(function() stn.cos('x') end, 'stn: cos', 'expected')
    H.assert_error(function() T({ 1, 2 }):atan2(T({ 1, 2, 3 })) end, 'Tensor:atan2', 'b has 3 elements')
    H.assert_error(function() T(2):atan2(1) end, 'Tensor:atan2', 'argument 2: expected a tensor, got number')
    H.assert_error(function() stn.atan2(T(2)) end, 'stn: atan2', 'got (tensor)')
  end)

  it('an empty tensor stays empty', function()
    assert.are.equal(0, T():sin():nElement())
    assert.are.equal(0, T():atan2(T(), T()):nElement())
  end)
end)

describe('Tensor fmod and remainder', function()
  local x
  before_each(function() x = T({ -5.5, 5.5, -3, 3, 7 }) end)

  it('fmod has the sign of the dividend (C\'s fmod), remainder that of the divisor', function()
    assert.are.same({ -1.5, 1.5, -1, 1, 1 }, stn.fmod(x, 2):totable())
    assert.are.same({ -1.5, 1.5, -1, 1, 1 }, stn.fmod(x, -2):totable())
    assert.are.same({ 0.5, 1.5, 1, 1, 1 }, stn.remainder(x, 2):totable())
    assert.are.same({ -1.5, -0.5, -1, -1, -1 }, stn.remainder(x, -2):totable())
    assert.are.same({ -1.5, 1.5, -1, 1, 1 }, x:clone():mod(2):totable()) -- Torch7's alias
  end)

  it('by zero: fmod and remainder give NaN (Torch7 on floats)', function()
    for _, r in ipairs { stn.fmod(x, 0), stn.remainder(x, 0) } do
      for i = 1, 5 do assert.is_true(r[i] ~= r[i]) end
    end
  end)

  it('in place, into a result and the result-first functional form', function()
    local z = T()
    assert.are.equal(z, z:remainder(x, 2))
    assert.are.same({ 0.5, 1.5, 1, 1, 1 }, z:totable())
    assert.are.equal(z, stn.fmod(z, x, 2))
    assert.are.same({ -1.5, 1.5, -1, 1, 1 }, z:totable())
    assert.are.equal(x, x:fmod(4))
    assert.are.same({ -1.5, 1.5, -3, 3, 3 }, x:totable())
  end)

  it('cfmod and cremainder divide element by element', function()
    local d = T({ 2, -2, 2, -2, 0 })
    local f = stn.cfmod(x, d)
    assert.are.same({ -1.5, 1.5, -1, 1 }, f:narrow(1, 1, 4):totable())
    assert.is_true(f[5] ~= f[5])
    local r = T():cremainder(x, d)
    assert.are.same({ 0.5, -0.5, 1, -1 }, r:narrow(1, 1, 4):totable())
    assert.is_true(r[5] ~= r[5])
    assert.are.same(f:narrow(1, 1, 4):totable(), stn.cmod(x, d):narrow(1, 1, 4):totable()) -- alias
    assert.are.equal(x, x:cremainder(T({ 4, 4, 4, 4, 4 })))
    assert.are.same({ 2.5, 1.5, 1, 3, 3 }, x:totable())
  end)

  it('remainder of float values: x - d * floor(x / d), the quotient rounded to float', function()
    -- 1e8 / 3 rounds to 33333334 in float, so the rest is 1e8 - 100000002 = -2, as in Torch7
    assert.are.equal(-2, T({ 1e8 }):remainder(3)[1])
    assert.are.equal(1, T({ 1e8 }):fmod(3)[1]) -- fmod is exact
  end)

  it('refuses wrong arguments, naming the function', function()
    H.assert_error(function() T(2):fmod('a') end, 'Tensor:fmod', 'argument 1: expected a number, got string')
    H.assert_error(function() T(2):remainder(T(2)) end, 'Tensor:remainder', 'expected a number')
    H.assert_error(function() stn.fmod(T(2), T(2)) end, 'stn: fmod', 'got (tensor, tensor)')
    H.assert_error(function() T(2):cfmod(2) end, 'Tensor:cfmod', 'expected a tensor')
    H.assert_error(function() T(2):cremainder(T(3)) end, 'Tensor:cremainder', 'b has 3 elements')
  end)
end)
