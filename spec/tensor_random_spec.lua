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
    assert.are.equal(x:nElement(), x:eq(0):float():sum() + x:eq(1):float():sum())
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
    assert.are.equal(y:nElement(), y:eq(0):float():sum() + y:eq(1):float():sum())
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
    assert.is_true(p:ne(T(identity)):float():sum() > 990) -- shuffled: a random permutation fixes ~1 point
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

describe('x:random (Torch7): integers', function()
  local function all_integers_in(x, lo, hi)
    for _, v in ipairs(x:view(-1):totable()) do
      if not (v >= lo and v <= hi and v == math.floor(v)) then return false end
    end
    return true
  end

  it('random(a, b) gives every integer of [a, b], evenly, reproducibly after a seed', function()
    stn.manualSeed(11)
    local x = T(100000):random(-2, 3)
    assert.is_true(all_integers_in(x, -2, 3))
    for v = -2, 3 do -- each of the 6 values ~ 1/6 of the draws (std of the count ~ 118)
      H.assert_near(x:eq(v):float():sum() / 100000, 1 / 6, 0.01)
    end
    stn.manualSeed(11)
    H.assert_equal(x, T(100000):random(-2, 3))
    assert.are.same({ 7, 7, 7 }, T(3):random(7, 7):totable())
  end)

  it('random(b) is in [1, b], random() in [0, 2^24] (Torch7\'s float tensors)', function()
    stn.manualSeed(12)
    local d = T(60000):random(6)
    assert.is_true(all_integers_in(d, 1, 6))
    H.assert_near(d:mean(), 3.5, 0.05) -- std of the mean 0.007
    local r = T(100000):random()
    assert.is_true(all_integers_in(r, 0, 2 ^ 24))
    H.assert_near(r:mean() / 2 ^ 24, 0.5, 0.01) -- std of the mean 0.001
    assert.is_true(all_integers_in(T(1000):random(2 ^ 24), 1, 2 ^ 24))
    assert.is_true(all_integers_in(T(1000):random(-2 ^ 24, 2 ^ 24), -2 ^ 24, 2 ^ 24))
  end)

  it('a non-contiguous view gets the numbers of a contiguous tensor of its sizes', function()
    stn.manualSeed(13)
    local t = T(3, 4)
    t:t():random(100)
    stn.manualSeed(13)
    H.assert_equal(t:t(), T(4, 3):random(100))
  end)

  it('refuses fractional, NaN, out-of-range and reversed bounds, naming the function', function()
    local t = T(3)
    H.assert_error(function() t:random(0) end, 'Tensor:random', 'at least 1, got 0')
    H.assert_error(function() t:random(-4) end, 'Tensor:random', 'at least 1')
    H.assert_error(function() t:random(2.5) end, 'Tensor:random', 'b must be an integer, got 2.5')
    H.assert_error(function() t:random(0 / 0) end, 'Tensor:random', 'must be an integer')
    H.assert_error(function() t:random(1, 0 / 0) end, 'Tensor:random', 'b must be an integer')
    H.assert_error(function() t:random(3, 2) end, 'Tensor:random', 'lower bound 3 above upper bound 2')
    H.assert_error(function() t:random(2 ^ 24 + 1) end, 'Tensor:random', 'beyond +-2^24')
    H.assert_error(function() t:random(-2 ^ 24 - 1, 0) end, 'Tensor:random', 'a = -16777217 is beyond +-2^24')
    H.assert_error(function() t:random('6') end, 'Tensor:random', 'b must be an integer, got string')
  end)

  H.cuda_it('random(a, b) on CUDA gives the CPU\'s numbers', function()
    stn.manualSeed(14)
    local a = T(5, 7):random(-3, 9)
    stn.manualSeed(14)
    H.assert_equal(a, T(5, 7):cuda():random(-3, 9):float())
  end)
end)

