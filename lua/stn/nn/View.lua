-- nn.View(sizes...): the input seen with other sizes (one may be -1, inferred), as
-- Torch7's nn.View, including its batch inference: with setNumInputDims(n), dims
-- beyond the last n of the input are the batch and are kept in front. A
-- non-contiguous input (or gradOutput) is first copied, where Torch7 would fail.
local stn = require 'stn.base'
local class = require 'stn.class'
local errors = require 'stn.errors'
local is_integer = require('stn.integer').is_integer

local View, parent = class.new('nn.View', 'nn.Module')

local function fail(msg, ...) errors.fail('nn.View', msg, ...) end

local function sizes_of(...)
  local first = ...
  local list = type(first) == 'table' and first or { ... }
  local copy = {}
  for i = 1, #list do copy[i] = list[i] end
  return copy
end

function View:__init(...)
  parent.__init(self)
  self:resetSize(...)
  self.numInputDims = nil
end

-- View(2, 3), View({2, 3}) or View(t:size()); one size may be -1.
function View:resetSize(...)
  local size = sizes_of(...)
  if #size == 0 then fail('expected at least one size') end
  local n, infer = 1, false
  for i, s in ipairs(size) do
    if type(s) ~= 'number' or not is_integer(s) or (s < 0 and s ~= -1) then
      fail('size %d must be a non-negative integer or -1, got %s', i, tostring(s))
    end
    if s == -1 then
      if infer then fail('only one size can be -1, got %s', table.concat(size, 'x')) end
      infer = true
    else
      n = n * s
    end
  end
  self.size = stn.Size.new(size)
  self.numElements = n
  return self
end

function View:setNumInputDims(n)
  self.numInputDims = n
  return self
end

-- The batch size Torch7's View infers for input, or nil for no batch dim.
function View:batchSize(input)
  local ind = input:dim()
  local maxdim = self.numInputDims or ind
  if maxdim > ind then
    fail('expected at least %d input dims, got %s', maxdim, tostring(input:size()))
  end
  local ine = 1
  for i = ind, ind - maxdim + 1, -1 do ine = ine * input:size(i) end
  if self.numElements == 0 or ine % self.numElements ~= 0 then
    fail('input view (%s) and desired view (%s) do not match', tostring(input:size()), tostring(self.size))
  end
  local bsz = ine / self.numElements
  for i = 1, #self.size do if self.size[i] == -1 then bsz = 1; break end end
  for i = ind - maxdim, 1, -1 do bsz = bsz * input:size(i) end
  if bsz == 1 and (not self.numInputDims or ind <= self.numInputDims) then return nil end
  return bsz
end

function View:updateOutput(input)
  if not stn.isTensor(input) or input:dim() == 0 then fail('expected a non-empty tensor input, got %s', stn.type(input)) end
  input = input:contiguous()
  local bsz = self:batchSize(input)
  local sizes = self.size:totable()
  if bsz then table.insert(sizes, 1, bsz) end
  local ok, out = pcall(input.view, input, sizes)
  if not ok then
    fail('input view (%s) and desired view (%s) do not match', tostring(input:size()), tostring(self.size))
  end
  self.output = out
  return self.output
end

-- (nn.Reshape shares this backward, hence stn.type in the message.)
function View:updateGradInput(input, gradOutput)
  if gradOutput:nElement() ~= input:nElement() then
    errors.fail(stn.type(self), 'gradOutput (%s) does not match the input (%s)', tostring(gradOutput:size()),
      tostring(input:size()))
  end
  self.gradInput = gradOutput:contiguous():view(input:size())
  return self.gradInput
end

-- Torch7's form, the sizes joined by ', ': nn.View(2, 3), nn.View(-1).
function View:__tostring()
  return stn.type(self) .. '(' .. table.concat(self.size:totable(), ', ') .. ')'
end

return View
