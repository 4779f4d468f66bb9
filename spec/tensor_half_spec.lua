-- The 16-bit float storage types: Half (IEEE binary16) and BFloat16. Conversions against
-- known bit patterns (rounding to nearest even, once; subnormals; overflow; Inf and NaN),
-- round trips with every type, element reads and writes, views, storages, files, and the
-- refusal of every op that does not take them.
local stn = require 'stn'
local ffi = require 'ffi'
local H = require 'helpers'

local C = require('stn.ffi').C
local HALF, BF16 = 7, 8

-- The raw bits of the one element of a 16-bit tensor.
local function bits(t) return t:contiguous():data()[0] end
local function half_bits(v) return bits(stn.DoubleTensor({ v }):half()) end
local function bf16_bits(v) return bits(stn.DoubleTensor({ v }):bfloat16()) end

describe('Half and BFloat16 conversions', function()
  it('Half: known bit patterns, ties to even, subnormals, overflow, Inf and NaN', function()
    local cases = {
      { 1, 0x3c00 }, { -2, 0xc000 }, { 0.5, 0x3800 }, { 65504, 0x7bff }, { -65504, 0xfbff },
      { 65519.99, 0x7bff }, { 65520, 0x7c00 }, { 1e6, 0x7c00 }, { -1e6, 0xfc00 },
      { 1 / 0, 0x7c00 }, { -1 / 0, 0xfc00 }, { 0, 0 }, { -0.0, 0x8000 },
      { 2 ^ -14, 0x0400 }, { 6.1e-5, 0x03ff }, { 2 ^ -24, 0x0001 }, { -2 ^ -24, 0x8001 },
      { 2 ^ -25, 0 }, { 1.5 * 2 ^ -25, 0x0001 }, { 3 * 2 ^ -25, 0x0002 }, { 2 ^ -26, 0 },
      { 2 ^ -14 - 2 ^ -25, 0x0400 }, -- the tie between the largest subnormal and 2^-14: even
      { 1 + 2 ^ -11, 0x3c00 }, { 1 + 3 * 2 ^ -11, 0x3c02 }, { 1 + 2 ^ -11 + 2 ^ -30, 0x3c01 },
      { 1 + 2 ^ -11 + 2 ^ -40, 0x3c01 }, -- once: through float this tie would round down
      { 1 / 3, 0x3555 }, { 0.1, 0x2e66 },
    }
    for _, c in ipairs(cases) do
      assert.are.equal(c[2], half_bits(c[1]), ('Half of %.17g'):format(c[1]))
      assert.are.equal(c[2], C.stn_half_bits(HALF, c[1]), ('stn_half_bits of %.17g'):format(c[1]))
    end
    local nan = half_bits(0 / 0)
    assert.is_true(nan % 0x8000 > 0x7c00, 'a NaN stays a NaN')
    local h = stn.HalfTensor({ 0 / 0 })
    assert.is_true(h[1] ~= h[1])
  end)

  it('BFloat16: known bit patterns, ties to even, subnormals, overflow, Inf and NaN', function()
    local cases = {
      { 1, 0x3f80 }, { -2, 0xc000 }, { 0.5, 0x3f00 }, { 3.3895313892515355e38, 0x7f7f },
      { 3.4028234663852886e38, 0x7f80 }, { 1 / 0, 0x7f80 }, { -1 / 0, 0xff80 }, { 0, 0 }, { -0.0, 0x8000 },
      { 1 + 2 ^ -8, 0x3f80 }, { 1 + 3 * 2 ^ -8, 0x3f82 }, { 1 + 2 ^ -8 + 2 ^ -40, 0x3f81 },
      { 2 ^ -133, 0x0001 }, { 2 ^ -134, 0 }, { 3 * 2 ^ -134, 0x0002 }, { 2 ^ -149, 0 },
      { 2 ^ -126, 0x0080 }, { 1 / 3, 0x3eab }, { 65504, 0x4780 }, { 1e30, 0x714a },
    }
    for _, c in ipairs(cases) do
      assert.are.equal(c[2], bf16_bits(c[1]), ('BFloat16 of %.17g'):format(c[1]))
      assert.are.equal(c[2], C.stn_half_bits(BF16, c[1]), ('stn_half_bits of %.17g'):format(c[1]))
    end
    assert.is_true(bf16_bits(0 / 0) % 0x8000 > 0x7f80, 'a NaN stays a NaN')
  end)

  -- Independent references in Lua (double arithmetic, exact for these values): a 16-bit
  -- format with `bits` significant bits, smallest normal exponent emin, largest emax.
  local function round_even(q)
    local fl = math.floor(q)
    local d = q - fl
    if d > 0.5 or (d == 0.5 and fl % 2 == 1) then fl = fl + 1 end
    return fl
  end
  local FORMATS = { Half = { bits = 11, emin = -14, emax = 15, ebias = 15 },
                    BFloat16 = { bits = 8, emin = -126, emax = 127, ebias = 127 } }
  local function reference_bits(v, f)
    local sign = (v < 0 or 1 / v < 0) and 0x8000 or 0
    local a = math.abs(v)
    local mbits = f.bits - 1
    local inf = (f.emax + f.ebias + 1) * 2 ^ mbits
    if a >= (2 - 2 ^ -f.bits) * 2 ^ f.emax then return sign + inf end
    if a < 2 ^ f.emin then return sign + round_even(a / 2 ^ (f.emin - mbits)) end -- (2^mbits: the least normal)
    local _, e = math.frexp(a)
    local E = e - 1
    local r = round_even(a / 2 ^ (E - mbits))
    if r == 2 ^ f.bits then E, r = E + 1, 2 ^ mbits end
    return sign + (E + f.ebias) * 2 ^ mbits + (r - 2 ^ mbits)
  end
  local function reference_value(b, f)
    local mbits = f.bits - 1
    local sign = b >= 0x8000 and -1 or 1
    local e, m = math.floor((b % 0x8000) / 2 ^ mbits), b % 2 ^ mbits
    if e == 0 then return sign * m * 2 ^ (f.emin - mbits) end
    return sign * (1 + m / 2 ^ mbits) * 2 ^ (e - f.ebias)
  end

  it('every 16-bit pattern reads as an independent decoding gives it', function()
    for name, f in pairs(FORMATS) do
      local code, top = name == 'Half' and HALF or BF16, (f.emax + f.ebias + 1) * 2 ^ (f.bits - 1)
      for b = 0, 65535 do
        local m = b % 0x8000
        if m < top then
          local v = C.stn_half_value(code, b)
          assert(v == reference_value(b, f), ('%s 0x%04x reads %.17g'):format(name, b, v))
        elseif m == top then
          assert.are.equal(b >= 0x8000 and -1 / 0 or 1 / 0, C.stn_half_value(code, b))
        end
      end
    end
  end)

  it('rounds 200000 random float patterns as an independent rounding does', function()
    local n = 200000
    local x = stn.FloatTensor(n)
    local w = ffi.cast('uint32_t *', x:data())
    local r = stn.IntTensor(n):random(0, 2 ^ 31 - 1)
    local r2 = stn.IntTensor(n):random(0, 1)
    for i = 0, n - 1 do
      -- exponents concentrated where the formats change behaviour (and anywhere else)
      local bits = r:data()[i]
      if i % 4 ~= 0 then bits = bits % 0x800000 + (math.floor(bits / 0x800000) % 40 + 95) * 0x800000 end
      w[i] = bits + r2:data()[i] * 0x80000000
    end
    for name, f in pairs(FORMATS) do
      local h = x:type('torch.' .. name .. 'Tensor'):data()
      local xf = x:data()
      for i = 0, n - 1 do
        if w[i] % 0x80000000 <= 0x7f800000 then -- (a NaN is judged by its bits: see float_at)
          local v = xf[i]
          local want = reference_bits(v, f)
          if h[i] ~= want then error(('%s of %.9g (0x%08x): 0x%04x, want 0x%04x'):format(name, v, w[i], h[i], want)) end
        end
      end
    end
  end)

  it('reads back exactly: every Half pattern through float and back is itself', function()
    local n = 65536
    local raw = stn.ShortTensor(n)
    local p = ffi.cast('uint16_t *', raw:data())
    for i = 0, n - 1 do p[i] = i end
    for _, ty in ipairs { 'Half', 'BFloat16' } do
      local t = stn[ty .. 'Tensor'](n)
      ffi.copy(t:data(), raw:data(), 2 * n)
      local back = t:float():type('torch.' .. ty .. 'Tensor')
      local q = back:data()
      local bad = 0
      local nan_top = ty == 'Half' and 0x7c00 or 0x7f80
      for i = 0, n - 1 do
        local isnan = i % 0x8000 > nan_top
        if isnan then
          if q[i] % 0x8000 <= nan_top then bad = bad + 1 end
        elseif q[i] ~= i then bad = bad + 1 end
      end
      assert.are.equal(0, bad, ty .. ': patterns that did not come back')
      local viad = t:double():type('torch.' .. ty .. 'Tensor'):data()
      for i = 0, n - 1 do
        if i % 0x8000 <= nan_top and viad[i] ~= i then bad = bad + 1 end
      end
      assert.are.equal(0, bad, ty .. ': patterns that did not come back through double')
    end
  end)

  it('converts with every type both ways (through the exact float value)', function()
    local vals = { 0, 1, -2, 3, 100, -7, 42 }
    for _, part in ipairs { 'Float', 'Double', 'Long', 'Int', 'Short', 'Char' } do
      local x = stn[part .. 'Tensor'](vals)
      for _, ty in ipairs { 'half', 'bfloat16' } do
        local h = x[ty](x)
        assert.are.same(vals, h:totable(), part .. ' -> ' .. ty)
        assert.are.same(vals, h[part:lower()](h):totable(), ty .. ' -> ' .. part)
      end
    end
    local b = stn.ByteTensor({ 0, 200, 255 })
    assert.are.same({ 0, 200, 255 }, b:half():byte():totable())
    assert.are.same({ 0, 200, 255 }, b:bfloat16():totable())
    -- Half <-> BFloat16: each value rounded once
    assert.are.same({ 1, 65536 }, stn.HalfTensor({ 1, 65504 }):bfloat16():totable())
    -- into an integer type as a float converts: toward zero; NaN and Inf refused
    assert.are.same({ 2, -2 }, stn.FloatTensor({ 2.75, -2.75 }):half():long():totable())
    H.assert_error(function() stn.FloatTensor({ 1 / 0 }):half():int() end, 'no Int value')
    -- Long beyond 2^53 into BFloat16: rounded once (2^60 + 2^52 + 1 is past the tie)
    local l = stn.LongTensor(1)
    l[1] = 2 ^ 60
    l:add(2 ^ 52):add(1)
    assert.are.equal(2 ^ 60 + 2 ^ 53, l:bfloat16()[1])
  end)

  it('classes, names, methods, element reads and writes, fill, zero, views, clone, printing', function()
    for _, c in ipairs { { 'Half', 'half' }, { 'BFloat16', 'bfloat16' } } do
      local part, method = c[1], c[2]
      local name = 'torch.' .. part .. 'Tensor'
      local x = stn[part .. 'Tensor'](2, 3)
      assert.are.equal(name, x:type())
      assert.are.equal(name, stn.typename(x))
      assert.are.equal(2, x:elementSize())
      assert.are.equal(name, stn.FloatTensor(2):type(name):type())
      assert.are.equal(name, stn.FloatTensor(2)[method](stn.FloatTensor(2)):type())
      x:fill(0.1)
      assert.are.equal(stn.FloatTensor({ 0.1 })[method](stn.FloatTensor({ 0.1 }))[1], x[2][3])
      x:zero()
      assert.are.equal(0, x:float():abs():sum())
      x[1][2] = 2.5
      x[2][1] = -1 / 0
      assert.are.equal(2.5, x[1][2])
      assert.are.equal(-1 / 0, x[2][1])
      assert.are.equal(name, x:narrow(2, 2, 2):type())
      assert.are.equal(2.5, x:narrow(2, 2, 2)[1][1])
      assert.are.equal(2.5, x:select(1, 1)[2])
      assert.are.equal(2.5, x:t()[2][1])
      assert.are.equal(2.5, x:view(6)[2])
      local y = x:t():clone()
      assert.are.equal(name, y:type())
      assert.are.same(x:t():totable(), y:totable())
      assert.are.same(x:t():float():totable(), x:t():contiguous():float():totable())
      local s = tostring(x)
      assert.truthy(s:find('[' .. name .. ' of size 2x3]', 1, true), s)
      assert.truthy(s:find('2.5', 1, true), s)
      local st = x:storage()
      assert.are.equal('torch.' .. part .. 'Storage', stn.type(st))
      assert.are.equal(2.5, st[2])
      assert.are.equal(part .. 'Storage', stn[part .. 'Storage'](3):fill(1):type():sub(7))
      assert.are.same({ 1, 1, 1 }, stn[part .. 'Tensor'](stn[part .. 'Storage'](3):fill(1)):totable())
    end
    assert.are.equal(1.5, stn.HalfTensor({ 1.5 }):half()[1])
    assert.are.equal('torch.HalfTensor', stn.HalfTensor(1):typeAs(stn.HalfTensor()):type())
  end)

  it('every op that does not take them refuses them by name', function()
    local h = stn.FloatTensor(4):uniform():half()
    local b = stn.FloatTensor(2, 2):uniform():bfloat16()
    local why = 'tensors are not supported here'
    H.assert_error(function() h:add(1) end, 'Tensor:add', 'Half ' .. why)
    H.assert_error(function() h:cmul(h) end, 'Half ' .. why)
    H.assert_error(function() h:sum() end, 'Tensor:sum', 'Half ' .. why)
    H.assert_error(function() stn.mm(b, b) end, "BFloat16")
    H.assert_error(function() h:uniform() end, 'Tensor:uniform', 'Half ' .. why)
    H.assert_error(function() h:random(3) end, 'Half ' .. why)
    H.assert_error(function() h:sort() end, 'Half ' .. why)
    H.assert_error(function() h:index(1, stn.LongTensor({ 1 })) end, 'Half ' .. why)
    H.assert_error(function() h:gt(0) end, 'Half ' .. why)
    H.assert_error(function() h:maskedFill(stn.ByteTensor(4):zero(), 1) end, 'Half')
    H.assert_error(function() b:exp() end, 'BFloat16 ' .. why)
    H.assert_error(function() b:max() end, 'BFloat16 ' .. why)
    H.assert_error(function() b:cumsum(1) end, 'BFloat16 ' .. why)
    H.assert_error(function() stn.nn.Linear(2, 2):forward(b) end, 'BFloat16')
    H.assert_error(function() stn.nn.ReLU():half() end, 'nn.ReLU:type', 'torch.HalfTensor', 'computes in Float or Double')
    H.assert_error(function() stn.nn.Linear(2, 2):cudaBFloat16() end, 'nn.Linear:type', 'torch.CudaBFloat16Tensor')
    -- results of another type are refused, never written through the wrong pointer
    H.assert_error(function() stn.FloatTensor(4):add(h, 1) end, 'Half')
  end)

  it('saves and loads: stn files keep both; Torch7 files keep Half and refuse BFloat16', function()
    local dir = os.tmpname()
    os.remove(dir)
    local h = stn.FloatTensor({ { 1, -2.5, 1 / 3 }, { 65504, 0 / 0, -1 / 0 } }):half()
    local b = stn.FloatTensor({ 1, -2.5, 1 / 3 }):bfloat16()
    for _, mode in ipairs { 'binary', 'ascii' } do
      local path = dir .. '.' .. mode .. '.t7'
      stn.save(path, { h = h, s = h:storage() }, mode)
      local got = stn.load(path, mode)
      assert.are.equal('torch.HalfTensor', got.h:type())
      assert.are.same({ h:data()[0], h:data()[1], h:data()[2], h:data()[5] },
        { got.h:data()[0], got.h:data()[1], got.h:data()[2], got.h:data()[5] })
      assert.is_true(got.h[2][2] ~= got.h[2][2])
      assert.are.equal('torch.HalfStorage', stn.type(got.s))
      H.assert_error(function() stn.save(path, b, mode) end, 'BFloat16', 'no Torch7 form')
      os.remove(path)
    end
    local path = dir .. '.stn'
    stn.save(path, { h = h, b = b })
    local got = stn.load(path)
    assert.are.equal('torch.BFloat16Tensor', got.b:type())
    assert.are.same(b:totable(), got.b:totable())
    assert.are.equal(h:data()[4], got.h:data()[4]) -- the NaN's bits
    os.remove(path)
  end)

  it('C API: dtype codes, sizes, names', function()
    assert.are.equal(7, C.STN_HALF)
    assert.are.equal(8, C.STN_BFLOAT16)
    assert.are.equal(9, C.STN_NUM_DTYPES)
    assert.are.same({ 2, 2 }, { C.stn_dtype_size(HALF), C.stn_dtype_size(BF16) })
    assert.are.same({ 'Half', 'BFloat16' }, { ffi.string(C.stn_dtype_name(HALF)), ffi.string(C.stn_dtype_name(BF16)) })
    assert.are.equal(1.5, C.stn_half_value(HALF, 0x3e00))
    assert.are.equal(1.5, C.stn_half_value(BF16, 0x3fc0))
  end)

  H.cuda_it('CUDA: conversions on the device give the host bits; fill, copies, element reads', function()
    local x = H.rand({ 1000 }, -70000, 70000)
    x[1], x[2], x[3] = 0 / 0, 1 / 0, 3e-6
    for _, ty in ipairs { 'Half', 'BFloat16' } do
      local host = x[ty == 'Half' and 'half' or 'bfloat16'](x)
      local dev = x:cuda()['cuda' .. ty](x:cuda())
      assert.are.equal('torch.Cuda' .. ty .. 'Tensor', dev:type())
      local back = dev:type('torch.' .. ty .. 'Tensor')
      local hp, bp = host:data(), back:data()
      for i = 0, 999 do assert.are.equal(hp[i], bp[i]) end
      local f = dev:cuda():float() -- Cuda 16 bits -> CudaTensor on the device
      H.assert_equal(f:narrow(1, 2, 999), host:float():narrow(1, 2, 999))
      dev:fill(0.1)
      assert.are.equal(host:fill(0.1)[5], dev[5])
    end
  end)
end)
