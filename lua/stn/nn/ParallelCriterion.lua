-- nn.ParallelCriterion([repeatTarget = false]): a weighted sum of criterions, the i-th
-- applied to input[i] and target[i] (or to the one target, repeated, with repeatTarget).
-- add(criterion [, weight = 1]) returns self. gradInput is a table: gradInput[i] =
-- weight_i * the i-th criterion's gradient (nested tables follow the inputs).
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local utils = require 'stn.nn.utils'

local ParallelCriterion, parent = class.new('nn.ParallelCriterion', 'nn.Criterion')

function ParallelCriterion:__init(repeatTarget)
  parent.__init(self)
  self.criterions = {}
  self.weights = {}
  self.gradInput = {}
  self.repeatTarget = repeatTarget
end

local function is_criterion(c)
  return type(c) == 'table' and type(c.forward) == 'function' and type(c.updateGradInput) == 'function'
end

function ParallelCriterion:add(criterion, weight)
  if not is_criterion(criterion) then
    checks.fail(self, ('add: expected a criterion, got %s'):format(require('stn.base').type(criterion)))
  end
  weight = weight == nil and 1 or weight
  if type(weight) ~= 'number' then checks.fail(self, ('add: weight must be a number, got %s'):format(type(weight))) end
  self.criterions[#self.criterions + 1] = criterion
  self.weights[#self.weights + 1] = weight
  return self
end

local function check(self, input, target)
  if type(input) ~= 'table' or checks.is_tensor(input) then
    checks.fail(self, ('input must be a table of %d inputs, got %s'):format(#self.criterions,
      require('stn.base').type(input)))
  end
  if #input < #self.criterions then
    checks.fail(self, ('input has %d entries but there are %d criterions'):format(#input, #self.criterions))
  end
  if not self.repeatTarget and (type(target) ~= 'table' or checks.is_tensor(target) or #target < #self.criterions) then
    checks.fail(self, ('target must be a table of %d targets (or set repeatTarget), got %s'):format(#self.criterions,
      require('stn.base').type(target)))
  end
end

function ParallelCriterion:updateOutput(input, target)
  check(self, input, target)
  local sum = 0
  for i, c in ipairs(self.criterions) do
    sum = sum + self.weights[i] * c:updateOutput(input[i], self.repeatTarget and target or target[i])
  end
  self.output = sum
  return sum
end

function ParallelCriterion:updateGradInput(input, target)
  check(self, input, target)
  self.gradInput = utils.recursiveResizeAs(self.gradInput, input)
  utils.recursiveFill(self.gradInput, 0)
  for i, c in ipairs(self.criterions) do
    local g = c:updateGradInput(input[i], self.repeatTarget and target or target[i])
    utils.recursiveAdd(self.gradInput[i], self.weights[i], g)
  end
  return self.gradInput
end

function ParallelCriterion:type(typename, map)
  if typename ~= nil then self.gradInput = {} end
  return parent.type(self, typename, map)
end

function ParallelCriterion:clearState()
  self.gradInput = {}
  for _, c in ipairs(self.criterions) do c:clearState() end
  return self
end

return ParallelCriterion
