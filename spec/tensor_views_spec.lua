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

describe('Tensor:set, the view primitive (Torch7)', function()
  local S = stn.Size.new

  it('t:set(y) makes t y itself again: same storage, offset, sizes and strides', function()
    local x = stn.Tensor({ { 1, 2, 3 }, { 4, 5, 6 } })
    local y = x:t()
    local t = stn.Tensor()
    assert.are.equal(t, t:set(y))
    assert.is_true(t:isSetTo(y))
    assert.are.same({ { 1, 4 }, { 2, 5 }, { 3, 6 } }, t:totable())
  end)

  it('t:set(storage, offset, sizes, strides) views the storage as given', function()
    local x = stn.Tensor({ 1, 2, 3, 4, 5, 6 })
    local t = stn.Tensor():set(x.mem, 2, S { 2, 2 }, S { 1, 2 })
    assert.are.same({ { 2, 4 }, { 3, 5 } }, t:totable())
    assert.are.equal(2, t:storageOffset())
    assert.are.same({ 1, 2 }, t:stride():totable())
    -- tables as well as size objects; strides left out: contiguous
    assert.are.same({ { 1, 2, 3 }, { 4, 5, 6 } }, stn.Tensor():set(x.mem, 1, { 2, 3 }):totable())
    -- a negative stride: the contiguous one (as Torch7 and stn.Tensor(sizes, strides))
    assert.are.same({ 3, 1 }, stn.Tensor():set(x.mem, 1, { 2, 3 }, { -1, 1 }):stride():totable())
    -- stride 0 repeats an element, as expand does
    assert.are.same({ 5, 5, 5 }, stn.Tensor():set(x.mem, 5, { 3 }, { 0 }):totable())
    -- no sizes: 1-D from the offset to the storage's end; no offset: from the first
    assert.are.same({ 4, 5, 6 }, stn.Tensor():set(x.mem, 4):totable())
    assert.are.same({ 1, 2, 3, 4, 5, 6 }, stn.Tensor():set(x.mem):totable())
    -- sizes with no elements may start just past the end
    assert.are.equal(0, stn.Tensor():set(x.mem, 7, { 0 }):nElement())
  end)

  it('shares the memory: writes through either are seen by the other', function()
    local x = stn.Tensor(6):zero()
    local t = stn.Tensor():set(x.mem, 3, { 2 }, { 2 })
    t:fill(7)
    assert.are.same({ 0, 0, 7, 0, 7, 0 }, x:totable())
    x[4] = 9
    local u = stn.Tensor():set(t.mem, 4, { 1 })
    assert.are.equal(9, u[1])
  end)

  it('keeps the storage alive, and releases the one it had', function()
    local t = stn.Tensor(3):fill(1)
    do
      local x = stn.Tensor({ 1, 2, 3 })
      t:set(x.mem, 1, { 3 })
    end
    collectgarbage(); collectgarbage()
    assert.are.same({ 1, 2, 3 }, t:totable())
    t:set(t.mem, 2, { 2 }) -- its own storage again
    collectgarbage(); collectgarbage()
    assert.are.same({ 2, 3 }, t:totable())
  end)

  it('refuses a view reaching outside the storage', function()
    local x = stn.Tensor(6)
    H.assert_error(function() stn.Tensor():set(x.mem, 1, { 7 }) end, 'stn: Tensor:set', 'reach element 7', 'the 6 of the storage')
    H.assert_error(function() stn.Tensor():set(x.mem, 2, { 2, 3 }, { 3, 1 }) end, 'stn: Tensor:set', 'reach element 7')
    H.assert_error(function() stn.Tensor():set(x.mem, 1, { 2 }, { 6 }) end, 'stn: Tensor:set', 'reach element 7')
    H.assert_error(function() stn.Tensor():set(x.mem, 0) end, 'stn: Tensor:set', 'storageOffset', 'from 1 to 7')
    H.assert_error(function() stn.Tensor():set(x.mem, 8, { 0 }) end, 'stn: Tensor:set', 'storageOffset', 'got 8')
    H.assert_error(function() stn.Tensor():set(x.mem, 1, { 2 ^ 40, 2 ^ 40 }) end, 'stn: Tensor:set', 'more than 2^48')
  end)

  it('refuses NaN, infinite and fractional offsets, sizes and strides', function()
    local x = stn.Tensor(6)
    for _, bad in ipairs { 0 / 0, math.huge, 1.5 } do
      H.assert_error(function() stn.Tensor():set(x.mem, bad) end, 'stn: Tensor:set', 'storageOffset', tostring(bad))
      H.assert_error(function() stn.Tensor():set(x.mem, 1, { bad }) end, 'stn: Tensor:set', 'size 1', tostring(bad))
      H.assert_error(function() stn.Tensor():set(x.mem, 1, { 2 }, { bad }) end, 'stn: Tensor:set', 'stride 1', tostring(bad))
    end
    H.assert_error(function() stn.Tensor():set(x.mem, 1, { -2 }) end, 'stn: Tensor:set', 'size 1', '-2')
  end)

  it('refuses wrong types and argument counts, naming them', function()
    local x = stn.Tensor(6)
    H.assert_error(function() stn.Tensor():set('x') end, 'stn: Tensor:set', 'a storage (x.mem)', 'got string')
    H.assert_error(function() stn.Tensor():set(x, 1) end, 'stn: Tensor:set', 'only the tensor')
    assert.are.same({ 6 }, stn.Tensor():set(x.mem, 1, 6):size():totable()) -- Torch7's numbers form
    H.assert_error(function() stn.Tensor():set(x.mem, 1, 7) end, 'stn: Tensor:set', 'past the 6 of the storage')
    H.assert_error(function() stn.Tensor():set(x.mem, 1, x) end, 'stn: Tensor:set', 'sizes must be')
    H.assert_error(function() stn.Tensor():set(x.mem, 1, { 2 }, 1) end, 'stn: Tensor:set', 'strides must be')
    H.assert_error(function() stn.Tensor():set(x.mem, 1, { 2, 3 }, { 1 }) end, 'stn: Tensor:set', '2 sizes but 1 strides')
    H.assert_error(function() stn.Tensor():set(x.mem, 1, nil, { 1 }) end, 'stn: Tensor:set', 'strides given without sizes')
    H.assert_error(function() stn.Tensor():set(x.mem, 1, { 6 }, { 1 }, 5) end, 'stn: Tensor:set', 'got 5 arguments')
    H.assert_error(function() stn.Tensor():set(stn.Tensor().mem) end, 'stn: Tensor:set', 'NULL')
  end)

  H.cuda_it('refuses a storage of the other device', function()
    local x = stn.CudaTensor(4)
    H.assert_error(function() stn.Tensor():set(x.mem) end, 'stn: Tensor:set', 'cuda storage', 'torch.FloatTensor')
    assert.are.equal(4, stn.CudaTensor():set(x.mem):nElement())
  end)
end)
