-- nn.Reshape(sizes... [, batchMode]): the input viewed with the given sizes, as
-- Torch7's nn.Reshape. Without batchMode, an input with exactly the right number of
-- elements and a first dim other than 1 is reshaped whole; otherwise the first dim is
-- a batch kept in front. batchMode = true always keeps it; false never does. One size
-- may be -1, inferred from the element count; as in Torch7 the count then never matches
-- exactly, so without batchMode = false the first dim is a batch (Reshape(-1) on B x ...
-- gives B x N). A non-contiguous input (or gradOutput) is copied first.
local stn = require 'stn.base'
local class = require 'stn.class'
local errors = require 'stn.errors'
local is_integer = require('stn.integer').is_integer

local Reshape, parent = class.new('nn.Reshape', 'nn.Module')

local function fail(msg, ...) errors.fail('nn.Reshape', msg, ...) end

function Reshape:__init(...)
  parent.__init(self)
  local args = { ... }
  if type(args[#args]) == 'boolean' then self.batchMode = table.remove(args) end
  local list = (#args == 1 and type(args[1]) == 'table') and args[1] or args
  local size = {}
  for i = 1, #list do size[i] = list[i] end
  if #size == 0 then fail('expected at least one size') end
  self.nelement = 1 -- negative with a -1 among the sizes, as Torch7's
  local infer = false
  for i, s in ipairs(size) do
    if type(s) ~= 'number' or not is_integer(s) or (s < 1 and s ~= -1) then
      fail('size %d must be a positive integer or -1, got %s', i, tostring(s))
    end
    if s == -1 then
      if infer then fail('only one size can be -1, got %s', table.concat(size, 'x')) end
      infer = true
    end
    self.nelement = self.nelement * s
  end
  self.size = stn.Size.new(size)
end

function Reshape:updateOutput(input)
  if not stn.isTensor(input) or input:dim() == 0 then fail('expected a non-empty tensor input, got %s', stn.type(input)) end
  input = input:contiguous()
  local sizes = self.size:totable()
  local whole = self.batchMode == false
    or (self.batchMode == nil and input:nElement() == self.nelement and input:size(1) ~= 1)
  if not whole then table.insert(sizes, 1, input:size(1)) end
  local n, at = 1, nil
  for i, s in ipairs(sizes) do if s == -1 then at = i else n = n * s end end
  if at and n > 0 and input:nElement() % n == 0 then sizes[at] = input:nElement() / n; n = input:nElement() end
  if n ~= input:nElement() then
    fail('cannot reshape input (%s, %d elements) to %s', tostring(input:size()), input:nElement(), table.concat(sizes, 'x'))
  end
  self.output = input:view(sizes)
  return self.output
end

-- the gradient is gradOutput seen with the input's sizes, as in nn.View
local View = require 'stn.nn.View'
Reshape.updateGradInput = View.updateGradInput

-- Torch7's form, the sizes joined by 'x': nn.Reshape(2x3), nn.Reshape(-1).
function Reshape:__tostring()
  return stn.type(self) .. '(' .. table.concat(self.size:totable(), 'x') .. ')'
end

return Reshape
