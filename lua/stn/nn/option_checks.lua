-- Constructor-argument checks shared by the element-wise modules (HardTanh, LeakyReLU,
-- ELU, SoftPlus, Sqrt, Power, PReLU, Normalize, ...): each raises "stn: nn.<Module>:
-- <what>" at the caller's line (stn.nn.checks.fail).
local checks = require 'stn.nn.checks'

local option_checks = {}

-- v is nil or a number other than NaN (which would make every output NaN, or every
-- comparison false, without a word). Infinities are allowed, as in Torch7 (whose own
-- test builds HardTanh(1, math.huge)).
function option_checks.optional_number(module, name, v)
  if v ~= nil and (type(v) ~= 'number' or v ~= v) then
    checks.fail(module, ('%s must be a number (not NaN), got %s'):format(name, tostring(v)))
  end
  return v
end

-- v is a number other than NaN.
function option_checks.number(module, name, v)
  if v == nil then checks.fail(module, ('%s must be a number (not NaN), got nil'):format(name)) end
  return option_checks.optional_number(module, name, v)
end

-- Torch7's rule: the in-place flag is nil or a boolean.
function option_checks.inplace(module, ip)
  if ip ~= nil and type(ip) ~= 'boolean' then
    checks.fail(module, ('the in-place flag must be a boolean, got %s'):format(tostring(ip)))
  end
end

return option_checks
