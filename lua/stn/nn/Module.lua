-- nn.Module: the base of every layer, with Torch7's contract:
--   forward(input) = updateOutput(input)
--   backward(input, gradOutput, scale) = updateGradInput + accGradParameters(scale)
-- A module owns self.output and self.gradInput and resizes them in place.
local stn = require 'stn'
local class = require 'stn.class'
local utils = require 'stn.nn.utils'

local Module = class.new('nn.Module')

function Module:__init()
  self.gradInput = stn.Tensor()
  self.output = stn.Tensor()
  self.train = true
end

function Module:parameters()
  if self.weight and self.bias then return { self.weight, self.bias }, { self.gradWeight, self.gradBias } end
  if self.weight then return { self.weight }, { self.gradWeight } end
  if self.bias then return { self.bias }, { self.gradBias } end
  return nil
end

function Module:updateOutput(input) return self.output end

function Module:forward(input) return self:updateOutput(input) end

function Module:backward(input, gradOutput, scale)
  scale = scale or 1
  self:updateGradInput(input, gradOutput)
  self:accGradParameters(input, gradOutput, scale)
  return self.gradInput
end

function Module:updateGradInput(input, gradOutput) return self.gradInput end

function Module:accGradParameters(input, gradOutput, scale) end

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

-- Converts every tensor of the module to typename, keeping shared storage shared
-- (one map for the whole call, so flattened parameters stay flattened); modules
-- below this one are converted through their own :type, so overrides run.
local type_names = {
  ['stn.FloatTensor'] = 'stn.FloatTensor', ['torch.FloatTensor'] = 'stn.FloatTensor',
  ['torch.DoubleTensor'] = 'stn.FloatTensor', float = 'stn.FloatTensor',
  ['stn.CudaTensor'] = 'stn.CudaTensor', ['torch.CudaTensor'] = 'stn.CudaTensor', cuda = 'stn.CudaTensor',
}
function Module:type(typename, map)
  if typename == nil then return self._type or 'stn.FloatTensor' end
  local name = type_names[typename]
  if not name then
    error('stn: ' .. stn.type(self) .. ':type: unknown tensor type ' .. tostring(typename), utils.user_level())
  end
  if name == 'stn.CudaTensor' and not stn.hasCUDA() then
    error('stn: ' .. stn.type(self) .. ':cuda(): no CUDA device: ' .. stn.cudaReason(), utils.user_level())
  end
  map = map or {}
  map[self] = true -- a child that points back here is not converted twice
  for k, v in pairs(self) do self[k] = utils.recursiveType(v, name, map) end
  self._type = name
  return self
end
function Module:float() return self:type('stn.FloatTensor') end
function Module:cuda() return self:type('stn.CudaTensor') end

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

-- Makes the named tensor fields (e.g. 'weight', 'bias') views of mlp's.
function Module:share(mlp, ...)
  for _, name in ipairs { ... } do
    if self[name] ~= nil then self[name]:set(mlp[name]) end
  end
  return self
end

-- Calls fn on this module and on every module below it.
function Module:apply(fn)
  fn(self)
  if self.modules then for _, m in ipairs(self.modules) do m:apply(fn) end end
end

function Module:listModules()
  local list = {}
  self:apply(function(m) list[#list + 1] = m end)
  return list
end

function Module:findModules(typename)
  local found = {}
  self:apply(function(m) if stn.type(m) == typename then found[#found + 1] = m end end)
  return found
end

-- All weights in one contiguous tensor and all gradients in another; each module's
-- weight and gradient tensors become views into them (Torch7's getParameters).
-- Tensors sharing storage keep sharing it (shared weights are counted once).
function Module:getParameters()
  local params, grads = self:parameters()
  local flatParams = utils.flatten(params or {}, stn.type(self) .. ':getParameters')
  local flatGrads = utils.flatten(grads or {}, stn.type(self) .. ':getParameters')
  if flatParams:nElement() ~= flatGrads:nElement() then
    error(('stn: %s:getParameters: %d parameters but %d gradients: the weights and their gradients are laid out differently')
      :format(stn.type(self), flatParams:nElement(), flatGrads:nElement()), 2)
  end
  return flatParams, flatGrads
end

function Module:__tostring() return stn.type(self) end

return Module
