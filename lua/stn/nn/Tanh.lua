-- nn.Tanh(): y = tanh(x) element-wise; dy/dx = 1 - y^2 (csrc/nn/activation.c).
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local C, ctx = checks.C, checks.ctx

local Tanh = class.new('nn.Tanh', 'nn.Module')

function Tanh:updateOutput(input)
  checks.tensor(self, input)
  checks.call(self, C.stn_activation_forward(ctx, input, self.output, C.STN_ACT_TANH, 0, 0))
  return self.output
end

function Tanh:updateGradInput(input, gradOutput)
  checks.same_shape(self, gradOutput, self.output)
  checks.call(self, C.stn_activation_backward(ctx, input, self.output, gradOutput, self.gradInput, C.STN_ACT_TANH, 0))
  return self.gradInput
end

return Tanh
