-- torch.TestSuite(): a table of named test functions for torch.Tester:add. Reading a
-- name gives its test; defining a name twice, or a value that is not a function, is an
-- error (Torch7's rules: no nested tables of tests).
local errors = require 'stn.errors'

local suite_mt = {}
suite_mt.__index = function(self, k) return rawget(self, '__tests')[k] end
suite_mt.__newindex = function(self, k, v)
  local tests = rawget(self, '__tests')
  if tests[k] ~= nil then errors.fail('TestSuite', 'test %s is already defined', tostring(k)) end
  if type(v) == 'table' then errors.fail('TestSuite', 'nested tables of tests are not supported (%s)', tostring(k)) end
  if type(v) ~= 'function' then
    errors.fail('TestSuite', 'a test must be a function, %s is a %s', tostring(k), type(v))
  end
  tests[k] = v
end

return function()
  return setmetatable({ __tests = {}, __isTestSuite = true }, suite_mt)
end
