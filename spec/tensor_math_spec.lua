-- Torch7's float-valued math beyond the arithmetic of tensor_pointwise_spec: element-wise
-- trigonometry, fmod and remainder, constructors and shapes, cumulative sums and products,
-- comparisons of whole tensors and Lua callbacks. Values worked out by hand; semantics
-- as in Torch7's TensorMath.lua and lib/TH/generic/THTensorMath.c.
local H = require 'helpers'
local stn = H.stn
local T = stn.Tensor

describe('Tensor trigonometry', function()
  it('sin cos tan asin acos atan sinh cosh: in place, into a result and functional', function()
    local half_pi = math.pi / 2
    local cases = {
      sin = { { 0, math.pi / 6, -half_pi }, { 0, 0.5, -1 } },
      cos = { { 0, math.pi / 3, math.pi }, { 1, 0.5, -1 } },
      tan = { { 0, math.pi / 4, -math.pi / 4 }, { 0, 1, -1 } },
      asin = { { 0, 0.5, -1 }, { 0, math.pi / 6, -half_pi } },
      acos = { { 1, 0.5, -1 }, { 0, math.pi / 3, math.pi } },
      atan = { { 0, 1, -1 }, { 0, math.pi / 4, -math.pi / 4 } },
      sinh = { { 0, 1, -1 }, { 0, (math.exp(1) - math.exp(-1)) / 2, -(math.exp(1) - math.exp(-1)) / 2 } },
      cosh = { { 0, 1, -1 }, { 1, (math.exp(1) + math.exp(-1)) / 2, (math.exp(1) + math.exp(-1)) / 2 } },
    }
    for name, c in pairs(cases) do
      local x = T(c[1])
      local z = T()
      assert.are.equal(z, z[name](z, x), name)
      H.assert_near(z, c[2], 1e-6, name)
      H.assert_near(stn[name](x), c[2], 1e-6, name)
      local r = T()
      assert.are.equal(r, stn[name](r, x), name)
      H.assert_near(r, c[2], 1e-6, name)
      assert.are.equal(x, x[name](x), name) -- in place
      H.assert_near(x, c[2], 1e-6, name)
      assert.are.equal(math[name](0.25), stn[name](0.25), name) -- numbers: Lua's math
    end
  end)

  it('outside the domain gives NaN, as C does', function()
    local r = T({ 2, -2 }):asin()
    assert.is_true(r[1] ~= r[1] and r[2] ~= r[2])
    r = T({ 1.5 }):acos()
    assert.is_true(r[1] ~= r[1])
  end)

  it('works on non-contiguous views and writes nothing else', function()
    local m = T({ { 0, 9 }, { 1, 9 } })
    local col = m:select(2, 1)
    col:sin()
    H.assert_near(m, { { 0, 9 }, { math.sin(1), 9 } }, 1e-7)
    local z = T()
    z:cos(m:t())
    H.assert_near(z, { { 1, math.cos(math.sin(1)) }, { math.cos(9), math.cos(9) } }, 1e-6)
  end)

  it('atan2(y, x) takes the ordinate first, as C\'s atan2', function()
    local y, x = T({ 1, -1, 0, 1 }), T({ 0, 0, -1, 1 })
    local want = { math.pi / 2, -math.pi / 2, math.pi, math.pi / 4 }
    H.assert_near(stn.atan2(y, x), want, 1e-6)
    H.assert_near(T():atan2(y, x), want, 1e-6)
    local r = T()
    assert.are.equal(r, stn.atan2(r, y, x))
    H.assert_near(r, want, 1e-6)
    assert.are.equal(y, y:atan2(x)) -- in place: y <- atan2(y, x)
    H.assert_near(y, want, 1e-6)
    assert.are.equal(math.atan2(1, -1), stn.atan2(1, -1))
  end)

  it('refuses wrong arguments, naming the function', function()
    H.assert_error(function() T(2):sin(3) end, 'Tensor:sin', 'argument 1: expected a tensor, got number')
    H.assert_error(function() stn.cos('x') end, 'stn: cos', 'expected')
    H.assert_error(function() T({ 1, 2 }):atan2(T({ 1, 2, 3 })) end, 'Tensor:atan2', 'b has 3 elements')
    H.assert_error(function() T(2):atan2(1) end, 'Tensor:atan2', 'argument 2: expected a tensor, got number')
    H.assert_error(function() stn.atan2(T(2)) end, 'stn: atan2', 'got (tensor)')
  end)

  it('an empty tensor stays empty', function()
    assert.are.equal(0, T():sin():nElement())
    assert.are.equal(0, T():atan2(T(), T()):nElement())
  end)
end)

