-- Element-wise Tensor methods with Torch7's calling conventions:
--   x:abs()          x <- |x|            z:abs(x)        z <- |x|
--   x:add(v)         x <- x + v          x:add(y)        x <- x + y
--   x:add(v, y)      x <- x + v * y      z:add(x, y)     z <- x + y
--   z:add(x, v, y)   z <- x + v * y      x:gt(0)         a new 0/1 ByteTensor
-- x:csub(...) subtracts with the same forms. Every loop runs in C (csrc/core/pointwise.c,
-- cuda/core/pointwise.cu), on every element type with Torch7's rules: the tensors of one
-- call share one type (another is refused by name), results keep it (comparisons give
-- Byte), and the integer types take only the ops Torch7 defines on them (fill,
-- arithmetic, sign, clamp, fmod, remainder, cmax/cmin, cpow, comparisons; abs and neg on
-- the signed ones, all but Byte); other ops on them are refused naming the op and the type.
local ffi = require 'ffi'
local core = require 'stn.ffi'
local Tensor = require 'stn.Tensor'
local C, ctx, check = core.C, core.ctx, core.check
local P = Tensor._private
local is_tensor, fail = P.is_tensor, P.fail

-- Always tail-called (`return unary(...)`), which removes the method's frame: level 2
-- is then the user's line.
local function unary(out, a, op, p, q, what)
  check(C.stn_unary(ctx, out, a, op, p or 0, q or 0), what)
  return out
end
local function binary(out, a, b, op, p, what)
  check(C.stn_binary(ctx, out, a, b, op, p or 0), what)
  return out
end

local BYTE = C.STN_BYTE

local function need_tensor(x, what, pos)
  if not is_tensor(x) then fail(what, ('argument %d: expected a tensor, got %s'):format(pos, type(x))) end
end
local function need_number(x, what, pos)
  if type(x) ~= 'number' then fail(what, ('argument %d: expected a number, got %s'):format(pos, type(x))) end
end

function Tensor.fill(t, v)
  need_number(v, 'Tensor:fill', 1)
  return unary(t, t, C.STN_FILL, v, 0, 'Tensor:fill')
end
function Tensor.zero(t) return unary(t, t, C.STN_FILL, 0, 0, 'Tensor:zero') end

-- x:zeros(sizes), x:ones(sizes): x resized (numbers or a size object) and filled, as
-- Torch7's methods (stn.zeros / stn.ones make a new tensor).
function Tensor.zeros(t, ...)
  t:resize(...)
  return unary(t, t, C.STN_FILL, 0, 0, 'Tensor:zeros')
end
function Tensor.ones(t, ...)
  t:resize(...)
  return unary(t, t, C.STN_FILL, 1, 0, 'Tensor:ones')
end

-- Torch7's add forms, with the scalar multiplied by sign (csub is add with sign -1).
local function add_forms(what, sign, t, a, b, c)
  if c ~= nil then -- z:add(x, v, y)
    need_tensor(a, what, 1); need_number(b, what, 2); need_tensor(c, what, 3)
    return binary(t, a, c, C.STN_ADD, sign * b, what)
  elseif b ~= nil then
    if type(a) == 'number' then need_tensor(b, what, 2); return binary(t, t, b, C.STN_ADD, sign * a, what) end -- x:add(v, y)
    need_tensor(a, what, 1)
    if type(b) == 'number' then return unary(t, a, C.STN_ADD_SCALAR, sign * b, 0, what) end -- z:add(x, v)
    need_tensor(b, what, 2)
    return binary(t, a, b, C.STN_ADD, sign, what) -- z:add(x, y)
  elseif type(a) == 'number' then return unary(t, t, C.STN_ADD_SCALAR, sign * a, 0, what) -- x:add(v)
  else need_tensor(a, what, 1); return binary(t, t, a, C.STN_ADD, sign, what) end -- x:add(y)
end

function Tensor.add(t, a, b, c) return add_forms('Tensor:add', 1, t, a, b, c) end

