-- Relative learning rates and weight decays per module (nnlr's interface, an stn
-- addition): module:learningRate, module:weightDecay and getOptimConfig, whose vectors
-- line up with getParameters() element by element.
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn
require 'nn_testmodules'

-- The values as a Lua list.
local function list(t)
  local r = {}
  for i = 1, t:nElement() do r[i] = t[i] end
  return r
end

-- Rounded to float, as the vectors hold them.
local function f32(x) return tonumber(require('ffi').new('float', x)) end

describe('Module:learningRate', function()
  it('gives every parameter at or below the module the factor, in getParameters order', function()
    -- TestAffine(n) has weight n and bias n: layout w1 b1 w2 b2
    local net = nn.Sequential():add(nn.TestAffine(2):learningRate(0.5)):add(nn.TestAffine(3))
    local lrs, wds = net:getOptimConfig()
    assert.are.same({ 0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1, 1, 1 }, list(lrs))
    assert.are.same({ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, list(wds))
    assert.are.equal(net:getParameters():nElement(), lrs:nElement())
  end)

  it('multiplies the factors set at several levels, and by the base rates', function()
    local inner = nn.TestAffine(1)
    local net = nn.Sequential():add(nn.Sequential():add(inner):learningRate(0.5)):add(nn.TestAffine(1)):learningRate(0.1)
    inner:learningRate('bias', 4)
    local lrs = net:getOptimConfig(2, 0)
    assert.are.same({ f32(2 * 0.1 * 0.5), f32(2 * 0.1 * 0.5 * 4), f32(2 * 0.1), f32(2 * 0.1) }, list(lrs))
  end)

  it('takes nnlr\'s per-field forms, weight decays too', function()
    local l = nn.Linear(2, 1)
    assert.are.equal(l, l:learningRate('weight', 0.1):learningRate('bias', 2):weightDecay('bias', 0))
    local lrs, wds = l:getOptimConfig(1, 5e-4)
    -- Linear: weight 1x2 then bias 1
    assert.are.same({ f32(0.1), f32(0.1), 2 }, list(lrs))
    assert.are.same({ f32(5e-4), f32(5e-4), 0 }, list(wds))
  end)

  it('lines up with the parameters before and after flattening, shared weights counted once', function()
    local a = nn.TestAffine(2)
    local b = a:clone('weight', 'bias', 'gradWeight', 'gradBias') -- shares a's parameters
    local net = nn.Sequential():add(a):add(b):add(nn.TestAffine(3):learningRate(0.25))
    local before = list((net:getOptimConfig()))
    local params = net:getParameters()
    assert.are.equal(10, params:nElement())
    assert.are.same(before, list((net:getOptimConfig())))
    assert.are.same({ 1, 1, 1, 1, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25 }, before)
  end)

  it('refuses shared parameters given different factors', function()
    local a = nn.TestAffine(2)
    local b = a:clone('weight', 'bias', 'gradWeight', 'gradBias'):learningRate(0.1)
    H.assert_error(function() nn.Sequential():add(a):add(b):getOptimConfig() end, 'getOptimConfig',
      'shares its elements with another parameter whose learning rate differs')
  end)

  it('counts a module listed twice once', function()
    local a = nn.TestAffine(1):learningRate(0.5)
    assert.are.same({ 0.5, 0.5 }, list((nn.Sequential():add(a):add(a):getOptimConfig())))
  end)

  it('says what is wrong with its arguments', function()
    local l = nn.Linear(2, 1)
    H.assert_error(function() l:learningRate('gamma', 1) end, 'nn.Linear:learningRate', "'weight' or 'bias'", 'gamma')
    H.assert_error(function() l:learningRate(0 / 0) end, 'nn.Linear:learningRate', 'finite number')
    H.assert_error(function() l:learningRate('bias', 'x') end, 'nn.Linear:learningRate', 'finite number')
    H.assert_error(function() nn.Linear(2, 1, false):learningRate('bias', 1) end, 'nn.Linear:learningRate', 'no bias')
    H.assert_error(function() nn.ReLU():weightDecay('weight', 0) end, 'nn.ReLU:weightDecay', 'no weight')
    H.assert_error(function() l:weightDecay(1e-4) end, 'nn.Linear:weightDecay', "dpnn's weightDecay(0.0001)", 'not supported')
    H.assert_error(function() l:getOptimConfig('a') end, 'nn.Linear:getOptimConfig', 'baseLearningRate')
  end)

  it('survives stn.save / stn.load and clone', function()
    local path = os.tmpname()
    stn.save(path, nn.Sequential():add(nn.TestAffine(1):learningRate(0.5)):add(nn.TestAffine(1)))
    local net = stn.load(path)
    os.remove(path)
    assert.are.same({ 0.5, 0.5, 1, 1 }, list((net:getOptimConfig())))
    assert.are.same({ 0.5, 0.5, 1, 1 }, list((net:clone():getOptimConfig())))
  end)
end)

describe('Module:getOptimConfig on CUDA', function()
  H.cuda_it('gives the vectors on the network\'s device, equal to the CPU\'s', function()
    local function build()
      return nn.Sequential():add(nn.Linear(3, 2):learningRate(0.5):weightDecay('bias', 0)):add(nn.Linear(2, 2))
    end
    local lc, wc = build():getOptimConfig(1, 0.1)
    local gpu = build():cuda()
    gpu:getParameters()
    local lg, wg = gpu:getOptimConfig(1, 0.1)
    assert.are.equal('torch.CudaTensor', lg:type())
    H.assert_equal(lg, lc)
    H.assert_equal(wg, wc)
  end)
end)

describe('nn.SpatialTransformer and learning rates', function()
  it('exposes its localization network and the linear layer after it, which hold all its parameters', function()
    local locnet = nn.Sequential():add(nn.View(-1):setNumInputDims(3)):add(nn.Linear(2 * 4 * 4, 3))
    local st = nn.SpatialTransformer { locnet = locnet, height = 4, width = 4 }
    local net, head = st:localizationNetwork()
    assert.are.equal(locnet, net)
    assert.are.equal('nn.Linear', stn.type(head))
    assert.are.equal(6, head.weight:size(1))
    local classifier = nn.Linear(2, 2)
    local model = nn.Sequential():add(st):add(classifier)
    st:learningRate(0.1)
    local lrs = model:getOptimConfig()
    -- locnet's Linear (3x32 + 3), the head (6x3 + 6), then the classifier (2x2 + 2)
    local n_st = 3 * 32 + 3 + 6 * 3 + 6
    assert.are.equal(n_st + 6, lrs:nElement())
    H.assert_near(lrs:narrow(1, 1, n_st), stn.Tensor(n_st):fill(0.1), 0)
    H.assert_near(lrs:narrow(1, n_st + 1, 6), stn.Tensor(6):fill(1), 0)
  end)
end)
