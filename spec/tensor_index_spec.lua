-- Picking slices by index (index, indexCopy, indexAdd, indexFill) on every element type,
-- and joining tensors (cat).
local H = require 'helpers'
local stn = H.stn
local T = stn.Tensor

local M = { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } }

describe('Tensor:index', function()
  it('picks rows or columns, in the order given, repeats allowed', function()
    assert.are.same({ { 7, 8, 9 }, { 1, 2, 3 } }, T(M):index(1, { 3, 1 }):totable())
    assert.are.same({ { 2, 2, 3 }, { 5, 5, 6 }, { 8, 8, 9 } }, T(M):index(2, { 2, 2, 3 }):totable())
  end)

  it('takes the indices as a LongTensor of 1-based values (or another tensor of integers)', function()
    assert.are.same({ { 4, 5, 6 } }, T(M):index(1, stn.LongTensor({ 2 })):totable())
    assert.are.same({ { 3 }, { 6 }, { 9 } }, T(M):index(2, stn.LongTensor({ { 3 } }):view(1)):totable())
    assert.are.same({ { 4, 5, 6 } }, T(M):index(1, T({ 2 })):totable())
  end)

  it('returns a new tensor, not a view', function()
    local t = T(M)
    local r = t:index(1, { 1 })
    r:fill(0)
    assert.are.equal(1, t[1][1])
  end)

  it('reads non-contiguous sources and works along any dim of a 3-D tensor', function()
    local x = T(2, 3, 4)
    for a = 1, 2 do for b = 1, 3 do for c = 1, 4 do x[a][b][c] = 100 * a + 10 * b + c end end end
    local r = x:index(3, { 4, 1 })
    assert.are.same({ 2, 3, 2 }, r:size():totable())
    assert.are.same({ 234, 231 }, r[2][3]:totable())
    r = x:transpose(1, 2):index(2, { 2 }) -- 3x1x4 from a view
    assert.are.same({ { { 211, 212, 213, 214 } }, { { 221, 222, 223, 224 } }, { { 231, 232, 233, 234 } } }, r:totable())
  end)

  it('res:index(src, dim, idx) writes into res, also when res is src', function()
    local res = T()
    assert.are.equal(res, res:index(T(M), 2, { 1 }))
    assert.are.same({ { 1 }, { 4 }, { 7 } }, res:totable())
    local t = T(M)
    t:index(t, 1, { 3, 3 })
    assert.are.same({ { 7, 8, 9 }, { 7, 8, 9 } }, t:totable())
    assert.are.same({ { 4, 5, 6 } }, stn.index(T(M), 1, { 2 }):totable())
  end)

  it('an empty index list gives a tensor with size 0 at that dim', function()
    assert.are.same({ 0, 3 }, T(M):index(1, {}):size():totable())
  end)

  it('rejects indices out of range or not integers, naming them', function()
    H.assert_error(function() T(M):index(1, { 1, 4 }) end, 'Tensor:index', 'index 4 (entry 2) out of range for dimension 1 of size 3 (3x3)')
    H.assert_error(function() T(M):index(2, { 0 }) end, 'index 0 (entry 1) out of range')
    H.assert_error(function() T(M):index(2, stn.LongTensor { 2, -1 }) end, 'stn_index_select', 'index -1 (entry 2) out of range')
    H.assert_error(function() T(M):index(2, { 1.5 }) end, 'index 1.5 (entry 1) is not an integer')
    H.assert_error(function() T(M):index(2, T { 1, 2.5 }) end, 'index 2.5 (entry 2) is not an integer')
    H.assert_error(function() T(M):index(3, { 1 }) end, 'Tensor:index', 'dimension 3 out of range for a 2-D tensor (3x3)')
    H.assert_error(function() T(M):index(1, 'x') end, 'indices must be a torch.LongTensor or a table')
    H.assert_error(function() T(M):index(1, stn.LongTensor { { 1 } }) end, 'stn_index_select', 'index must be 1-D, got 1x1')
  end)
end)

