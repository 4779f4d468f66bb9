-- nn.CrossEntropyCriterion([weights], [sizeAverage = true]): nn.LogSoftMax followed
-- by nn.ClassNLLCriterion, as Torch7's: scores (n or B x n) and 1-based labels.
-- Size averaging is set either way Torch7 allows: crit.sizeAverage, which reaches the
-- inner criterion when it has changed since the last call, or crit.nll.sizeAverage
-- (the older idiom), which holds until crit.sizeAverage changes again.
local stn = require 'stn.base'
local class = require 'stn.class'
local nn = require 'stn.nn'

local CrossEntropyCriterion, parent = class.new('nn.CrossEntropyCriterion', 'nn.Criterion')

function CrossEntropyCriterion:__init(weights, sizeAverage)
  parent.__init(self)
  self.lsm = nn.LogSoftMax()
  self.nll = nn.ClassNLLCriterion(weights, sizeAverage)
  self.sizeAverage = self.nll.sizeAverage
  self.oldSizeAverage = self.sizeAverage
end

-- crit.sizeAverage overrides crit.nll.sizeAverage only when it was changed.
local function sync_size_average(self)
  if self.sizeAverage ~= self.oldSizeAverage then self.nll.sizeAverage = self.sizeAverage end
  self.oldSizeAverage = self.sizeAverage
end

-- Torch7 squeezes away size-1 dimensions (a 1 x n batch is one vector), keeping at
-- least one dimension.
local function squeeze(x)
  if not stn.isTensor(x) or x:dim() == 0 then return x end
  if x:nElement() == 1 then return x:view(1) end
  return x:squeeze()
end
local function squeezed(input, target) return squeeze(input), squeeze(target) end

function CrossEntropyCriterion:updateOutput(input, target)
  local x, t = squeezed(input, target)
  sync_size_average(self)
  self.lsm:updateOutput(x)
  self.output = self.nll:updateOutput(self.lsm.output, t)
  return self.output
end

function CrossEntropyCriterion:updateGradInput(input, target)
  local x, t = squeezed(input, target)
  sync_size_average(self)
  self.nll:updateGradInput(self.lsm.output, t)
  self.lsm:updateGradInput(x, self.nll.gradInput)
  self.gradInput = self.lsm.gradInput:view(input:size())
  return self.gradInput
end

function CrossEntropyCriterion:clearState()
  self.lsm:clearState()
  self.nll:clearState()
  return parent.clearState(self)
end

return CrossEntropyCriterion
