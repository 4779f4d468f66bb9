-- Torch7's Lua callbacks over the elements of CPU tensors, in row-major order whatever
-- the strides:
--   x:apply(f)          x[i] = f(x[i])
--   x:map(y, f)         x[i] = f(x[i], y[i])
--   x:map2(y, z, f)     x[i] = f(x[i], y[i], z[i])
-- A number (or a numeric string) returned is stored, rounded to float; nil keeps the
-- element; anything else is an error. The tensors pair their elements in their own
-- row-major orders, so they need the same number of elements, not the same sizes.
-- Each returns x. Reads go through value_at (a NaN of any bits reads as Lua's NaN),
-- writes through store (a number checked for the element type).
local Tensor = require 'stn.Tensor'
local P = Tensor._private
local fail, is_tensor, shape_str, in_storage = P.fail, P.is_tensor, P.shape_str, P.in_storage
local value_at, store = P.value_at, P.store

-- The storage offsets of t's elements in row-major order, after checking that every
-- one lies in t's storage.
local function offsets(t, what, name)
  if t.device ~= 0 then
    fail(what, ('%s is a CUDA tensor: Lua callbacks run on CPU tensors only (copy it with :float())'):format(name))
  end
  local nd, n = t.ndim, t:nElement()
  local out = {}
  if n == 0 then return out end
  local size, stride, lo, hi = {}, {}, tonumber(t.offset), tonumber(t.offset)
  for k = 1, nd do
    size[k], stride[k] = tonumber(t.shape[k - 1]), tonumber(t.strides[k - 1])
    local reach = (size[k] - 1) * stride[k]
    if reach < 0 then lo = lo + reach else hi = hi + reach end
  end
  if not (in_storage(t, lo) and in_storage(t, hi)) then
    fail(what, ('%s (%s) reaches outside its storage'):format(name, shape_str(t)))
  end
  local idx = {}
  for k = 1, nd do idx[k] = 0 end
  local off = tonumber(t.offset)
  for i = 1, n do
    out[i] = off
    for k = nd, 1, -1 do -- odometer: the last dim turns fastest
      idx[k] = idx[k] + 1
      off = off + stride[k]
      if idx[k] < size[k] then break end
      off = off - idx[k] * stride[k]
      idx[k] = 0
    end
  end
  return out
end

local function need_function(f, what, pos)
  if type(f) ~= 'function' then fail(what, ('argument %d: expected a function, got %s'):format(pos, type(f))) end
end

-- Runs f over the elements of t and the tensors in srcs, storing its results in t.
local function each(what, t, srcs, f)
  local o = offsets(t, what, 'x')
  local n = #o
  local so, sd = {}, {}
  for j, s in ipairs(srcs) do
    if s:nElement() ~= n then
      fail(what, ('x has %d elements (%s) but argument %d has %d (%s)'):format(n, shape_str(t), j, s:nElement(), shape_str(s)))
    end
    so[j], sd[j] = offsets(s, what, 'argument ' .. j), s
  end
  local ns = #srcs
  for i = 1, n do
    local v
    if ns == 0 then v = f(value_at(t, o[i]))
    elseif ns == 1 then v = f(value_at(t, o[i]), value_at(sd[1], so[1][i]))
    else v = f(value_at(t, o[i]), value_at(sd[1], so[1][i]), value_at(sd[2], so[2][i])) end
    if type(v) == 'string' then v = tonumber(v) or v end
    if type(v) == 'number' then store(t, o[i], v, what)
    elseif v ~= nil then fail(what, ('the function must return a number or nil, got %s'):format(type(v))) end
  end
  return t
end

function Tensor.apply(t, f)
  need_function(f, 'Tensor:apply', 1)
  return each('Tensor:apply', t, {}, f)
end

function Tensor.map(t, y, f)
  if not is_tensor(y) then fail('Tensor:map', ('argument 1: expected a tensor, got %s'):format(type(y))) end
  need_function(f, 'Tensor:map', 2)
  return each('Tensor:map', t, { y }, f)
end

function Tensor.map2(t, y, z, f)
  if not is_tensor(y) then fail('Tensor:map2', ('argument 1: expected a tensor, got %s'):format(type(y))) end
  if not is_tensor(z) then fail('Tensor:map2', ('argument 2: expected a tensor, got %s'):format(type(z))) end
  need_function(f, 'Tensor:map2', 3)
  return each('Tensor:map2', t, { y, z }, f)
end

return Tensor
