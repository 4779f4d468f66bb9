-- nn.SplitTable(dim, nInputDims): a tensor -> the table of its slices along dim
-- ({x:select(dim, 1), ..., x:select(dim, n)}, views of the input, no copies); backward
-- writes gradOutput[i] into slice i of gradInput. As Torch7: a negative dim counts from
-- the end, and with nInputDims given, an input with one more dim is a batch (dim moves
-- one to the right). The input has at least 2 dims (Torch7 would split a 1-D one into
-- numbers, which no module takes).
local class = require 'stn.class'
local stn = require 'stn.base'
local checks = require 'stn.nn.checks'
local TC = require 'stn.nn.table_checks'

local SplitTable, parent = class.new('nn.SplitTable', 'nn.Module')

function SplitTable:__init(dimension, nInputDims)
  parent.__init(self)
  self.dimension = TC.dim_arg(self, 'dimension', dimension)
  self.nInputDims = TC.ninputdims_arg(self, nInputDims)
  self.output = {}
end

function SplitTable:_getPositiveDimension(input)
  TC.tensor(self, input)
  if input:dim() < 2 then
    checks.fail(self, ('input must have 2 or more dims (the slices of a 1-D tensor are numbers), got %s'):format(
      TC.shape(input)))
  end
  return TC.positive_dim(self, self.dimension, self.nInputDims, input)
end

function SplitTable:updateOutput(input)
  local d = self:_getPositiveDimension(input)
  local out = {}
  for i = 1, input:size(d) do out[i] = input:select(d, i) end
  self.output = out
  return out
end

function SplitTable:updateGradInput(input, gradOutput)
  local d = self:_getPositiveDimension(input)
  local n = input:size(d)
  if type(gradOutput) ~= 'table' or stn.isTensor(gradOutput) or #gradOutput ~= n then
    checks.fail(self, ('gradOutput must be a table of %d tensors (one per slice), got %s'):format(n,
      stn.isTensor(gradOutput) and TC.shape(gradOutput) or type(gradOutput) == 'table' and (#gradOutput .. ' entries')
      or stn.type(gradOutput)))
  end
  self.gradInput:resizeAs(input)
  for i = 1, n do
    local slice, g = self.gradInput:select(d, i), gradOutput[i]
    checks.tensor(self, g, ('gradOutput[%d]'):format(i))
    if g:nElement() ~= slice:nElement() then
      checks.fail(self, ('gradOutput[%d] (%s) does not have the %d elements of slice %d (%s)'):format(i, TC.shape(g),
        slice:nElement(), i, TC.shape(slice)))
    end
    slice:copy(g)
  end
  return self.gradInput
end

function SplitTable:type(typename, map)
  self.output = {}
  return parent.type(self, typename, map)
end

function SplitTable:checkLoaded()
  TC.loaded(self, { { 'dimension', nil, true }, { 'nInputDims', 1, false, true } }, { 'output' })
end

return SplitTable
