-- nn.LogSoftMax(): x_i - log sum_j exp(x_j) over the features (layouts as nn.SoftMax),
-- computed stably in C (csrc/nn/softmax.c).
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local C, ctx = checks.C, checks.ctx

local LogSoftMax = class.new('nn.LogSoftMax', 'nn.Module')

function LogSoftMax:updateOutput(input)
  checks.dims(self, input, { 1, 2, 3, 4 }, 'input', '1-D (n), 2-D (B x n), 3-D (C x H x W) or 4-D')
  checks.call(self, C.stn_softmax_forward(ctx, input, self.output, 1))
  return self.output
end

function LogSoftMax:updateGradInput(input, gradOutput)
  checks.same_shape(self, gradOutput, self.output)
  checks.call(self, C.stn_softmax_backward(ctx, self.output, gradOutput, self.gradInput, 1))
  return self.gradInput
end

return LogSoftMax
