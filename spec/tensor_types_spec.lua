-- Typed tensors (Torch7's classes per element type) and storages: construction, names,
-- element reads and writes, conversions between types, copies, storages and their views.
local stn = require 'stn'
local H = require 'helpers'

local CPU_TYPES = { 'Float', 'Double', 'Long', 'Int', 'Byte', 'Char', 'Short' }

describe('typed tensors', function()
  it('one class per type, each constructing its own type in every form', function()
    for _, part in ipairs(CPU_TYPES) do
      local class = stn[part .. 'Tensor']
      local name = 'torch.' .. part .. 'Tensor'
      assert.are.equal(name, class(2, 3):type())
      assert.are.equal(name, class():type())
      assert.are.equal(name, class.new(2):type())
      assert.are.equal(name, stn.typename(class({ { 1, 2 }, { 3, 4 } })))
      assert.are.same({ { 1, 2 }, { 3, 4 } }, class({ { 1, 2 }, { 3, 4 } }):totable())
      local x = class({ 5, 6, 7 })
      assert.are.equal(name, x.new():type()) -- x.new is the constructor of x's type
      assert.are.equal(name, x:new():type())
      assert.are.equal(name, x:clone():type())
      assert.are.equal(name, x:narrow(1, 2, 2):type())
      assert.are.equal(6, x[2])
      assert.are.equal(name, x:view(3, 1):type())
    end
  end)

  it('reads and writes elements exactly in each type', function()
    local d = stn.DoubleTensor(2)
    d[1], d[2] = 0.1, 1 / 3
    assert.are.equal(0.1, d[1]) -- a double keeps the Lua number exactly
    assert.are.equal(1 / 3, d[2])
    local f = stn.FloatTensor({ 0.1 })
    assert.are_not.equal(0.1, f[1]) -- a float rounds it
    local l = stn.LongTensor(1)
    l[1] = 2 ^ 40 + 1
    assert.are.equal(2 ^ 40 + 1, l[1])
    l[1] = -2.7 -- toward zero, as Torch7's C cast
    assert.are.equal(-2, l[1])
    local b = stn.ByteTensor(2)
    b[1], b[2] = 0, 255
    assert.are.same({ 0, 255 }, b:totable())
    assert.are.equal(255, b:narrow(1, 2, 1):item())
    local c, s = stn.CharTensor(2), stn.ShortTensor(2)
    c[1], c[2] = -128, 127
    s[1], s[2] = -32768, 32767
    assert.are.same({ -128, 127 }, c:totable())
    assert.are.same({ -32768, 32767 }, s:totable())
    assert.are.same({ 1, 1, 2, 2 }, { c:elementSize(), stn.ByteTensor():elementSize(), s:elementSize(),
                                      stn.ShortStorage(1):elementSize() })
  end)

  it('wraps a value written into an integer type as Torch7 does; refuses one without an integer', function()
    local b, i = stn.ByteTensor(1), stn.IntTensor(1)
    b[1] = 256
    assert.are.equal(0, b[1])
    b[1] = -1.5 -- toward zero, then modulo 256
    assert.are.equal(255, b[1])
    i[1] = 2 ^ 31
    assert.are.equal(-2 ^ 31, i[1])
    assert.are.same({ 1, 44 }, stn.ByteTensor({ 1, 300 }):totable())
    -- Char and Short are signed: 128 wraps to -128, 32768 to -32768, -1.5 is -1
    assert.are.same({ -128, 127, -1, 44 }, stn.CharTensor({ 128, -129, -1.5, 300 }):totable())
    assert.are.same({ -32768, 32767, -1, 4464 }, stn.ShortTensor({ 32768, -32769, 65535, 70000 }):totable())
    H.assert_error(function() stn.CharTensor({ 0 / 0 }) end, 'nan has no integer value for a torch.CharTensor')
    H.assert_error(function() i[1] = 0 / 0 end, 'nan has no integer value for a torch.IntTensor')
    H.assert_error(function() stn.LongTensor({ math.huge }) end, 'inf has no integer value for a torch.LongTensor')
    H.assert_error(function() stn.LongTensor({ 2 ^ 63 }) end, 'has no integer value for a torch.LongTensor')
  end)

  it('converts between every pair of types with :type, the named methods and copy', function()
    local src = stn.DoubleTensor({ { 1.75, -2.5 }, { 3, 250 } })
    for _, part in ipairs { 'Float', 'Double', 'Long', 'Int', 'Short', 'Char' } do
      local name = 'torch.' .. part .. 'Tensor'
      local y = src:type(name)
      assert.are.equal(name, y:type())
      local want = (part == 'Float' or part == 'Double') and { { 1.75, -2.5 }, { 3, 250 } }
        or part == 'Char' and { { 1, -2 }, { 3, -6 } } -- 250 wraps to 250 - 256
        or { { 1, -2 }, { 3, 250 } }
      assert.are.same(want, y:totable())
      assert.are.equal(y, y:type(name)) -- already of that type: itself
      assert.are.equal(name, src:typeAs(y):type())
    end
    assert.are.same({ { 1, 2 }, { 3, 250 } }, stn.DoubleTensor({ { 1.75, 2.5 }, { 3, 250 } }):byte():totable())
    assert.are.equal('torch.DoubleTensor', stn.Tensor({ 1 }):double():type())
    assert.are.equal('torch.LongTensor', stn.Tensor({ 1 }):long():type())
    assert.are.equal('torch.IntTensor', stn.Tensor({ 1 }):int():type())
    assert.are.equal('torch.FloatTensor', stn.LongTensor({ 1 }):float():type())
    assert.are.equal('torch.CharTensor', stn.Tensor({ 1 }):char():type())
    assert.are.equal('torch.ShortTensor', stn.Tensor({ 1 }):short():type())
    assert.are.same({ { 1, 2 }, { 3, 4 } }, stn.CharTensor({ { 1, 2 }, { 3, 4 } }):short():t():t():double():totable())
    -- copy converts too, into any layout
    local dst = stn.IntTensor(2, 2):t()
    dst:copy(stn.FloatTensor({ { 1.5, 2.5 }, { -3.5, 4 } }))
    assert.are.same({ { 1, 2 }, { -3, 4 } }, dst:totable())
  end)

  it('wraps converted values as Torch7 does; refuses a value without an integer, naming both types', function()
    H.assert_error(function() stn.Tensor({ 1, 0 / 0 }):long() end, 'Tensor:long', 'Float value is NaN, infinite or beyond int64, so it has no Long value')
    H.assert_error(function() stn.DoubleTensor({ math.huge }):byte() end, 'Tensor:byte', 'no Byte value')
    H.assert_error(function() stn.DoubleTensor({ 2 ^ 64 }):int() end, 'no Int value')
    assert.are.same({ 0, 255, 254 }, stn.DoubleTensor({ 256, -1, -2.9 }):byte():totable())
    assert.are.same({ -2 ^ 31 }, stn.DoubleTensor({ 2 ^ 31 }):int():totable())
    -- between integer types the value wraps as C's conversion (and Torch7's) does
    assert.are.same({ 44 }, stn.LongTensor({ 300 }):byte():totable())
    assert.are.same({ -1 }, stn.LongTensor({ 2 ^ 32 - 1 }):int():totable())
    -- to Char and Short: signed wrap, modulo 2^8 and 2^16
    assert.are.same({ -128, 127, -1, -2 }, stn.DoubleTensor({ 128, -129, 255, -2.9 }):char():totable())
    assert.are.same({ -56, 127, 0 }, stn.ByteTensor({ 200, 127, 0 }):char():totable())
    assert.are.same({ 255, 128, 127 }, stn.CharTensor({ -1, -128, 127 }):byte():totable())
    assert.are.same({ -32768, 32767, -1 }, stn.IntTensor({ 32768, -32769, 65535 }):short():totable())
    assert.are.same({ 1, -1 }, stn.ShortTensor({ 257, -1 }):char():totable())
    assert.are.same({ -1, 127 }, stn.CharTensor({ -1, 127 }):short():totable())
    assert.are.same({ -1, -32768 }, stn.ShortTensor({ -1, -32768 }):long():totable())
    assert.are.same({ -1.5, 0 }, { stn.ShortTensor({ -1 }):float()[1] - 0.5, stn.FloatTensor({ 0.5 }):short()[1] })
    H.assert_error(function() stn.FloatTensor({ 0 / 0 }):char() end, 'Tensor:char', 'no Char value')
    H.assert_error(function() stn.DoubleTensor({ math.huge }):short() end, 'Tensor:short', 'no Short value')
  end)

  it('views keep the type and refuse another one', function()
    local d, f = stn.DoubleTensor(2, 2), stn.FloatTensor(2, 2)
    H.assert_error(function() f:set(d) end, 'Tensor:set', 'cannot view a torch.DoubleTensor from a torch.FloatTensor')
    H.assert_error(function() stn.FloatTensor(d) end, 'cannot view a torch.DoubleTensor as a torch.FloatTensor')
    H.assert_error(function() f:view(d, 4) end, 'Tensor:view', 'cannot make a torch.FloatTensor a view of a torch.DoubleTensor')
    assert.are.equal('torch.DoubleTensor', stn.DoubleTensor(d):type())
  end)

  it('names the types stn does not have', function()
    H.assert_error(function() stn.Tensor(1):type('torch.BoolTensor') end, 'stn has no torch.BoolTensor')
    H.assert_error(function() stn.Tensor(1):type('torch.ComplexFloatTensor') end, 'stn has no torch.ComplexFloatTensor')
  end)

  it('an op that computes in float only refuses another type by name, never misreads it', function()
    local images = stn.Tensor(1, 1, 2, 2):zero():long()
    local grid = stn.Tensor(1, 2, 2, 2):zero()
    H.assert_error(function() stn.nn.BilinearSamplerBHWD():forward({ images, grid }) end, 'Long')
  end)

  it('setdefaulttensortype switches what stn.Tensor makes between Float and Double', function()
    assert.are.equal('torch.FloatTensor', stn.getdefaulttensortype())
    stn.setdefaulttensortype('torch.DoubleTensor')
    local ok, err = pcall(function()
      assert.are.equal('torch.DoubleTensor', stn.getdefaulttensortype())
      assert.are.equal('torch.DoubleTensor', stn.Tensor(2):type())
      assert.are.equal('torch.DoubleStorage', stn.type(stn.Storage(2)))
    end)
    stn.setdefaulttensortype('torch.FloatTensor')
    assert(ok, err)
    assert.are.equal('torch.FloatTensor', stn.Tensor(2):type())
    H.assert_error(function() stn.setdefaulttensortype('torch.ByteTensor') end, 'not torch.ByteTensor')
  end)

  H.cuda_it('CUDA tensors of every type: construction, copies and conversions through the host', function()
    local l = stn.CudaLongTensor({ 1, 2, 3 })
    assert.are.equal('torch.CudaLongTensor', l:type())
    assert.are.same({ 1, 2, 3 }, l:long():totable())
    assert.are.equal('torch.CudaTensor', l:cuda():type())
    assert.are.same({ 1, 2, 3 }, l:cuda():float():totable())
    assert.are.same({ 1, 2 }, stn.Tensor({ 1.5, 2.5 }):cudaByte():byte():totable())
    assert.are.equal(2, l[2])
    l[2] = 7
    assert.are.same({ 1, 7, 3 }, l:long():totable())
    -- Char and Short: 1- and 2-byte elements, strided device copies and fills
    local c = stn.CharTensor({ { 1, -2 }, { 127, -128 } }):cudaChar()
    assert.are.equal('torch.CudaCharTensor', c:type())
    assert.are.same({ { 1, 127 }, { -2, -128 } }, c:t():clone():char():totable())
    local s = stn.ShortTensor({ { 1, -2 }, { 32767, -32768 } }):cudaShort()
    assert.are.equal('torch.CudaShortTensor', s:type())
    assert.are.same({ { 1, 32767 }, { -2, -32768 } }, s:t():clone():short():totable())
    assert.are.same({ -1, -1, -1 }, stn.CudaShortTensor(3):fill(-1):short():totable())
    assert.are.same({ -3, -3 }, stn.CudaCharTensor(2):fill(-3):char():totable())
    assert.are.same({ 200, 255 }, stn.Tensor({ 200, -1 }):cudaShort():cudaByte():byte():totable())
  end)
end)

