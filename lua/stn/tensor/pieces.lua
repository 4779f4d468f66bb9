-- Torch7's repetition, splitting and reordering of tensors:
--   x:repeatTensor(sizes)       a new tensor: x repeated sizes[d] times along dim d (more
--   res:repeatTensor(x, sizes)  sizes than dims: x seen with leading dims of size 1); into res
--   x:split(size [, d=1])       a table of views of x along d, each size long but the last
--   x:chunk(n [, d=1])          split with size ceil(x:size(d) / n): at most n views
--   x:permute(d1, ..., dn)      a view of x with dim k of the view dim dk of x (each dim once)
--   x:unfold(d, size, step)     a view of every window of `size` along dim d, `step` apart, as
--                               a new last dim (dim d keeps (n - size) / step + 1 windows)
--   x:reshape(sizes)            a new tensor (a copy, never a view, as Torch7's resize + copy)
--   res:reshape(x, sizes)       of these sizes holding x's elements in row-major order; into res
-- stn.split / stn.chunk also take a table first (Torch7's result table, emptied and filled).
local Tensor = require 'stn.Tensor'
local is_integer = require('stn.errors').is_integer
local P = Tensor._private
local fail, empty, is_tensor, shape_str, cdim = P.fail, P.empty, P.is_tensor, P.shape_str, P.cdim

function Tensor.repeatTensor(t, a, ...)
  local what = 'Tensor:repeatTensor'
  local res, src, reps
  if is_tensor(a) then res, src, reps = t, a, P.sizes_of(what, ...)
  else res, src, reps = empty(t.device, t.dtype), t, P.sizes_of(what, a, ...) end
  local nd = #reps
  if nd == 0 then fail(what, 'expected the repetitions, one per dimension') end
  if src.ndim == 0 then fail(what, 'cannot repeat an empty tensor') end
  if nd < src.ndim then
    fail(what, ('%d repetitions for a %d-D tensor (%s): at least one per dimension'):format(nd, src.ndim, shape_str(src)))
  end
  local xs, out = {}, {}
  for d = 1, nd do
    local own = d - (nd - src.ndim)
    xs[d] = own >= 1 and tonumber(src.shape[own - 1]) or 1
    out[d] = xs[d] * reps[d]
  end
  src = P.apart(res, src)
  res:resize(out)
  if res:nElement() == 0 then return res end
  -- x into the first block, then each dim's block copied along that dim
  local block = res
  for d = 1, nd do block = block:narrow(d, 1, xs[d]) end
  block:copy(src)
  for d = 1, nd do
    local filled = res
    for e = d + 1, nd do filled = filled:narrow(e, 1, xs[e]) end
    local first = filled:narrow(d, 1, xs[d])
    for r = 2, reps[d] do filled:narrow(d, (r - 1) * xs[d] + 1, xs[d]):copy(first) end
  end
  return res
end

-- The views of x along d, each `size` long but the last; into result.
local function pieces(what, result, x, size, d)
  local cd = cdim(x, d, what)
  local n = tonumber(x.shape[cd])
  for k in pairs(result) do result[k] = nil end
  local start = 1
  while start <= n do
    local len = math.min(size, n - start + 1)
    result[#result + 1] = x:narrow(d, start, len)
    start = start + len
  end
  return result
end

-- (t, ...) or (result table, t, ...): the table, the tensor and the rest.
local function split_args(what, a, b, c, d)
  if type(a) == 'table' and not is_tensor(a) and getmetatable(a) == nil then
    if not is_tensor(b) then fail(what, ('argument 2: expected a tensor, got %s'):format(type(b))) end
    return a, b, c, d
  end
  if not is_tensor(a) then fail(what, ('expected a tensor, got %s'):format(type(a))) end
  return {}, a, b, c
end

function Tensor.split(a, b, c, d)
  local what = 'Tensor:split'
  local result, x, size, dim = split_args(what, a, b, c, d)
  if not is_integer(size) or size < 1 then
    fail(what, ('the size of the pieces must be a positive integer, got %s'):format(tostring(size)))
  end
  return pieces(what, result, x, size, dim == nil and 1 or dim)
end

function Tensor.chunk(a, b, c, d)
  local what = 'Tensor:chunk'
  local result, x, n, dim = split_args(what, a, b, c, d)
  if not is_integer(n) or n < 1 then
    fail(what, ('the number of chunks must be a positive integer, got %s'):format(tostring(n)))
  end
  dim = dim == nil and 1 or dim
  local len = tonumber(x.shape[cdim(x, dim, what)])
  return pieces(what, result, x, math.max(1, math.ceil(len / n)), dim)
end

-- Torch7 returns x itself for the identity permutation, a new view otherwise.
function Tensor.permute(t, ...)
  local what = 'Tensor:permute'
  local n = select('#', ...)
  if n ~= t.ndim then
    fail(what, ('%d dims given for a %d-D tensor (%s): each dim exactly once'):format(n, t.ndim, shape_str(t)))
  end
  local perm, seen, identity = { ... }, {}, true
  for k = 1, n do
    local d = perm[k]
    if not is_integer(d) or d < 1 or d > n then
      fail(what, ('argument %d: expected a dim from 1 to %d, got %s'):format(k, n, tostring(d)))
    end
    if seen[d] then fail(what, ('dim %d given twice (arguments %d and %d): each dim exactly once'):format(d, seen[d], k)) end
    seen[d] = k
    identity = identity and d == k
  end
  if identity then return t end
  local sizes, strides = {}, {}
  for k = 1, n do
    sizes[k], strides[k] = tonumber(t.shape[perm[k] - 1]), tonumber(t.strides[perm[k] - 1])
  end
  return P.set_geometry(P.view_of(t), t.offset, sizes, strides)
end

function Tensor.unfold(t, d, size, step)
  local what = 'Tensor:unfold'
  if t.ndim == 0 then fail(what, 'cannot unfold an empty tensor') end
  cdim(t, d, what)
  if t.ndim >= P.MAX_DIM then fail(what, ('a %d-D tensor would need %d dims, at most %d supported'):format(t.ndim, t.ndim + 1, P.MAX_DIM)) end
  local n = tonumber(t.shape[d - 1])
  if not is_integer(size) or size < 0 or size > n then
    fail(what, ('size %s out of range: windows of 0 to %d along dim %d (%s)'):format(tostring(size), n, d, shape_str(t)))
  end
  if not is_integer(step) or step < 1 then fail(what, ('step must be a whole number of at least 1, got %s'):format(tostring(step))) end
  local sizes, strides = {}, {}
  for k = 1, t.ndim do sizes[k], strides[k] = tonumber(t.shape[k - 1]), tonumber(t.strides[k - 1]) end
  sizes[t.ndim + 1], strides[t.ndim + 1] = size, strides[d]
  sizes[d], strides[d] = math.floor((n - size) / step) + 1, step * strides[d]
  return P.set_geometry(P.view_of(t), t.offset, sizes, strides)
end

function Tensor.reshape(t, a, ...)
  local what = 'Tensor:reshape'
  local res, src, sizes
  if is_tensor(a) then res, src, sizes = t, a, P.sizes_of(what, ...)
  else res, src, sizes = empty(t.device, t.dtype), t, P.sizes_of(what, a, ...) end
  if res.device ~= src.device then
    fail(what, ('cannot reshape a %s into a %s'):format(P.typename_of(src), P.typename_of(res)))
  end
  local n = 1
  for i = 1, #sizes do n = n * sizes[i] end
  if #sizes == 0 then n = 0 end
  if n ~= src:nElement() then
    fail(what, ('sizes %s hold %d elements but the tensor (%s) has %d'):format(
      #sizes == 0 and '(none)' or table.concat(sizes, 'x'), n, shape_str(src), src:nElement()))
  end
  src = P.apart(res, src)
  res:resize(sizes)
  res:copy(src)
  return res
end

return Tensor
