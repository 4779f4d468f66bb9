-- stn.load of hostile files: each file is built here byte by byte from the format in
-- docs/serialization.md, with its checksums recomputed (anyone can), so only the
-- loader's own checks stand between it and the tensor library. Each must be refused
-- with a message naming the file and the path in the object, quickly, before anything
-- is allocated for it.
local ffi = require 'ffi'
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn
local serialize = require 'stn.serialize'

local dir = os.tmpname()
os.remove(dir)
os.execute('mkdir -p ' .. dir)

---------------------------------------------------------------------- the format, by hand
local scratch = ffi.new('union { double d; int64_t i; uint32_t u; uint8_t b[8]; }')
local function u8(v) return string.char(v) end
local function u32(v) scratch.u = v; return ffi.string(scratch.b, 4) end
local function i64(v) scratch.i = v; return ffi.string(scratch.b, 8) end -- v: a number or an int64 cdata
local function f32s(list)
  local a = ffi.new('float[?]', #list, list)
  return ffi.string(a, 4 * #list)
end

-- Format version 1 (every tensor Float) unless told: version 2 records say their element type.
local function file_of(payload, version)
  local head = '\137STN\r\n\26\n' .. u32(version or 1) .. u32(32) .. i64(#payload) .. u32(serialize.crc32(payload))
  return head .. u32(serialize.crc32(head)) .. payload
end

local function str(s) return '\4' .. u32(#s) .. s end
local function num(v) scratch.d = v; return '\3' .. ffi.string(scratch.b, 8) end
local function ref(id) return '\6' .. u32(id) end
-- A table: class name ('' for a plain one) and a list of {key bytes, value bytes}.
local function tbl(name, entries)
  local parts = { '\5', u32(#name), name, u32(#entries) }
  for _, e in ipairs(entries) do parts[#parts + 1] = e[1]; parts[#parts + 1] = e[2] end
  return table.concat(parts)
end
-- A tensor: t = {offset, sizes, strides, sid, floats (the new storage's values, if any),
-- count (the storage's claimed float count, default #floats), dev, ndim}.
local function tensor(t)
  local parts = { '\7', u8(t.dev or 0), u8(t.ndim or #t.sizes), i64(t.offset or 0) }
  for _, s in ipairs(t.sizes) do parts[#parts + 1] = i64(s) end
  for _, s in ipairs(t.strides) do parts[#parts + 1] = i64(s) end
  parts[#parts + 1] = u32(t.sid or 0)
  if t.floats then
    parts[#parts + 1] = i64(t.count or #t.floats)
    parts[#parts + 1] = f32s(t.floats)
  end
  return table.concat(parts)
end

local n = 0
local function write(bytes)
  n = n + 1
  local path = ('%s/hostile%d.stn'):format(dir, n)
  local f = assert(io.open(path, 'wb'))
  f:write(bytes)
  f:close()
  return path
end
-- A version-2 tensor: as tensor(t), with t.dtype (0 Float .. 4 Byte) after the device and
-- the new storage's raw bytes in t.bytes (count: its claimed element count).
local function tensor2(t)
  local parts = { '\7', u8(t.dev or 0), u8(t.dtype), u8(t.ndim or #t.sizes), i64(t.offset or 0) }
  for _, s in ipairs(t.sizes) do parts[#parts + 1] = i64(s) end
  for _, s in ipairs(t.strides) do parts[#parts + 1] = i64(s) end
  parts[#parts + 1] = u32(t.sid or 0)
  if t.bytes then
    parts[#parts + 1] = i64(t.count)
    parts[#parts + 1] = t.bytes
  end
  return table.concat(parts)
end
local function f64s(list)
  local a = ffi.new('double[?]', #list, list)
  return ffi.string(a, 8 * #list)
end

local function load(payload, version) return stn.load(write(file_of(payload, version))) end
-- Loading the payload fails, quickly, with the file and every string given in the message.
local function refused_v(version, payload, ...)
  local path = write(file_of(payload, version))
  local t0 = os.clock()
  local err = H.assert_error(function() stn.load(path) end, 'stn: load', path, ...)
  assert(os.clock() - t0 < 1, 'took ' .. (os.clock() - t0) .. ' s')
  return err
end
local function refused(payload, ...)
  local path = write(file_of(payload))
  local t0 = os.clock()
  local err = H.assert_error(function() stn.load(path) end, 'stn: load', path, ...)
  assert(os.clock() - t0 < 1, 'took ' .. (os.clock() - t0) .. ' s')
  return err
end

describe('the hand-built format', function()
  it('is the format stn.save writes (a table with a tensor viewing a storage twice)', function()
    local payload = tbl('', {
      { str('a'), tensor { sizes = { 2, 2 }, strides = { 2, 1 }, sid = 1, floats = { 1, 2, 3, 4 } } },
      { str('b'), tensor { offset = 1, sizes = { 2 }, strides = { 2 }, sid = 1 } },
    })
    local obj = load(payload)
    H.assert_equal(obj.a, stn.Tensor({ { 1, 2 }, { 3, 4 } }))
    H.assert_equal(obj.b, stn.Tensor({ 2, 4 }))
    assert.are.equal(obj.a.mem, obj.b.mem)
  end)
end)

describe('element types (format version 2)', function()
  it('loads a version 1 file as Float', function()
    local obj = load(tbl('', { { str('a'), tensor { sizes = { 2 }, strides = { 1 }, sid = 1, floats = { 1.5, -2 } } } }), 1)
    assert.are.equal('torch.FloatTensor', obj.a:type())
    assert.are.same({ 1.5, -2 }, { obj.a[1], obj.a[2] })
  end)

  it('loads each element type from its raw bytes', function()
    local obj = load(tbl('', {
      { str('d'), tensor2 { dtype = 1, sizes = { 2 }, strides = { 1 }, sid = 1, count = 2, bytes = f64s { 1 / 3, -1e300 } } },
      { str('l'), tensor2 { dtype = 2, sizes = { 1 }, strides = { 1 }, sid = 2, count = 1, bytes = i64(-2 ^ 40 - 3) } },
      { str('i'), tensor2 { dtype = 3, sizes = { 1 }, strides = { 1 }, sid = 3, count = 1, bytes = u32(0xfffffffe) } },
      { str('b'), tensor2 { dtype = 4, sizes = { 2 }, strides = { 1 }, sid = 4, count = 2, bytes = '\255\7' } },
      { str('e'), tensor2 { dtype = 1, sizes = { 0 }, strides = { 1 } } },
      { str('c'), tensor2 { dtype = 5, sizes = { 2 }, strides = { 1 }, sid = 5, count = 2, bytes = '\255\128' } },
      { str('s'), tensor2 { dtype = 6, sizes = { 2 }, strides = { 1 }, sid = 6, count = 2, bytes = '\254\255\000\128' } },
    }), 2)
    assert.are.same({ 'torch.DoubleTensor', 'torch.LongTensor', 'torch.IntTensor', 'torch.ByteTensor', 'torch.DoubleTensor',
      'torch.CharTensor', 'torch.ShortTensor' },
      { obj.d:type(), obj.l:type(), obj.i:type(), obj.b:type(), obj.e:type(), obj.c:type(), obj.s:type() })
    assert.are.same({ 1 / 3, -1e300, -2 ^ 40 - 3, -2, 255, 7 }, { obj.d[1], obj.d[2], obj.l[1], obj.i[1], obj.b[1], obj.b[2] })
    assert.are.same({ -1, -128, -2, -32768 }, { obj.c[1], obj.c[2], obj.s[1], obj.s[2] }) -- little-endian int16
  end)

  it('refuses an unknown element type code by name', function()
    for _, code in ipairs { 9, 255 } do
      refused_v(2, tbl('', { { str('x'), tensor2 { dtype = code, sizes = { 1 }, strides = { 1 }, sid = 1, count = 1,
        bytes = f64s { 1 } } } }), 'object.x', ('unknown element type code %d'):format(code))
    end
  end)

  it('judges a storage\'s claimed elements by their size before allocating', function()
    refused_v(2, tbl('', { { str('x'), tensor2 { dtype = 1, sizes = { 1 }, strides = { 1 }, sid = 1, count = 2 ^ 40,
      bytes = f64s { 1 } } } }), 'object.x', 'a storage of 1099511627776 Double elements (8796093022208 bytes), but only 8 bytes remain')
    -- two Doubles' worth of bytes read as Longs is fine, but three Doubles claimed in 16 bytes is not
    refused_v(2, tbl('', { { str('x'), tensor2 { dtype = 1, sizes = { 1 }, strides = { 1 }, sid = 1, count = 3,
      bytes = f64s { 1, 2 } } } }), 'a storage of 3 Double elements (24 bytes), but only 16 bytes remain')
    refused_v(2, tbl('', { { str('x'), tensor2 { dtype = 2, sizes = { 3 }, strides = { 1 }, sid = 1, count = 2,
      bytes = f64s { 1, 2 } } } }), 'reaches past its storage of 2 Long elements')
  end)

  it('refuses a tensor of one type on the storage of another', function()
    refused_v(2, tbl('', {
      { str('a'), tensor2 { dtype = 1, sizes = { 2 }, strides = { 1 }, sid = 1, count = 2, bytes = f64s { 1, 2 } } },
      { str('b'), tensor2 { dtype = 2, sizes = { 2 }, strides = { 1 }, sid = 1 } },
    }), 'object.b', 'a Long tensor on the storage of a Double tensor')
  end)
end)

---------------------------------------------------------------------- item 1
describe('stn.load checks every tensor against its storage, whatever its element count', function()
  local function with_empty(t)
    return tbl('', {
      { str('w'), tensor { sizes = { 2 }, strides = { 1 }, sid = 1, floats = { 1, 2 } } },
      { str('e'), tensor(t) },
    })
  end

  it('refuses an empty tensor sharing a storage at a negative offset (-16, -2^40)', function()
    refused(with_empty { offset = -16, sizes = { 0 }, strides = { 1 }, sid = 1 }, 'object.e', 'offset -16 out of range')
    refused(with_empty { offset = -2 ^ 40, sizes = { 0 }, strides = { 1 }, sid = 1 }, 'object.e',
      'offset -1099511627776 out of range')
  end)

  it('refuses an empty tensor whose offset is past the end of its storage', function()
    refused(with_empty { offset = 3, sizes = { 0 }, strides = { 1 }, sid = 1 }, 'object.e',
      'offset 3 is past the end of its storage of 2 floats')
    -- one past the last element is where an empty view of the end sits: accepted, and usable
    local obj = load(with_empty { offset = 2, sizes = { 0 }, strides = { 1 }, sid = 1 })
    assert.are.equal(0, obj.e:nElement())
    obj.e:resize(3):fill(7)
    H.assert_equal(obj.w, stn.Tensor({ 1, 2 }))
  end)

  it('refuses a tensor without storage at a non-zero offset', function()
    refused(tbl('', { { str('e'), tensor { offset = -16, sizes = { 0 }, strides = { 1 } } } }), 'object.e',
      'offset -16 out of range')
    refused(tbl('', { { str('e'), tensor { offset = 5, sizes = { 0 }, strides = { 1 } } } }), 'object.e',
      'a tensor without storage at offset 5 (must be 0)')
  end)

  it('refuses negative, huge and non-representable sizes and strides', function()
    refused(with_empty { sizes = { -1 }, strides = { 1 }, sid = 1 }, 'object.e', 'size 1 -1 out of range (0 to 281474976710656)')
    refused(with_empty { sizes = { 0, 2 ^ 62 }, strides = { 1, 1 }, sid = 1 }, 'object.e', 'size 2 4611686018427387904 out of range')
    refused(with_empty { sizes = { 0 }, strides = { -3 }, sid = 1 }, 'object.e', 'stride 1 -3 out of range')
    refused(with_empty { sizes = { 0, 3 }, strides = { 1, ffi.new('int64_t', 0x7fffffffffffffffLL) }, sid = 1 },
      'object.e', 'stride 2 9223372036854775807 out of range')
    -- each size within the cap, their product not
    refused(with_empty { sizes = { 2 ^ 24, 2 ^ 24, 2 ^ 24 }, strides = { 0, 0, 0 }, sid = 1 }, 'object.e',
      'a tensor of size 16777216x16777216x16777216: more than 281474976710656 elements')
  end)

  it('refuses a tensor of elements without storage, or past the end of its storage', function()
    refused(tbl('', { { str('x'), tensor { sizes = { 3 }, strides = { 1 } } } }), 'object.x', 'a tensor of 3 elements without storage')
    refused(with_empty { offset = 1, sizes = { 2 }, strides = { 1 }, sid = 1 }, 'object.e',
      'a tensor of size 2, strides 1 at offset 1 reaches past its storage of 2 floats')
    refused(with_empty { sizes = { 2, 2 }, strides = { 1, 2 }, sid = 1 }, 'object.e', 'reaches past its storage of 2 floats')
  end)

  it('refuses the issue\'s model: a Linear bias that is an empty view at offset -16 of its weight\'s storage', function()
    -- Before the fix, the first forward pass resized the bias from offset -16 and wrote
    -- in front of the weight's buffer.
    local payload = tbl('', {
      { num(1), tbl('nn.Linear', {
        { str('weight'), tensor { sizes = { 1, 2 }, strides = { 2, 1 }, sid = 1, floats = { 0.5, -0.5 } } },
        { str('bias'), tensor { offset = -16, sizes = { 0 }, strides = { 1 }, sid = 1 } },
        { str('output'), tensor { sizes = {}, strides = {} } },
        { str('gradInput'), tensor { sizes = {}, strides = {} } },
        { str('train'), '\2' },
      }) },
    })
    refused(payload, 'object[1].bias', 'offset -16 out of range')
  end)
end)

---------------------------------------------------------------------- item 6
describe('stn.load refuses overlapping layouts', function()
  local function bias(t)
    return tbl('', {
      { str('weight'), tensor { sizes = { 2 }, strides = { 1 }, sid = 1, floats = { 1, 2 } } },
      { str('bias'), tensor(t) },
    })
  end

  it('refuses a stride-0 view of 2^35 elements over a 2-float storage (a sum of it ran for hours)', function()
    refused(bias { sizes = { 2 ^ 35 }, strides = { 0 }, sid = 1 }, 'object.bias',
      'a tensor of size 34359738368: its layout overlaps: dimension 1 has size 34359738368 and stride 0')
    refused(bias { sizes = { 1, 2 ^ 24, 2 ^ 24 }, strides = { 1, 0, 1 }, sid = 1 }, 'object.bias', 'overlaps')
  end)

  it('refuses dimensions whose strides overlap without being 0', function()
    -- 2x2 with strides 1,1 reaches elements 0,1,1,2 of a 3-float storage
    local payload = tbl('', { { str('x'), tensor { sizes = { 2, 2 }, strides = { 1, 1 }, sid = 1, floats = { 1, 2, 3 } } } })
    refused(payload, 'object.x', 'dimension 2 (size 2, stride 1) steps inside the 2 elements spanned by the dimensions of smaller stride')
  end)

  it('accepts stride 0 (or any stride) on a dimension of size 1, and transposed layouts', function()
    local obj = load(tbl('', {
      { str('a'), tensor { sizes = { 1, 3 }, strides = { 0, 1 }, sid = 1, floats = { 1, 2, 3, 4, 5, 6 } } },
      { str('t'), tensor { sizes = { 3, 2 }, strides = { 1, 3 }, sid = 1 } },
    }))
    H.assert_equal(obj.a, stn.Tensor({ { 1, 2, 3 } }))
    H.assert_equal(obj.t, stn.Tensor({ { 1, 4 }, { 2, 5 }, { 3, 6 } }))
  end)

  it('stn.save refuses an overlapping tensor (it would write a file stn.load refuses)', function()
    local path = dir .. '/expanded.stn'
    local x = stn.Tensor({ 1, 2 }):view(1, 2):expand(3, 2)
    H.assert_error(function() stn.save(path, { m = { x } }) end, 'stn: save', path, 'object.m[1]',
      'a tensor of size 3x2: its layout overlaps', 'x:clone()')
    assert.is_nil(io.open(path, 'rb'))
    stn.save(path, { m = { x:clone() } })
    H.assert_equal(stn.load(path).m[1], stn.Tensor({ { 1, 2 }, { 1, 2 }, { 1, 2 } }))
  end)
end)

describe('stn.load checks that a module\'s parameters fit its configuration', function()
  local function save_load(obj)
    local path = dir .. '/module.stn'
    stn.save(path, obj)
    return path, function() return stn.load(path) end
  end
  local function module_refused(obj, ...)
    local path, f = save_load(obj)
    return H.assert_error(f, 'stn: load', path, ...)
  end

  it('refuses a Linear whose bias, weight or gradients do not fit', function()
    local m = nn.Linear(5, 3)
    m.bias = stn.Tensor(4)
    module_refused(nn.Sequential():add(nn.ReLU()):add(m), 'object.modules[2].bias (in nn.Linear): expected size 3, found 4')
    m = nn.Linear(5, 3)
    m.gradWeight = stn.Tensor(5, 3)
    module_refused({ net = m }, 'object.net.gradWeight (in nn.Linear): expected size 3x5, found 5x3')
    m = nn.Linear(5, 3)
    m.weight = stn.Tensor(15)
    module_refused(m, 'object.weight (in nn.Linear): expected a 2-D tensor with no empty dimension, found 15')
    m.weight = 'weights'
    module_refused(m, 'object.weight (in nn.Linear): expected a tensor, found string')
    -- without bias (and without gradients) is a Linear Torch7 can have
    m = nn.Linear(5, 3):noBias()
    m.gradWeight = nil
    local _, f = save_load(m)
    assert.are.equal('nn.Linear(5 -> 3) without bias', tostring(f()))
  end)

  it('refuses the issue\'s model, byte by byte: a Linear whose bias is a 1-D view of 2^35 elements', function()
    -- (the layout check catches it first; the shape check would too)
    local payload = tbl('nn.Sequential', {
      { str('modules'), tbl('', { { num(1), tbl('nn.Linear', {
        { str('weight'), tensor { sizes = { 2, 1 }, strides = { 1, 1 }, sid = 1, floats = { 1, 2 } } },
        { str('bias'), tensor { sizes = { 2 ^ 35 }, strides = { 0 }, sid = 1 } },
      }) } }) },
    })
    refused(payload, 'object.modules[1].bias', 'overlaps')
    -- the same with a bias that fits its storage but not the weight
    payload = tbl('nn.Sequential', {
      { str('modules'), tbl('', { { num(1), tbl('nn.Linear', {
        { str('weight'), tensor { sizes = { 2, 1 }, strides = { 1, 1 }, sid = 1, floats = { 1, 2, 3 } } },
        { str('bias'), tensor { sizes = { 3 }, strides = { 1 }, sid = 1 } },
      }) } }) },
    })
    refused(payload, 'object.modules[1].bias (in nn.Linear): expected size 2, found 3')
  end)

  it('refuses a convolution whose weight or bias does not fit its planes and kernel', function()
    local m = nn.SpatialConvolution(3, 4, 5, 3)
    m.weight = stn.Tensor(4, 3, 5, 3)
    module_refused(m, 'object.weight (in nn.SpatialConvolution): expected size 4x3x3x5, found 4x3x5x3')
    m = nn.SpatialConvolutionMM(3, 4, 5, 3)
    m.nInputPlane = 2
    module_refused({ m }, 'object[1].weight (in nn.SpatialConvolutionMM): expected size 4x2x3x5, found 4x3x3x5')
    m = nn.SpatialConvolution(3, 4, 5, 3)
    m.gradBias = stn.Tensor(3)
    module_refused(m, 'object.gradBias (in nn.SpatialConvolution): expected size 4, found 3')
    m = nn.SpatialConvolution(3, 4, 5, 3)
    m.kW = 0
    module_refused(m, 'object.kW (in nn.SpatialConvolution): expected an integer from 1 to 2^31 - 1, found 0')
    m = nn.SpatialConvolution(3, 4, 5, 3)
    m.padH = 0 / 0
    module_refused(m, 'object.padH (in nn.SpatialConvolution): expected an integer from 0 to 2^31 - 1, found nan')
  end)

  it('refuses normalization kernels and transformer settings that the constructors refuse', function()
    local m = nn.SpatialContrastiveNormalization(3, stn.Tensor(5):fill(0.2))
    m.kernel = stn.Tensor(4):fill(0.25)
    module_refused(m, 'object.kernel (in nn.SpatialContrastiveNormalization): expected a 1-D or 2-D tensor of odd sizes, found 4')
    m = nn.SpatialDivisiveNormalization(3)
    m.kernel = stn.Tensor(3, 3, 3)
    module_refused(m, 'object.kernel (in nn.SpatialDivisiveNormalization)', 'found 3x3x3')
    m = nn.SpatialSubtractiveNormalization(3)
    m.nInputPlane = -1
    module_refused(m, 'object.nInputPlane (in nn.SpatialSubtractiveNormalization)', 'found -1')
    m = nn.AffineTransformMatrixGenerator(true, false, true)
    m.nbParams = 6
    module_refused(m, 'object.nbParams (in nn.AffineTransformMatrixGenerator): expected 3, found 6')
    m = nn.AffineTransformMatrixGenerator(true, false, true)
    m.useScale = 1
    module_refused(m, 'object.useScale (in nn.AffineTransformMatrixGenerator): expected true or false, found 1')
    m = nn.AffineGridGeneratorBHWD(4, 5)
    m.height = 1
    module_refused(m, 'object.height (in nn.AffineGridGeneratorBHWD): expected an integer from 2')
    m = nn.AffineGridGenerator(4, 5, { alignCorners = false })
    m.width = 1 -- one pixel is fine without aligned corners
    save_load(m)
    m.width = 0
    module_refused(m, 'object.width (in nn.AffineGridGenerator): expected an integer from 1')
    m = nn.GridSampler()
    m.padding = 'wrap'
    module_refused(m, "object.padding (in nn.GridSampler): expected zeros or border or reflection, found wrap")
    m.padding = 'zeros'
    m.mode = 'cubic'
    module_refused(m, "object.mode (in nn.GridSampler): expected bilinear or nearest or bicubic, found cubic")
  end)

  it('refuses pooling windows the C kernels would take as wrapped ints', function()
    local m = nn.SpatialMaxPooling(2, 2)
    m.kW = 2 ^ 32 + 2
    module_refused({ m }, 'object[1].kW (in nn.SpatialMaxPooling): expected an integer from 1 to 2^31 - 1')
    m = nn.SpatialAveragePooling(3, 3)
    m.padH = 2
    module_refused(m, 'object.padH (in nn.SpatialAveragePooling): more than half of kH = 3')
    m = nn.SpatialAveragePooling(3, 3)
    m.dW = 1.5
    module_refused(m, 'object.dW (in nn.SpatialAveragePooling)', 'found 1.5')
    m = nn.SpatialMaxPooling(2, 2):ceil()
    local _, f = save_load(m)
    assert.is_true(f().ceil_mode)
  end)

  it('names the path inside a spatial transformer', function()
    local locnet = nn.Sequential():add(nn.View(2 * 6 * 6)):add(nn.Linear(2 * 6 * 6, 4))
    local st = nn.SpatialTransformer { locnet = locnet, transform = { 'rotation', 'scale', 'translation' }, height = 4, width = 5 }
    st.modules[2].bias = stn.Tensor(6)
    module_refused({ net = nn.Sequential():add(st) }, 'object.net.modules[1].modules[2].bias (in nn.Linear): expected size 4, found 6')
  end)
end)

---------------------------------------------------------------------- item 12
describe('stn.load judges claimed sizes without overflow', function()
  it('says what a storage of 2^61 floats would need, exactly', function()
    local payload = tbl('', { { str('x'), tensor { sizes = { 1 }, strides = { 1 }, sid = 1, floats = { 1 }, count = 2 ^ 61 } } })
    local err = refused(payload, 'object.x', 'storage size 2305843009213693952 out of range (1 to 281474976710656)')
    assert.is_nil(err:find('-9223372036854775808', 1, true), err)
  end)

  it('says how many bytes a storage under the cap needs and how many remain', function()
    local payload = tbl('', { { str('x'), tensor { sizes = { 1 }, strides = { 1 }, sid = 1, floats = { 1 }, count = 2 ^ 48 } } })
    refused(payload, 'object.x', 'a storage of 281474976710656 floats (1125899906842624 bytes), but only 4 bytes remain')
    refused(tbl('', { { str('x'), tensor { sizes = { 1 }, strides = { 1 }, sid = 1, floats = { 1 }, count = -1 } } }),
      'storage size -1 out of range')
    refused(tbl('', { { str('x'), tensor { sizes = { 1 }, strides = { 1 }, sid = 1, floats = { 1 },
      count = ffi.new('int64_t', -0x7fffffffffffffffLL - 1) } } }), 'storage size -9223372036854775808 out of range')
  end)

  it('refuses a string longer than the payload without reading it', function()
    refused(tbl('', { { str('x'), '\4' .. u32(0xffffffff) .. 'abc' } }), 'object.x', '4294967295 more bytes needed')
    refused(tbl('', { { ref(7), num(1) } }), 'reference to unknown object 7')
  end)
end)

---------------------------------------------------------------------- NaN bit patterns
-- LuaJIT 2.1 (Debian 12's) reads a NaN whose sign and payload bits are set as nil, a
-- light userdata or a prototype; the fuzzer's crashes and hangs of stn.load came from
-- such numbers used as keys. Every NaN from a file must load as Lua's own NaN.
describe('stn.load reads every NaN bit pattern as a NaN', function()
  local function raw64(hex) scratch.i = ffi.new('int64_t', ffi.new('uint64_t', hex)); return '\3' .. ffi.string(scratch.b, 8) end

  it('in numbers: as a key it is refused as NaN, as a value it is NaN', function()
    for _, bits in ipairs { 0xffffffffffffffffULL, 0xfffc0000ffffffffULL, 0xfff9000000000000ULL } do
      refused(tbl('', { { raw64(bits), num(1) } }), 'a nil or NaN key')
      local t = load(tbl('', { { str('x'), raw64(bits) } }))
      assert.are.equal('number', type(t.x))
      assert.is_true(t.x ~= t.x)
    end
  end)

  it('in tensors: every element reads as a NaN number', function()
    local a = ffi.new('uint32_t[3]', 0xffffffff, 0xfff00001, 0x7fffffff)
    local payload = tbl('', { { str('x'), tensor { sizes = { 3 }, strides = { 1 }, sid = 1, floats = { 0, 0, 0 } } } })
    -- the three floats are the payload's last 12 bytes
    payload = payload:sub(1, -13) .. ffi.string(a, 12)
    local x = load(payload).x
    for i = 1, 3 do
      assert.are.equal('number', type(x[i]))
      assert.is_true(x[i] ~= x[i])
    end
    -- and the raw storage holds only plain NaNs, whatever reads it
    local bits = ffi.cast('uint32_t *', x:data())
    for i = 0, 2 do assert.is_true(bits[i] <= 0xff800000 or bits[i] == 0xffc00000, ('%x'):format(bits[i])) end
  end)
end)
