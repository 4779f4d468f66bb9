-- nn.MarginCriterion([margin = 1]): the two-class hinge loss of inputs x and targets
-- y = +1 / -1: sum max(0, margin - x y), divided by the element count (sizeAverage,
-- true, as a field as in Torch7); gradient -y (/ n) where x y < margin, 0 elsewhere.
local class = require 'stn.class'
local cu = require 'stn.nn.criterion_utils'

local MarginCriterion, parent = class.new('nn.MarginCriterion', 'nn.Criterion')

function MarginCriterion:__init(margin)
  parent.__init(self)
  self.sizeAverage = true
  self.margin = cu.number(self, 'margin', margin or 1)
end

function MarginCriterion:updateOutput(input, target)
  local margin = cu.number(self, 'margin', self.margin)
  local t = cu.target(self, input, target)
  local z = cu.buffer(self, '_z', input):resizeAs(input):cmul(input, t):mul(-1):add(margin):cmax(0)
  return cu.loss(self, z:sum() * cu.norm(self, input:nElement()))
end

function MarginCriterion:updateGradInput(input, target)
  local margin = cu.number(self, 'margin', self.margin)
  local t = cu.target(self, input, target)
  local xy = cu.buffer(self, '_z', input):resizeAs(input):cmul(input, t)
  self.gradInput = cu.buffer(self, 'gradInput', input)
  -- 1 where x y < margin, times -y norm
  return self.gradInput:resizeAs(input):lt(xy, margin):cmul(t):mul(-cu.norm(self, input:nElement()))
end

function MarginCriterion:clearState()
  require('stn.nn.utils').clear(self, '_z', '_target')
  return parent.clearState(self)
end

return MarginCriterion
