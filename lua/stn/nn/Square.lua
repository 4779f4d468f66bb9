-- nn.Square(): y = x * x element-wise, dy/dx = 2x, as Torch7's (Float, Double, CUDA).
local class = require 'stn.class'
local checks = require 'stn.nn.checks'

local Square = class.new('nn.Square', 'nn.Module')

function Square:updateOutput(input)
  checks.tensor(self, input)
  self.output:resizeAs(input):cmul(input, input)
  return self.output
end

function Square:updateGradInput(input, gradOutput)
  checks.tensor(self, input)
  checks.same_shape(self, gradOutput, input, 'gradOutput', 'the input')
  self.gradInput:resizeAs(input):cmul(input, gradOutput):mul(2)
  return self.gradInput
end

return Square
