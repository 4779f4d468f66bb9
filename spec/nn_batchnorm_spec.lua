-- nn.BatchNormalization and nn.SpatialBatchNormalization: values by hand (THNN's
-- arithmetic: biased variance in invstd, unbiased in running_var), training vs evaluation,
-- Jacobians in both modes, types, bad input, printing (CPU vs CUDA and Double vs Float:
-- spec/conformance_table.lua).
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

-- Reference in Lua doubles: per feature f of a B x C (x H x W) tensor, its values.
local function feature_values(x, f)
  local v = {}
  local xd = x:double()
  local B = xd:size(1)
  for b = 1, B do
    local s = xd[b][f]
    if type(s) == 'number' then v[#v + 1] = s else
      for _, e in ipairs(s:contiguous():view(-1):totable()) do v[#v + 1] = e end
    end
  end
  return v
end

describe('nn.BatchNormalization', function()
  it('normalizes each feature by the batch statistics and updates the running ones (hand values)', function()
    local m = nn.BatchNormalization(3)
    m.weight:copy(stn.Tensor({ 1, 2, 0.5 }))
    m.bias:copy(stn.Tensor({ 0, 1, -1 }))
    local x = stn.Tensor({ { 1, 2, 3 }, { 3, 6, 9 } })
    local s1, s2, s3 = 1 / math.sqrt(1 + 1e-5), 1 / math.sqrt(4 + 1e-5), 1 / math.sqrt(9 + 1e-5)
    H.assert_near(m:forward(x), { { -s1, 1 - 4 * s2, -1 - 1.5 * s3 }, { s1, 1 + 4 * s2, -1 + 1.5 * s3 } }, 1e-6)
    H.assert_near(m.save_mean, { 2, 4, 6 })
    H.assert_near(m.save_std, { s1, s2, s3 }, 1e-6)
    -- momentum 0.1: running_mean 0.1 * mean, running_var 0.9 + 0.1 * unbiased variance
    H.assert_near(m.running_mean, { 0.2, 0.4, 0.6 }, 1e-6)
    H.assert_near(m.running_var, { 0.9 + 0.2, 0.9 + 0.8, 0.9 + 1.8 }, 1e-6)
    -- backward: gradBias = sum g, gradWeight = sum g * xhat; gradInput is 0 for a
    -- gradient along xhat's own direction with zero mean removed (here g = xhat)
    local g = stn.Tensor({ { 1, -1, 2 }, { 0, 1, 2 } })
    local gi = m:backward(x, g)
    H.assert_near(m.gradBias, { 1, 0, 4 }, 1e-6)
    H.assert_near(m.gradWeight, { -s1, 4 * s2, 0 }, 1e-5)
    -- feature 1: xhat = -+s1, g = {1, 0}: (g - 1/2 - xhat * (-s1)/2 * s1) * s1 * w
    local xh = s1 * s1 -- xhat^2 (each of the two)
    H.assert_near(gi:select(2, 1), { (1 - 0.5 - 0.5 * xh) * s1, (0 - 0.5 + 0.5 * xh) * s1 }, 1e-5)
    H.assert_near(gi:select(2, 3), { 0, 0 }, 1e-6) -- a constant gradient: nothing reaches the input
    assert.are.equal('nn.BatchNormalization (2D) (3)', tostring(m))
  end)

  it('uses the running statistics in evaluation mode, for a batch and for one sample', function()
    local m = nn.BatchNormalization(2, 1e-3, 0.5)
    m.weight:fill(2); m.bias:fill(1)
    m.running_mean:copy(stn.Tensor({ 1, -1 }))
    m.running_var:copy(stn.Tensor({ 4, 0.25 }))
    m:evaluate()
    local k1, k2 = 2 / math.sqrt(4 + 1e-3), 2 / math.sqrt(0.25 + 1e-3)
    H.assert_near(m:forward(stn.Tensor({ { 3, 0 }, { 1, -2 } })), { { 1 + 2 * k1, 1 + k2 }, { 1, 1 - k2 } }, 1e-6)
    H.assert_near(m.running_mean, { 1, -1 }) -- unchanged
    local y = m:forward(stn.Tensor({ 3, 0 }))
    assert.are.same({ 2 }, y:size():totable()) -- the sample's shape (Torch7: 1 x 2, see docs/nn.md)
    H.assert_near(y, { 1 + 2 * k1, 1 + k2 }, 1e-6)
    H.assert_near(m:backward(stn.Tensor({ 3, 0 }), stn.Tensor({ 1, 1 })), { k1, k2 }, 1e-6)
    H.assert_near(m.gradBias, { 1, 1 })
    H.assert_near(m.gradWeight, { 2 / math.sqrt(4 + 1e-3), 1 / math.sqrt(0.25 + 1e-3) }, 1e-6)
  end)

  it('treats a training batch of one as evaluation, as Torch7 (no update of the running statistics)', function()
    local m = nn.BatchNormalization(2)
    m.weight:fill(1)
    local y = m:forward(stn.Tensor({ { 3, -2 } }))
    H.assert_near(y, { { 3 / math.sqrt(1 + 1e-5), -2 / math.sqrt(1 + 1e-5) } }, 1e-6)
    H.assert_near(m.running_mean, { 0, 0 })
    H.assert_near(m.running_var, { 1, 1 })
  end)

  it('without affine has no parameters; eps = 0 gives a constant feature invstd 0 (THNN)', function()
    local m = nn.BatchNormalization(2, 0, 0.1, false)
    assert.is_nil(m.weight); assert.is_nil(m:parameters())
    local y = m:forward(stn.Tensor({ { 5, 1 }, { 5, 3 } }))
    H.assert_near(y, { { 0, -1 }, { 0, 1 } }, 1e-6)
    H.assert_near(m.save_std, { 0, 1 })
  end)

  it('reset() as Torch7: weight in [0, 1), bias 0, running_mean 0, running_var 1', function()
    local m = nn.BatchNormalization(50)
    m:forward(H.rand({ 4, 50 }))
    m:reset()
    assert.is_true(m.weight:min() >= 0 and m.weight:max() < 1)
    H.assert_equal(m.bias, stn.Tensor(50):zero())
    H.assert_equal(m.running_mean, stn.Tensor(50):zero())
    H.assert_equal(m.running_var, stn.Tensor(50):fill(1))
    assert.are.equal(1e-5, m.eps); assert.are.equal(0.1, m.momentum); assert.is_true(m.affine); assert.is_true(m.train)
  end)

  it('SpatialBatchNormalization takes each plane\'s statistics over the batch and all pixels', function()
    stn.manualSeed(5)
    local m = nn.SpatialBatchNormalization(3, 1e-5, 0.2)
    m.weight:copy(stn.Tensor({ 1, 0.5, 2 })); m.bias:copy(stn.Tensor({ 0, 1, -1 }))
    local x = H.rand({ 2, 3, 4, 5 }, -2, 3)
    local y = m:forward(x)
    for f = 1, 3 do
      local v = feature_values(x, f)
      local n, s, ss = #v, 0, 0
      for _, e in ipairs(v) do s = s + e end
      local mean = s / n
      for _, e in ipairs(v) do ss = ss + (e - mean) ^ 2 end
      local invstd = 1 / math.sqrt(ss / n + 1e-5)
      local w, b = m.weight[f], m.bias[f]
      local want = x:select(2, f):double():add(-mean):mul(invstd * w):add(b)
      H.assert_close(y:select(2, f), want, 1e-5)
      H.assert_near(m.running_mean[f], 0.2 * mean, 1e-5)
      H.assert_near(m.running_var[f], 0.8 + 0.2 * ss / (n - 1), 1e-5)
    end
    assert.are.equal('nn.SpatialBatchNormalization (4D) (3)', tostring(m))
    assert.are.equal(nn.BatchNormalization.updateOutput, m.updateOutput) -- derived, as Torch7's
  end)

  it('have exact gradients (Jacobian) in training and evaluation, with and without affine', function()
    stn.manualSeed(6)
    for _, c in ipairs { { 'BatchNormalization', { 6, 4 } }, { 'SpatialBatchNormalization', { 3, 2, 4, 3 } } } do
      local name, size = c[1], c[2]
      for _, affine in ipairs { true, false } do
        local m = nn[name](size[2], 1e-5, 0.1, affine)
        m.running_mean:uniform(-0.5, 0.5); m.running_var:uniform(0.5, 2)
        local x = H.rand(size, -2, 2)
        H.check_jacobian(m, x, { eps = 1e-3, tol = 5e-3 })
        H.check_jacobian(m:clone():double(), x:double(), { eps = 1e-6, tol = 1e-5 })
        m:evaluate()
        H.check_jacobian(m, x, { eps = 1e-3, tol = 5e-3 })
        H.check_jacobian(m, x[1], { eps = 1e-3, tol = 5e-3 })
        H.check_jacobian(m:clone():double(), x:double(), { eps = 1e-6, tol = 1e-5 })
        -- strided input and gradOutput
        m:training()
        local xt = H.rand({ size[2], size[1], unpack(size, 3) }):transpose(1, 2)
        H.check_jacobian(m, xt, { eps = 1e-3, tol = 5e-3 })
      end
    end
  end)

  it('backward accumulates scale times the parameter gradients; updateGradInput and accGradParameters agree with it', function()
    stn.manualSeed(7)
    local m = nn.BatchNormalization(4)
    local x, g = H.rand({ 5, 4 }), H.rand({ 5, 4 })
    m:forward(x)
    m:zeroGradParameters()
    local gi = m:backward(x, g, 0.5):clone()
    local gw, gb = m.gradWeight:clone(), m.gradBias:clone()
    m:zeroGradParameters()
    H.assert_close(m:updateGradInput(x, g), gi, 1e-6)
    m:accGradParameters(x, g, 1)
    H.assert_close(m.gradWeight, gw:mul(2), 1e-6)
    H.assert_close(m.gradBias, gb:mul(2), 1e-6)
  end)

  it('runs on Double with Double statistics and results', function()
    stn.manualSeed(8)
    local f = nn.SpatialBatchNormalization(3)
    local d = f:clone():double()
    local x, g = H.rand({ 4, 3, 5, 5 }), H.rand({ 4, 3, 5, 5 })
    local yd = d:forward(x:double())
    assert.are.equal('torch.DoubleTensor', yd:type())
    assert.are.equal('torch.DoubleTensor', d.running_var:type())
    assert.are.equal('torch.DoubleTensor', d.save_std:type())
    H.assert_close(yd, f:forward(x), 1e-5)
    H.assert_close(d:backward(x:double(), g:double()), f:backward(x, g), 1e-5)
    H.assert_close(d.gradWeight, f.gradWeight, 1e-5)
    H.assert_close(d.running_var, f.running_var, 1e-6)
  end)

  it('refuses bad arguments and input with errors naming the module', function()
    local BN = 'nn.BatchNormalization'
    H.assert_error(function() nn.BatchNormalization() end, BN, 'nOutput must be an integer')
    H.assert_error(function() nn.BatchNormalization(0) end, BN, 'nOutput', 'got 0')
    H.assert_error(function() nn.BatchNormalization(2.5) end, BN, 'nOutput', '2.5')
    H.assert_error(function() nn.BatchNormalization(3, -1) end, BN, 'eps must be a finite number >= 0')
    H.assert_error(function() nn.BatchNormalization(3, 0 / 0) end, BN, 'eps')
    H.assert_error(function() nn.BatchNormalization(3, 1e-5, math.huge) end, BN, 'momentum')
    H.assert_error(function() nn.BatchNormalization(3, 1e-5, 0.1, 1) end, BN, 'affine must be true or false')
    local m = nn.BatchNormalization(3)
    H.assert_error(function() m:backward(stn.Tensor(2, 3), stn.Tensor(2, 3)) end, BN, 'must call :updateOutput() first')
    H.assert_error(function() m:forward(stn.Tensor(3)) end, BN, 'only mini-batch supported (2D tensor), got 1D tensor',
      'evaluation mode only')
    H.assert_error(function() m:forward(stn.Tensor(2, 3, 4)) end, BN, 'got 3D tensor')
    H.assert_error(function() m:forward(stn.Tensor(2, 4)) end, BN, 'input 2x4 has 4 features but the module takes 3')
    H.assert_error(function() m:forward(stn.Tensor(2, 3):double()) end, BN, 'torch.DoubleTensor')
    m:forward(H.rand({ 2, 3 }))
    H.assert_error(function() m:backward(H.rand({ 2, 3 }), stn.Tensor(3, 3)) end, BN, 'gradOutput is 3x3 but the input is 2x3')
    local s = nn.SpatialBatchNormalization(2)
    H.assert_error(function() s:forward(stn.Tensor(2, 5, 5)) end, 'nn.SpatialBatchNormalization',
      'only mini-batch supported (4D tensor), got 3D tensor')
    H.assert_error(function() s:forward(stn.Tensor(2, 3, 5, 5)) end, 'nn.SpatialBatchNormalization', 'has 3 features')
    s:evaluate()
    assert.are.same({ 2, 5, 5 }, s:forward(stn.Tensor(2, 5, 5):zero()):size():totable())
  end)

  it('clearState drops the buffers and save_mean / save_std; the module keeps working', function()
    local m = nn.SpatialBatchNormalization(2)
    local x = H.rand({ 2, 2, 3, 3 })
    local y = m:forward(x):clone()
    m:clearState()
    assert.are.equal(0, m.save_mean:nElement()); assert.are.equal(0, m._rows:nElement())
    H.assert_error(function() m:backward(x, x) end, 'nn.SpatialBatchNormalization', 'must call :updateOutput() first')
    m.running_mean:zero(); m.running_var:fill(1)
    H.assert_close(m:forward(x), y, 1e-6)
  end)

  it('saves and loads with its running statistics; a loaded running_var of another size is refused', function()
    stn.manualSeed(9)
    local path = os.tmpname()
    local m = nn.SpatialBatchNormalization(3)
    local x = H.rand({ 2, 3, 4, 4 })
    m:forward(x)
    stn.save(path, m)
    local back = stn.load(path)
    H.assert_equal(back.running_var, m.running_var)
    m:evaluate(); back:evaluate()
    H.assert_equal(back:forward(x), m:forward(x))
    local bad = nn.BatchNormalization(3)
    bad.running_var = stn.Tensor(4):fill(1)
    stn.save(path, bad)
    H.assert_error(function() stn.load(path) end, 'running_var', 'expected size 3, found 4')
    os.remove(path)
  end)
end)
