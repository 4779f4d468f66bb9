-- nn.CDivTable(): {x1, x2} -> x1 / x2 element-wise (x2 with x1's element count; the
-- output has x1's shape). gradInput = {gradOutput / x2, -gradOutput * x1 / x2^2}, each in
-- its input's shape (Torch7's). Exactly two entries: Torch7 would ignore a third, stn
-- refuses it.
local class = require 'stn.class'
local stn = require 'stn.base'
local checks = require 'stn.nn.checks'
local TC = require 'stn.nn.table_checks'

local CDivTable, parent = class.new('nn.CDivTable', 'nn.Module')

function CDivTable:__init()
  parent.__init(self)
  self.gradInput = {}
end

function CDivTable:updateOutput(input)
  TC.tensor_list(self, input, 2)
  self.output:resizeAs(input[1]):copy(input[1]):cdiv(input[2])
  return self.output
end

function CDivTable:updateGradInput(input, gradOutput)
  TC.tensor_list(self, input, 2)
  checks.tensor(self, gradOutput, 'gradOutput')
  if gradOutput:nElement() ~= input[1]:nElement() then
    checks.fail(self, ('gradOutput (%s) does not have the %d elements of the output'):format(TC.shape(gradOutput),
      input[1]:nElement()))
  end
  for i = 1, 2 do
    self.gradInput[i] = stn.isTensor(self.gradInput[i]) and self.gradInput[i] or input[1].new()
  end
  local g1, g2 = self.gradInput[1], self.gradInput[2]
  g1:resizeAs(input[1]):copy(gradOutput):cdiv(input[2])
  g2:resizeAs(input[2]):zero():addcdiv(-1, g1, input[2]):cmul(input[1])
  for i = 3, #self.gradInput do self.gradInput[i] = nil end
  return self.gradInput
end

function CDivTable:type(typename, map)
  self.gradInput = {}
  return parent.type(self, typename, map)
end

function CDivTable:checkLoaded() TC.loaded(self, nil, { 'gradInput' }) end

return CDivTable
