-- nn.SoftMax(): exp(x_i) / sum_j exp(x_j) over the features of n, B x n, C x H x W
-- (over C at each pixel) or B x C x H x W input, as Torch7's (csrc/nn/softmax.c).
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local C, ctx = checks.C, checks.ctx

local SoftMax = class.new('nn.SoftMax', 'nn.Module')

function SoftMax:updateOutput(input)
  checks.dims(self, input, { 1, 2, 3, 4 }, 'input', '1-D (n), 2-D (B x n), 3-D (C x H x W) or 4-D')
  checks.call(self, C.stn_softmax_forward(ctx, input, self.output, 0))
  return self.output
end

function SoftMax:updateGradInput(input, gradOutput)
  checks.same_shape(self, gradOutput, self.output)
  checks.call(self, C.stn_softmax_backward(ctx, self.output, gradOutput, self.gradInput, 0))
  return self.gradInput
end

return SoftMax
