-- nn.CSubTable(): {x1, x2} -> x1 - x2 (x2 with x1's element count; the output has x1's
-- shape); gradInput = {gradOutput, -gradOutput}, each in its input's shape (Torch7's).
-- Exactly two entries: Torch7 would ignore a third, stn refuses it.
local class = require 'stn.class'
local TC = require 'stn.nn.table_checks'

local CSubTable, parent = class.new('nn.CSubTable', 'nn.Module')

function CSubTable:__init()
  parent.__init(self)
  self.gradInput = {}
end

function CSubTable:updateOutput(input)
  TC.tensor_list(self, input, 2)
  self.output:resizeAs(input[1]):copy(input[1]):add(-1, input[2])
  return self.output
end

function CSubTable:updateGradInput(input, gradOutput)
  TC.tensor_list(self, input, 2)
  TC.grad_output(self, input, gradOutput)
  local g = TC.grad_slots(self, input, 2)
  g[1]:resizeAs(input[1]):copy(gradOutput)
  g[2]:resizeAs(input[2]):copy(gradOutput):mul(-1)
  return g
end

TC.table_gradient_methods(CSubTable, parent)

return CSubTable
