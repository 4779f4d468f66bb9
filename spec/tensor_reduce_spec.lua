-- Reductions: whole tensor (a number) and along a dim (a tensor keeping the dim with
-- size 1, as in Torch7), values worked out by hand, then larger random cases checked
-- against a plain Lua reference computed in double.
local H = require 'helpers'
local stn = H.stn
local T = stn.Tensor

-- Reference: reduce the 2-D table m along dim d (1 or 2) with f(list) -> value.
local function along(m, d, f)
  local rows, cols = #m, #m[1]
  local r = {}
  if d == 1 then
    r[1] = {}
    for j = 1, cols do
      local list = {}
      for i = 1, rows do list[i] = m[i][j] end
      r[1][j] = f(list)
    end
  else
    for i = 1, rows do r[i] = { f(m[i]) } end
  end
  return r
end
local function sum(l) local s = 0; for _, v in ipairs(l) do s = s + v end; return s end
local function var(l, biased)
  local m, s = sum(l) / #l, 0
  for _, v in ipairs(l) do s = s + (v - m) ^ 2 end
  return s / (biased and #l or #l - 1)
end

describe('Tensor whole-tensor reductions', function()
  local t = T({ { 1, 2, 3 }, { 4, 5, 6 } })

  it('sum, mean, prod and norm give numbers', function()
    assert.are.equal(21, t:sum())
    assert.are.equal(3.5, t:mean())
    assert.are.equal(720, t:prod())
    H.assert_near(t:norm(), math.sqrt(91), 1e-12)
    assert.are.equal(21, t:norm(1))
    H.assert_near(t:norm(3), (1 + 8 + 27 + 64 + 125 + 216) ^ (1 / 3), 1e-6)
  end)

  it('var and std are unbiased by default and biased when asked', function()
    assert.are.equal(3.5, t:var())
    H.assert_near(t:std(), math.sqrt(3.5), 1e-12)
    H.assert_near(t:var(true), 17.5 / 6, 1e-12)
  end)

  it('max and min give the extreme value', function()
    assert.are.equal(6, t:max())
    assert.are.equal(1, t:min())
    assert.are.equal(-7, T({ 3, -7, 2 }):min())
  end)

  it('accumulates in double: a million 0.1s sum to 1e5 within float rounding of 0.1', function()
    local s = T(1000, 1000):fill(0.1):sum()
    H.assert_near(s, 1e6 * 0.100000001490116, 1e-9)
  end)

  it('reads non-contiguous views', function()
    local col = t:select(2, 2) -- {2, 5}
    assert.are.equal(7, col:sum())
    assert.are.equal(10, col:prod())
    assert.are.equal(21, t:t():sum())
    assert.are.equal(6, t:t():max())
  end)

  it('an empty tensor sums to 0 and multiplies to 1; its mean, var and std are errors (Torch7)', function()
    assert.are.equal(0, T():sum())
    assert.are.equal(1, T():prod())
    assert.are.equal(0, T(2, 0):sum())
    H.assert_error(function() T():mean() end, 'Tensor:mean', 'mean of an empty tensor')
    H.assert_error(function() T():var() end, 'Tensor:var', 'variance of an empty tensor')
    H.assert_error(function() T():std(true) end, 'Tensor:std', 'standard deviation of an empty tensor')
    H.assert_error(function() T(0, 3):mean() end, 'Tensor:mean', 'empty tensor (0x3)')
    H.assert_error(function() stn.mean(T()) end, 'Tensor:mean', 'mean of an empty tensor')
  end)

  it('norm(0) counts the non-zero elements (a NaN too), as Torch7', function()
    assert.are.equal(2, T({ 1, 0, 2 }):norm(0))
    assert.are.equal(2, T({ 0, 0 / 0, -3 }):norm(0))
    assert.are.equal(0, T(3):zero():norm(0))
    assert.are.equal(6, t:t():norm(0))
  end)

  it('a negative p goes through the powers, as Torch7: (sum |x|^p)^(1/p)', function()
    H.assert_near(T({ 1, 2 }):norm(-1), 2 / 3, 1e-7) -- (1 + 1/2)^-1
    H.assert_near(T({ -1, 2 }):norm(-2), (1 + 0.25) ^ -0.5, 1e-7)
    assert.are.equal(0, T({ 1, 0 }):norm(-1)) -- |0|^-1 = inf, inf^-1 = 0
    H.assert_near(T({ 1, 4 }):norm(0.5), 9, 1e-6) -- (1 + 2)^2
  end)

  it('a NaN wins max and min, as in Torch7', function()
    local n = T({ 1, 0 / 0, 3 })
    assert.is_true(n:max() ~= n:max())
    assert.is_true(n:min() ~= n:min())
  end)
end)

describe('Tensor reductions along a dim', function()
  local t = T({ { 1, 2, 3 }, { 4, 5, 6 } })

  it('keep the dim with size 1', function()
    assert.are.same({ { 5, 7, 9 } }, t:sum(1):totable())
    assert.are.same({ { 6 }, { 15 } }, t:sum(2):totable())
    assert.are.same({ { 2.5, 3.5, 4.5 } }, t:mean(1):totable())
    assert.are.same({ { 6 }, { 120 } }, t:prod(2):totable())
    H.assert_near(t:norm(2, 2), { { math.sqrt(14) }, { math.sqrt(77) } }, 1e-6)
    assert.are.same({ { 6 }, { 15 } }, t:norm(1, 2):totable())
  end)

  it('norm(0, d) counts the non-zeros along d; a negative p works along d too', function()
    local z = T({ { 1, 0 }, { 0, 0 }, { 3, 4 } })
    assert.are.same({ { 1 }, { 0 }, { 2 } }, z:norm(0, 2):totable())
    assert.are.same({ { 2, 1 } }, z:norm(0, 1):totable())
    assert.are.same({ { 2, 1 } }, T():norm(z, 0, 1):totable())
    H.assert_near(T({ { 1, 2 }, { 4, 4 } }):norm(-1, 2), { { 2 / 3 }, { 2 } }, 1e-6)
  end)

  it('var and std along a dim, unbiased unless the flag is true', function()
    assert.are.same({ { 4.5, 4.5, 4.5 } }, t:var(1):totable())
    H.assert_near(t:std(2), { { 1 }, { 1 } }, 1e-7)
    H.assert_near(t:var(2, true), { { 2 / 3 }, { 2 / 3 } }, 1e-7)
  end)

  it('max and min return values and 1-based indices (floats)', function()
    local v, i = t:max(1)
    assert.are.same({ { 4, 5, 6 } }, v:totable())
    assert.are.same({ { 2, 2, 2 } }, i:totable())
    v, i = T({ { 3, 1, 2 }, { 0, 9, -1 } }):min(2)
    assert.are.same({ { 1 }, { -1 } }, v:totable())
    assert.are.same({ { 2 }, { 3 } }, i:totable())
  end)

  it('on ties, the index is the first occurrence', function()
    local _, i = T({ 2, 7, 7, 1, 7 }):max(1)
    assert.are.equal(2, i[1])
    _, i = T({ 4, 1, 1 }):min(1)
    assert.are.equal(2, i[1])
  end)

  it('a NaN wins max along a dim, at its first position', function()
    local v, i = T({ 1, 0 / 0, 3, 0 / 0 }):max(1)
    assert.is_true(v[1] ~= v[1])
    assert.are.equal(2, i[1])
  end)

  it('reduce the middle dim of a 3-D tensor and a transposed view', function()
    local x = T(2, 3, 4)
    for a = 1, 2 do for b = 1, 3 do for c = 1, 4 do x[a][b][c] = 100 * a + 10 * b + c end end end
    local s = x:sum(2)
    assert.are.same({ 2, 1, 4 }, s:size():totable())
    assert.are.equal(3 * 200 + (10 + 20 + 30) + 3 * 3, s[2][1][3])
    local v, i = x:transpose(1, 3):max(3) -- 4x3x2, max over the old first dim
    assert.are.same({ 4, 3, 1 }, v:size():totable())
    assert.are.equal(234, v[4][3][1])
    assert.are.equal(2, i[4][3][1])
  end)

  it('res:sum(x, d) and vals:max(idx, x, d) write into the given tensors', function()
    local res = T()
    assert.are.equal(res, res:sum(t, 2))
    assert.are.same({ { 6 }, { 15 } }, res:totable())
    local vals, idx = T(), stn.LongTensor()
    vals:min(idx, t, 1)
    assert.are.same({ { 1, 2, 3 } }, vals:totable())
    assert.are.same({ { 1, 1, 1 } }, idx:totable())
  end)

  it('a result that is the source itself is computed aside', function()
    local x = T({ { 1, 2 }, { 3, 4 } })
    x:sum(x, 1)
    assert.are.same({ { 4, 6 } }, x:totable())
  end)

  it('match a double-precision reference on random data, both dims, past the 256-wide blocks', function()
    stn.manualSeed(7)
    local x = T(37, 300):uniform(-2, 2)
    local m = x:totable()
    for d = 1, 2 do
      H.assert_near(x:sum(d), along(m, d, sum), 1e-5, 'sum ' .. d)
      H.assert_near(x:mean(d), along(m, d, function(l) return sum(l) / #l end), 1e-6, 'mean ' .. d)
      H.assert_near(x:var(d), along(m, d, var), 1e-5, 'var ' .. d)
      H.assert_near(x:std(d, true), along(m, d, function(l) return math.sqrt(var(l, true)) end), 1e-5, 'std ' .. d)
      H.assert_near(x:max(d), along(m, d, function(l) return math.max(unpack(l)) end), 0, 'max ' .. d)
      H.assert_near(x:min(d), along(m, d, function(l) return math.min(unpack(l)) end), 0, 'min ' .. d)
    end
    local _, i = x:max(2)
    for r = 1, 37 do assert.are.equal(math.max(unpack(m[r])), m[r][i[r][1]]) end
  end)

  it('gives the same sums with 1 and 2 threads (fixed blocks, combined in order)', function()
    stn.manualSeed(3)
    local x = T(300, 700):uniform()
    local n = stn.getnumthreads()
    stn.setnumthreads(1)
    local a, a1 = x:sum(), x:sum(1)
    stn.setnumthreads(2)
    local b, b1 = x:sum(), x:sum(1)
    stn.setnumthreads(n)
    assert.are.equal(a, b)
    H.assert_equal(a1, b1)
  end)
end)

describe('Tensor reduction errors', function()
  it('name the op, the dim and the sizes', function()
    local t = T(2, 3)
    H.assert_error(function() t:sum(3) end, 'Tensor:sum', 'dimension 3 out of range for a 2-D tensor (2x3)')
    H.assert_error(function() t:max(0) end, 'Tensor:max', 'dimension 0 out of range')
    H.assert_error(function() T():max() end, 'Tensor:max', 'max of an empty tensor')
    H.assert_error(function() t:norm('2') end, 'Tensor:norm', 'p must be a number, got string')
  end)
end)
