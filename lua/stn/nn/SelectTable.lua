-- nn.SelectTable(index): entry index of the input table (a negative number counts from
-- the end; a key of another type, such as a string, selects input[key], as in Torch7).
-- gradInput has the input's structure: zeros everywhere but at index, which gets
-- a copy of gradOutput (Torch7's nn.SelectTable).
local stn = require 'stn.base'
local class = require 'stn.class'
local errors = require 'stn.errors'
local is_integer = require('stn.integer').is_integer

local SelectTable, parent = class.new('nn.SelectTable', 'nn.Module')

local function fail(msg, ...) errors.fail('nn.SelectTable', msg, ...) end

function SelectTable:__init(index)
  parent.__init(self)
  if index == nil or (type(index) == 'number' and (index == 0 or not is_integer(index))) then
    fail('expected a non-zero integer index or a table key, got %s', tostring(index))
  end
  self.index = index
  self.gradInput = {}
end

local function resolve(self, input)
  if type(input) ~= 'table' or stn.isTensor(input) then fail('expected a table input, got %s', stn.type(input)) end
  local index = self.index
  if type(index) == 'number' and index < 0 then index = #input + index + 1 end
  if input[index] == nil then fail('index %s does not exist in an input table of %d entries', tostring(self.index), #input) end
  return index
end

function SelectTable:updateOutput(input)
  self.output = input[resolve(self, input)]
  return self.output
end

-- t1 takes t2's structure, with zeroed tensors (reusing t1's where it has them).
local function zeroTableCopy(t1, t2)
  for k, v in pairs(t2) do
    if stn.isTensor(v) then
      t1[k] = stn.isTensor(t1[k]) and t1[k]:typeAs(v) or v.new()
      t1[k]:resizeAs(v):zero()
    elseif type(v) == 'table' then
      t1[k] = zeroTableCopy(type(t1[k]) == 'table' and not stn.isTensor(t1[k]) and t1[k] or {}, v)
    else
      t1[k] = nil
    end
  end
  for k in pairs(t1) do if t2[k] == nil then t1[k] = nil end end
  return t1
end

-- dst <- src for a tensor or a nested table of tensors; returns dst.
local function recursiveCopy(dst, src)
  if stn.isTensor(src) then
    dst = stn.isTensor(dst) and dst or src.new()
    return dst:resizeAs(src):copy(src)
  end
  dst = (type(dst) == 'table' and not stn.isTensor(dst)) and dst or {}
  for k, v in pairs(src) do dst[k] = recursiveCopy(dst[k], v) end
  return dst
end

function SelectTable:updateGradInput(input, gradOutput)
  local index = resolve(self, input)
  zeroTableCopy(self.gradInput, input)
  self.gradInput[index] = recursiveCopy(self.gradInput[index], gradOutput)
  return self.gradInput
end

function SelectTable:type(typename, map)
  self.gradInput = {}
  self.output = {}
  return parent.type(self, typename, map)
end

function SelectTable:__tostring()
  return stn.type(self) .. '(' .. tostring(self.index) .. ')'
end

return SelectTable
