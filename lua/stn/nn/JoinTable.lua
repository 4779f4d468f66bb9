-- nn.JoinTable(dim, nInputDims): a table of tensors joined along dim (all other
-- sizes must agree); backward hands each input its slice of gradOutput. As Torch7:
-- a negative dim counts from the end, and with nInputDims given, an input with one
-- more dim than that is a batch, so dim moves one to the right.
local stn = require 'stn.base'
local class = require 'stn.class'
local errors = require 'stn.errors'
local is_integer = require('stn.integer').is_integer

local JoinTable, parent = class.new('nn.JoinTable', 'nn.Module')

local function fail(msg, ...) errors.fail('nn.JoinTable', msg, ...) end

function JoinTable:__init(dimension, nInputDims)
  parent.__init(self)
  if type(dimension) ~= 'number' or dimension == 0 or not is_integer(dimension) then
    fail('expected a non-zero integer dimension, got %s', tostring(dimension))
  end
  self.dimension = dimension
  self.nInputDims = nInputDims
  self.gradInput = {}
end

-- The dim to join along for this input, checked against every entry.
function JoinTable:_getPositiveDimension(input)
  if type(input) ~= 'table' or stn.isTensor(input) or #input == 0 then
    fail('expected a non-empty table of tensors, got %s', stn.type(input))
  end
  for i, t in ipairs(input) do
    if not stn.isTensor(t) then fail('entry %d of the input is a %s, not a tensor', i, stn.type(t)) end
  end
  local first = input[1]
  local d = self.dimension
  if d < 0 then d = first:dim() + d + 1
  elseif self.nInputDims and first:dim() == self.nInputDims + 1 then d = d + 1 end
  for i, t in ipairs(input) do
    local same = t:dim() == first:dim() and d >= 1 and d <= t:dim()
    for k = 1, first:dim() do same = same and (k == d or t:size(k) == first:size(k)) end
    if not same then
      local sizes = {}
      for j, x in ipairs(input) do sizes[j] = tostring(x:size()) end
      fail('cannot join along dimension %d: entry %d (%s) does not match entry 1 (%s); inputs: %s',
        d, i, tostring(t:size()), tostring(first:size()), table.concat(sizes, ', '))
    end
  end
  return d
end

function JoinTable:updateOutput(input)
  return self.output:cat(input, self:_getPositiveDimension(input))
end

function JoinTable:updateGradInput(input, gradOutput)
  local d = self:_getPositiveDimension(input)
  if not self.output:isSameSizeAs(gradOutput) then
    fail('gradOutput (%s) does not match the output (%s)', tostring(gradOutput:size()), tostring(self.output:size()))
  end
  local offset = 1
  for i, t in ipairs(input) do
    self.gradInput[i] = self.gradInput[i] or t.new()
    self.gradInput[i]:resizeAs(t):copy(gradOutput:narrow(d, offset, t:size(d)))
    offset = offset + t:size(d)
  end
  for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
  return self.gradInput
end

function JoinTable:type(typename, map)
  self.gradInput = {}
  return parent.type(self, typename, map)
end

return JoinTable
