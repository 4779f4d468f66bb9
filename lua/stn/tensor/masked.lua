-- Masks and non-zero elements, with Torch7's conventions (csrc/core/masked.c):
--   x:maskedFill(mask, v)      x <- v where mask is 1
--   x:maskedCopy(mask, src)    x's elements where mask is 1 <- src's first elements, in order
--   x:maskedSelect(mask)       a new 1-D tensor of x's elements where mask is 1
--   res:maskedSelect(x, mask)  the same, into res
--   x:nonzero()                a new LongTensor, n x x:dim(), of the 1-based subscripts of
--                              x's n non-zero elements in row-major order
--   res:nonzero(x)             the same, into res (a LongTensor)
--   m:all(), m:any()           on a ByteTensor: whether every / some element is non-zero
-- A mask is a torch.ByteTensor of 0 and 1 with x's number of elements (any shape), paired
-- with x element by element in row-major order, as in Torch7.
local ffi = require 'ffi'
local core = require 'stn.ffi'
local Tensor = require 'stn.Tensor'
local C, ctx, check = core.C, core.ctx, core.check
local P = Tensor._private
local is_tensor, fail = P.is_tensor, P.fail
local LONG, BYTE = 2, 4

local function byte_mask(what, mask)
  if not is_tensor(mask) or mask.dtype ~= BYTE then
    fail(what, 'mask must be a torch.ByteTensor (or torch.CudaByteTensor), got '
      .. (is_tensor(mask) and P.typename_of(mask) or type(mask)))
  end
  return mask
end

function Tensor.maskedFill(t, mask, v)
  local what = 'Tensor:maskedFill'
  byte_mask(what, mask)
  if type(v) ~= 'number' then fail(what, 'value: expected a number, got ' .. type(v)) end
  check(C.stn_masked_fill(ctx, t, mask, v), what)
  return t
end

function Tensor.maskedCopy(t, mask, src)
  local what = 'Tensor:maskedCopy'
  byte_mask(what, mask)
  if not is_tensor(src) then fail(what, 'src: expected a tensor, got ' .. type(src)) end
  check(C.stn_masked_copy(ctx, t, mask, src), what)
  return t
end

function Tensor.maskedSelect(t, a, b)
  local what = 'Tensor:maskedSelect'
  local res, src, mask = t, a, b
  if not is_tensor(b) then res, src, mask = P.empty(t.device, t.dtype), t, a end
  if not is_tensor(src) then fail(what, 'expected x:maskedSelect(mask) or res:maskedSelect(x, mask)') end
  check(C.stn_masked_select(ctx, res, src, byte_mask(what, mask)), what)
  return res
end

function Tensor.nonzero(t, a)
  local what = 'Tensor:nonzero'
  local res, src = t, a
  if a == nil then res, src = P.empty(t.device, LONG), t
  elseif not is_tensor(a) then fail(what, 'expected x:nonzero() or res:nonzero(x), got a ' .. type(a)) end
  if res.dtype ~= LONG then
    fail(what, 'the result must be a torch.LongTensor, got ' .. P.typename_of(res))
  end
  check(C.stn_nonzero(ctx, res, src), what)
  return res
end

local flag = ffi.new('int[1]')
for name, f in pairs { all = 'stn_logical_all', any = 'stn_logical_any' } do
  local what = 'Tensor:' .. name
  Tensor[name] = function(t)
    if t.dtype ~= BYTE then
      fail(what, ('defined on a torch.ByteTensor only (as in Torch7), got a %s: compare first, e.g. x:ne(0):%s()')
        :format(P.typename_of(t), name))
    end
    check(C[f](ctx, t, flag), what)
    return flag[0] ~= 0
  end
end

return Tensor
