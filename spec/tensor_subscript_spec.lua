-- Torch7's subscripts: x[i], x[{...}], x[size], read and written, on CPU and CUDA.
-- Every expected value is worked out by hand from the tensors built here: m holds
-- 1..12 row by row (m[i][j] = 4 (i - 1) + j), c holds 1..24 (c[i][j][k] = 12 (i - 1) + 4 (j - 1) + k).
local H = require 'helpers'
local stn = H.stn

local function m34()
  return stn.Tensor({ { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 9, 10, 11, 12 } })
end
local function c234()
  local c = stn.Tensor(2, 3, 4)
  local p = c:data()
  for i = 0, 23 do p[i] = i + 1 end
  return c
end

-- The error raised by fn, checked to point at this file (the indexing line) and to
-- contain every given substring.
local function index_error(fn, ...)
  local err = H.assert_error(fn, 'stn: Tensor index: ', ...)
  assert(err:find('tensor_subscript_spec.lua:%d+: stn:'), 'error does not point at the indexing line: ' .. err)
  return err
end

describe('Tensor subscript x[i]', function()
  it('reads a number from a 1-D tensor; -1 is the last index, -n the first', function()
    local v = stn.Tensor({ 10, 20, 30 })
    assert.are.equal(20, v[2])
    assert.are.equal(30, v[-1])
    assert.are.equal(10, v[-3])
    assert.are.equal('number', type(v[1]))
  end)

  it('reads the row view of a 2-D tensor, negative rows too, sharing storage', function()
    local m = m34()
    assert.are.same({ 5, 6, 7, 8 }, m[2]:totable())
    assert.are.same({ 9, 10, 11, 12 }, m[-1]:totable())
    assert.are.same({ 1, 2, 3, 4 }, m[-3]:totable())
    assert.are.equal(7, m[2][3])
    assert.are.equal(7, m[-2][-2])
    m[2]:fill(0)
    assert.are.same({ { 1, 2, 3, 4 }, { 0, 0, 0, 0 }, { 9, 10, 11, 12 } }, m:totable())
  end)

  it('takes a numeric string as a number, as Lua and Torch7 do', function()
    assert.are.equal(7, m34()['2'][3])
  end)

  it('writes an element, fills a row (number) or copies into it (tensor)', function()
    local v = stn.Tensor({ 1, 2, 3 })
    v[-1] = 9
    v[1] = stn.Tensor({ 7 }) -- Torch7 narrows to the one element and copies
    assert.are.same({ 7, 2, 9 }, v:totable())
    local m = m34()
    m[2] = -1
    m[-1] = stn.Tensor({ 4, 3, 2, 1 })
    assert.are.same({ { 1, 2, 3, 4 }, { -1, -1, -1, -1 }, { 4, 3, 2, 1 } }, m:totable())
  end)

  it('refuses an index out of range, a fractional one and an empty tensor, naming index and size', function()
    local v, m = stn.Tensor({ 1, 2, 3 }), m34()
    index_error(function() return v[0] end, 'x[0] on a tensor of size 3', 'index 0 out of range for dimension 1 of size 3')
    index_error(function() return v[4] end, 'index 4 out of range for dimension 1 of size 3')
    index_error(function() return v[-4] end, 'index -4 out of range for dimension 1 of size 3')
    index_error(function() return m[4] end, 'x[4] on a tensor of size 3x4', 'index 4 out of range for dimension 1 of size 3')
    index_error(function() return v[1.5] end, 'index 1.5 is not an integer')
    index_error(function() v[5] = 1 end, 'x[5] = 1 on a tensor of size 3', 'index 5 out of range')
    index_error(function() m[0] = 1 end, 'index 0 out of range for dimension 1 of size 3')
    index_error(function() return stn.Tensor()[1] end, 'x[1] on an empty tensor', 'cannot index an empty tensor')
  end)
end)

