-- Whole numbers as the library takes them: the rule for arguments (stn.errors'
-- is_integer) and the largest element count a tensor or storage may have.
local C = require('stn.ffi').C

local M = {}

-- The most elements a tensor or storage may have (include/stn/core.h, STN_MAX_NUMEL_LOG2).
M.MAX_NUMEL = 2 ^ C.STN_MAX_NUMEL_LOG2

M.is_integer = require('stn.errors').is_integer

return M
