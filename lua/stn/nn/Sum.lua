-- nn.Sum(dim, nInputDims, sizeAverage, squeeze): the input summed along dim (default
-- 1); sizeAverage divides by that dim's size (a mean); squeeze (default true) drops the
-- summed dim unless the input is 1-D. gradInput is gradOutput spread over the dim (and
-- divided with sizeAverage). As Torch7: a negative dim counts from the end, and with
-- nInputDims, an input of one more dim is a batch (dim moves one to the right).
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local TC = require 'stn.nn.table_checks'

local Sum, parent = class.new('nn.Sum', 'nn.Module')

function Sum:__init(dimension, nInputDims, sizeAverage, squeeze)
  parent.__init(self)
  self.dimension = TC.dim_arg(self, 'dimension', dimension or 1)
  self.nInputDims = TC.ninputdims_arg(self, nInputDims)
  if sizeAverage ~= nil and type(sizeAverage) ~= 'boolean' then
    checks.fail(self, ('sizeAverage must be true, false or nil, got %s'):format(tostring(sizeAverage)))
  end
  self.sizeAverage = sizeAverage or false
  if squeeze ~= nil and type(squeeze) ~= 'boolean' then
    checks.fail(self, ('squeeze must be true, false or nil, got %s'):format(tostring(squeeze)))
  end
  if squeeze == nil then squeeze = true end
  self.squeeze = squeeze
end

function Sum:_getPositiveDimension(input)
  TC.tensor(self, input)
  return TC.positive_dim(self, self.dimension, self.nInputDims, input)
end

function Sum:updateOutput(input)
  local d = self:_getPositiveDimension(input)
  -- the sums keep the dim in a buffer of their own; output is a view of it
  self._output = self._output or input.new()
  self._output:sum(input, d)
  if self.sizeAverage then self._output:div(input:size(d)) end
  if (self.squeeze == nil or self.squeeze) and self._output:dim() > 1 then
    self.output:set(self._output:select(d, 1))
  else
    self.output:set(self._output)
  end
  return self.output
end

function Sum:updateGradInput(input, gradOutput)
  local d = self:_getPositiveDimension(input)
  local g = TC.reduced_gradient(self, input, gradOutput, d)
  self.gradInput:resizeAs(input):copy(g:expandAs(input))
  if self.sizeAverage then self.gradInput:div(input:size(d)) end
  return self.gradInput
end

function Sum:clearState()
  self._output = nil
  return parent.clearState(self)
end

function Sum:checkLoaded()
  TC.loaded(self, { { 'dimension', nil, true }, { 'nInputDims', 1, false, true } })
  checks.loaded_oneof(self, 'sizeAverage', { true, false })
  if self.squeeze ~= nil then checks.loaded_oneof(self, 'squeeze', { true, false }) end
end

return Sum