describe('Tensor subscript x[{...}] read', function()
  it('returns the element as a Lua number when every dim is selected by a number', function()
    local m, c = m34(), c234()
    assert.are.equal(7, m[{ 2, 3 }])
    assert.are.equal('number', type(m[{ 2, 3 }]))
    assert.are.equal(12, m[{ -1, -1 }])
    assert.are.equal(9, m[{ -1, 1 }])
    assert.are.equal(24, c[{ 2, 3, 4 }])
    assert.are.equal(18, c[{ 2, 2, -3 }]) -- 12 + 4 + 2
    assert.are.equal(20, stn.Tensor({ 10, 20 })[{ 2 }])
  end)

  it('selects with a number and narrows with {}, {i} and {first, last}', function()
    local m = m34()
    local row = m[{ 2, { 1, 3 } }]
    assert.are.same({ 3 }, row:size():totable())
    assert.are.same({ 5, 6, 7 }, row:totable())
    assert.are.same({ 2, 6, 10 }, m[{ {}, 2 }]:totable())
    assert.are.same({ { 5, 6, 7, 8 } }, m[{ { 2 } }]:totable())
    assert.are.same({ { 7 } }, m[{ { 2 }, { 3 } }]:totable())
    assert.are.same({ { 7, 8 }, { 11, 12 } }, m[{ { 2, 3 }, { -2, -1 } }]:totable())
    assert.are.same({ { 2, 3 }, { 6, 7 }, { 10, 11 } }, m[{ {}, { 2, -2 } }]:totable())
  end)

  it('keeps the dims after the last entry whole', function()
    local c = c234()
    assert.are.same({ { 13, 14, 15, 16 }, { 17, 18, 19, 20 }, { 21, 22, 23, 24 } }, c[{ 2 }]:totable())
    assert.are.same({ { 5, 6, 7, 8 }, { 17, 18, 19, 20 } }, c[{ {}, 2 }]:totable())
    assert.are.same({ 3, 7, 11 }, c[{ 1, {}, 3 }]:totable())
    assert.are.same({ 2, 3, 4 }, c[{}]:size():totable())
  end)

  it('returns views of the same storage, with the strides of the original', function()
    local m = m34()
    local v = m[{ {}, { 2, 3 } }]
    assert.are.same({ 4, 1 }, v:stride():totable())
    assert.are.equal(2, v:storageOffset())
    v:fill(0)
    assert.are.same({ { 1, 0, 0, 4 }, { 5, 0, 0, 8 }, { 9, 0, 0, 12 } }, m:totable())
    local whole = m[{}]
    whole[{ 1, 1 }] = 42
    assert.are.equal(42, m[1][1])
    -- a subscript of a transposed view follows its strides: mt[{1, 3}] is m[3][1]
    assert.are.equal(9, m:t()[{ 1, 3 }])
  end)

  it('reads the element named by a size object, as Torch7 does with a LongStorage', function()
    assert.are.equal(7, m34()[stn.Size.new({ 2, 3 })])
    assert.are.equal(12, m34()[stn.Size.new({ -1, -1 })])
  end)

  it('keeps method lookup, and gives nil for an unknown field as Torch7 does', function()
    local m = m34()
    assert.are.equal('function', type(m.size))
    assert.are.equal(3, m:size(1))
    assert.is_nil(m.foo)
  end)

  it('of an empty tensor, x[{}] is an empty tensor', function()
    assert.are.equal(0, stn.Tensor()[{}]:dim())
  end)
end)

