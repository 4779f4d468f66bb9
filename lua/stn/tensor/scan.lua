-- Torch7's cumulative sums and products along a dim (csrc/core/scan.c, cuda/core/scan.cu):
--   x:cumsum([d])       a new tensor of x's sizes: the running sums along d (1 by default)
--   res:cumsum(x [, d]) the same, into res (res may be x)
-- Likewise cumprod. Each line is walked from its first element with the running value in
-- Torch7's accreal (double for Float and Double, a 64-bit integer for the integer types,
-- wrapping around on overflow), cast to x's type at each step.
-- Types: every type (res of x's type); CUDA: Float only.
local core = require 'stn.ffi'
local Tensor = require 'stn.Tensor'
local C, ctx, check = core.C, core.ctx, core.check
local P = Tensor._private
local empty, is_tensor, cdim = P.empty, P.is_tensor, P.cdim

for name, op in pairs { cumsum = C.STN_CUMSUM, cumprod = C.STN_CUMPROD } do
  local what = 'Tensor:' .. name
  Tensor[name] = function(t, a, d)
    local res, src
    if is_tensor(a) then res, src = t, a else res, src, d = empty(t.device, t.dtype), t, a end
    d = d == nil and 1 or d
    check(C.stn_scan(ctx, res, src, cdim(src, d, what), op), what)
    return res
  end
end

return Tensor
