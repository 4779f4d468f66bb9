-- nn.Dropout: Torch7's scaling (v2 default and v1), evaluation, in place, the mask in
-- the backward pass, reproducibility (CUDA masks equal to CPU masks: spec/conformance_table.lua).
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

describe('nn.Dropout', function()
  it('keeps about 1 - p of the elements in training, scaled by 1 / (1 - p)', function()
    stn.manualSeed(1)
    local m = nn.Dropout(0.25)
    local y = m:forward(stn.Tensor(100000):fill(3))
    local kept = y:gt(0):sum() / 100000
    assert.is_true(math.abs(kept - 0.75) < 0.01, 'kept ' .. kept)
    H.assert_near(y:max(), 4, 1e-6)
    H.assert_near(y:min(), 0, 0)
  end)

  it('routes the gradient through the same mask', function()
    stn.manualSeed(2)
    local m = nn.Dropout(0.5)
    local x = H.rand({ 6, 7 })
    local y = m:forward(x)
    local gi = m:backward(x, stn.Tensor(6, 7):fill(1))
    H.assert_near(gi, m.noise)
    H.assert_near(y, x:clone():cmul(m.noise))
  end)

  it('passes input through in evaluation (v2) or scales by 1 - p (v1)', function()
    local x = H.rand({ 4, 5 })
    H.assert_equal(nn.Dropout(0.3):evaluate():forward(x), x)
    H.assert_near(nn.Dropout(0.3, true):evaluate():forward(x), x:clone():mul(0.7), 1e-6)
    local v1 = nn.Dropout(0.3, true)
    local y = v1:forward(x)
    assert.is_true(y:clone():abs():max() <= x:clone():abs():max() + 1e-7) -- v1 does not scale in training
  end)

  it('draws the same mask under the same seed, and works in place', function()
    local x = H.rand({ 50 })
    stn.manualSeed(9)
    local a = nn.Dropout(0.5):forward(x):clone()
    stn.manualSeed(9)
    local m = nn.Dropout(0.5, false, true)
    local xi = x:clone()
    local b = m:forward(xi)
    H.assert_equal(a, b)
    assert.is_true(b:isSetTo(xi))
  end)

  it('prints as Torch7 does and rejects a bad p', function()
    assert.are.equal('nn.Dropout(0.500000)', tostring(nn.Dropout()))
    H.assert_error(function() nn.Dropout(1) end, 'nn.Dropout', 'illegal percentage 1')
  end)
end)
