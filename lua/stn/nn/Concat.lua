-- nn.Concat(dim): every child sees the same input (a tensor or a table); their outputs
-- are concatenated along dim (all other sizes must agree). Backward hands each child its
-- slice of gradOutput and sums the children's gradInputs (entry by entry for a table
-- input), as Torch7's nn.Concat.
local stn = require 'stn.base'
local class = require 'stn.class'
local errors = require 'stn.errors'
local is_integer = require('stn.integer').is_integer

local Concat, parent = class.new('nn.Concat', 'nn.Container')

function Concat:__init(dimension)
  parent.__init(self)
  if type(dimension) ~= 'number' or dimension < 1 or not is_integer(dimension) then
    errors.fail('nn.Concat', 'expected a positive dimension, got ' .. tostring(dimension))
  end
  self.dimension = dimension
end

local function fail(msg, ...) errors.fail('nn.Concat', msg, ...) end

function Concat:updateOutput(input)
  local d = self.dimension
  local outs, size = {}, nil
  for i, m in ipairs(self.modules) do
    local out = self:rethrowErrors(m, i, 'updateOutput', input)
    outs[i] = out
    if out:dim() < d then fail('output of module %d (%s) has no dimension %d', i, tostring(out:size()), d) end
    if not size then
      size = out:size():totable()
    else
      local same = out:dim() == #size
      for k = 1, #size do same = same and (k == d or out:size(k) == size[k]) end
      if not same then
        fail('output of module %d (%s) does not match the others (%s) except in dimension %d',
          i, tostring(out:size()), table.concat(size, 'x'), d)
      end
      size[d] = size[d] + out:size(d)
    end
  end
  if not size then return self.output end
  return self.output:cat(outs, d)
end

-- acc <- g (first child) or acc + g, for a gradient that is a tensor or nested tables
-- of tensors (a table input); returns acc.
local function accumulate(acc, g, first, i)
  if stn.isTensor(g) then
    if not stn.isTensor(acc) then acc = stn.Tensor():typeAs(g) end
    if first or acc:nElement() == 0 then return acc:resizeAs(g):copy(g) end
    if not acc:isSameSizeAs(g) then
      fail('gradInput of module %d (%s) does not match the others (%s)', i, tostring(g:size()), tostring(acc:size()))
    end
    return acc:add(g)
  end
  if type(g) ~= 'table' then fail('module %d gave a %s as gradInput for a table input', i, stn.type(g)) end
  if type(acc) ~= 'table' or stn.isTensor(acc) then acc = {} end
  for k, v in ipairs(g) do acc[k] = accumulate(acc[k], v, first, i) end
  for k = #g + 1, #acc do acc[k] = nil end
  return acc
end

-- Runs method ('updateGradInput' or 'backward') on every child with its slice of
-- gradOutput, summing the gradInputs (tables of them for a table input, as Torch7).
local function backward(self, method, input, gradOutput, scale)
  local d, offset = self.dimension, 1
  if not self.output:isSameSizeAs(gradOutput) then
    fail('gradOutput (%s) does not match the output (%s)', tostring(gradOutput:size()), tostring(self.output:size()))
  end
  local isTable = type(input) == 'table' and not stn.isTensor(input)
  if not isTable then
    if not stn.isTensor(self.gradInput) then self.gradInput = stn.Tensor():typeAs(input) end
    self.gradInput:resizeAs(input)
  end
  for i, m in ipairs(self.modules) do
    local n = m.output:size(d)
    local g = self:rethrowErrors(m, i, method, input, gradOutput:narrow(d, offset, n), scale)
    if isTable then
      if type(g) ~= 'table' or stn.isTensor(g) or #g ~= #input then
        fail('module %d gave %s as gradInput for an input table of %d entries', i,
          (type(g) == 'table' and not stn.isTensor(g)) and ('a table of ' .. #g) or stn.type(g), #input)
      end
      self.gradInput = accumulate(self.gradInput, g, i == 1, i)
    elseif g then
      if i == 1 then self.gradInput:copy(g) else self.gradInput:add(g) end
    end
    offset = offset + n
  end
  return self.gradInput
end

function Concat:updateGradInput(input, gradOutput) return backward(self, 'updateGradInput', input, gradOutput) end
function Concat:backward(input, gradOutput, scale) return backward(self, 'backward', input, gradOutput, scale or 1) end

function Concat:accGradParameters(input, gradOutput, scale)
  local d, offset = self.dimension, 1
  for i, m in ipairs(self.modules) do
    local n = m.output:size(d)
    self:rethrowErrors(m, i, 'accGradParameters', input, gradOutput:narrow(d, offset, n), scale or 1)
    offset = offset + n
  end
end

Concat.__tostring = parent.branchString

return Concat
