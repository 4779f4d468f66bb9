-- make_seeds.lua: the seed corpus of every fuzz harness, written by stn's own writers
-- (nothing binary is checked in): luajit fuzz/lua/make_seeds.lua OUTDIR
-- makes OUTDIR/<harness>/ for each harness of fuzz/ (docs/fuzzing.md). Needs a plain
-- (uninstrumented) libstn: STN_CORE=<build>/stn/core.so, as tools/fuzz.sh sets it.
local here = debug.getinfo(1, 'S').source:match('^@(.*/)') or './'
local repo = here .. '../..'
package.path = here .. '?.lua;' .. repo .. '/lua/?.lua;' .. repo .. '/lua/?/init.lua;' .. package.path
local ffi = require 'ffi'
local lfs = require 'lfs'
local stn = require 'stn'
local fixture = require 'fixture'
local C = require('stn.ffi').C
local nn = stn.nn

local out = arg[1]
if not out then
  io.stderr:write('usage: luajit fuzz/lua/make_seeds.lua OUTDIR\n')
  os.exit(1)
end
stn.manualSeed(1)

local function dir(name)
  local d = out .. '/' .. name
  lfs.mkdir(out)
  lfs.mkdir(d)
  return d .. '/'
end
local function slurp(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('*a')
  f:close()
  return s
end
local function spit(path, s)
  local f = assert(io.open(path, 'wb'))
  f:write(s)
  f:close()
end
local function bytes(n, seed)
  local b = ffi.new('uint8_t[?]', n)
  for i = 0, n - 1 do b[i] = (i * 37 + seed * 11) % 256 end
  return b
end
local function picture(c, h, w) return stn.Tensor(c, h, w):uniform(0, 255):floor() end

---------------------------------------------------------------------- the fake GTSRB tree
local tmp = os.tmpname()
os.remove(tmp)
assert(lfs.mkdir(tmp))
local tree = tmp .. '/gtsrb'
assert(lfs.mkdir(tree))
fixture.make(repo, tree)
local train_csvs = { tree .. '/Final_Training/Images/00000/GT-00000.csv', tree .. '/Final_Training/Images/00001/GT-00001.csv' }
local test_csv = tree .. '/Final_Test/Images/GT-final_test.csv'

---------------------------------------------------------------------- ppm
do
  local d = dir('ppm')
  stn.data.writePPM(d .. 'rgb-3x2.ppm', bytes(18, 1), 3, 2, 3)
  stn.data.writePPM(d .. 'grey-4x3.pgm', bytes(12, 2), 4, 3, 1, 'a comment line')
  stn.data.writePPM(d .. 'rgb-1x1.ppm', bytes(3, 3), 1, 1, 3)
  -- the maxvals the writer does not use: 16-bit big-endian samples, and a small one
  spit(d .. 'rgb16-2x2.ppm', 'P6\n2 2\n65535\n' .. ffi.string(bytes(24, 4), 24))
  spit(d .. 'grey15-3x1.pgm', 'P5 3 1 15\n' .. string.char(0, 7, 15))
  -- the fake GTSRB images, with the odd headers of real data (comments, CR, tabs);
  -- the small ones only: small seeds mutate faster
  local n = 0
  local function take(p)
    if lfs.attributes(p, 'size') <= 16384 then n = n + 1; spit(('%sgtsrb-%d.ppm'):format(d, n), slurp(p)) end
  end
  for _, sub in ipairs { 'Final_Training/Images/00000', 'Final_Training/Images/00001', 'Final_Test/Images' } do
    local names = {}
    for name in lfs.dir(tree .. '/' .. sub) do if name:match('%.ppm$') then names[#names + 1] = name end end
    table.sort(names)
    for _, name in ipairs(names) do take(tree .. '/' .. sub .. '/' .. name) end
  end
end

---------------------------------------------------------------------- png, gif
do
  local d = dir('png')
  stn.image.savePNG(d .. 'grey.png', picture(1, 3, 5))
  stn.image.savePNG(d .. 'grey-alpha.png', picture(2, 4, 2))
  stn.image.savePNG(d .. 'rgb.png', picture(3, 2, 3))
  stn.image.savePNG(d .. 'rgba.png', picture(4, 3, 3))
  local g = dir('gif')
  stn.image.saveGIF(g .. 'one.gif', { picture(3, 4, 5) }, { loop = -1 })
  stn.image.saveGIF(g .. 'grey-cube.gif', { picture(1, 3, 3), picture(1, 3, 3) }, { palette = 'cube', delay = 7 })
  local a = picture(3, 6, 4)
  local b = a:clone()
  b:narrow(2, 2, 2):fill(255) -- a still part: the second frame is mostly transparent
  stn.image.saveGIF(g .. 'adaptive-3.gif', { a, b, a }, { palette = 'adaptive', loop = 3 })
end

---------------------------------------------------------------------- idx (plain, gzip), idx_gz
do
  local d, z = dir('idx'), dir('idx_gz')
  local idx = stn.data.idx
  local cases = {
    { 'ubyte', stn.Tensor(2, 3, 2):uniform(0, 255):floor() }, { 'byte', stn.Tensor(5):uniform(-128, 127):floor() },
    { 'short', stn.Tensor(2, 2):uniform(-3000, 3000):floor() }, { 'int', stn.Tensor(3):uniform(-70000, 70000):floor() },
    { 'float', stn.Tensor(2, 1, 2):uniform(-1, 1) }, { 'double', stn.Tensor(3):uniform(-1, 1) },
  }
  for _, c in ipairs(cases) do
    idx.write(d .. c[1] .. '.idx', c[2], { type = c[1], gzip = false })
    idx.write(d .. c[1] .. '.idx.gz', c[2], { type = c[1], gzip = true })
    idx.write(z .. c[1] .. '.idx', c[2], { type = c[1], gzip = false })
  end
end

---------------------------------------------------------------------- csv
do
  local d = dir('gtsrb_csv')
  for i, p in ipairs(train_csvs) do spit(d .. 'train-' .. i .. '.csv', slurp(p)) end
  spit(d .. 'test.csv', slurp(test_csv))
end

---------------------------------------------------------------------- dataset caches
do
  local d, c = dir('blob'), dir('gtsrb_cache')
  local quiet = io.stderr
  stn.data.gtsrb.train { root = tree, size = fixture.SIZE }
  local cache = slurp(fixture.cache_path(tree))
  spit(d .. 'gtsrb-train.bin', cache)
  spit(c .. 'gtsrb-train.bin', cache)
  io.stderr = quiet
  local function blob(name, parts)
    local n = #parts
    local ptrs, lens = ffi.new('const void *[?]', math.max(n, 1)), ffi.new('int64_t[?]', math.max(n, 1))
    for i, s in ipairs(parts) do ptrs[i - 1], lens[i - 1] = s, #s end
    assert(C.stn_blob_write(d .. name, n, ptrs, lens) == 0, ffi.string(C.stn_last_error()))
  end
  blob('empty.bin', {})
  blob('three.bin', { 'abc', '', 'twelve bytes' })
  blob('eight.bin', { 'a', 'bb', 'ccc', 'dddd', 'eeeee', 'ffffff', 'ggggggg', 'hhhhhhhh' })
end

---------------------------------------------------------------------- stn.load
do -- (names not ending in .t7: those are Torch7 files)
  local d = dir('load')
  stn.save(d .. 'table.stn', { 1, 2.5, -0, 1 / 0, 'text', true, false, nested = { deep = { deeper = {} } }, [3.5] = 'key' })
  local shared = { x = 1 }
  local cyc = { a = shared, b = shared }
  cyc.self = cyc
  stn.save(d .. 'refs.stn', cyc)
  local base = stn.Tensor(4, 5):uniform(-1, 1)
  stn.save(d .. 'views.stn', {
    whole = base, row = base:select(1, 2), col = base:select(2, 3), t = base:t(), part = base:narrow(2, 2, 3),
    empty = base:narrow(1, 1, 0), none = stn.Tensor(), size = base:size(),
  })
  stn.save(d .. 'tensor.stn', stn.Tensor(2, 2):fill(1))
  local function pair(name, model, input)
    model:forward(input)
    stn.save(d .. name, { model = model, input = input })
  end
  pair('linear.stn', nn.Sequential():add(nn.Linear(3, 2)):add(nn.ReLU()), stn.Tensor(2, 3):uniform())
  pair('conv-pool.stn', nn.Sequential():add(nn.SpatialConvolution(1, 2, 3, 3)):add(nn.SpatialMaxPooling(2, 2, 2, 2))
    :add(nn.SpatialAveragePooling(2, 2)):add(nn.View(-1)):add(nn.LogSoftMax()), stn.Tensor(1, 1, 6, 6):uniform())
  local flat = nn.Sequential():add(nn.Linear(2, 2)):add(nn.Tanh()):add(nn.Linear(2, 1))
  flat:getParameters() -- parameters as views of one storage
  pair('flat.stn', flat, stn.Tensor(1, 2):uniform())
  pair('stn.stn', nn.Sequential():add(nn.AffineGridGeneratorBHWD(3, 3)), stn.Tensor(1, 2, 3):uniform())
end

---------------------------------------------------------------------- torch.load (Torch7 files)
do
  local t7 = require 'stn.t7'
  local d = dir('t7')
  for _, mode in ipairs({ 'binary', 'ascii' }) do
    local function save(name, obj) t7.save(d .. mode .. '-' .. name, obj, mode) end
    save('table.t7', { 1, 2.5, -0, 1 / 0, 'text', true, false, nested = { deep = { deeper = {} } }, [3.5] = 'key' })
    local shared = { x = 1 }
    local cyc = { a = shared, b = shared }
    cyc.self = cyc
    save('refs.t7', cyc)
    local base = stn.Tensor(4, 5):uniform(-1, 1)
    save('views.t7', { whole = base, row = base:select(1, 2), t = base:t(), part = base:narrow(2, 2, 3),
      none = stn.Tensor(), s = base:storage(), size = base:size() })
    local typed = {}
    for _, name in ipairs({ 'Double', 'Long', 'Int', 'Byte', 'Char', 'Short' }) do
      local x = stn[name .. 'Tensor'](2, 3):random(0, 100)
      typed[name] = { x = x, col = x:select(2, 2), s = stn[name .. 'Storage'](2):fill(1) }
    end
    save('typed.t7', typed)
    local function pair(name, model, input)
      model:forward(input)
      save(name, { model = model, input = input })
    end
    pair('linear.t7', nn.Sequential():add(nn.Linear(3, 2)):add(nn.ReLU()), stn.Tensor(2, 3):uniform())
    pair('conv-pool.t7', nn.Sequential():add(nn.SpatialConvolution(1, 2, 3, 3)):add(nn.SpatialMaxPooling(2, 2, 2, 2))
      :add(nn.View(-1)):add(nn.LogSoftMax()), stn.Tensor(1, 1, 6, 6):uniform())
    pair('stn.t7', nn.Sequential():add(nn.AffineGridGeneratorBHWD(3, 3)), stn.Tensor(1, 2, 3):uniform())
  end
end

---------------------------------------------------------------------- done
local function rmtree(p)
  for name in lfs.dir(p) do
    if name ~= '.' and name ~= '..' then
      local q = p .. '/' .. name
      if lfs.attributes(q, 'mode') == 'directory' then rmtree(q) else os.remove(q) end
    end
  end
  lfs.rmdir(p)
end
rmtree(tmp)
for name in lfs.dir(out) do
  if name ~= '.' and name ~= '..' then
    local n = 0
    for f in lfs.dir(out .. '/' .. name) do if f ~= '.' and f ~= '..' then n = n + 1 end end
    print(('seeds: %-12s %d files'):format(name, n))
  end
end
