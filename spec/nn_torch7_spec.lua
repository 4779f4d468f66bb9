-- Torch7's nn surface in stn.nn: names stn lacks are clear errors, a new module's fields
-- are Torch7's (_type, train, shared), Module.flatten, and the methods stn refuses.
-- Expected values come from Torch7's sources (nn/init.lua, Module.lua, Dropout.lua,
-- Criterion.lua).
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn
local T = stn.Tensor

describe('stn.nn names', function()
  it('raises "not supported yet" for a Torch7 nn name stn lacks, at the caller\'s line', function()
    local err = H.assert_error(function() local m = nn.VolumetricBatchNormalization(3); return m end,
      'stn: nn.VolumetricBatchNormalization: not supported yet')
    assert.is_truthy(err:find('nn_torch7_spec.lua', 1, true), err)
    -- reading the name is allowed (Torch7's test.lua keeps `sjac = nn.SparseJacobian`): using it raises
    local placeholder = nn.SparseJacobian
    assert.are.equal(placeholder, nn.SparseJacobian)
    H.assert_error(function() return placeholder.testJacobian end, 'nn.SparseJacobian: not supported yet')
    H.assert_error(function() return nn.LayerNormalization(4) end, 'nn.LayerNormalization: not supported yet')
    H.assert_error(function() nn.LayerNormalization.x = 1 end, 'nn.LayerNormalization: not supported yet')
  end)

  it('gives every Torch7 name either stn\'s module or that error, never nil', function()
    local names = require 'stn.nn.torch7_names'
    local n = 0
    for name in pairs(names) do
      local ok, v = pcall(function() return nn[name] end)
      if ok then
        assert.is_not_nil(v, name)
      else
        assert.is_truthy(tostring(v):find('stn: nn.' .. name .. ': not supported yet', 1, true), tostring(v))
      end
      n = n + 1
    end
    assert.is_true(n > 150)
    for _, have in ipairs { 'Module', 'Sequential', 'Linear', 'SpatialConvolution', 'utils', 'ClassNLLCriterion' } do
      assert.is_not_nil(nn[have], have)
    end
  end)

  it('leaves a name Torch7 does not have nil, and finds a class the user registers', function()
    assert.is_nil(nn.NoSuchModuleAnywhere)
    local class = require 'stn.class'
    local Mine = class.new('nn.PixelShuffle', 'nn.Module')
    assert.are.equal(Mine, nn.PixelShuffle)
    class.registry['nn.PixelShuffle'] = nil
  end)
end)

describe('a new nn.Module (Torch7\'s fields)', function()
  it('has _type torch.FloatTensor, kept by type(), and no train field until training()/evaluate()', function()
    local m = nn.Linear(2, 2)
    assert.are.equal('torch.FloatTensor', m._type)
    assert.is_nil(m.train) -- Torch7's Module:__init does not set it
    m:evaluate()
    assert.is_false(m.train)
    m:training()
    assert.is_true(m.train)
    assert.are.equal('torch.FloatTensor', m:float()._type)
    -- Dropout sets its own, as Torch7's; inplace stays nil unless given
    local d = nn.Dropout()
    assert.is_true(d.train)
    assert.is_nil(d.inplace)
    assert.is_true(nn.Dropout(0.5, false, true).inplace)
  end)

  it('share marks both modules shared', function()
    local a, b = nn.Linear(2, 2), nn.Linear(2, 2)
    b:share(a, 'weight', 'missingField')
    assert.is_true(a.shared)
    assert.is_true(b.shared)
    local c, d = nn.Linear(2, 2), nn.Linear(2, 2)
    d:share(c, 'missingField') -- nothing shared, no flags
    assert.is_nil(c.shared)
    assert.is_nil(d.shared)
  end)
end)

describe('nn.Module.flatten', function()
  it('packs the tensors into one and makes them views of it (Torch7\'s Module.flatten)', function()
    local a, b = T({ 1, 2 }), T({ { 3, 4 }, { 5, 6 } })
    local flat = nn.Module.flatten({ a, b })
    H.assert_equal(flat, T({ 1, 2, 3, 4, 5, 6 }))
    flat[3] = 30
    assert.are.equal(30, b[1][1])
    assert.are.equal(0, nn.Module.flatten({}):nElement())
    assert.are.equal(0, nn.Module.flatten(nil):nElement())
  end)
end)

describe('Torch7\'s smaller methods', function()
  it('Sequential:__len counts the modules; SpatialMaxPooling:empty clears its buffers', function()
    local s = nn.Sequential():add(nn.Identity()):add(nn.Identity())
    assert.are.equal(2, s:__len())
    local p = nn.SpatialMaxPooling(2, 2)
    p:forward(T(1, 4, 4):zero())
    p:empty()
    assert.are.equal(0, p.output:nElement())
    assert.are.equal(0, p.indices:nElement())
  end)

  it('Threshold checks in-place value and threshold at every pass, as Torch7\'s validateParameters', function()
    local m = nn.ReLU(true)
    m.val = 1 -- above the threshold 0: the backward pass would read the overwritten input wrongly
    local err = H.assert_error(function() m:forward(T({ -1, 2 })) end, 'nn.ReLU', 'in-place', 'value (1)', 'threshold (0)')
    assert.is_truthy(err:find('nn_torch7_spec.lua', 1, true), err)
    H.assert_error(function() m:backward(T({ -1, 2 }), T({ 1, 1 })) end, 'nn.ReLU', 'in-place')
    m.val = 0
    H.assert_equal(m:forward(T({ -1, 2 })), T({ 0, 2 }))
  end)
end)

describe('Torch7 methods stn refuses', function()
  it('names the method and what to use instead', function()
    local m = nn.Linear(1, 1)
    H.assert_error(function() m:write() end, 'nn.Linear:write: not supported', 'stn.save')
    H.assert_error(function() m:read() end, 'nn.Linear:read: not supported', 'stn.load')
    H.assert_error(function() m:sharedAccUpdateGradParameters() end, 'nn.Linear:sharedAccUpdateGradParameters: not supported')
    H.assert_error(function() m:defaultAccUpdateGradParameters() end, 'nn.Linear:defaultAccUpdateGradParameters: not supported')
    H.assert_error(function() nn.MSECriterion():cudaHalf() end, 'nn.MSECriterion', 'torch.CudaHalfTensor')
    H.assert_error(function() nn.MSECriterion():cudaDouble() end, 'nn.MSECriterion', 'no CUDA device')
  end)
end)
