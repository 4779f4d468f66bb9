-- nn.CAddTable(inplace): {x1, x2, ...} -> x1 + x2 + ... (every entry with the first
-- one's element count; the output has x1's shape). Each gradInput[i] is a copy of
-- gradOutput in xi's shape. As Torch7's: with inplace, the sum is accumulated into x1
-- itself (the output shares x1's storage) and every gradInput[i] is gradOutput itself.
local class = require 'stn.class'
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
  TC.grad_output(self, input, gradOutput)
  local g = TC.grad_slots(self, input, #input)
  for i, x in ipairs(input) do
    if self.inplace then
      g[i]:set(gradOutput)
    else
      g[i]:resizeAs(x):copy(gradOutput)
    end
  end
  return g
end

TC.table_gradient_methods(CAddTable, parent)

return CAddTable
