-- nn.NarrowTable(offset, length): a table -> its entries offset .. offset + length - 1
-- (length 1 when not given), the entries themselves, no copies. gradInput has the
-- input's structure: gradOutput's entries at those places, zeros elsewhere (Torch7's).
-- An input with fewer entries than offset + length - 1 is an error (Torch7 would return
-- a shorter table).
local class = require 'stn.class'
local stn = require 'stn.base'
local checks = require 'stn.nn.checks'
local TC = require 'stn.nn.table_checks'
local utils = require 'stn.nn.utils'
local is_integer = require('stn.integer').is_integer

local NarrowTable, parent = class.new('nn.NarrowTable', 'nn.Module')

function NarrowTable:__init(offset, length)
  parent.__init(self)
  length = length or 1
  for _, a in ipairs { { 'offset', offset }, { 'length', length } } do
    if type(a[2]) ~= 'number' or a[2] < 1 or not is_integer(a[2]) then
      checks.fail(self, ('%s must be a positive integer (nn.NarrowTable(offset, length)), got %s'):format(a[1],
        tostring(a[2])))
    end
  end
  self.offset, self.length = offset, length
  self.output = {}
  self.gradInput = {}
end

local function check_input(self, input)
  if type(input) ~= 'table' or stn.isTensor(input) then
    checks.fail(self, ('input must be a table, got %s'):format(stn.type(input)))
  end
  local last = self.offset + self.length - 1
  if #input < last then
    checks.fail(self, ('entries %d to %d asked for, but the input table has %d entries'):format(self.offset, last, #input))
  end
end

function NarrowTable:updateOutput(input)
  check_input(self, input)
  for k in pairs(self.output) do self.output[k] = nil end
  for i = 1, self.length do self.output[i] = input[self.offset + i - 1] end
  return self.output
end

function NarrowTable:updateGradInput(input, gradOutput)
  check_input(self, input)
  if type(gradOutput) ~= 'table' or stn.isTensor(gradOutput) or #gradOutput ~= self.length then
    checks.fail(self, ('gradOutput must be a table of %d entries, got %s'):format(self.length,
      type(gradOutput) == 'table' and not stn.isTensor(gradOutput) and (#gradOutput .. ' entries') or stn.type(gradOutput)))
  end
  for i = 1, #input do
    if i < self.offset or i >= self.offset + self.length then
      self.gradInput[i] = utils.recursiveResizeAs(self.gradInput[i], input[i])
      utils.recursiveFill(self.gradInput[i], 0)
    else
      self.gradInput[i] = gradOutput[i - self.offset + 1]
    end
  end
  for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
  return self.gradInput
end

function NarrowTable:type(typename, map)
  self.output = {}
  self.gradInput = {}
  return parent.type(self, typename, map)
end

function NarrowTable:checkLoaded()
  TC.loaded(self, { { 'offset', 1 }, { 'length', 1 } }, { 'output', 'gradInput' })
end

return NarrowTable
