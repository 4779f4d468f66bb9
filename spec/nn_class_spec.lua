-- stn.class as Torch7's class system: module(input) and criterion(input, target)
-- (Torch7's __call__), and the operators a class defines under Torch7's names
-- (__tostring__, __add__, ...) or Lua's, inherited by subclasses.
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn
local class = require 'stn.class'
require 'nn_testmodules'

-- A Linear 2 -> 1 with weight (1, 2) and bias 3: y = x1 + 2 x2 + 3.
local function linear()
  local l = nn.Linear(2, 1)
  l.weight:copy(stn.Tensor({ { 1, 2 } }))
  l.bias:fill(3)
  l:zeroGradParameters()
  return l
end

describe('module(input)', function()
  it('runs forward and returns self.output', function()
    local l = linear()
    local out = l(stn.Tensor({ 1, 1 }))
    assert.are.equal(l.output, out)
    H.assert_near(out, { 6 }, 0) -- 1 + 2 + 3
  end)

  it('with gradOutput also runs backward and returns output and gradInput', function()
    local l = linear()
    local out, gradInput = l(stn.Tensor({ 1, 4 }), stn.Tensor({ 2 }))
    H.assert_near(out, { 12 }, 0) -- 1 + 8 + 3
    assert.are.equal(l.gradInput, gradInput)
    H.assert_near(gradInput, { 2, 4 }, 0) -- 2 * W
    H.assert_near(l.gradWeight, { { 2, 8 } }, 0) -- 2 * x
    H.assert_near(l.gradBias, { 2 }, 0)
  end)

  it('works for containers and for classes defined by the user, inherited', function()
    local s = nn.Sequential():add(linear()):add(nn.ReLU())
    H.assert_near(s(stn.Tensor({ -10, 1 })), { 0 }, 0) -- -10 + 2 + 3 < 0
    local Double = class.new('nn.TestDoubleCall', 'nn.Module')
    function Double:updateOutput(input) self.output = input * 2; return self.output end
    local Sub = class.new('nn.TestDoubleCallSub', 'nn.TestDoubleCall')
    H.assert_near(Sub()(stn.Tensor({ 1, 2 })), { 2, 4 }, 0)
  end)
end)

describe('criterion(input, target)', function()
  it('returns the loss and the gradient (MSE by hand)', function()
    local c = nn.MSECriterion()
    local loss, grad = c(stn.Tensor({ 1, 3 }), stn.Tensor({ 0, 1 }))
    assert.are.equal((1 + 4) / 2, loss)
    H.assert_near(grad, { 1, 2 }, 0) -- 2 (x - t) / 2
    assert.are.equal(c.gradInput, grad)
    assert.are.equal(loss, c.output)
  end)

  it('works for nn.CrossEntropyCriterion (log 2 for two equal scores)', function()
    local loss, grad = nn.CrossEntropyCriterion()(stn.Tensor({ 0, 0 }), 1)
    H.assert_near(loss, math.log(2), 1e-6)
    H.assert_near(grad, { -0.5, 0.5 }, 1e-6)
  end)
end)

describe('stn.class operators', function()
  local Root = class.new('test.Root')
  function Root:__init(v) self.v = v end
  function Root:__call__(x) return self.v + x end
  function Root:__tostring__() return 'Root(' .. self.v .. ')' end
  function Root:__add__(other) return Root(self.v + (type(other) == 'number' and other or other.v)) end
  function Root:__eq__(other) return self.v == other.v end
  function Root:__lt__(other) return self.v < other.v end
  function Root:__unm__() return Root(-self.v) end
  function Root:__concat__(other) return tostring(self) .. '|' .. tostring(other) end
  local Child = class.new('test.Child', 'test.Root')
  function Child:__tostring() return 'Child(' .. self.v .. ')' end -- Lua's spelling
  local Grandchild = class.new('test.Grandchild', 'test.Child')
  local Plain = class.new('test.Plain')

  it('calls __call__, inherited by subclasses', function()
    assert.are.equal(5, Root(2)(3))
    assert.are.equal(5, Grandchild(2)(3))
  end)

  it('prints with the nearest __tostring__ or __tostring, else the class name', function()
    assert.are.equal('Root(1)', tostring(Root(1)))
    assert.are.equal('Child(1)', tostring(Child(1)))
    assert.are.equal('Child(1)', tostring(Grandchild(1)))
    assert.are.equal('test.Plain', tostring(Plain()))
    assert.are.equal('Root(1)', Root(1):__tostring__())
    assert.are.equal('Child(1)', Grandchild(1):__tostring__())
  end)

  it('gives stn\'s own modules __tostring__ as Torch7 code calls it', function()
    assert.are.equal('nn.Linear(2 -> 1)', linear():__tostring__())
    assert.are.equal('nn.ReLU', nn.ReLU():__tostring__())
    local Mine, parent = class.new('nn.TestLinearPrint', 'nn.Linear')
    function Mine:__tostring__() return parent.__tostring__(self) .. ' (mine)' end
    assert.are.equal('nn.TestLinearPrint(2 -> 1) (mine)', tostring(Mine(2, 1))) -- Torch7's Linear prints torch.type(self)
  end)

  it('lets a Torch7-style __tostring__ set on an stn class take over its own', function()
    local Cls = class.new('nn.TestPrintOverride', 'nn.TestAffine')
    assert.are.equal('nn.TestAffine(2)', tostring(Cls(2)))
    function Cls:__tostring__() return 'override' end
    assert.are.equal('override', tostring(Cls(2)))
  end)

  it('applies arithmetic and comparison operators, inherited', function()
    assert.are.equal(5, (Grandchild(2) + 3).v)
    assert.are.equal(5, (Root(2) + Child(3)).v)
    assert.is_true(Child(2) == Grandchild(2))
    assert.is_false(Root(2) == Root(3))
    assert.is_true(Root(1) < Grandchild(2))
    assert.are.equal(-4, (-Child(4)).v)
    assert.are.equal('Root(1)|x', Root(1) .. 'x')
    local p = Plain()
    assert.is_true(p == p)
    assert.is_false(Plain() == Plain()) -- identity without __eq__
  end)

  it('raises an error naming the class for an operator it lacks', function()
    H.assert_error(function() return Plain()(1) end, 'test.Plain: has no call operator')
    H.assert_error(function() return Plain() + 1 end, 'test.Plain', 'no addition operator')
    H.assert_error(function() return -Plain() end, 'test.Plain: has no negation operator')
  end)

  it('refuses __index__ and __newindex__ (Torch7\'s custom indexing)', function()
    local Cls = class.new('test.Indexing')
    H.assert_error(function() function Cls:__index__() end end, 'test.Indexing', '__index__', 'not supported')
    H.assert_error(function() function Cls:__newindex__() end end, 'test.Indexing', '__newindex__', 'not supported')
  end)

  it('keeps the callable and printable class through stn.save / stn.load', function()
    local path = os.tmpname()
    stn.save(path, linear())
    local l = stn.load(path)
    os.remove(path)
    H.assert_near(l(stn.Tensor({ 1, 1 })), { 6 }, 0)
    assert.are.equal('nn.Linear(2 -> 1)', tostring(l))
  end)
end)

describe('stn.class definitions', function()
  it('lets a parent define its operators after a subclass was made, in either spelling', function()
    local A = class.new('test.LateParent')
    local B = class.new('test.LateChild', 'test.LateParent')
    function A:__tostring() return 'late' end
    function A:__call__(x) return x + 1 end
    local b = B()
    assert.are.equal('late', tostring(b))
    assert.are.equal('late', b:__tostring__())
    assert.are.equal(3, b(2))
  end)
end)