describe('stn.uniform, normal, bernoulli, random (Torch7): numbers', function()
  it('give one number from the generator, reproducibly after a seed', function()
    stn.manualSeed(21)
    local u, n, b, r = stn.uniform(), stn.normal(), stn.bernoulli(), stn.random()
    assert.are.equal('number', type(u))
    assert.is_true(u >= 0 and u < 1)
    assert.is_true(b == 0 or b == 1)
    assert.is_true(r >= 0 and r < 2 ^ 32 and r == math.floor(r))
    stn.manualSeed(21)
    assert.are.same({ u, n, b, r }, { stn.uniform(), stn.normal(), stn.bernoulli(), stn.random() })
  end)

  it('take Torch7\'s parameters', function()
    stn.manualSeed(22)
    local sum, big = 0, false
    for _ = 1, 2000 do
      local u = stn.uniform(2, 3)
      assert.is_true(u >= 2 and u < 3)
      local d = stn.random(6)
      assert.is_true(d >= 1 and d <= 6 and d == math.floor(d))
      local k = stn.random(-3, 3)
      assert.is_true(k >= -3 and k <= 3 and k == math.floor(k))
      sum = sum + stn.normal(10, 2)
      big = big or stn.random() >= 2 ^ 31
    end
    H.assert_near(sum / 2000, 10, 0.02) -- std of the mean 0.045: 0.2 is 4.5 of them
    assert.is_true(big) -- the upper half of [0, 2^32) is reached
    assert.are.equal(5, stn.normal(5, 0))
    assert.are.equal(0, stn.bernoulli(0))
    assert.are.equal(1, stn.bernoulli(1))
  end)

  it('fill a tensor given first, as the methods', function()
    local x = T(4)
    assert.are.equal(x, stn.uniform(x, 5, 6))
    assert.is_true(x:ge(5):float():sum() == 4 and x:lt(6):float():sum() == 4)
    assert.are.equal(x, stn.random(x, 2, 2))
    assert.are.same({ 2, 2, 2, 2 }, x:totable())
    assert.are.equal(x, stn.bernoulli(x, T({ 0, 1, 1, 0 })))
    assert.are.same({ 0, 1, 1, 0 }, x:totable())
    assert.are.equal(x, stn.normal(x, 3, 0))
    assert.are.same({ 3, 3, 3, 3 }, x:totable())
  end)

  it('refuse bad parameters, naming the function', function()
    H.assert_error(function() stn.uniform(2, 1) end, 'stn: uniform:', 'lower bound 2 above upper bound 1')
    H.assert_error(function() stn.uniform(0 / 0) end, 'stn: uniform:', 'a must be a finite number, got')
    H.assert_error(function() stn.normal(0, -1) end, 'stn: normal:', 'negative')
    H.assert_error(function() stn.normal(math.huge) end, 'stn: normal:', 'mean must be a finite number')
    H.assert_error(function() stn.bernoulli(1.5) end, 'stn: bernoulli:', 'not in [0, 1]')
    H.assert_error(function() stn.bernoulli(0 / 0) end, 'stn: bernoulli:', 'not in [0, 1]')
    H.assert_error(function() stn.random(0) end, 'stn: random:', 'at least 1')
    H.assert_error(function() stn.random(1.5) end, 'stn: random:', 'must be an integer, got 1.5')
    H.assert_error(function() stn.random(5, 1) end, 'stn: random:', 'lower bound 5 above upper bound 1')
    -- the number forms draw in double, as Torch7's: bounds up to 2^53
    H.assert_error(function() stn.random(2 ^ 53 + 2) end, 'stn: random:', 'beyond +-2^53')
  end)
end)

describe('bernoulli(pTensor) and the other fills: arguments', function()
  it('bernoulli(pTensor) refuses p on the other device or of the wrong count, and negative p', function()
    local t = T(2, 2)
    H.assert_error(function() t:bernoulli(T(2, 3):fill(0.5)) end, 'Tensor:bernoulli', 'p has 6 elements (2x3) but the tensor 4 (2x2)')
    H.assert_error(function() t:bernoulli(T({ -0.1, 0, 0, 0 })) end, 'Tensor:bernoulli', 'from -0.1 to 0')
    assert.are.equal(t, t:bernoulli(T({ 1, 0, 1, 0 })))
    assert.are.same({ { 1, 0 }, { 1, 0 } }, t:totable())
    local e = T(0)
    assert.are.equal(e, e:bernoulli(T(0))) -- nothing to draw
  end)

  it('uniform and normal refuse NaN and infinite parameters', function()
    local t = T(3)
    H.assert_error(function() t:uniform(0, math.huge) end, 'Tensor:uniform', 'b must be a finite number, got inf')
    H.assert_error(function() t:normal(0 / 0) end, 'Tensor:normal', 'mean must be a finite number')
    H.assert_error(function() t:normal(0, 0 / 0) end, 'Tensor:normal', 'std must be a finite number')
  end)

  it('stn.rand / randn: new tensors, or into res, of numbers or a size', function()
    stn.manualSeed(31)
    local a = stn.rand(2, 3)
    stn.manualSeed(31)
    local res = T()
    assert.are.equal(res, stn.rand(res, stn.Size.new { 2, 3 }))
    H.assert_equal(a, res)
    assert.is_true(a:ge(0):float():sum() == 6 and a:lt(1):float():sum() == 6)
    assert.are.same({ 4 }, stn.randn(4):size():totable())
    assert.are.same({ 2, 5 }, T():randn(2, 5):size():totable())
  end)
end)

