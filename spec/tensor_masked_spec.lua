-- Byte masks (maskedFill, maskedCopy, maskedSelect), nonzero, and all / any of a
-- ByteTensor, on every element type.
local H = require 'helpers'
local stn = H.stn
local T, L, B = stn.Tensor, stn.LongTensor, stn.ByteTensor

local TYPES = { 'FloatTensor', 'DoubleTensor', 'LongTensor', 'IntTensor', 'ByteTensor', 'CharTensor', 'ShortTensor' }
local M = { { 1, 2, 3 }, { 4, 5, 6 } }
local MASK = { { 1, 0, 1 }, { 0, 0, 1 } }

describe('masks', function()
  for _, name in ipairs(TYPES) do
    it(name .. ': maskedFill, maskedCopy, maskedSelect', function()
      local C = stn[name]
      local x = C(M)
      assert.are.equal(x, x:maskedFill(B(MASK), 9))
      assert.are.same({ { 9, 2, 9 }, { 4, 5, 9 } }, x:totable())
      x = C(M)
      assert.are.equal(x, x:maskedCopy(B(MASK), C { 7, 8, 9, 10 }))
      assert.are.same({ { 7, 2, 8 }, { 4, 5, 9 } }, x:totable())
      local r = C(M):maskedSelect(B(MASK))
      assert.are.equal('torch.' .. name, r:type())
      assert.are.same({ 1, 3, 6 }, r:totable())
      local res = C()
      assert.are.equal(res, res:maskedSelect(C(M), B(MASK)))
      assert.are.same({ 1, 3, 6 }, res:totable())
    end)
  end

  it('pairs a mask of another shape element by element (the same count), through views', function()
    local x = T(M)
    x:maskedFill(B { 0, 1, 0, 1, 0, 1 }, 0)
    assert.are.same({ { 1, 0, 3 }, { 0, 5, 0 } }, x:totable())
    local t = T(M):t() -- 3x2: elements 1 4 2 5 3 6
    assert.are.same({ 1, 5, 6 }, t:maskedSelect(B { { 1, 0 }, { 0, 1 }, { 0, 1 } }):totable())
    local y = T(M)
    y:t():maskedCopy(B { { 1, 1 }, { 0, 0 }, { 0, 0 } }, T { { 10, 20 } }) -- y[1][1], y[2][1]
    assert.are.same({ { 10, 2, 3 }, { 20, 5, 6 } }, y:totable())
  end)

  it('maskedCopy reads src in row-major order and takes a longer src; maskedSelect of no ones is empty', function()
    local x = T(M)
    x:maskedCopy(B(MASK), T { { 1, 2 }, { 3, 4 } })
    assert.are.same({ { 1, 2, 2 }, { 4, 5, 3 } }, x:totable())
    assert.are.equal(0, T(M):maskedSelect(B { { 0, 0, 0 }, { 0, 0, 0 } }):nElement())
  end)

  it('refuses masks that are not ByteTensors of 0 and 1 with x\'s count, naming them', function()
    local x = T(M)
    H.assert_error(function() x:maskedFill(T(MASK), 1) end, 'Tensor:maskedFill', 'mask must be a torch.ByteTensor',
      'got torch.FloatTensor')
    H.assert_error(function() x:maskedFill(L(MASK), 1) end, 'got torch.LongTensor')
    H.assert_error(function() x:maskedFill(B { 1, 0 }, 1) end, 'stn_masked_fill', 'mask (2) and t (2x3) must have the same number of elements')
    H.assert_error(function() x:maskedFill(B { { 1, 0, 2 }, { 0, 0, 0 } }, 1) end, 'stn_masked_fill',
      'mask holds 2 at entry 3 (a mask holds 0 and 1 only)')
    H.assert_error(function() x:maskedCopy(B(MASK), T { 1, 2 }) end, 'Tensor:maskedCopy',
      'src has 2 elements (2) but the mask has 3 ones')
    H.assert_error(function() x:maskedCopy(B(MASK), stn.DoubleTensor { 1, 2, 3 }) end, 'stn_masked_copy',
      't is a Float tensor but src is a Double tensor')
    H.assert_error(function() x:maskedSelect(B { 1 }) end, 'Tensor:maskedSelect', 'must have the same number of elements')
    H.assert_error(function() stn.ByteTensor(M):maskedFill(B(MASK), 256) end, 'value 256 does not fit a Byte tensor')
    H.assert_error(function() stn.CharTensor(M):maskedFill(B(MASK), -129) end, 'value -129 does not fit a Char tensor')
    H.assert_error(function() stn.ShortTensor(M):maskedFill(B(MASK), 32768) end, 'value 32768 does not fit a Short tensor')
    H.assert_error(function() T():maskedSelect(stn.IntTensor(M), B(MASK)) end, 'Tensor:maskedSelect',
      'the result is a Float tensor but the op makes Int ones')
  end)
end)

describe('Tensor:nonzero', function()
  for _, name in ipairs(TYPES) do
    it(name .. ': the 1-based subscripts of the non-zero elements, as a LongTensor', function()
      local x = stn[name] { { 0, 2, 0 }, { 4, 0, 6 } }
      local r = x:nonzero()
      assert.are.equal('torch.LongTensor', r:type())
      assert.are.same({ { 1, 2 }, { 2, 1 }, { 2, 3 } }, r:totable())
      assert.are.same({ { 1, 2 }, { 2, 1 }, { 2, 3 } }, stn.nonzero(x):totable())
      local res = L()
      assert.are.equal(res, x.nonzero(res, x))
      assert.are.same({ { 1, 2 }, { 2, 1 }, { 2, 3 } }, res:totable())
    end)
  end

  it('gives n x 1 for a 1-D tensor, counts a NaN, and is empty when all are zero', function()
    assert.are.same({ { 2 }, { 4 } }, T { 0, 1, 0, -1 }:nonzero():totable())
    assert.are.same({ { 1 }, { 3 } }, stn.DoubleTensor { 0 / 0, 0, 1 }:nonzero():totable())
    local r = T { { 0, 0 } }:nonzero()
    assert.are.equal('torch.LongTensor', r:type())
    assert.are.equal(0, r:nElement())
    assert.are.same({ { 1, 1, 1 } }, T(1, 1, 2):fill(1):narrow(3, 2, 1):nonzero():totable())
  end)

  it('writes only into a LongTensor', function()
    H.assert_error(function() T():nonzero(T { 1 }) end, 'Tensor:nonzero', 'the result must be a torch.LongTensor')
  end)
end)

describe('ByteTensor all and any', function()
  it('are booleans, as in Torch7', function()
    assert.is_true(B { 1, 1, 3 }:all())
    assert.is_false(B { 1, 0, 1 }:all())
    assert.is_true(B { 0, 0, 1 }:any())
    assert.is_false(B { { 0, 0 }, { 0, 0 } }:any())
    assert.is_true(B():all())
    assert.is_false(B():any())
    assert.is_true(stn.all(B { 1 }))
    assert.is_false(stn.any(B { 0 }))
    assert.is_true(B { { 1, 0 }, { 1, 0 } }:t()[1]:all())
  end)

  it('are defined on ByteTensors only, as in Torch7', function()
    H.assert_error(function() T { 1 }:all() end, 'Tensor:all', 'defined on a torch.ByteTensor only', 'torch.FloatTensor')
    H.assert_error(function() L { 1 }:any() end, 'Tensor:any', 'torch.LongTensor')
  end)
end)