describe('Tensor fmod and remainder', function()
  local x
  before_each(function() x = T({ -5.5, 5.5, -3, 3, 7 }) end)

  it('fmod has the sign of the dividend (C\'s fmod), remainder that of the divisor', function()
    assert.are.same({ -1.5, 1.5, -1, 1, 1 }, stn.fmod(x, 2):totable())
    assert.are.same({ -1.5, 1.5, -1, 1, 1 }, stn.fmod(x, -2):totable())
    assert.are.same({ 0.5, 1.5, 1, 1, 1 }, stn.remainder(x, 2):totable())
    assert.are.same({ -1.5, -0.5, -1, -1, -1 }, stn.remainder(x, -2):totable())
    assert.are.same({ -1.5, 1.5, -1, 1, 1 }, x:clone():mod(2):totable()) -- Torch7's alias
  end)

  it('by zero: fmod and remainder give NaN (Torch7 on floats)', function()
    for _, r in ipairs { stn.fmod(x, 0), stn.remainder(x, 0) } do
      for i = 1, 5 do assert.is_true(r[i] ~= r[i]) end
    end
  end)

  it('in place, into a result and the result-first functional form', function()
    local z = T()
    assert.are.equal(z, z:remainder(x, 2))
    assert.are.same({ 0.5, 1.5, 1, 1, 1 }, z:totable())
    assert.are.equal(z, stn.fmod(z, x, 2))
    assert.are.same({ -1.5, 1.5, -1, 1, 1 }, z:totable())
    assert.are.equal(x, x:fmod(4))
    assert.are.same({ -1.5, 1.5, -3, 3, 3 }, x:totable())
  end)

  it('cfmod and cremainder divide element by element', function()
    local d = T({ 2, -2, 2, -2, 0 })
    local f = stn.cfmod(x, d)
    assert.are.same({ -1.5, 1.5, -1, 1 }, f:narrow(1, 1, 4):totable())
    assert.is_true(f[5] ~= f[5])
    local r = T():cremainder(x, d)
    assert.are.same({ 0.5, -0.5, 1, -1 }, r:narrow(1, 1, 4):totable())
    assert.is_true(r[5] ~= r[5])
    assert.are.same(f:narrow(1, 1, 4):totable(), stn.cmod(x, d):narrow(1, 1, 4):totable()) -- alias
    assert.are.equal(x, x:cremainder(T({ 4, 4, 4, 4, 4 })))
    assert.are.same({ 2.5, 1.5, 1, 3, 3 }, x:totable())
  end)

  it('remainder of float values: x - d * floor(x / d), the quotient rounded to float', function()
    -- 1e8 / 3 rounds to 33333334 in float, so the rest is 1e8 - 100000002 = -2, as in Torch7
    assert.are.equal(-2, T({ 1e8 }):remainder(3)[1])
    assert.are.equal(1, T({ 1e8 }):fmod(3)[1]) -- fmod is exact
  end)

  it('refuses wrong arguments, naming the function', function()
    H.assert_error(function() T(2):fmod('a') end, 'Tensor:fmod', 'argument 1: expected a number, got string')
    H.assert_error(function() T(2):remainder(T(2)) end, 'Tensor:remainder', 'expected a number')
    H.assert_error(function() stn.fmod(T(2), T(2)) end, 'stn: fmod', 'got (tensor, tensor)')
    H.assert_error(function() T(2):cfmod(2) end, 'Tensor:cfmod', 'expected a tensor')
    H.assert_error(function() T(2):cremainder(T(3)) end, 'Tensor:cremainder', 'b has 3 elements')
  end)
end)

describe('stn.range, linspace, logspace', function()
  it('range is inclusive, with Torch7\'s rules for the step', function()
    assert.are.same({ 1, 2, 3, 4, 5 }, stn.range(1, 5):totable())
    assert.are.same({ 5, 3.5, 2 }, stn.range(5, 1, -1.5):totable())
    assert.are.same({ 0, 0.25, 0.5 }, stn.range(0, 0.6, 0.25):totable()) -- b not reached: stops before
    assert.are.same({ 3 }, stn.range(3, 3):totable())
    local x = T()
    assert.are.equal(x, x:range(2, 4))
    assert.are.same({ 2, 3, 4 }, x:totable())
    local r = T()
    assert.are.equal(r, stn.range(r, 1, 2))
    assert.are.same({ 1, 2 }, r:totable())
    local m = T(2, 2) -- as many elements: keeps its sizes, as Torch7
    assert.are.same({ { 1, 2 }, { 3, 4 } }, m:range(1, 4):totable())
    assert.are.equal(T({ 0.3 })[1], stn.range(0.3, 0.3)[1]) -- a single element, rounded to float
  end)

  it('range refuses a zero or NaN step and bounds incoherent with its sign', function()
    H.assert_error(function() stn.range(1, 5, 0) end, 'Tensor:range', 'step must be a non-zero number, got 0')
    H.assert_error(function() stn.range(1, 5, 0 / 0) end, 'Tensor:range', 'step must be a non-zero number')
    H.assert_error(function() stn.range(5, 1) end, 'Tensor:range', 'incoherent with the step 1')
    H.assert_error(function() stn.range(1, 5, -1) end, 'Tensor:range', 'incoherent')
    H.assert_error(function() stn.range(1, 0 / 0) end, 'Tensor:range', 'incoherent')
    H.assert_error(function() stn.range(0, math.huge) end, 'Tensor:range', 'more than 2^')
    H.assert_error(function() stn.range('a', 2) end, 'stn: range', 'expected')
  end)

  it('linspace gives n points (100 by default) in float arithmetic, logspace their powers of 10', function()
    assert.are.same({ 0, 0.25, 0.5, 0.75, 1 }, stn.linspace(0, 1, 5):totable())
    assert.are.same({ 2, 1, 0 }, stn.linspace(2, 0, 3):totable())
    assert.are.equal(100, stn.linspace(0, 1):nElement())
    assert.are.same({ 4 }, stn.linspace(4, 4, 1):totable())
    assert.are.same({ 1, 10, 100 }, stn.logspace(0, 2, 3):totable())
    assert.are.equal(100, stn.logspace(0, 1):nElement())
    local x = T()
    assert.are.equal(x, x:linspace(-1, 1, 3))
    assert.are.same({ -1, 0, 1 }, x:totable())
    -- float arithmetic: 0 + 1 * (1 - 0) / 3 rounded to float
    local third = stn.linspace(0, 1, 4)[2]
    assert.are.equal(T({ 1 / 3 })[1], third)
  end)

  it('linspace and logspace refuse bad counts', function()
    H.assert_error(function() stn.linspace(0, 1, 1) end, 'Tensor:linspace', 'invalid number of points 1')
    H.assert_error(function() stn.linspace(0, 1, 0) end, 'Tensor:linspace', 'invalid number of points 0')
    H.assert_error(function() stn.logspace(0, 1, 2.5) end, 'Tensor:logspace', 'must be an integer, got 2.5')
    H.assert_error(function() stn.linspace(0, 1, 0 / 0) end, 'Tensor:linspace', 'must be an integer')
  end)

  H.cuda_it('fill CUDA tensors with the CPU\'s values', function()
    local x = T():cuda()
    H.assert_equal(x:linspace(0, 1, 7):float(), stn.linspace(0, 1, 7))
    H.assert_equal(x:range(1, 9, 2):float(), stn.range(1, 9, 2))
  end)
end)

