-- Torch7's distance and renormalization, in the float arithmetic of its FloatTensor:
--   x:dist(y [, p=2])            a number: (sum over elements of |x - y|^p)^(1/p); the
--                                powers are powf, the sum a float, added in row-major order
--   x:renorm(p, d, maxnorm)      in place: each slice along d whose p-norm exceeds maxnorm
--   res:renorm(x, p, d, maxnorm) is scaled by maxnorm / (norm + 1e-7); into res
-- p and maxnorm are rounded to float first, as Torch7's `real` arguments are. The sums
-- run on the host over the element values (float_at reads); the powers and scalings are
-- stn ops, so a CUDA tensor's powers are CUDA's powf.
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

function Tensor.dist(t, other, p)
  local what = 'Tensor:dist'
  if not is_tensor(other) then fail(what, ('argument 1: expected a tensor, got %s'):format(type(other))) end
  p = p == nil and 2 or p
  need_number(p, what, 'p')
  if t.device ~= other.device then
    fail(what, ('the tensors are on different devices (%s and %s)'):format(t:type(), other:type()))
  end
  local n = t:nElement()
  if other:nElement() ~= n then
    fail(what, ('the tensors have %d (%s) and %d (%s) elements'):format(n, shape_str(t), other:nElement(), shape_str(other)))
  end
  p = fl(p)
  local sum = 0
  if n > 0 then -- pairs in row-major order of each, as Torch7 pairs them
    local d = empty(t.device):add(t:contiguous():view(n), -1, other:contiguous():view(n)):abs():pow(p)
    local _, x = host(d)
    for i = 0, n - 1 do sum = fl(sum + float_at(x, i)) end
  end
  return (powf(sum, fl(1 / p)))
end

function Tensor.renorm(t, a, p, d, maxnorm)
  local what = 'Tensor:renorm'
  local res, src
  if is_tensor(a) then res, src = t, a else res, src, p, d, maxnorm = t, t, a, p, d end
  need_number(p, what, 'p')
  need_number(maxnorm, what, 'maxnorm')
  P.cdim(src, d, what)
  p, maxnorm = fl(p), fl(maxnorm)
  if not (p > 0) then fail(what, ('p must be positive, got %s (Torch7 refuses it too)'):format(tostring(p))) end
  if src.ndim < 2 then
    fail(what, ('needs a tensor of at least 2 dims, got a %d-D tensor (%s)'):format(src.ndim, shape_str(src)))
  end
  if res ~= src then
    if res.device ~= src.device then
      fail(what, ('res and x are on different devices (%s and %s)'):format(res:type(), src:type()))
    end
    src = P.apart(res, src)
    res:resizeAs(src):copy(src)
  end
  local e = fl(1 / p)
  for i = 1, res:size(d) do
    local slice = res:select(d, i)
    local n, norm = slice:nElement(), 0
    local h, x
    if p == 1 or p == 2 then h, x = host(slice) else h, x = host(slice:clone():abs():pow(p)) end
    if p == 1 then for k = 0, n - 1 do norm = fl(norm + math.abs(float_at(x, k))) end
    elseif p == 2 then for k = 0, n - 1 do local z = float_at(x, k); norm = fl(norm + z * z) end
    else for k = 0, n - 1 do norm = fl(norm + float_at(x, k)) end end
    norm = fl(norm ^ e) -- pow in double, as Torch7's pow(norm, 1/value)
    if norm > maxnorm then slice:mul(fl(maxnorm / (norm + 1e-7))) end
  end
  return res
end

return Tensor
