-- stn.save / stn.load: exact round trips of plain tables, tensors (storage sharing
-- kept), every nn module file (found by listing lua/stn/nn/ and lua/stn/spatial/, so
-- modules added later are covered), whole networks, CUDA to CPU; and every kind of damaged file.
local H = require 'helpers'
local read, write, listing = H.slurp, H.spit, H.listing
local stn = H.stn
local nn = stn.nn
local serialize = require 'stn.serialize'
require 'nn_testmodules'

local dir = os.tmpname()
os.remove(dir)
assert(os.execute('mkdir -p ' .. dir) == 0 or true)
local function tmp(name) return dir .. '/' .. name end
local function roundtrip(obj, opts)
  local path = tmp('roundtrip.stn')
  stn.save(path, obj)
  return stn.load(path, opts)
end

-- Asserts a and b hold the same values (tensors bit for bit, with their sizes).
local function assert_same(a, b, where, seen)
  where, seen = where or 'object', seen or {}
  if stn.isTensor(a) then
    assert(stn.isTensor(b), where .. ': expected a tensor')
    assert.are.same(a:size():totable(), b:size():totable(), where)
    if a:nElement() > 0 then H.assert_equal(b, a, where) end
    return
  end
  if type(a) ~= 'table' then
    if a ~= a then assert(b ~= b, where .. ': expected NaN') else assert.are.equal(a, b, where) end
    return
  end
  assert.are.equal('table', type(b), where)
  if seen[a] then return end
  seen[a] = true
  assert.are.equal(getmetatable(a), getmetatable(b), where .. ': metatable')
  for k, v in pairs(a) do
    if type(k) ~= 'table' and not stn.isTensor(k) then assert_same(v, b[k], where .. '.' .. tostring(k), seen) end
  end
  for k in pairs(b) do
    if type(k) ~= 'table' and not stn.isTensor(k) then assert(a[k] ~= nil, where .. ': extra key ' .. tostring(k)) end
  end
end

