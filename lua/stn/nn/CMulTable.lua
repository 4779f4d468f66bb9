-- nn.CMulTable(): {x1, x2, ...} -> x1 * x2 * ... element-wise (every entry with the
-- first one's element count; the output has x1's shape). gradInput[i] is gradOutput
-- times the product of every other entry (not output / xi, so a zero entry gives the
-- right gradient), as Torch7's.
local class = require 'stn.class'
local stn = require 'stn.base'
local checks = require 'stn.nn.checks'
local TC = require 'stn.nn.table_checks'

local CMulTable, parent = class.new('nn.CMulTable', 'nn.Module')

function CMulTable:__init()
  parent.__init(self)
  self.gradInput = {}
end

function CMulTable:updateOutput(input)
  TC.tensor_list(self, input)
  self.output:resizeAs(input[1]):copy(input[1])
  for i = 2, #input do self.output:cmul(input[i]) end
  return self.output
end

function CMulTable:updateGradInput(input, gradOutput)
  TC.tensor_list(self, input)
  checks.tensor(self, gradOutput, 'gradOutput')
  if gradOutput:nElement() ~= input[1]:nElement() then
    checks.fail(self, ('gradOutput (%s) does not have the %d elements of the output'):format(TC.shape(gradOutput),
      input[1]:nElement()))
  end
  for i, x in ipairs(input) do
    self.gradInput[i] = stn.isTensor(self.gradInput[i]) and self.gradInput[i] or x.new()
    self.gradInput[i]:resizeAs(x):copy(gradOutput)
    for j, y in ipairs(input) do
      if j ~= i then self.gradInput[i]:cmul(y) end
    end
  end
  for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
  return self.gradInput
end

function CMulTable:type(typename, map)
  self.gradInput = {}
  return parent.type(self, typename, map)
end

function CMulTable:checkLoaded() TC.loaded(self, nil, { 'gradInput' }) end

return CMulTable
