-- nn.Sigmoid(): y = 1 / (1 + exp(-x)) element-wise; dy/dx = y (1 - y) (csrc/nn/activation.c).
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local C, ctx = checks.C, checks.ctx

local Sigmoid = class.new('nn.Sigmoid', 'nn.Module')

function Sigmoid:updateOutput(input)
  checks.tensor(self, input)
  checks.call(self, C.stn_activation_forward(ctx, input, self.output, C.STN_ACT_SIGMOID, 0, 0))
  return self.output
end

function Sigmoid:updateGradInput(input, gradOutput)
  checks.same_shape(self, gradOutput, self.output)
  checks.call(self, C.stn_activation_backward(ctx, input, self.output, gradOutput, self.gradInput, C.STN_ACT_SIGMOID, 0))
  return self.gradInput
end

return Sigmoid
