-- Element-wise ops, comparisons, fills and random fills on every element type, with
-- Torch7's rules: Double computes in double (exact where Float rounds), the integer
-- types take the ops Torch7 defines on them with C's integer arithmetic, comparisons
-- give ByteTensors, mixed types and unsupported op/type pairs are refused by name, and
-- the functional forms make results of the right type.
local H = require 'helpers'
local stn = H.stn

local D, L, I, B, F = stn.DoubleTensor, stn.LongTensor, stn.IntTensor, stn.ByteTensor, stn.FloatTensor
local C, S = stn.CharTensor, stn.ShortTensor
local INTEGER = { { 'Long', L }, { 'Int', I }, { 'Byte', B }, { 'Char', C }, { 'Short', S } }
local SIGNED = { { 'Long', L }, { 'Int', I }, { 'Char', C }, { 'Short', S } }

describe('Double element-wise ops', function()
  it('compute in double: 0.1 + 0.2 is Lua\'s, where Float rounds', function()
    assert.are.equal(0.1 + 0.2, D({ 0.1 }):add(0.2)[1])
    assert.are.equal(0.1 + 0.2, D():add(D({ 0.1 }), D({ 0.2 }))[1])
    assert.are_not.equal(0.1 + 0.2, F({ 0.1 }):add(0.2)[1])
    assert.are.equal(0.1 * 3, D({ 0.1 }):mul(3)[1])
    assert.are.equal(1 / 3, D({ 1 }):div(3)[1])
    assert.are.equal('torch.DoubleTensor', D({ 1 }):add(1):type())
  end)

  it('one-argument functions equal Lua\'s math in double', function()
    local v = { 0.3, 0.7, -0.45 }
    local fns = { abs = math.abs, exp = math.exp, tanh = math.tanh, floor = math.floor, ceil = math.ceil,
      sin = math.sin, cos = math.cos, tan = math.tan, asin = math.asin, acos = math.acos, atan = math.atan,
      sinh = math.sinh, cosh = math.cosh }
    for name, f in pairs(fns) do
      local r = D(v)[name](D(v))
      assert.are.equal('torch.DoubleTensor', r:type())
      for i = 1, 3 do assert.are.equal(f(v[i]), r[i], name) end
    end
    local p = { 0.3, 2, 9 }
    local s, l = D(p):sqrt(), D(p):log()
    for i = 1, 3 do
      assert.are.equal(math.sqrt(p[i]), s[i]); assert.are.equal(math.log(p[i]), l[i])
      assert.are.equal(1 / p[i], D(p):cinv()[i]); assert.are.equal(1 / math.sqrt(p[i]), D(p):rsqrt()[i])
      assert.are.equal(p[i] ^ 3, D(p):pow(3)[i]); assert.are.equal(2 ^ p[i], D():pow(2, D(p))[i])
      assert.are.equal(1 / (1 + math.exp(-p[i])), D(p):sigmoid()[i])
    end
    assert.are.same({ 3, -3, 2 }, D({ 2.5, -2.5, 2.4 }):round():totable())
    assert.are.same({ 2, -2 }, D({ 2.7, -2.7 }):trunc():totable())
    assert.are.equal(2.7 - 2, D({ 2.7 }):frac()[1])
    assert.are.same({ -1, 0, 1 }, D({ -3, 0, 0.1 }):sign():totable())
    assert.are.same({ -0.1 }, D({ 0.1 }):neg():totable())
  end)

  it('numbers and tensors: fmod, remainder, clamp, cmax, cmin, cpow, atan2, lerp, addcmul, addcdiv', function()
    assert.are.same({ -1, 1 }, D({ -7, 7 }):fmod(3):totable())
    assert.are.same({ 2, 1 }, D({ -7, 7 }):remainder(3):totable())
    assert.is_true(D({ 1 }):remainder(0)[1] ~= D({ 1 }):remainder(0)[1]) -- NaN
    assert.are.same({ 0.25, 0.5, 0.75 }, D({ 0.1, 0.5, 0.9 }):clamp(0.25, 0.75):totable())
    assert.are.same({ 0.5, 0.7 }, D({ 0.1, 0.7 }):cmax(0.5):totable())
    assert.are.same({ 0.1, 0.5 }, D({ 0.1, 0.7 }):cmin(0.5):totable())
    assert.are.equal(0.3 ^ 0.7, D({ 0.3 }):cpow(D({ 0.7 }))[1])
    assert.are.equal(math.atan2(0.3, -0.7), D({ 0.3 }):atan2(D({ -0.7 }))[1])
    assert.are.equal(0.1 + 0.3 * (0.7 - 0.1), D({ 0.1 }):lerp(D({ 0.7 }), 0.3)[1])
    assert.are.equal(0.1 + 0.3 * 0.7 * 0.9, D({ 0.1 }):addcmul(0.3, D({ 0.7 }), D({ 0.9 }))[1])
    assert.are.equal(0.1 + 0.3 * 0.7 / 0.9, D({ 0.1 }):addcdiv(0.3, D({ 0.7 }), D({ 0.9 }))[1])
    assert.are.equal(0.7 * 0.9, D({ 0.7 }):cmul(D({ 0.9 }))[1])
    assert.are.equal(0.7 / 0.9, D({ 0.7 }):cdiv(D({ 0.9 }))[1])
    assert.are.equal(0.7 - 2 * 0.9, D({ 0.7 }):csub(2, D({ 0.9 }))[1])
  end)
end)

