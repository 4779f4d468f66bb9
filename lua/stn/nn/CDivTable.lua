-- nn.CDivTable(): {x1, x2} -> x1 / x2 element-wise (x2 with x1's element count; the
-- output has x1's shape). gradInput = {gradOutput / x2, -gradOutput * x1 / x2^2}, each in
-- its input's shape (Torch7's). Exactly two entries: Torch7 would ignore a third, stn
-- refuses it.
local class = require 'stn.class'
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
  TC.grad_output(self, input, gradOutput)
  local g = TC.grad_slots(self, input, 2)
  g[1]:resizeAs(input[1]):copy(gradOutput):cdiv(input[2])
  g[2]:resizeAs(input[2]):zero():addcdiv(-1, g[1], input[2]):cmul(input[1])
  return g
end

TC.table_gradient_methods(CDivTable, parent)

return CDivTable
