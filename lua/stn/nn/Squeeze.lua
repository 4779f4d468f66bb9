-- nn.Squeeze(dim, numInputDims): the input viewed without its size-1 dims (only dim
-- when given), no copy; gradInput is gradOutput viewed with the input's sizes. As
-- Torch7: with numInputDims and an input of one more dim, the first dim is a batch: a
-- given dim moves one to the right, and a batch of one keeps its leading 1. A view keeps
-- at least one dim (Torch7 would turn an all-ones input into a number and fail).
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local TC = require 'stn.nn.table_checks'
local is_integer = require('stn.integer').is_integer

local Squeeze, parent = class.new('nn.Squeeze', 'nn.Module')

function Squeeze:__init(dim, numInputDims)
  parent.__init(self)
  if dim ~= nil and (type(dim) ~= 'number' or dim < 1 or not is_integer(dim)) then
    checks.fail(self, ('dim must be a positive integer or nil, got %s'):format(tostring(dim)))
  end
  self.dim = dim
  self:setNumInputDims(numInputDims)
end

function Squeeze:setNumInputDims(numInputDims)
  self.numInputDims = TC.ninputdims_arg(self, numInputDims, 'numInputDims')
  return self
end

function Squeeze:updateOutput(input)
  TC.tensor(self, input)
  local dim, batch_of_one = self.dim, false
  if self.numInputDims and input:dim() == self.numInputDims + 1 then
    if dim then dim = dim + 1 else batch_of_one = input:size(1) == 1 end
  end
  local t = input
  if dim then
    if dim > input:dim() then
      checks.fail(self, ('dim %d is out of range for a %d-D input (%s)'):format(dim, input:dim(), TC.shape(input)))
    end
    if t:size(dim) == 1 and t:dim() > 1 then t = t:squeeze(dim) end
  else
    for d = t:dim(), 1, -1 do
      if t:size(d) == 1 and t:dim() > 1 then t = t:squeeze(d) end
    end
    if batch_of_one then t = t:unsqueeze(1) end
  end
  self.output:set(t)
  return self.output
end

function Squeeze:updateGradInput(input, gradOutput)
  return TC.view_gradient(self, input, gradOutput)
end

function Squeeze:checkLoaded()
  TC.loaded(self, { { 'dim', 1, false, true }, { 'numInputDims', 1, false, true } })
end

return Squeeze
