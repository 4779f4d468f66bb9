-- stn.optim.sgd(opfunc, x, config, state): stochastic gradient descent with Torch7
-- optim.sgd's options and semantics (learningRate, learningRateDecay, weightDecay,
-- weightDecays, momentum, dampening, nesterov, learningRates; state.evalCounter and
-- the momentum buffer state.dfdx). The whole update is one fused C/CUDA kernel
-- (csrc/nn/sgd.c, cuda/nn/sgd.cu) over the flattened parameters from getParameters().
local stn = require 'stn.base'
local errors = require 'stn.errors'
local core = require 'stn.ffi'
local C, ctx = core.C, core.ctx

local function fail(msg, ...) errors.fail('optim.sgd', msg, ...) end

local function check_tensor(t, name, x)
  if not stn.isTensor(t) then fail('%s must be a tensor, got %s', name, stn.type(t)) end
  if t.device ~= x.device or t.dtype ~= x.dtype then fail('%s is a %s but x is a %s', name, t:type(), x:type()) end
  if t:nElement() ~= x:nElement() then
    fail('%s has %d elements (%s) but x has %d (%s)', name, t:nElement(), tostring(t:size()), x:nElement(), tostring(x:size()))
  end
end

-- The C call's settings, filled at each step; C does not keep them.
local step_config = require('ffi').new('stn_sgd_config')

-- Returns x (updated in place) and {f(x)} (f before the update).
local function sgd(opfunc, x, config, state)
  config = config or {}
  state = state or config
  if type(opfunc) ~= 'function' then fail('opfunc must be a function, got %s', type(opfunc)) end
  if not stn.isTensor(x) then fail('x must be a tensor, got %s', stn.type(x)) end
  local lr = config.learningRate or 1e-3
  local lrd = config.learningRateDecay or 0
  local wd = config.weightDecay or 0
  local mom = config.momentum or 0
  local damp = config.dampening or mom
  local nesterov = config.nesterov or false
  local lrs, wds = config.learningRates, config.weightDecays
  state.evalCounter = state.evalCounter or 0
  local nevals = state.evalCounter
  if nesterov and not (mom > 0 and damp == 0) then
    fail('Nesterov momentum requires a momentum and zero dampening (momentum %g, dampening %g)', mom, damp)
  end

  local fx, dfdx = opfunc(x)
  if not stn.isTensor(dfdx) then fail('opfunc must return f(x) and df/dx (a tensor), got %s', stn.type(dfdx)) end
  check_tensor(dfdx, 'df/dx', x)
  if lrs ~= nil then check_tensor(lrs, 'learningRates', x) end
  if wds ~= nil and wd == 0 then check_tensor(wds, 'weightDecays', x) end

  local init = false
  if mom ~= 0 and not state.dfdx then
    state.dfdx = dfdx.new():resizeAs(dfdx)
    init = true
  end
  local clr = lr / (1 + nevals * lrd)
  local c = step_config
  c.lr, c.weight_decay, c.momentum, c.dampening = clr, wd, mom, damp
  c.nesterov, c.init_momentum = nesterov and 1 or 0, init and 1 or 0
  core.check(C.stn_sgd_step(ctx, c, x, dfdx, mom ~= 0 and state.dfdx or nil, lrs, wd == 0 and wds or nil),
    'optim.sgd', 2)

  state.evalCounter = state.evalCounter + 1
  return x, { fx }
end

return sgd