describe('Tensor subscript x[{...}] write', function()
  it("follows Torch7's reference example on a 5x6 tensor", function()
    local x = stn.Tensor(5, 6):zero()
    x[{ 1, 3 }] = 1                          -- one element
    x[{ 2, { 2, 4 } }] = 2                   -- three elements of row 2
    x[{ {}, 4 }] = -1                        -- column 4
    x[{ {}, 2 }] = stn.Tensor({ 1, 2, 3, 4, 5 }) -- column 2 copied in
    assert.are.same({
      { 0, 1, 1, -1, 0, 0 },
      { 0, 2, 2, -1, 0, 0 },
      { 0, 3, 0, -1, 0, 0 },
      { 0, 4, 0, -1, 0, 0 },
      { 0, 5, 0, -1, 0, 0 },
    }, x:totable())
  end)

  it('sets elements with negative indices and through a size object', function()
    local m = m34()
    m[{ -1, -1 }] = 0
    m[{ 1, -4 }] = 0
    m[stn.Size.new({ 2, 2 })] = 0
    assert.are.same({ { 0, 2, 3, 4 }, { 5, 0, 7, 8 }, { 9, 10, 11, 0 } }, m:totable())
  end)

  it('copies a tensor of the same element count in row-major order, whatever its sizes', function()
    local m = m34()
    m[{ { 2, 3 }, { 2, 3 } }] = stn.Tensor({ -1, -2, -3, -4 })
    assert.are.same({ { 1, 2, 3, 4 }, { 5, -1, -2, 8 }, { 9, -3, -4, 12 } }, m:totable())
    m[{ 1 }] = stn.Tensor({ { 0, 0 }, { 0, 0 } })
    assert.are.same({ 0, 0, 0, 0 }, m[1]:totable())
  end)

  it('fills the whole tensor with x[{}], and a write through a view changes the original', function()
    local m = m34()
    local rows = m[{ { 2, 3 } }]
    rows[{ 1, { 1, 2 } }] = 42
    assert.are.same({ { 1, 2, 3, 4 }, { 42, 42, 7, 8 }, { 9, 10, 11, 12 } }, m:totable())
    m[{}] = 3
    assert.are.same({ { 3, 3, 3, 3 }, { 3, 3, 3, 3 }, { 3, 3, 3, 3 } }, m:totable())
  end)

  it('takes a numeric string value as a number, as Torch7 does', function()
    local m = m34()
    m[{ 1, 1 }] = '5'
    assert.are.equal(5, m[1][1])
  end)
end)

describe('Tensor subscript errors', function()
  it('too many entries name the counts', function()
    index_error(function() return m34()[{ 1, 2, 3 }] end,
      'x[{1, 2, 3}] on a tensor of size 3x4', '3 entries for a 2-D tensor (too many indices)')
    index_error(function() m34()[{ 1, 2, 3 }] = 0 end, 'x[{1, 2, 3}] = 0', 'too many indices')
  end)

  it('an index out of range names the entry, the dimension and its size', function()
    local m = m34()
    index_error(function() return m[{ 2, 5 }] end, 'index 5 (entry 2) out of range for dimension 2 of size 4')
    index_error(function() return m[{ -4 }] end, 'index -4 (entry 1) out of range for dimension 1 of size 3')
    index_error(function() return m[{ 0, 1 }] end, 'index 0 (entry 1) out of range')
    index_error(function() return m[{ 1.5, 1 }] end, 'index 1.5 (entry 1) is not an integer')
    index_error(function() m[{ 4, 1 }] = 0 end, 'x[{4, 1}] = 0', 'index 4 (entry 1) out of range for dimension 1 of size 3')
  end)

  it('a bad range names itself, its entry and the dimension', function()
    local m = m34()
    index_error(function() return m[{ {}, { 0 } }] end, 'range {0} (entry 2) starts at 0, out of range for dimension 2 of size 4')
    index_error(function() return m[{ {}, { 2, 5 } }] end, 'range {2, 5} (entry 2) ends at 5, out of range for dimension 2 of size 4')
    index_error(function() return m[{ { 3, 2 } }] end, 'range {3, 2} (entry 1) ends at 2, before its start 3')
    index_error(function() return m[{ { -1, 1 } }] end, 'range {-1, 1} (entry 1) ends at 1, before its start 3')
    index_error(function() return m[{ { 1, 2, 3 } }] end, 'range {1, 2, 3} (entry 1) has more than two entries')
    index_error(function() return m[{ { 'a' } }] end, 'range {"a"} (entry 1) starts with a string')
    index_error(function() m[{ { 1, 4 } }] = 0 end, 'range {1, 4} (entry 1) ends at 4')
  end)

  it('an entry of another type is refused (Torch7 silently ignores it and the rest)', function()
    index_error(function() return m34()[{ 1, true }] end, 'entry 2 is a boolean; expected a number, {}, {i} or {first, last}')
    index_error(function() return m34()[{ 'a' }] end, 'entry 1 is a string')
  end)

  it('a size object needs one entry per dim', function()
    index_error(function() return m34()[stn.Size.new({ 2 })] end, 'a size index needs one entry per dimension (2), got 1')
  end)

  it('a ByteTensor key is a mask (maskedSelect, maskedFill, maskedCopy); another tensor key is refused', function()
    local m = m34() -- 1..12
    local mask = stn.ByteTensor(3, 4)
    for i = 1, 3 do for j = 1, 4 do mask[i][j] = (i - 1) * 4 + j > 9 and 1 or 0 end end
    assert.are.same({ 10, 11, 12 }, m[mask]:totable())
    m[mask] = 0
    assert.are.same({ 9, 0, 0, 0 }, m[3]:totable())
    m[mask] = stn.Tensor { 7, 8, 9 }
    assert.are.same({ 9, 7, 8, 9 }, m[3]:totable())
    index_error(function() return m[m:clone()] end, 'x[<', '3x4>]', 'a torch.FloatTensor is not a mask', 'torch.ByteTensor')
    index_error(function() m[m:clone()] = 0 end, 'not a mask', 'torch.ByteTensor')
  end)

  it('a key that is no index is refused, on read (not nil) and on write', function()
    local m = m34()
    index_error(function() return m[true] end, 'x[true]', 'a boolean is not an index')
    index_error(function() return m[print] end, 'a function is not an index')
    index_error(function() m[true] = 1 end, 'a boolean is not an index')
    index_error(function() m.foo = 1 end, 'x["foo"] = 1', 'cannot set a field on a tensor')
  end)

  it('an assigned value must be a number or a tensor of the same element count', function()
    local m = m34()
    index_error(function() m[{ 1 }] = true end, 'x[{1}] = true', 'cannot assign a boolean; expected a number or a tensor')
    index_error(function() m[{ 1 }] = stn.Tensor(3) end,
      'the view has size 4 (4 elements), the tensor 3 (3): a copy needs the same number of elements')
    index_error(function() m[2] = stn.Tensor(5) end, 'the view has size 4 (4 elements), the tensor 5 (5)')
    index_error(function() m[{ 1, 1 }] = stn.Tensor({ 1 }) end, 'one element takes a number, got a tensor',
      'write the last index as a range {i}')
    m[{ 1, { 1 } }] = stn.Tensor({ 8 })
    assert.are.equal(8, m[1][1])
  end)
end)

