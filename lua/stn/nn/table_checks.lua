-- Checks and gradient plumbing shared by the table, view and dimension modules
-- (CAddTable ... Min): a table of tensors of one element type and one element count,
-- Torch7's rule for a dimension argument (negative from the end; with nInputDims, one
-- more dim is a batch), and the gradOutput checks their backward passes share.
-- Each raises "stn: nn.<Module>: <what>" at the user's line.
local stn = require 'stn.base'
local checks = require 'stn.nn.checks'
local is_integer = require('stn.integer').is_integer

local M = {}

local function shape(t) return t:dim() == 0 and 'empty' or checks.shape(t) end
M.shape = shape

-- input is a table of tensors (exactly n entries when n is given, else at least one),
-- each of the module's element type and with as many elements as the first.
function M.tensor_list(module, input, n, what)
  what = what or 'input'
  if type(input) ~= 'table' or stn.isTensor(input) then
    checks.fail(module, ('%s must be a table of tensors, got %s'):format(what, stn.type(input)))
  end
  if (n and #input ~= n) or #input == 0 then
    checks.fail(module, ('%s must be a table of %s tensors, got %d entries'):format(what, n or 'one or more', #input))
  end
  for i, t in ipairs(input) do
    if not stn.isTensor(t) then checks.fail(module, ('%s[%d] is a %s, not a tensor'):format(what, i, stn.type(t))) end
    checks.same_type(module, t, ('%s[%d]'):format(what, i))
    if t:nElement() ~= input[1]:nElement() then
      checks.fail(module, ('%s[%d] (%s) has %d elements but %s[1] (%s) has %d'):format(what, i, shape(t), t:nElement(),
        what, shape(input[1]), input[1]:nElement()))
    end
  end
  return input
end

-- A dimension argument: a non-zero integer (negative counts from the end).
function M.dim_arg(module, name, v)
  if type(v) ~= 'number' or v == 0 or not is_integer(v) then
    checks.fail(module, ('%s must be a non-zero integer, got %s'):format(name, tostring(v)))
  end
  return v
end

-- An optional nInputDims argument: nil or a positive integer.
function M.ninputdims_arg(module, v, name)
  if v ~= nil and (type(v) ~= 'number' or v < 1 or not is_integer(v)) then
    checks.fail(module, ('%s must be a positive integer or nil, got %s'):format(name or 'nInputDims', tostring(v)))
  end
  return v
end

-- Torch7's _getPositiveDimension: a negative dim counts from the end of x; with
-- nInputDims and x having one dim more, the first dim is a batch and dim moves right.
-- The result must name a dim of x (limit: x:dim() unless given).
function M.positive_dim(module, dim, nInputDims, x, limit)
  local d = dim
  if d < 0 then d = x:dim() + d + 1
  elseif nInputDims and x:dim() == nInputDims + 1 then d = d + 1 end
  limit = limit or x:dim()
  if d < 1 or d > limit then
    checks.fail(module, ('dimension %d%s is out of range for a %d-D input (%s)'):format(dim,
      d ~= dim and (' (' .. d .. ')') or '', x:dim(), shape(x)))
  end
  return d
end

-- x is a tensor of the module's type.
function M.tensor(module, x, what)
  checks.tensor(module, x, what or 'input')
  return x
end

-- For checkLoaded (stn.load checks a rebuilt module's fields, see checks.lua): each
-- spec {field, least, nonzero, optional} is an integer (at least `least` when given, not
-- 0 when nonzero), or nil when optional; tables (a list of field names) are plain tables.
function M.loaded(self, ints, tables)
  for _, spec in ipairs(ints or {}) do
    local field, least, nonzero, optional = spec[1], spec[2], spec[3], spec[4]
    local v = self[field]
    if not (v == nil and optional) then
      if type(v) ~= 'number' or not is_integer(v) or (least and v < least) or (nonzero and v == 0) then
        checks.loaded_refuse(field, 'expected %s%s, found %s', nonzero and 'a non-zero integer' or 'an integer',
          least and (' >= ' .. least) or '', type(v) == 'number' and tostring(v) or stn.type(v))
      end
    end
  end
  for _, field in ipairs(tables or {}) do
    if stn.type(self[field]) ~= 'table' then checks.loaded_refuse(field, 'expected a table, found %s', stn.type(self[field])) end
  end
end

-- The element-wise table modules (CAddTable, CSubTable, CMulTable, CDivTable): gradOutput
-- has the output's element count (x1's).
function M.grad_output(module, input, gradOutput)
  checks.tensor(module, gradOutput, 'gradOutput')
  if gradOutput:nElement() ~= input[1]:nElement() then
    checks.fail(module, ('gradOutput (%s) does not have the %d elements of the output'):format(shape(gradOutput),
      input[1]:nElement()))
  end
end

-- module.gradInput holds a tensor of x1's type for each of the n entries (kept from the
-- last call where there is one) and nothing after them.
function M.grad_slots(module, input, n)
  local g = module.gradInput
  for i = 1, n do
    if not stn.isTensor(g[i]) then g[i] = input[1].new() end
  end
  for i = n + 1, #g do g[i] = nil end
  return g
end

-- Their shared methods: a type change drops the gradInput tensors (they are remade in
-- the new type), and stn.load expects gradInput to be a table.
function M.table_gradient_methods(cls, parent)
  function cls:type(typename, map)
    self.gradInput = {}
    return parent.type(self, typename, map)
  end
  function cls:checkLoaded() M.loaded(self, nil, { 'gradInput' }) end
end

-- The view modules (Squeeze, Unsqueeze): gradInput is gradOutput, which must have the
-- input's element count, viewed with the input's sizes.
function M.view_gradient(module, input, gradOutput)
  M.tensor(module, input)
  checks.tensor(module, gradOutput, 'gradOutput')
  if gradOutput:nElement() ~= input:nElement() then
    checks.fail(module, ('gradOutput (%s) does not have the %d elements of the input (%s)'):format(shape(gradOutput),
      input:nElement(), shape(input)))
  end
  module.gradInput:set(gradOutput:contiguous():view(input:size()))
  return module.gradInput
end

-- The reducing modules (Sum, Mean, Max, Min): gradOutput, with one element per slice
-- along dim d of input, viewed with the input's sizes and size 1 at d.
function M.reduced_gradient(module, input, gradOutput, d)
  checks.tensor(module, gradOutput, 'gradOutput')
  local size = input:size():totable()
  size[d] = 1
  if gradOutput:nElement() ~= input:nElement() / input:size(d) then
    checks.fail(module, ('gradOutput (%s) does not match the output (%s)'):format(shape(gradOutput),
      shape(module.output)))
  end
  return gradOutput:contiguous():view(unpack(size)), size
end

return M
