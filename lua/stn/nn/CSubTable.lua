-- nn.CSubTable(): {x1, x2} -> x1 - x2 (x2 with x1's element count; the output has x1's
-- shape); gradInput = {gradOutput, -gradOutput}, each in its input's shape (Torch7's).
-- Exactly two entries: Torch7 would ignore a third, stn refuses it.
local class = require 'stn.class'
local stn = require 'stn.base'
local checks = require 'stn.nn.checks'
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
  checks.tensor(self, gradOutput, 'gradOutput')
  if gradOutput:nElement() ~= input[1]:nElement() then
    checks.fail(self, ('gradOutput (%s) does not have the %d elements of the output'):format(TC.shape(gradOutput),
      input[1]:nElement()))
  end
  for i = 1, 2 do
    self.gradInput[i] = stn.isTensor(self.gradInput[i]) and self.gradInput[i] or input[1].new()
    self.gradInput[i]:resizeAs(input[i]):copy(gradOutput)
  end
  self.gradInput[2]:mul(-1)
  for i = 3, #self.gradInput do self.gradInput[i] = nil end
  return self.gradInput
end

function CSubTable:type(typename, map)
  self.gradInput = {}
  return parent.type(self, typename, map)
end

function CSubTable:checkLoaded() TC.loaded(self, nil, { 'gradInput' }) end

return CSubTable
