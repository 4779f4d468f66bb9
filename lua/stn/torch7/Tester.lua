-- torch.Tester(): Torch7's unit-test harness (torch7 Tester.lua's behaviour, written for stn).
--   local tester = torch.Tester()
--   local tests = torch.TestSuite()
--   function tests.sum() tester:asserteq(stn.ones(3):sum(), 3) end
--   tester:add(tests):run()          -- or :run('sum'), :run{'pattern', ...}
-- Each test runs under pcall: a failed assert counts a failure, an error raised by the
-- test an error; neither stops the run. run prints one line per test, then
--   Completed N asserts in T tests with F failures and E errors[ and W warnings][ and D disabled]
-- then each failure and warning; when a test failed or raised, run raises an error
-- afterwards, so that the script ends with a non-zero exit status. Tests run in name order.
local class = require 'stn.class'
local errors = require 'stn.errors'
local stn = require 'stn.base'

local Tester = class.new('torch.Tester')

function Tester:__init()
  self.tests = {}
  self.errors = {}
  self.warnings = {}
  self.disabledTests = {}
  self._warningCount = {}
  self._currentTestName = ''
  -- (Torch7's compatibility rule: assertTensorEq compares contents, so {{1}} equals {1}.)
  self._assertTensorEqIgnoresDims = true
end

function Tester:setEarlyAbort(on) self.earlyAbort = on; return self end
function Tester:setRethrowErrors(on) self.rethrow = on; return self end
function Tester:setSummaryOnly(on) self.summaryOnly = on; return self end

---------------------------------------------------------------------- bookkeeping
-- 'file:line' of the test line that made the assertion (the first frame outside stn).
local function where()
  local info = debug.getinfo(errors.user_level(), 'Sl')
  return info and (info.short_src .. ':' .. tostring(info.currentline)) or '?'
end

local function note(self, message)
  local name = self._currentTestName
  return (name ~= '' and name .. '\n' or '') .. message .. '\n  at ' .. where()
end

local function count(tbl, name) tbl[name] = (tbl[name] or 0) + 1 end

function Tester:_success()
  count(self.assertionPass or {}, self._currentTestName)
  return true
end

function Tester:_failure(message)
  if self.rethrow then error(message, errors.user_level()) end
  count(self.assertionFail or {}, self._currentTestName)
  self.errors[#self.errors + 1] = note(self, message)
  return false
end

function Tester:_warning(message)
  count(self._warningCount, self._currentTestName)
  self.warnings[#self.warnings + 1] = note(self, message)
end

function Tester:_assert_sub(ok, message)
  if ok then return self:_success() end
  return self:_failure(message)
end

---------------------------------------------------------------------- arguments
-- The optional message of an assertion (nothing may follow it).
local function message_of(msg, ...)
  if select('#', ...) > 0 then errors.fail('Tester', 'unexpected arguments after the message') end
  if msg == nil or msg == '' then return '' end
  if type(msg) ~= 'string' then errors.fail('Tester', 'the message must be a string, got %s', type(msg)) end
  return msg .. '\n'
end

-- A tolerance and a message, in either order (Torch7 accepts both).
local function tolerance_and_message(default, ...)
  local tol, msg
  for i = 1, select('#', ...) do
    local a = select(i, ...)
    if type(a) == 'string' then
      if msg then errors.fail('Tester', 'two messages given') end
      msg = a .. '\n'
    elseif type(a) == 'number' then
      if tol then errors.fail('Tester', 'two tolerances given') end
      if not (a >= 0) then errors.fail('Tester', 'the tolerance cannot be negative, got %s', tostring(a)) end
      tol = a
    elseif a ~= nil then
      errors.fail('Tester', 'expected a tolerance or a message, got a %s', type(a))
    end
  end
  return tol or default, msg or ''
end

---------------------------------------------------------------------- comparisons
local is_tensor = stn.isTensor
local function is_storage(x) return stn.isStorage ~= nil and stn.isStorage(x) end

-- A tensor whose difference and abs can be taken (integer types through double, when
-- stn has them; float, double and CUDA as they are).
local function arithmetic(t)
  local ty = t:type()
  if ty == 'torch.FloatTensor' or ty == 'torch.DoubleTensor' or ty == 'torch.CudaTensor' then return t end
  local ok, d = pcall(function() return t:double() end)
  if ok then return d end
  return t:float()
end

local function max_abs_diff(a, b)
  a, b = arithmetic(a):contiguous():view(-1), arithmetic(b):contiguous():view(-1)
  return a:clone():add(-1, b):abs():max()
end

-- (ok, why) for tensors a and b within tol; negate turns the claim into "differ".
local function tensors_eq(a, b, tol, negate, ignore_dims, what)
  what = what or 'Tensor'
  if not ignore_dims and a:dim() ~= b:dim() then return negate, 'the tensors have different numbers of dims' end
  if a:type() ~= b:type() then
    return negate, ('the tensors have different types (%s, %s)'):format(a:type(), b:type())
  end
  if a:nElement() == 0 and b:nElement() == 0 then return not negate, 'both tensors are empty' end
  local same = ignore_dims and a:nElement() == b:nElement() or (not ignore_dims and a:isSameSizeAs(b))
  if not same then return negate, 'the tensors have different sizes' end
  local d = max_abs_diff(a, b)
  local ok = d <= tol
  if negate then ok = not ok end
  if ok then return true end
  return false, ('%s%s violation: max diff=%s, tolerance=%s'):format(what, negate and 'NE(==)' or 'EQ(==)',
    tostring(d), tostring(tol))
end

local values_eq

-- Tables compared key by key, breadth first (the shallowest difference is reported).
local function tables_eq(t1, t2, tol, negate)
  local queue, head = { { t1, t2, nil } }, 1
  while queue[head] do
    local a, b, at = unpack(queue[head])
    head = head + 1
    local function loc(k) return at and (at .. '.' .. tostring(k)) or tostring(k) end
    for k, v1 in pairs(a) do
      local v2 = b[k]
      if v2 == nil then
        return negate, ('entry %s missing in the second table (is %s in the first)'):format(loc(k), tostring(v1))
      end
      if type(v1) == 'table' and type(v2) == 'table' then
        queue[#queue + 1] = { v1, v2, loc(k) }
      else
        local ok, why = values_eq(v1, v2, tol, false)
        if not ok then return negate, 'at table location ' .. loc(k) .. ': ' .. why end
      end
    end
    for k, v2 in pairs(b) do
      if a[k] == nil then
        return negate, ('entry %s missing in the first table (is %s in the second)'):format(loc(k), tostring(v2))
      end
    end
  end
  return not negate, 'the tables are equal'
end

-- Deep equality: numbers within tol, tables recursively, tensors (and storages) by
-- their elements; anything else with ==.
function values_eq(got, want, tol, negate)
  if type(got) ~= type(want) then
    return negate, (not negate) and ('EQ failed: values have different types (first: %s, second: %s)')
      :format(stn.type(got), stn.type(want)) or nil
  end
  if type(got) == 'number' then
    local ok = math.abs(got - want) <= tol
    if negate then ok = not ok end
    if ok then return true end
    local why = (negate and 'NE failed: %s == %s' or 'EQ failed: %s ~= %s'):format(tostring(got), tostring(want))
    if tol > 0 then why = why .. ' with tolerance=' .. tostring(tol) end
    return false, why
  elseif type(want) == 'table' then
    return tables_eq(got, want, tol, negate)
  elseif is_tensor(got) then
    if not is_tensor(want) then return negate, 'EQ failed: a tensor and a ' .. stn.type(want) end
    return tensors_eq(got, want, tol, negate, false)
  elseif is_storage(got) then
    if got:size() ~= want:size() then return negate, 'the storages have different sizes' end
    if stn.type(got) ~= stn.type(want) then return negate, 'the storages have different types' end
    local function view(s) -- a tensor of the storage's type over its elements
      local class = stn[stn.type(s):gsub('^torch%.', ''):gsub('Storage$', 'Tensor')]
      return s:size() == 0 and class() or class(s)
    end
    return tensors_eq(view(got), view(want), tol, negate, false, 'Storage')
  end
  local ok = got == want
  if negate then ok = not ok end
  if ok then return true end
  return false, (negate and 'NE failed: %s (%s) == %s (%s)' or 'EQ failed: %s (%s) ~= %s (%s)'):format(
    tostring(got), type(got), tostring(want), type(want))
end

---------------------------------------------------------------------- assertions
function Tester:assert(cond, ...)
  local msg = message_of(...)
  if type(cond) ~= 'boolean' then
    self:_warning(':assert takes a boolean; to test a value for nil, write tester:assert(v ~= nil)')
  end
  return self:_assert_sub(cond, ('%sBOOL violation condition=%s'):format(msg, tostring(cond)))
end

local function compare(op, text, test)
  Tester[op] = function(self, a, b, ...)
    local msg = message_of(...)
    return self:_assert_sub(test(a, b), ('%s%s failed: %s %s %s'):format(msg, op:sub(7):upper(), tostring(a), text,
      tostring(b)))
  end
end
compare('assertlt', '>=', function(a, b) return a < b end)
compare('assertgt', '<=', function(a, b) return a > b end)
compare('assertle', '>', function(a, b) return a <= b end)
compare('assertge', '<', function(a, b) return a >= b end)
compare('asserteq', '~=', function(a, b) return a == b end)

function Tester:assertne(a, b, ...)
  local msg = message_of(...)
  if type(a) == type(b) and (type(a) == 'table' or type(a) == 'userdata' or type(a) == 'cdata') then
    self:_warning(':assertne compares plain values; use :assertGeneralNe or :assert(a ~= b) for tables and tensors')
  end
  return self:_assert_sub(a ~= b, ('%sNE failed: %s == %s'):format(msg, tostring(a), tostring(b)))
end

function Tester:assertalmosteq(a, b, ...)
  local tol, msg = tolerance_and_message(1e-16, ...)
  local d = math.abs(a - b)
  return self:_assert_sub(d <= tol, ('%sALMOST_EQ failed: %s ~= %s with tolerance=%s'):format(msg, tostring(a),
    tostring(b), tostring(tol)))
end

local function general(self, got, want, negate, ...)
  local tol, msg = tolerance_and_message(0, ...)
  local ok, why = values_eq(got, want, tol, negate)
  return self:_assert_sub(ok, msg .. (why or ''))
end
function Tester:assertGeneralEq(got, want, ...) return general(self, got, want, false, ...) end
function Tester:assertGeneralNe(got, want, ...) return general(self, got, want, true, ...) end
Tester.eq = Tester.assertGeneralEq
Tester.ne = Tester.assertGeneralNe

local function tensor_check(self, a, b, negate, ...)
  if not is_tensor(a) then errors.fail('Tester:assertTensor' .. (negate and 'Ne' or 'Eq'), 'the first argument must be a tensor') end
  if not is_tensor(b) then errors.fail('Tester:assertTensor' .. (negate and 'Ne' or 'Eq'), 'the second argument must be a tensor') end
  local tol, msg = tolerance_and_message(0, ...)
  local ok, why = tensors_eq(a, b, tol, negate, self._assertTensorEqIgnoresDims)
  if ok and not negate and self._assertTensorEqIgnoresDims and not a:isSameSizeAs(b) then
    self:_warning('the tensors have the same elements but different sizes: counted as equal (as Torch7 does); '
      .. ':eq compares sizes too')
  end
  return self:_assert_sub(ok, msg .. (why or ''))
end
function Tester:assertTensorEq(a, b, ...) return tensor_check(self, a, b, false, ...) end
function Tester:assertTensorNe(a, b, ...) return tensor_check(self, a, b, true, ...) end

local function table_check(self, a, b, negate, ...)
  local what = 'Tester:assertTable' .. (negate and 'Ne' or 'Eq')
  if type(a) ~= 'table' then errors.fail(what, 'the first argument must be a table') end
  if type(b) ~= 'table' then errors.fail(what, 'the second argument must be a table') end
  return general(self, a, b, negate, ...)
end
function Tester:assertTableEq(a, b, ...) return table_check(self, a, b, false, ...) end
function Tester:assertTableNe(a, b, ...) return table_check(self, a, b, true, ...) end

-- f must raise an error that `accept` accepts.
function Tester:assertErrorObj(f, accept, ...)
  local msg = message_of(...)
  local ok, err = pcall(f)
  return self:_assert_sub(not ok and accept(err) and true or false,
    ('%sERROR violation: err=%s'):format(msg, tostring(err)))
end
function Tester:assertError(f, ...) return self:assertErrorObj(f, function() return true end, ...) end
function Tester:assertErrorMsg(f, want, ...) return self:assertErrorObj(f, function(e) return e == want end, ...) end
function Tester:assertErrorPattern(f, pattern, ...)
  return self:assertErrorObj(f, function(e) return type(e) == 'string' and e:find(pattern) ~= nil end, ...)
end
function Tester:assertNoError(f, ...)
  local msg = message_of(...)
  local ok, err = pcall(f)
  return self:_assert_sub(ok, ('%sERROR violation: err=%s'):format(msg, tostring(err)))
end

---------------------------------------------------------------------- adding and running
-- add(fn, name), add(suite) or add{name = fn, ...}; _setUp and _tearDown (called with the
-- test's name around each test) are taken from the name.
function Tester:add(f, name)
  if type(f) == 'table' then
    if name ~= nil then errors.fail('Tester:add', 'a table of tests takes no name') end
    local tests = f
    if rawget(f, '__isTestSuite') then tests = rawget(f, '__tests')
    else self:_warning('add a torch.TestSuite rather than a plain table') end
    for k, v in pairs(tests) do
      if type(v) == 'table' then errors.fail('Tester:add', 'nested tables of tests are not supported (%s)', tostring(k)) end
      self:add(v, k)
    end
    return self
  end
  if type(f) ~= 'function' then errors.fail('Tester:add', 'expected a function or a table of them, got %s', type(f)) end
  if name == '_setUp' or name == '_tearDown' then
    if self[name] then errors.fail('Tester:add', 'only one %s function is allowed', name) end
    self[name] = f
    return self
  end
  name = name or 'unknown'
  if self.tests[name] ~= nil then errors.fail('Tester:add', 'a test named %s already exists', tostring(name)) end
  self.tests[name] = f
  return self
end

function Tester:disable(names)
  if type(names) == 'string' then names = { names } end
  if type(names) ~= 'table' then errors.fail('Tester:disable', 'expected a test name or a list of them') end
  for _, n in ipairs(names) do
    if not self.tests[n] then errors.fail('Tester:disable', 'no test named %s', tostring(n)) end
    self.disabledTests[n] = true
  end
  return self
end

-- The tests to run: all, or those whose names match the given patterns (each must match one).
local function selected(self, names)
  if names == nil then return self.tests end
  if type(names) == 'string' then names = { names } end
  if type(names) ~= 'table' then errors.fail('Tester:run', 'expected a test name, a list of them or nothing') end
  local tests = {}
  for _, pattern in ipairs(names) do
    local found = false
    for n, f in pairs(self.tests) do
      if type(n) == 'string' and n:match(pattern) then tests[n], found = f, true end
    end
    if not found then errors.fail('Tester:run', "no test matches '%s'", tostring(pattern)) end
  end
  return tests
end

local function plural(n, word) return n .. ' ' .. word .. (n == 1 and '' or 's') end
local WIDTH = 80

function Tester:_pcall(f)
  local before = #self.errors
  local ok, result = xpcall(f, function(e)
    -- (the traceback down to the test, without the harness's frames)
    return (debug.traceback(tostring(e), 2):gsub('\n%s*%[C%]: in function \'xpcall\'.*$', ''))
  end)
  if not ok then
    self.errors[#self.errors + 1] = self._currentTestName .. '\n the test raised an error\n' .. tostring(result) .. '\n'
  end
  return ok, result, ok and before == #self.errors
end

function Tester:run(names)
  local tests = selected(self, names)
  local order = {}
  for n in pairs(tests) do order[#order + 1] = n end
  table.sort(order, function(a, b) return tostring(a) < tostring(b) end)
  self.assertionPass, self.assertionFail, self.testError = {}, {}, {}
  for _, n in ipairs(order) do
    self.assertionPass[n], self.assertionFail[n], self.testError[n], self._warningCount[n] = 0, 0, 0, 0
  end

  local total = #order
  io.write('Running ' .. plural(total, 'test') .. '\n')
  local digits = #tostring(total)
  for i, n in ipairs(order) do
    self._currentTestName = n
    local head = ('%' .. digits .. 'd/%d %s '):format(i, total, tostring(n))
    head = head .. string.rep('.', math.max(2, WIDTH - 9 - #head)) .. ' '
    io.write(head .. '[WAIT]')
    io.flush()
    local skip, ok, pass = self.disabledTests[n], true, true
    if not skip then
      if self._setUp then self._setUp(n) end
      if self.rethrow then
        local before = #self.errors
        tests[n]()
        pass = before == #self.errors
      else
        ok, _, pass = self:_pcall(tests[n])
      end
      if self._tearDown then self._tearDown(n) end
    end
    local status = skip and 'SKIP' or (not ok and 'ERROR') or (not pass and 'FAIL') or 'PASS'
    if not ok then self.testError[n] = 1 end
    io.write('\r' .. head .. '[' .. status .. ']')
    if status == 'PASS' and self._warningCount[n] > 0 then io.write(' +warning') end
    io.write('\n')
    io.flush()
    if self.earlyAbort and i < total and not skip and not (ok and pass) then
      io.write('Aborting on the first failure: not every test was run\n')
      break
    end
    collectgarbage()
  end
  self._currentTestName = ''
  self:_report(order)

  local bad = 0
  for _, n in ipairs(order) do
    if self.assertionFail[n] > 0 or self.testError[n] > 0 then bad = bad + 1 end
  end
  io.flush() -- (the report before the error, which goes to stderr)
  if bad > 0 then
    errors.fail('Tester:run', '%d of %s failed or raised an error', bad, plural(total, 'test'))
  end
  return 0
end

function Tester:_report(order)
  local asserts, failures, errs, warned, disabled = 0, 0, 0, 0, 0
  for _, n in ipairs(order) do
    asserts = asserts + self.assertionPass[n] + self.assertionFail[n]
    if self.assertionFail[n] > 0 then failures = failures + 1 end
    if self.testError[n] > 0 then errs = errs + 1 end
    if self._warningCount[n] > 0 then warned = warned + 1 end
    if self.disabledTests[n] then disabled = disabled + 1 end
  end
  warned = warned + (self._warningCount[''] or 0)
  self.countasserts = asserts
  local line = ('Completed %s in %s with %s and %s'):format(plural(asserts, 'assert'), plural(#order, 'test'),
    plural(failures, 'failure'), plural(errs, 'error'))
  if warned > 0 then line = line .. ' and ' .. plural(warned, 'warning') end
  if disabled > 0 then line = line .. ' and ' .. disabled .. ' disabled' end
  io.write(line .. '\n')
  if self.summaryOnly then return end
  local rule = string.rep('-', WIDTH) .. '\n'
  local first = true
  for _, list in ipairs { self.errors, self.warnings } do
    for _, text in ipairs(list) do
      if first then io.write(rule); first = false end
      io.write(text .. '\n' .. rule)
    end
  end
end

return Tester
