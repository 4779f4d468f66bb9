-- nn.DontCast(module, castin, castout, moduleType): a decorator that keeps its module's
-- type when the network around it is converted (:type, :float, :double, :cuda), as
-- Torch7's. With castin, an input of another type is copied into the module's type
-- (and gradInput copied back into the type the decorator was converted to); with
-- castout (default: castin), the module's output is copied into that type (and
-- gradOutput into the module's). moduleType defaults to the type of the module's output,
-- else of its parameters; without either (and casting asked) it is an error, as Torch7.
local stn = require 'stn.base'
local class = require 'stn.class'
local errors = require 'stn.errors'
local P = require('stn.Tensor')._private

local DontCast, parent = class.new('nn.DontCast', 'nn.Decorator')

-- The type of the first tensor in src (a tensor or nested tables), and whether one was found.
local function tensor_type(src)
  if type(src) == 'table' and not P.is_tensor(src) then
    local name
    for _, v in pairs(src) do
      local found
      name, found = tensor_type(v)
      if found then return name, true end
    end
    return name, false
  end
  return stn.type(src), P.is_tensor(src)
end

-- dst (reused when of that type) holding src's values as type typename, recursively.
local function copy_as(dst, src, typename)
  if type(src) == 'table' and not P.is_tensor(src) then
    dst = (type(dst) == 'table' and not P.is_tensor(dst)) and dst or {}
    for k, v in pairs(src) do dst[k] = copy_as(dst[k], v, typename) end
    return dst
  end
  if P.is_tensor(src) then
    if not (P.is_tensor(dst) and dst:type() == typename) then
      local device, _, dtype = P.type_device(typename)
      dst = P.empty(device, dtype)
    end
    dst:resize(src:size())
    if src:nElement() > 0 then dst:copy(src) end
  end
  return dst
end

function DontCast:__init(module, castin, castout, moduleType)
  parent.__init(self, module)
  if castin ~= nil and type(castin) ~= 'boolean' then errors.fail('nn.DontCast', 'castin must be a boolean') end
  if castout ~= nil and type(castout) ~= 'boolean' then errors.fail('nn.DontCast', 'castout must be a boolean') end
  self.castin = castin
  self.castout = castout == nil and castin or castout
  if moduleType ~= nil and not P.type_device(moduleType) then
    errors.fail('nn.DontCast', 'moduleType %s is not a tensor type', tostring(moduleType))
  end
  self.moduleType = moduleType
  if (self.castin or self.castout) and not self.moduleType then
    local name, found = tensor_type(module.output)
    if not found then name, found = tensor_type(module:parameters()) end
    if not found then errors.fail('nn.DontCast', 'cannot tell the module\'s type: give it as argument 4') end
    self.moduleType = name
  end
end

function DontCast:updateOutput(input)
  if self.castin and tensor_type(input) ~= self.moduleType then
    self._input = copy_as(self._input, input, self.moduleType)
    input = self._input
  end
  local output = self:rethrowErrors(self.modules[1], 1, 'updateOutput', input)
  if self.castout then
    self.output = copy_as(self.output, output, tensor_type(self.output))
  else
    self.output = output
  end
  return self.output
end

function DontCast:updateGradInput(input, gradOutput)
  if self.castin and tensor_type(input) ~= self.moduleType then input = self._input end
  if self.castout and tensor_type(gradOutput) ~= self.moduleType then
    self._gradOutput = copy_as(self._gradOutput, gradOutput, self.moduleType)
    gradOutput = self._gradOutput
  end
  local gradInput = self:rethrowErrors(self.modules[1], 1, 'updateGradInput', input, gradOutput)
  if self.castin then
    self.gradInput = copy_as(self.gradInput, gradInput, tensor_type(self.gradInput))
  else
    self.gradInput = gradInput
  end
  return self.gradInput
end

function DontCast:accGradParameters(input, gradOutput, scale)
  if self.castin and tensor_type(input) ~= self.moduleType then input = self._input end
  if self.castout and tensor_type(gradOutput) ~= self.moduleType then gradOutput = self._gradOutput end
  self:rethrowErrors(self.modules[1], 1, 'accGradParameters', input, gradOutput, scale)
end

-- The essence: the module keeps its type; only the buffers handed to the outside follow.
function DontCast:type(typename)
  if typename == nil then return parent.type(self) end
  if not P.type_device(typename) then errors.fail('nn.DontCast:type', 'unknown tensor type %s', tostring(typename)) end
  if self.castout and tensor_type(self.output) ~= typename then self.output = copy_as(nil, self.output, typename) end
  if self.castin and tensor_type(self.gradInput) ~= typename then self.gradInput = copy_as(nil, self.gradInput, typename) end
  return self
end

return DontCast
