-- nn.Module: the base of every layer, with Torch7's contract:
--   forward(input) = updateOutput(input)
--   backward(input, gradOutput, scale) = updateGradInput + accGradParameters(scale)
-- A module owns self.output and self.gradInput and resizes them in place.
local stn = require 'stn.base'
local class = require 'stn.class'
local utils = require 'stn.nn.utils'
local errors = require 'stn.errors'

local Module = class.new('nn.Module')

-- As Torch7's: `train` is unset until training() or evaluate() (modules that read it,
-- such as Dropout, set it themselves), and _type names the tensors' type.
function Module:__init()
  self.gradInput = stn.Tensor()
  self.output = stn.Tensor()
  self._type = self.output:type()
end

function Module:parameters()
  if self.weight and self.bias then return { self.weight, self.bias }, { self.gradWeight, self.gradBias } end
  if self.weight then return { self.weight }, { self.gradWeight } end
  if self.bias then return { self.bias }, { self.gradBias } end
  return nil
end

function Module:updateOutput(input) return self.output end

function Module:forward(input) return self:updateOutput(input) end

-- module(input) runs forward; module(input, gradOutput) runs backward too (Torch7's
-- __call__): returns self.output, and self.gradInput when gradOutput is given.
function Module:__call__(input, gradOutput)
  self:forward(input)
  if gradOutput then
    self:backward(input, gradOutput)
    return self.output, self.gradInput
  end
  return self.output
end

function Module:backward(input, gradOutput, scale)
  scale = scale or 1
  self:updateGradInput(input, gradOutput)
  self:accGradParameters(input, gradOutput, scale)
  return self.gradInput
end

function Module:updateGradInput(input, gradOutput) return self.gradInput end

function Module:accGradParameters(input, gradOutput, scale) end

-- Torch7 methods stn does not have: a clear error naming the method and what to use.
local function unsupported(self, what, instead)
  errors.fail(stn.type(self) .. ':' .. what, 'not supported (%s)', instead)
end
-- Torch7's in-place update passes: train with backward and updateParameters, or stn.optim.
for _, what in ipairs { 'accUpdateGradParameters', 'backwardUpdate', 'sharedAccUpdateGradParameters',
                        'defaultAccUpdateGradParameters' } do
  Module[what] = function(self) unsupported(self, what, 'use backward, then updateParameters or stn.optim') end
end
-- Torch7's torch.File methods: stn has its own format.
for _, what in ipairs { 'write', 'read' } do
  Module[what] = function(self) unsupported(self, what, 'stn has no torch.File: use stn.save and stn.load') end
end

-- The diagonal-Hessian methods come with nn.hessian.enable(), as in Torch7 (stn/nn/hessian.lua).
for _, what in ipairs { 'updateDiagHessianInput', 'accDiagHessianParameters', 'initDiagHessianParameters' } do
  Module[what] = function(self) errors.fail(stn.type(self) .. ':' .. what, 'call nn.hessian.enable() first') end
end

-- Modules with parameters draw them again; the rest have nothing to reset (Torch7).
function Module:reset() end

function Module:zeroGradParameters()
  local _, grads = self:parameters()
  if grads then for _, g in ipairs(grads) do g:zero() end end
end

function Module:updateParameters(learningRate)
  local params, grads = self:parameters()
  if params then for i = 1, #params do params[i]:add(-learningRate, grads[i]) end end
end

function Module:training() self.train = true; return self end
function Module:evaluate() self.train = false; return self end

-- Converts every tensor of the module to typename, keeping shared storage shared; with
-- no typename, the current type ('torch.FloatTensor'). See utils.setType.
Module.type = utils.setType
function Module:float(map) return self:type('torch.FloatTensor', map) end
function Module:double(map) return self:type('torch.DoubleTensor', map) end
function Module:cuda(map) return self:type('torch.CudaTensor', map) end
-- The 16-bit float types (the modules that take them: utils.setType): PyTorch's half()
-- and bfloat16(), cunn's cudaHalf(), and cudaBFloat16().
function Module:half(map) return self:type('torch.HalfTensor', map) end
function Module:bfloat16(map) return self:type('torch.BFloat16Tensor', map) end
function Module:cudaHalf(map) return self:type('torch.CudaHalfTensor', map) end
function Module:cudaBFloat16(map) return self:type('torch.CudaBFloat16Tensor', map) end

-- Drops intermediate buffers (output, gradInput, and any listed by the module).
function Module:clearState()
  return utils.clear(self, 'output', 'gradInput')
end

-- A deep copy; with field names given, the copy shares those tensors with self.
function Module:clone(...)
  local copy = utils.deepCopy(self)
  if select('#', ...) > 0 then copy:share(self, ...) end
  return copy
