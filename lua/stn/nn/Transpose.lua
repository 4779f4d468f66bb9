-- nn.Transpose({d1, d2}, {d3, d4}, ...): swaps the dims of each pair in turn and
-- returns a contiguous copy, as Torch7's nn.Transpose. With setNumInputDims(n), the
-- dims count from the first of the last n input dims, so a batch dim in front is
-- left alone, in both directions.
local stn = require 'stn.base'
local class = require 'stn.class'
local errors = require 'stn.errors'

local Transpose, parent = class.new('nn.Transpose', 'nn.Module')

local function fail(msg, ...) errors.fail('nn.Transpose', msg, ...) end

function Transpose:__init(...)
  parent.__init(self)
  self.permutations = { ... }
  for i, p in ipairs(self.permutations) do
    if type(p) ~= 'table' or type(p[1]) ~= 'number' or type(p[2]) ~= 'number' then
      fail('permutation %d must be a pair of dims {d1, d2}', i)
    end
  end
  self.numInputDims = nil
end

function Transpose:setNumInputDims(n)
  self.numInputDims = n
  return self
end

local function permute(self, t, from, to, step)
  if not stn.isTensor(t) then fail('expected a tensor, got %s', stn.type(t)) end
  local offset = self.numInputDims and t:dim() - self.numInputDims or 0
  for i = from, to, step do
    local p = self.permutations[i]
    local a, b = p[1] + offset, p[2] + offset
    if a < 1 or b < 1 or a > t:dim() or b > t:dim() then
      fail('cannot swap dims %d and %d of a %d-D tensor (%s)', a, b, t:dim(), tostring(t:size()))
    end
    t = t:transpose(a, b)
  end
  return t
end

function Transpose:updateOutput(input)
  local t = permute(self, input, 1, #self.permutations, 1)
  self.output:resize(t:size()):copy(t)
  return self.output
end

function Transpose:updateGradInput(input, gradOutput)
  local t = permute(self, gradOutput, #self.permutations, 1, -1)
  self.gradInput:resize(t:size()):copy(t)
  return self.gradInput
end

return Transpose