describe('stn.save / stn.load of plain values', function()
  it('keeps numbers exact, strings byte for byte, booleans and nesting', function()
    local bytes = {}
    for i = 0, 255 do bytes[#bytes + 1] = string.char(i) end
    local obj = {
      0.1, 1 / 3, math.pi, 2 ^ 53 + 2, -0.0, math.huge, -math.huge, 0 / 0, 4.9e-324, 2 ^ 63, -12345,
      s = table.concat(bytes), empty = '', long = ('x'):rep(100000), yes = true, no = false,
      nested = { a = { b = { c = { 'deep' } } } }, [1.5] = 'float key', [true] = 'bool key',
    }
    local back = roundtrip(obj)
    assert_same(obj, back)
    assert.are.equal(-math.huge, 1 / back[5]) -- -0 stays -0
    assert.are.equal('float key', back[1.5])
    assert.are.equal('bool key', back[true])
  end)

  it('keeps shared references shared and cycles closed', function()
    local shared = { 1, 2 }
    local obj = { a = shared, b = shared, list = { shared } }
    obj.self = obj
    local key = { 'k' }
    obj[key] = key
    local back = roundtrip(obj)
    assert.are.equal(back.a, back.b)
    assert.are.equal(back.a, back.list[1])
    assert.are.equal(back, back.self)
    local k2
    for k in pairs(back) do if type(k) == 'table' then k2 = k end end
    assert.are.equal(k2, back[k2])
    assert.are.same({ 'k' }, k2)
  end)

  it('refuses what it cannot save, naming where it is', function()
    local path = tmp('bad.stn')
    H.assert_error(function() stn.save(path, { a = { b = print } }) end, 'stn: save', path, 'object.a.b', 'function')
    H.assert_error(function() stn.save(path, { io.stdout }) end, 'object[1]', 'userdata')
    H.assert_error(function() stn.save(path, setmetatable({}, {})) end, 'metatable that is not a registered class')
    H.assert_error(function() stn.save(path, nil) end, 'nothing to save')
    assert.is_nil(io.open(path, 'rb'))
  end)
end)

describe('stn.save / stn.load of tensors', function()
  it('keeps values, sizes, strides and storage sharing', function()
    local x = H.rand({ 3, 4, 5 })
    local obj = { x = x, t = x:transpose(1, 3), n = x:narrow(2, 2, 2), empty = stn.Tensor(), zero = stn.Tensor(0) }
    local back = roundtrip(obj)
    assert_same(obj, back)
    assert.are.same({ 5, 4, 3 }, back.t:size():totable())
    assert.is_false(back.t:isContiguous())
    assert.are.equal(back.x.mem, back.t.mem)
    assert.are.equal(back.x.mem, back.n.mem)
    back.x[1][2][1] = 42
    assert.are.equal(42, back.n[1][1][1])
    assert.are.equal(0, back.empty:dim())
  end)

  it('saves only the part of a storage that its tensors use', function()
    local big = stn.Tensor(1000000):fill(1)
    local path = tmp('small.stn')
    stn.save(path, big:narrow(1, 500, 10))
    assert.is_true(#read(path) < 200, #read(path) .. ' bytes')
    H.assert_equal(stn.load(path), stn.Tensor(10):fill(1))
  end)

  it('keeps every element type, values exact, and storage sharing', function()
    local d = stn.DoubleTensor(2, 3)
    local vals = { 1 / 3, -1e300, 0 / 0, 2 ^ -1074, 0.1, -0.0 }
    for i = 1, 6 do d[math.floor((i - 1) / 3) + 1][(i - 1) % 3 + 1] = vals[i] end
    local l, it, b = stn.LongTensor(3), stn.IntTensor(2), stn.ByteTensor(2)
    l[1], l[2], l[3] = 2 ^ 53, -2 ^ 40 - 1, 0
    it[1], it[2] = -2 ^ 31, 2 ^ 31 - 1
    b[1], b[2] = 0, 255
    local back = roundtrip { d = d, dt = d:t(), l = l, i = it, b = b, f = stn.FloatTensor(1):fill(0.1), e = stn.LongTensor() }
    assert.are.same({ 'torch.DoubleTensor', 'torch.DoubleTensor', 'torch.LongTensor', 'torch.IntTensor', 'torch.ByteTensor',
      'torch.FloatTensor', 'torch.LongTensor' },
      { back.d:type(), back.dt:type(), back.l:type(), back.i:type(), back.b:type(), back.f:type(), back.e:type() })
    for i = 1, 6 do
      local v = back.d[math.floor((i - 1) / 3) + 1][(i - 1) % 3 + 1]
      if vals[i] ~= vals[i] then assert(v ~= v, 'NaN') else assert.are.equal(vals[i], v) end
    end
    assert.are.equal(1 / -0.0, 1 / back.d[2][3]) -- the sign of zero too
    assert.are.equal(back.d.mem, back.dt.mem)
    assert.are.equal(back.d[1][2], back.dt[2][1])
    assert.are.same({ 2 ^ 53, -2 ^ 40 - 1, 0 }, { back.l[1], back.l[2], back.l[3] })
    assert.are.same({ -2 ^ 31, 2 ^ 31 - 1, 0, 255 }, { back.i[1], back.i[2], back.b[1], back.b[2] })
    assert.are.equal(back.f[1], stn.FloatTensor(1):fill(0.1)[1])
    assert.are.equal(0, back.e:dim())
  end)

  it('keeps Char and Short tensors (codes 5 and 6) at their bounds, and views of their storages', function()
    local c = stn.CharTensor({ { -128, 127 }, { -1, 0 } })
    local s = stn.ShortTensor({ -32768, 32767, -2 })
    local back = roundtrip { c = c, ct = c:t(), s = s, sv = s:narrow(1, 2, 2) }
    assert.are.same({ 'torch.CharTensor', 'torch.CharTensor', 'torch.ShortTensor', 'torch.ShortTensor' },
      { back.c:type(), back.ct:type(), back.s:type(), back.sv:type() })
    assert.are.same({ { -128, 127 }, { -1, 0 } }, back.c:totable())
    assert.are.same({ { -128, -1 }, { 127, 0 } }, back.ct:totable())
    assert.are.same({ -32768, 32767, -2 }, back.s:totable())
    assert.are.same({ 32767, -2 }, back.sv:totable())
    assert.are.equal(back.c.mem, back.ct.mem)
    assert.are.equal(back.s.mem, back.sv.mem)
  end)

  it('keeps a Double module Double, and its outputs', function()
    local m = nn.AffineGridGeneratorBHWD(3, 4):double()
    local theta = H.rand({ 2, 2, 3 }):double()
    local out = m:forward(theta):clone()
    local back = roundtrip(m)
    assert.are.equal('torch.DoubleTensor', back._type)
    assert.are.equal('torch.DoubleTensor', back.output:type())
    local again = back:forward(theta)
    for i = 1, out:nElement() do assert.are.equal(out:view(-1)[i], again:view(-1)[i]) end
  end)

  it('computes zlib\'s CRC-32', function()
    assert.are.equal(0xCBF43926, serialize.crc32('123456789'))
    assert.are.equal(0, serialize.crc32(''))
    assert.are.equal(0x414FA339, serialize.crc32('The quick brown fox jumps over the lazy dog'))
  end)
end)

---------------------------------------------------------------------- every module file
-- How to build each module and what to feed it. Modules appear here by file name; a
-- file under lua/stn/nn/ without an entry is reported pending, so a new module asks
-- for one. args: constructor arguments (or a function returning them); input: a
-- function returning the input; target: for criterions.
local function r(...) local s = { ... }; return function() return H.rand(s) end end
local norm_kernel = function() return { 3, stn.Tensor(5):fill(0.2) } end
local constructors = {
  Module = { args = {} },
  Container = { args = {} },
  Sequential = { build = function() return nn.Sequential():add(nn.TestAffine(4)):add(nn.View(2, 2)) end, input = r(4) },
  Concat = { build = function() return nn.Concat(1):add(nn.TestAffine(3)):add(nn.Identity()) end, input = r(3) },
  ConcatTable = { build = function() return nn.ConcatTable():add(nn.TestAffine(3)):add(nn.Identity()) end, input = r(3), tableOut = true },
  ParallelTable = {
    build = function() return nn.ParallelTable():add(nn.TestAffine(2)):add(nn.Identity()) end,
    input = function() return { H.rand({ 2 }), H.rand({ 3 }) } end, tableOut = true,
  },
  JoinTable = { args = { 1 }, input = function() return { H.rand({ 2, 3 }), H.rand({ 1, 3 }) } end },
  SelectTable = { args = { 2 }, input = function() return { H.rand({ 2 }), H.rand({ 3 }) } end },
  Identity = { args = {}, input = r(2, 3) },
  View = { build = function() return nn.View(-1):setNumInputDims(2) end, input = r(2, 3, 4) },
  Reshape = { args = { 12, true }, input = r(2, 3, 4) },
  Copy = { args = { 'torch.FloatTensor', 'torch.FloatTensor', true }, input = r(2, 3) },
  Transpose = { args = { { 1, 2 }, { 2, 3 } }, input = r(2, 3, 4) },
  -- layers (Torch7's constructor signatures)
  Linear = { args = { 5, 3 }, input = r(2, 5) },
  SpatialConvolution = { args = { 3, 4, 3, 3, 1, 1, 1, 1 }, input = r(2, 3, 6, 6) },
  SpatialConvolutionMM = { args = { 3, 4, 3, 3, 1, 1, 1, 1 }, input = r(2, 3, 6, 6) },
  SpatialMaxPooling = { args = { 2, 2, 2, 2 }, input = r(2, 3, 6, 6) },
  SpatialAveragePooling = { args = { 2, 2, 2, 2 }, input = r(2, 3, 6, 6) },
  ReLU = { args = {}, input = r(2, 7) },
  Tanh = { args = {}, input = r(2, 7) },
  Sigmoid = { args = {}, input = r(2, 7) },
  Threshold = { args = { 0.1, -1 }, input = r(2, 7) },
  Dropout = { args = { 0.5 }, input = r(2, 8) },
  SpatialSubtractiveNormalization = { args = norm_kernel, input = r(2, 3, 8, 8) },
  SpatialDivisiveNormalization = { args = norm_kernel, input = r(2, 3, 8, 8) },
  SpatialContrastiveNormalization = { args = norm_kernel, input = r(2, 3, 8, 8) },
  SoftMax = { args = {}, input = r(2, 5) },
  LogSoftMax = { args = {}, input = r(2, 5) },
  ClassNLLCriterion = { args = {}, input = r(2, 5), target = function() return stn.Tensor({ 1, 4 }) end },
  CrossEntropyCriterion = { args = {}, input = r(2, 5), target = function() return stn.Tensor({ 2, 5 }) end },
  MSECriterion = { args = {}, input = r(2, 3), target = r(2, 3) },
  -- spatial transformer modules (DESIGN.md's signatures)
  AffineTransformMatrixGenerator = { args = { true, true, true }, input = r(2, 4) },
  AffineGridGeneratorBHWD = { args = { 4, 5 }, input = r(2, 2, 3) },
  BilinearSamplerBHWD = { args = {}, input = function() return { H.rand({ 2, 6, 6, 3 }), H.rand({ 2, 4, 5, 2 }) } end },
  AffineGridGenerator = { args = { 4, 5 }, input = r(2, 2, 3) },
  GridSampler = { args = {}, input = function() return { H.rand({ 2, 3, 6, 6 }), H.rand({ 2, 4, 5, 2 }) } end },
  SpatialTransformer = {
    build = function()
      local locnet = nn.Sequential():add(nn.View(2 * 6 * 6)):add(nn.Linear(2 * 6 * 6, 4)):add(nn.Tanh())
      local st = nn.SpatialTransformer { locnet = locnet, transform = { 'rotation', 'scale', 'translation' }, height = 4, width = 5 }
      st.modules[2].weight:normal(0, 0.1) -- away from the identity, so the round trip has a transform to keep
      return st
    end,
    input = r(2, 2, 6, 6),
  },
  Criterion = { args = {} },
}

local function module_files()
  local names = {}
  -- stn/nn/ and stn/spatial/ (the spatial transformer's modules)
  for _, probe in ipairs { 'stn.nn.Module', 'stn.spatial.GridSampler' } do
    local path = assert(package.searchpath(probe, package.path))
    for _, f in ipairs(listing(path:match('^(.*)/[^/]*%.lua$'))) do
      local name = f:match('^(%u[%w_]*)%.lua$')
      if name then names[#names + 1] = name end
    end
  end
  return names
end

-- Runs forward (and backward) with the RNG at a fixed point; returns the results.
local function run(m, entry, x, target)
  stn.manualSeed(5)
  if not entry.input then return nil end
  if entry.target then
    local loss = m:forward(x, target)
    return { loss, m:backward(x, target):clone() }
  end
  local out = m:forward(x)
  local function copy(v)
    if stn.isTensor(v) then return v:clone() end
    local c = {}
    for k, e in pairs(v) do c[k] = copy(e) end
    return c
  end
  local res = { copy(out) }
  local function grad_like(v)
    if stn.isTensor(v) then return v:clone():fill(0.5) end
    local g = {}
    for k, e in pairs(v) do g[k] = grad_like(e) end
    return g
  end
  res[2] = copy(m:backward(x, grad_like(out)))
  return res
end

describe('stn.save / stn.load of every nn module', function()
  local names = module_files()
  it('finds the module files', function() assert.is_true(#names >= 13, #names .. ' files') end)
  for _, name in ipairs(names) do
    local entry = constructors[name]
    if entry == nil then
      pending(('nn.%s round trip: no constructor entry in spec/serialize_spec.lua; add one'):format(name))
    else
      it('round-trips nn.' .. name .. ', giving identical outputs', function()
        stn.manualSeed(1)
        local m
        if entry.build then m = entry.build()
        else
          local args = type(entry.args) == 'function' and entry.args() or entry.args
          m = nn[name](unpack(args))
        end
        local x = entry.input and entry.input()
        local target = entry.target and entry.target()
        local before = run(m, entry, x, target)
        local back = roundtrip(m)
        assert.are.equal('nn.' .. name, stn.type(back))
        assert.are.equal(tostring(m), tostring(back))
        assert_same(m, back, name)
        if before then assert_same(before, run(back, entry, x, target), name .. ' results') end
      end)
    end
  end
end)

describe('stn.save / stn.load of a whole network', function()
  local function network()
    stn.manualSeed(2)
    local net = nn.Sequential()
      :add(nn.ConcatTable():add(nn.TestAffine(6)):add(nn.Sequential():add(nn.TestAffine(6)):add(nn.TestAffine(6))))
      :add(nn.JoinTable(1))
      :add(nn.View(3, 4)):add(nn.Transpose({ 1, 2 })):add(nn.Reshape(12)):add(nn.TestAffine(12))
    for _, p in ipairs(net:parameters()) do p:uniform(-1, 1) end
    return net
  end

  it('gives identical outputs and keeps flattened parameters flattened', function()
    local net = network()
    local params, grads = net:getParameters()
    local x = H.rand({ 6 })
    local out = net:forward(x):clone()
    local state = { learningRate = 0.1, momentum = 0.9, evalCounter = 3, dfdx = grads:clone():fill(0.25) }
    local back = roundtrip({ net = net, params = params, grads = grads, optim = state })
    H.assert_equal(back.net:forward(x), out)
    assert.are.equal(tostring(net), tostring(back.net))
    local w, gw = back.net:parameters()
    for i = 1, #w do
      assert.are.equal(back.params.mem, w[i].mem)
      assert.are.equal(back.grads.mem, gw[i].mem)
    end
    back.params:fill(0)
    H.assert_equal(back.net:get(6).weight, stn.Tensor(12):zero())
    assert_same(state, back.optim)
    -- training resumes as it would have
    local g = H.rand({ 12 })
    net:zeroGradParameters(); back.net:zeroGradParameters()
    back.params:copy(params)
    net:forward(x); net:backward(x, g)
    back.net:forward(x); back.net:backward(x, g)
    H.assert_equal(back.grads, grads)
  end)

  H.cuda_it('saves a CUDA network that loads on the CPU (and back on CUDA when asked)', function()
    local net = network()
    local x = H.rand({ 6 })
    net:cuda()
    local params = net:getParameters()
    local out = net:forward(x:cuda()):float()
    local path = tmp('cuda.stn')
    stn.save(path, { net = net, params = params })
    local cpu = stn.load(path)
    assert.are.equal('torch.FloatTensor', cpu.params:type())
    assert.are.equal('torch.FloatTensor', cpu.net:type())
    assert.are.equal('torch.FloatTensor', cpu.net:get(6):type())
    H.assert_near(cpu.net:forward(x), out, 1e-6)
    assert.are.equal(cpu.params.mem, cpu.net:get(6).weight.mem)
    local gpu = stn.load(path, { device = 'cuda' })
    assert.are.equal('torch.CudaTensor', gpu.params:type())
    assert.are.equal('torch.CudaTensor', gpu.net:get(6):type())
    H.assert_equal(gpu.net:forward(x:cuda()), out)
    local auto = stn.load(path, 'auto')
    assert.are.equal('torch.CudaTensor', auto.params:type())
  end)

  if not H.has_cuda then
    it('says why it cannot load onto CUDA without a GPU', function()
      local path = tmp('nogpu.stn')
      stn.save(path, network())
      H.assert_error(function() stn.load(path, 'cuda') end, 'stn: load', path, 'no CUDA device')
      assert.are.equal('torch.FloatTensor', stn.load(path, 'auto'):get(1):get(1).weight:type())
    end)
  end
end)

describe('stn.save / stn.load of CUDA tensors of every type', function()
  H.cuda_it('load as the CPU type of their element type, or as their CUDA type when asked', function()
    local d, l = stn.DoubleTensor(2), stn.LongTensor(2)
    d[1], d[2], l[1], l[2] = 1 / 3, -2, 2 ^ 40, -7
    local path = tmp('cuda_types.stn')
    stn.save(path, { d = d:cudaDouble(), l = l:cudaLong(), f = stn.FloatTensor(1):fill(0.5):cuda(),
                     s = stn.ShortTensor({ -300 }):cudaShort() })
    local cpu = stn.load(path)
    assert.are.same({ 'torch.DoubleTensor', 'torch.LongTensor', 'torch.FloatTensor' }, { cpu.d:type(), cpu.l:type(), cpu.f:type() })
    assert.are.same({ 'torch.ShortTensor', -300 }, { cpu.s:type(), cpu.s[1] })
    assert.are.same({ 1 / 3, -2, 2 ^ 40, -7, 0.5 }, { cpu.d[1], cpu.d[2], cpu.l[1], cpu.l[2], cpu.f[1] })
    local gpu = stn.load(path, { device = 'cuda' })
    assert.are.same({ 'torch.CudaDoubleTensor', 'torch.CudaLongTensor', 'torch.CudaTensor' },
      { gpu.d:type(), gpu.l:type(), gpu.f:type() })
    assert.are.same({ 1 / 3, 2 ^ 40 }, { gpu.d:double()[1], gpu.l:long()[1] })
  end)
end)

describe('Torch7\'s mode and referenced arguments', function()
  it('accepts the binary modes and referenced = true as Torch7\'s torch.save/torch.load', function()
    local path = tmp('modes.stn')
    local x = stn.Tensor({ 1, 2, 3 })
    local obj = { a = x, b = x }
    assert.is_true(stn.save(path, obj, 'binary', true))
    for _, mode in ipairs { 'binary', 'b32', 'b64' } do
      local back = stn.load(path, mode, true)
      H.assert_equal(back.a, x)
      assert.are.equal(back.a, back.b) -- referenced: one tensor, shared
    end
    H.assert_equal(stn.load(path, nil, true).a, x)
    -- stn's devices still work in the same place, and in the table form
    H.assert_equal(stn.load(path, 'cpu').a, x)
    H.assert_equal(stn.load(path, { device = 'cpu' }).a, x)
  end)

  it('refuses ascii, referenced = false and unknown modes with a clear error', function()
    local path = tmp('modes.stn')
    stn.save(path, { 1 })
    H.assert_error(function() stn.save(path, { 1 }, 'ascii') end, 'stn: save', path, "mode 'ascii' is not supported")
    H.assert_error(function() stn.save(path, { 1 }, 'binary', false) end, 'stn: save', 'referenced = false is not supported')
    H.assert_error(function() stn.save(path, { 1 }, 'b64') end, 'stn: save', "expected mode 'binary' (or nil), got b64")
    H.assert_error(function() stn.save(path, { 1 }, nil, 'yes') end, 'stn: save', 'expected true, false or nil for referenced')
    H.assert_error(function() stn.load(path, 'ascii') end, 'stn: load', path, "mode 'ascii' is not supported")
    H.assert_error(function() stn.load(path, 'binary', false) end, 'stn: load', 'referenced = false is not supported')
    H.assert_error(function() stn.load(path, 'text') end, 'stn: load', "unknown mode or device 'text'", "'binary'", "'cuda'")
    H.assert_error(function() stn.load(path, 3) end, 'stn: load', 'got number')
    -- nothing was written by the refused saves
    assert.are.same({ 1 }, stn.load(path))
  end)
end)

describe('stn.load of damaged files', function()
  local path, good
  before_each(function()
    path = tmp('model.stn')
    stn.save(path, { net = nn.Sequential():add(nn.TestAffine(20)):add(nn.View(4, 5)), note = 'good' })
    good = read(path)
  end)

  local function fails_with(bytes, ...)
    local bad = tmp('damaged.stn')
    write(bad, bytes)
    return H.assert_error(function() stn.load(bad) end, 'stn: load', bad, ...)
  end

  it('says a file is truncated, wherever it was cut', function()
    for _, n in ipairs({ 0, 5, 8, 20, 31, 32, 40, #good - 1 }) do fails_with(good:sub(1, n), 'truncated') end
  end)

  it('catches a flipped byte in the payload and in the header', function()
    local function flip(s, i) return s:sub(1, i - 1) .. string.char((s:byte(i) + 1) % 256) .. s:sub(i + 1) end
    fails_with(flip(good, 32 + 10), 'checksum mismatch', 'payload is corrupted')
    fails_with(flip(good, #good), 'checksum mismatch')
    fails_with(flip(good, 17), 'header checksum mismatch') -- the payload length
    fails_with(flip(good, 25), 'header checksum mismatch') -- the payload checksum
  end)

  it('recognizes another format and a newer version', function()
    fails_with('GIF89a' .. good:sub(7), 'not an stn file')
    fails_with('hello', 'not an stn file')
    fails_with(('\0'):rep(100), 'not an stn file')
    local v3 = good:sub(1, 8) .. '\3\0\0\0' .. good:sub(13, 28)
    local crc = serialize.crc32(v3)
    local le = string.char(crc % 256, math.floor(crc / 256) % 256, math.floor(crc / 65536) % 256, math.floor(crc / 16777216))
    fails_with(v3 .. le .. good:sub(33), 'format version 3 is newer than this stn reads (up to 2)')
    fails_with(good .. 'extra', '5 bytes of unexpected data')
  end)

  it('refuses a payload that passes the checksum but does not parse', function()
    local payload = '\99'
    local function le32(v) return string.char(v % 256, math.floor(v / 256) % 256, math.floor(v / 65536) % 256, math.floor(v / 16777216)) end
    local head = serialize.MAGIC .. le32(1) .. le32(32) .. le32(#payload) .. le32(0) .. le32(serialize.crc32(payload))
    head = head .. le32(serialize.crc32(head))
    fails_with(head .. payload, 'corrupt payload at byte 33', 'unknown tag 99')
  end)

  it('names a class it does not know', function()
    local class = require 'stn.class'
    local Temp = class.new('nn.TempSavedModule', 'nn.Module')
    stn.save(path, Temp())
    class.registry['nn.TempSavedModule'] = nil
    H.assert_error(function() stn.load(path) end, 'stn: load', path, 'unknown class nn.TempSavedModule')
  end)

  it('says when the file cannot be opened', function()
    H.assert_error(function() stn.load(tmp('missing.stn')) end, 'stn: load', tmp('missing.stn'), 'cannot open')
  end)
end)

describe('stn.save writes atomically', function()
  it('leaves no temporary file behind, and the old file intact on failure', function()
    local sub = tmp('atomic')
    os.execute('rm -rf ' .. sub .. ' && mkdir -p ' .. sub)
    local path = sub .. '/model.stn'
    stn.save(path, { v = 1 })
    assert.are.same({ 'model.stn' }, listing(sub))
    stn.save(path, { v = 2 })
    assert.are.equal(2, stn.load(path).v)
    assert.are.same({ 'model.stn' }, listing(sub))
    local before = read(path)
    -- the object cannot be encoded: nothing is written
    H.assert_error(function() stn.save(path, { v = 3, f = print }) end, 'stn: save', path)
    assert.are.equal(before, read(path))
    -- the rename fails (the target is a folder): the temporary file is removed
    os.execute('mkdir -p ' .. sub .. '/folder')
    H.assert_error(function() stn.save(sub .. '/folder', { v = 4 }) end, 'stn: save', 'cannot rename')
    assert.are.same({ 'folder', 'model.stn' }, listing(sub))
    -- the folder does not exist
    H.assert_error(function() stn.save(sub .. '/nowhere/model.stn', { v = 5 }) end,
      'stn: save', 'cannot create a temporary file next to ' .. sub .. '/nowhere/model.stn')
    assert.are.equal(before, read(path))
  end)

  -- A child luajit that saves `floats` floats to path and is killed by the kernel
  -- (SIGXFSZ, as uncatchable in effect as kill -9 here) when its write reaches byte
  -- `at`: RLIMIT_FSIZE stops the write there. Returns the child's output.
  local luajit = arg and arg[-1] or 'luajit'
  if not luajit:match('luajit') then luajit = 'luajit' end
  local function killed_save(path, floats, at)
    local script = tmp('killed_save.lua')
    write(script, ([[
local ffi = require 'ffi'
ffi.cdef 'struct spec_rlimit { uint64_t cur, max; }; int setrlimit(int, const struct spec_rlimit *);'
assert(ffi.C.setrlimit(4, ffi.new('struct spec_rlimit', 0, 0)) == 0) -- RLIMIT_CORE: no core file
assert(ffi.C.setrlimit(1, ffi.new('struct spec_rlimit', %d, %d)) == 0) -- RLIMIT_FSIZE
local stn = require 'stn'
stn.save(%q, stn.Tensor(%d):fill(2))
print('not killed')
]]):format(at, at, path, floats))
    local p = io.popen(("LUA_PATH='%s' LUA_CPATH='%s' %s %s 2>&1; echo \"EXIT:$?\""):format(package.path,
      package.cpath, luajit, script))
    local out = p:read('*a')
    p:close()
    return out
  end

  it('removes the temporary file a killed save left, on the next save of the same file', function()
    local sub = tmp('killed')
    os.execute('rm -rf ' .. sub .. ' && mkdir -p ' .. sub)
    local path = sub .. '/model.stn'
    stn.save(path, { v = 1 })
    local before = read(path)
    local out = killed_save(path, 100000, 12345)
    assert.truthy(out:find('EXIT:153', 1, true), out) -- 128 + SIGXFSZ
    local names = listing(sub)
    assert.are.equal(2, #names, table.concat(names, ' '))
    local temp = names[2]
    assert.truthy(temp:match('^model%.stn%.tmp%-%w%w%w%w%w%w$'), temp)
    assert.are.equal(12345, #read(sub .. '/' .. temp)) -- killed in the middle of the write
    assert.are.equal(before, read(path)) -- the previous file is untouched
    -- others' files that look alike are left alone: another target's temporary, and names
    -- that mkstemp does not make
    for _, name in ipairs { 'other.stn.tmp-AbC123', 'model.stn.tmp-abc', 'model.stn.tmp-abcdefg', 'model.stn.tmp-ab.c12' } do
      write(sub .. '/' .. name, 'x')
    end
    stn.save(path, { v = 2 })
    assert.are.same({ 'model.stn', 'model.stn.tmp-ab.c12', 'model.stn.tmp-abc', 'model.stn.tmp-abcdefg',
      'other.stn.tmp-AbC123' }, listing(sub))
    assert.are.equal(2, stn.load(path).v)
  end)

  it('leaves alone a temporary file that a live save is writing (it holds a lock on it)', function()
    local ffi = require 'ffi'
    pcall(ffi.cdef, 'int open(const char *, int, ...); int flock(int, int); int close(int);')
    local sub = tmp('live')
    os.execute('rm -rf ' .. sub .. ' && mkdir -p ' .. sub)
    local path = sub .. '/model.stn'
    local live, dead = path .. '.tmp-Live01', path .. '.tmp-Dead01'
    write(live, 'being written')
    write(dead, 'left by a killed save')
    local fd = ffi.C.open(live, 0)
    assert(fd >= 0)
    assert.are.equal(0, ffi.C.flock(fd, 2 + 4)) -- LOCK_EX | LOCK_NB, as a writer holds it
    stn.save(path, { v = 1 })
    assert.are.same({ 'model.stn', 'model.stn.tmp-Live01' }, listing(sub))
    ffi.C.close(fd) -- the writer is gone
    stn.save(path, { v = 2 })
    assert.are.same({ 'model.stn' }, listing(sub))
  end)
end)
