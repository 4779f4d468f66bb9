-- sort, topk, kthvalue, median and mode on every element type: values of x's type,
-- LongTensor indices (1-based), result-first forms, ties and NaN.
local H = require 'helpers'
local stn = H.stn
local T, L = stn.Tensor, stn.LongTensor

local TYPES = { 'FloatTensor', 'DoubleTensor', 'LongTensor', 'IntTensor', 'ByteTensor', 'CharTensor', 'ShortTensor' }
local NAN = 0 / 0

-- a table's NaNs as the string 'nan', so that tables compare
local function nans(t)
  local r = {}
  for i, v in ipairs(t) do
    if type(v) == 'table' then r[i] = nans(v) elseif v ~= v then r[i] = 'nan' else r[i] = v end
  end
  return r
end

describe('Tensor:sort', function()
  for _, name in ipairs(TYPES) do
    it(name .. ': ascending along the last dim by default, descending on request, ties by position', function()
      local C = stn[name]
      local x = C { { 3, 1, 2, 1 }, { 9, 7, 9, 8 } }
      local v, i = x:sort()
      assert.are.equal('torch.' .. name, v:type())
      assert.are.equal('torch.LongTensor', i:type())
      assert.are.same({ { 1, 1, 2, 3 }, { 7, 8, 9, 9 } }, v:totable())
      assert.are.same({ { 2, 4, 3, 1 }, { 2, 4, 1, 3 } }, i:totable())
      v, i = x:sort(2, true)
      assert.are.same({ { 3, 2, 1, 1 }, { 9, 9, 8, 7 } }, v:totable())
      assert.are.same({ { 1, 3, 2, 4 }, { 1, 3, 4, 2 } }, i:totable())
      v, i = x:sort(true) -- the flag without a dim
      assert.are.same({ { 1, 3, 2, 4 }, { 1, 3, 4, 2 } }, i:totable())
      v, i = x:sort(1)
      assert.are.same({ { 3, 1, 2, 1 }, { 9, 7, 9, 8 } }, v:totable())
      assert.are.same({ { 1, 1, 1, 1 }, { 2, 2, 2, 2 } }, i:totable())
      -- result first, and the functional forms
      local rv, ri = C(), L()
      local a, b = rv:sort(ri, x, 2, true)
      assert.are.equal(rv, a)
      assert.are.equal(ri, b)
      assert.are.same({ { 3, 2, 1, 1 }, { 9, 9, 8, 7 } }, rv:totable())
      v, i = stn.sort(x, 1, true)
      assert.are.same({ { 9, 7, 9, 8 }, { 3, 1, 2, 1 } }, v:totable())
      assert.are.equal('torch.LongTensor', i:type())
      stn.sort(rv, ri, x)
      assert.are.same({ { 2, 4, 3, 1 }, { 2, 4, 1, 3 } }, ri:totable())
    end)
  end

  it('CharTensor and ShortTensor: signed order down to their lowest values', function()
    local v, i = stn.CharTensor { 127, -128, 0, -1 }:sort()
    assert.are.same({ -128, -1, 0, 127 }, v:totable())
    assert.are.same({ 2, 4, 3, 1 }, i:totable())
    v, i = stn.ShortTensor { 32767, -32768, 0, -1 }:sort(1, true)
    assert.are.same({ 32767, 0, -1, -32768 }, v:totable())
    assert.are.same({ 1, 3, 4, 2 }, i:totable())
    v = stn.ShortTensor { 300, -300, 5 }:topk(1, 1, true)
    assert.are.same({ 300 }, v:totable())
  end)

  it('puts NaN after every number (first when descending)', function()
    for _, name in ipairs { 'FloatTensor', 'DoubleTensor' } do
      local x = stn[name] { NAN, 1, NAN, -1, 1 }
      local v, i = x:sort()
      assert.are.same({ -1, 1, 1, 'nan', 'nan' }, nans(v:totable()))
      assert.are.same({ 4, 2, 5, 1, 3 }, i:totable())
      v, i = x:sort(1, true)
      assert.are.same({ 'nan', 'nan', 1, 1, -1 }, nans(v:totable()))
      assert.are.same({ 1, 3, 2, 5, 4 }, i:totable())
    end
  end)

  it('sorts non-contiguous views and leaves x alone; a result sharing x is filled aside', function()
    local x = T { { 5, 1 }, { 4, 2 }, { 3, 3 } }
    local v, i = x:t():sort(2)
    assert.are.same({ { 3, 4, 5 }, { 1, 2, 3 } }, v:totable())
    assert.are.same({ { 3, 2, 1 }, { 1, 2, 3 } }, i:totable())
    assert.are.same({ { 5, 1 }, { 4, 2 }, { 3, 3 } }, x:totable())
    local y = T { 3, 1, 2 }
    y:sort(L(), y)
    assert.are.same({ 1, 2, 3 }, y:totable())
  end)

  it('refuses results of the wrong type and bad dims, naming them', function()
    local x = T { 3, 1, 2 }
    H.assert_error(function() T():sort(T(), x) end, 'Tensor:sort', 'stn_sort', 'indices is a Float tensor, expected Long')
    H.assert_error(function() stn.DoubleTensor():sort(L(), x) end, 'Tensor:sort',
      'the result is a Double tensor but the op makes Float ones')
    H.assert_error(function() x:sort(2) end, 'Tensor:sort', 'dimension 2 out of range for a 1-D tensor')
    H.assert_error(function() x:sort(1, 'yes') end, 'Tensor:sort', 'descending: expected a boolean')
    H.assert_error(function() T():sort() end, 'Tensor:sort', 'dimension 0 out of range')
  end)
end)

