-- nn.Sqrt([eps = 0]): y = sqrt(x + eps) element-wise, dy/dx = 0.5 / y (0 where y = 0),
-- as Torch7's (Float, Double, CUDA). A negative x + eps gives NaN, as there.
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local opt = require 'stn.nn.option_checks'

local Sqrt, parent = class.new('nn.Sqrt', 'nn.Module')

function Sqrt:__init(eps)
  parent.__init(self)
  opt.optional_number(self, 'eps', eps)
  self.eps = eps or 0
end

function Sqrt:updateOutput(input)
  checks.tensor(self, input)
  self.output:resizeAs(input):copy(input):add(self.eps or 0):sqrt()
  return self.output
end

function Sqrt:updateGradInput(input, gradOutput)
  checks.tensor(self, input)
  checks.same_shape(self, gradOutput, input, 'gradOutput', 'the input')
  checks.same_shape(self, self.output, input, 'the output (run forward first)', 'the input')
  self.gradInput:resizeAs(input):mul(gradOutput, 0.5):cdiv(self.output):maskedFill(self.output:eq(0), 0)
  return self.gradInput
end

return Sqrt