describe('Tensor:indexCopy', function()
  it('copies the slices of src to the indexed slices of x', function()
    local t = T(3, 3):zero()
    t:indexCopy(1, { 3, 1 }, T({ { 1, 2, 3 }, { 4, 5, 6 } }))
    assert.are.same({ { 4, 5, 6 }, { 0, 0, 0 }, { 1, 2, 3 } }, t:totable())
    t:indexCopy(2, T({ 2 }), T({ { 7 }, { 8 }, { 9 } }))
    assert.are.same({ { 4, 7, 6 }, { 0, 8, 0 }, { 1, 9, 3 } }, t:totable())
  end)

  it('a repeated index keeps the last copy', function()
    local t = T(2, 2):zero()
    t:indexCopy(1, { 2, 2, 2 }, T({ { 1, 1 }, { 2, 2 }, { 3, 3 } }))
    assert.are.same({ { 0, 0 }, { 3, 3 } }, t:totable())
    t:indexCopy(2, { 1, 1 }, T({ { 5, 6 }, { 7, 8 } }))
    assert.are.same({ { 6, 0 }, { 8, 3 } }, t:totable())
  end)

  it('writes through a view into the storage it shares, from a source sharing it too', function()
    local base = T(M)
    base:t():indexCopy(1, { 1 }, base:select(2, 3):unsqueeze(1)) -- column 1 <- column 3
    assert.are.same({ { 3, 2, 3 }, { 6, 5, 6 }, { 9, 8, 9 } }, base:totable())
  end)

  it('checks the shape of src', function()
    H.assert_error(function() T(3, 3):indexCopy(1, { 1 }, T(2, 3)) end, 'Tensor:indexCopy', 'src is 2x3', '3x3')
    H.assert_error(function() T(3, 3):indexCopy(1, { 5 }, T(1, 3)) end, 'index 5 (entry 1) out of range')
  end)
end)

local TYPES = { 'FloatTensor', 'DoubleTensor', 'LongTensor', 'IntTensor', 'ByteTensor' }
local L = stn.LongTensor

