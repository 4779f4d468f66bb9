-- nn.CAddTable(inplace): {x1, x2, ...} -> x1 + x2 + ... (every entry with the first
-- one's element count; the output has x1's shape). Each gradInput[i] is a copy of
-- gradOutput in xi's shape. As Torch7's: with inplace, the sum is accumulated into x1
-- itself (the output shares x1's storage) and every gradInput[i] is gradOutput itself.
local stn = require 'stn.base'
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local TC = require 'stn.nn.table_checks'

local CAddTable, parent = class.new('nn.CAddTable', 'nn.Module')

function CAddTable:__init(inplace)
  parent.__init(self)
  self.inplace = inplace
  self.gradInput = {}
end

function CAddTable:updateOutput(input)
  TC.tensor_list(self, input)
  if self.inplace then
    self.output:set(input[1])
  else
    self.output:resizeAs(input[1]):copy(input[1])
  end
  for i = 2, #input do self.output:add(input[i]) end
  return self.output
end

function CAddTable:updateGradInput(input, gradOutput)
  TC.tensor_list(self, input)
  checks.tensor(self, gradOutput, 'gradOutput')
  if gradOutput:nElement() ~= input[1]:nElement() then
    checks.fail(self, ('gradOutput (%s) does not have the %d elements of the output'):format(TC.shape(gradOutput),
      input[1]:nElement()))
  end
  for i, x in ipairs(input) do
    self.gradInput[i] = stn.isTensor(self.gradInput[i]) and self.gradInput[i] or x.new()
    if self.inplace then
      self.gradInput[i]:set(gradOutput)
    else
      self.gradInput[i]:resizeAs(x):copy(gradOutput)
    end
  end
  for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
  return self.gradInput
end

function CAddTable:type(typename, map)
  self.gradInput = {}
  return parent.type(self, typename, map)
end

function CAddTable:checkLoaded() TC.loaded(self, nil, { 'gradInput' }) end

return CAddTable