describe('logNormal, exponential, cauchy, geometric (Torch7)', function()
  local N = 100000
  local function fraction(mask) return mask:float():sum() / mask:nElement() end -- masks are ByteTensors

  it('repeat after a seed, and fill a view in row-major order', function()
    local function fill(x, name) return x[name](x) end
    for _, name in ipairs { 'logNormal', 'exponential', 'cauchy', 'geometric' } do
      stn.manualSeed(41)
      local a = fill(T(200), name)
      stn.manualSeed(41)
      H.assert_equal(a, fill(T(200), name), name)
      stn.manualSeed(42)
      local t = T(3, 5)
      fill(t:t(), name)
      stn.manualSeed(42)
      H.assert_equal(t:t(), fill(T(5, 3), name), name .. ' on a view')
    end
  end)

  it('draw the numbers of the uniform and normal fills: exponential is -log(w) / lambda, geometric floor(log(w) / log(p)) + 1 (w = u + 2^-24), logNormal exp(normal)', function()
    stn.manualSeed(43)
    local w = T(5000):uniform():add(2 ^ -24)
    stn.manualSeed(43)
    local e = T(5000):exponential(2)
    stn.manualSeed(43)
    local g = T(5000):geometric(0.25)
    local ge, gg = T(5000), T(5000)
    for i = 1, 5000 do
      ge[i] = -math.log(w[i]) / 2
      gg[i] = math.floor(math.log(w[i]) / math.log(0.25)) + 1
    end
    H.assert_near(e, ge, 1e-6)
    H.assert_equal(g, gg)
    stn.manualSeed(44)
    local n = T(5000):normal(0.5, 0.7)
    stn.manualSeed(44)
    H.assert_near(T(5000):logNormal(0.5, 0.7), n:exp(), 1e-6)
  end)

  it('logNormal(mean, stdv): positive, its log has that mean and standard deviation (defaults 1, 2)', function()
    stn.manualSeed(45)
    local x = T(N):logNormal(0.5, 0.3)
    assert.is_true(x:min() > 0)
    local l = x:log()
    H.assert_near(l:mean(), 0.5, 0.01) -- standard error 0.001
    H.assert_near(l:std(), 0.3, 0.01) -- standard error 0.0007
    l = T(N):logNormal():log()
    H.assert_near(l:mean(), 1, 0.05) -- standard error 0.0063
    H.assert_near(l:std(), 2, 0.05) -- standard error 0.0045
  end)

  it('exponential(lambda): values >= 0 with mean 1 / lambda (default 1)', function()
    stn.manualSeed(46)
    local x = T(N):exponential(4)
    assert.is_true(x:min() >= 0)
    H.assert_near(x:mean(), 0.25, 0.005) -- standard error 0.0008
    H.assert_near(fraction(x:gt(0.25)), math.exp(-1), 0.01) -- standard error 0.0015
    H.assert_near(T(N):exponential():mean(), 1, 0.02) -- standard error 0.0032
  end)

  it('cauchy(median, sigma): half the values below the median, a quarter below median - sigma (defaults 0, 1)', function()
    stn.manualSeed(47)
    local x = T(N):cauchy(3, 2)
    -- standard error of each fraction <= 0.0016: 0.01 is six of them
    H.assert_near(fraction(x:lt(3)), 0.5, 0.01)
    H.assert_near(fraction(x:lt(1)), 0.25, 0.01)
    H.assert_near(fraction(x:lt(5)), 0.75, 0.01)
    assert.is_true(x:min() < -1000 and x:max() > 1000) -- heavy tails, finite
    assert.is_true(x:ne(x):float():sum() == 0 and x:abs():max() < math.huge)
    local d = T(N):cauchy()
    H.assert_near(fraction(d:lt(0)), 0.5, 0.01)
    H.assert_near(fraction(d:lt(1)), 0.75, 0.01)
  end)

  it('geometric(p): integers from 1, P(1) = 1 - p, mean 1 / (1 - p) (Torch7\'s p; default 0.5)', function()
    stn.manualSeed(48)
    local x = T(N):geometric(0.3)
    assert.is_true(x:min() == 1)
    assert.are.equal(N, x:eq(x:clone():floor()):float():sum())
    H.assert_near(fraction(x:eq(1)), 0.7, 0.01) -- standard error 0.0015
    H.assert_near(x:mean(), 1 / 0.7, 0.02) -- standard error 0.0025
    local d = T(N):geometric()
    H.assert_near(d:mean(), 2, 0.03) -- standard error 0.0045
    H.assert_near(fraction(d:eq(1)), 0.5, 0.01)
  end)

  it('stn.<name>() gives one number, reproducibly; stn.<name>(x, ...) fills x', function()
    stn.manualSeed(49)
    local a = { stn.logNormal(), stn.exponential(3), stn.cauchy(1, 2), stn.geometric(0.9), stn.geometric() }
    for _, v in ipairs(a) do assert.are.equal('number', type(v)) end
    assert.is_true(a[1] > 0 and a[2] >= 0 and a[4] >= 1 and a[4] == math.floor(a[4]))
    stn.manualSeed(49)
    assert.are.same(a, { stn.logNormal(), stn.exponential(3), stn.cauchy(1, 2), stn.geometric(0.9), stn.geometric() })
    local x = T(4)
    assert.are.equal(x, stn.geometric(x, 0.5))
    assert.are.equal(4, x:ge(1):float():sum())
    assert.are.equal(x, stn.exponential(x, 2))
    assert.are.equal(x, stn.cauchy(x))
    assert.are.equal(x, stn.logNormal(x, 0, 1))
    assert.is_true(x:min() > 0)
  end)

  it('refuse bad parameters, naming the function', function()
    local t = T(3)
    H.assert_error(function() t:logNormal(0, 0) end, 'Tensor:logNormal', 'stdv must be positive, got 0')
    H.assert_error(function() t:logNormal(0, -1) end, 'Tensor:logNormal', 'stdv must be positive')
    H.assert_error(function() t:logNormal(0 / 0) end, 'Tensor:logNormal', 'mean must be a finite number')
    H.assert_error(function() stn.logNormal(1, math.huge) end, 'stn: logNormal:', 'stdv must be a finite number')
    H.assert_error(function() t:exponential(0) end, 'Tensor:exponential', 'lambda must be positive, got 0')
    H.assert_error(function() t:exponential(-2) end, 'Tensor:exponential', 'lambda must be positive')
    H.assert_error(function() stn.exponential('2') end, 'stn: exponential:', 'lambda must be a number, got string')
    H.assert_error(function() t:exponential(1e300) end, 'Tensor:exponential', 'not a positive finite number') -- inf as a float
    H.assert_error(function() t:cauchy(math.huge) end, 'Tensor:cauchy', 'median must be a finite number')
    H.assert_error(function() t:cauchy(0, 0 / 0) end, 'Tensor:cauchy', 'sigma must be a finite number')
    H.assert_error(function() t:geometric(1) end, 'Tensor:geometric', 'p must be in (0, 1), got 1')
    H.assert_error(function() t:geometric(0) end, 'Tensor:geometric', 'p must be in (0, 1), got 0')
    H.assert_error(function() stn.geometric(0 / 0) end, 'stn: geometric:', 'p must be in (0, 1)')
    H.assert_error(function() t:geometric(1 - 1e-12) end, 'Tensor:geometric', 'p = 1 (as a float) is not in (0, 1)')
  end)
end)
