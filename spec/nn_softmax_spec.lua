-- nn.SoftMax and nn.LogSoftMax: values by hand, stability, layouts, Jacobians (CPU vs CUDA: spec/conformance_table.lua).
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

describe('nn.SoftMax / nn.LogSoftMax', function()
  it('normalize exponentials (by hand)', function()
    local e = math.exp(1)
    local s = 1 + e + e * e
    H.assert_near(nn.SoftMax():forward(stn.Tensor({ 0, 1, 2 })), { 1 / s, e / s, e * e / s }, 1e-6)
    H.assert_near(nn.LogSoftMax():forward(stn.Tensor({ { 0, 1, 2 } })), { { -math.log(s), 1 - math.log(s), 2 - math.log(s) } }, 1e-6)
  end)

  it('stay finite for large scores (the maximum is subtracted first)', function()
    H.assert_near(nn.SoftMax():forward(stn.Tensor({ 1000, 1000 })), { 0.5, 0.5 })
    H.assert_near(nn.LogSoftMax():forward(stn.Tensor({ 1000, 0 })), { 0, -1000 })
  end)

  it('work over the planes of C x H x W and B x C x H x W', function()
    local x = H.rand({ 2, 3, 4, 5 })
    local y = nn.SoftMax():forward(x)
    -- at every pixel the planes sum to one
    H.assert_near(y:select(2, 1) + y:select(2, 2) + y:select(2, 3), stn.Tensor(2, 4, 5):fill(1), 1e-6)
    local y3 = nn.LogSoftMax():forward(x[2])
    H.assert_near(y3:exp(), y[2], 1e-6)
  end)

  it('have exact gradients (Jacobian) in every layout', function()
    stn.manualSeed(3)
    for _, size in ipairs { { 7 }, { 3, 5 }, { 4, 2, 3 }, { 2, 3, 2, 2 } } do
      H.check_jacobian(nn.SoftMax(), H.rand(size), { tol = 2e-3 })
      H.check_jacobian(nn.LogSoftMax(), H.rand(size), { tol = 2e-3 })
    end
  end)

  it('reject 5-D input and mis-shaped gradients, naming the module', function()
    H.assert_error(function() nn.SoftMax():forward(H.rand({ 1, 1, 1, 1, 2 })) end, 'nn.SoftMax', '1x1x1x1x2')
    local m = nn.LogSoftMax()
    m:forward(H.rand({ 2, 3 }))
    H.assert_error(function() m:backward(H.rand({ 2, 3 }), H.rand({ 3 })) end, 'nn.LogSoftMax', 'gradOutput is 3')
  end)
end)
