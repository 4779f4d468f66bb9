-- Element-wise picks along a dim by a LongTensor of 1-based positions, with Torch7's
-- conventions (csrc/core/gather.c):
--   x:gather(d, idx)           a new tensor of idx's shape: r[i][j] = x[idx[i][j]][j] (d = 1)
--   res:gather(x, d, idx)      the same, into res
--   x:scatter(d, idx, src)     x[idx[i][j]][j] = src[i][j] (d = 1); a repeated position in a
--                              line keeps the last write
--   x:scatter(d, idx, v)       x[idx[i][j]][j] = v
-- idx has x's dims, and the sizes of x (of src for scatter) except at d; a position out
-- of range is an error naming the entry and the value.
local core = require 'stn.ffi'
local Tensor = require 'stn.Tensor'
local C, ctx, check = core.C, core.ctx, core.check
local P = Tensor._private
local is_tensor, fail, cdim = P.is_tensor, P.fail, P.cdim
local LONG = 2

local function long_tensor(what, idx)
  if not is_tensor(idx) or idx.dtype ~= LONG then
    fail(what, 'index must be a torch.LongTensor (or torch.CudaLongTensor), got '
      .. (is_tensor(idx) and P.typename_of(idx) or type(idx)))
  end
  return idx
end

function Tensor.gather(t, a, b, c)
  local what = 'Tensor:gather'
  local res, src, d, idx = t, a, b, c
  if not is_tensor(a) then res, src, d, idx = P.empty(t.device, t.dtype), t, a, b end
  local cd = cdim(src, d, what)
  check(C.stn_gather(ctx, res, src, cd, long_tensor(what, idx)), what)
  return res
end

function Tensor.scatter(t, d, idx, src)
  local what = 'Tensor:scatter'
  local cd = cdim(t, d, what)
  long_tensor(what, idx)
  if is_tensor(src) then check(C.stn_scatter(ctx, t, cd, idx, src), what)
  elseif type(src) == 'number' then check(C.stn_scatter_fill(ctx, t, cd, idx, src), what)
  else fail(what, 'src: expected a tensor or a number, got ' .. type(src)) end
  return t
end

return Tensor