describe('eye, diag, trace, tril, triu', function()
  local m
  before_each(function() m = T({ { 1, 2, 3 }, { 4, 5, 6 } }) end)

  it('eye(n [, m]) is the identity', function()
    assert.are.same({ { 1, 0 }, { 0, 1 } }, stn.eye(2):totable())
    assert.are.same({ { 1, 0, 0 }, { 0, 1, 0 } }, stn.eye(2, 3):totable())
    assert.are.same({ { 1 }, { 0 } }, stn.eye(2, 1):totable())
    local x = T(5)
    assert.are.equal(x, x:eye(2))
    assert.are.same({ { 1, 0 }, { 0, 1 } }, x:totable())
    H.assert_error(function() stn.eye(0) end, 'Tensor:eye', 'at least 1, got 0')
    H.assert_error(function() stn.eye(2.5) end, 'Tensor:eye', 'rows must be an integer, got 2.5')
    H.assert_error(function() stn.eye(2, -1) end, 'Tensor:eye', 'must not be negative')
  end)

  it('diag of a vector is a matrix, of a matrix its k-th diagonal', function()
    assert.are.same({ { 1, 0 }, { 0, 2 } }, stn.diag(T({ 1, 2 })):totable())
    assert.are.same({ { 0, 1, 0 }, { 0, 0, 2 }, { 0, 0, 0 } }, T({ 1, 2 }):diag(1):totable())
    assert.are.same({ { 0, 0 }, { 1, 0 } }, T({ 1 }):diag(-1):totable())
    assert.are.same({ 1, 5 }, m:diag():totable())
    assert.are.same({ 2, 6 }, stn.diag(m, 1):totable())
    assert.are.same({ 3 }, stn.diag(m, 2):totable())
    assert.are.same({ 4 }, stn.diag(m, -1):totable())
    assert.are.equal(0, stn.diag(m, 3):nElement()) -- past the corner: empty, as Torch7
    local r = T()
    assert.are.equal(r, r:diag(m:t(), 0))
    assert.are.same({ 1, 5 }, r:totable())
    assert.are.equal(r, stn.diag(r, r)) -- res sharing storage with x
    assert.are.same({ { 1, 0 }, { 0, 5 } }, r:totable())
    H.assert_error(function() T(2, 2, 2):diag() end, 'Tensor:diag', 'expected a vector or a matrix, got a 3-D tensor')
    H.assert_error(function() m:diag(0.5) end, 'Tensor:diag', 'the diagonal k must be an integer')
  end)

  it('trace sums the diagonal', function()
    assert.are.equal(6, m:trace())
    assert.are.equal(6, stn.trace(m))
    assert.are.equal(6, m:t():trace())
    assert.are.equal(0, T(0, 3):trace())
    H.assert_error(function() T(3):trace() end, 'Tensor:trace', 'expected a matrix, got a 1-D tensor')
  end)

  it('tril and triu keep a triangle, k shifting the diagonal', function()
    local a = T({ { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } })
    assert.are.same({ { 1, 0, 0 }, { 4, 5, 0 }, { 7, 8, 9 } }, a:tril():totable())
    assert.are.same({ { 1, 2, 0 }, { 4, 5, 6 }, { 7, 8, 9 } }, stn.tril(a, 1):totable())
    assert.are.same({ { 0, 0, 0 }, { 4, 0, 0 }, { 7, 8, 0 } }, a:tril(-1):totable())
    assert.are.same({ { 1, 2, 3 }, { 0, 5, 6 }, { 0, 0, 9 } }, stn.triu(a):totable())
    assert.are.same({ { 0, 2, 3 }, { 0, 0, 6 }, { 0, 0, 0 } }, a:triu(1):totable())
    assert.are.same({ { 1, 2, 3 }, { 4, 5, 6 } }, m:triu(-1):totable())
    assert.are.same({ { 1, 2, 3 }, { 1, 2, 3 }, { 7, 8, 9 } }, T({ { 1, 2, 3 }, { 1, 2, 3 }, { 7, 8, 9 } }):totable())
    local r = T()
    assert.are.equal(r, r:tril(a:t()))
    assert.are.same({ { 1, 0, 0 }, { 2, 5, 0 }, { 3, 6, 9 } }, r:totable())
    assert.are.equal(a, a:triu(a)) -- in place
    assert.are.same({ { 1, 2, 3 }, { 0, 5, 6 }, { 0, 0, 9 } }, a:totable())
    assert.are.same({ 1, 2, 3 }, a[1]:totable()) -- the rest of a untouched
    H.assert_error(function() T(3):tril() end, 'Tensor:tril', 'expected a matrix')
    H.assert_error(function() a:triu(1.5) end, 'Tensor:triu', 'must be an integer')
  end)

  H.cuda_it('work on CUDA tensors', function()
    local a = T({ { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } }):cuda()
    assert.are.equal(15, a:trace())
    assert.are.same({ 1, 5, 9 }, a:diag():float():totable())
    assert.are.same({ { 1, 0, 0 }, { 4, 5, 0 }, { 7, 8, 9 } }, a:tril():float():totable())
    assert.are.equal('torch.CudaTensor', a:triu():type())
    assert.are.equal('torch.CudaTensor', T():cuda():eye(3):type())
  end)
end)