describe('integer element-wise ops (Torch7: C integer arithmetic)', function()
  it('fill, zero, add, csub, mul, div by a number keep the type; division truncates toward zero', function()
    for _, c in ipairs(SIGNED) do
      local name, T = c[1], c[2]
      local x = T({ 7, -7, 3 })
      assert.are.equal('torch.' .. name .. 'Tensor', x:clone():add(1):type())
      assert.are.same({ 3, -3, 1 }, x:clone():div(2):totable())
      assert.are.same({ 8, -6, 4 }, x:clone():add(1):totable())
      assert.are.same({ 5, -9, 1 }, x:clone():csub(2):totable())
      assert.are.same({ 14, -14, 6 }, x:clone():mul(2):totable())
      assert.are.same({ 9, 9, 9 }, x:clone():fill(9):totable())
      assert.are.same({ 0, 0, 0 }, x:clone():zero():totable())
      assert.are.same({ 3, -3, 1 }, x:clone():div(2.9):totable(), 'a number is truncated to the type, as Torch7')
    end
    assert.are.same({ 3, 127 }, B({ 7, 255 }):div(2):totable())
    assert.are.same({ 4 }, B({ 250 }):add(B({ 10 })):totable(), 'Byte arithmetic wraps, as Torch7\'s')
    assert.are.same({ 255, 0, 17 }, B(3):fill(255):add(B({ 0, 1, 18 })):totable())
    -- a negative term or factor on Byte wraps as Torch7's conversion does: the ring result
    assert.are.same({ 4, 0 }, B({ 5, 1 }):csub(1):totable())
    assert.are.same({ 4, 0 }, B({ 5, 1 }):add(-1):totable())
    assert.are.same({ 251, 0 }, B({ 5, 0 }):mul(-1):totable())
    assert.are.same({ 3 }, B():add(B({ 5 }), -1, B({ 2 })):totable())
    assert.are.same({ 3 }, (B({ 4 }) - 1):totable())
  end)

  it('Char and Short wrap around at their bounds, as Torch7\'s int8 and int16', function()
    assert.are.same({ -128, 127 }, C({ 127, -128 }):add(C({ 1, -1 })):totable())
    assert.are.same({ -128 }, C({ 127 }):add(1):totable())
    assert.are.same({ 127 }, C({ -128 }):csub(1):totable())
    assert.are.same({ -56, 44 }, C({ 100, 100 }):cmul(C({ 2, 3 })):totable())
    assert.are.same({ -128, 0 }, C({ -128, 127 }):div(-1):add(C({ 0, 127 })):totable()) -- -(-128) wraps to -128
    assert.are.same({ -128, 1 }, C({ -128, -1 }):abs():totable())
    assert.are.same({ -128 }, C({ -128 }):neg():totable())
    assert.are.same({ -1, -128 }, { C(1):fill(255)[1], C(1):fill(128)[1] })
    assert.are.same({ -32768, 32767 }, S({ 32767, -32768 }):add(S({ 1, -1 })):totable())
    assert.are.same({ -32768 }, S({ 32767 }):add(1):totable())
    assert.are.same({ 32767 }, S({ -32768 }):csub(1):totable())
    assert.are.same({ -25536, 24464 }, S({ 200, 300 }):cmul(S({ 200, 300 })):totable())
    assert.are.same({ -32768 }, S({ -32768 }):div(-1):totable())
    assert.are.same({ -32768, -1 }, { S(1):fill(32768)[1], S(1):fill(65535)[1] })
    assert.are.same({ 3, -3, 1 }, S({ 7, -7, 3 }):div(2):totable())
    assert.are.same({ 49, -125 }, C():cpow(C({ 7, -5 }), C({ 2, 3 })):totable())
    H.assert_error(function() C():cpow(C({ 7 }), C({ 3 })) end, 'Tensor:cpow')
  end)

  it('tensor ops: add, cmul, cdiv, cpow, cmax, cmin, fmod, remainder, addcmul, addcdiv', function()
    for _, c in ipairs(SIGNED) do
      local name, T = c[1], c[2]
      local x, y = T({ 7, -7, 9 }), T({ 2, 3, -4 })
      assert.are.same({ 9, -4, 5 }, T():add(x, y):totable())
      assert.are.same({ 11, -1, 1 }, T():add(x, 2, y):totable())
      assert.are.same({ 14, -21, -36 }, T():cmul(x, y):totable())
      assert.are.same({ 3, -2, -2 }, T():cdiv(x, y):totable())
      assert.are.same({ 1, -1, 1 }, T():cfmod(x, y):totable())
      assert.are.same({ 1, 2, -3 }, T():cremainder(x, y):totable())
      assert.are.same({ 1, -1, 1 }, x:clone():fmod(2):totable())
      assert.are.same({ 1, 1, 1 }, x:clone():remainder(2):totable())
      assert.are.same({ 7, 3, 9 }, T():cmax(x, y):totable())
      assert.are.same({ 2, -7, -4 }, T():cmin(x, y):totable())
      assert.are.same({ 7, 0, 9 }, x:clone():cmax(0):totable())
      if name ~= 'Char' then assert.are.same({ 49, -343, 0 }, T():cpow(x, T({ 2, 3, -1 })):totable()) end
      assert.are.same({ 7 + 2 * 2 * 2, -7 + 2 * 3 * 3, 9 + 2 * -4 * -4 }, T():addcmul(x, 2, y, y):totable())
      assert.are.same({ 8, -6, 10 }, T():addcdiv(x, 1, y, y):totable())
      assert.are.same({ 7, -7, 9 }, T():addcdiv(x, 1, T({ 1, 1, 1 }), T({ 2, 2, 2 })):totable(), '1 / 2 truncates to 0')
    end
    local b = B({ 7, 0, 200 })
    assert.are.same({ 14, 0, 144 }, B():cmul(b, B({ 2, 9, 2 })):totable())
    assert.are.same({ 1, 0, 0 }, B():cremainder(b, B({ 3, 3, 8 })):totable())
    assert.are.same({ 7, 5, 200 }, b:clone():clamp(5, 250):totable())
    assert.are.same({ 1, 0, 1 }, b:clone():sign():totable())
  end)

  it('abs and neg on Long and Int, sign and clamp on every integer type', function()
    for _, c in ipairs(SIGNED) do
      local T = c[2]
      assert.are.same({ 3, 0, 5 }, T({ -3, 0, 5 }):abs():totable())
      assert.are.same({ 3, 0, -5 }, T({ -3, 0, 5 }):neg():totable())
      assert.are.same({ -1, 0, 1 }, T({ -3, 0, 5 }):sign():totable())
      assert.are.same({ -2, 0, 2 }, T({ -3, 0, 5 }):clamp(-2, 2):totable())
    end
  end)

  it('refuse the ops Torch7 has for floating types only, naming the op and the type', function()
    for _, c in ipairs(INTEGER) do
      local name, T = c[1], c[2]
      local x = T({ 1, 2 })
      for _, op in ipairs { 'exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'sin', 'floor', 'ceil', 'round', 'trunc', 'frac',
        'cinv', 'rsqrt', 'log1p' } do
        H.assert_error(function() x[op](x) end, 'Tensor:' .. op, op .. ' is not defined on ' .. name .. ' tensors')
      end
      H.assert_error(function() x:pow(2) end, 'Tensor:pow', 'pow is not defined on ' .. name .. ' tensors')
      H.assert_error(function() x:atan2(x) end, 'Tensor:atan2', 'atan2 is not defined on ' .. name .. ' tensors')
      H.assert_error(function() x:lerp(x, 0.5) end, 'Tensor:lerp', 'lerp is not defined on ' .. name .. ' tensors')
    end
    H.assert_error(function() B({ 1 }):abs() end, 'Tensor:abs', 'abs is not defined on Byte tensors')
    H.assert_error(function() B({ 1 }):neg() end, 'Tensor:neg', 'neg is not defined on Byte tensors')
  end)

  it('refuse a division by zero and a number the type does not hold', function()
    for _, c in ipairs(INTEGER) do
      local name, T = c[1], c[2]
      H.assert_error(function() T({ 1 }):div(0) end, 'Tensor:div', 'integer division by zero (' .. name .. ' tensor)')
      H.assert_error(function() T({ 1 }):fmod(0) end, 'Tensor:fmod', 'division by zero')
      H.assert_error(function() T():cdiv(T({ 1, 2 }), T({ 1, 0 })) end, 'Tensor:cdiv', 'division by zero')
      H.assert_error(function() T():cremainder(T({ 1 }), T({ 0 })) end, 'Tensor:cremainder', 'division by zero')
      H.assert_error(function() T(1):fill(1e30) end, 'Tensor:fill', 'does not fit a ' .. name .. ' tensor')
    end
    H.assert_error(function() B({ 1 }):div(-1) end, 'Tensor:div', 'the number -1 does not fit a Byte tensor (0 to 255)')
    H.assert_error(function() B({ 1 }):gt(-1) end, 'Tensor:gt', 'the number -1 does not fit a Byte tensor')
    H.assert_error(function() C({ 1 }):div(128) end, 'Tensor:div', 'the number 128 does not fit a Char tensor (-128 to 127)')
    H.assert_error(function() S({ 1 }):gt(-32769) end, 'Tensor:gt', 'the number -32769 does not fit a Short tensor (-32768 to 32767)')
    -- a fill value wraps as every value converted to an integer type (Torch7 too)
    assert.are.same({ 0 }, B(1):fill(256):totable())
    assert.are.same({ 255 }, B(1):fill(-1):totable())
    assert.are.same({ -2 ^ 31 }, I(1):fill(2 ^ 31):totable())
  end)
end)

