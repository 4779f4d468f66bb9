-- Torch7's evenly spaced fills, each a method writing into x and a function making a new
-- CPU tensor (stn.range(1, 5), or stn.range(res, 1, 5) into res):
--   x:range(a, b [, step=1])    a, a + step, ... up to b inclusive (a double sum per
--                               element, a + i * step, rounded to x's type)
--   x:linspace(a, b [, n=100])  n points from a to b, in x's arithmetic as Torch7's
--   x:logspace(a, b [, n=100])  10 ^ the linspace points (powf for Float, pow for Double)
-- As in Torch7, x keeps its sizes when it already has as many elements as the result,
-- else it becomes 1-D. The values are computed on the host and copied into x.
-- Types: range on every type (the integer types take integer bounds and step, as
-- Torch7's integer accreal, and every value must fit the type); linspace and logspace on
-- Float and Double only (Torch7 has them for its floating types only).
local core = require 'stn.ffi'
local Tensor = require 'stn.Tensor'
local is_integer = require('stn.errors').is_integer
local C = core.C
local P = Tensor._private
local fail, empty = P.fail, P.empty
local FLOAT, DOUBLE = 0, 1

local function need_number(x, what, pos)
  if type(x) ~= 'number' then fail(what, ('argument %d: expected a number, got %s'):format(pos, type(x))) end
end

-- x given n values, fill(buffer pointer) writing them in row-major order.
local function fill_with(t, n, fill, what)
  if t:nElement() ~= n then t:resize(n) end
  if n == 0 then return t end
  local host = t.device == 0 and t:isContiguous() and t or empty(0, t.dtype):resize(n)
  fill(host:data())
  if host ~= t then t:copy(host) end
  return t
end

function Tensor.range(t, a, b, step)
  local what = 'Tensor:range'
  step = step == nil and 1 or step
  need_number(a, what, 1); need_number(b, what, 2); need_number(step, what, 3)
  if not (step > 0 or step < 0) then fail(what, ('step must be a non-zero number, got %s'):format(tostring(step))) end
  if not ((step > 0 and b >= a) or (step < 0 and b <= a)) then
    fail(what, ('the bounds %s and %s are incoherent with the step %s'):format(tostring(a), tostring(b), tostring(step)))
  end
  local count = (b - a) / step + 1
  if not (count <= P.MAX_NUMEL) then
    fail(what, ('from %s to %s by %s is more than 2^%d elements'):format(tostring(a), tostring(b), tostring(step),
      C.STN_MAX_NUMEL_LOG2))
  end
  local n = math.floor(count) -- count > 0: C's truncation, as Torch7
  if not P.is_floating(t.dtype) then
    if not (is_integer(a) and is_integer(b) and is_integer(step)) then
      fail(what, ('a %s takes integer bounds and step (Torch7 reads them as integers), got %s, %s, %s')
        :format(P.typename_of(t), tostring(a), tostring(b), tostring(step)))
    end
    P.storable(t, a, what); P.storable(t, a + (n - 1) * step, what) -- the first and last values fit
  end
  return fill_with(t, n, function(p)
    for i = 0, n - 1 do p[i] = a + i * step end
  end, what)
end

local fl = P.to_float

-- Double: a + i * (b - a) / (n - 1) in double (10 ^ it for logspace), as THDoubleTensor's.
local function spaced_double(t, a, b, n, log, what)
  if not is_integer(n) then fail(what, ('the number of points must be an integer, got %s'):format(tostring(n))) end
  if not (n > 1 or (n == 1 and a == b)) then
    fail(what, ('invalid number of points %d (at least 2, or 1 when the bounds are equal)'):format(n))
  end
  if n > P.MAX_NUMEL then fail(what, ('%d points is more than 2^%d elements'):format(n, C.STN_MAX_NUMEL_LOG2)) end
  return fill_with(t, n, function(p)
    for i = 0, n - 1 do
      local v = n == 1 and a or a + i * (b - a) / (n - 1)
      p[i] = log and 10 ^ v or v
    end
  end, what)
end

local function spaced(name)
  local what = 'Tensor:' .. name
  return function(t, a, b, n)
    n = n == nil and 100 or n
    need_number(a, what, 1); need_number(b, what, 2)
    if not P.is_floating(t.dtype) then
      fail(what, ('defined for Float and Double tensors only (as in Torch7), got a %s'):format(P.typename_of(t)))
    end
    if t.dtype == DOUBLE then return spaced_double(t, a, b, n, name == 'logspace', what) end
    if not is_integer(n) then fail(what, ('the number of points must be an integer, got %s'):format(tostring(n))) end
    a, b = fl(a), fl(b)
    if not (n > 1 or (n == 1 and a == b)) then
      fail(what, ('invalid number of points %d (at least 2, or 1 when the bounds are equal)'):format(n))
    end
    if n > P.MAX_NUMEL then fail(what, ('%d points is more than 2^%d elements'):format(n, C.STN_MAX_NUMEL_LOG2)) end
    fill_with(t, n, function(p)
      if n == 1 then p[0] = a; return end
      local d, den = fl(b - a), fl(n - 1)
      for i = 0, n - 1 do
        local fi = fl(i)
        p[i] = fl(a + fl(fl(fi * d) / den))
      end
    end, what)
    if name == 'logspace' then t:pow(10, t) end
    return t
  end
end
Tensor.linspace = spaced('linspace')
Tensor.logspace = spaced('logspace')

return Tensor
