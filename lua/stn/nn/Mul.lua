-- nn.Mul(): y = w * x with one learnable scalar w (weight, a 1-element tensor), as
-- Torch7's: reset(stdv) draws w uniformly in +-stdv * sqrt(3), +-1 without stdv. Built
-- on stn's tensor ops (Float, Double, CUDA).
local stn = require 'stn.base'
local class = require 'stn.class'
local checks = require 'stn.nn.checks'

local Mul, parent = class.new('nn.Mul', 'nn.Module')

function Mul:__init(...)
  parent.__init(self)
  if select('#', ...) > 0 then checks.fail(self, 'usage: nn.Mul() (one scalar weight; nn.CMul has one per element)') end
  self.weight = stn.Tensor(1)
  self.gradWeight = stn.Tensor(1):zero()
  self:reset()
end

function Mul:reset(stdv)
  if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.weight:size(1)) end
  checks.uniform(self.weight, stdv)
  return self
end

function Mul:updateOutput(input)
  checks.tensor(self, input)
  self.output:resizeAs(input):mul(input, self.weight[1])
  return self.output
end

function Mul:updateGradInput(input, gradOutput)
  checks.tensor(self, input)
  checks.same_shape(self, gradOutput, input, 'gradOutput', 'the input')
  self.gradInput:resizeAs(input):mul(gradOutput, self.weight[1])
  return self.gradInput
end

function Mul:accGradParameters(input, gradOutput, scale)
  checks.tensor(self, input)
  checks.same_shape(self, gradOutput, input, 'gradOutput', 'the input')
  self.gradWeight[1] = self.gradWeight[1] + (scale or 1) * input:dot(gradOutput)
end

function Mul:checkLoaded()
  checks.loaded_tensor(self, 'weight', { 1 })
  checks.loaded_tensor(self, 'gradWeight', { 1 }, true)
end

return Mul
