-- nn on Double (CPU): module:double() converts parameters and buffers; each layer,
-- criterion and the SGD step gives its Float results on Double to float rounding, and
-- its Jacobian on Double at Torch7's step and precision (1e-6, 1e-5); a module and a
-- tensor of two element types are refused, naming both. (The conformance table runs the
-- same claims on every nn row, in every layout: spec/conformance_table.lua, `double`.)
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

local EPS, TOL = 1e-6, 1e-5 -- Torch7's nn tests on Double

-- A random Float tensor (the draws the Float run takes) and its Double copy.
local function rand(...)
  local x = stn.FloatTensor(...):uniform(-1, 1)
  return x, x:double()
end

-- The layers: a constructor and a (small) input size; tol: Double vs Float.
local LAYERS = {
  { 'nn.Linear(5, 3)', function() return nn.Linear(5, 3) end, { 4, 5 }, 1e-6 },
  { 'nn.SpatialConvolution(3, 4, 3, 3, 1, 1, 1, 1)', function() return nn.SpatialConvolution(3, 4, 3, 3, 1, 1, 1, 1) end,
    { 2, 3, 6, 7 }, 1e-6 },
  { 'nn.SpatialConvolutionMM(3, 4, 3, 3, 2, 2)', function() return nn.SpatialConvolutionMM(3, 4, 3, 3, 2, 2) end,
    { 3, 6, 7 }, 1e-6 },
  { 'nn.ReLU', function() return nn.ReLU() end, { 3, 4 }, 0 },
  { 'nn.Threshold(0.25, -1)', function() return nn.Threshold(0.25, -1) end, { 3, 4 }, 0 },
  { 'nn.Tanh', function() return nn.Tanh() end, { 3, 4 }, 1e-6 },
  { 'nn.Sigmoid', function() return nn.Sigmoid() end, { 3, 4 }, 1e-6 },
  { 'nn.SoftMax', function() return nn.SoftMax() end, { 3, 4 }, 1e-6 },
  { 'nn.LogSoftMax', function() return nn.LogSoftMax() end, { 2, 3, 2, 3 }, 1e-6 },
  { 'nn.SpatialMaxPooling(2, 2)', function() return nn.SpatialMaxPooling(2, 2) end, { 2, 3, 6, 6 }, 0 },
  { 'nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1):ceil()', function() return nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1):ceil() end,
    { 2, 3, 7, 6 }, 1e-6 },
  { 'nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1)', function() return nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1) end,
    { 2, 3, 7, 6 }, 1e-6 },
  { 'nn.SpatialSubtractiveNormalization(3, gaussian1D(5))',
    function() return nn.SpatialSubtractiveNormalization(3, stn.image.gaussian1D(5)) end, { 2, 3, 7, 6 }, 1e-6 },
  { 'nn.SpatialDivisiveNormalization(3, gaussian(5), 0.3, 0.5)',
    function() return nn.SpatialDivisiveNormalization(3, stn.image.gaussian(5), 0.3, 0.5) end, { 2, 3, 7, 6 }, 1e-5 },
  { 'nn.SpatialContrastiveNormalization(3)', function() return nn.SpatialContrastiveNormalization(3) end,
    { 3, 7, 6 }, 1e-5 },
}

