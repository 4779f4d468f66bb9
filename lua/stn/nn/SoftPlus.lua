-- nn.SoftPlus([beta = 1], [threshold = 20]): y = log(1 + exp(beta * x)) / beta,
-- element-wise, and y = x where beta * x > threshold (where the exponential would
-- overflow), as Torch7's (whose constructor takes beta only and fixes threshold at 20;
-- the second argument is stn's). Built on stn's tensor ops (Float, Double, CUDA).
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local opt = require 'stn.nn.option_checks'

local SoftPlus, parent = class.new('nn.SoftPlus', 'nn.Module')

function SoftPlus:__init(beta, threshold)
  parent.__init(self)
  opt.optional_number(self, 'beta', beta)
  opt.optional_number(self, 'threshold', threshold)
  self.beta = beta or 1
  self.threshold = threshold or 20
  self:validateParameters()
end

-- beta = 0 would divide by zero; a negative beta is a valid (mirrored) curve, as in Torch7.
function SoftPlus:validateParameters()
  if self.beta == 0 then checks.fail(self, 'beta must not be 0') end
end

function SoftPlus:updateOutput(input)
  self:validateParameters()
  checks.tensor(self, input)
  local bx = input.new():resizeAs(input):mul(input, self.beta)
  self.output:resizeAs(input):copy(bx):exp():log1p():div(self.beta)
  local linear = bx:gt(self.threshold)
  local same = input:maskedSelect(linear)
  if same:nElement() > 0 then self.output:maskedCopy(linear, same) end
  return self.output
end

-- dy/dx = (z - 1) / z with z = exp(beta * y), 1 where beta * y > threshold.
function SoftPlus:updateGradInput(input, gradOutput)
  self:validateParameters()
  checks.tensor(self, input)
  checks.same_shape(self, gradOutput, input, 'gradOutput', 'the input')
  checks.same_shape(self, self.output, input, 'the output (run forward first)', 'the input')
  local by = input.new():resizeAs(input):mul(self.output, self.beta)
  local z = by:clone():exp()
  local f = z:clone():add(-1):cdiv(z):maskedFill(by:gt(self.threshold), 1)
  self.gradInput:resizeAs(input):cmul(gradOutput, f)
  return self.gradInput
end

return SoftPlus