describe('storages', function()
  it('x:storage() shares the tensor memory, with Torch7 indexing, size, fill and copy', function()
    local x = stn.FloatTensor({ { 1, 2 }, { 3, 4 } })
    local s = x:storage()
    assert.are.equal('torch.FloatStorage', stn.type(s))
    assert.is_true(stn.isStorage(s))
    assert.are.equal(4, s:size())
    assert.are.equal(3, s[3])
    s[1] = 10
    assert.are.equal(10, x[1][1])
    s:fill(5)
    assert.are.same({ { 5, 5 }, { 5, 5 } }, x:totable())
    s:copy(stn.FloatStorage({ 1, 2, 3, 4 }))
    assert.are.same({ { 1, 2 }, { 3, 4 } }, x:totable())
    assert.is_nil(stn.FloatTensor():storage()) -- no storage, as Torch7
    assert.is_true(x:storage() == x:t():storage()) -- two views of one storage: equal storages
    assert.is_false(x:storage() == x:clone():storage())
    H.assert_error(function() return s[5] end, 'FloatStorage:[]', 'index 5 out of range (size 4)')
    H.assert_error(function() s:copy(stn.FloatStorage(3)) end, 'the source has 3 elements but the storage 4')
  end)

  it('views of part of a storage, as Torch7 (torch.XStorage(s, offset, size))', function()
    local s = stn.FloatStorage(10):fill(0)
    local v = stn.FloatStorage(s, 3, 5)
    v:fill(1)
    assert.are.same({ 0, 0, 1, 1, 1, 1, 1, 0, 0, 0 }, s:totable())
    assert.are.equal(5, v:size())
    H.assert_error(function() v:resize(2) end, 'cannot be resized')
    H.assert_error(function() stn.FloatStorage(s, 8, 5) end, 'size must be an integer from 0 to 3')
    H.assert_error(function() stn.FloatStorage(stn.LongStorage(2)) end, 'cannot view a torch.LongStorage as a torch.FloatStorage')
    -- a tensor over a view is bounded by the view
    local t = stn.FloatTensor(v, 2, { 3 })
    assert.are.same({ 1, 1, 1 }, t:totable())
    H.assert_error(function() stn.FloatTensor(v, 2, { 5 }) end, 'past the 5 of the storage')
  end)

  it('resizes in place, keeping the first elements, and tensors see the new memory', function()
    local s = stn.DoubleStorage({ 1, 2, 3 })
    s:resize(5)
    assert.are.equal(5, s:size())
    assert.are.same({ 1, 2, 3 }, { s[1], s[2], s[3] })
    s:resize(2)
    assert.are.same({ 1, 2 }, s:totable())
    local e = stn.FloatStorage()
    assert.are.equal(0, e:size())
    e:resize(3):fill(2)
    assert.are.same({ 2, 2, 2 }, e:totable())
  end)

  it('a LongStorage passes sizes where Torch7 takes them; the tensor constructor takes a storage', function()
    local sz = stn.LongStorage({ 2, 3 })
    assert.are.same({ 2, 3 }, stn.FloatTensor(sz):size():totable())
    assert.are.same({ 2, 3 }, stn.FloatTensor():resize(sz):size():totable())
    assert.are.same({ 3, 2 }, stn.FloatTensor(6):view(stn.LongStorage({ 3, 2 })):size():totable())
    assert.is_true(stn.FloatTensor(2, 3):isSize(sz))
    assert.is_false(stn.FloatTensor(3, 2):isSize(sz))
    assert.is_true(stn.Tensor.isTensor(stn.LongTensor()) and not stn.Tensor.isTensor(sz))
    -- for a LongTensor, its own storage type is the storage form
    assert.are.same({ 2, 3 }, stn.LongTensor(sz):totable())
    local s = stn.DoubleStorage({ 1, 2, 3, 4, 5, 6 })
    local t = stn.DoubleTensor(s, 2, stn.LongStorage({ 2, 2 }), stn.LongStorage({ 2, 1 }))
    assert.are.same({ { 2, 3 }, { 4, 5 } }, t:totable())
    local u = stn.DoubleTensor():set(s, 4)
    assert.are.same({ 4, 5, 6 }, u:totable())
    -- Torch7's numbers form: storageOffset, size1 [, stride1 [, size2, stride2 ...]]
    assert.are.same({ 2, 3, 4 }, stn.DoubleTensor(s, 2, 3):totable())
    assert.are.same({ { 1, 2, 3 }, { 4, 5, 6 } }, stn.DoubleTensor(s, 1, 2, 3, 3, 1):totable())
    assert.are.same({ 6 }, stn.DoubleTensor(6).new(s, 1, 6):size():totable())
    H.assert_error(function() stn.DoubleTensor(s, 1, 2, 'x') end, 'argument 4', 'numbers here, got a string')
  end)

  it('ByteStorage and CharStorage strings, and printing as Torch7', function()
    local b = stn.ByteStorage():string('hi')
    assert.are.same({ 104, 105 }, b:totable())
    assert.are.equal('hi', b:string())
    local c = stn.CharStorage():string('a\255')
    assert.are.same({ 97, -1 }, c:totable())
    assert.are.equal('a\255', c:string())
    assert.are.equal(' 1\n-2\n[torch.ShortStorage of size 2]\n', tostring(stn.ShortStorage({ 1, -2 })))
    assert.are.equal(' 1\n 2\n[torch.LongStorage of size 2]\n', tostring(stn.LongStorage({ 1, 2 })))
    assert.are.equal(' 0.5000\n 1.2500\n[torch.DoubleStorage of size 2]\n', tostring(stn.DoubleStorage({ 0.5, 1.25 })))
    assert.are.equal('[torch.FloatStorage of size 0]\n', tostring(stn.FloatStorage()))
    H.assert_error(function() stn.FloatStorage(2):string('x') end, 'only torch.ByteStorage and torch.CharStorage have string()')
  end)

  it('bad arguments are errors naming the storage type', function()
    H.assert_error(function() stn.LongStorage(-1) end, 'LongStorage', 'the size must be an integer')
    H.assert_error(function() stn.LongStorage(2.5) end, 'LongStorage', 'the size must be an integer')
    H.assert_error(function() stn.LongStorage({ 1, 'x' }) end, 'entry 2 is a string')
    H.assert_error(function() stn.ByteStorage({ 0 / 0 }) end, 'has no integer value for a torch.ByteTensor')
    H.assert_error(function() stn.FloatStorage('file.bin') end, 'the file form')
    H.assert_error(function() stn.FloatStorage(2).x = 1 end, 'storages take number keys only')
  end)
end)

