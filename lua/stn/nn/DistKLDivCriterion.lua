-- nn.DistKLDivCriterion([sizeAverage = true]): the Kullback-Leibler divergence of the
-- target distribution t from the input log-probabilities x: sum over the elements with
-- t > 0 of t (log t - x) (others add 0), divided by the element count when size
-- averaging; gradient -t (/ n) where t > 0, 0 elsewhere, as Torch7's.
local class = require 'stn.class'
local cu = require 'stn.nn.criterion_utils'

local DistKLDivCriterion, parent = class.new('nn.DistKLDivCriterion', 'nn.Criterion')

function DistKLDivCriterion:__init(sizeAverage)
  parent.__init(self)
  self.sizeAverage = sizeAverage == nil and true or sizeAverage
end

function DistKLDivCriterion:updateOutput(input, target)
  local t = cu.target(self, input, target)
  local skip = t:le(0) -- a ByteTensor: the elements that add nothing (also where x is not finite)
  local v = cu.buffer(self, '_terms', input):resizeAs(input):copy(t):maskedFill(skip, 1):log()
  v:add(-1, input):cmul(t):maskedFill(skip, 0)
  return cu.loss(self, v:sum() * cu.norm(self, input:nElement()))
end

function DistKLDivCriterion:updateGradInput(input, target)
  local t = cu.target(self, input, target)
  self.gradInput = cu.buffer(self, 'gradInput', input)
  return self.gradInput:resizeAs(input):copy(t):mul(-cu.norm(self, input:nElement())):maskedFill(t:le(0), 0)
end

function DistKLDivCriterion:clearState()
  require('stn.nn.utils').clear(self, '_terms', '_target')
  return parent.clearState(self)
end

return DistKLDivCriterion
