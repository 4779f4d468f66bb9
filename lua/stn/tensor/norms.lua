-- Torch7's distance and renormalization, in the arithmetic of the tensors' type:
--   x:dist(y [, p=2])            a number: (sum over elements of |x - y|^p)^(1/p), added
--                                in row-major order
--   x:renorm(p, d, maxnorm)      in place: each slice along d whose p-norm exceeds maxnorm
--   res:renorm(x, p, d, maxnorm) is scaled by maxnorm / (norm + 1e-7); into res
-- Float: as Torch7's FloatTensor, p and maxnorm rounded to float first (its `real`
-- arguments), the powers powf, the sums floats; the sums run on the host over the element
-- values (float_at reads), the powers and scalings are stn ops, so a CUDA tensor's
-- powers are CUDA's powf. Double: everything in double on the host (pow, sums, scaling),
-- as Torch7's DoubleTensor. Types: Float and Double (x and y of one type); Torch7
-- defines neither for its integer types, so they are refused by name.
local Tensor = require 'stn.Tensor'
local P = Tensor._private
local fail, empty, is_tensor, shape_str = P.fail, P.empty, P.is_tensor, P.shape_str
local float_at = P.float_at

local fl = P.to_float

local function need_number(x, what, name)
  if type(x) ~= 'number' then fail(what, ('%s must be a number, got %s'):format(name, type(x))) end
end

-- The elements of t as a contiguous CPU float tensor and its data pointer.
local function host(t)
  local h = t.device == 0 and t:contiguous() or t:float():contiguous()
  return h, h:data()
end

-- powf(v, e) of a number, through a one-element stn op (the CPU's powf).
local function powf(v, e) return Tensor.pow(empty(0):resize(1):fill(v), e):float():data()[0] end

local DOUBLE = 1
local function need_floating(t, what)
  if not P.is_floating(t.dtype) then
    fail(what, ('defined for Float and Double tensors only (as in Torch7), got a %s'):format(P.typename_of(t)))
  end
end

-- Double: (sum of |x - y|^p in double, row-major pairs)^(1/p), as THDoubleTensor_dist.
local function dist_double(t, other, n, p)
  local x, y = P.host_contiguous(t):data(), P.host_contiguous(other):data()
  local sum = 0
  for i = 0, n - 1 do sum = sum + math.abs(x[i] - y[i]) ^ p end
  return sum ^ (1 / p)
end

-- Double: the slice's p-norm in double (as THDoubleTensor_renorm), and the slice scaled
-- by maxnorm / (norm + 1e-7) when the norm exceeds maxnorm.
local function renorm_slice_double(slice, p, maxnorm)
  local h = P.host_contiguous(slice)
  if h == slice then h = slice:clone() end
  local n, x, norm = h:nElement(), h:data(), 0
  if p == 1 then for k = 0, n - 1 do norm = norm + math.abs(x[k]) end
  elseif p == 2 then for k = 0, n - 1 do norm = norm + x[k] * x[k] end
  else for k = 0, n - 1 do norm = norm + math.abs(x[k]) ^ p end end
  norm = norm ^ (1 / p)
  if norm > maxnorm then
    local scale = maxnorm / (norm + 1e-7)
    for k = 0, n - 1 do x[k] = x[k] * scale end
    slice:copy(h)
  end
end

function Tensor.dist(t, other, p)
  local what = 'Tensor:dist'
  if not is_tensor(other) then fail(what, ('argument 1: expected a tensor, got %s'):format(type(other))) end
  p = p == nil and 2 or p
  need_number(p, what, 'p')
  if t.device ~= other.device then
    fail(what, ('the tensors are on different devices (%s and %s)'):format(t:type(), other:type()))
  end
  need_floating(t, what)
  if t.dtype ~= other.dtype then
    fail(what, ('expected two tensors of one type, got a %s and a %s'):format(t:type(), other:type()))
  end
  local n = t:nElement()
  if other:nElement() ~= n then
    fail(what, ('the tensors have %d (%s) and %d (%s) elements'):format(n, shape_str(t), other:nElement(), shape_str(other)))
  end
  if t.dtype == DOUBLE then return dist_double(t, other, n, p) end
  p = fl(p)
  local sum = 0
  if n > 0 then -- pairs in row-major order of each, as Torch7 pairs them
    local d = empty(t.device):add(t:contiguous():view(n), -1, other:contiguous():view(n)):abs():pow(p)
    local _, x = host(d)
    for i = 0, n - 1 do sum = fl(sum + float_at(x, i)) end
  end
  return (powf(sum, fl(1 / p)))
end

-- Float: the slice's p-norm in float arithmetic (e = 1/p as a float), as
-- THFloatTensor_renorm, and the slice scaled when it exceeds maxnorm.
local function renorm_slice_float(slice, p, e, maxnorm)
  local n, norm = slice:nElement(), 0
  local h, x
  if p == 1 or p == 2 then h, x = host(slice) else h, x = host(slice:clone():abs():pow(p)) end
  if p == 1 then for k = 0, n - 1 do norm = fl(norm + math.abs(float_at(x, k))) end
  elseif p == 2 then for k = 0, n - 1 do local z = float_at(x, k); norm = fl(norm + z * z) end
  else for k = 0, n - 1 do norm = fl(norm + float_at(x, k)) end end
  norm = fl(norm ^ e) -- pow in double, as Torch7's pow(norm, 1/value)
  if norm > maxnorm then slice:mul(fl(maxnorm / (norm + 1e-7))) end
end

function Tensor.renorm(t, a, p, d, maxnorm)
  local what = 'Tensor:renorm'
  local res, src
  if is_tensor(a) then res, src = t, a else res, src, p, d, maxnorm = t, t, a, p, d end
  need_number(p, what, 'p')
  need_number(maxnorm, what, 'maxnorm')
  P.cdim(src, d, what)
  need_floating(src, what)
  local double = src.dtype == DOUBLE
  if not double then p, maxnorm = fl(p), fl(maxnorm) end
  if not (p > 0) then fail(what, ('p must be positive, got %s (Torch7 refuses it too)'):format(tostring(p))) end
  if src.ndim < 2 then
    fail(what, ('needs a tensor of at least 2 dims, got a %d-D tensor (%s)'):format(src.ndim, shape_str(src)))
  end
  if res ~= src then
    if res.device ~= src.device or res.dtype ~= src.dtype then
      fail(what, ('res and x are of different types (%s and %s)'):format(res:type(), src:type()))
    end
    src = P.apart(res, src)
    res:resizeAs(src):copy(src)
  end
  local e = fl(1 / p)
  for i = 1, res:size(d) do
    local slice = res:select(d, i)
    if double then renorm_slice_double(slice, p, maxnorm) else renorm_slice_float(slice, p, e, maxnorm) end
  end
  return res
end

return Tensor
