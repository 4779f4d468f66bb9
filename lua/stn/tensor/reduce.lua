-- Reductions with Torch7's conventions (csrc/core/reduce.c, cuda/core/reduce.cu):
--   x:sum()          a number (accumulated in double; in int64 for the integer types)
--   x:sum(d)         a new tensor of x's type, x's sizes with 1 at d (Torch7 keeps the dim)
--   res:sum(x, d)    the same, into res (of x's type)
--   x:max(d)         values (x's type), indices (a LongTensor, 1-based); x:max() the
--                    largest value alone; vals:max(idx, x, d) into vals and idx (a LongTensor)
--   x:std(d, true)   biased (1/n); the default is unbiased (1/(n-1)), as in Torch7
--   x:norm(p, d)     p-norm (p = 2 by default; p = 0 counts the non-zeros)
-- Likewise mean, var, min, prod. A NaN wins max and min, as in Torch7.
-- Types: sum, prod, max and min on every type (Float, Double, Long, Int, Byte); mean,
-- var, std and norm on Float and Double only, as in Torch7 (an error names the type).
local ffi = require 'ffi'
local core = require 'stn.ffi'
local Tensor = require 'stn.Tensor'
local C, ctx, check = core.C, core.ctx, core.check
local P = Tensor._private
local is_tensor, fail, shape_str = P.is_tensor, P.fail, P.shape_str

local result = ffi.new('double[1]')
local LONG = 2
-- The ops Torch7 defines for its floating types only.
local FLOATING_ONLY = { [C.STN_MEAN] = 'mean', [C.STN_VAR] = 'var', [C.STN_STD] = 'std', [C.STN_NORM2] = 'norm' }

local function need_floating(what, name, t)
  if not P.is_floating(t.dtype) then
    fail(what, ('%s is defined for Float and Double tensors only (as in Torch7), got a %s'):format(name, P.typename_of(t)))
  end
end
-- Whole-tensor reductions that Torch7 refuses on an empty tensor ("empty Tensor"), as
-- max and min (refused in C); the sum of nothing is 0, the product 1, as in Torch7.
local NEEDS_ELEMENTS = { [C.STN_MEAN] = 'mean', [C.STN_VAR] = 'variance', [C.STN_STD] = 'standard deviation' }

-- Whole-tensor (d == nil) or along-dim reduction; called from a method, so errors
-- are raised at level 3 (the method's caller).
local function reduce(what, op, src, d, biased, res, ind)
  if FLOATING_ONLY[op] then need_floating(what, FLOATING_ONLY[op], src) end
  if d == nil then
    if NEEDS_ELEMENTS[op] and src:nElement() == 0 then
      fail(what, ('%s of an empty tensor (%s): no elements (Torch7 refuses it too)'):format(NEEDS_ELEMENTS[op], shape_str(src)))
    end
    check(C.stn_reduce_all(ctx, src, op, biased and 1 or 0, result), what)
    return result[0]
  end
  local cd = P.cdim(src, d, what)
  res = res or P.empty(src.device, src.dtype)
  if op == C.STN_MAX or op == C.STN_MIN then ind = ind or P.empty(src.device, LONG) end
  check(C.stn_reduce_dim(ctx, res, ind, src, cd, op, biased and 1 or 0), what)
  return res, ind
end

-- x:op([d]) or res:op(x, d)
for name, op in pairs { sum = C.STN_SUM, mean = C.STN_MEAN, prod = C.STN_PROD } do
  local what = 'Tensor:' .. name
  Tensor[name] = function(t, a, b)
    if is_tensor(a) then return (reduce(what, op, a, b, false, t)) end
    return (reduce(what, op, t, a, false))
  end
end

-- x:var([d] [, biased]) or res:var(x, d [, biased]); likewise std
for name, op in pairs { var = C.STN_VAR, std = C.STN_STD } do
  local what = 'Tensor:' .. name
  Tensor[name] = function(t, a, b, c)
    if is_tensor(a) then return (reduce(what, op, a, b, c, t)) end
    if type(a) == 'boolean' then return (reduce(what, op, t, nil, a)) end
    return (reduce(what, op, t, a, b))
  end
end

-- x:max() -> the value (one number, as Torch7); x:max(d) -> values, indices;
-- vals:max(idx, x, d) into vals and idx.
for name, op in pairs { max = C.STN_MAX, min = C.STN_MIN } do
  local what = 'Tensor:' .. name
  Tensor[name] = function(t, a, b, c)
    if is_tensor(a) then
      if not is_tensor(b) then fail(what, 'expected (values, indices, x, d), got no source tensor') end
      if c == nil then fail(what, 'expected (values, indices, x, d), got no dimension') end
      if a.dtype ~= LONG then
        fail(what, ('indices must be a %s (as in Torch7), got a %s'):format(P.TYPENAMES[a.device][LONG], P.typename_of(a)))
      end
      local v, i = reduce(what, op, b, c, false, t, a) -- not a tail call: keeps the error level
      return v, i
    end
    if a == nil then
      local v = reduce(what, op, t, nil, false)
      return v
    end
    local v, i = reduce(what, op, t, a, false)
    return v, i
  end
end

-- x:norm([p] [, d]) or res:norm(x, p, d): (sum |x|^p)^(1/p), as Torch7: p = 0 counts the
-- non-zero elements (NaN included), and any other p, negative too, goes through the
-- powers (a 0 element then makes the sum infinite and a negative-p norm 0). p = 2 runs
-- in one pass (csrc/core/reduce.c); other p through the element-wise ops.
function Tensor.norm(t, a, b, c)
  local res, src, p, d = nil, t, a, b
  if is_tensor(a) then res, src, p, d = t, a, b, c end
  p = p or 2
  if type(p) ~= 'number' then fail('Tensor:norm', 'p must be a number, got ' .. type(p)) end
  need_floating('Tensor:norm', 'norm', src)
  if p == 2 then return (reduce('Tensor:norm', C.STN_NORM2, src, d, false, res)) end
  if p == 0 then return (reduce('Tensor:norm', C.STN_SUM, P.empty(src.device, src.dtype):ne(src, 0), d, false, res)) end
  local powered = P.empty(src.device, src.dtype):abs(src)
  if p ~= 1 then powered:pow(p) end
  local s = reduce('Tensor:norm', C.STN_SUM, powered, d, false, res)
  if d == nil then return s ^ (1 / p) end
  return p == 1 and s or s:pow(1 / p)
end

return Tensor
