-- nn.ParallelTable: child i is applied to entry i of the input table; the output is
-- the table of their outputs (Torch7's nn.ParallelTable).
local stn = require 'stn.base'
local class = require 'stn.class'
local errors = require 'stn.errors'

local ParallelTable, parent = class.new('nn.ParallelTable', 'nn.Container')

function ParallelTable:__init()
  parent.__init(self)
  self.output = {}
  self.gradInput = {}
end

local function check(self, t, what)
  if type(t) ~= 'table' or stn.isTensor(t) or #t < #self.modules then
    local got = (type(t) == 'table' and not stn.isTensor(t)) and ('a table of ' .. #t) or stn.type(t)
    errors.fail('nn.ParallelTable', 'expected %s as a table of at least %d entries (one per module), got %s', what,
      #self.modules, got)
  end
end

function ParallelTable:updateOutput(input)
  check(self, input, 'input')
  for i, m in ipairs(self.modules) do self.output[i] = self:rethrowErrors(m, i, 'updateOutput', input[i]) end
  for i = #self.modules + 1, #self.output do self.output[i] = nil end
  return self.output
end

local function backward(self, method, input, gradOutput, scale)
  check(self, input, 'input')
  check(self, gradOutput, 'gradOutput')
  for i, m in ipairs(self.modules) do
    self.gradInput[i] = self:rethrowErrors(m, i, method, input[i], gradOutput[i], scale)
  end
  for i = #self.modules + 1, #self.gradInput do self.gradInput[i] = nil end
  return self.gradInput
end

function ParallelTable:updateGradInput(input, gradOutput) return backward(self, 'updateGradInput', input, gradOutput) end
function ParallelTable:backward(input, gradOutput, scale) return backward(self, 'backward', input, gradOutput, scale or 1) end

function ParallelTable:accGradParameters(input, gradOutput, scale)
  for i, m in ipairs(self.modules) do
    self:rethrowErrors(m, i, 'accGradParameters', input[i], gradOutput[i], scale or 1)
  end
end

ParallelTable.__tostring = parent.branchString

return ParallelTable
