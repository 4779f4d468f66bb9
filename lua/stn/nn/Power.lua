-- nn.Power(p): y = x^p element-wise, dy/dx = p * x^(p - 1), as Torch7's (Float,
-- Double, CUDA). A negative x to a fractional p gives NaN, as there.
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local opt = require 'stn.nn.option_checks'

local Power, parent = class.new('nn.Power', 'nn.Module')

function Power:__init(p)
  parent.__init(self)
  if p == nil then checks.fail(self, 'usage: nn.Power(power)') end
  self.pow = opt.number(self, 'power', p)
end

function Power:updateOutput(input)
  checks.tensor(self, input)
  self.output:resizeAs(input):pow(input, self.pow)
  return self.output
end

function Power:updateGradInput(input, gradOutput)
  checks.tensor(self, input)
  checks.same_shape(self, gradOutput, input, 'gradOutput', 'the input')
  self.gradInput:resizeAs(input):pow(input, self.pow - 1):cmul(gradOutput):mul(self.pow)
  return self.gradInput
end

return Power
