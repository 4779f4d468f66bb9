-- nn.Copy(intype, outtype, forceCopy, dontCast), as Torch7's: copies its input into a
-- tensor of outtype (e.g. 'torch.FloatTensor' -> 'torch.CudaTensor' moves a batch to
-- the GPU) and the gradient back into intype. Types default to 'torch.FloatTensor'
-- (stn's default tensor type). With the same two types and no forceCopy, output and
-- gradInput are views of the input and gradient, which are returned as they are.
-- dontCast: :type(), :float(), :cuda() leave the module alone. A type stn does not
-- have ('torch.BoolTensor', ...) is an error.
local stn = require 'stn.base'
local class = require 'stn.class'
local errors = require 'stn.errors'
local P = require('stn.Tensor')._private

local Copy, parent = class.new('nn.Copy', 'nn.Module')

-- The device, Torch7 name and dtype of a type name (nil: the default type).
local function type_of(name, what)
  if name == nil then name = stn.getdefaulttensortype() end
  local device, canonical, dtype = P.type_device(name)
  if device == nil then errors.fail('nn.Copy', '%s type: %s', what, canonical) end
  return device, canonical, dtype
end

function Copy:__init(intype, outtype, forceCopy, dontCast)
  parent.__init(self)
  local inName, outName, inDtype, outDtype
  self.inDevice, inName, inDtype = type_of(intype, 'input')
  self.outDevice, outName, outDtype = type_of(outtype, 'output')
  self.dontCast = dontCast
  -- Torch7 compares the names as given; stn's former names count as the same type
  self.passThrough = not forceCopy and inName == outName
  -- empty tensors on their devices: nothing is allocated until the first forward
  self.output = P.empty(self.outDevice, outDtype)
  self.gradInput = P.empty(self.inDevice, inDtype)
end

local function check(t, what)
  if not stn.isTensor(t) then
    errors.fail('nn.Copy', 'expected a tensor %s, got %s', what, stn.type(t))
  end
end

-- Torch7's pass-through sets output to view the input (so the types must agree) and
-- returns the input itself.
local function view_into(buffer, t, what)
  if t.device ~= buffer.device or t.dtype ~= buffer.dtype then
    errors.fail('nn.Copy', 'the %s is a %s, but this module passes %s through', what, stn.type(t), stn.type(buffer))
  end
  buffer:set(t)
end

function Copy:updateOutput(input)
  check(input, 'input')
  if self.passThrough then
    view_into(self.output, input, 'input')
    return input
  end
  self.output:resize(input:size()):copy(input)
  return self.output
end

function Copy:updateGradInput(input, gradOutput)
  check(gradOutput, 'gradOutput')
  if self.passThrough then
    view_into(self.gradInput, gradOutput, 'gradOutput')
    return gradOutput
  end
  self.gradInput:resize(gradOutput:size()):copy(gradOutput)
  return self.gradInput
end

function Copy:type(typename, map)
  if typename and self.dontCast then return self end
  return parent.type(self, typename, map)
end

return Copy