describe('repeatTensor, split, chunk', function()
  it('repeatTensor repeats along each dim, leading dims of size 1 for extra repetitions', function()
    local x = T({ 1, 2 })
    assert.are.same({ { 1, 2, 1, 2 }, { 1, 2, 1, 2 } }, x:repeatTensor(2, 2):totable())
    assert.are.same({ 1, 2, 1, 2, 1, 2 }, stn.repeatTensor(x, 3):totable())
    local m = T({ { 1, 2 }, { 3, 4 } })
    assert.are.same({ { 1, 2 }, { 3, 4 }, { 1, 2 }, { 3, 4 } }, m:repeatTensor(2, 1):totable())
    assert.are.same({ { { 1, 2, 1, 2 }, { 3, 4, 3, 4 } }, { { 1, 2, 1, 2 }, { 3, 4, 3, 4 } } },
      m:repeatTensor(stn.Size.new { 2, 1, 2 }):totable())
    assert.are.same({ { 1, 3, 1, 3 } }, m:t():narrow(1, 1, 1):repeatTensor(1, 2):totable()) -- a strided x
    local r = T()
    assert.are.equal(r, r:repeatTensor(x, 2))
    assert.are.same({ 1, 2, 1, 2 }, r:totable())
    assert.are.equal(x, stn.repeatTensor(x, x, 2)) -- into x itself
    assert.are.same({ 1, 2, 1, 2 }, x:totable())
    assert.are.same({ 0, 2 }, T({ 1, 2 }):repeatTensor(0, 1):size():totable())
    H.assert_error(function() m:repeatTensor(2) end, 'Tensor:repeatTensor', '1 repetitions for a 2-D tensor')
    H.assert_error(function() m:repeatTensor(2, 1.5) end, 'Tensor:repeatTensor', 'size 2 must be a non-negative integer')
    H.assert_error(function() T():repeatTensor(2) end, 'Tensor:repeatTensor', 'cannot repeat an empty tensor')
  end)

  it('split gives views along dim 1 by default, the last piece shorter', function()
    local x = T({ { 1, 2, 3, 4, 5 }, { 6, 7, 8, 9, 10 } })
    local p = x:split(2, 2)
    assert.are.equal(3, #p)
    assert.are.same({ { 1, 2 }, { 6, 7 } }, p[1]:totable())
    assert.are.same({ { 5 }, { 10 } }, p[3]:totable())
    p[2]:fill(0) -- views
    assert.are.same({ 1, 2, 0, 0, 5 }, x[1]:totable())
    local rows = stn.split(x, 1)
    assert.are.equal(2, #rows)
    assert.are.same({ { 6, 7, 0, 0, 10 } }, rows[2]:totable())
    local into = { 'old', 'entries', 'gone' }
    assert.are.equal(into, stn.split(into, x, 5, 2))
    assert.are.equal(1, #into)
    assert.is_nil(into[2])
    assert.are.same({}, T(0, 3):split(2))
    H.assert_error(function() x:split(0) end, 'Tensor:split', 'positive integer, got 0')
    H.assert_error(function() x:split(2, 3) end, 'Tensor:split', 'dimension 3 out of range for a 2-D tensor')
    H.assert_error(function() stn.split({}, 2, 2) end, 'Tensor:split', 'argument 2: expected a tensor')
  end)

  it('chunk splits into ceil(size / n)-long pieces: at most n of them', function()
    local x = stn.range(1, 5)
    local c = x:chunk(2)
    assert.are.same({ 1, 2, 3 }, c[1]:totable())
    assert.are.same({ 4, 5 }, c[2]:totable())
    assert.are.equal(3, #stn.chunk(x, 4)) -- pieces of 2: 2, 2, 1
    assert.are.equal(5, #x:chunk(9))
    assert.are.same({ 2, 2 }, T(2, 4):chunk(2, 2)[1]:size():totable())
    assert.are.same({ 2, 1 }, T(2, 3):chunk(2, 2)[2]:size():totable())
    H.assert_error(function() x:chunk(0) end, 'Tensor:chunk', 'positive integer, got 0')
    H.assert_error(function() x:chunk(2, 0) end, 'Tensor:chunk', 'dimension 0 out of range')
  end)
end)

describe('Tensor cumulative sums and products', function()
  it('cumsum and cumprod run along dim 1 by default, into a new tensor', function()
    local x = T({ { 1, 2, 3 }, { 4, 5, 6 } })
    assert.are.same({ { 1, 2, 3 }, { 5, 7, 9 } }, x:cumsum():totable())
    assert.are.same({ { 1, 3, 6 }, { 4, 9, 15 } }, x:cumsum(2):totable())
    assert.are.same({ { 1, 2, 3 }, { 4, 10, 18 } }, x:cumprod():totable())
    assert.are.same({ { 1, 2, 6 }, { 4, 20, 120 } }, stn.cumprod(x, 2):totable())
    assert.are.same({ { 1, 2, 3 }, { 4, 5, 6 } }, x:totable()) -- x untouched
    local r = T()
    assert.are.equal(r, stn.cumsum(r, x, 2))
    assert.are.same({ { 1, 3, 6 }, { 4, 9, 15 } }, r:totable())
    assert.are.same({ 2, 3 }, stn.cumsum(x):size():totable())
  end)

  it('walks non-contiguous tensors and writes in place', function()
    local x = T({ { 1, 2, 3 }, { 4, 5, 6 } })
    assert.are.same({ { 1, 4 }, { 3, 9 }, { 6, 15 } }, x:t():cumsum(1):totable())
    assert.are.same({ { 1, 5 }, { 2, 7 }, { 3, 9 } }, x:t():cumsum(2):totable())
    local y = x:clone()
    y:cumsum(y, 2)
    assert.are.same({ { 1, 3, 6 }, { 4, 9, 15 } }, y:totable())
    local z = x:clone()
    z:t():cumprod(z:t(), 1) -- a transposed view of itself
    assert.are.same({ { 1, 2, 6 }, { 4, 20, 120 } }, z:totable())
    local w = stn.range(1, 4)
    w:narrow(1, 2, 3):cumsum(w:narrow(1, 1, 3)) -- overlapping: computed aside
    assert.are.same({ 1, 1, 3, 6 }, w:totable())
  end)

  it('accumulates in double, rounded to float at each step, as Torch7 FloatTensor', function()
    local c = T(1000):fill(0.1):cumsum()
    local f = require('ffi').new('float[1]')
    f[0] = 0.1
    local tenth, run = f[0], 0
    for i = 1, 1000 do
      run = run + tenth
      f[0] = run
      assert.are.equal(f[0], c[i])
    end
    assert.are.equal(100, c[1000]) -- a float running sum would drift to 99.999...
  end)

  it('refuses dims out of range, fractional or NaN, and empty tensors', function()
    local x = T(2, 3)
    H.assert_error(function() x:cumsum(3) end, 'Tensor:cumsum', 'dimension 3 out of range for a 2-D tensor (2x3)')
    H.assert_error(function() x:cumprod(0) end, 'Tensor:cumprod', 'dimension 0 out of range')
    H.assert_error(function() x:cumsum(1.5) end, 'Tensor:cumsum', 'dimension 1.5 out of range')
    H.assert_error(function() x:cumsum(0 / 0) end, 'Tensor:cumsum', 'out of range')
    H.assert_error(function() T():cumsum() end, 'Tensor:cumsum', 'dimension 1 out of range for a 0-D tensor')
    H.assert_error(function() stn.cumsum(x, 'a') end, 'cumsum: expected ([res,] tensor, [number])')
    H.assert_error(function() stn.cumsum(3) end, 'cumsum: expected')
  end)
end)

describe('Tensor equal, dist and renorm', function()
  it('equal: same sizes and equal elements; a NaN equals nothing', function()
    local x = T({ { 1, 2 }, { 3, 4 } })
    assert.is_true(x:equal(x:clone()))
    assert.is_true(stn.equal(x, x))
    assert.is_false(x:equal(x:t()))
    assert.is_false(x:equal(T({ 1, 2, 3, 4 }))) -- same elements, other sizes
    assert.is_true(x:t():equal(T({ { 1, 3 }, { 2, 4 } })))
    assert.is_true(T():equal(T()))
    local n = T({ 1, 0 / 0 })
    assert.is_false(n:equal(n))
    H.assert_error(function() x:equal(3) end, 'Tensor:equal', 'argument 1: expected a tensor, got number')
    H.assert_error(function() stn.equal(x) end, 'equal: expected (tensor, tensor)')
  end)

  it('dist: the p-norm of the difference, 2 by default, pairing elements in row-major order', function()
    local x, y = T({ { 1, 2, 3 }, { 4, 5, 6 } }), T(2, 3):zero()
    H.assert_near(x:dist(y), math.sqrt(91), 1e-7)
    assert.are.equal(21, x:dist(y, 1))
    H.assert_near(stn.dist(x, y, 3), 441 ^ (1 / 3), 1e-6)
    assert.are.equal(0, x:dist(x:clone()))
    assert.are.equal(9, T({ 1, 2 }):dist(T({ 0, 6 }), 0.5)) -- (1 + 2)^2
    assert.are.equal(21, x:dist(T(6):zero(), 1)) -- same count, other sizes
    assert.are.equal(21, x:t():dist(T({ { 0, 0 }, { 0, 0 }, { 0, 0 } }), 1))
    assert.are.equal(0, T():dist(T()))
    H.assert_error(function() x:dist(T(5)) end, 'Tensor:dist', 'have 6 (2x3) and 5 (5) elements')
    H.assert_error(function() x:dist(y, 'a') end, 'Tensor:dist', 'p must be a number, got string')
    H.assert_error(function() x:dist(2) end, 'Tensor:dist', 'expected a tensor, got number')
  end)

  it('dist sums powf terms in float, as Torch7 FloatTensor', function()
    local n = 1000
    local x = T(n):fill(0.1)
    local ffi = require 'ffi'
    local f = ffi.new('float[1]')
    f[0] = 0.1
    local t = f[0] * f[0] -- float-exact once rounded: 0.1f^2 = powf(0.1f, 2)
    f[0] = t
    t = f[0]
    local sum = 0
    for _ = 1, n do f[0] = sum + t; sum = f[0] end
    f[0] = math.sqrt(sum)
    assert.are.equal(f[0], x:dist(T(n):zero()))
  end)

  it('renorm scales the slices along dim whose p-norm exceeds maxnorm', function()
    local x = T({ { 1, 2, 3 }, { 4, 5, 6 } })
    local r = x:clone():renorm(2, 1, 5) -- rows: norms sqrt(14) (kept), sqrt(77) (scaled)
    assert.are.same({ 1, 2, 3 }, r[1]:totable())
    local s = 5 / (math.sqrt(77) + 1e-7)
    H.assert_near(r[2], T({ 4 * s, 5 * s, 6 * s }), 1e-6)
    H.assert_near(r[2]:norm(), 5, 1e-6)
    local c = stn.renorm(x, 1, 2, 4) -- columns: 1-norms 5, 7, 9
    H.assert_near(c, T({ { 0.8, 8 / 7, 4 / 3 }, { 3.2, 20 / 7, 8 / 3 } }), 1e-6)
    assert.are.same({ { 1, 2, 3 }, { 4, 5, 6 } }, x:totable()) -- functional form: a new tensor
    local into = T()
    assert.are.equal(into, into:renorm(x, 1, 2, 4))
    H.assert_near(into, c, 0)
    local p3 = x:clone():renorm(3, 1, 5) -- row 2: (64 + 125 + 216)^(1/3) = 7.40
    local k = 5 / (405 ^ (1 / 3) + 1e-7)
    H.assert_near(p3, T({ { 1, 2, 3 }, { 4 * k, 5 * k, 6 * k } }), 1e-5)
    local m = x:clone()
    m:t():renorm(2, 2, 5) -- slices of a transposed view: the rows of m
    H.assert_near(m, r, 0)
  end)

  it('renorm refuses bad p, dims and sizes', function()
    local x = T(2, 3):fill(1)
    H.assert_error(function() x:renorm(0, 1, 1) end, 'Tensor:renorm', 'p must be positive, got 0')
    H.assert_error(function() x:renorm(-1, 1, 1) end, 'Tensor:renorm', 'p must be positive')
    H.assert_error(function() x:renorm(2, 3, 1) end, 'Tensor:renorm', 'dimension 3 out of range for a 2-D tensor')
    H.assert_error(function() x:renorm(2, 1.5, 1) end, 'Tensor:renorm', 'dimension 1.5 out of range')
    H.assert_error(function() x:renorm(2, 0 / 0, 1) end, 'Tensor:renorm', 'out of range')
    H.assert_error(function() T({ 1, 2 }):renorm(2, 1, 1) end, 'Tensor:renorm', 'at least 2 dims, got a 1-D tensor')
    H.assert_error(function() x:renorm('a', 1, 1) end, 'Tensor:renorm', 'p must be a number, got string')
    H.assert_error(function() x:renorm(2, 1) end, 'Tensor:renorm', 'maxnorm must be a number, got nil')
    H.assert_error(function() stn.renorm(x, 2, 1) end, 'renorm: expected ([res,] tensor, number, number, number)')
  end)
end)

describe('Tensor Lua callbacks: apply, map, map2', function()
  it('apply stores numbers, keeps elements given nil, in row-major order', function()
    local x = T({ { 1, 2, 3 }, { 4, 5, 6 } })
    local seen = {}
    assert.are.equal(x, x:apply(function(v) seen[#seen + 1] = v; if v > 3 then return v * 10 end end))
    assert.are.same({ 1, 2, 3, 4, 5, 6 }, seen)
    assert.are.same({ { 1, 2, 3 }, { 40, 50, 60 } }, x:totable())
    seen = {}
    x:t():apply(function(v) seen[#seen + 1] = v end) -- the transposed view's own order
    assert.are.same({ 1, 40, 2, 50, 3, 60 }, seen)
    x:select(2, 2):apply(function() return '7' end) -- a numeric string, as lua_isnumber
    assert.are.same({ { 1, 7, 3 }, { 40, 7, 60 } }, x:totable())
    local i = 0
    T(2, 2):apply(function() i = i + 1 end)
    assert.are.equal(4, i)
    T():apply(function() error('never called') end)
    local f = T(1):apply(function() return 0.1 end)
    assert.are.equal(require('ffi').new('float[1]', 0.1)[0], f[1]) -- rounded to float
  end)

  it('map and map2 pair elements in row-major order of each tensor', function()
    local x = T({ { 1, 2 }, { 3, 4 } })
    local y = T({ 10, 20, 30, 40 })
    assert.are.equal(x, x:map(y, function(a, b) return a + b end))
    assert.are.same({ { 11, 22 }, { 33, 44 } }, x:totable())
    local z = T({ { 1, 2 }, { 3, 4 } }):t() -- 1 3 / 2 4 in row-major order
    x:map2(y, z, function(a, b, c) return a - b + c end)
    assert.are.same({ { 2, 5 }, { 5, 8 } }, x:totable())
    x:map(y, function(a, b) if b > 25 then return 0 end end)
    assert.are.same({ { 2, 5 }, { 0, 0 } }, x:totable())
  end)

  it('reads NaNs of any bits as Lua NaNs', function()
    local x = T(3):fill(1)
    require('ffi').cast('uint32_t *', x:data())[1] = 0xffffffff
    local kinds = {}
    x:apply(function(v) kinds[#kinds + 1] = type(v); if v ~= v then return -7 end end)
    assert.are.same({ 'number', 'number', 'number' }, kinds)
    assert.are.same({ 1, -7, 1 }, x:totable())
  end)

  it('refuses bad arguments, bad returns and element counts that differ', function()
    local x = T(2, 2):fill(1)
    H.assert_error(function() x:apply(3) end, 'Tensor:apply', 'argument 1: expected a function, got number')
    H.assert_error(function() x:apply(function() return {} end) end, 'Tensor:apply', 'must return a number or nil, got table')
    H.assert_error(function() x:apply(function() return 'x' end) end, 'Tensor:apply', 'got string')
    H.assert_error(function() x:map(3, print) end, 'Tensor:map', 'argument 1: expected a tensor, got number')
    H.assert_error(function() x:map(x) end, 'Tensor:map', 'argument 2: expected a function, got nil')
    H.assert_error(function() x:map(T(3), print) end, 'Tensor:map', 'x has 4 elements (2x2) but argument 1 has 3 (3)')
    H.assert_error(function() x:map2(x, T(5), print) end, 'Tensor:map2', 'argument 2 has 5 (5)')
    H.assert_error(function() x:map2(x, x, 'f') end, 'Tensor:map2', 'argument 3: expected a function, got string')
  end)

  H.cuda_it('refuses CUDA tensors, saying so', function()
    local c = T(2, 2):fill(1):cuda()
    H.assert_error(function() c:apply(function() end) end, 'Tensor:apply', 'CUDA tensor: Lua callbacks run on CPU tensors only')
    H.assert_error(function() T(2, 2):map(c, print) end, 'Tensor:map', 'argument 1 is a CUDA tensor')
  end)
end)

describe('trunc, frac, log1p, rsqrt, cinv, lerp (Torch7)', function()
  it('trunc rounds toward zero, frac keeps the rest with the sign of x', function()
    local x = T({ 2.5, -2.5, 0.75, -0.75, 3, -0 })
    assert.are.same({ 2, -2, 0, -0, 3, -0 }, stn.trunc(x):totable())
    assert.are.same({ 0.5, -0.5, 0.75, -0.75, 0, 0 }, stn.frac(x):totable())
    assert.are.equal(x, x:trunc())
    assert.are.same({ 2, -2, 0, -0, 3, -0 }, x:totable())
    assert.is_true(stn.frac(T({ math.huge }))[1] ~= stn.frac(T({ math.huge }))[1]) -- inf - inf: NaN
    assert.are.equal(-3, stn.trunc(-3.9))
    assert.are.equal(-0.5, stn.frac(-2.5))
  end)

  it('log1p is log(1 + x), exact for tiny x where log(1 + x) is not', function()
    local x = T({ 0, math.exp(1) - 1, -0.5, 1e-10, -1 })
    local r = stn.log1p(x):totable()
    assert.are.equal(0, r[1])
    H.assert_near(r[2], 1, 1e-6)
    H.assert_near(r[3], math.log(0.5), 1e-6)
    H.assert_near(r[4], 1e-10, 1e-16) -- float(1e-10): log(1 + x) in float would give 0
    assert.are.equal(-math.huge, r[5])
    H.assert_near(stn.log1p(1e-10), 1e-10 - 0.5e-20, 1e-25) -- x - x^2 / 2
    H.assert_near(stn.log1p(1), math.log(2), 1e-15)
  end)

  it('rsqrt is 1 / sqrt(x), cinv is 1 / x (in place, into a result, functional)', function()
    assert.are.same({ 0.5, 1, 0.25, math.huge }, stn.rsqrt(T({ 4, 1, 16, 0 })):totable())
    assert.is_true(stn.rsqrt(T({ -1 }))[1] ~= stn.rsqrt(T({ -1 }))[1])
    assert.are.same({ 0.5, -4, math.huge, -math.huge }, stn.cinv(T({ 2, -0.25, 0, -0 })):totable())
    local r = T()
    assert.are.equal(r, stn.cinv(r, T({ 8 })))
    assert.are.same({ 0.125 }, r:totable())
    local x = T({ 4 })
    x:rsqrt()
    assert.are.same({ 0.5 }, x:totable())
    assert.are.equal(0.5, stn.rsqrt(4))
  end)

  it('lerp(a, b, w) is a + w * (b - a) in float, as Torch7', function()
    local a, b = T({ 1, 2, -4 }), T({ 3, 2, 4 })
    assert.are.same({ 1.5, 2, -2 }, stn.lerp(a, b, 0.25):totable())
    local r = T()
    assert.are.equal(r, stn.lerp(r, a, b, 1))
    assert.are.same({ 3, 2, 4 }, r:totable())
    assert.are.equal(a, a:lerp(b, 0.5))
    assert.are.same({ 2, 2, 0 }, a:totable())
    -- float arithmetic: 0.1 + 0.3 * (0.7 - 0.1) rounded at each step
    local f = function(v) return (require('ffi').new('float[1]', v))[0] end
    local fa, fb, fw = f(0.1), f(0.7), f(0.3)
    local want = f(fa + f(fw * f(fb - fa)))
    assert.are.equal(want, stn.lerp(T({ 0.1 }), T({ 0.7 }), 0.3)[1])
    assert.are.equal(2.5, stn.lerp(1, 3, 0.75))
    -- b paired with a in row-major order (Torch7: the same element count)
    assert.are.same({ { 0.5, 1 }, { 1.5, 2 } }, stn.lerp(T(2, 2):zero(), T({ 1, 2, 3, 4 }), 0.5):totable())
    H.assert_error(function() a:lerp(T(4), 0.5) end, 'Tensor:lerp', '4 elements')
    H.assert_error(function() a:lerp(b) end, 'Tensor:lerp', 'argument 3: expected a number')
    H.assert_error(function() a:lerp(0.5, b) end, 'Tensor:lerp', 'argument 2: expected a tensor')
    H.assert_error(function() stn.lerp(a, b) end, 'lerp', 'expected')
  end)

  it('refuse arguments that are no tensors', function()
    for _, name in ipairs { 'trunc', 'frac', 'log1p', 'rsqrt', 'cinv' } do
      H.assert_error(function() T(2)[name](T(2), 'x') end, 'Tensor:' .. name, 'expected a tensor')
    end
  end)

  H.cuda_it('run on CUDA tensors with the CPU\'s values', function()
    local x = T({ 2.5, -2.5, 4, 0.25 })
    local c = x:cuda()
    for _, name in ipairs { 'trunc', 'frac', 'rsqrt', 'cinv' } do
      assert.are.same(stn[name](x):totable(), stn[name](c):float():totable())
    end
    assert.are.same(stn.lerp(x, x:clone():mul(3), 0.3):totable(), stn.lerp(c, c:clone():mul(3), 0.3):float():totable())
  end)
end)

describe('unfold (Torch7)', function()
  it('views every window of size along a dim, step apart, as a new last dim', function()
    local x = stn.range(1, 7)
    local u = x:unfold(1, 3, 2)
    assert.are.same({ 3, 3 }, u:size():totable())
    assert.are.same({ { 1, 2, 3 }, { 3, 4, 5 }, { 5, 6, 7 } }, u:totable())
    assert.are.same({ 2, 1 }, u:stride():totable())
    u[2][1] = 30 -- a view: x changes too
    assert.are.equal(30, x[3])
    local m = T({ { 1, 2, 3, 4 }, { 5, 6, 7, 8 } })
    assert.are.same({ { { 1, 2 }, { 3, 4 } }, { { 5, 6 }, { 7, 8 } } }, m:unfold(2, 2, 2):totable())
    assert.are.same({ { { 1, 5 }, { 2, 6 }, { 3, 7 }, { 4, 8 } } }, m:unfold(1, 2, 1):totable())
    assert.are.same({ 2, 1, 2 }, m:unfold(2, 2, 3):size():totable()) -- (4 - 2) / 3 + 1: one window
    assert.are.same({ 1, 2, 4 }, m:t():unfold(1, 4, 1):size():totable())
    assert.are.same({ 2, 5, 0 }, m:unfold(2, 0, 1):size():totable())
  end)

  it('refuses what Torch7 refuses, and fractional or NaN arguments', function()
    local m = T(2, 4)
    H.assert_error(function() T():unfold(1, 1, 1) end, 'Tensor:unfold', 'cannot unfold an empty tensor')
    H.assert_error(function() m:unfold(3, 1, 1) end, 'Tensor:unfold', 'dimension 3 out of range')
    H.assert_error(function() m:unfold(0 / 0, 1, 1) end, 'Tensor:unfold', 'out of range')
    H.assert_error(function() m:unfold(2, 5, 1) end, 'Tensor:unfold', 'size 5 out of range')
    H.assert_error(function() m:unfold(2, 1.5, 1) end, 'Tensor:unfold', 'size 1.5 out of range')
    H.assert_error(function() m:unfold(2, 2, 0) end, 'Tensor:unfold', 'step must be a whole number of at least 1, got 0')
    H.assert_error(function() T(1, 1, 1, 1, 1, 1, 1, 1):unfold(1, 1, 1) end, 'Tensor:unfold', 'at most 8 supported')
  end)
end)

describe('permute, reshape and x % n (Torch7)', function()
  local function cube() -- 2x3x4, element (i, j, k) = 100i + 10j + k
    local x = T(2, 3, 4)
    for i = 1, 2 do for j = 1, 3 do for k = 1, 4 do x[i][j][k] = 100 * i + 10 * j + k end end end
    return x
  end

  it('permute: a view whose dim k is dim dk of x, sharing its storage', function()
    local x = cube()
    local p = x:permute(3, 1, 2)
    assert.are.same({ 4, 2, 3 }, p:size():totable())
    assert.are.same({ 1, 12, 4 }, p:stride():totable())
    assert.are.equal(231, p[1][2][3])
    assert.are.equal(114, p[4][1][1])
    assert.is_true(p.mem == x.mem)
    p[2][2][1] = -7 -- x[2][1][2]
    assert.are.equal(-7, x[2][1][2])
    assert.are.same({ 2, 3, 4 }, x:size():totable()) -- x unchanged
    assert.are.same({ { 1, 3 }, { 2, 4 } }, T({ { 1, 2 }, { 3, 4 } }):permute(2, 1):totable())
    assert.are.same({ 3, 4, 2 }, stn.permute(x, 2, 3, 1):size():totable())
    assert.are.equal(x, x:permute(1, 2, 3)) -- Torch7 returns x itself for the identity
    local t = x:transpose(1, 3):narrow(2, 2, 2) -- a strided x: 4x2x2
    assert.are.same(t:permute(2, 3, 1):contiguous():totable(), t:permute(2, 3, 1):totable())
    assert.are.equal(t[3][1][2], t:permute(2, 3, 1)[1][2][3])
    local e = T()
    assert.are.equal(e, e:permute()) -- an empty tensor takes no dims
  end)

  it('permute refuses a dim twice, missing or extra dims, and dims out of range', function()
    local x = cube()
    H.assert_error(function() x:permute(1, 1, 2) end, 'stn: Tensor:permute', 'dim 1 given twice (arguments 1 and 2)')
    H.assert_error(function() x:permute(2, 1) end, 'stn: Tensor:permute', '2 dims given for a 3-D tensor (2x3x4)')
    H.assert_error(function() x:permute(1, 2, 3, 4) end, 'stn: Tensor:permute', '4 dims given for a 3-D tensor')
    H.assert_error(function() x:permute(0, 1, 2) end, 'stn: Tensor:permute', 'argument 1: expected a dim from 1 to 3, got 0')
    H.assert_error(function() x:permute(1, 2, 4) end, 'argument 3: expected a dim from 1 to 3, got 4')
    H.assert_error(function() x:permute(1, 0 / 0, 2) end, 'argument 2: expected a dim from 1 to 3, got nan')
    H.assert_error(function() x:permute(1, 2.5, 3) end, 'argument 2: expected a dim from 1 to 3, got 2.5')
    H.assert_error(function() T({ 1, 2 }):permute({ 1 }) end, 'argument 1: expected a dim from 1 to 1, got table')
  end)

  it('reshape: a new tensor of the sizes holding x\'s elements in row-major order', function()
    local x = T({ { 1, 2, 3 }, { 4, 5, 6 } })
    local r = x:reshape(3, 2)
    assert.are.same({ { 1, 2 }, { 3, 4 }, { 5, 6 } }, r:totable())
    assert.is_false(r.mem == x.mem) -- a copy, as Torch7's resize + copy, even of a contiguous x
    r[1][1] = 9
    assert.are.equal(1, x[1][1])
    assert.are.same({ 1, 4, 2, 5, 3, 6 }, x:t():reshape(6):totable()) -- a transposed x, row-major
    assert.are.same({ { { 1, 2, 3 } }, { { 4, 5, 6 } } }, x:reshape(stn.Size.new { 2, 1, 3 }):totable())
    assert.are.same({ { 1, 2, 3, 4, 5, 6 } }, x:reshape({ 1, 6 }):totable())
    assert.are.same({ { 1, 2 }, { 3, 4 }, { 5, 6 } }, stn.reshape(x, 3, 2):totable())
    local into = T(7)
    assert.are.equal(into, stn.reshape(into, x, 2, 3))
    assert.are.same(x:totable(), into:totable())
    local res = T()
    assert.are.equal(res, res:reshape(x:t(), 3, 2))
    assert.are.same({ { 1, 4 }, { 2, 5 }, { 3, 6 } }, res:totable())
    assert.are.equal(x, stn.reshape(x, x, 6)) -- into x itself: read before it is rewritten
    assert.are.same({ 1, 2, 3, 4, 5, 6 }, x:totable())
    assert.are.same({ 0, 3 }, T(3, 0):reshape(0, 3):size():totable())
  end)

  it('reshape refuses another element count, bad sizes and mixed arguments', function()
    local x = T(2, 3)
    H.assert_error(function() x:reshape(4) end, 'stn: Tensor:reshape', 'sizes 4 hold 4 elements but the tensor (2x3) has 6')
    H.assert_error(function() x:reshape(2, 2, 2) end, 'sizes 2x2x2 hold 8 elements but the tensor (2x3) has 6')
    H.assert_error(function() x:reshape() end, 'sizes (none) hold 0 elements')
    H.assert_error(function() x:reshape(2, -3) end, 'stn: Tensor:reshape', 'size 2 must be a non-negative integer, got -3')
    H.assert_error(function() x:reshape(6.5) end, 'stn: Tensor:reshape', 'size 1 must be a non-negative integer, got 6.5')
    H.assert_error(function() x:reshape(0 / 0) end, 'stn: Tensor:reshape', 'size 1 must be a non-negative integer')
    H.assert_error(function() stn.reshape(x, 'a') end, 'stn: reshape', 'expected ([res,] tensor, sizes...)')
  end)

  it('x % n is Torch7\'s remainder (the sign of n) into a new tensor; x is unchanged', function()
    local x = T({ { -5.5, 7 }, { 3, -1 } })
    assert.are.same({ { 0.5, 1 }, { 1, 1 } }, (x % 2):totable())
    assert.are.same({ { -1.5, -1 }, { -1, -1 } }, (x % -2):totable())
    assert.are.same({ { 0.5, 1 }, { 1, 1 } }, (x:t() % 2):t():totable()) -- a strided x
    assert.are.same({ { -5.5, 7 }, { 3, -1 } }, x:totable())
    local z = x % 0
    assert.is_true(z[1][1] ~= z[1][1] and z[2][2] ~= z[2][2]) -- NaN, as Torch7's remainder
    assert.is_false((x % 2).mem == x.mem)
    H.assert_error(function() local y = x % x; return y end, 'stn: Tensor %', 'takes a number n, got a tensor', 'cremainder')
    H.assert_error(function() local y = 2 % x; return y end, 'stn: Tensor %', 'n % x is not defined')
    H.assert_error(function() local y = x % 'a'; return y end, 'stn: Tensor %', 'got a string')
  end)
end)
