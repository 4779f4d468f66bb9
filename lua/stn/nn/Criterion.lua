-- nn.Criterion: the base of the losses, with Torch7's contract: forward(input, target)
-- = updateOutput, returning the loss as a number; backward(input, target) =
-- updateGradInput, returning gradInput (d loss / d input).
local stn = require 'stn.base'
local class = require 'stn.class'
local utils = require 'stn.nn.utils'
local errors = require 'stn.errors'

local Criterion = class.new('nn.Criterion')

function Criterion:__init()
  self.gradInput = stn.Tensor()
  self.output = 0
  self._type = self.gradInput:type() -- the default type, as a module's (Module:__init)
end

function Criterion:updateOutput(input, target) return self.output end
function Criterion:forward(input, target) return self:updateOutput(input, target) end
function Criterion:updateGradInput(input, target) return self.gradInput end
function Criterion:backward(input, target) return self:updateGradInput(input, target) end
-- Comes with nn.hessian.enable(), as in Torch7 (stn/nn/hessian.lua).
function Criterion:updateDiagHessianInput()
  errors.fail(stn.type(self) .. ':updateDiagHessianInput', 'call nn.hessian.enable() first')
end

-- Torch7's shortcut: loss and gradient in one call.
function Criterion:__call__(input, target)
  self.output = self:forward(input, target)
  self.gradInput = self:backward(input, target)
  return self.output, self.gradInput
end

-- As Module:type: every tensor field converted; with no typename, the current type.
Criterion.type = utils.setType
function Criterion:float() return self:type('torch.FloatTensor') end
function Criterion:double() return self:type('torch.DoubleTensor') end
function Criterion:cuda() return self:type('torch.CudaTensor') end
function Criterion:cudaHalf() return self:type('torch.CudaHalfTensor') end
function Criterion:cudaDouble() return self:type('torch.CudaDoubleTensor') end

function Criterion:clone() return utils.deepCopy(self) end

function Criterion:clearState()
  utils.clear(self, 'gradInput')
  return self
end

function Criterion:__tostring() return stn.type(self) end

return Criterion
