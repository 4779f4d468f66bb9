-- nn.hessian: Torch7's diagonal-Hessian estimate (hessian.lua of torch/nn). Hand values
-- follow its rules: MSECriterion gives 2 (2/n with sizeAverage) per output element; a
-- layer linear in its weight passes h back through weight^2 and accumulates input^2 * h
-- into diagHessianWeight (h into diagHessianBias); a point-wise module gives f'(x)^2 * h.
-- For a stack of Linear layers under MSE the loss is quadratic in each parameter with no
-- path crossing another, so the estimate is the exact diagonal of the Hessian: checked
-- against second differences of the loss.
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

local TYPES = { 'torch.FloatTensor', 'torch.DoubleTensor' }
local TOL = { ['torch.FloatTensor'] = 1e-5, ['torch.DoubleTensor'] = 1e-12 }

local function tensor(typename, values) return stn.Tensor(values):type(typename) end

-- The Torch7 behaviour before enable() is checked in a child process: enable() changes
-- the classes for the rest of the process (this file enables it below).
describe('nn.hessian before enable()', function()
  it('is reachable as stn.nn.hessian and, through the Torch7 entry, as nn.hessian', function()
    assert.are.equal(require('stn.nn.hessian'), nn.hessian)
    assert.are.equal('function', type(nn.hessian.enable))
    local out, status = H.run_script([[
      require 'nn'
      assert(nn.hessian == require('stn.nn.hessian'))
      local m = nn.Sequential():add(nn.Linear(3, 2))
      local ok, err = pcall(function() return m:updateDiagHessianInput(torch.Tensor(3), torch.Tensor(2)) end)
      print(err)
      nn.hessian.enable()
      m:initDiagHessianParameters()
      local x = torch.Tensor(3):fill(2)
      m:forward(x)
      local h = torch.Tensor(2):fill(1)
      m:updateDiagHessianInput(x, h)
      m:accDiagHessianParameters(x, h)
      print('sum', m.modules[1].diagHessianWeight:sum(), m.modules[1].diagHessianBias:sum())
    ]])
    assert.are.equal(0, status, out)
    assert.is_truthy(out:find('stn: nn.Sequential:updateDiagHessianInput: call nn.hessian.enable() first', 1, true), out)
    -- 2 outputs x 3 inputs, each x^2 = 4; bias 1 each
    assert.is_truthy(out:find('sum\t24\t2', 1, true), out)
  end)

  it('raises "call nn.hessian.enable() first" from the methods and helpers, and leaves parameters() alone', function()
    local out, status = H.run_script([[
      local stn = require 'stn'
      local nn = stn.nn
      local function try(fn) local ok, err = pcall(fn); print(ok, err) end
      local m = nn.Linear(3, 2)
      try(function() m:updateDiagHessianInput(stn.Tensor(3), stn.Tensor(2)) end)
      try(function() m:accDiagHessianParameters(stn.Tensor(3), stn.Tensor(2)) end)
      try(function() m:initDiagHessianParameters() end)
      try(function() nn.MSECriterion():updateDiagHessianInput(stn.Tensor(2), stn.Tensor(2)) end)
      try(function() return nn.hessian.updateDiagHessianInput end)
      print('counts', select('#', m:parameters()), select('#', m:getParameters()))
    ]], false)
    assert.are.equal(0, status, out)
    for _, what in ipairs { 'nn.Linear:updateDiagHessianInput', 'nn.Linear:accDiagHessianParameters',
      'nn.Linear:initDiagHessianParameters', 'nn.MSECriterion:updateDiagHessianInput',
      'nn.hessian.updateDiagHessianInput' } do
      assert.is_truthy(out:find('false\t[^\n]*stn: ' .. what:gsub('%.', '%%.') .. ': call nn%.hessian%.enable%(%) first'),
        what .. '\n' .. out)
    end
    assert.is_truthy(out:find('counts\t2\t2', 1, true), out)
  end)
end)