describe('mixed element types', function()
  it('are refused by name, as Torch7 refuses x:add(y) with y of another type', function()
    H.assert_error(function() F({ 1 }):add(D({ 1 })) end, 'Tensor:add', 'a is a Float tensor but b is a Double tensor')
    H.assert_error(function() L({ 1 }):cmul(I({ 1 })) end, 'Tensor:cmul', 'a is a Long tensor but b is a Int tensor')
    H.assert_error(function() D({ 1 }):addcmul(D({ 1 }), F({ 1 })) end, 'Tensor:addcmul', 'Double tensor but c is a Float')
    H.assert_error(function() F():add(D({ 1 }), 1) end, 'Tensor:add', 'the result is a Float tensor but the input a Double one')
    H.assert_error(function() D({ 1 }):gt(F({ 1 })) end, 'Tensor:gt', 'a is a Double tensor but b is a Float tensor')
  end)
end)

describe('comparisons (Torch7: ByteTensor results)', function()
  local types = { { 'Float', F }, { 'Double', D }, { 'Long', L }, { 'Int', I }, { 'Byte', B }, { 'Char', C },
    { 'Short', S } }
  it('x:gt(v | y) and the others give a new ByteTensor on every type', function()
    for _, c in ipairs(types) do
      local T = c[2]
      local x, y = T({ 1, 2, 3 }), T({ 3, 2, 1 })
      local checks = { { 'eq', 2, { 0, 1, 0 }, { 0, 1, 0 } }, { 'ne', 2, { 1, 0, 1 }, { 1, 0, 1 } },
        { 'gt', 2, { 0, 0, 1 }, { 0, 0, 1 } }, { 'lt', 2, { 1, 0, 0 }, { 1, 0, 0 } },
        { 'ge', 2, { 0, 1, 1 }, { 0, 1, 1 } }, { 'le', 2, { 1, 1, 0 }, { 1, 1, 0 } } }
      for _, k in ipairs(checks) do
        local m = x[k[1]](x, k[2])
        assert.are.equal('torch.ByteTensor', m:type(), c[1] .. ' ' .. k[1])
        assert.are.same(k[3], m:totable())
        local t = x[k[1]](x, y)
        assert.are.equal('torch.ByteTensor', t:type())
        assert.are.same(k[4], t:totable())
      end
      assert.are.same({ 1, 2, 3 }, x:totable())
    end
  end)

  it('res:gt(x, y) takes res as a ByteTensor or of x\'s type, and refuses another', function()
    local x = D({ 0.1, 0.2 })
    local rb, rd = B(), D()
    rb:gt(x, 0.15); rd:gt(x, D({ 0.2, 0.1 }))
    assert.are.same({ 0, 1 }, rb:totable())
    assert.are.same({ 0, 1 }, rd:totable())
    assert.are.equal('torch.DoubleTensor', rd:type())
    local rl = L()
    rl:le(L({ 5, 6 }), 5)
    assert.are.same({ 1, 0 }, rl:totable())
    H.assert_error(function() F():gt(x, 0) end, 'Tensor:gt', 'writes a Byte or a Double result, not a Float one')
  end)

  it('a Double comparison sees what Float rounds away', function()
    assert.are.same({ 0 }, D({ 0.1 }):eq(0.1 + 1e-12):totable())
    assert.are.same({ 1 }, F({ 0.1 }):eq(0.1 + 1e-12):totable())
  end)

  it('stn.gt(x, y) and the other functional forms give a ByteTensor, or write res', function()
    assert.are.equal('torch.ByteTensor', stn.gt(L({ 1, 2 }), 1):type())
    assert.are.equal('torch.ByteTensor', stn.eq(D({ 1 }), D({ 1 })):type())
    local r = L()
    assert.are.equal(r, stn.lt(r, L({ 1, 2 }), 2))
    assert.are.same({ 1, 0 }, r:totable())
  end)

  it('x:equal(y) on every type', function()
    for _, c in ipairs(types) do
      assert.is_true(c[2]({ 1, 2 }):equal(c[2]({ 1, 2 })))
      assert.is_false(c[2]({ 1, 2 }):equal(c[2]({ 1, 3 })))
    end
  end)

  H.cuda_it('on CUDA: a CudaByteTensor from float tensors, as on the CPU', function()
    local x = F({ 1, 2, 3 }):cuda()
    local m = x:gt(1.5)
    assert.are.equal('torch.CudaByteTensor', m:type())
    assert.are.same({ 0, 1, 1 }, m:byte():totable())
    assert.are.same({ 1, 0, 0 }, x:lt(F({ 2, 2, 2 }):cuda()):byte():totable())
  end)
end)

