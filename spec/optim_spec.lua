-- stn.optim.sgd: hand-checked steps, then the fused kernel against a step-by-step
-- reference built from tensor ops in Torch7 optim.sgd's order, for every option
-- combination, bit for bit, on Float and Double (CPU vs CUDA: spec/conformance_table.lua).
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn
require 'nn_testmodules'

-- Torch7's optim.sgd, one tensor op at a time.
local function reference_sgd(opfunc, x, config, state)
  config = config or {}
  state = state or config
  local lr = config.learningRate or 1e-3
  local lrd = config.learningRateDecay or 0
  local wd = config.weightDecay or 0
  local mom = config.momentum or 0
  local damp = config.dampening or mom
  local nesterov = config.nesterov or false
  local lrs, wds = config.learningRates, config.weightDecays
  state.evalCounter = state.evalCounter or 0
  local nevals = state.evalCounter
  local fx, dfdx = opfunc(x)
  if wd ~= 0 then
    dfdx:add(wd, x)
  elseif wds then
    dfdx:add(wds:clone():cmul(x))
  end
  if mom ~= 0 then
    if not state.dfdx then
      state.dfdx = dfdx:clone()
    else
      state.dfdx:mul(mom):add(1 - damp, dfdx)
    end
    if nesterov then dfdx:add(mom, state.dfdx) else dfdx = state.dfdx end
  end
  local clr = lr / (1 + nevals * lrd)
  if lrs then x:add(-clr, lrs:clone():cmul(dfdx)) else x:add(-clr, dfdx) end
  state.evalCounter = state.evalCounter + 1
  return x, { fx }
end

local function constant_grad(g) return function() return 1.5, g end end