describe('Tensor:topk', function()
  for _, name in ipairs(TYPES) do
    it(name .. ': the k smallest or largest, sorted, k at the ends', function()
      local x = stn[name] { { 4, 1, 3, 1, 5 } }
      local v, i = x:topk(2)
      assert.are.equal('torch.' .. name, v:type())
      assert.are.equal('torch.LongTensor', i:type())
      assert.are.same({ { 1, 1 } }, v:totable())
      assert.are.same({ { 2, 4 } }, i:totable())
      v, i = x:topk(2, 2, true, true)
      assert.are.same({ { 5, 4 } }, v:totable())
      assert.are.same({ { 5, 1 } }, i:totable())
      v, i = x:topk(1, true) -- dir without a dim
      assert.are.same({ { 5 } }, v:totable())
      v, i = x:topk() -- k = 1 by default, as Torch7
      assert.are.same({ { 1 } }, v:totable())
      v, i = x:topk(5, 2, false)
      assert.are.same({ { 1, 1, 3, 4, 5 } }, v:totable())
      assert.are.same({ { 2, 4, 3, 1, 5 } }, i:totable())
      v, i = x:topk(1, 1) -- along the dim of size 1
      assert.are.same({ { 4, 1, 3, 1, 5 } }, v:totable())
      local rv, ri = stn[name](), L()
      rv:topk(ri, x, 3, 2, true)
      assert.are.same({ { 5, 4, 3 } }, rv:totable())
      assert.are.same({ { 5, 1, 3 } }, ri:totable())
      v, i = stn.topk(x, 2, 2, true)
      assert.are.same({ { 5, 1 } }, i:totable())
    end)
  end

  it('refuses k out of range, naming it', function()
    local x = T { 1, 2, 3 }
    H.assert_error(function() x:topk(4) end, 'Tensor:topk', 'k = 4 out of range 1..3 for dimension 1 (3)')
    H.assert_error(function() x:topk(0) end, 'k = 0 out of range')
    H.assert_error(function() x:topk(1.5) end, 'Tensor:topk', 'k: expected an integer, got 1.5')
  end)
end)

