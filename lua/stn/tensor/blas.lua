-- Matrix products with Torch7's calling conventions (csrc/core/blas.c, cuda/core/blas.cu):
--   res:mm(a, b)                  res <- a @ b               (likewise mv, bmm)
--   x:addmm(a, b)                 x <- x + a @ b
--   x:addmm(v, a, b)              x <- x + v * a @ b         (nn.Linear's accGradParameters)
--   x:addmm(beta, alpha, a, b)    x <- beta * x + alpha * a @ b
--   res:addmm(M, a, b)            res <- M + a @ b
--   res:addmm(beta, M, a, b)      res <- beta * M + a @ b
--   res:addmm(M, alpha, a, b)     res <- M + alpha * a @ b
--   res:addmm(beta, M, alpha, a, b)
-- addmv, baddbmm, addr and addbmm take the same forms; x:dot(y) is the sum of x .* y.
--   res:ger(v1, v2)               res <- v1 v2^T (the outer product)
--   x:addr(v1, v2), ...           x <- beta x + alpha v1 v2^T   (an addmm of v1 as a column
--                                 by v2 as a row)
--   x:addbmm(b1, b2), ...         x <- beta x + alpha sum_i b1[i] b2[i]   (one addmm of the
--                                 batches side by side: b1 as n x (B k), b2 as (B k) x p)
-- Types: Float and Double (OpenBLAS's s- and d- routines), every operand of one type;
-- CUDA: Float only. Torch7's integer products (its own loops) are not provided: Long,
-- Int and Byte operands are refused by name. dot takes every type: a Float sum of float
-- products accumulated in double, a Double one in double, an integer one in int64 (a
-- number, as Torch7's accreal).
local ffi = require 'ffi'
local core = require 'stn.ffi'
local Tensor = require 'stn.Tensor'
local C, ctx, check = core.C, core.ctx, core.check
local P = Tensor._private
local is_tensor, fail, shape_str = P.is_tensor, P.fail, P.shape_str

-- Checks that x is a tensor of `dim` dims.
local function need(x, dim, what, name)
  if not is_tensor(x) then fail(what, ('%s: expected a tensor, got %s'):format(name, type(x))) end
  if x.ndim ~= dim then fail(what, ('%s must be %d-D, got %s'):format(name, dim, shape_str(x))) end
end

-- Shapes of the two factors: dim1 x dim2 products (mm, bmm) or matrix x vector.
local function check_factors(what, a, b, adim, bdim)
  need(a, adim, what, 'first factor'); need(b, bdim, what, 'second factor')
  local k = tonumber(a.shape[adim - 1])
  local bk = tonumber(b.shape[bdim == 1 and 0 or bdim - 2])
  if k ~= bk or (adim == 3 and a.shape[0] ~= b.shape[0]) then
    fail(what, ('cannot multiply %s by %s'):format(shape_str(a), shape_str(b)))
  end
end

-- The [beta] [M] [alpha] prefix before the two factors (see the header).
local function parse(t, what, ...)
  local n = select('#', ...)
  if n < 2 then fail(what, 'expected ([beta,] [M,] [alpha,] a, b), got ' .. n .. ' arguments') end
  local a, b = select(n - 1, ...)
  local x1, x2, x3 = ...
  local k = n - 2
  local tx1, tx2 = type(x1), type(x2)
  if k == 0 then return 1, t, 1, a, b end
  if k == 1 then
    if tx1 == 'number' then return 1, t, x1, a, b end
    return 1, x1, 1, a, b
  end
  if k == 2 then
    if tx1 == 'number' and tx2 == 'number' then return x1, t, x2, a, b end
    if tx1 == 'number' then return x1, x2, 1, a, b end
    if tx2 == 'number' then return 1, x1, x2, a, b end
  end
  if k == 3 and tx1 == 'number' and type(x3) == 'number' then return x1, x2, x3, a, b end
  fail(what, 'expected ([beta,] [M,] [alpha,] a, b), got ' .. n .. ' arguments')
end

local function add_product(cfun, what, adim, bdim)
  return function(t, ...)
    local beta, m, alpha, a, b = parse(t, what, ...)
    if type(beta) ~= 'number' or type(alpha) ~= 'number' then fail(what, 'beta and alpha must be numbers') end
    if not is_tensor(m) then fail(what, 'M: expected a tensor, got ' .. type(m)) end
    check_factors(what, a, b, adim, bdim)
    check(cfun(ctx, t, beta, m, alpha, a, b), what)
    return t
  end
end

local function product(cfun, what, adim, bdim)
  return function(t, a, b)
    check_factors(what, a, b, adim, bdim)
    check(cfun(ctx, t, 0, nil, 1, a, b), what)
    return t
  end
end

Tensor.addmm = add_product(C.stn_addmm, 'Tensor:addmm', 2, 2)
Tensor.addmv = add_product(C.stn_addmv, 'Tensor:addmv', 2, 1)
Tensor.baddbmm = add_product(C.stn_baddbmm, 'Tensor:baddbmm', 3, 3)
-- v (1-D, any stride) seen as an n x 1 column or a 1 x n row of the same storage.
local function column(v)
  return P.set_geometry(P.view_of(v), v.offset, { tonumber(v.shape[0]), 1 }, { tonumber(v.strides[0]), 1 })
end
local function row(v)
  return P.set_geometry(P.view_of(v), v.offset, { 1, tonumber(v.shape[0]) }, { 1, tonumber(v.strides[0]) })
end

-- addr: beta M + alpha v1 v2^T, the product of v1 as a column by v2 as a row.
function Tensor.addr(t, ...)
  local what = 'Tensor:addr'
  local beta, m, alpha, v1, v2 = parse(t, what, ...)
  if type(beta) ~= 'number' or type(alpha) ~= 'number' then fail(what, 'beta and alpha must be numbers') end
  if not is_tensor(m) then fail(what, 'M: expected a tensor, got ' .. type(m)) end
  need(v1, 1, what, 'first vector'); need(v2, 1, what, 'second vector')
  check(C.stn_addmm(ctx, t, beta, m, alpha, column(v1), row(v2)), what)
  return t
end

-- ger: v1 v2^T into t (Torch7 zeroes t and adds the product: the same, without reading t).
function Tensor.ger(t, v1, v2)
  local what = 'Tensor:ger'
  need(v1, 1, what, 'first vector'); need(v2, 1, what, 'second vector')
  check(C.stn_addmm(ctx, t, 0, nil, 1, column(v1), row(v2)), what)
  return t
end

-- addbmm: beta M + alpha sum_i b1[i] b2[i], as one product of the batches side by side.
function Tensor.addbmm(t, ...)
  local what = 'Tensor:addbmm'
  local beta, m, alpha, b1, b2 = parse(t, what, ...)
  if type(beta) ~= 'number' or type(alpha) ~= 'number' then fail(what, 'beta and alpha must be numbers') end
  if not is_tensor(m) then fail(what, 'M: expected a tensor, got ' .. type(m)) end
  check_factors(what, b1, b2, 3, 3)
  local nb, n, k, p = b1:size(1), b1:size(2), b1:size(3), b2:size(3)
  if m.ndim ~= 2 or m:size(1) ~= n or m:size(2) ~= p then
    fail(what, ('M is %s but the products of %s by %s are %dx%d'):format(shape_str(m), shape_str(b1), shape_str(b2), n, p))
  end
  local a, b
  if nb * k == 0 then -- no products: beta M
    a, b = P.empty(b1.device, b1.dtype):resize(n, 0), P.empty(b2.device, b2.dtype):resize(0, p)
  else
    a = b1:transpose(1, 2):contiguous():view(n, nb * k) -- [b1[1] b1[2] ...]
    b = b2:contiguous():view(nb * k, p)                 -- [b2[1]; b2[2]; ...]
  end
  check(C.stn_addmm(ctx, t, beta, m, alpha, a, b), what)
  return t
end

Tensor.mm = product(C.stn_addmm, 'Tensor:mm', 2, 2)
Tensor.mv = product(C.stn_addmv, 'Tensor:mv', 2, 1)
Tensor.bmm = product(C.stn_baddbmm, 'Tensor:bmm', 3, 3)

-- Sum of the products of the elements of x and y paired in row-major order (same element
-- count), on the host for a type other than Float: in double for Double, in int64 for the
-- integer types (wrapping around on overflow, as the C reductions).
local function host_dot(x, y, n)
  local a, b = P.host_contiguous(x):data(), P.host_contiguous(y):data()
  if x.dtype == 1 then
    local s = 0
    for i = 0, n - 1 do s = s + a[i] * b[i] end
    return s
  end
  -- (each element through int64_t: a negative Lua number cast straight to uint64_t does not wrap)
  local s = ffi.new('uint64_t', 0)
  for i = 0, n - 1 do
    s = s + ffi.cast('uint64_t', ffi.cast('int64_t', a[i])) * ffi.cast('uint64_t', ffi.cast('int64_t', b[i]))
  end
  return tonumber(ffi.cast('int64_t', s))
end

function Tensor.dot(x, y)
  if not is_tensor(y) then fail('Tensor:dot', 'expected a tensor, got ' .. type(y)) end
  if x.dtype ~= y.dtype or x.device ~= y.device then
    fail('Tensor:dot', ('expected two tensors of one type, got a %s and a %s'):format(P.typename_of(x), P.typename_of(y)))
  end
  if x:nElement() ~= y:nElement() then
    fail('Tensor:dot', ('%s and %s differ in element count'):format(shape_str(x), shape_str(y)))
  end
  if x:nElement() == 0 then return 0 end
  if x.dtype == 0 then return P.empty(x.device):cmul(x, y):sum() end
  if x.device ~= 0 then fail('Tensor:dot', ('a %s is not supported (CUDA: Float only)'):format(P.typename_of(x))) end
  return host_dot(x, y, x:nElement())
end

return Tensor