describe('nn.hessian (enabled)', function()
  setup(function() nn.hessian.enable() end)

  it('enable() again does nothing and the helpers are Torch7\'s', function()
    local f = nn.Linear.updateDiagHessianInput
    nn.hessian.enable()
    assert.are.equal(f, nn.Linear.updateDiagHessianInput)
    for _, name in ipairs { 'updateDiagHessianInput', 'accDiagHessianParameters', 'updateDiagHessianInputPointWise',
      'initDiagHessianParameters' } do
      assert.are.equal('function', type(nn.hessian[name]), name)
    end
    -- SpatialConvolutionMM is SpatialConvolution here, and has the methods too
    assert.are.equal(nn.SpatialConvolution.updateDiagHessianInput, nn.SpatialConvolutionMM.updateDiagHessianInput)
  end)

  for _, typename in ipairs(TYPES) do
    describe(typename, function()
      local tol = TOL[typename]

      it('Linear + MSECriterion: hand values (2/n * sum x^2 for the weights)', function()
        local m = nn.Linear(3, 2):type(typename)
        m.weight:copy(tensor(typename, { { 1, 2, -1 }, { 0.5, -1, 3 } }))
        m.bias:copy(tensor(typename, { 0.1, -0.2 }))
        local x = tensor(typename, { { 1, 2, -1 }, { 0, -1, 3 } })
        local crit = nn.MSECriterion():type(typename)
        m:initDiagHessianParameters()
        local y = m:forward(x)
        crit:forward(y, y:clone():zero())
        local h = crit:updateDiagHessianInput(y, y:clone():zero())
        -- 2 / (2 x 2 outputs) each
        H.assert_near(h, { { 0.5, 0.5 }, { 0.5, 0.5 } }, tol)
        assert.are.equal(typename, h:type())
        local dhi = m:updateDiagHessianInput(x, h)
        assert.are.equal(m.diagHessianInput, dhi)
        -- 0.5 * sum_j W_ji^2 = 0.5 * (1 + 0.25, 4 + 1, 1 + 9), for each sample
        H.assert_near(dhi, { { 0.625, 2.5, 5 }, { 0.625, 2.5, 5 } }, tol)
        m:accDiagHessianParameters(x, h)
        -- 0.5 * sum_b x_bi^2 = 0.5 * (1, 5, 10), for each output; bias 0.5 per sample
        H.assert_near(m.diagHessianWeight, { { 0.5, 2.5, 5 }, { 0.5, 2.5, 5 } }, tol)
        H.assert_near(m.diagHessianBias, { 1, 1 }, tol)
        assert.are.equal(typename, m.diagHessianWeight:type())
        -- it accumulates, as accGradParameters
        m:accDiagHessianParameters(x, h)
        H.assert_near(m.diagHessianWeight, { { 1, 5, 10 }, { 1, 5, 10 } }, tol)
        -- the module is as it was: weight, output and gradient buffers
        H.assert_near(m.weight, { { 1, 2, -1 }, { 0.5, -1, 3 } }, tol)
        H.assert_near(m.output, y:clone(), 0)
        H.assert_near(m.gradWeight, { { 0, 0, 0 }, { 0, 0, 0 } }, 0)
        assert.is_true(m.gradInput ~= dhi)
        -- without sizeAverage: 2 per output
        crit.sizeAverage = false
        H.assert_near(crit:updateDiagHessianInput(y, y), { { 2, 2 }, { 2, 2 } }, tol)
      end)

      it('Sequential(Linear, Tanh, Linear) + MSE: the chain, by hand', function()
        local net = nn.Sequential():add(nn.Linear(3, 4)):add(nn.Tanh()):add(nn.Linear(4, 2)):type(typename)
        local l1, th, l3 = net.modules[1], net.modules[2], net.modules[3]
        local x = H.rand({ 5, 3 }):type(typename)
        local crit = nn.MSECriterion():type(typename)
        net:initDiagHessianParameters()
        local y = net:forward(x)
        local h = crit:updateDiagHessianInput(y, y)
        local dhi = net:updateDiagHessianInput(x, h)
        net:accDiagHessianParameters(x, h)
        assert.are.equal(l1.diagHessianInput, dhi)
        assert.are.equal(dhi, net.diagHessianInput)
        local n = y:nElement()
        local W1, W3 = l1.weight:double(), l3.weight:double()
        local xd, act = x:double(), th.output:double()
        -- after the last layer: 2/n * sum_k W3_kj^2; after Tanh: times (1 - tanh^2)^2
        local d3, d2 = stn.DoubleTensor(5, 4), stn.DoubleTensor(5, 4)
        local dW3, dW1, dX = stn.DoubleTensor(2, 4):zero(), stn.DoubleTensor(4, 3):zero(), stn.DoubleTensor(5, 3):zero()
        for b = 1, 5 do
          for j = 1, 4 do
            local s = 0
            for k = 1, 2 do s = s + W3[k][j] ^ 2 * 2 / n end
            d3[b][j] = s
            d2[b][j] = (1 - act[b][j] ^ 2) ^ 2 * s
            for k = 1, 2 do dW3[k][j] = dW3[k][j] + 2 / n * act[b][j] ^ 2 end
            for i = 1, 3 do
              dW1[j][i] = dW1[j][i] + d2[b][j] * xd[b][i] ^ 2
              dX[b][i] = dX[b][i] + W1[j][i] ^ 2 * d2[b][j]
            end
          end
        end
        local rtol = typename == 'torch.FloatTensor' and 1e-5 or 1e-12
        H.assert_near(l3.diagHessianInput, d3, rtol)
        H.assert_near(th.diagHessianInput, d2, rtol)
        H.assert_near(dhi, dX, rtol)
        H.assert_near(l3.diagHessianWeight, dW3, rtol)
        H.assert_near(l1.diagHessianWeight, dW1, rtol)
        H.assert_near(l1.diagHessianBias, d2:sum(1):view(4), rtol)
        H.assert_near(l3.diagHessianBias, { 2 / n * 5, 2 / n * 5 }, rtol)
      end)

      it('Square, Sqrt, Tanh: f\'(x)^2 times the output-side term; Reshape: the term with the input\'s sizes', function()
        local x = tensor(typename, { { 0.5, 1, 2 }, { 4, 0.25, 1 } })
        local h = tensor(typename, { { 1, 2, 3 }, { 0.5, 1, 2 } })
        local sq = nn.Square():type(typename)
        sq:forward(x)
        -- (2x)^2 * h
        H.assert_near(sq:updateDiagHessianInput(x, h), { { 1, 8, 48 }, { 32, 0.25, 8 } }, tol)
        local rt = nn.Sqrt():type(typename)
        rt:forward(x)
        -- (0.5 / sqrt(x))^2 * h = h / (4x)
        H.assert_near(rt:updateDiagHessianInput(x, h), { { 0.5, 0.5, 0.375 }, { 1 / 32, 1, 0.5 } }, 1e-5)
        local th = nn.Tanh():type(typename)
        local t = th:forward(x):double()
        local expect = stn.DoubleTensor(2, 3)
        for i = 1, 2 do for j = 1, 3 do expect[i][j] = (1 - t[i][j] ^ 2) ^ 2 * h:double()[i][j] end end
        H.assert_near(th:updateDiagHessianInput(x, h), expect, 1e-5)
        local rs = nn.Reshape(6):type(typename)
        rs:forward(x)
        local r = rs:updateDiagHessianInput(x, tensor(typename, { 1, 2, 3, 4, 5, 6 }))
        H.assert_near(r, { { 1, 2, 3 }, { 4, 5, 6 } }, 0)
        assert.are.equal(2, r:dim())
      end)

      it('a linear stack under MSE: the exact diagonal of the Hessian (second differences of the loss)', function()
        local net = nn.Sequential():add(nn.Linear(3, 4)):add(nn.Linear(4, 2)):type(typename)
        local x = H.rand({ 3, 3 }):type(typename)
        local target = H.rand({ 3, 2 }):type(typename)
        local crit = nn.MSECriterion():type(typename)
        net:initDiagHessianParameters()
        local params, _, diags = net:parameters()
        assert.are.equal(4, #diags)
        local y = net:forward(x)
        crit:forward(y, target)
        local h = crit:updateDiagHessianInput(y, target)
        net:updateDiagHessianInput(x, h)
        net:accDiagHessianParameters(x, h)
        -- the loss is exactly quadratic in each parameter: any step gives the second
        -- derivative, up to rounding (a large step keeps float's small)
        local step = typename == 'torch.FloatTensor' and 0.5 or 1e-2
        local ftol = typename == 'torch.FloatTensor' and 1e-3 or 1e-7
        local function loss() return crit:forward(net:forward(x), target) end
        for p = 1, #params do
          local flat = params[p]:view(-1)
          local dflat = diags[p]:contiguous():view(-1)
          for i = 1, flat:nElement() do
            local v = flat[i]
            local l0 = loss()
            flat[i] = v + step
            local lp = loss()
            flat[i] = v - step
            local lm = loss()
            flat[i] = v
            local second = (lp - 2 * l0 + lm) / step ^ 2
            H.assert_near(dflat[i], second, ftol, ('parameter %d element %d'):format(p, i))
          end
        end
        -- for a single layer the input's term is exact too
        local lin = net.modules[1]
        local xs = H.rand({ 2, 3 }):type(typename)
        local t1 = H.rand({ 2, 4 }):type(typename)
        local out = lin:forward(xs)
        local dhi = lin:updateDiagHessianInput(xs, crit:updateDiagHessianInput(out, t1))
        local fx, dfx = xs:view(-1), dhi:contiguous():view(-1)
        local function loss1() return crit:forward(lin:forward(xs), t1) end
        for i = 1, fx:nElement() do
          local v = fx[i]
          local l0 = loss1()
          fx[i] = v + step
          local lp = loss1()
          fx[i] = v - step
          local lm = loss1()
          fx[i] = v
          H.assert_near(dfx[i], (lp - 2 * l0 + lm) / step ^ 2, ftol, 'input element ' .. i)
        end
      end)

      it('getParameters: a third flat tensor of the terms, laid out as the parameters', function()
        local net = nn.Sequential():add(nn.Linear(3, 4)):add(nn.Tanh()):add(nn.Linear(4, 2)):type(typename)
        local p, g = net:getParameters()
        assert.are.equal(3, select('#', net:parameters()))
        assert.are.equal(2, select('#', net:getParameters())) -- none yet
        net:initDiagHessianParameters()
        local p2, g2, d = net:getParameters()
        assert.are.equal(p:nElement(), d:nElement())
        assert.are.equal(g:nElement(), g2:nElement())
        assert.are.equal(p2:nElement(), d:nElement())
        assert.are.equal(typename, d:type())
        local x = H.rand({ 2, 3 }):type(typename)
        local y = net:forward(x)
        local crit = nn.MSECriterion():type(typename)
        local h = crit:updateDiagHessianInput(y, y)
        d:zero()
        net:updateDiagHessianInput(x, h)
        net:accDiagHessianParameters(x, h)
        -- the modules' tensors are views into d
        local _, _, diags = net:parameters()
        local at = 0
        for _, t in ipairs(diags) do
          H.assert_near(d:narrow(1, at + 1, t:nElement()), t:contiguous():view(-1), 0)
          at = at + t:nElement()
        end
        assert.are.equal(d:nElement(), at)
        assert.is_true(d:sum() > 0)
        d:fill(7)
        H.assert_near(net.modules[3].diagHessianBias, { 7, 7 }, 0)
      end)

      it('type conversion keeps the terms in the module\'s type', function()
        local m = nn.Linear(2, 2):type(typename)
        m:initDiagHessianParameters()
        local other = typename == 'torch.FloatTensor' and 'torch.DoubleTensor' or 'torch.FloatTensor'
        m:type(other)
        assert.are.equal(other, m.diagHessianWeight:type())
        local x = H.rand({ 2 }):type(other)
        m:forward(x)
        m:updateDiagHessianInput(x, H.rand({ 2 }, 0, 1):type(other))
        assert.are.equal(other, m.diagHessianInput:type())
      end)
    end)
  end

  it('nn.Jacobian.testDiagHessian*: Linear, SpatialConvolution(MM) and SpatialFullConvolution at 1e-5 (Double)', function()
    local saved = stn.getdefaulttensortype()
    stn.setdefaulttensortype('torch.DoubleTensor')
    local ok, err = pcall(function()
      local cases = {
        { nn.Linear(4, 3), stn.DoubleTensor(4) },
        { nn.Linear(4, 3), stn.DoubleTensor(6, 4) },
        { nn.Linear(4, 3):noBias(), stn.DoubleTensor(2, 4) },
        { nn.SpatialConvolution(2, 3, 3, 2, 2, 1), stn.DoubleTensor(2, 5, 6) },
        { nn.SpatialConvolution(2, 2, 2, 2), stn.DoubleTensor(2, 2, 4, 4) },
        { nn.SpatialConvolutionMM(2, 2, 3, 3, 1, 1, 1, 1), stn.DoubleTensor(2, 4, 4) },
        { nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1, 1, 1), stn.DoubleTensor(2, 3, 3) },
        { nn.SpatialFullConvolution(2, 2, 2, 2):noBias(), stn.DoubleTensor(2, 2, 3, 3) },
      }
      for _, c in ipairs(cases) do
        local m, x = c[1]:double(), c[2]
        local name = tostring(m)
        assert.is_true(nn.Jacobian.testDiagHessianInput(m, x) < 1e-5, name)
        assert.is_true(nn.Jacobian.testDiagHessianWeight(m, x) < 1e-5, name)
        if m.bias then assert.is_true(nn.Jacobian.testDiagHessianBias(m, x) < 1e-5, name) end
      end
      -- a wrong rule is found
      local m = nn.Linear(3, 2):double()
      local good = m.accDiagHessianParameters
      m.accDiagHessianParameters = function(self, input, h)
        good(self, input, h)
        self.diagHessianWeight:mul(1.01)
      end
      assert.is_true(nn.Jacobian.testDiagHessianWeight(m, stn.DoubleTensor(3), 0.5, 1) > 1e-3)
    end)
    stn.setdefaulttensortype(saved)
    assert(ok, err)
  end)

  H.cuda_it('runs on CUDA: Linear + MSE hand values', function()
    local m = nn.Linear(3, 2):cuda()
    m.weight:copy(stn.Tensor({ { 1, 2, -1 }, { 0.5, -1, 3 } }))
    local x = stn.Tensor({ { 1, 2, -1 }, { 0, -1, 3 } }):cuda()
    local crit = nn.MSECriterion():cuda()
    m:initDiagHessianParameters()
    local y = m:forward(x)
    local h = crit:updateDiagHessianInput(y, y)
    H.assert_near(m:updateDiagHessianInput(x, h):float(), { { 0.625, 2.5, 5 }, { 0.625, 2.5, 5 } })
    m:accDiagHessianParameters(x, h)
    H.assert_near(m.diagHessianWeight:float(), { { 0.5, 2.5, 5 }, { 0.5, 2.5, 5 } })
    assert.are.equal('torch.CudaTensor', m.diagHessianWeight:type())
    local th = nn.Tanh():cuda()
    th:forward(x)
    local expect = x:float():clone():tanh():pow(2):mul(-1):add(1):pow(2)
    H.assert_near(th:updateDiagHessianInput(x, x:clone():fill(1)):float(), expect)
  end)

  describe('bad input', function()
    it('a module nn.hessian does not cover: an error naming it and the method', function()
      local x = stn.Tensor(2, 3)
      H.assert_error(function() nn.ReLU():updateDiagHessianInput(x, x) end,
        'stn: nn.ReLU:updateDiagHessianInput: not defined for nn.ReLU', 'nn.hessian covers nn.Sequential')
      local net = nn.Sequential():add(nn.Linear(3, 3)):add(nn.ReLU())
      net:forward(x)
      local err = H.assert_error(function() net:updateDiagHessianInput(x, x) end,
        'nn.Sequential: module 2 (nn.ReLU)', 'updateDiagHessianInput', 'not defined for nn.ReLU')
      assert.is_truthy(err:find('nn_hessian_spec.lua', 1, true), err)
      H.assert_error(function() nn.ClassNLLCriterion():updateDiagHessianInput(x, stn.LongTensor { 1, 2 }) end,
        'stn: nn.ClassNLLCriterion:updateDiagHessianInput: not defined for nn.ClassNLLCriterion')
      -- a module with parameters has no term: not silently nothing
      local cm = nn.CMul(3)
      H.assert_error(function() cm:accDiagHessianParameters(x, x) end,
        'stn: nn.CMul:accDiagHessianParameters: not defined for nn.CMul')
      -- without parameters there is nothing to accumulate (Torch7's no-op)
      nn.ReLU():accDiagHessianParameters(x, x)
      nn.ReLU():initDiagHessianParameters()
    end)

    it('wrong arguments: named errors, and the module left as it was', function()
      local m = nn.Linear(3, 2)
      local w = m.weight:clone()
      local gi = m.gradInput
      local x = H.rand({ 4, 3 })
      m:forward(x)
      H.assert_error(function() m:updateDiagHessianInput(x, 'h') end,
        'nn.Linear:updateDiagHessianInput', 'diagHessianOutput must be a tensor, got string')
      H.assert_error(function() m:updateDiagHessianInput(x, stn.Tensor(4, 5)) end, 'nn.Linear')
      H.assert_near(m.weight, w, 0)
      assert.are.equal(gi, m.gradInput)
      H.assert_error(function() m:accDiagHessianParameters(x, stn.Tensor(4, 5)) end, 'nn.Linear')
      H.assert_near(m.weight, w, 0)
      assert.is_nil(rawget(m, 'gradWeightSq'))
      H.assert_near(m.gradWeight, stn.Tensor(2, 3):zero(), 0)
      H.assert_error(function() m:accDiagHessianParameters(nil, stn.Tensor(4, 2)) end,
        'nn.Linear:accDiagHessianParameters', 'input must be a tensor')
      H.assert_error(function() nn.hessian.updateDiagHessianInput(m, x, stn.Tensor(4, 2), { 'weight' }, {}) end,
        'nn.Linear:updateDiagHessianInput', 'same length')
      m.diagHessianWeight = stn.Tensor(5)
      H.assert_error(function() m:accDiagHessianParameters(x, stn.Tensor(4, 2)) end,
        'diagHessianWeight must be a tensor of 6 elements')
      local r = nn.Reshape(6)
      local xr = stn.Tensor(2, 3)
      H.assert_error(function() r:updateDiagHessianInput(xr, stn.Tensor(5)) end,
        'nn.Reshape:updateDiagHessianInput', '5 elements but the input 6')
    end)

    it('accDiagHessianParameters on a Sequential before updateDiagHessianInput', function()
      local net = nn.Sequential():add(nn.Linear(3, 3)):add(nn.Linear(3, 2))
      local x = stn.Tensor(2, 3):fill(1)
      net:forward(x)
      H.assert_error(function() net:accDiagHessianParameters(x, stn.Tensor(2, 2):fill(1)) end,
        'nn.Sequential:accDiagHessianParameters', 'module 2 (nn.Linear) has no diagHessianInput')
    end)

    it('getParameters with terms for only part of the network', function()
      local net = nn.Sequential():add(nn.Linear(3, 3)):add(nn.Linear(3, 2))
      net.modules[2]:initDiagHessianParameters()
      H.assert_error(function() net:getParameters() end,
        'nn.Sequential:getParameters', 'diagonal-Hessian tensors for 2 of the 4 parameter tensors')
    end)
  end)

  it('leaves training as it was: backward, getParameters and parameters of a fresh network', function()
    local net = nn.Sequential():add(nn.Linear(3, 2)):add(nn.Tanh())
    local p, g = net:getParameters()
    assert.are.equal(8, p:nElement())
    assert.are.equal(8, g:nElement())
    local x = H.rand({ 4, 3 })
    net:zeroGradParameters()
    net:forward(x)
    net:backward(x, H.rand({ 4, 2 }))
    assert.is_true(g:abs():sum() > 0)
    H.check_jacobian(net, x)
  end)
end)
