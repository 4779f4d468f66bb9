-- Constructor-argument checks shared by the element-wise modules (HardTanh, LeakyReLU,
-- ELU, SoftPlus, Sqrt, Power, PReLU, Normalize, ...): each raises "stn: nn.<Module>:
-- <what>" at the caller's line (stn.nn.checks.fail).
local checks = require 'stn.nn.checks'

local option_checks = {}

-- v is nil or a finite number (NaN or an infinity would make every output NaN or a
-- comparison meaningless without a word).
function option_checks.optional_number(module, name, v)
  if v ~= nil and (type(v) ~= 'number' or v ~= v or v == math.huge or v == -math.huge) then
    checks.fail(module, ('%s must be a finite number, got %s'):format(name, tostring(v)))
  end
  return v
end

-- v is a finite number.
function option_checks.number(module, name, v)
  if v == nil then checks.fail(module, ('%s must be a finite number, got nil'):format(name)) end
  return option_checks.optional_number(module, name, v)
end

-- Torch7's rule: the in-place flag is nil or a boolean.
function option_checks.inplace(module, ip)
  if ip ~= nil and type(ip) ~= 'boolean' then
    checks.fail(module, ('the in-place flag must be a boolean, got %s'):format(tostring(ip)))
  end
end

return option_checks
