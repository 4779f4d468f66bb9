-- Tensor construction, shapes and views sharing storage.
local H = require 'helpers'
local stn = H.stn

describe('stn.Tensor construction', function()
  it('builds from sizes, a size object and nested tables', function()
    assert.are.equal(2, stn.Tensor(2, 3):dim())
    assert.are.equal(6, stn.Tensor(stn.Tensor(2, 3):size()):nElement())
    local t = stn.Tensor({ { 1, 2, 3 }, { 4, 5, 6 } })
    assert.are.same({ 2, 3 }, t:size():totable())
    assert.are.same({ { 1, 2, 3 }, { 4, 5, 6 } }, t:totable())
    assert.are.equal(0, stn.Tensor():dim())
  end)

  it('rejects ragged tables and bad sizes, naming the problem', function()
    H.assert_error(function() stn.Tensor({ { 1, 2 }, { 3 } }) end, 'ragged')
    H.assert_error(function() stn.Tensor(2, -1) end, 'size 2 must be a non-negative integer')
  end)

  it('stn.Tensor(other) is a view of the same storage', function()
    local a = stn.Tensor({ 1, 2, 3 })
    local b = stn.Tensor(a)
    b[2] = 20
    assert.are.equal(20, a[2])
  end)
end)

describe('Tensor views', function()
  local t
  before_each(function() t = stn.Tensor({ { 1, 2, 3 }, { 4, 5, 6 } }) end)

  it('select, narrow and transpose share storage', function()
    t:select(1, 2):fill(0)
    assert.are.same({ { 1, 2, 3 }, { 0, 0, 0 } }, t:totable())
    t:narrow(2, 2, 2):fill(7)
    assert.are.same({ { 1, 7, 7 }, { 0, 7, 7 } }, t:totable())
    local tt = t:t()
    assert.is_false(tt:isContiguous())
    assert.are.same({ { 1, 0 }, { 7, 7 }, { 7, 7 } }, tt:totable())
    tt[1][2] = 9
    assert.are.equal(9, t[2][1])
  end)

  it('view infers -1 and refuses non-contiguous tensors', function()
    assert.are.same({ 3, 2 }, t:view(-1, 2):size():totable())
    H.assert_error(function() t:t():view(6) end, 'Tensor:view', 'not contiguous')
    H.assert_error(function() t:view(4, 2) end, 'Tensor:view', '8 elements', '2x3')
  end)

  it('indexes with t[i] and assigns with t[i] = v', function()
    assert.are.equal(5, t[2][2])
    t[1] = 0
    assert.are.same({ 0, 0, 0 }, t[1]:totable())
    H.assert_error(function() return t[3] end, 'index 3 out of range for dimension 1 of size 2')
    H.assert_error(function() return t:select(3, 1) end, 'dimension 3 out of range for a 2-D tensor (2x3)')
  end)

  it('squeeze, unsqueeze and expand', function()
    local u = t:unsqueeze(1)
    assert.are.same({ 1, 2, 3 }, u:size():totable())
    assert.are.same({ 2, 3 }, u:squeeze():size():totable())
    local e = stn.Tensor({ 1, 2 }):view(2, 1):expand(2, 3)
    assert.are.same({ { 1, 1, 1 }, { 2, 2, 2 } }, e:totable())
  end)

  it('copies between layouts of the same element count', function()
    local dst = stn.Tensor(3, 2)
    dst:copy(t:t())
    assert.are.same({ { 1, 4 }, { 2, 5 }, { 3, 6 } }, dst:totable())
    local flat = stn.Tensor(6):copy(t:t())
    assert.are.same({ 1, 4, 2, 5, 3, 6 }, flat:totable())
    H.assert_error(function() stn.Tensor(5):copy(t) end, 'Tensor:copy', '5 elements', '6')
  end)

  it('resize keeps storage when it fits and grows it when not', function()
    local r = stn.Tensor(6):fill(1)
    r:resize(2, 3)
    assert.are.equal(1, r[2][3])
    r:resize(4, 4)
    assert.are.equal(16, r:nElement())
  end)
end)
