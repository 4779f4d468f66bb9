-- Relative learning rates and weight decays per module, for optim.sgd's learningRates
-- and weightDecays: the interface of the Torch7-era nnlr package (module:learningRate,
-- module:weightDecay, module:getOptimConfig), plus module:learningRate(factor) for every
-- parameter at or below a module. The vectors are laid out as getParameters() lays the
-- parameters out (shared weights once, the same order and holes), so they line up with it
-- element by element, whether the network has been flattened yet or not.
local ffi = require 'ffi'
local stn = require 'stn.base'
local utils = require 'stn.nn.utils'
local errors = require 'stn.errors'
local P = require('stn.Tensor')._private

local M = {}

local FIELDS = {
  learningRate = { weight = '__weightLearningRate', bias = '__biasLearningRate' },
  weightDecay = { weight = '__weightWeightDecay', bias = '__biasWeightDecay' },
}

local function fail(self, method, msg) errors.fail(stn.type(self) .. ':' .. method, msg) end

local function check_factor(self, method, value)
  if type(value) ~= 'number' or value ~= value or value == math.huge or value == -math.huge then
    fail(self, method, 'the factor must be a finite number, got ' .. tostring(value))
  end
end

-- module:learningRate(factor) or module:learningRate('weight' | 'bias', factor)
function M.learningRate(self, accessor, factor)
  if type(accessor) == 'number' and factor == nil then
    check_factor(self, 'learningRate', accessor)
    self.__learningRate = accessor
    return self
  end
  return M.set(self, 'learningRate', accessor, factor)
end

-- module:weightDecay('weight' | 'bias', factor) (nnlr's form only: dpnn's
-- module:weightDecay(wd), which decays the gradients at once, is another thing)
function M.weightDecay(self, accessor, factor)
  if type(accessor) == 'number' then
    fail(self, 'weightDecay', ("expected ('weight' | 'bias', factor), nnlr's relative weight decay; "
      .. "dpnn's weightDecay(%s), which decays the gradients in place, is not supported"):format(tostring(accessor)))
  end
  return M.set(self, 'weightDecay', accessor, factor)
end

function M.set(self, method, accessor, factor)
  local field = FIELDS[method][accessor]
  if not field then
    fail(self, method, ("expected 'weight' or 'bias'%s, got %s"):format(
      method == 'learningRate' and ' (or just a factor)' or '', tostring(accessor)))
  end
  if not P.is_tensor(self[accessor]) then fail(self, method, ('the module has no %s'):format(accessor)) end
  check_factor(self, method, factor)
  self[field] = factor
  return self
end

-- For each tensor of params (by identity), the product of the factors set at or above
-- the modules holding it: {tensor -> learning-rate factor}, {tensor -> decay factor}.
local function factors(self, params)
  local lr, wd = {}, {}
  for _, p in ipairs(params) do lr[p], wd[p] = 1, 1 end
  local seen = {}
  local function scale(tbl, p, f) if p ~= nil and f ~= nil and tbl[p] then tbl[p] = tbl[p] * f end end
  self:apply(function(m)
    if seen[m] then return end -- a module listed twice counts once
    seen[m] = true
    local all = rawget(m, '__learningRate')
    if all then
      local ps = m:parameters() or {}
      local done = {}
      for _, p in ipairs(ps) do
        if not done[p] then scale(lr, p, all); done[p] = true end
      end
    end
    scale(lr, m.weight, rawget(m, '__weightLearningRate'))
    scale(lr, m.bias, rawget(m, '__biasLearningRate'))
    scale(wd, m.weight, rawget(m, '__weightWeightDecay'))
    scale(wd, m.bias, rawget(m, '__biasWeightDecay'))
  end)
  return lr, wd
end

-- A tensor laid out as utils.flatten lays out params, holding values[i] where params[i]
-- lies: stand-in tensors with the params' geometry over stand-in storages (one per real
-- storage) are flattened instead. Two parameters sharing elements with different values
-- are an error.
local function aligned(self, params, values, what)
  local shadows, list = {}, {}
  for i, p in ipairs(params) do
    local v = P.empty(p.device, p.dtype)
    if p.mem ~= nil and p:nElement() > 0 then
      local key = utils.storage_key(p)
      shadows[key] = shadows[key] or P.construct(p.device, p.dtype, tonumber(p.mem.size))
      v = P.view_like(shadows[key], p)
      v:fill(values[i])
    end
    list[i] = v
  end
  local flat = utils.flatten(list, stn.type(self) .. ':getOptimConfig')
  for i, v in ipairs(list) do
    if v:nElement() > 0 then
      local want = v.dtype == 0 and tonumber(ffi.new('float', values[i])) or values[i] -- as stored
      local lo, hi = v:min(), v:max()
      if lo ~= want or hi ~= want then
        fail(self, 'getOptimConfig', ('parameter %d (%s) shares its elements with another parameter whose %s differs (%g and %g)')
          :format(i, P.shape_str(params[i]), what, want, lo ~= want and lo or hi))
      end
    end
  end
  return flat
end

-- learningRates, weightDecays: baseLearningRate (default 1) and baseWeightDecay (default
-- 1) times each parameter's factors, aligned with getParameters().
function M.getOptimConfig(self, baseLearningRate, baseWeightDecay)
  baseLearningRate = baseLearningRate == nil and 1 or baseLearningRate
  baseWeightDecay = baseWeightDecay == nil and 1 or baseWeightDecay
  if type(baseLearningRate) ~= 'number' then fail(self, 'getOptimConfig', 'baseLearningRate must be a number, got ' .. type(baseLearningRate)) end
  if type(baseWeightDecay) ~= 'number' then fail(self, 'getOptimConfig', 'baseWeightDecay must be a number, got ' .. type(baseWeightDecay)) end
  local params = self:parameters() or {}
  local lr, wd = factors(self, params)
  local lrv, wdv = {}, {}
  for i, p in ipairs(params) do
    lrv[i] = baseLearningRate * lr[p]
    wdv[i] = baseWeightDecay * wd[p]
  end
  return aligned(self, params, lrv, 'learning rate'), aligned(self, params, wdv, 'weight decay')
end

return M
