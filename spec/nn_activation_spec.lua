-- nn.ReLU, nn.Threshold, nn.Tanh, nn.Sigmoid: values, Jacobians, in place (CPU vs CUDA: spec/conformance_table.lua).
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

describe('nn activations', function()
  it('ReLU keeps positives and zeroes the rest; its gradient passes where x > 0', function()
    local m = nn.ReLU()
    local x = stn.Tensor({ { -1, 0, 2 }, { 3, -0.5, 1e-7 } })
    H.assert_near(m:forward(x), { { 0, 0, 2 }, { 3, 0, 1e-7 } })
    H.assert_near(m:backward(x, stn.Tensor({ { 1, 2, 3 }, { 4, 5, 6 } })), { { 0, 0, 3 }, { 4, 0, 6 } })
    assert.are.equal('nn.ReLU', tostring(m))
  end)

  it('Threshold replaces values at or below the threshold', function()
    local m = nn.Threshold(1, -3)
    H.assert_near(m:forward(stn.Tensor({ 0, 1, 2 })), { -3, -3, 2 })
    H.assert_error(function() nn.Threshold(0, 1, true) end, 'nn.Threshold', 'in-place')
  end)

  it('ReLU(true) works in place on the input and the gradient', function()
    local m = nn.ReLU(true)
    local x = stn.Tensor({ -1, 2, -3, 4 })
    local y = m:forward(x)
    H.assert_near(x, { 0, 2, 0, 4 })
    assert.is_true(y:isSetTo(x))
    local g = stn.Tensor({ 1, 1, 1, 1 })
    local gi = m:backward(x, g)
    H.assert_near(g, { 0, 1, 0, 1 })
    assert.is_true(gi:isSetTo(g))
  end)

  it('Threshold and ReLU give val and a zero gradient for NaN, in place too (cunn; see docs/nn.md)', function()
    local nan = 0 / 0
    for _, inplace in ipairs { false, true } do
      local m = nn.Threshold(0.5, -2, inplace)
      local x = stn.Tensor({ nan, 0, 1 })
      H.assert_equal(m:forward(x), stn.Tensor({ -2, -2, 1 }))
      H.assert_equal(m:backward(x, stn.Tensor({ 5, 5, 5 })), stn.Tensor({ 0, 0, 5 }))
      local r = nn.ReLU(inplace)
      local xr = stn.Tensor({ nan, -1, 2 })
      H.assert_equal(r:forward(xr), stn.Tensor({ 0, 0, 2 }))
      H.assert_equal(r:backward(xr, stn.Tensor({ 1, 1, 1 })), stn.Tensor({ 0, 0, 1 }))
    end
  end)

  it('Tanh and Sigmoid give the textbook values', function()
    H.assert_near(nn.Tanh():forward(stn.Tensor({ 0, 1, -2 })), { 0, math.tanh(1), math.tanh(-2) }, 1e-6)
    H.assert_near(nn.Sigmoid():forward(stn.Tensor({ 0, 2 })), { 0.5, 1 / (1 + math.exp(-2)) }, 1e-6)
  end)

  it('have exact gradients (Jacobian), strided input included', function()
    stn.manualSeed(1)
    local x = H.rand({ 3, 4, 5 })
    H.check_jacobian(nn.Tanh(), x, { tol = 2e-3 })
    H.check_jacobian(nn.Sigmoid(), x, { tol = 2e-3 })
    H.check_jacobian(nn.Tanh(), H.rand({ 4, 6 }):t(), { tol = 2e-3 })
    -- away from the kink at 0, finite differences see the same slope as backprop
    local xr = H.rand({ 3, 4 }, 0.1, 1)
    xr:narrow(1, 1, 1):mul(-1)
    H.check_jacobian(nn.ReLU(), xr, { eps = 1e-3, tol = 2e-3 })
  end)

  it('reject a gradOutput of another shape, naming the module', function()
    local m = nn.Sigmoid()
    m:forward(H.rand({ 2, 3 }))
    H.assert_error(function() m:backward(H.rand({ 2, 3 }), H.rand({ 3, 2 })) end, 'nn.Sigmoid', 'gradOutput is 3x2')
    H.assert_error(function() nn.ReLU():forward(5) end, 'nn.ReLU', 'must be a tensor')
  end)
end)