describe('multinomial', function()
  it('draws 1-based category indices as a LongTensor, in proportion to the weights', function()
    stn.manualSeed(7)
    local p = stn.Tensor({ 1, 1, 0.5, 0 }) -- Torch7's example
    local a = stn.multinomial(p, 20000, true)
    assert.are.equal('torch.LongTensor', a:type())
    assert.are.same({ 20000 }, a:size():totable())
    local counts = { 0, 0, 0, 0 }
    for i = 1, 20000 do counts[a[i]] = counts[a[i]] + 1 end
    assert.are.equal(0, counts[4]) -- weight 0: never drawn
    for k, share in ipairs { 0.4, 0.4, 0.2 } do assert.is_true(math.abs(counts[k] / 20000 - share) < 0.02, k) end
    -- the same seed, the same indices
    stn.manualSeed(7)
    H.assert_equal(stn.multinomial(p, 20000, true), a)
  end)

  it('without replacement every index of a row is distinct; rows of a matrix draw apart', function()
    stn.manualSeed(3)
    local p = stn.DoubleTensor({ { 1, 2, 3, 4 }, { 0, 0, 5, 0 } })
    local y = p:multinomial(1)
    assert.are.same({ { 2, 1 } }, { y:size():totable() })
    assert.are.equal(3, y[2][1]) -- the only category of non-zero weight
    local all = stn.multinomial(stn.Tensor({ 3, 1, 2 }), 3)
    local seen = {}
    for i = 1, 3 do seen[all[i]] = true end
    assert.is_true(seen[1] and seen[2] and seen[3])
    local res = stn.LongTensor()
    assert.are.equal(res, stn.multinomial(res, p, 2, true)) -- result first
    assert.are.same({ 2, 2 }, res:size():totable())
    assert.are.equal(res, res:multinomial(p, 1)) -- Torch7's p.multinomial(res, p, n)
  end)

  it('refuses what has no distribution to draw from, naming it', function()
    H.assert_error(function() stn.multinomial(stn.Tensor({ 1, 0 }), 2) end, 'row 1 has 1 categories of non-zero probability, 2 draws')
    H.assert_error(function() stn.multinomial(stn.Tensor({ -1, 1 }), 1) end, 'probability -1 at row 1, category 1')
    H.assert_error(function() stn.multinomial(stn.Tensor({ 0, 0 }), 1, true) end, 'row 1 sums to 0')
    H.assert_error(function() stn.multinomial(stn.Tensor({ 0 / 0, 1 }), 1, true) end, 'nan at row 1, category 1')
    H.assert_error(function() stn.multinomial(stn.Tensor({ 1 }), 0) end, 'n must be a positive integer')
    H.assert_error(function() stn.multinomial(stn.LongTensor({ 1 }), 1) end, 'Long tensors are not supported')
    H.assert_error(function() stn.multinomial(stn.Tensor(2), stn.Tensor({ 1 }), 1) end, 'the result must be a torch.LongTensor')
    H.assert_error(function() stn.multinomial(stn.Tensor({ 1 }), 1, 'yes') end, 'replacement must be a boolean')
  end)
end)