describe('the index family on every element type', function()
  for _, name in ipairs(TYPES) do
    local C = stn[name]
    it(name .. ': index, indexCopy, indexAdd, indexFill keep the type', function()
      local x = C(M)
      local r = x:index(2, L { 3, 1, 3 })
      assert.are.equal('torch.' .. name, r:type())
      assert.are.same({ { 3, 1, 3 }, { 6, 4, 6 }, { 9, 7, 9 } }, r:totable())
      local res = C()
      res:index(x, 1, L { 2 })
      assert.are.same({ { 4, 5, 6 } }, res:totable())
      assert.are.equal('torch.' .. name, stn.index(x, 1, L { 1 }):type())

      local y = C(M)
      y:indexCopy(1, L { 3, 1 }, C { { 10, 11, 12 }, { 13, 14, 15 } })
      assert.are.same({ { 13, 14, 15 }, { 4, 5, 6 }, { 10, 11, 12 } }, y:totable())

      local z = C(M)
      z:indexAdd(2, L { 1, 3, 1 }, C { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } }) -- column 1 gets two adds
      assert.are.same({ { 5, 2, 5 }, { 14, 5, 11 }, { 23, 8, 17 } }, z:totable())

      local w = C(M)
      assert.are.equal(w, w:indexFill(1, L { 1, 3 }, 7))
      assert.are.same({ { 7, 7, 7 }, { 4, 5, 6 }, { 7, 7, 7 } }, w:totable())
      local v = C({ 1, 2, 3, 4 })
      v:indexFill(1, L { 4, 2 }, 0)
      assert.are.same({ 1, 0, 3, 0 }, v:totable())
    end)
  end

  it('indexAdd with a repeated index along the first dim sums every slice', function()
    local x = stn.DoubleTensor { { 0, 0 }, { 0, 0 }, { 0, 0 } }
    x:indexAdd(1, L { 2, 2, 2 }, stn.DoubleTensor { { 1, 2 }, { 3, 4 }, { 0.5, 0.25 } })
    assert.are.same({ { 0, 0 }, { 4.5, 6.25 }, { 0, 0 } }, x:totable())
  end)

  it('refuses a value the type cannot hold, a src of another type, a result of another type', function()
    H.assert_error(function() stn.ByteTensor(M):indexFill(1, L { 1 }, 300) end, 'Tensor:indexFill', 'value 300 does not fit a Byte tensor')
    H.assert_error(function() stn.IntTensor(M):indexFill(1, L { 1 }, 0 / 0) end, 'does not fit a Int tensor')
    H.assert_error(function() stn.LongTensor(M):indexCopy(1, L { 1 }, T { { 1, 2, 3 } }) end, 'Tensor:indexCopy',
      'dst is a Long tensor but src is a Float tensor')
    H.assert_error(function() stn.DoubleTensor(M):indexAdd(2, L { 1 }, stn.DoubleTensor(2, 1)) end, 'Tensor:indexAdd', 'src is 2x1')
    H.assert_error(function() T():index(stn.DoubleTensor(M), 1, L { 1 }) end, 'Tensor:index', 'the result is a Float tensor but the op makes Double ones')
    H.assert_error(function() T(M):indexFill(1, L { 4 }, 1) end, 'Tensor:indexFill', 'index 4 (entry 1) out of range for dimension 1 of size 3')
    H.assert_error(function() T(M):indexFill(1, L { 1 }, 'a') end, 'Tensor:indexFill', 'value: expected a number')
  end)

  it('an empty index list selects nothing and changes nothing', function()
    assert.are.same({ 3, 0 }, T(M):index(2, L {}):size():totable())
    local x = stn.IntTensor(M)
    x:indexFill(1, {}, 0)
    assert.are.same(M, x:totable())
  end)
end)

describe('stn.cat and Tensor:cat', function()
  it('joins along the last dim by default', function()
    assert.are.same({ 1, 2, 3 }, stn.cat(T({ 1, 2 }), T({ 3 })):totable())
    assert.are.same({ { 1, 2, 5 }, { 3, 4, 6 } }, stn.cat(T({ { 1, 2 }, { 3, 4 } }), T({ { 5 }, { 6 } })):totable())
  end)

  it('joins a list along a given dim, skipping empty tensors', function()
    local r = stn.cat({ T({ { 1, 2 } }), T(), T({ { 3, 4 }, { 5, 6 } }) }, 1)
    assert.are.same({ { 1, 2 }, { 3, 4 }, { 5, 6 } }, r:totable())
  end)

  it('res:cat(list, dim) writes into res, also when res is one of the inputs', function()
    local res = T()
    assert.are.equal(res, res:cat({ T({ 1 }), T({ 2 }) }, 1))
    assert.are.same({ 1, 2 }, res:totable())
    res:cat({ res, T({ 3 }) }, 1)
    assert.are.same({ 1, 2, 3 }, res:totable())
  end)

  it('joins non-contiguous views', function()
    local t = T(M)
    assert.are.same({ { 1, 4, 7, 3 }, { 2, 5, 8, 6 } }, stn.cat(t:t():narrow(1, 1, 2), T({ { 3 }, { 6 } }), 2):totable())
  end)

  it('refuses mismatched sizes, naming them', function()
    H.assert_error(function() stn.cat(T(2, 3), T(3, 3), 2) end, 'Tensor:cat', 'cannot join', '2x3', '3x3', 'dimension 2')
    H.assert_error(function() stn.cat({ T(2), 5 }) end, 'entry 2: expected a tensor')
    H.assert_error(function() stn.cat(T(2), T(3), 2) end, 'Tensor:cat', 'cannot join', 'along dimension 2')
  end)
end)
