-- nn.SmoothL1Criterion([sizeAverage = true]): the Huber loss of z = x - t: 0.5 z^2 where
-- |z| < 1, |z| - 0.5 elsewhere, summed over all elements and divided by their number
-- when size averaging; gradient z clamped to [-1, 1] (/ n), as Torch7's.
local class = require 'stn.class'
local cu = require 'stn.nn.criterion_utils'

local SmoothL1Criterion, parent = class.new('nn.SmoothL1Criterion', 'nn.Criterion')

function SmoothL1Criterion:__init(sizeAverage)
  parent.__init(self)
  self.sizeAverage = sizeAverage == nil and true or sizeAverage
end

function SmoothL1Criterion:updateOutput(input, target)
  local t = cu.target(self, input, target)
  local d = cu.buffer(self, '_diff', input):resizeAs(input):add(input, -1, t):abs()
  local e = cu.buffer(self, '_clamped', input):resizeAs(input):clamp(d, 0, 1)
  -- 0.5 e^2 + (d - e) with e = min(|z|, 1): 0.5 z^2 below 1, |z| - 0.5 above
  d:add(-1, e):addcmul(0.5, e, e)
  return cu.loss(self, d:sum() * cu.norm(self, input:nElement()))
end

function SmoothL1Criterion:updateGradInput(input, target)
  local t = cu.target(self, input, target)
  self.gradInput = cu.buffer(self, 'gradInput', input)
  return self.gradInput:resizeAs(input):add(input, -1, t):clamp(-1, 1):mul(cu.norm(self, input:nElement()))
end

function SmoothL1Criterion:clearState()
  require('stn.nn.utils').clear(self, '_diff', '_clamped', '_target')
  return parent.clearState(self)
end

return SmoothL1Criterion