describe("Torch7's small torch.* functions", function()
  it('seed, initialSeed, tic/toc, numel, zero, fill', function()
    local s = stn.seed()
    assert.are.equal(s, stn.initialSeed())
    local a = stn.Tensor(3):uniform()
    stn.manualSeed(s)
    H.assert_equal(stn.Tensor(3):uniform(), a)
    stn.manualSeed(12)
    assert.are.equal(12, stn.initialSeed())
    local t = stn.tic()
    assert.is_true(stn.toc(t) >= 0)
    assert.are.equal(6, stn.numel(stn.DoubleTensor(2, 3)))
    assert.are.same({ 0, 0 }, stn.zero(stn.LongTensor({ 4, 5 })):totable())
    assert.are.same({ 7, 7 }, stn.fill(stn.ByteTensor(2), 7):totable())
    H.assert_error(function() stn.numel(3) end, 'stn: numel: expected a tensor')
    H.assert_error(function() stn.toc() end, 'stn: toc: expected the number torch.tic() gave')
  end)
end)

describe('functional forms with a type name last (Torch7\'s dispatch)', function()
  it('make their result of that type when no tensor comes first', function()
    assert.are.equal('torch.DoubleTensor', stn.zeros(2, 3, 'torch.DoubleTensor'):type())
    assert.are.same({ 2, 3 }, stn.zeros(2, 3, 'torch.DoubleTensor'):size():totable())
    assert.are.equal('torch.IntTensor', stn.ones(stn.LongStorage({ 2 }), 'torch.IntTensor'):type())
    assert.are.same({ 1, 2, 3 }, stn.range(1, 3, 'torch.LongTensor'):totable())
    assert.are.equal('torch.ByteTensor', stn.eye(2, 'torch.ByteTensor'):type())
    H.assert_error(function() stn.zeros(2, 'torch.Foo') end, 'stn: zeros', 'expected', 'got (number, string)')
    H.assert_error(function() stn.add(stn.Tensor(2), 1, 'torch.DoubleTensor') end, 'stn: add', 'got (tensor, number, string)')
    if not stn.hasCUDA() then H.assert_error(function() stn.zeros(2, 'torch.CudaTensor') end, 'stn: zeros', 'no CUDA device') end
  end)
end)