describe('stn.optim.sgd', function()
  it('takes hand-checked steps', function()
    -- plain: x - lr * g
    local x = stn.Tensor({ 1, -2 })
    local _, fx = stn.optim.sgd(constant_grad(stn.Tensor({ 0.5, 0.25 })), x, { learningRate = 0.1 })
    assert.are.same({ 1.5 }, fx)
    H.assert_near(x, { 0.95, -2.025 }, 1e-7)
    -- weight decay adds wd * x to the gradient, in place as Torch7 does
    local y, g = stn.Tensor({ 2 }), stn.Tensor({ 1 })
    stn.optim.sgd(constant_grad(g), y, { learningRate = 0.1, weightDecay = 0.5 })
    H.assert_near(y, { 1.8 }, 1e-7)
    H.assert_near(g, { 2 }, 1e-7)
    -- momentum 0.5, dampening 0: the buffer starts as g, then 0.5 * buf + g
    local z = stn.Tensor({ 1, -2 })
    local cfg = { learningRate = 0.1, momentum = 0.5, dampening = 0 }
    for _ = 1, 2 do stn.optim.sgd(function() return 0, stn.Tensor({ 0.5, 0.25 }) end, z, cfg) end
    H.assert_near(cfg.dfdx, { 0.75, 0.375 }, 1e-7)
    H.assert_near(z, { 0.875, -2.0625 }, 1e-7)
    assert.are.equal(2, cfg.evalCounter)
    -- learning rate decay: step k uses lr / (1 + k * lrd)
    local w = stn.Tensor({ 0 })
    local c2 = { learningRate = 1, learningRateDecay = 1 }
    for _ = 1, 3 do stn.optim.sgd(constant_grad(stn.Tensor({ 1 })), w, c2) end
    H.assert_near(w, { -(1 + 1 / 2 + 1 / 3) }, 1e-6)
    -- per-parameter learning rates and weight decays
    local v = stn.Tensor({ 1, 1 })
    stn.optim.sgd(constant_grad(stn.Tensor({ 1, 1 })), v,
      { learningRate = 0.5, learningRates = stn.Tensor({ 1, 0 }), weightDecays = stn.Tensor({ 0, 2 }) })
    H.assert_near(v, { 0.5, 1 }, 1e-7)
  end)

  it('keeps its state apart from the config when given one', function()
    local cfg, state = { learningRate = 0.1, momentum = 0.9 }, {}
    local x = stn.Tensor({ 1 })
    stn.optim.sgd(constant_grad(stn.Tensor({ 1 })), x, cfg, state)
    assert.are.equal(1, state.evalCounter)
    assert.truthy(state.dfdx)
    assert.is_nil(cfg.evalCounter)
    assert.is_nil(cfg.dfdx)
  end)

  for _, typename in ipairs { 'torch.FloatTensor', 'torch.DoubleTensor' } do
    it('equals the step-by-step reference bit for bit, for every option combination (' .. typename .. ')', function()
      stn.manualSeed(11)
      local n, steps = 1000, 3
      local x0 = H.rand({ n }):type(typename)
      local grads = {}
      for k = 1, steps do grads[k] = H.rand({ n }):type(typename) end
      local lrs, wds = H.rand({ n }, 0, 2):type(typename), H.rand({ n }, 0, 0.1):type(typename)
      local combos = 0
      for _, lrd in ipairs({ 0, 0.1 }) do
        for _, wd in ipairs({ 0, 0.05 }) do
          for _, use_wds in ipairs({ false, true }) do
            for _, mom in ipairs({ 0, 0.9 }) do
              for _, damp in ipairs({ false, 0, 0.25 }) do
                for _, nesterov in ipairs({ false, true }) do
                  for _, use_lrs in ipairs({ false, true }) do
                    local d = damp == false and mom or damp
                    if not nesterov or (mom > 0 and d == 0) then
                      local function config()
                        return {
                          learningRate = 0.3, learningRateDecay = lrd, weightDecay = wd, momentum = mom,
                          dampening = damp ~= false and damp or nil, nesterov = nesterov,
                          weightDecays = use_wds and wds or nil, learningRates = use_lrs and lrs or nil,
                        }
                      end
                      local xa, xb = x0:clone(), x0:clone()
                      local ca, cb = config(), config()
                      for k = 1, steps do
                        local ga, gb = grads[k]:clone(), grads[k]:clone()
                        local _, fa = stn.optim.sgd(function() return k, ga end, xa, ca)
                        local _, fb = reference_sgd(function() return k, gb end, xb, cb)
                        local what = ('lrd %g wd %g wds %s mom %g damp %s nesterov %s lrs %s, step %d: ')
                          :format(lrd, wd, tostring(use_wds), mom, tostring(damp), tostring(nesterov),
                            tostring(use_lrs), k)
                        assert.are.same(fb, fa)
                        H.assert_equal(xa, xb, what .. 'x')
                        H.assert_equal(ga, gb, what .. 'dfdx')
                        if mom ~= 0 then H.assert_equal(ca.dfdx, cb.dfdx, what .. 'momentum buffer') end
                        assert.are.equal(cb.evalCounter, ca.evalCounter)
                      end
                      combos = combos + 1
                    end
                  end
                end
              end
            end
          end
        end
      end
      assert.are.equal(112, combos)
    end)
  end

  it('runs the threaded path on a large vector, still bit for bit', function()
    local n = 100003
    local x0, g0, lrs = H.rand({ n }), H.rand({ n }), H.rand({ n }, 0, 1)
    local xa, xb, ca, cb = x0:clone(), x0:clone(), {}, {}
    for _, c in ipairs({ ca, cb }) do
      c.learningRate, c.momentum, c.dampening, c.nesterov, c.weightDecay, c.learningRates = 0.05, 0.9, 0, true, 1e-3, lrs
    end
    for _ = 1, 2 do
      stn.optim.sgd(function() return 0, g0:clone() end, xa, ca)
      reference_sgd(function() return 0, g0:clone() end, xb, cb)
    end
    H.assert_equal(xa, xb)
    H.assert_equal(ca.dfdx, cb.dfdx)
  end)

  it('steps each module by its factors from getOptimConfig, with momentum and weight decay (by hand)', function()
    local first = nn.TestAffine(1):learningRate(0.1):weightDecay('bias', 0)
    local net = nn.Sequential():add(first):add(nn.TestAffine(1))
    local params, grads = net:getParameters() -- w1 b1 w2 b2
    params:fill(1)
    local lrs, wds = net:getOptimConfig(1, 0.2)
    H.assert_near(lrs, { 0.1, 0.1, 1, 1 }, 0)
    H.assert_near(wds, { 0.2, 0, 0.2, 0.2 }, 0)
    local cfg = { learningRate = 0.5, learningRates = lrs, weightDecays = wds, momentum = 0.5, dampening = 0 }
    local function feval() return 0, grads:fill(1) end
    -- step 1: dfdx = 1 + wds x = (1.2, 1, 1.2, 1.2) = buf; x -= 0.5 lrs buf
    stn.optim.sgd(feval, params, cfg)
    H.assert_near(params, { 0.94, 0.95, 0.4, 0.4 }, 1e-6)
    -- step 2: dfdx = (1.188, 1, 1.08, 1.08); buf = 0.5 buf + dfdx = (1.788, 1.5, 1.68, 1.68)
    stn.optim.sgd(feval, params, cfg)
    H.assert_near(cfg.dfdx, { 1.788, 1.5, 1.68, 1.68 }, 1e-6)
    H.assert_near(params, { 0.8506, 0.875, -0.44, -0.44 }, 1e-6)
    H.assert_near(first.weight, { 0.8506 }, 1e-6)
    -- the state Torch7 keeps across steps; its scratch buffers (decayParameters,
    -- deltaParameters) are not needed by the fused step
    assert.are.equal(2, cfg.evalCounter)
    assert.is_nil(cfg.decayParameters)
    assert.is_nil(cfg.deltaParameters)
  end)

  it('trains a small net through getParameters', function()
    stn.manualSeed(3)
    local net = nn.Sequential():add(nn.TestAffine(4)):add(nn.TestAffine(4))
    local params, grads = net:getParameters()
    local input, target = stn.Tensor({ 1, -1, 0.5, 2 }), stn.Tensor({ 3, 0, -1, 1 })
    local function loss()
      local out = net:forward(input)
      local s = 0
      for i = 1, 4 do s = s + (out[i] - target[i]) ^ 2 end
      return s
    end
    local function feval()
      grads:zero()
      local out = net:forward(input)
      local f = loss()
      net:backward(input, stn.Tensor():add(out, -1, target):mul(2))
      return f, grads
    end
    local before = loss()
    local cfg = { learningRate = 0.02, momentum = 0.9, dampening = 0, nesterov = true }
    for _ = 1, 100 do stn.optim.sgd(feval, params, cfg) end
    assert.is_true(loss() < before * 1e-3, ('loss %g, was %g'):format(loss(), before))
  end)

  it('names bad arguments and sizes', function()
    local x = stn.Tensor(3):zero()
    H.assert_error(function() stn.optim.sgd(constant_grad(stn.Tensor(4)), x, {}) end,
      'optim.sgd', 'df/dx has 4 elements (4) but x has 3 (3)')
    H.assert_error(function() stn.optim.sgd(constant_grad(stn.Tensor(3)), x, { learningRates = stn.Tensor(2) }) end,
      'optim.sgd', 'learningRates has 2 elements')
    H.assert_error(function() stn.optim.sgd(constant_grad(stn.Tensor(3)), x, { momentum = 0.9, nesterov = true }) end,
      'optim.sgd', 'Nesterov momentum requires a momentum and zero dampening')
    H.assert_error(function() stn.optim.sgd(function() return 1 end, x, {}) end, 'optim.sgd', 'f(x) and df/dx')
    local t = stn.Tensor(2, 3):zero():t()
    H.assert_error(function() stn.optim.sgd(constant_grad(stn.Tensor(3, 2):zero()), t, {}) end,
      'optim.sgd', 'x (3x2) must be contiguous')
  end)

  it('fails at the C API on a NULL config, naming the function', function()
    local core = require 'stn.ffi'
    local x, g = stn.Tensor(4):fill(1), stn.Tensor(4):fill(1)
    assert.are_not.equal(0, core.C.stn_sgd_step(core.ctx, nil, x, g, nil, nil, nil))
    assert.truthy(core.last_error():find('stn_sgd_step: config is NULL', 1, true))
    H.assert_equal(x, stn.Tensor(4):fill(1))
  end)
end)