describe('Tensor:kthvalue, median and mode', function()
  for _, name in ipairs(TYPES) do
    it(name .. ': keep the dim (size 1), as Torch7, with LongTensor indices', function()
      local C = stn[name]
      local y = C { 3, 5, 4, 1, 1, 5 }
      local v, i = y:kthvalue(3)
      assert.are.equal('torch.' .. name, v:type())
      assert.are.equal('torch.LongTensor', i:type())
      assert.are.same({ 3 }, v:totable())
      assert.are.same({ 1 }, i:totable())
      v, i = y:kthvalue(2) -- the second 1, at position 5 (ties by position, as sort)
      assert.are.same({ 1 }, v:totable())
      assert.are.same({ 5 }, i:totable())
      v, i = y:kthvalue(1)
      assert.are.same({ 4 }, i:totable())
      v, i = y:kthvalue(6)
      assert.are.same({ 5 }, v:totable())
      assert.are.same({ 6 }, i:totable())

      local x = C { { 4, 1, 3, 2 }, { 9, 7, 8, 6 } }
      v, i = x:median() -- an even count: the lower middle
      assert.are.same({ { 2 }, { 7 } }, v:totable())
      assert.are.same({ { 4 }, { 2 } }, i:totable())
      v, i = C { 5, 1, 3 }:median()
      assert.are.same({ 3 }, v:totable())
      v, i = x:median(1)
      assert.are.same({ { 4, 1, 3, 2 } }, v:totable())
      assert.are.same({ { 1, 1, 1, 1 } }, i:totable())

      local m = C { { 1, 2, 2, 2, 3, 2 }, { 1, 3, 3, 1, 1, 5 } }
      v, i = m:mode()
      assert.are.same({ { 2 }, { 1 } }, v:totable())
      assert.are.same({ { 6 }, { 5 } }, i:totable()) -- the last position of the mode
      v, i = C { 3, 3, 1, 1 }:mode() -- equally frequent: the smaller
      assert.are.same({ 1 }, v:totable())
      assert.are.same({ 4 }, i:totable())

      local rv, ri = C(), L()
      rv:kthvalue(ri, x, 2, 2)
      assert.are.same({ { 2 }, { 7 } }, rv:totable())
      rv:median(ri, x, 2)
      assert.are.same({ { 4 }, { 2 } }, ri:totable())
      rv:mode(ri, m, 2)
      assert.are.same({ { 2 }, { 1 } }, rv:totable())
      v, i = stn.kthvalue(x, 1, 1)
      assert.are.same({ { 4, 1, 3, 2 } }, v:totable())
      v, i = stn.median(x)
      assert.are.same({ { 2 }, { 7 } }, v:totable())
      v, i = stn.mode(m, 2)
      assert.are.same({ { 6 }, { 5 } }, i:totable())
    end)
  end

  it('order NaN as sort does', function()
    local x = stn.DoubleTensor { NAN, 2, 1 }
    local v, i = x:kthvalue(3)
    assert.are.same({ 'nan' }, nans(v:totable()))
    assert.are.same({ 1 }, i:totable())
    v, i = x:median()
    assert.are.same({ 2 }, v:totable())
  end)

  it('refuses k out of range and empty dims, naming them', function()
    local x = T { 1, 2, 3 }
    H.assert_error(function() x:kthvalue(4) end, 'Tensor:kthvalue', 'k = 4 out of range 1..3')
    H.assert_error(function() x:kthvalue() end, 'Tensor:kthvalue', 'k: expected an integer, got nil')
    H.assert_error(function() x:mode(2) end, 'Tensor:mode', 'dimension 2 out of range')
    H.assert_error(function() T(2, 0):mode(2) end, 'Tensor:mode', 'dimension 2 is empty')
    H.assert_error(function() T(2, 0):median(2) end, 'Tensor:median', 'stn_median: dimension 2 is empty (2x0)')
    local v, i = T(2, 0):sort(2) -- nothing to sort: empty results of that shape
    assert.are.same({ 2, 0 }, v:size():totable())
    assert.are.same({ 2, 0 }, i:size():totable())
  end)
end)
