-- Torch7 files (.t7, lua/stn/t7.lua): files written here byte by byte from Torch7's
-- format (File.lua's writeObject, the Tensor and Storage write methods) read back to the
-- right values; round trips of every type through stn's writer, binary and ascii;
-- hostile files refused with "stn: torch.load: <path>: <what> at byte <n>", never a crash.
local ffi = require 'ffi'
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn
local t7 = require 'stn.t7'

local dir = os.tmpname()
os.remove(dir)
os.execute('mkdir -p ' .. dir)
local n_files = 0
local function path(name)
  n_files = n_files + 1
  return ('%s/%d-%s'):format(dir, n_files, name or 'f.t7')
end
local function write(bytes, name)
  local p = path(name)
  local f = assert(io.open(p, 'wb'))
  f:write(bytes)
  f:close()
  return p
end
local function slurp(p)
  local f = assert(io.open(p, 'rb'))
  local s = f:read('*a')
  f:close()
  return s
end

---------------------------------------------------------------------- the format, by hand
local scratch = ffi.new('union { double d; int64_t i; int32_t i32; float f; uint8_t b[8]; }')
local function i32(v) scratch.i32 = v; return ffi.string(scratch.b, 4) end
local function i64(v) scratch.i = v; return ffi.string(scratch.b, 8) end
local function f64(v) scratch.d = v; return ffi.string(scratch.b, 8) end
local function longs(list) local t = {}; for i, v in ipairs(list) do t[i] = i64(v) end; return table.concat(t) end
local function floats(list)
  local t = {}
  for i, v in ipairs(list) do scratch.f = v; t[i] = ffi.string(scratch.b, 4) end
  return table.concat(t)
end
local NIL = i32(0)
local function NUM(v) return i32(1) .. f64(v) end
local function STR(s) return i32(2) .. i32(#s) .. s end
local function BOOL(b) return i32(5) .. i32(b and 1 or 0) end
local function REF(tag, index) return i32(tag) .. i32(index) end -- an object already read
local function TBL(index, entries) -- entries: { {key bytes, value bytes}, ... }
  local parts = { i32(3), i32(index), i32(#entries) }
  for _, e in ipairs(entries) do parts[#parts + 1] = e[1]; parts[#parts + 1] = e[2] end
  return table.concat(parts)
end
local function TORCH(index, name) return i32(4) .. i32(index) .. i32(3) .. 'V 1' .. i32(#name) .. name end
local function STORAGE(index, name, n, raw) return TORCH(index, name) .. i64(n) .. raw end
local function TENSOR(index, name, sizes, strides, offset, storage_bytes)
  return TORCH(index, name) .. i32(#sizes) .. longs(sizes) .. longs(strides) .. i64(offset) .. storage_bytes
end

local function load_bytes(bytes, mode) return t7.load(write(bytes), mode) end
local function refused(bytes, pattern, mode)
  local p = write(bytes)
  local ok, err = pcall(t7.load, p, mode)
  assert(not ok, 'loaded a file that should be refused: ' .. pattern)
  err = tostring(err)
  assert(err:find('stn: torch.load: ' .. p .. ': ', 1, true), err)
  assert(err:find(' at byte %d+'), err)
  assert(err:find(pattern), ('expected %q in: %s'):format(pattern, err))
  return err
end

describe('Torch7 files written by hand', function()
  it('a number, a string, a boolean, nil', function()
    assert.are.equal(3.25, load_bytes(NUM(3.25)))
    assert.are.equal('hello\0world', load_bytes(STR('hello\0world')))
    assert.are.equal(true, load_bytes(BOOL(true)))
    assert.are.equal(false, load_bytes(BOOL(false)))
    assert.is_nil(load_bytes(NIL))
    assert.are.equal(-math.huge, load_bytes(NUM(-math.huge)))
    local nan = load_bytes(i32(1) .. '\1\0\0\0\0\0\248\255') -- a NaN with a payload: Lua's own NaN
    assert.is_true(type(nan) == 'number' and nan ~= nan)
  end)

  it('a table with a shared reference and a cycle', function()
    -- t = { a = { x = 1 }, b = t.a, me = t, [2] = 'two' }
    local bytes = TBL(1, {
      { STR('a'), TBL(2, { { STR('x'), NUM(1) } }) },
      { STR('b'), REF(3, 2) },
      { STR('me'), REF(3, 1) },
      { NUM(2), STR('two') },
    })
    local t = load_bytes(bytes)
    assert.are.equal(1, t.a.x)
    assert.are.equal(t.a, t.b)
    assert.are.equal(t, t.me)
    assert.are.equal('two', t[2])
  end)

  it('a FloatTensor with strides and an offset, and a LongTensor', function()
    -- storage 1..6; a 2x2 view at offset 2 (1-based), strides {1, 3}: [[2, 5], [3, 6]]
    local fs = STORAGE(3, 'torch.FloatStorage', 6, floats({ 1, 2, 3, 4, 5, 6 }))
    local x = load_bytes(TENSOR(1, 'torch.FloatTensor', { 2, 2 }, { 1, 3 }, 2, fs))
    assert.are.equal('torch.FloatTensor', x:type())
    assert.are.same({ { 2, 5 }, { 3, 6 } }, x:totable())
    assert.are.equal(6, x:storage():size())
    assert.are.equal(2, x:storageOffset())
    -- a LongTensor of size 3, stride 2, offset 1 over 5 longs, one beyond 2^53
    local ls = STORAGE(2, 'torch.LongStorage', 5, longs({ -7, 0, 2 ^ 40, 0, ffi.new('int64_t', 2) ^ 60 + 1 }))
    local l = load_bytes(TENSOR(1, 'torch.LongTensor', { 3 }, { 2 }, 1, ls))
    assert.are.equal('torch.LongTensor', l:type())
    assert.are.equal(-7, l[1])
    assert.are.equal(2 ^ 40, l[2])
    assert.are.equal(3, l:size(1))
    assert.are.equal(ffi.new('int64_t', 2) ^ 60 + 1, ffi.cast('int64_t *', l:data())[4])
  end)

  it('two tensors on one storage share it; a tensor without storage is empty', function()
    local fs = STORAGE(3, 'torch.FloatStorage', 4, floats({ 1, 2, 3, 4 }))
    local t = load_bytes(TBL(1, {
      { NUM(1), TENSOR(2, 'torch.FloatTensor', { 4 }, { 1 }, 1, fs) },
      { NUM(2), TENSOR(4, 'torch.FloatTensor', { 2 }, { 1 }, 3, REF(4, 3)) },
      { NUM(3), TORCH(5, 'torch.DoubleTensor') .. i32(0) .. i64(1) .. NIL },
      { NUM(4), REF(4, 3) },
    }))
    t[2]:fill(9)
    assert.are.same({ 1, 2, 9, 9 }, t[1]:totable())
    assert.are.equal(0, t[3]:nElement())
    assert.are.equal('torch.DoubleTensor', t[3]:type())
    assert.are.equal('torch.FloatStorage', stn.type(t[4]))
    assert.are.equal(9, t[4][4])
  end)

  it('an nn.Linear, rebuilt from its fields', function()
    local W = STORAGE(4, 'torch.FloatStorage', 6, floats({ 1, 2, 3, 4, 5, 6 }))
    local B = STORAGE(6, 'torch.FloatStorage', 2, floats({ 0.5, -1 }))
    local function empty(index) return TENSOR(index, 'torch.FloatTensor', {}, {}, 1, NIL) end
    local bytes = TORCH(1, 'nn.Linear') .. TBL(2, {
      { STR('weight'), TENSOR(3, 'torch.FloatTensor', { 2, 3 }, { 3, 1 }, 1, W) },
      { STR('bias'), TENSOR(5, 'torch.FloatTensor', { 2 }, { 1 }, 1, B) },
      { STR('gradWeight'), TENSOR(7, 'torch.FloatTensor', { 2, 3 }, { 3, 1 }, 1,
        STORAGE(8, 'torch.FloatStorage', 6, floats({ 0, 0, 0, 0, 0, 0 }))) },
      { STR('gradBias'), TENSOR(9, 'torch.FloatTensor', { 2 }, { 1 }, 1,
        STORAGE(10, 'torch.FloatStorage', 2, floats({ 0, 0 }))) },
      { STR('output'), empty(11) },
      { STR('gradInput'), empty(12) },
      { STR('_type'), STR('torch.FloatTensor') },
    })
    local m = load_bytes(bytes)
    assert.are.equal('nn.Linear', stn.type(m))
    assert.are.equal('nn.Linear(3 -> 2)', tostring(m))
    local y = m:forward(stn.Tensor({ 1, 1, 1 }))
    assert.are.same({ 6.5, 14 }, y:totable())
  end)

  it("Torch7's normalization modules, with insides stn lacks, rebuilt from their configuration", function()
    local K = STORAGE(4, 'torch.FloatStorage', 3, floats({ 1, 2, 1 }))
    local kernel = TENSOR(3, 'torch.FloatTensor', { 3 }, { 1 }, 1, K)
    local map = TORCH(12, 'nn.SpatialConvolutionMap') .. TBL(13, { { STR('kW'), NUM(3) } })
    local sub = TORCH(8, 'nn.SpatialSubtractiveNormalization') .. TBL(9, {
      { STR('nInputPlane'), NUM(1) }, { STR('kernel'), REF(4, 3) },
      { STR('meanestimator'), TORCH(10, 'nn.Sequential') .. TBL(11, { { STR('modules'), TBL(14, { { NUM(1), map } }) } }) },
    })
    local bytes = TORCH(1, 'nn.SpatialContrastiveNormalization') .. TBL(2, {
      { STR('nInputPlane'), NUM(1) }, { STR('kernel'), kernel }, { STR('threshold'), NUM(1e-4) },
      { STR('thresval'), NUM(1e-4) },
      { STR('normalizer'), TORCH(5, 'nn.Sequential') .. TBL(6, { { STR('modules'), TBL(7, { { NUM(1), sub } }) } }) },
    })
    local m = load_bytes(bytes)
    assert.are.equal('nn.SpatialContrastiveNormalization', stn.type(m))
    local want = nn.SpatialContrastiveNormalization(1, stn.Tensor({ 1, 2, 1 }), 1e-4, 1e-4)
    local x = stn.Tensor(1, 5, 5):uniform()
    H.assert_close(want:forward(x), m:forward(x), 1e-6)
    -- outside such a module, nn.SpatialConvolutionMap is an unknown class
    refused(map, 'unknown class "nn.SpatialConvolutionMap"')
  end)

  it('files of older Torch7s: a convolution with padding, a pooling without its options', function()
    local W = STORAGE(4, 'torch.FloatStorage', 9, floats({ 0, 0, 0, 0, 1, 0, 0, 0, 0 }))
    local conv = TORCH(1, 'nn.SpatialConvolution') .. TBL(2, {
      { STR('nInputPlane'), NUM(1) }, { STR('nOutputPlane'), NUM(1) }, { STR('kW'), NUM(3) }, { STR('kH'), NUM(3) },
      { STR('dW'), NUM(1) }, { STR('dH'), NUM(1) }, { STR('padding'), NUM(1) },
      { STR('weight'), TENSOR(3, 'torch.FloatTensor', { 1, 1, 3, 3 }, { 9, 9, 3, 1 }, 1, W) },
      { STR('bias'), TENSOR(5, 'torch.FloatTensor', { 1 }, { 1 }, 1, STORAGE(6, 'torch.FloatStorage', 1, floats({ 0 }))) },
      { STR('output'), TENSOR(7, 'torch.FloatTensor', {}, {}, 1, NIL) },
    })
    local m = load_bytes(conv)
    assert.are.equal(1, m.padW)
    assert.are.equal(1, m.padH)
    assert.is_nil(m.padding)
    local x = stn.Tensor(1, 4, 4):uniform()
    H.assert_close(x, m:forward(x), 1e-6) -- the identity kernel, padded: same size
    assert.is_nil(rawget(m, 'gradInput')) -- as the file has it: no input gradient
    local pool = load_bytes(TORCH(1, 'nn.SpatialMaxPooling') .. TBL(2, {
      { STR('kW'), NUM(2) }, { STR('kH'), NUM(2) }, { STR('dW'), NUM(2) }, { STR('dH'), NUM(2) },
      { STR('output'), TENSOR(3, 'torch.FloatTensor', {}, {}, 1, NIL) } }))
    assert.are.same({ 1, 2, 2 }, pool:forward(x):size():totable())
    assert.are.equal(false, pool.ceil_mode)
  end)

  it("stnbhwd's modules as stnbhwd saves them", function()
    local empty = TENSOR(9, 'torch.FloatTensor', {}, {}, 1, NIL)
    local gen = load_bytes(TORCH(1, 'nn.AffineTransformMatrixGenerator') .. TBL(2, {
      { STR('useRotation'), BOOL(true) }, { STR('useScale'), BOOL(false) }, { STR('useTranslation'), BOOL(true) },
      { STR('fullMode'), BOOL(false) }, { STR('output'), empty } }))
    assert.are.equal(3, gen.nbParams)
    assert.are.same({ 2, 2, 3 }, gen:forward(stn.Tensor(2, 3):zero()):size():totable())
    local sampler = load_bytes(TORCH(1, 'nn.BilinearSamplerBHWD') .. TBL(2, { { STR('output'), empty } }))
    assert.are.equal(true, sampler.imageGradient)
    local full = load_bytes(TORCH(1, 'nn.AffineTransformMatrixGenerator') .. TBL(2, {
      { STR('useRotation'), BOOL(false) }, { STR('useScale'), BOOL(false) }, { STR('useTranslation'), BOOL(false) },
      { STR('fullMode'), BOOL(true) } }))
    assert.are.equal(6, full.nbParams)
  end)

  it('a torch.CudaTensor loads on the CPU, as a FloatTensor', function()
    local x = load_bytes(TENSOR(1, 'torch.CudaTensor', { 2 }, { 1 }, 1, STORAGE(2, 'torch.CudaStorage', 2, floats({ 1, 2 }))))
    assert.are.equal('torch.FloatTensor', x:type())
    assert.are.same({ 1, 2 }, x:totable())
  end)

  it("a class written before Torch7's version strings (its name where the version is)", function()
    local bytes = i32(4) .. i32(1) .. i32(7) .. 'nn.ReLU' .. TBL(2, { { STR('inplace'), BOOL(false) } })
    assert.are.equal('nn.ReLU', stn.type(load_bytes(bytes)))
  end)

  it("mode 'b32': longs of 4 bytes", function()
    local bytes = TORCH(1, 'torch.IntTensor') .. i32(1) .. i32(2) .. i32(1) .. i32(1)
      .. TORCH(2, 'torch.IntStorage') .. i32(2) .. i32(-5) .. i32(7)
    assert.are.same({ -5, 7 }, t7.load(write(bytes), 'b32'):totable())
  end)

  it('an ascii file', function()
    -- { 1 = 2.5, s = 'a b', t = true, x = FloatTensor{1.5, -2} }
    local text = table.concat({
      '3', '1', '4',
      '1', '1', '1', '2.5',
      '2', '1', 's', '2', '3', 'a b',
      '2', '1', 't', '5', '1',
      '2', '1', 'x', '4', '2', '3', 'V 1', '17', 'torch.FloatTensor', '1', '2', '1', '1',
      '4', '3', '3', 'V 1', '18', 'torch.FloatStorage', '2', '1.5 -2', '',
    }, '\n')
    local t = t7.load(write(text), 'ascii')
    assert.are.equal(2.5, t[1])
    assert.are.equal('a b', t.s)
    assert.are.equal(true, t.t)
    assert.are.same({ 1.5, -2 }, t.x:totable())
  end)
end)

---------------------------------------------------------------------- round trips
local TYPES = { 'Float', 'Double', 'Long', 'Int', 'Byte', 'Char', 'Short' }

local function round_trip(obj, mode)
  local p = path()
  t7.save(p, obj, mode)
  return t7.load(p, mode), p
end

for _, mode in ipairs({ 'binary', 'ascii' }) do
  describe('round trips through stn\'s writer (' .. mode .. ')', function()
    it('plain values and tables with shared references and cycles', function()
      local shared = { 1, 2, 3 }
      local obj = { n = 1 / 3, big = 2 ^ 53, neg = -0.0, inf = math.huge, s = 'bytes \0\1\255\n end', yes = true,
        no = false, a = shared, b = shared, [7] = 'seven', [2.5] = 'key', [true] = 'bool key', [shared] = 'table key' }
      obj.me = obj
      local o = round_trip(obj, mode)
      assert.are.equal(1 / 3, o.n)
      assert.are.equal(2 ^ 53, o.big)
      assert.are.equal(math.huge, o.inf)
      assert.are.equal(-math.huge, 1 / o.neg) -- -0 stays -0
      assert.are.equal(obj.s, o.s)
      assert.are.equal(true, o.yes)
      assert.are.equal(false, o.no)
      assert.are.same({ 1, 2, 3 }, o.a)
      assert.are.equal(o.a, o.b)
      assert.are.equal(o, o.me)
      assert.are.equal('seven', o[7])
      assert.are.equal('key', o[2.5])
      assert.are.equal('bool key', o[true])
      assert.are.equal('table key', o[o.a])
      local nan = round_trip(0 / 0, mode)
      assert.is_true(nan ~= nan)
      local nans = round_trip({ f = stn.FloatTensor({ 0 / 0, 1 }), d = stn.DoubleTensor({ 0 / 0, 2 }) }, mode)
      assert.is_true(nans.f[1] ~= nans.f[1] and nans.f[2] == 1 and nans.d[1] ~= nans.d[1] and nans.d[2] == 2)
    end)

    it('tensors and storages of every type, with views sharing their storage', function()
      for _, name in ipairs(TYPES) do
        local x = stn[name .. 'Tensor'](3, 4):random(0, 100)
        if name == 'Char' or name == 'Short' or name == 'Int' or name == 'Long' then x:add(-50) end
        if name == 'Float' or name == 'Double' then x:uniform(-1, 1) end
        local obj = { x = x, view = x:narrow(2, 2, 2), t = x:t(), s = x:storage(), empty = stn[name .. 'Tensor']() }
        local o = round_trip(obj, mode)
        assert.are.equal('torch.' .. name .. 'Tensor', o.x:type())
        assert.are.same(x:totable(), o.x:totable())
        assert.are.same(obj.view:totable(), o.view:totable())
        assert.are.same(obj.t:totable(), o.t:totable())
        assert.are.equal('torch.' .. name .. 'Storage', stn.type(o.s))
        assert.are.equal(12, o.s:size())
        assert.are.equal(0, o.empty:nElement())
        o.view:fill(3) -- still sharing: the view, the tensor, its transpose and the storage
        assert.are.equal(3, o.x[2][3])
        assert.are.equal(3, o.t[3][2])
        assert.are.equal(3, o.s[7])
      end
      -- Long beyond 2^53, exactly
      local l = stn.LongTensor(2)
      local p = ffi.cast('int64_t *', l:data())
      p[0], p[1] = ffi.new('int64_t', 2) ^ 62 + 3, -(ffi.new('int64_t', 2) ^ 62) - 5
      local o = round_trip(l, mode)
      local q = ffi.cast('int64_t *', o:data())
      assert.is_true(q[0] == p[0] and q[1] == p[1])
      -- Float and Double extremes
      local f = stn.FloatTensor({ 1e-45, 3.4e38, -0.0, 1 / 3 })
      assert.are.same(f:totable(), round_trip(f, mode):totable())
      local d = stn.DoubleTensor({ 5e-324, 1.7976931348623157e308, 1 / 3 })
      assert.are.same(d:totable(), round_trip(d, mode):totable())
    end)

    it('nn modules: a network runs the same after loading', function()
      stn.manualSeed(3)
      local net = nn.Sequential()
        :add(nn.SpatialConvolution(2, 3, 3, 3))
        :add(nn.ReLU())
        :add(nn.SpatialMaxPooling(2, 2, 2, 2))
        :add(nn.View(3 * 2 * 2))
        :add(nn.Linear(12, 4))
        :add(nn.Tanh())
        :add(nn.Linear(4, 3, false))
        :add(nn.LogSoftMax())
      local x = stn.Tensor(2, 2, 6, 6):normal()
      local want = net:forward(x):clone()
      local o = round_trip({ model = net, note = 'ok' }, mode)
      assert.are.equal(tostring(net), tostring(o.model))
      H.assert_close(want, o.model:forward(x), mode == 'ascii' and 1e-5 or 0)
      assert.are.equal('ok', o.note)
      -- training still works, and the parameters were rebuilt sharing nothing with net
      local crit = nn.ClassNLLCriterion()
      local y = stn.Tensor({ 1, 3 })
      crit:forward(o.model:forward(x), y)
      o.model:zeroGradParameters()
      o.model:backward(x, crit:backward(o.model.output, y))
      o.model:updateParameters(0.1)
      assert.is_true((o.model:forward(x) - want):abs():max() > 0)
      H.assert_close(want, net:forward(x), 0)
    end)
  end)
end

describe('stn.save / stn.load and torch.save / torch.load', function()
  it('choose the Torch7 format for .t7 paths; stn checkpoints saved under .t7 names still load', function()
    local p = path('m.t7')
    stn.save(p, { 1, 2 })
    assert.are.equal(i32(3), slurp(p):sub(1, 4)) -- a Torch7 table
    assert.are.same({ 1, 2 }, stn.load(p))
    assert.are.same({ 1, 2 }, stn.load(p, 'cpu'))
    assert.are.same({ 1, 2 }, stn.load(p, { device = 'cpu' }))
    assert.has_error(function() stn.load(p, 'cuda') end,
      'stn: load: ' .. p .. ': a Torch7 file (.t7) loads on the CPU only: load it, then move it (model:cuda())')
    local old = path('old.stn')
    stn.save(old, { 3, 4 })
    local renamed = path('old.t7')
    os.rename(old, renamed)
    assert.are.same({ 3, 4 }, stn.load(renamed))
    local q = path('m.bin')
    stn.save(q, { 5 })
    assert.are.equal('\137STN', slurp(q):sub(1, 4))
  end)

  it('torch.save / torch.load of the stn.torch7 entry, with their modes', function()
    local torch = require 'stn.torch7'
    local p = path('x.dat')
    torch.save(p, { a = stn.Tensor({ 1, 2 }) })
    assert.are.same({ 1, 2 }, torch.load(p).a:totable())
    torch.save(p, { a = 'b' }, 'ascii')
    assert.are.equal('3\n1\n1\n2\n1\na\n2\n1\nb\n', slurp(p))
    assert.are.same({ a = 'b' }, torch.load(p, 'ascii'))
    torch.save(p, { '', 'x' }, 'ascii') -- an empty string: its length, and no newline after its nothing
    assert.are.equal('3\n1\n2\n1\n1\n2\n0\n1\n2\n2\n1\nx\n', slurp(p))
    assert.are.same({ '', 'x' }, torch.load(p, 'ascii'))
    assert.has_error(function() torch.save(p, 1, 'b32') end,
      "stn: torch.save: " .. p .. ": unknown mode b32 (expected 'ascii', 'binary')")
    assert.has_error(function() torch.load(p, 'text') end,
      "stn: torch.load: " .. p .. ": unknown mode text (expected 'ascii', 'b32', 'b64', 'binary')")
    -- referenced = false: every occurrence written anew
    local s = { 1 }
    torch.save(p, { s, s }, 'binary', false)
    local o = torch.load(p)
    assert.are.same({ { 1 }, { 1 } }, o)
    assert.are_not.equal(o[1], o[2])
    local c = {}
    c.me = c
    local ok, err = pcall(torch.save, p, c, 'binary', false)
    assert.is_false(ok)
    assert.truthy(tostring(err):find('with referenced = false, a cycle never ends', 1, true), err)
  end)

  it('objects of a class registered with stn.class, by name, shared', function()
    local Point = stn.class('t7spec.Point')
    function Point:__init(x) self.x = x end
    function Point:norm() return math.abs(self.x) end
    local p = Point(-3)
    local o = round_trip({ p, p })
    assert.are.equal('t7spec.Point', stn.type(o[1]))
    assert.are.equal(3, o[1]:norm())
    assert.are.equal(o[1], o[2])
  end)

  it('the writer refuses what Torch7 files cannot hold, naming where it is', function()
    local p = path()
    assert.has_error(function() t7.save(p, { f = print }) end,
      'stn: torch.save: ' .. p .. ': cannot save object.f: a function (Torch7 files hold numbers, strings, booleans, '
      .. 'tables, tensors, storages and class objects; functions are not written)')
    assert.has_error(function() t7.save(p, { setmetatable({}, { __index = {} }) }) end,
      'stn: torch.save: ' .. p .. ': cannot save object[1]: a table with a metatable that is not a registered class')
    local deep = {}
    local cur = deep
    for _ = 1, t7.MAX_DEPTH + 5 do cur.x = {}; cur = cur.x end
    assert.has_error(function() t7.save(p, deep) end)
  end)
end)

---------------------------------------------------------------------- hostile files
describe('hostile Torch7 files are refused with the byte where it went wrong', function()
  it('every truncation of a valid file', function()
    local p = path()
    local x = stn.Tensor(2, 3):uniform()
    t7.save(p, { x = x, v = x:select(1, 2), s = 'text', m = nn.Linear(2, 2), [1] = true })
    local whole = slurp(p)
    for n = 0, #whole - 1 do
      local q = write(whole:sub(1, n))
      local ok, err = pcall(t7.load, q)
      assert(not ok, 'a file cut to ' .. n .. ' bytes loaded')
      assert(tostring(err):find('stn: torch.load: ' .. q .. ': ', 1, true) and tostring(err):find(' at byte %d+'), err)
    end
    refused(whole .. '\0', '1 bytes left over after the object at byte ' .. #whole)
  end)

  it('huge counts, sizes and lengths, checked before anything is allocated', function()
    refused(i32(2) .. i32(2 ^ 31 - 1) .. 'abc', 'a string of 2147483647 bytes, but the file has 3 left at byte 8')
    refused(i32(2) .. i32(-1), 'a string of %-1 bytes')
    refused(i32(3) .. i32(1) .. i32(2 ^ 30), 'a table of 1073741824 entries, but the file has 0 bytes left at byte 12')
    refused(STORAGE(1, 'torch.DoubleStorage', 2 ^ 40, ''),
      'torch.DoubleStorage of 1099511627776 Double elements, but the file has only 0 bytes left')
    refused(STORAGE(1, 'torch.FloatStorage', -1, ''), 'torch.FloatStorage size %-1 out of range')
    refused(STORAGE(1, 'torch.FloatStorage', ffi.new('int64_t', 2) ^ 62, ''),
      'torch.FloatStorage size 4611686018427387904 out of range')
    refused(TORCH(1, 'torch.FloatTensor') .. i32(9), 'torch.FloatTensor of 9 dimensions %(stn tensors have 0 to 8%)')
    refused(TORCH(1, 'torch.FloatTensor') .. i32(-1), 'torch.FloatTensor of %-1 dimensions')
    refused(TORCH(1, 'torch.FloatTensor') .. i32(1) .. i64(-2) .. i64(1) .. i64(1) .. NIL, 'torch.FloatTensor size 1 %-2 out of range')
    refused(TORCH(1, 'torch.FloatTensor') .. i32(2) .. longs({ 2 ^ 30, 2 ^ 30 }) .. longs({ 1, 1 }) .. i64(1) .. NIL,
      'of size 1073741824x1073741824: more than')
    refused(i32(3) .. i32(1) .. i32(1) .. NUM(1), 'type tag: 4 bytes needed, 0 left at byte 24')
    refused(i32(4) .. i32(1) .. i32(2 ^ 30), 'class version length 1073741824 out of range')
  end)

  it('offsets and strides checked against the storage', function()
    local fs = STORAGE(2, 'torch.FloatStorage', 4, floats({ 1, 2, 3, 4 }))
    refused(TENSOR(1, 'torch.FloatTensor', { 2 }, { 1 }, 4, fs),
      'torch.FloatTensor of size 2, strides 1 at storage offset 4 reaches past its storage of 4 elements')
    refused(TENSOR(1, 'torch.FloatTensor', { 2, 2 }, { 3, 1 }, 1, fs), 'reaches past its storage')
    refused(TENSOR(1, 'torch.FloatTensor', { 2 }, { 1 }, 0, fs), 'storage offset 0 %(offsets count from 1%)')
    refused(TENSOR(1, 'torch.FloatTensor', { 2 }, { -1 }, 1, fs), 'stride 1 %-1 out of range')
    refused(TENSOR(1, 'torch.FloatTensor', { 4 }, { 0 }, 1, fs), 'its layout overlaps')
    refused(TENSOR(1, 'torch.FloatTensor', {}, {}, 9, fs), 'storage offset 9, past its storage of 4 elements')
    refused(TENSOR(1, 'torch.FloatTensor', { 3 }, { 1 }, 1, NIL), 'torch.FloatTensor of 3 elements without a storage')
    refused(TENSOR(1, 'torch.FloatTensor', { 2 }, { 1 }, 1, STORAGE(2, 'torch.DoubleStorage', 2, f64(1) .. f64(2))),
      'torch.FloatTensor on a torch.DoubleStorage')
    refused(TENSOR(1, 'torch.FloatTensor', { 1 }, { 1 }, 1, NUM(3)), 'torch.FloatTensor has a number as its storage')
  end)

  it('unknown type tags and classes, functions, bad keys, bad fields', function()
    refused(i32(9), 'unknown type tag 9 %(object%) at byte 0')
    refused(i32(-3), 'unknown type tag %-3')
    refused(i32(6) .. i32(4) .. 'abcd', 'a function %(object%): stn does not load Lua bytecode from files at byte 0')
    refused(i32(8) .. i32(1), 'a function')
    refused(TORCH(1, 'nn.NoSuchModule') .. TBL(2, {}),
      'unknown class "nn.NoSuchModule" %(stn has no class of that name: an nn module stn does not implement%) at byte 8')
    refused(TORCH(1, 'torch.File') .. TBL(2, {}), 'unknown class "torch.File"')
    refused(i32(4) .. i32(1) .. i32(3) .. 'V x', 'bad class version "V x"')
    refused(TORCH(1, 'nn.ReLU') .. NUM(1), 'nn.ReLU: its fields are a number, expected a table')
    refused(TBL(1, { { NIL, NUM(1) } }), 'a nil or NaN table key at byte 12')
    refused(TBL(1, { { NUM(0 / 0), NUM(1) } }), 'a nil or NaN table key')
    refused(TORCH(1, 'nn.Linear') .. TBL(2, {
      { STR('weight'), TENSOR(3, 'torch.FloatTensor', { 2 }, { 1 }, 1, STORAGE(4, 'torch.FloatStorage', 2, floats({ 1, 2 }))) },
    }), 'a nn.Linear that stn cannot use')
    refused(TORCH(1, 'nn.View') .. TBL(2, { { STR('size'), STORAGE(3, 'torch.FloatStorage', 1, floats({ 1 })) } }),
      'nn.View: size is a torch.FloatStorage, expected a torch.LongStorage')
  end)

  it('deep nesting is bounded', function()
    local parts = {}
    for i = 1, t7.MAX_DEPTH + 10 do parts[#parts + 1] = i32(3) .. i32(i) .. i32(1) .. NUM(1) end
    parts[#parts + 1] = NIL
    refused(table.concat(parts), 'tables and objects nested deeper than ' .. t7.MAX_DEPTH)
  end)

  it('ascii files: bad numbers and lengths', function()
    refused('1\nabc\n', 'number: "abc" is not a number at byte 2', 'ascii')
    refused('2\n99\nab\n', 'a string of 99 bytes, but the file has 3 left', 'ascii')
    refused('x', 'type tag: "x" is not an integer at byte 0', 'ascii')
    refused('', 'type tag: a number expected, the file ends at byte 0', 'ascii')
    refused('4\n1\n3\nV 1\n18\ntorch.FloatStorage\n3\n1 2\n', 'torch.FloatStorage of 3 Float elements, but the file has only 4 bytes left at byte 34', 'ascii')
    refused('4\n1\n3\nV 1\n18\ntorch.FloatStorage\n2\n1        \n', 'torch.FloatStorage data: a number expected, the file ends', 'ascii')
    refused('4\n1\n3\nV 1\n16\ntorch.IntStorage\n1\n3000000000\n', 'out of range for its type', 'ascii')
  end)
end)