describe('nn on Double', function()
  for _, c in ipairs(LAYERS) do
    local name, build, size, tol = unpack(c)
    describe(name, function()
      it('gives its Float results on Double (output, gradInput, parameter gradients)', function()
        stn.manualSeed(7)
        local m = build()
        local md = m:clone():double()
        local x, xd = rand(unpack(size))
        local y = m:forward(x)
        local g, gd = rand(y:size())
        local yd = md:forward(xd)
        assert.are.equal('torch.DoubleTensor', yd:type())
        H.assert_close(yd, y, tol, 'output')
        local gi = m:backward(x, g)
        local gid = md:backward(xd, gd)
        assert.are.equal('torch.DoubleTensor', gid:type())
        H.assert_close(gid, gi, tol, 'gradInput')
        local _, grads = m:parameters()
        local _, gradsd = md:parameters()
        for i, gr in ipairs(grads or {}) do
          assert.are.equal('torch.DoubleTensor', gradsd[i]:type())
          H.assert_close(gradsd[i], gr, tol, 'gradParameters[' .. i .. ']')
        end
      end)

      it('has the Jacobian of finite differences on Double (step 1e-6, precision 1e-5)', function()
        stn.manualSeed(8)
        local m = build():double()
        local _, xd = rand(unpack(size))
        H.check_jacobian(m, xd, { eps = EPS, tol = TOL })
      end)
    end)
  end

  it('compares with its threshold in double, as Torch7 (Float: the threshold rounded to float)', function()
    local x = stn.DoubleTensor { 0.1 + 1e-12, 0.1, 0.2 }
    H.assert_close(nn.Threshold(0.1, -1):double():forward(x), stn.DoubleTensor { 0.1 + 1e-12, -1, 0.2 }, 0)
    H.assert_close(nn.Threshold(0.1, -1):forward(x:float()), stn.FloatTensor { -1, -1, 0.2 }, 0)
  end)

  it(':double() converts parameters and buffers, :float() converts them back', function()
    local m = nn.Sequential():add(nn.SpatialConvolution(2, 3, 3, 3)):add(nn.SpatialMaxPooling(2, 2))
      :add(nn.SpatialDivisiveNormalization(3))
    local _, xd = rand(2, 2, 8, 8)
    m:double():forward(xd)
    assert.are.equal('torch.DoubleTensor', m:type())
    local conv, pool, norm = m.modules[1], m.modules[2], m.modules[3]
    for _, t in ipairs { conv.weight, conv.bias, conv.gradWeight, conv.gradBias, conv.finput, pool.indices, norm.kernel,
                         norm.output } do
      assert.are.equal('torch.DoubleTensor', t:type())
    end
    m:float()
    for _, t in ipairs { conv.weight, conv.finput, pool.indices, norm.kernel } do
      assert.are.equal('torch.FloatTensor', t:type())
    end
    assert.are.equal('torch.FloatTensor', m:forward(xd:float()):type())
  end)

  it('flattens Double parameters into a Double tensor (getParameters)', function()
    local m = nn.Sequential():add(nn.Linear(4, 3)):add(nn.Linear(3, 2)):double()
    local p, g = m:getParameters()
    assert.are.equal('torch.DoubleTensor', p:type())
    assert.are.equal('torch.DoubleTensor', g:type())
    assert.are.equal(4 * 3 + 3 + 3 * 2 + 2, p:nElement())
    assert.are.equal('torch.DoubleTensor', m.modules[1].weight:type())
  end)

  describe('criterions', function()
    it('MSECriterion returns its loss in double (not rounded to float) and its Float gradient', function()
      local c = nn.MSECriterion()
      local cd = c:clone():double()
      local x, xd = rand(4, 5)
      local t, td = rand(4, 5)
      local l, ld = c:forward(x, t), cd:forward(xd, td)
      assert.is_true(math.abs(l - ld) <= 1e-6 * math.max(1, math.abs(l)))
      -- the same sum, in double by hand
      local s = 0
      for i = 1, 4 do for j = 1, 5 do s = s + (xd[i][j] - td[i][j]) ^ 2 end end
      assert.is_true(math.abs(ld - s / 20) <= 1e-15)
      H.assert_close(cd:backward(xd, td), c:backward(x, t), 1e-6)
      H.assert_close(cd:backward(xd, td), H.criterion_numeric_grad(cd, xd, td, EPS), TOL)
    end)

    it('ClassNLLCriterion takes Double log-probabilities with labels of any type', function()
      local c = nn.ClassNLLCriterion()
      local cd = c:clone():double()
      local x, xd = rand(4, 6)
      local labels = { 2, 6, 1, 3 }
      local l = c:forward(x, stn.FloatTensor(labels))
      for _, t in ipairs { stn.DoubleTensor(labels), stn.LongTensor(labels), stn.FloatTensor(labels) } do
        local ld = cd:forward(xd, t)
        assert.is_true(math.abs(ld - l) <= 1e-6)
        H.assert_close(cd:backward(xd, t), c:backward(x, stn.FloatTensor(labels)), 0)
      end
      local s = 0
      for i, k in ipairs(labels) do s = s - xd[i][k] end
      assert.is_true(math.abs(cd:forward(xd, stn.LongTensor(labels)) - s / 4) <= 1e-15)
    end)

    it('CrossEntropyCriterion has the gradient of finite differences on Double (step 1e-6, precision 1e-5)', function()
      local cd = nn.CrossEntropyCriterion():double()
      local _, xd = rand(3, 5)
      local t = stn.LongTensor { 5, 1, 3 }
      cd:forward(xd, t)
      H.assert_close(cd:backward(xd, t):clone(), H.criterion_numeric_grad(cd, xd, t, EPS), TOL)
    end)
  end)

  it('optim.sgd steps Double parameters as it steps Float ones', function()
    local x, xd = rand(100)
    local cfg = { learningRate = 0.1, momentum = 0.9, weightDecay = 0.01 }
    local cfgd = { learningRate = 0.1, momentum = 0.9, weightDecay = 0.01 }
    for _ = 1, 3 do
      local g, gd = rand(100)
      stn.optim.sgd(function() return 0, g end, x, cfg)
      stn.optim.sgd(function() return 0, gd end, xd, cfgd)
    end
    assert.are.equal('torch.DoubleTensor', cfgd.dfdx:type())
    H.assert_close(xd, x, 1e-6)
    H.assert_close(cfgd.dfdx, cfg.dfdx, 1e-6)
  end)

  describe('refuses a mix of element types, naming the module and both types', function()
    it('a Double module with a Float input, a Float module with a Double input', function()
      local x, xd = rand(2, 5)
      H.assert_error(function() nn.Linear(5, 3):double():forward(x) end, 'nn.Linear', 'torch.FloatTensor',
        'torch.DoubleTensor')
      H.assert_error(function() nn.Tanh():forward(xd) end, 'nn.Tanh', 'torch.DoubleTensor', 'torch.FloatTensor')
      H.assert_error(function() nn.SpatialMaxPooling(2, 2):double():forward(stn.FloatTensor(1, 4, 4)) end,
        'nn.SpatialMaxPooling', 'torch.FloatTensor', 'torch.DoubleTensor')
      H.assert_error(function() nn.MSECriterion():forward(xd, xd) end, 'nn.MSECriterion', 'torch.DoubleTensor',
        'torch.FloatTensor')
    end)

    it('a gradOutput of another type than the module', function()
      local m = nn.Linear(5, 3):double()
      local _, xd = rand(2, 5)
      m:forward(xd)
      H.assert_error(function() m:backward(xd, stn.FloatTensor(2, 3)) end, 'nn.Linear', 'gradOutput',
        'torch.FloatTensor', 'torch.DoubleTensor')
    end)

    it('optim.sgd with a gradient of another type than x', function()
      local _, xd = rand(10)
      H.assert_error(function() stn.optim.sgd(function() return 0, stn.FloatTensor(10) end, xd, {}) end,
        'optim.sgd', 'torch.FloatTensor', 'torch.DoubleTensor')
    end)

    it('the C kernels, called directly, name the argument and both types', function()
      local C, ctx = require('stn.ffi').C, require('stn.ffi').ctx
      local _, xd = rand(2, 5)
      local w = stn.FloatTensor(3, 5)
      assert.are_not.equal(0, C.stn_linear_forward(ctx, xd, stn.DoubleTensor(), w, nil))
      local msg = require('stn.ffi').last_error()
      assert.truthy(msg:find('stn_linear_forward', 1, true) and msg:find('weight is a Float tensor but the input is Double',
        1, true), msg)
      assert.are_not.equal(0, C.stn_activation_forward(ctx, stn.LongTensor(3), stn.LongTensor(), 0, 0, 0))
      msg = require('stn.ffi').last_error()
      assert.truthy(msg:find('Long tensor (Float and Double only)', 1, true), msg)
    end)
  end)
end)
