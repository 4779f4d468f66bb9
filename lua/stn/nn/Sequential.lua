-- nn.Sequential: modules applied one after the other; the output of module i is the
-- input of module i+1, and backward runs the chain in reverse (Torch7's semantics:
-- each child's backward receives the output of the child before it as its input).
local stn = require 'stn.base'
local class = require 'stn.class'
local errors = require 'stn.errors'

local Sequential, parent = class.new('nn.Sequential', 'nn.Container')

-- The number of modules, as Torch7's; LuaJIT calls no __len on tables, so #seq is the
-- table's own length there as here: call seq:size() or seq:__len().
function Sequential:__len() return #self.modules end

function Sequential:add(module)
  parent.add(self, module)
  if #self.modules == 1 then self.gradInput = module.gradInput end
  self.output = module.output
  return self
end

function Sequential:insert(module, index)
  index = index or (#self.modules + 1)
  if type(index) ~= 'number' or index < 1 or index > #self.modules + 1 then
    errors.fail('nn.Sequential:insert', 'index %s out of range 1..%d', tostring(index), #self.modules + 1)
  end
  parent.add(self, module) -- checks module
  table.remove(self.modules)
  table.insert(self.modules, index, module)
  self.output = self.modules[#self.modules].output
  self.gradInput = self.modules[1].gradInput
  return self
end

function Sequential:remove(index)
  index = index or #self.modules
  if type(index) ~= 'number' or index < 1 or index > #self.modules then
    errors.fail('nn.Sequential:remove', 'index %s out of range 1..%d', tostring(index), #self.modules)
  end
  local removed = table.remove(self.modules, index)
  if #self.modules > 0 then
    self.output = self.modules[#self.modules].output
    self.gradInput = self.modules[1].gradInput
  else
    self.output = stn.Tensor():type(self:type()) -- empty, of the module's type
    self.gradInput = stn.Tensor():type(self:type())
  end
  return removed
end

function Sequential:updateOutput(input)
  local current = input
  for i = 1, #self.modules do
    current = self:rethrowErrors(self.modules[i], i, 'updateOutput', current)
  end
  self.output = current
  return current
end

function Sequential:updateGradInput(input, gradOutput)
  local current = gradOutput
  for i = #self.modules, 2, -1 do
    current = self:rethrowErrors(self.modules[i], i, 'updateGradInput', self.modules[i - 1].output, current)
  end
  if #self.modules > 0 then current = self:rethrowErrors(self.modules[1], 1, 'updateGradInput', input, current) end
  self.gradInput = current
  return current
end

function Sequential:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local current = gradOutput
  for i = #self.modules, 2, -1 do
    local m = self.modules[i]
    self:rethrowErrors(m, i, 'accGradParameters', self.modules[i - 1].output, current, scale)
    current = m.gradInput
  end
  if #self.modules > 0 then self:rethrowErrors(self.modules[1], 1, 'accGradParameters', input, current, scale) end
end

function Sequential:backward(input, gradOutput, scale)
  scale = scale or 1
  local current = gradOutput
  for i = #self.modules, 2, -1 do
    local m = self.modules[i]
    current = self:rethrowErrors(m, i, 'backward', self.modules[i - 1].output, current, scale)
    m.gradInput = current
  end
  if #self.modules > 0 then current = self:rethrowErrors(self.modules[1], 1, 'backward', input, current, scale) end
  self.gradInput = current
  return current
end

function Sequential:__tostring()
  local tab, line, arrow = '  ', '\n', ' -> '
  local str = stn.type(self) .. ' {' .. line .. tab .. '[input'
  for i = 1, #self.modules do str = str .. arrow .. '(' .. i .. ')' end
  str = str .. arrow .. 'output]'
  for i, m in ipairs(self.modules) do
    str = str .. line .. tab .. '(' .. i .. '): ' .. tostring(m):gsub(line, line .. tab)
  end
  return str .. line .. '}'
end

return Sequential
