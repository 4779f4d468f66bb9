-- nn.ConcatTable: every child sees the same input; the output is the table of their
-- outputs. Backward sums the children's gradInputs (tensors, or tables of tensors
-- when the input is a table), as Torch7's nn.ConcatTable.
local stn = require 'stn.base'
local class = require 'stn.class'
local errors = require 'stn.errors'

local ConcatTable, parent = class.new('nn.ConcatTable', 'nn.Container')

function ConcatTable:__init()
  parent.__init(self)
  self.output = {}
end

function ConcatTable:updateOutput(input)
  for i, m in ipairs(self.modules) do self.output[i] = self:rethrowErrors(m, i, 'updateOutput', input) end
  for i = #self.modules + 1, #self.output do self.output[i] = nil end
  return self.output
end

local function fail(msg, ...) errors.fail('nn.ConcatTable', msg, ...) end

-- acc <- v (first) or acc + v, for tensors and nested tables of them; returns acc.
local function accumulate(acc, v, first, where)
  if stn.isTensor(v) then
    if not stn.isTensor(acc) then acc = v.new() end
    if first then acc:resizeAs(v):copy(v)
    elseif not acc:isSameSizeAs(v) then
      fail('gradInput%s of module %d is %s but the others gave %s', where.path, where.index, tostring(v:size()),
        tostring(acc:size()))
    else acc:add(v) end
    return acc
  end
  if type(v) ~= 'table' then
    fail('module %d gave a %s as gradInput%s', where.index, type(v), where.path)
  end
  if type(acc) ~= 'table' or stn.isTensor(acc) then acc = {} end
  local path = where.path
  for k, x in ipairs(v) do
    where.path = path .. '[' .. k .. ']'
    acc[k] = accumulate(acc[k], x, first, where)
  end
  where.path = path
  for k = #v + 1, #acc do acc[k] = nil end
  return acc
end

local function backward(self, method, input, gradOutput, scale)
  if type(gradOutput) ~= 'table' or stn.isTensor(gradOutput) or #gradOutput ~= #self.modules then
    fail('expected gradOutput as a table of %d entries, got %s', #self.modules,
      type(gradOutput) == 'table' and ('a table of ' .. #gradOutput) or stn.type(gradOutput))
  end
  for i, m in ipairs(self.modules) do
    local g = self:rethrowErrors(m, i, method, input, gradOutput[i], scale)
    self.gradInput = accumulate(self.gradInput, g, i == 1, { index = i, path = '' })
  end
  return self.gradInput
end

function ConcatTable:updateGradInput(input, gradOutput) return backward(self, 'updateGradInput', input, gradOutput) end
function ConcatTable:backward(input, gradOutput, scale) return backward(self, 'backward', input, gradOutput, scale or 1) end

function ConcatTable:accGradParameters(input, gradOutput, scale)
  for i, m in ipairs(self.modules) do self:rethrowErrors(m, i, 'accGradParameters', input, gradOutput[i], scale or 1) end
end

ConcatTable.__tostring = parent.branchString

return ConcatTable