describe('fill on every type', function()
  it('fill and zero keep the type, CPU', function()
    for _, c in ipairs { { 'Double', D, 0.1 }, { 'Long', L, -5 }, { 'Int', I, 7 }, { 'Byte', B, 200 },
                         { 'Char', C, -128 }, { 'Short', S, 32767 } } do
      local x = c[2](3):fill(c[3])
      assert.are.equal('torch.' .. c[1] .. 'Tensor', x:type())
      assert.are.same({ c[3], c[3], c[3] }, x:totable())
      assert.are.same({ 0, 0, 0 }, x:zero():totable())
    end
  end)

  H.cuda_it('fill of a CudaLongTensor and a CudaByteTensor (typed fill kernel)', function()
    assert.are.same({ -5, -5 }, L(2):cudaLong():fill(-5):long():totable())
    assert.are.same({ 200, 200 }, B(2):cudaByte():fill(200):byte():totable())
    assert.are.same({ 0.1, 0.1 }, D(2):cudaDouble():fill(0.1):double():totable())
    assert.are.same({ -128, -128 }, C(2):cudaChar():fill(-128):char():totable())
    assert.are.same({ -32768, -32768 }, S(2):cudaShort():fill(32768):short():totable())
  end)
end)

describe('random fills on every type', function()
  it('Double draws the Float stream in double: uniform equal to within float rounding, U(0, 1) exactly', function()
    stn.manualSeed(7); local d = D(1000):uniform()
    stn.manualSeed(7); local f = F(1000):uniform()
    H.assert_equal(d:float(), f)
    stn.manualSeed(7); d = D(1000):uniform(-2, 3)
    stn.manualSeed(7); f = F(1000):uniform(-2, 3)
    H.assert_close(d, f, 1e-6)
    stn.manualSeed(7); d = D(1000):normal(1, 2)
    stn.manualSeed(7); f = F(1000):normal(1, 2)
    H.assert_close(d, f, 1e-5)
    assert.are.equal('torch.DoubleTensor', d:type())
    for _, name in ipairs { 'logNormal', 'exponential', 'cauchy' } do
      stn.manualSeed(9); d = D(500)[name](D(500))
      stn.manualSeed(9); f = F(500)[name](F(500))
      H.assert_close(d, f, 1e-4, name)
    end
  end)

  it('Double keeps the parameters in double: uniform(a, a) holds a exactly', function()
    assert.are.same({ 0.1, 0.1 }, D(2):uniform(0.1, 0.1):totable())
    assert.are.same({ 0.1, 0.1 }, D(2):normal(0.1, 0):totable())
  end)

  it('random, bernoulli and geometric draw the same integers on every type', function()
    for _, c in ipairs { { 'Double', D }, { 'Long', L }, { 'Int', I }, { 'Byte', B }, { 'Char', C }, { 'Short', S } } do
      local T = c[2]
      stn.manualSeed(3); local x = T(500):random(1, 6)
      stn.manualSeed(3); local f = F(500):random(1, 6)
      assert.are.equal('torch.' .. c[1] .. 'Tensor', x:type())
      H.assert_equal(x:float(), f, c[1] .. ' random')
      stn.manualSeed(4); x = T(500):bernoulli(0.3)
      stn.manualSeed(4); f = F(500):bernoulli(0.3)
      H.assert_equal(x:float(), f, c[1] .. ' bernoulli')
      stn.manualSeed(5); x = T(500):geometric(0.5)
      stn.manualSeed(5); f = F(500):geometric(0.5)
      H.assert_equal(x:float(), f, c[1] .. ' geometric')
    end
  end)

  it('random() covers Torch7\'s range of each type', function()
    local b = B(2000):random()
    assert.is_true(b:float():max() > 200 and b:float():min() < 50)
    local l = L(100):random()
    local big = 0
    for i = 1, 100 do
      assert.is_true(l[i] >= 0)
      if l[i] > 2 ^ 60 then big = big + 1 end
    end
    assert.is_true(big > 50, 'LongTensor random() reaches 2^63 - 1')
    local i32 = I(100):random()
    for k = 1, 100 do assert.is_true(i32[k] >= 0 and i32[k] <= 2 ^ 31 - 1) end
    local d = D(100):random()
    for k = 1, 100 do assert.is_true(d[k] >= 0 and d[k] <= 2 ^ 53 and d[k] == math.floor(d[k])) end
    local c, s = C(2000):random():double(), S(2000):random():double()
    assert.is_true(c:max() <= 127 and c:max() > 100 and c:min() >= 0)
    assert.is_true(s:max() <= 32767 and s:max() > 30000 and s:min() >= 0)
  end)

  it('a ByteTensor mask from bernoulli with a Float or Double p', function()
    stn.manualSeed(11); local m = B(400):bernoulli(D(400):fill(0.25))
    stn.manualSeed(11); local f = F(400):bernoulli(0.25)
    assert.are.equal('torch.ByteTensor', m:type())
    H.assert_equal(m:float(), f)
    stn.manualSeed(11); local m2 = B(400):bernoulli(F(400):fill(0.25))
    H.assert_equal(m2:float(), f)
    H.assert_error(function() B(2):bernoulli(L(2)) end, 'Tensor:bernoulli', 'p must be a Float or Double tensor')
  end)

  it('refuse the continuous distributions on integer types, and bounds the type does not hold', function()
    for _, c in ipairs(INTEGER) do
      local x = c[2](3)
      for _, name in ipairs { 'uniform', 'normal', 'logNormal', 'exponential', 'cauchy' } do
        H.assert_error(function() x[name](x) end, 'Tensor:' .. name, c[1] .. ' tensors are not supported (Float and Double only)')
      end
    end
    H.assert_error(function() B(2):random(300) end, 'Tensor:random', 'b = 300 does not fit a torch.ByteTensor (0 to 255)')
    H.assert_error(function() I(2):random(-1, 2 ^ 31) end, 'Tensor:random', 'does not fit a torch.IntTensor')
    H.assert_error(function() B(200):geometric(0.999) end, 'Tensor:geometric', 'does not fit a Byte tensor')
    H.assert_error(function() C(2):random(-129, 0) end, 'Tensor:random', 'a = -129 does not fit a torch.CharTensor (-128 to 127)')
    H.assert_error(function() S(2):random(32768) end, 'Tensor:random', 'b = 32768 does not fit a torch.ShortTensor (-32768 to 32767)')
    assert.are.same({ -128, -128 }, C(2):random(-128, -128):totable())
  end)

  it('randperm fills any type with 1..n', function()
    for _, c in ipairs { { 'Double', D }, { 'Long', L }, { 'Int', I }, { 'Byte', B }, { 'Char', C }, { 'Short', S } } do
      stn.manualSeed(2); local p = c[2]():randperm(50)
      stn.manualSeed(2); local f = F():randperm(50)
      assert.are.equal('torch.' .. c[1] .. 'Tensor', p:type())
      H.assert_equal(p:float(), f)
    end
    H.assert_error(function() B():randperm(256) end, 'Tensor:randperm', 'n = 256 is above 255')
    H.assert_error(function() C():randperm(128) end, 'Tensor:randperm', 'n = 128 is above 127')
    H.assert_error(function() S():randperm(32768) end, 'Tensor:randperm', 'n = 32768 is above 32767')
  end)

  H.cuda_it('CUDA random fills refuse other types than float by name', function()
    H.assert_error(function() D(2):cudaDouble():uniform() end, 'Tensor:uniform', 'float tensors only')
    H.assert_error(function() L(2):cudaLong():random(1, 5) end, 'Tensor:random', 'float tensors only')
  end)
end)