-- Subtraction, as Torch7's csub: x:csub(v), x:csub(y), x:csub(v, y) (x <- x - v * y),
-- z:csub(x, v), z:csub(x, y), z:csub(x, v, y). (x:sub is Torch7's sub-view, in Tensor.lua.)
function Tensor.csub(t, a, b, c) return add_forms('Tensor:csub', -1, t, a, b, c) end

-- x:mul(v) / z:mul(x, v); x:div(v) / z:div(x, v)
local function scalar_op(name, op)
  Tensor[name] = function(t, a, v)
    local what = 'Tensor:' .. name
    if v == nil then need_number(a, what, 1); return unary(t, t, op, a, 0, what) end
    need_tensor(a, what, 1); need_number(v, what, 2)
    return unary(t, a, op, v, 0, what)
  end
end
scalar_op('mul', C.STN_MUL_SCALAR)
scalar_op('div', C.STN_DIV_SCALAR)
-- x:fmod(v) / z:fmod(x, v): C's fmod, the sign of x; x:remainder(v): x - v * floor(x / v),
-- the sign of v (NaN for v = 0), as Torch7. x:mod is Torch7's alias of fmod.
scalar_op('fmod', C.STN_FMOD_SCALAR)
scalar_op('remainder', C.STN_REMAINDER_SCALAR)
Tensor.mod = Tensor.fmod

local ZEROS = { 0, 0, 0, 0, 0, 0, 0, 0 }
local sizes = {} -- scratch, read by set_geometry before number_as returns
-- The number v as a tensor of a's sizes: one element on a's device, every stride 0.
local function number_as(a, v)
  local s = P.empty(a.device, a.dtype):resize(1):fill(v)
  for d = 1, a.ndim do sizes[d] = tonumber(a.shape[d - 1]) end
  return P.set_geometry(s, s.offset, sizes, ZEROS, a.ndim)
end

-- x:cmul(y) / z:cmul(x, y), likewise cdiv, cmax, cmin. cmax and cmin also take a number,
-- compared as Torch7 does (x > v ? x : v, x < v ? x : v: a NaN element gives v), through
-- the tensor op against the number broadcast to x's sizes.
local function tensor_op(name, op, takes_number)
  Tensor[name] = function(t, a, b)
    local what = 'Tensor:' .. name
    if b == nil then a, b = t, a else need_tensor(a, what, 1) end
    if type(b) == 'number' and takes_number then return binary(t, a, number_as(a, b), op, 1, what) end
    need_tensor(b, what, 2)
    return binary(t, a, b, op, 1, what)
  end
end
tensor_op('cmul', C.STN_CMUL)
tensor_op('cdiv', C.STN_CDIV)
tensor_op('cmax', C.STN_CMAX, true)
tensor_op('cmin', C.STN_CMIN, true)
-- x:atan2(y) / z:atan2(x, y): atan2(x, y) element-wise (x the ordinate, as C's atan2);
-- cfmod and cremainder are fmod and remainder element by element (cmod: Torch7's alias).
tensor_op('atan2', C.STN_ATAN2)
tensor_op('cfmod', C.STN_CFMOD)
tensor_op('cremainder', C.STN_CREMAINDER)
Tensor.cmod = Tensor.cfmod

-- x:addcmul(v, t1, t2) / x:addcmul(t1, t2) / z:addcmul(x, v, t1, t2); same for addcdiv
local function addc(name, op)
  Tensor[name] = function(t, a, b, c, d)
    local what = 'Tensor:' .. name
    local x, v, t1, t2
    if d ~= nil then x, v, t1, t2 = a, b, c, d
    elseif c ~= nil then
      if type(a) == 'number' then x, v, t1, t2 = t, a, b, c else x, v, t1, t2 = a, 1, b, c end
    else x, v, t1, t2 = t, 1, a, b end
    need_tensor(x, what, 1); need_number(v, what, 2); need_tensor(t1, what, 3); need_tensor(t2, what, 4)
    check(C.stn_ternary(ctx, t, x, t1, t2, op, v), what)
    return t
  end
end
addc('addcmul', C.STN_ADDCMUL)
addc('addcdiv', C.STN_ADDCDIV)

-- x:abs() in place, z:abs(x) into z; likewise the other one-argument functions.
local unary_ops = {
  abs = C.STN_ABS, sqrt = C.STN_SQRT, exp = C.STN_EXP, log = C.STN_LOG, neg = C.STN_NEG, sign = C.STN_SIGN,
  tanh = C.STN_TANH, sigmoid = C.STN_SIGMOID, floor = C.STN_FLOOR, ceil = C.STN_CEIL, round = C.STN_ROUND,
  sin = C.STN_SIN, cos = C.STN_COS, tan = C.STN_TAN, asin = C.STN_ASIN, acos = C.STN_ACOS, atan = C.STN_ATAN,
  sinh = C.STN_SINH, cosh = C.STN_COSH,
  trunc = C.STN_TRUNC, frac = C.STN_FRAC, log1p = C.STN_LOG1P, rsqrt = C.STN_RSQRT, cinv = C.STN_CINV,
}
for name, op in pairs(unary_ops) do
  Tensor[name] = function(t, a)
    if a ~= nil then need_tensor(a, 'Tensor:' .. name, 1) end
    return unary(t, a or t, op, 0, 0, 'Tensor:' .. name)
  end
end

-- x:lerp(b, w) (x <- x + w * (b - x)) / z:lerp(a, b, w) (z <- a + w * (b - a)), in float
-- arithmetic as Torch7's float lerp: b paired with a in row-major order.
function Tensor.lerp(t, a, b, w)
  if w == nil then a, b, w = t, a, b else need_tensor(a, 'Tensor:lerp', 1) end
  need_tensor(b, 'Tensor:lerp', 2); need_number(w, 'Tensor:lerp', 3)
  return binary(t, a, b, C.STN_LERP, w, 'Tensor:lerp')
end

-- x:pow(n) / z:pow(x, n) / z:pow(n, x) (n ^ x) / z:cpow(x, y)
function Tensor.pow(t, a, b)
  if b == nil then need_number(a, 'Tensor:pow', 1); return unary(t, t, C.STN_POW_SCALAR, a, 0, 'Tensor:pow') end
  if type(a) == 'number' then need_tensor(b, 'Tensor:pow', 2); return unary(t, b, C.STN_RPOW_SCALAR, a, 0, 'Tensor:pow') end
  need_tensor(a, 'Tensor:pow', 1); need_number(b, 'Tensor:pow', 2)
  return unary(t, a, C.STN_POW_SCALAR, b, 0, 'Tensor:pow')
end
tensor_op('cpow', C.STN_CPOW)

-- x:clamp(lo, hi) / z:clamp(x, lo, hi)
function Tensor.clamp(t, a, lo, hi)
  if hi == nil then a, lo, hi = t, a, lo end
  need_tensor(a, 'Tensor:clamp', 1); need_number(lo, 'Tensor:clamp', 2); need_number(hi, 'Tensor:clamp', 3)
  if lo > hi then fail('Tensor:clamp', ('lower bound %g above upper bound %g'):format(lo, hi)) end
  return unary(t, a, C.STN_CLAMP, lo, hi, 'Tensor:clamp')
end

-- x:gt(v | y) gives a new 0/1 ByteTensor on x's device (Torch7); z:gt(x, v | y) writes
-- into z, a ByteTensor or a tensor of x's type (Torch7 has both). Likewise eq, ne, lt, ge, le.
local compare_ops = {
  eq = { C.STN_EQ, C.STN_EQ_SCALAR }, ne = { C.STN_NE, C.STN_NE_SCALAR },
  gt = { C.STN_GT, C.STN_GT_SCALAR }, lt = { C.STN_LT, C.STN_LT_SCALAR },
  ge = { C.STN_GE, C.STN_GE_SCALAR }, le = { C.STN_LE, C.STN_LE_SCALAR },
}
for name, ops in pairs(compare_ops) do
  Tensor[name] = function(t, a, b)
    local what = 'Tensor:' .. name
    local out = t
    if b == nil then out, a, b = P.empty(t.device, BYTE), t, a else need_tensor(a, what, 1) end
    if type(b) == 'number' then return unary(out, a, ops[2], b, 0, what) end
    need_tensor(b, what, 2)
    return binary(out, a, b, ops[1], 1, what)
  end
end

return Tensor
