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

-- Converts every tensor of the module to typename, keeping shared storage shared.
function Module:type(typename, map)
  if typename == nil then return self._type or 'stn.FloatTensor' end
  if typename == 'torch.CudaTensor' then typename = 'stn.CudaTensor' end
  if typename == 'torch.FloatTensor' then typename = 'stn.FloatTensor' end
  if typename == 'stn.CudaTensor' and not stn.hasCUDA() then
    error('stn: ' .. stn.type(self) .. ':cuda(): no CUDA device: ' .. stn.cudaReason(), 3)
  end
  utils.recursiveType(self, typename, map or {})
  self._type = typename
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
function Module:getParameters()
  local params, grads = self:parameters()
  params, grads = params or {}, grads or {}
  local function flatten(list)
    local seen, n, device = {}, 0, nil
    for _, t in ipairs(list) do
      if not seen[t] then
        seen[t] = true
        n = n + t:nElement()
        device = device or t.device
      end
    end
    local flat = stn.Tensor(n)
    if device == 1 then flat = flat:cuda() end
    local offset, placed = 1, {}
    for _, t in ipairs(list) do
      if not placed[t] then
        placed[t] = true
        local k = t:nElement()
        if k > 0 then
          local slice = flat:narrow(1, offset, k)
          slice:copy(t)
          t:set(slice:view(t:size()))
          offset = offset + k
        end
      end
    end
    return flat
  end
  return flatten(params), flatten(grads)
end

function Module:__tostring() return stn.type(self) end

return Module
