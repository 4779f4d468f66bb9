-- Sorting and selection along a dim, with Torch7's conventions (csrc/core/sort.c); each
-- gives values of x's type and a LongTensor of 1-based positions along d, and each has
-- the result-first form vals:f(idx, x, ...):
--   x:sort([d] [, descending])            the whole line sorted (d: the last dim by default)
--   x:topk([k] [, d] [, largest] [, sorted])  the k (default 1) smallest, or largest,
--                                         with k at d; always in sorted order
--   x:kthvalue(k [, d])                   the k-th smallest, size 1 at d (Torch7 keeps d)
--   x:median([d])                         the kthvalue with k = floor((n + 1) / 2): the lower
--                                         middle of an even count, as Torch7
--   x:mode([d])                           the most frequent value (a tie: the smallest) and
--                                         the last position where it occurs
-- The order: by value, a NaN after every number (first when descending), equal values
-- by position (a stable sort); kthvalue, median, topk and sort agree on it.
local core = require 'stn.ffi'
local Tensor = require 'stn.Tensor'
local is_integer = require('stn.integer').is_integer
local C, ctx, check = core.C, core.ctx, core.check
local P = Tensor._private
local is_tensor, fail, cdim = P.is_tensor, P.fail, P.cdim
local LONG = 2

-- (values, indices, x, the other arguments) of x:f(...) or vals:f(idx, x, ...).
local function operands(what, t, ...)
  local a = ...
  if is_tensor(a) then
    local x = select(2, ...)
    if not is_tensor(x) then fail(what, 'the result-first form is vals:' .. what:match(':(.*)') .. '(idx, x, ...)') end
    return t, a, x, { select(3, ...) }, select('#', ...) - 2
  end
  return P.empty(t.device, t.dtype), P.empty(t.device, LONG), t, { ... }, select('#', ...)
end

local function count(what, name, k)
  if type(k) ~= 'number' or not is_integer(k) then
    fail(what, ('%s: expected an integer, got %s'):format(name, tostring(k)))
  end
  return k
end

-- The dim (default: x's last) as 0-based.
local function dim_of(what, x, d)
  if d == nil then d = x.ndim end
  return cdim(x, d, what)
end

local function bool(what, name, v)
  if v == nil then return false end
  if type(v) ~= 'boolean' then fail(what, ('%s: expected a boolean, got a %s'):format(name, type(v))) end
  return v
end

function Tensor.sort(t, ...)
  local what = 'Tensor:sort'
  local vals, idx, x, args = operands(what, t, ...)
  local d, desc = args[1], args[2]
  if type(d) == 'boolean' then d, desc = nil, d end
  check(C.stn_sort(ctx, vals, idx, x, dim_of(what, x, d), bool(what, 'descending', desc) and 1 or 0), what)
  return vals, idx
end

function Tensor.topk(t, ...)
  local what = 'Tensor:topk'
  local vals, idx, x, args = operands(what, t, ...)
  local k, d, dir, sorted = args[1], args[2], args[3], args[4]
  if k == nil then k = 1 end
  if type(d) == 'boolean' then d, dir, sorted = nil, d, dir end
  bool(what, 'sorted', sorted) -- the results come sorted either way
  check(C.stn_topk(ctx, vals, idx, x, count(what, 'k', k), dim_of(what, x, d), bool(what, 'dir', dir) and 1 or 0), what)
  return vals, idx
end

function Tensor.kthvalue(t, ...)
  local what = 'Tensor:kthvalue'
  local vals, idx, x, args = operands(what, t, ...)
  check(C.stn_kthvalue(ctx, vals, idx, x, count(what, 'k', args[1]), dim_of(what, x, args[2])), what)
  return vals, idx
end

for name, f in pairs { median = 'stn_median', mode = 'stn_mode' } do
  local what = 'Tensor:' .. name
  Tensor[name] = function(t, ...)
    local vals, idx, x, args = operands(what, t, ...)
    check(C[f](ctx, vals, idx, x, dim_of(what, x, args[1])), what)
    return vals, idx
  end
end

return Tensor
