-- nn.Narrow(dim, offset, length): a copy of input:narrow(dim, offset, length) (length
-- 1 when not given); gradInput is zeros with gradOutput in that window. As Torch7 (nn
-- HEAD): a negative dim counts from the end; a negative length ends the window that far
-- from the end (-1: the last element); a negative offset starts the window at 1 with
-- length size - length.
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local TC = require 'stn.nn.table_checks'
local is_integer = require('stn.integer').is_integer

local Narrow, parent = class.new('nn.Narrow', 'nn.Module')

function Narrow:__init(dimension, offset, length)
  parent.__init(self)
  length = length or 1
  TC.dim_arg(self, 'dimension', dimension)
  for _, a in ipairs { { 'offset', offset }, { 'length', length } } do
    if type(a[2]) ~= 'number' or a[2] == 0 or not is_integer(a[2]) then
      checks.fail(self, ('%s must be a non-zero integer (nn.Narrow(dimension, offset, length)), got %s'):format(a[1],
        tostring(a[2])))
    end
  end
  self.dimension, self.index, self.length = dimension, offset, length
end

-- dim, offset and length of the window in x (Torch7's rules), checked against x.
function Narrow:_window(x)
  local dim = TC.positive_dim(self, self.dimension, nil, x)
  local size = x:size(dim)
  local length = self.length
  if length < 0 then length = size - self.index + self.length + 2 end
  local index = self.index
  if index < 0 then
    index = 1
    length = size - length
  end
  if length < 1 or index + length - 1 > size then
    checks.fail(self, ('offset %d, length %d (elements %d to %d) do not fit dimension %d of size %d (input %s)'):format(
      self.index, self.length, index, index + length - 1, dim, size, TC.shape(x)))
  end
  return dim, index, length
end

function Narrow:updateOutput(input)
  TC.tensor(self, input)
  local window = input:narrow(self:_window(input))
  self.output:resizeAs(window):copy(window)
  return self.output
end

function Narrow:updateGradInput(input, gradOutput)
  TC.tensor(self, input)
  local dim, index, length = self:_window(input)
  checks.tensor(self, gradOutput, 'gradOutput')
  self.gradInput:resizeAs(input):zero()
  local window = self.gradInput:narrow(dim, index, length)
  if gradOutput:nElement() ~= window:nElement() then
    checks.fail(self, ('gradOutput (%s) does not match the output (%s)'):format(TC.shape(gradOutput), TC.shape(window)))
  end
  window:copy(gradOutput)
  return self.gradInput
end

function Narrow:checkLoaded()
  TC.loaded(self, { { 'dimension', nil, true }, { 'index', nil, true }, { 'length', nil, true } })
end

return Narrow
