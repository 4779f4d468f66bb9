-- nn.Copy(intype, outtype, forceCopy, dontCast): copies its input into a tensor of
-- outtype (e.g. 'torch.FloatTensor' -> 'torch.CudaTensor' moves a batch to the GPU)
-- and the gradient back into intype. Same types and no forceCopy: passes the tensors
-- through without copying. dontCast: :type()/:cuda() leave the module alone.
local stn = require 'stn'
local class = require 'stn.class'
local utils = require 'stn.nn.utils'
local P = require('stn.Tensor')._private

local Copy, parent = class.new('nn.Copy', 'nn.Module')

local devices = {
  ['stn.FloatTensor'] = 0, ['torch.FloatTensor'] = 0, ['torch.DoubleTensor'] = 0,
  ['stn.CudaTensor'] = 1, ['torch.CudaTensor'] = 1,
}

local function device_of(name, what)
  if name == nil then return 0 end
  local d = devices[name]
  if d == nil then error(('stn: nn.Copy: unknown %s type %s'):format(what, tostring(name)), 4) end
  return d
end

function Copy:__init(intype, outtype, forceCopy, dontCast)
  parent.__init(self)
  self.inDevice = device_of(intype, 'input')
  self.outDevice = device_of(outtype, 'output')
  self.dontCast = dontCast
  self.passThrough = not forceCopy and self.inDevice == self.outDevice
  -- empty tensors on their devices: nothing is allocated until the first forward
  self.output = P.empty(self.outDevice)
  self.gradInput = P.empty(self.inDevice)
end

local function check(t, what)
  if not stn.isTensor(t) then
    error(('stn: nn.Copy: expected a tensor %s, got %s'):format(what, stn.type(t)), utils.user_level())
  end
end

function Copy:updateOutput(input)
  check(input, 'input')
  if self.passThrough then self.output = input; return input end
  self.output:resize(input:size()):copy(input)
  return self.output
end

function Copy:updateGradInput(input, gradOutput)
  check(gradOutput, 'gradOutput')
  if self.passThrough then self.gradInput = gradOutput; return gradOutput end
  self.gradInput:resize(gradOutput:size()):copy(gradOutput)
  return self.gradInput
end

function Copy:type(typename, map)
  if typename and self.dontCast then return self end
  return parent.type(self, typename, map)
end

return Copy
