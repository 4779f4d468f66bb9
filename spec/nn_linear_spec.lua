-- nn.Linear: values by hand, Jacobians, scale, vector vs batch, bad input (CPU vs CUDA: spec/conformance_table.lua).
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

describe('nn.Linear', function()
  local function fixed()
    local m = nn.Linear(3, 2)
    m.weight:copy(stn.Tensor({ { 1, 2, 3 }, { -1, 0, 1 } }))
    m.bias:copy(stn.Tensor({ 0.5, -0.5 }))
    return m
  end

  it('computes W x + b for a vector and for each row of a batch (by hand)', function()
    local m = fixed()
    H.assert_near(m:forward(stn.Tensor({ 1, 1, 2 })), { 9.5, 0.5 })
    H.assert_near(m:forward(stn.Tensor({ { 1, 1, 2 }, { 0, 0, 0 }, { 1, 0, 0 } })), { { 9.5, 0.5 }, { 0.5, -0.5 }, { 1.5, -1.5 } })
  end)

  it('backpropagates by hand: gradInput = g W, gradWeight = g^T x, gradBias = sum g', function()
    local m = fixed()
    local x = stn.Tensor({ { 1, 1, 2 }, { 2, 0, 1 } })
    local g = stn.Tensor({ { 1, 0 }, { 0, 2 } })
    m:forward(x)
    m:zeroGradParameters()
    H.assert_near(m:backward(x, g), { { 1, 2, 3 }, { -2, 0, 2 } })
    H.assert_near(m.gradWeight, { { 1, 1, 2 }, { 4, 0, 2 } })
    H.assert_near(m.gradBias, { 1, 2 })
  end)

  it('prints as Torch7 does', function()
    assert.are.equal('nn.Linear(10 -> 5)', tostring(nn.Linear(10, 5)))
    assert.are.equal('nn.Linear(10 -> 5) without bias', tostring(nn.Linear(10, 5, false)))
  end)

  it('initializes uniformly in +-1/sqrt(inputSize), reproducibly', function()
    stn.manualSeed(2)
    local a = nn.Linear(100, 30)
    stn.manualSeed(2)
    local b = nn.Linear(100, 30)
    H.assert_equal(a.weight, b.weight)
    assert.is_true(a.weight:max() <= 0.1 and a.weight:min() >= -0.1 and a.weight:max() > 0.09)
    assert.is_true(a.bias:max() <= 0.1 and a.bias:min() >= -0.1)
  end)

  it('has exact gradients (Jacobian) for the input, weight and bias', function()
    stn.manualSeed(4)
    H.check_jacobian(nn.Linear(5, 4), H.rand({ 3, 5 }), { tol = 2e-3 })
    H.check_jacobian(nn.Linear(5, 4), H.rand({ 5 }), { tol = 2e-3 })
    H.check_jacobian(nn.Linear(5, 4, false), H.rand({ 2, 5 }), { tol = 2e-3 })
  end)

  it('is fast-path safe for large products split over threads', function()
    stn.manualSeed(9)
    local m = nn.Linear(300, 200)
    local x = H.rand({ 64, 300 })
    local y = m:forward(x):clone()
    for i = 1, 64, 21 do H.assert_near(m:forward(x[i]), y[i], 1e-5) end
  end)

  it('accumulates parameter gradients times scale', function()
    local m = fixed()
    local x, g = H.rand({ 4, 3 }), H.rand({ 4, 2 })
    m:forward(x)
    m:zeroGradParameters()
    m:backward(x, g)
    local gw, gb = m.gradWeight:clone(), m.gradBias:clone()
    m:accGradParameters(x, g, 0.5)
    H.assert_near(m.gradWeight, gw:mul(1.5), 1e-5)
    H.assert_near(m.gradBias, gb:mul(1.5), 1e-5)
  end)

  it('rejects bad input with the module name and the sizes', function()
    local m = nn.Linear(3, 2)
    H.assert_error(function() m:forward(H.rand({ 4, 5 })) end, 'nn.Linear', '4x5', '5 features', 'takes 3')
    H.assert_error(function() m:forward(H.rand({ 2, 2, 3 })) end, 'nn.Linear', '2x2x3')
    m:forward(H.rand({ 4, 3 }))
    H.assert_error(function() m:backward(H.rand({ 4, 3 }), H.rand({ 4, 3 })) end, 'nn.Linear', 'gradOutput is 4x3')
    H.assert_error(function() nn.Linear(0, 2) end, 'inputSize')
  end)
end)
