-- Whole-number arguments: sizes, indices, dimensions, counts and seeds. Lua hands stn
-- doubles; one that is NaN, infinite, fractional or beyond 2^53 (where doubles stop
-- being exact) must be refused by its caller, with the caller's own message, before
-- it is rounded or wrapped on its way into C.
local C = require('stn.ffi').C

local M = {}

-- The most elements a tensor or storage may have (csrc/stn.h, STN_MAX_NUMEL_LOG2).
M.MAX_NUMEL = 2 ^ C.STN_MAX_NUMEL_LOG2

function M.is_integer(v)
  return type(v) == 'number' and v == math.floor(v) and v >= -2 ^ 53 and v <= 2 ^ 53
end

return M
