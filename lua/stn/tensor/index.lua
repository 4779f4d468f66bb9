-- Slices picked by index and tensors joined, with Torch7's conventions (csrc/core/index.c):
--   x:index(d, idx)            a new tensor of the slices idx (1-based) of dim d
--   res:index(x, d, idx)       the same, into res
--   x:indexCopy(d, idx, src)   slice idx[k] of x <- slice k of src (a repeated index: the last wins)
--   x:indexAdd(d, idx, src)    slice idx[k] of x += slice k of src (a repeated index adds each time)
--   x:indexFill(d, idx, v)     slices idx of x <- v
--   x:cat(y [, d])             a new tensor, x and y joined along d (the last dim by default)
--   res:cat(x1, x2 [, d]), res:cat({x1, x2, ...} [, d])   into res; empty tensors are
--                              skipped, an empty list is an error (as in Torch7)
-- idx is a 1-D torch.LongTensor (Torch7's type) on x's device; a Lua table of integers,
-- or a tensor of another type holding integers, is taken too (converted to one).
local core = require 'stn.ffi'
local Tensor = require 'stn.Tensor'
local is_integer = require('stn.integer').is_integer
local C, ctx, check = core.C, core.ctx, core.check
local P = Tensor._private
local is_tensor, fail, shape_str, cdim = P.is_tensor, P.fail, P.shape_str, P.cdim
local MAX_DIM = P.MAX_DIM
local LONG = 2

-- The indices as a Long tensor on t's device (C checks their range). Values of a table
-- or of a tensor of another type must be integers; only they are read here.
local function long_index(what, list, t)
  if is_tensor(list) then
    if list.dtype == LONG and list.device == t.device then return list end
    if list.dtype == LONG then return P.converted(list, t.device, LONG, what) end
    if list.ndim > 1 then fail(what, 'indices must be a 1-D tensor, got ' .. shape_str(list)) end
    local h = P.converted(list, 0, 1, what):contiguous() -- as doubles, on the host
    local vals = {}
    for i = 1, h:nElement() do vals[i] = P.value_at(h, tonumber(h.offset) + i - 1) end
    list = vals
  elseif type(list) ~= 'table' then
    fail(what, 'indices must be a torch.LongTensor or a table, got ' .. type(list))
  end
  for i = 1, #list do
    local v = list[i]
    if type(v) ~= 'number' or not is_integer(v) then
      fail(what, ('index %s (entry %d) is not an integer'):format(tostring(v), i))
    end
  end
  if #list == 0 then return P.empty(t.device, LONG):resize(0) end
  return P.construct(t.device, LONG, list)
end
Tensor._private.long_index = long_index

function Tensor.index(t, a, b, c)
  local what = 'Tensor:index'
  local res, src, d, list = t, a, b, c
  if not is_tensor(a) then res, src, d, list = P.empty(t.device, t.dtype), t, a, b end
  local cd = cdim(src, d, what)
  check(C.stn_index_select(ctx, res, src, cd, long_index(what, list, src)), what)
  return res
end

local function src_tensor(what, src)
  if not is_tensor(src) then fail(what, 'src: expected a tensor, got ' .. type(src)) end
  return src
end

function Tensor.indexCopy(t, d, list, src)
  local what = 'Tensor:indexCopy'
  local cd = cdim(t, d, what)
  check(C.stn_index_copy(ctx, t, cd, long_index(what, list, t), src_tensor(what, src)), what)
  return t
end

function Tensor.indexAdd(t, d, list, src)
  local what = 'Tensor:indexAdd'
  local cd = cdim(t, d, what)
  check(C.stn_index_add(ctx, t, cd, long_index(what, list, t), src_tensor(what, src)), what)
  return t
end

function Tensor.indexFill(t, d, list, v)
  local what = 'Tensor:indexFill'
  local cd = cdim(t, d, what)
  if type(v) ~= 'number' then fail(what, 'value: expected a number, got ' .. type(v)) end
  check(C.stn_index_fill(ctx, t, cd, long_index(what, list, t), v), what)
  return t
end

-- Torch7's forms (its TensorMath.lua cat wrap): with one tensor after x, x is the first
-- source and the result is new; with two tensors, or a list, after res, res is the result.
--   x:cat(y [, d])                 a new tensor, x and y joined (x unchanged)
--   res:cat(x1, x2 [, d])          into res
--   res:cat({x1, x2, ...} [, d])   into res
local function cat_args(what, t, a, b, c)
  if is_tensor(a) then
    if is_tensor(b) then return t, { a, b }, c end
    return P.empty(t.device), { t, a }, b
  elseif type(a) == 'table' then return t, a, b end
  fail(what, ('expected x:cat(y [, dim]), res:cat(x1, x2 [, dim]) or res:cat({x1, x2, ...} [, dim]); got a %s after the tensor')
    :format(type(a)))
end

-- Torch7's rule (THTensor catArray): a tensor with fewer dims than the result counts as
-- having size 1 in the missing trailing ones, so 1-D tensors join as columns with
-- cat(x, y, 2); d defaults to (or -1 means) the last dim of the input with the most dims.
-- Empty tensors are skipped, as Torch7 skips its empty ones; stn's tensors with a dim
-- of size 0 (which Torch7 cannot make) are skipped too when another input has elements,
-- and when none has, they are joined if their sizes agree (else the result is empty).
-- The list must not be empty.
function Tensor.cat(t, a, b, c)
  local what = 'Tensor:cat'
  local res, list, d = cat_args(what, t, a, b, c)
  if #list == 0 then fail(what, 'expected a non-empty list of tensors, got an empty one') end
  local full, hollow = {}, {} -- inputs with elements; inputs with dims but no elements
  for i, x in ipairs(list) do
    if not is_tensor(x) then fail(what, ('entry %d: expected a tensor, got %s'):format(i, type(x))) end
    if x:nElement() > 0 then full[#full + 1] = x elseif x.ndim > 0 then hollow[#hollow + 1] = x end
  end
  local parts = #full > 0 and full or hollow
  local most = 0
  for _, x in ipairs(parts) do most = math.max(most, x.ndim) end
  if d == nil or d == -1 then d = math.max(most, 1)
  elseif type(d) ~= 'number' or not is_integer(d) or d < 1 or d > MAX_DIM then
    fail(what, ('dimension %s out of range (1 to %d, or -1 for the last)'):format(tostring(d), MAX_DIM))
  end
  local ndim = math.max(most, d)
  local function size_of(x, k) return k <= x.ndim and tonumber(x.shape[k - 1]) or 1 end
  local ref = parts[1]
  local sizes = {}
  if ref then
    for k = 1, ndim do sizes[k] = size_of(ref, k) end
    sizes[d] = 0
  end
  for _, x in ipairs(parts) do
    local same = x.device == ref.device
    for k = 1, ndim do same = same and (k == d or size_of(x, k) == sizes[k]) end
    if not same then
      if #full == 0 then parts = {}; break end -- only tensors without elements: nothing to join
      fail(what, ('cannot join %s %s with %s %s along dimension %d'):format(P.typename_of(ref), shape_str(ref),
        P.typename_of(x), shape_str(x), d))
    end
    sizes[d] = sizes[d] + size_of(x, d)
  end
  if #parts == 0 then return res:resize() end
  if res.device ~= ref.device then
    fail(what, ('result is a %s but the inputs are %s'):format(P.typename_of(res), P.typename_of(ref)))
  end
  -- a result that shares storage with an input is built aside
  local aside = false
  for _, x in ipairs(parts) do aside = aside or (res.mem ~= nil and x.mem == res.mem) end
  local out = aside and P.empty(res.device) or res
  out:resize(sizes)
  local at = 1
  for _, x in ipairs(parts) do
    local len = size_of(x, d)
    if len > 0 then out:narrow(d, at, len):copy(x) end
    at = at + len
  end
  if aside then res:resize(sizes):copy(out) end
  return res
end

return Tensor
