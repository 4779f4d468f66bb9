-- nn.Select(dim, index): a copy of input:select(dim, index), one dim fewer; gradInput
-- is zeros with gradOutput in that slice. As Torch7: a negative dim or index counts from
-- the end. The input has at least 2 dims (Torch7's select of a 1-D tensor gives a number).
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local TC = require 'stn.nn.table_checks'

local Select, parent = class.new('nn.Select', 'nn.Module')

function Select:__init(dimension, index)
  parent.__init(self)
  self.dimension = TC.dim_arg(self, 'dimension', dimension)
  self.index = TC.dim_arg(self, 'index', index)
end

function Select:_slice(x)
  if x:dim() < 2 then
    checks.fail(self, ('input must have 2 or more dims (a slice of a 1-D tensor is a number), got %s'):format(TC.shape(x)))
  end
  local dim = TC.positive_dim(self, self.dimension, nil, x)
  local index = self.index < 0 and x:size(dim) + self.index + 1 or self.index
  if index < 1 or index > x:size(dim) then
    checks.fail(self, ('index %d is out of range for dimension %d of size %d (input %s)'):format(self.index, dim,
      x:size(dim), TC.shape(x)))
  end
  return dim, index
end

function Select:updateOutput(input)
  TC.tensor(self, input)
  local slice = input:select(self:_slice(input))
  self.output:resizeAs(slice):copy(slice)
  return self.output
end

function Select:updateGradInput(input, gradOutput)
  TC.tensor(self, input)
  local dim, index = self:_slice(input)
  checks.tensor(self, gradOutput, 'gradOutput')
  self.gradInput:resizeAs(input):zero()
  local slice = self.gradInput:select(dim, index)
  if gradOutput:nElement() ~= slice:nElement() then
    checks.fail(self, ('gradOutput (%s) does not match the output (%s)'):format(TC.shape(gradOutput), TC.shape(slice)))
  end
  slice:copy(gradOutput)
  return self.gradInput
end

function Select:checkLoaded()
  TC.loaded(self, { { 'dimension', nil, true }, { 'index', nil, true } })
end

return Select
