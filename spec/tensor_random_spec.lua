-- Random fills and permutations: one seeded generator gives identical streams, the
-- statistics are roughly right, and randperm is a permutation.
local H = require 'helpers'
local stn = H.stn
local T = stn.Tensor

describe('stn.manualSeed', function()
  it('gives identical streams after the same seed, and different ones after another', function()
    stn.manualSeed(42)
    local a = T(1000):uniform()
    local b = T(1000):normal()
    stn.manualSeed(42)
    H.assert_equal(a, T(1000):uniform())
    H.assert_equal(b, T(1000):normal())
    stn.manualSeed(43)
    assert.are.not_equal(a:sum(), T(1000):uniform():sum())
  end)

  it('draws new numbers on each call', function()
    stn.manualSeed(1)
    local a, b = T(100):uniform(), T(100):uniform()
    assert.are.not_equal(0, T():add(a, -1, b):abs():sum())
  end)

  it('getRNGState / setRNGState resume the stream exactly', function()
    stn.manualSeed(9)
    T(13):uniform()
    local state = stn.getRNGState()
    local a = T(50):normal()
    stn.setRNGState(state)
    H.assert_equal(a, T(50):normal())
  end)

  it('fills a non-contiguous view with the numbers a contiguous tensor of its shape gets', function()
    stn.manualSeed(5)
    local t = T(3, 4)
    t:t():uniform()
    stn.manualSeed(5)
    H.assert_equal(t:t(), T(4, 3):uniform())
  end)

  it('refuses a negative or fractional seed', function()
    H.assert_error(function() stn.manualSeed(-1) end, 'stn: manualSeed', 'non-negative integer')
    H.assert_error(function() stn.manualSeed(1.5) end, 'stn: manualSeed')
  end)
end)

describe('Tensor random fills', function()
  before_each(function() stn.manualSeed(2024) end)

  it('uniform(a, b) stays in [a, b) with mean (a + b) / 2 and variance (b - a)^2 / 12', function()
    local x = T(100000):uniform(-1, 3)
    assert.is_true(x:min() >= -1)
    assert.is_true(x:max() < 3)
    H.assert_near(x:mean(), 1, 0.02)
    H.assert_near(x:var(), 16 / 12, 0.02)
    local d = T(1000):uniform() -- default [0, 1)
    assert.is_true(d:min() >= 0 and d:max() < 1)
  end)

  it('normal(mean, std) has that mean and standard deviation', function()
    local x = T(100000):normal(2, 0.5)
    H.assert_near(x:mean(), 2, 0.01)
    H.assert_near(x:std(), 0.5, 0.01)
    local y = T(100000):normal()
    H.assert_near(y:mean(), 0, 0.01)
    H.assert_near(y:std(), 1, 0.01)
  end)

  it('bernoulli(p) gives 0 or 1, 1 with probability p', function()
    local x = T(100000):bernoulli(0.3)
    assert.are.equal(x:nElement(), x:eq(0):sum() + x:eq(1):sum())
    H.assert_near(x:mean(), 0.3, 0.01)
    H.assert_near(T(100000):bernoulli():mean(), 0.5, 0.01)
    assert.are.equal(0, T(100):bernoulli(0):sum())
    assert.are.equal(100, T(100):bernoulli(1):sum())
  end)

  it('bernoulli(pTensor): element i is 1 with probability p[i] (Torch7\'s tensor form)', function()
    local x = T(2, 3)
    assert.are.equal(x, x:bernoulli(T({ { 0, 1, 0 }, { 1, 1, 0 } })))
    assert.are.same({ { 0, 1, 0 }, { 1, 1, 0 } }, x:totable())
    -- paired in row-major order whatever the sizes and layouts
    x:bernoulli(T({ { 1, 0 }, { 0, 1 }, { 1, 1 } }):t()) -- row-major {1, 0, 1, 0, 1, 1}
    assert.are.same({ { 1, 0, 1 }, { 0, 1, 1 } }, x:totable())
    local p = T(100000):fill(0.3)
    p:narrow(1, 1, 50000):fill(0.8)
    local y = T(100000):bernoulli(p)
    assert.are.equal(y:nElement(), y:eq(0):sum() + y:eq(1):sum())
    H.assert_near(y:narrow(1, 1, 50000):mean(), 0.8, 0.01)
    H.assert_near(y:narrow(1, 50001, 50000):mean(), 0.3, 0.01)
  end)

  it('bernoulli(pTensor) of equal probabilities draws what bernoulli(p) draws', function()
    stn.manualSeed(5)
    local a = T(1000):bernoulli(0.3)
    stn.manualSeed(5)
    local b = T(1000):bernoulli(T(1000):fill(0.3))
    H.assert_equal(b, a)
    local z = T({ 0, 1, 1, 0 }) -- its own probabilities: read before overwritten
    z:bernoulli(z)
    assert.are.same({ 0, 1, 1, 0 }, z:totable())
  end)

  it('bernoulli(pTensor) checks the element count and the probabilities', function()
    local t = T(3)
    H.assert_error(function() t:bernoulli(T(4):fill(0.5)) end, 'Tensor:bernoulli', 'p has 4 elements (4) but the tensor 3 (3)')
    H.assert_error(function() t:bernoulli(T({ 0.5, 1.5, 0 })) end, 'Tensor:bernoulli', 'in [0, 1]', 'from 0 to 1.5')
    H.assert_error(function() t:bernoulli(T({ 0.5, 0 / 0, 0 })) end, 'Tensor:bernoulli', 'in [0, 1]')
  end)

  it('return the tensor and refuse bad parameters', function()
    local t = T(3)
    assert.are.equal(t, t:uniform())
    H.assert_error(function() t:uniform(2, 1) end, 'Tensor:uniform', 'lower bound 2 above upper bound 1')
    H.assert_error(function() t:normal(0, -1) end, 'Tensor:normal', 'negative')
    H.assert_error(function() t:bernoulli(1.5) end, 'Tensor:bernoulli', 'not in [0, 1]')
    H.assert_error(function() t:uniform('a') end, 'Tensor:uniform', 'a must be a number')
  end)
end)

describe('stn.randperm', function()
  it('is a permutation of 1..n', function()
    stn.manualSeed(3)
    local p = stn.randperm(1000)
    assert.are.same({ 1000 }, p:size():totable())
    local seen = {}
    for _, v in ipairs(p:totable()) do
      assert.is_nil(seen[v])
      assert.is_true(v >= 1 and v <= 1000 and v == math.floor(v))
      seen[v] = true
    end
    local identity = {}
    for i = 1, 1000 do identity[i] = i end
    assert.is_true(p:ne(T(identity)):sum() > 990) -- shuffled: a random permutation fixes ~1 point
  end)

  it('is reproducible after a seed, and res:randperm(n) fills res', function()
    stn.manualSeed(8)
    local a = stn.randperm(20)
    stn.manualSeed(8)
    local res = T()
    assert.are.equal(res, res:randperm(20))
    H.assert_equal(a, res)
  end)

  it('refuses n < 1', function()
    H.assert_error(function() stn.randperm(0) end, 'randperm', 'positive integer')
  end)
end)
