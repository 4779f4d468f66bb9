-- nn.FlattenTable(): a nested table -> a flat table of its leaves (tensors, or any
-- value that is not a plain table) in depth-first order, the leaves themselves, no
-- copies; backward gives gradOutput's entries back in the input's nesting (Torch7's).
-- The flat table is rebuilt only when the input's structure or leaves change.
local class = require 'stn.class'
local stn = require 'stn.base'
local checks = require 'stn.nn.checks'
local TC = require 'stn.nn.table_checks'

local FlattenTable, parent = class.new('nn.FlattenTable', 'nn.Module')

function FlattenTable:__init()
  parent.__init(self)
  self.output = {}
  self.input_map = {}
  self.gradInput = {}
end

local function is_plain(v) return stn.type(v) == 'table' end

-- Appends the leaves of input to output; returns input's map (a leaf's place in output,
-- or a table of the maps of its entries).
local function flatten(output, input)
  if not is_plain(input) then
    output[#output + 1] = input
    return #output
  end
  local map = {}
  for i = 1, #input do map[i] = flatten(output, input[i]) end
  return map
end

-- Whether flat still holds input's leaves at the places map gives.
local function matches(flat, input, map)
  if map == nil or flat == nil or input == nil then return false end
  if not is_plain(input) then return type(map) == 'number' and flat[map] == input end
  if type(map) ~= 'table' or #map ~= #input then return false end
  for i = 1, #input do
    if not matches(flat, input[i], map[i]) then return false end
  end
  return true
end

-- Whether input is nested as map says (its leaves may be other values).
local function same_nesting(input, map)
  if not is_plain(input) then return type(map) == 'number' end
  if type(map) ~= 'table' or #map ~= #input then return false end
  for i = 1, #input do
    if not same_nesting(input[i], map[i]) then return false end
  end
  return true
end

-- gradOutput's entries arranged as map.
local function unflatten(gradOutput, map)
  if type(map) == 'number' then return gradOutput[map] end
  local g = {}
  for i = 1, #map do g[i] = unflatten(gradOutput, map[i]) end
  return g
end

local function check_table(self, x, what)
  if not is_plain(x) then checks.fail(self, ('%s must be a table, got %s'):format(what, stn.type(x))) end
end

function FlattenTable:updateOutput(input)
  check_table(self, input, 'input')
  if not matches(self.output, input, self.input_map) then
    self.output = {}
    self.input_map = flatten(self.output, input)
  end
  return self.output
end

function FlattenTable:updateGradInput(input, gradOutput)
  check_table(self, input, 'input')
  check_table(self, gradOutput, 'gradOutput')
  if not same_nesting(input, self.input_map) then
    checks.fail(self, 'the input is not nested as the last forward\'s: call forward first')
  end
  if #gradOutput ~= #self.output then
    checks.fail(self, ('gradOutput has %d entries but the output has %d'):format(#gradOutput, #self.output))
  end
  if not matches(gradOutput, self.gradInput, self.input_map) then
    self.gradInput = unflatten(gradOutput, self.input_map)
  end
  return self.gradInput
end

-- Only references are held: nothing to convert, the tables are emptied.
function FlattenTable:type(typename, map)
  self:clearState()
  return parent.type(self, typename, map)
end

function FlattenTable:clearState()
  self.input_map = {}
  self.output = {}
  self.gradInput = {}
  return self
end

function FlattenTable:checkLoaded()
  TC.loaded(self, nil, { 'output', 'gradInput', 'input_map' })
end

return FlattenTable
