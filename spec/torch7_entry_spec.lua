-- The entry for Torch7 code (lua/stn/torch7.lua): each case runs a script in a child
-- `luajit -l stn.torch7` (or plain luajit, for stn alone) from /tmp, with the checkout's
-- lua/ first on the path.
local H = require 'helpers'

local run = H.run_script

describe('stn.torch7', function()
  it("makes require 'torch' the global torch, with stn's tensors under Torch7's names", function()
    local out, status = run [[
      local t = require 'torch'
      assert(t == torch and package.loaded.torch == torch)
      assert(torch.Tensor == require('stn').Tensor and torch.FloatTensor == torch.Tensor)
      assert(torch.ones(2, 3):sum() == 6 and torch.typename(torch.Tensor(2)) == 'torch.FloatTensor')
      assert(torch.type(3) == 'number' and torch.isTensor(torch.Tensor()) == true and torch.isTensor({}) == false)
      assert(torch.getdefaulttensortype() == 'torch.FloatTensor')
      torch.manualSeed(1); local a = torch.Tensor(3):uniform(); torch.manualSeed(1); local b = torch.Tensor(3):uniform()
      for i = 1, 3 do assert(a[i] == b[i]) end
      assert(torch.nn == nil and torch.hasCUDA == nil, "stn's own names are not Torch7's")
      local ok, err = pcall(function() return torch.DiskFile('x') end)
      assert(not ok and err:find('stn: DiskFile: not supported yet', 1, true), err)
      assert(torch.HalfTensor({ 1.5 })[1] == 1.5 and torch.HalfTensor(2):type() == 'torch.HalfTensor')
      assert(torch.CharTensor({ 200 })[1] == -56 and torch.ShortStorage(2):size() == 2)
      assert(torch.LongTensor({ 3, 4 }):type() == 'torch.LongTensor' and torch.LongTensor.new(2):nElement() == 2)
      ok, err = pcall(function() return torch.gels end)
      assert(ok and type(err) == 'function')
      ok, err = pcall(torch.setheaptracking, 'yes')
      assert(not ok and err:find('stn: setheaptracking: expected a boolean', 1, true), err)
      torch.setheaptracking(false); assert(torch._heaptracking == false)
      local m = torch.getmetatable('torch.FloatTensor')
      function m.twice(x) return x:clone():mul(2) end
      assert(torch.ones(2):twice():sum() == 4)
      -- a method added to one type is that type's alone, as in Torch7
      assert(torch.DoubleTensor(1).twice == nil and torch.getmetatable('torch.DoubleTensor').add ~= nil)
      function torch.LongTensor:inc() return self:add(1) end
      assert(torch.LongTensor({ 1 }):inc()[1] == 2 and torch.IntTensor(1).inc == nil)
      ok, err = pcall(function() return m.potrf(torch.ones(2, 2)) end)
      assert(not ok and err:find('not supported yet', 1, true), err)
      local timer = torch.Timer()
      local t1 = timer:stop():time()
      assert(t1.real >= 0 and t1.user >= 0 and t1.sys >= 0 and timer:time().real == t1.real)
      assert(timer:reset():time().real == 0 and timer:resume():time().real >= 0)
      print('done')
    ]]
    assert.are.equal(0, status, out)
    assert.truthy(out:find('done', 1, true), out)
  end)

  it('torch.class: constructors, inheritance, modules, typename, isTypeOf and stn.load', function()
    local out, status = run [[
      local Animal, none = torch.class('Animal')
      assert(none == nil and _G.Animal == Animal)
      function Animal:__init(name) self.name = name end
      function Animal:speak() return self.name .. ' ...' end
      local Dog, parent = torch.class('Dog', 'Animal')
      assert(parent == Animal)
      function Dog:__init(name) Animal.__init(self, name); self.legs = 4 end
      function Dog:speak() return self.name .. ' woof' end
      local d = Dog('rex')
      assert(d:speak() == 'rex woof' and d.legs == 4 and Dog.new('a').name == 'a')
      assert(torch.typename(d) == 'Dog' and torch.type(d) == 'Dog' and tostring(d) == 'Dog')
      assert(torch.isTypeOf(d, 'Animal') and torch.isTypeOf(d, Dog) and not torch.isTypeOf(d, 'Dogs'))
      assert(torch.isTypeOf(d, 'D.g') and torch.getmetatable('Dog') == Dog)
      assert(torch.isTypeOf(torch.Tensor(), 'torch.FloatTensor'))
      -- a module prefix: the class goes in the table named by it (a global table) or given
      zoo = {}
      local Cat = torch.class('zoo.Cat', 'Animal')
      assert(zoo.Cat == Cat and torch.typename(Cat('tom')) == 'zoo.Cat')
      local M = {}
      local Fish = torch.class('Fish', M)
      assert(M.Fish == Fish and rawget(_G, 'Fish') == nil)
      local ok, err = pcall(torch.class, 'nowhere.Bird')
      assert(not ok and err:find('stn: class: cannot create class nowhere.Bird', 1, true), err)
      ok, err = pcall(torch.class, 'Bird', 'NoSuchParent')
      assert(not ok and err:find('unknown parent class NoSuchParent', 1, true), err)
      ok, err = pcall(torch.class, 42)
      assert(not ok and err:find('stn: class: expected <class name>', 1, true), err)
      -- the same name is the same class; a second parent is refused
      assert(torch.class('Dog') == Dog)
      ok, err = pcall(torch.class, 'Dog', 'Animal')
      assert(not ok and err:find('already has a parent class', 1, true), err)
      -- saved and loaded by stn
      local path = os.tmpname()
      local d2 = Dog('fido'); d2.weights = torch.ones(3)
      require('stn').save(path, d2)
      local back = require('stn').load(path)
      os.remove(path)
      assert(getmetatable(back) == Dog and back:speak() == 'fido woof' and back.weights:sum() == 3)
      local s = torch.setmetatable({ name = 'x' }, 'Dog')
      assert(s:speak() == 'x woof')
      print('done')
    ]]
    assert.are.equal(0, status, out)
    assert.truthy(out:find('done', 1, true), out)
  end)

  -- A Torch7-style test file: passing and failing tests, then the summary line and status.
  local TESTS = [[
    local tester = torch.Tester()
    local tests = torch.TestSuite()
    function tests.arithmetic()
      tester:asserteq(torch.ones(3):sum(), 3, 'sum')
      tester:assertalmosteq(0.1 + 0.2, 0.3, 1e-12)
      tester:assertlt(1, 2); tester:assertgt(2, 1); tester:assertle(2, 2); tester:assertge(2, 2); tester:assertne(1, 2)
      tester:assert(true)
    end
    function tests.tensors()
      tester:assertTensorEq(torch.ones(2, 2), torch.ones(2, 2))
      tester:assertTensorEq(torch.ones(2), torch.ones(2):add(1e-3), 1e-2)
      tester:assertTensorNe(torch.ones(2), torch.zeros(2))
      tester:eq({ a = 1, b = { torch.ones(2), 'x' } }, { a = 1, b = { torch.ones(2), 'x' } })
      tester:eq(1, 1.05, 0.1); tester:ne(1, 2); tester:assertTableEq({ 1, 2 }, { 1, 2 }); tester:assertTableNe({ 1 }, { 2 })
    end
    function tests.errors()
      tester:assertError(function() error('x') end)
      tester:assertErrorMsg(function() error('exact', 0) end, 'exact')
      tester:assertErrorPattern(function() torch.DiskFile('x') end, 'not supported yet')
      tester:assertNoError(function() return torch.zeros(1) end)
    end
    function tests.failing()
      tester:asserteq(1, 2, 'one is not two')
      tester:assertTensorEq(torch.ones(2), torch.zeros(2), 1e-3)
    end
    function tests.raising() error('raised on purpose') end
    function tests.skipped() error('never run') end
    tester:add(tests)
    tester:disable('skipped')
  ]]

  it('torch.Tester runs a Torch7 test file: summary line, failures and a non-zero exit status', function()
    local out, status = run(TESTS .. 'tester:run()')
    assert.truthy(out:find('Completed 22 asserts in 6 tests with 1 failure and 1 error and 1 disabled\n', 1, true), out)
    assert.truthy(out:find('[FAIL]', 1, true) and out:find('[ERROR]', 1, true) and out:find('[SKIP]', 1, true), out)
    assert.truthy(out:find('one is not two\nEQ failed: 1 ~= 2', 1, true), out)
    assert.truthy(out:find('TensorEQ(==) violation: max diff=1, tolerance=0.001', 1, true), out)
    assert.truthy(out:find('raised on purpose', 1, true), out)
    assert.truthy(out:find('stn: Tester:run: 2 of 6 tests failed or raised an error', 1, true), out)
    assert.are_not.equal(0, status)
  end)

  it('torch.Tester:run(names) runs the tests named (patterns) and exits 0 when they pass', function()
    local out, status = run(TESTS .. "tester:run{'arith', 'tensors', 'errors'}")
    assert.are.equal(0, status, out)
    assert.truthy(out:find('Completed 20 asserts in 3 tests with 0 failures and 0 errors\n', 1, true), out)
    out, status = run(TESTS .. "tester:run('nothing')")
    assert.truthy(out:find("stn: Tester:run: no test matches 'nothing'", 1, true), out)
    assert.are_not.equal(0, status)
  end)

  it('torch.TestSuite refuses a name twice and values that are not functions', function()
    local out, status = run [[
      local s = torch.TestSuite()
      function s.a() end
      local ok, err = pcall(function() s.a = function() end end)
      assert(not ok and err:find('test a is already defined', 1, true), err)
      ok, err = pcall(function() s.b = {} end)
      assert(not ok and err:find('nested tables', 1, true), err)
      ok, err = pcall(function() s.c = 3 end)
      assert(not ok and err:find('must be a function', 1, true), err)
      assert(type(s.a) == 'function')
      print('done')
    ]]
    assert.are.equal(0, status, out)
    assert.truthy(out:find('done', 1, true), out)
  end)

  it("plain require 'stn' sets no global; the entry sets torch and paths, as Torch7's torch does", function()
    local LIST = [[
      local before = {}
      for k in pairs(_G) do before[k] = true end
      %s
      local added = {}
      for k in pairs(_G) do if not before[k] then added[#added + 1] = tostring(k) end end
      table.sort(added)
      print('added:[' .. table.concat(added, ',') .. ']')
    ]]
    local out, status = run(LIST:format("local stn = require 'stn'; stn.nn.Linear(2, 2); stn.Tensor(2):uniform()"), false)
    assert.are.equal(0, status, out)
    assert.truthy(out:find('added:[]', 1, true), out)
    out, status = run(LIST:format("require 'stn.torch7'"), false)
    assert.are.equal(0, status, out)
    assert.truthy(out:find('added:[paths,torch]', 1, true), out)
  end)
end)
