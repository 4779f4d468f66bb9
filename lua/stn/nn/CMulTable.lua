-- nn.CMulTable(): {x1, x2, ...} -> x1 * x2 * ... element-wise (every entry with the
-- first one's element count; the output has x1's shape). gradInput[i] is gradOutput
-- times the product of every other entry (not output / xi, so a zero entry gives the
-- right gradient), as Torch7's.
local class = require 'stn.class'
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
  TC.grad_output(self, input, gradOutput)
  local g = TC.grad_slots(self, input, #input)
  for i, x in ipairs(input) do
    g[i]:resizeAs(x):copy(gradOutput)
    for j, y in ipairs(input) do
      if j ~= i then g[i]:cmul(y) end
    end
  end
  return g
end

TC.table_gradient_methods(CMulTable, parent)

return CMulTable
