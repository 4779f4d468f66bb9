-- nn.AbsCriterion([sizeAverage = true]): loss = sum |x - t| over all elements, divided
-- by their number when size averaging; gradient +1 where x - t >= 0, -1 elsewhere (/ n),
-- as Torch7's (a tie counts as +1). Input and target: any shapes with one element count.
local class = require 'stn.class'
local cu = require 'stn.nn.criterion_utils'

local AbsCriterion, parent = class.new('nn.AbsCriterion', 'nn.Criterion')

function AbsCriterion:__init(sizeAverage)
  parent.__init(self)
  self.sizeAverage = sizeAverage == nil and true or sizeAverage
end

function AbsCriterion:updateOutput(input, target)
  local t = cu.target(self, input, target)
  local d = cu.buffer(self, '_diff', input):resizeAs(input):add(input, -1, t):abs()
  return cu.loss(self, d:sum() * cu.norm(self, input:nElement()))
end

function AbsCriterion:updateGradInput(input, target)
  local t = cu.target(self, input, target)
  local d = cu.buffer(self, '_diff', input):resizeAs(input):add(input, -1, t)
  local norm = cu.norm(self, input:nElement())
  self.gradInput = cu.buffer(self, 'gradInput', input)
  -- 1 where d >= 0 (0 elsewhere), then 2 m - 1 times norm
  return self.gradInput:resizeAs(input):ge(d, 0):mul(2 * norm):add(-norm)
end

function AbsCriterion:clearState()
  require('stn.nn.utils').clear(self, '_diff', '_target')
  return parent.clearState(self)
end

return AbsCriterion
