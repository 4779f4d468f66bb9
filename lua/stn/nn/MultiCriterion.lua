-- nn.MultiCriterion(): a weighted sum of criterions all applied to the same input and
-- target. add(criterion [, weight = 1]) returns self; weights[i] holds the i-th weight
-- (a Lua table here, Torch7's a DoubleStorage: indexing reads and writes alike).
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local utils = require 'stn.nn.utils'

local MultiCriterion, parent = class.new('nn.MultiCriterion', 'nn.Criterion')

function MultiCriterion:__init()
  parent.__init(self)
  self.criterions = {}
  self.weights = {}
end

function MultiCriterion:add(criterion, weight)
  if type(criterion) ~= 'table' or type(criterion.forward) ~= 'function' then
    checks.fail(self, ('add: expected a criterion, got %s'):format(require('stn.base').type(criterion)))
  end
  weight = weight == nil and 1 or weight
  if type(weight) ~= 'number' then checks.fail(self, ('add: weight must be a number, got %s'):format(type(weight))) end
  self.criterions[#self.criterions + 1] = criterion
  self.weights[#self.criterions] = weight
  return self
end

function MultiCriterion:updateOutput(input, target)
  local sum = 0
  for i, c in ipairs(self.criterions) do sum = sum + self.weights[i] * c:updateOutput(input, target) end
  self.output = sum
  return sum
end

function MultiCriterion:updateGradInput(input, target)
  self.gradInput = utils.recursiveResizeAs(self.gradInput, input)
  utils.recursiveFill(self.gradInput, 0)
  for i, c in ipairs(self.criterions) do
    utils.recursiveAdd(self.gradInput, self.weights[i], c:updateGradInput(input, target))
  end
  return self.gradInput
end

function MultiCriterion:type(typename, map)
  if typename ~= nil then for _, c in ipairs(self.criterions) do c:type(typename, map) end end
  return parent.type(self, typename, map)
end

function MultiCriterion:clearState()
  for _, c in ipairs(self.criterions) do c:clearState() end
  return parent.clearState(self)
end

return MultiCriterion
