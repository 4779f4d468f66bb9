-- nn.Unsqueeze(pos, numInputDims): the input viewed with a size-1 dim inserted at pos,
-- no copy; gradInput is gradOutput viewed with the input's sizes. As Torch7: pos counts
-- within the last numInputDims dims, so a leading batch dim moves it right; when
-- numInputDims is not given, the first forward's input:dim() becomes it.
local class = require 'stn.class'
local stn = require 'stn.base'
local checks = require 'stn.nn.checks'
local TC = require 'stn.nn.table_checks'
local is_integer = require('stn.integer').is_integer

local Unsqueeze, parent = class.new('nn.Unsqueeze', 'nn.Module')

function Unsqueeze:__init(pos, numInputDims)
  parent.__init(self)
  if type(pos) ~= 'number' or not is_integer(pos) then
    checks.fail(self, ('pos (the position of the new dim) must be an integer, got %s'):format(tostring(pos)))
  end
  self.pos = pos
  self:setNumInputDims(numInputDims)
end

function Unsqueeze:setNumInputDims(numInputDims)
  self.numInputDims = TC.ninputdims_arg(self, numInputDims, 'numInputDims')
  return self
end

function Unsqueeze:_getActualPosition(input)
  local n = input:dim()
  self.numInputDims = self.numInputDims or n
  local offset = n - self.numInputDims
  if offset < 0 then
    checks.fail(self, ('numInputDims (%d) is more than the input\'s %d dims (%s)'):format(self.numInputDims, n,
      TC.shape(input)))
  end
  local pos = self.pos + offset
  if pos < 1 or pos > n + 1 then
    checks.fail(self, ('position %d is out of range: the input is %d-D (%s), numInputDims %d'):format(self.pos, n,
      TC.shape(input), self.numInputDims))
  end
  return pos
end

function Unsqueeze:updateOutput(input)
  TC.tensor(self, input)
  self.output:set(input:unsqueeze(self:_getActualPosition(input)))
  return self.output
end

function Unsqueeze:updateGradInput(input, gradOutput)
  return TC.view_gradient(self, input, gradOutput)
end

function Unsqueeze:__tostring()
  return stn.type(self) .. '(dim ' .. self.pos .. ')'
end

function Unsqueeze:checkLoaded()
  TC.loaded(self, { { 'pos' }, { 'numInputDims', 1, false, true } })
end

return Unsqueeze