describe('functional forms: the type of a result they make', function()
  local function with_default(name, f)
    local old = stn.getdefaulttensortype()
    stn.setdefaulttensortype(name)
    local ok, err = pcall(f)
    stn.setdefaulttensortype(old)
    if not ok then error(err, 0) end
  end

  it('from nothing: the default type', function()
    assert.are.equal('torch.FloatTensor', stn.zeros(2):type())
    with_default('torch.DoubleTensor', function()
      for _, t in ipairs { stn.zeros(2), stn.ones(2), stn.rand(2), stn.randn(2), stn.randperm(3) } do
        assert.are.equal('torch.DoubleTensor', t:type())
      end
      assert.are.same({ 1, 1 }, stn.ones(2):totable())
    end)
  end)

  it('from an input tensor: its type; into a given result: the result\'s type', function()
    assert.are.equal('torch.DoubleTensor', stn.add(D({ 1 }), 1):type())
    assert.are.equal('torch.LongTensor', stn.cmul(L({ 2 }), L({ 3 })):type())
    assert.are.equal('torch.DoubleTensor', stn.exp(D({ 0 })):type())
    assert.are.equal('torch.IntTensor', stn.clamp(I({ 5 }), 0, 2):type())
    local r = L()
    assert.are.equal(r, stn.add(r, L({ 1 }), 2))
    assert.are.same({ 3 }, r:totable())
    with_default('torch.DoubleTensor', function()
      assert.are.equal('torch.FloatTensor', stn.add(F({ 1 }), 1):type())
    end)
  end)
end)