end

-- Makes the named tensor fields (e.g. 'weight', 'bias') views of mlp's; both modules
-- are then marked `shared`, as in Torch7.
function Module:share(mlp, ...)
  for _, name in ipairs { ... } do
    if self[name] ~= nil then
      self[name]:set(mlp[name])
      self.shared = true
      mlp.shared = true
    end
  end
  return self
end

-- Calls fn on this module and on every module below it.
function Module:apply(fn)
  fn(self)
  if self.modules then for _, m in ipairs(self.modules) do m:apply(fn) end end
end

-- This module first, then each child's own listModules() (so a module that overrides
-- it is respected), flattened into one list, as Torch7's.
function Module:listModules()
  local list = { self }
  local function append(from)
    if type(from) == 'table' and getmetatable(from) == nil then
      for i = 1, #from do append(from[i]) end
    else
      list[#list + 1] = from
    end
  end
  if self.modules then
    for _, m in ipairs(self.modules) do
      local sub = m:listModules()
      if sub then append(sub) end
    end
  end
  return list
end

-- The modules of class typename at or below this one, and for each the container
-- holding it (the module itself for a match at the top, or the container given), as
-- Torch7's findModules: each child is asked through its own findModules.
function Module:findModules(typename, container)
  container = container or self
  local nodes, containers = {}, {}
  if stn.type(self) == typename then
    nodes[1], containers[1] = self, container
  end
  if type(self.modules) == 'table' then
    for _, child in ipairs(self.modules) do
      local n, c = child:findModules(typename, self)
      for j = 1, #n do
        nodes[#nodes + 1] = n[j]
        containers[#containers + 1] = c[j]
      end
    end
  end
  return nodes, containers
end

-- A clone whose parameters (shareParams, default true) and gradients (shareGradParams,
-- default true) are views of this module's: dpnn's sharedClone, which Torch7 scripts
-- built on rnn/dpnn call (Torch7's nn itself has clone(...) with field names).
function Module:sharedClone(shareParams, shareGradParams)
  shareParams = shareParams == nil and true or shareParams
  shareGradParams = shareGradParams == nil and true or shareGradParams
  local copy = self:clone()
  local params, grads = self:parameters()
  local cparams, cgrads = copy:parameters()
  if shareParams and params then
    for i = 1, #params do cparams[i]:set(params[i]) end
  end
  if shareGradParams and grads then
    for i = 1, #grads do if grads[i] then cgrads[i]:set(grads[i]) end end
  end
  if (shareParams or shareGradParams) and params and #params > 0 then
    self.shared, copy.shared = true, true
  end
  return copy
end

-- fn(m) returns what takes m's place, for this module and, in place in its list of
-- children, every module below it (Torch7's replace: this module first, then its
-- children); returns fn(self).
function Module:replace(fn)
  local out = fn(self)
  if self.modules then
    for i, m in ipairs(self.modules) do self.modules[i] = m:replace(fn) end
  end
  return out
end

-- Torch7's Module.flatten(tensors): one contiguous tensor holding the values of every
-- tensor of the list, which become views into it (the layout getParameters uses).
function Module.flatten(parameters)
  return utils.flatten(parameters or {}, 'nn.Module.flatten')
end

-- All weights in one contiguous tensor and all gradients in another; each module's
-- weight and gradient tensors become views into them (Torch7's getParameters).
-- Tensors sharing storage keep sharing it (shared weights are counted once).
function Module:getParameters()
  local params, grads = self:parameters()
  local flatParams = utils.flatten(params or {}, stn.type(self) .. ':getParameters')
  local flatGrads = utils.flatten(grads or {}, stn.type(self) .. ':getParameters')
  if flatParams:nElement() ~= flatGrads:nElement() then
    errors.fail(stn.type(self) .. ':getParameters',
      '%d parameters but %d gradients: the weights and their gradients are laid out differently',
      flatParams:nElement(), flatGrads:nElement())
  end
  return flatParams, flatGrads
end

-- Relative learning rates and weight decays for optim.sgd (nnlr's interface; an stn
-- addition to Torch7's nn): module:learningRate(factor) for every parameter at or below
-- the module, module:learningRate('weight' | 'bias', factor), module:weightDecay('weight'
-- | 'bias', factor); factors set at several levels multiply. getOptimConfig(baseLR,
-- baseWD) returns the learningRates and weightDecays vectors aligned with getParameters().
local optim_config = require 'stn.nn.optim_config'
Module.learningRate = optim_config.learningRate
Module.weightDecay = optim_config.weightDecay
Module.getOptimConfig = optim_config.getOptimConfig

function Module:__tostring() return stn.type(self) end

return Module
