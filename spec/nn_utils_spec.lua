-- stn.nn.utils: Torch7's public nn.utils helpers (clear, recursiveType, recursiveResizeAs,
-- recursiveFill, recursiveAdd, recursiveCopy, addSingletonDimension, contiguousView),
-- with Torch7's arguments and results; values by hand.
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn
local T = stn.Tensor
local utils = nn.utils

describe('nn.utils.clear', function()
  it('takes the field names as arguments or as one table (Torch7 accepts both)', function()
    for _, form in ipairs { 'list', 'table' } do
      local o = { a = T(3):fill(1), b = T(2):fill(1), c = { T(1) }, n = 7, keep = T(4):fill(2) }
      local a = o.a
      if form == 'list' then utils.clear(o, 'a', 'b', 'c', 'n') else utils.clear(o, { 'a', 'b', 'c', 'n' }) end
      assert.are.equal(0, o.a:nElement(), form)
      assert.are.equal(0, o.b:nElement(), form)
      assert.are.same({}, o.c, form)
      assert.is_nil(o.n, form) -- another value is set to nil, as Torch7
      assert.are.equal(4, o.keep:nElement(), form)
      assert.are.equal(3, a:nElement(), form) -- replaced, not emptied in place
    end
  end)

  it('keeps the device of a cleared tensor and returns the object', function()
    local o = { a = T(2) }
    assert.are.equal(o, utils.clear(o, 'a', 'missing'))
    assert.are.equal('torch.FloatTensor', o.a:type())
    assert.is_nil(o.missing)
  end)
end)

describe('nn.utils.recursiveResizeAs', function()
  it('gives t1 the structure and sizes of t2, dropping keys t2 lacks', function()
    local t2 = { T(2, 3), { T(4) } }
    local keep = T(1)
    local t1, same = utils.recursiveResizeAs({ keep, 'x', extra = T(5) }, t2)
    assert.are.equal(t2, same)
    assert.are.equal(keep, t1[1]) -- reused
    assert.are.same({ 2, 3 }, t1[1]:size():totable())
    assert.are.same({ 4 }, t1[2][1]:size():totable())
    assert.is_nil(t1.extra)
    local t = utils.recursiveResizeAs(nil, T(3, 2))
    assert.are.same({ 3, 2 }, t:size():totable())
    H.assert_error(function() utils.recursiveResizeAs(nil, 5) end, 'nn.utils.recursiveResizeAs', 'nil and number')
  end)
end)

describe('nn.utils.recursiveFill', function()
  it('fills every tensor of a nested table', function()
    local t = { T(2), { T(1, 2) } }
    assert.are.equal(t, utils.recursiveFill(t, 3))
    H.assert_equal(t[1], T({ 3, 3 }))
    H.assert_equal(t[2][1], T({ { 3, 3 } }))
    H.assert_error(function() utils.recursiveFill({ 'x' }, 1) end, 'nn.utils.recursiveFill', 'got string')
  end)
end)

describe('nn.utils.recursiveAdd', function()
  it('adds val times t2 to t1, or t2 once with two arguments', function()
    local t1 = { T({ 1, 2 }), { T({ 10 }) } }
    local t2 = { T({ 3, 4 }), { T({ 5 }) } }
    local r, same = utils.recursiveAdd(t1, 2, t2)
    assert.are.equal(t1, r)
    assert.are.equal(t2, same)
    H.assert_equal(t1[1], T({ 7, 10 }))
    H.assert_equal(t1[2][1], T({ 20 }))
    local a = T({ 1, 1 })
    utils.recursiveAdd(a, T({ 2, 3 }))
    H.assert_equal(a, T({ 3, 4 }))
    H.assert_error(function() utils.recursiveAdd(T(2)) end, 'nn.utils.recursiveAdd', 'at least two arguments')
    H.assert_error(function() utils.recursiveAdd({ 1 }, { T(1) }) end, 'nn.utils.recursiveAdd', 'number and torch.FloatTensor')
  end)
end)

describe('nn.utils.recursiveCopy', function()
  it('copies values and structure into t1, making the tensors it lacks', function()
    local src = { T({ 1, 2 }), { T({ { 3 }, { 4 } }) } }
    local dst, same = utils.recursiveCopy(nil, src)
    assert.are.equal(src, same)
    H.assert_equal(dst[1], T({ 1, 2 }))
    H.assert_equal(dst[2][1], T({ { 3 }, { 4 } }))
    assert.are_not.equal(src[1], dst[1])
    src[1][1] = 9
    assert.are.equal(1, dst[1][1]) -- a copy, not a view
    local into = T(5)
    local out = utils.recursiveCopy(into, T({ 7, 8 }), true) -- async: done on return
    assert.are.equal(into, out)
    H.assert_equal(out, T({ 7, 8 }))
  end)
end)

describe('nn.utils.addSingletonDimension', function()
  it('views t with a size-1 dimension inserted at dim (default 1)', function()
    local x = T({ { 1, 2, 3 }, { 4, 5, 6 } })
    local v = utils.addSingletonDimension(x)
    assert.are.same({ 1, 2, 3 }, v:size():totable())
    local w = utils.addSingletonDimension(x, 2)
    assert.are.same({ 2, 1, 3 }, w:size():totable())
    assert.are.equal(6, w[2][1][3])
    w[1][1][2] = 20
    assert.are.equal(20, x[1][2]) -- a view of x
    local out = T()
    assert.are.equal(out, utils.addSingletonDimension(out, x:t(), 3)) -- into a given tensor, strided input
    assert.are.same({ 3, 2, 1 }, out:size():totable())
    assert.are.equal(4, out[1][2][1])
    H.assert_error(function() utils.addSingletonDimension(x, 4) end, 'nn.utils.addSingletonDimension',
      'invalid dimension 4', '2 dimensions')
  end)
end)

describe('nn.utils.contiguousView', function()
  it('views a contiguous input, copies a strided one first', function()
    local x = T({ { 1, 2, 3 }, { 4, 5, 6 } })
    local v = utils.contiguousView(nil, x, 3, 2)
    H.assert_equal(v, T({ { 1, 2 }, { 3, 4 }, { 5, 6 } }))
    v[1][1] = 10
    assert.are.equal(10, x[1][1]) -- a view
    local out = T()
    local c = utils.contiguousView(out, x:t(), 6)
    assert.are.equal(out, c)
    H.assert_equal(c, T({ 10, 4, 2, 5, 3, 6 }))
  end)
end)

describe('nn.utils.recursiveType', function()
  it('converts the tensors of nested tables and keeps unknown types an error', function()
    local t = { T({ 1 }), { T({ 2 }) }, n = 3 }
    assert.are.equal(t, utils.recursiveType(t, 'torch.FloatTensor'))
    assert.are.equal(3, t.n)
    H.assert_error(function() utils.recursiveType({ T(1) }, 'torch.BoolTensor') end, 'torch.BoolTensor')
    local d = utils.recursiveType({ T({ 1.5 }) }, 'torch.DoubleTensor')
    assert.are.equal('torch.DoubleTensor', d[1]:type())
    assert.are.equal(1.5, d[1][1])
  end)
end)
