-- Torch7's multinomial: category indices (a LongTensor, 1-based) drawn from rows of
-- weights (csrc/core/multinomial.c). Forms, as Torch7's:
--   stn.multinomial([res,] p, n [, replacement])   res: a LongTensor
--   p:multinomial(n [, replacement])                a new LongTensor
--   res:multinomial(p, n [, replacement])           Torch7's p.multinomial(res, p, n, ...)
-- replacement defaults to false. A CUDA p is drawn on the host, the result a CudaLongTensor.
local core = require 'stn.ffi'
local C, ctx, check = core.C, core.ctx, core.check
local Tensor = require 'stn.Tensor'
local P = Tensor._private
local fail, is_tensor = P.fail, P.is_tensor
local LONG = 2

local function draw(what, res, p, n, replacement)
  if not is_tensor(p) then fail(what, 'p: expected a tensor of weights, got ' .. type(p)) end
  if type(n) ~= 'number' or n ~= math.floor(n) or n < 1 then
    fail(what, 'n must be a positive integer, got ' .. tostring(n))
  end
  if replacement ~= nil and type(replacement) ~= 'boolean' then
    fail(what, 'replacement must be a boolean, got ' .. type(replacement))
  end
  local device = p.device
  res = res or P.empty(device, LONG)
  if res.dtype ~= LONG or res.device ~= device then
    fail(what, ('the result must be a %s, got a %s'):format(P.TYPENAMES[device][LONG], P.typename_of(res)))
  end
  local host = device == 0 and res or P.empty(0, LONG)
  check(C.stn_multinomial(ctx, host, device == 0 and p or p:type(P.TYPENAMES[0][p.dtype]), n, replacement and 1 or 0), what)
  if device ~= 0 then res:resize(host:size()):copy(host) end
  return res
end

function Tensor.multinomial(t, a, b, c)
  if is_tensor(a) then return draw('Tensor:multinomial', t, a, b, c) end
  return draw('Tensor:multinomial', nil, t, a, b)
end

return {
  multinomial = function(a, b, c, d)
    if is_tensor(b) then return draw('multinomial', a, b, c, d) end
    return draw('multinomial', nil, a, b, c)
  end,
}
