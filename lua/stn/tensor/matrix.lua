-- Torch7's diagonal and triangle functions of matrices:
--   x:eye(n [, m])        x becomes the n x m identity (m = n by default)
--   x:diag([k])           a new tensor: the k-th diagonal of a matrix (a vector), or the
--   res:diag(x [, k])     matrix with the vector on its k-th diagonal; into res
--   x:trace()             the sum of the diagonal (a number, summed in double in order)
--   x:tril([k]), x:triu([k]), res:tril(x [, k]), res:triu(x [, k])
--                         the matrix below (above) the k-th diagonal, the rest zero
-- k = 0 is the main diagonal, k > 0 above it, k < 0 below it. Built from views and copies.
-- Types: every type, as in Torch7 (new results of x's type; res of x's type); trace is
-- summed in double for Float and Double, in int64 for the integer types (Torch7's
-- accreal), and returned as a number.
local Tensor = require 'stn.Tensor'
local is_integer = require('stn.errors').is_integer
local P = Tensor._private
local fail, empty, is_tensor, shape_str = P.fail, P.empty, P.is_tensor, P.shape_str
local set_geometry, view_of, apart, float_at = P.set_geometry, P.view_of, P.apart, P.float_at
local ffi = require 'ffi'

-- res and x of one type (the result-first forms).
local function need_same_type(res, src, what)
  if res.dtype ~= src.dtype or res.device ~= src.device then
    fail(what, ('res is a %s but x a %s (one type expected, as in Torch7)'):format(P.typename_of(res), P.typename_of(src)))
  end
end

local function need_int(x, what, name)
  if not is_integer(x) then fail(what, ('%s must be an integer, got %s'):format(name, tostring(x))) end
end
local function need_matrix(t, what)
  if t.ndim ~= 2 then fail(what, ('expected a matrix, got a %d-D tensor (%s)'):format(t.ndim, shape_str(t))) end
end

-- The k-th diagonal of the matrix m as a 1-D view (length 0 when k is past the corner).
local function diagonal(m, k)
  local rows, cols = tonumber(m.shape[0]), tonumber(m.shape[1])
  local s0, s1 = tonumber(m.strides[0]), tonumber(m.strides[1])
  local n = k >= 0 and math.min(rows, cols - k) or math.min(rows + k, cols)
  local v = view_of(m)
  if n <= 0 then return set_geometry(v, m.offset, { 0 }, { 1 }) end
  return set_geometry(v, m.offset + (k >= 0 and k * s1 or -k * s0), { n }, { s0 + s1 })
end


function Tensor.eye(t, n, m)
  local what = 'Tensor:eye'
  m = m == nil and n or m
  need_int(n, what, 'the number of rows'); need_int(m, what, 'the number of columns')
  if n < 1 then fail(what, ('the number of rows must be at least 1, got %d'):format(n)) end
  if m < 0 then fail(what, ('the number of columns must not be negative, got %d'):format(m)) end
  if m == 0 then m = n end -- Torch7: 0 (its default) means n
  t:resize(n, m):zero()
  diagonal(t, 0):fill(1)
  return t
end

-- res:diag(x [, k]) into res; x:diag([k]) a new tensor.
function Tensor.diag(t, a, k)
  local what = 'Tensor:diag'
  local res, src
  if is_tensor(a) then res, src = t, a else res, src, k = empty(t.device, t.dtype), t, a end
  k = k == nil and 0 or k
  need_int(k, what, 'the diagonal k')
  need_same_type(res, src, what)
  if src.ndim == 1 then
    local n = tonumber(src.shape[0])
    src = apart(res, src)
    local size = n + math.abs(k)
    res:resize(size, size):zero()
    diagonal(res, k):copy(src)
    return res
  elseif src.ndim == 2 then
    local d = apart(res, diagonal(src, k))
    return res:resize(d:nElement()):copy(d)
  end
  fail(what, ('expected a vector or a matrix, got a %d-D tensor (%s)'):format(src.ndim, shape_str(src)))
end

function Tensor.trace(t)
  need_matrix(t, 'Tensor:trace')
  local d = diagonal(t, 0)
  local n = d:nElement()
  if n == 0 then return 0 end
  if t.dtype == 0 then
    d = d:float():contiguous()
    local p, sum = d:data(), 0
    for i = 0, n - 1 do sum = sum + float_at(p, i) end
    return sum
  end
  local p = P.host_contiguous(d):data()
  if t.dtype == 1 then
    local sum = 0
    for i = 0, n - 1 do sum = sum + p[i] end
    return sum
  end
  -- int64 wrapping around, as the integer sums; each element goes through int64_t, as a
  -- negative Lua number cast straight to uint64_t does not wrap
  local sum = ffi.new('uint64_t', 0)
  for i = 0, n - 1 do sum = sum + ffi.cast('uint64_t', ffi.cast('int64_t', p[i])) end
  return tonumber(ffi.cast('int64_t', sum))
end

-- keep(r, k) gives the columns [lo, hi] (1-based, inclusive) of row r to zero.
local function triangle(name, zeroed)
  local what = 'Tensor:' .. name
  Tensor[name] = function(t, a, k)
    local res, src
    if is_tensor(a) then res, src = t, a else res, src, k = empty(t.device, t.dtype), t, a end
    k = k == nil and 0 or k
    need_int(k, what, 'the diagonal k')
    need_matrix(src, what)
    need_same_type(res, src, what)
    if res ~= src then -- else in place
      src = apart(res, src)
      res:resizeAs(src):copy(src)
    end
    local rows, cols = tonumber(src.shape[0]), tonumber(src.shape[1])
    for r = 1, rows do
      local lo, hi = zeroed(r, k, cols)
      if lo <= hi then res:select(1, r):narrow(1, lo, hi - lo + 1):zero() end
    end
    return res
  end
end
-- tril keeps c <= r + k, triu keeps c >= r + k
triangle('tril', function(r, k, cols) return math.max(1, r + k + 1), cols end)
triangle('triu', function(r, k, cols) return 1, math.min(cols, r + k - 1) end)

return Tensor