describe('Tensor subscript on CUDA', function()
  H.cuda_it('reads elements and views as on the CPU', function()
    local m, g = m34(), m34():cuda()
    assert.are.equal(7, g[{ 2, 3 }])
    assert.are.equal(12, g[{ -1, -1 }])
    assert.are.equal(7, g[2][3])
    assert.are.equal(30, stn.Tensor({ 10, 20, 30 }):cuda()[-1])
    assert.are.equal(7, g[stn.Size.new({ 2, 3 })])
    local v = g[{ {}, { 2, 3 } }]
    assert.is_true(v:isCuda())
    H.assert_equal(v, m[{ {}, { 2, 3 } }])
    H.assert_equal(g[{ 2, { 1, 3 } }], stn.Tensor({ 5, 6, 7 }))
  end)

  H.cuda_it('writes elements, fills and copies from either device', function()
    local g = stn.Tensor(5, 6):zero():cuda()
    g[{ 1, 3 }] = 1
    g[{ 2, { 2, 4 } }] = 2
    g[{ {}, 4 }] = -1
    g[{ {}, 2 }] = stn.Tensor({ 1, 2, 3, 4, 5 })
    g[{ {}, 6 }] = stn.Tensor({ 6, 7, 8, 9, 10 }):cuda()
    g[-1] = stn.Tensor({ 1, 1, 1, 1, 1, 1 }):cuda()
    assert.are.same({
      { 0, 1, 1, -1, 0, 6 },
      { 0, 2, 2, -1, 0, 7 },
      { 0, 3, 0, -1, 0, 8 },
      { 0, 4, 0, -1, 0, 9 },
      { 1, 1, 1, 1, 1, 1 },
    }, g:float():totable())
    local v = stn.Tensor({ 1, 2, 3 }):cuda()
    v[-1] = 9
    v[1] = stn.Tensor({ 7 })
    assert.are.same({ 7, 2, 9 }, v:float():totable())
  end)

  H.cuda_it('raises the same errors', function()
    local g = m34():cuda()
    index_error(function() return g[{ 2, 5 }] end, 'index 5 (entry 2) out of range for dimension 2 of size 4')
    index_error(function() return g[g] end, 'mask indexing', 'torch.ByteTensor')
  end)
end)
