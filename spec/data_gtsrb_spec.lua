-- The GTSRB loader (stn.data.gtsrb) on trees made by tools/make_fake_gtsrb.lua: every
-- quirk of the real files, the Sermanet-LeCun validation split, -n pruning, global and
-- local normalization, the cache (hit, stale, corrupt, off), and bad inputs.
local H = require 'helpers'
local ffi = require 'ffi'
local lfs = require 'lfs'
local core = require 'stn.ffi'
local stn = H.stn
local data = stn.data
local gtsrb = data.gtsrb
local fake = dofile('tools/make_fake_gtsrb.lua')
local C, ctx = core.C, core.ctx

local base = 'spec/tmp/data_gtsrb'
os.execute('rm -rf ' .. base .. ' && mkdir -p ' .. base)
local root = base .. '/tree'
local made = fake.make(root, { seed = 1, tracks = 3, frames = 4, test = 2 })

local slurp, spit = H.slurp, H.spit
local function small_tree(name)
  local dir = base .. '/' .. name
  os.execute('rm -rf ' .. dir)
  fake.make(dir, { seed = 2, classes = 3, tracks = 2, frames = 2, test = 1 })
  return dir
end
local function same_rows(a, b, i, j) -- image i of a equals image j of b
  local x, y = a:select(1, i):contiguous(), b:select(1, j):contiguous()
  local px, py = x:data(), y:data()
  for k = 0, x:nElement() - 1 do if px[k] ~= py[k] then return false end end
  return true
end

describe('stn.data.gtsrb on a tool-made tree', function()
  -- the first loads decode and fill the cache; the later ones read it
  local train = gtsrb.train { root = root }
  local test = gtsrb.test { root = root }

  it('loads every image at 3 x 48 x 48 in [0, 1], labels 1..43 in CSV order', function()
    assert.are.equal(43 * 3 * 4, made.train)
    assert.are.same({ made.train, 3, 48, 48 }, train.data:size():totable())
    assert.are.same({ made.test, 3, 48, 48 }, test.data:size():totable())
    assert.are.equal(43, train.nclasses)
    assert.are.equal(1, train.label[1])
    assert.are.equal(43, train.label[made.train])
    assert.are.equal('Final_Training/Images/00000/00000_00000.ppm', train.files[1])
    assert.are.equal(2, train.track[made.train])
    for i = 1, made.test do assert.are.equal(((i - 1) * 7 + 3) % 43 + 1, test.label[i]) end -- the tool's order
    assert.is_nil(test.track)
    local lo, hi = train.data:min(), train.data:max()
    assert.is_true(lo >= 0 and hi <= 1 and hi > lo)
  end)

  it('reads every PPM header variant, LF and CRLF CSVs, sides from 15 to 250 px', function()
    assert.are.same({ 15, 250 }, { made.minside, made.maxside })
    local crlf, lf = slurp(root .. '/Final_Training/Images/00001/GT-00001.csv'), slurp(root .. '/Final_Training/Images/00000/GT-00000.csv')
    assert.truthy(crlf:find('\r\n', 1, true))
    assert.falsy(lf:find('\r', 1, true))
    -- the first 12 rows cover every header variant and both line ends; the 15 and 250 px images are among them
    for i = 1, 12 do
      local path = root .. '/' .. train.files[i]
      local px, w, h = data.readPPM(path)
      local f = stn.Tensor(3, 48, 48)
      local shape = ffi.new('stn_image_shape', C.STN_PIXEL_U8, C.STN_LAYOUT_HWC, 1, 3, h, w)
      assert.are.equal(0, C.stn_image_resize(ctx, shape, px, 48, 48, f:data()))
      local worst = H.maxdiff(f, train.data[i])
      assert.is_true(worst <= 0.5 / 255 + 1e-6, train.files[i] .. ' differs by ' .. worst)
    end
  end)

  it('holds out one whole track per class for validation, drawn from the seed', function()
    local tr, val = gtsrb.train { root = root, val = true, seed = 1 }
    assert.are.equal(made.train, tr.data:size(1) + val.data:size(1))
    assert.are.equal(43 * 4, val.data:size(1)) -- one track of 4 frames per class
    local held = {}
    for i = 1, val.data:size(1) do
      local c, t = val.label[i], val.track[i]
      assert.is_true(held[c] == nil or held[c] == t, 'class ' .. c .. ' has two validation tracks')
      held[c] = t
    end
    for c = 1, 43 do assert.truthy(held[c], 'class ' .. c .. ' has no validation track') end
    for i = 1, tr.data:size(1) do
      assert.are_not.equal(held[tr.label[i]], tr.track[i], 'a validation track is also in training')
    end
    local _, again = gtsrb.train { root = root, val = true, seed = 1 }
    assert.are.same(val.files, again.files)
    local differs = false
    for seed = 2, 4 do
      local _, other = gtsrb.train { root = root, val = true, seed = seed }
      for i, f in ipairs(other.files) do if f ~= val.files[i] then differs = true end end
    end
    assert.is_true(differs, 'seeds 1 to 4 all chose the same tracks')
  end)

  it('prunes with -n by a seeded shuffle, as stn.data.prune does on the full set', function()
    local a = gtsrb.train { root = root, n = 100, seed = 3 }
    local b = gtsrb.train { root = root, n = 100, seed = 3 }
    local c = gtsrb.train { root = root, n = 100, seed = 4 }
    local d = data.prune(train, 100, 3)
    assert.are.equal(100, a.data:size(1))
    assert.are.same(a.files, b.files)
    assert.are.same(a.files, d.files)
    assert.are_not.same(a.files, c.files)
    for i = 1, 100 do assert.is_true(same_rows(a.data, d.data, i, i)) end
    assert.are.equal(made.train, gtsrb.train { root = root, n = -1 }.data:size(1))
    H.assert_error(function() gtsrb.train { root = root, n = 5000 } end, 'cannot keep 5000 examples of a set of 516')
  end)

  it('normalizes globally with the training mean and std (1/(n-1)), then the test set with them', function()
    local tr, te = data.select(train, { 1, 2, 3, 50, 400 }), data.select(test, { 1, 2, 3 })
    local function moments(t)
      local p, n, s, ss = t:contiguous():data(), t:nElement(), 0, 0
      for k = 0, n - 1 do s = s + p[k] end
      local m = s / n
      for k = 0, n - 1 do ss = ss + (p[k] - m) ^ 2 end
      return m, math.sqrt(ss / (n - 1))
    end
    local m0, s0 = moments(tr.data)
    local te_mean = moments(te.data)
    local mean, std = data.normalizeGlobal(tr)
    H.assert_near(mean, m0, 1e-9)
    H.assert_near(std, s0, 1e-9)
    local m1, s1 = moments(tr.data)
    H.assert_near(m1, 0, 1e-5)
    H.assert_near(s1, 1, 1e-5)
    data.normalizeGlobal(te, mean, std)
    H.assert_near(moments(te.data), (te_mean - m0) / s0, 1e-5)
    local pc = data.select(train, { 5, 6, 7 })
    local means, stds = data.normalizeGlobal(pc, nil, nil, { perChannel = true })
    assert.are.equal(3, #means)
    for ch = 1, 3 do
      local m, s = moments(pc.data:select(2, ch))
      H.assert_near(m, 0, 1e-5)
      H.assert_near(s, 1, 1e-5)
    end
  end)

  it('applies a local normalization module in batches, in place', function()
    local ds = data.select(train, { 1, 2, 3, 4, 5 })
    local before = ds.data:clone()
    local seen = {}
    local doubler = { forward = function(_, x) seen[#seen + 1] = x:size(1); return x:clone():mul(2) end }
    data.normalizeLocal(ds, function(channels) assert.are.equal(3, channels); return doubler end, 2)
    assert.are.same({ 2, 2, 1 }, seen)
    H.assert_near(ds.data, before:mul(2), 1e-6)
    H.assert_error(function() data.normalizeLocal(ds, 42) end, 'normalizeLocal', 'SpatialContrastiveNormalization')
  end)
end)

describe('stn.data.gtsrb cache', function()
  it('builds, hits, notices stale data and corrupt files, and can be turned off', function()
    local dir = small_tree('cache')
    local cache = dir .. '/stn-cache-train-48.bin'
    local first = gtsrb.train { root = dir }
    assert.are.equal('miss', first.cache)
    assert.truthy(lfs.attributes(cache))
    local hit = gtsrb.train { root = dir }
    assert.are.equal('hit', hit.cache)
    H.assert_equal(hit.data, first.data)
    assert.are.same(first.files, hit.files)
    assert.are.equal('miss', gtsrb.test { root = dir }.cache)
    assert.are.equal('hit', gtsrb.test { root = dir }.cache)

    -- an image changes (new content, new date): the cache is stale
    local img = dir .. '/' .. first.files[3]
    local other = slurp(dir .. '/' .. first.files[4])
    spit(img, other)
    lfs.touch(img, os.time() + 10, os.time() + 10)
    local stale = gtsrb.train { root = dir }
    assert.are.equal('stale', stale.cache)
    assert.is_false(same_rows(stale.data, first.data, 3, 3))
    assert.are.equal('hit', gtsrb.train { root = dir }.cache)

    -- one flipped byte in the pixels, then a cut file: both detected and rebuilt
    local bytes = slurp(cache)
    local at = #bytes - 5000
    spit(cache, bytes:sub(1, at - 1) .. string.char((bytes:byte(at) + 1) % 256) .. bytes:sub(at + 1))
    local rebuilt = gtsrb.train { root = dir }
    assert.are.equal('corrupt', rebuilt.cache)
    H.assert_equal(rebuilt.data, stale.data)
    spit(cache, bytes:sub(1, 1000))
    assert.are.equal('corrupt', gtsrb.train { root = dir }.cache)
    assert.are.equal('hit', gtsrb.train { root = dir }.cache)

    local off = small_tree('nocache')
    assert.are.equal('off', gtsrb.train { root = off, cache = false }.cache)
    assert.is_nil(lfs.attributes(off .. '/stn-cache-train-48.bin'))
    os.execute('mkdir -p ' .. base .. '/elsewhere')
    assert.are.equal('miss', gtsrb.train { root = off, cacheDir = base .. '/elsewhere' }.cache)
    assert.truthy(lfs.attributes(base .. '/elsewhere/stn-cache-train-48.bin'))
    -- a cache that cannot be written is reported and skipped; the data still load
    local ok = gtsrb.train { root = off, cacheDir = base .. '/no/such/folder' }
    assert.are.equal('miss', ok.cache)
    assert.are.equal(3 * 2 * 2, ok.data:size(1))
  end)
end)

describe('stn.data.gtsrb bad inputs', function()
  local function csv_of(dir, class) return ('%s/Final_Training/Images/%05d/GT-%05d.csv'):format(dir, class, class) end

  it('names a truncated image and the bytes it lacks', function()
    local dir = small_tree('truncated')
    local path = dir .. '/Final_Training/Images/00001/00000_00001.ppm'
    local bytes = slurp(path)
    spit(path, bytes:sub(1, #bytes - 7))
    H.assert_error(function() gtsrb.train { root = dir } end, path, 'truncated', 'bytes expected')
  end)

  it('names the CSV line with a missing column or a non-numeric ClassId', function()
    local dir = small_tree('csv')
    local path = csv_of(dir, 2)
    local good = slurp(path)
    spit(path, good:gsub('\n00000_00001%.ppm;(%d+);', '\n00000_00001.ppm;', 1))
    H.assert_error(function() gtsrb.train { root = dir, cache = false } end, path .. ':3', '7 fields, the header has 8')
    spit(path, (good:gsub(';2\n', ';two\n', 1)))
    H.assert_error(function() gtsrb.train { root = dir, cache = false } end, path .. ':2', 'ClassId "two"')
    spit(path, (good:gsub(';ClassId', ';Class', 1)))
    H.assert_error(function() gtsrb.train { root = dir, cache = false } end, path, 'no ClassId column')
    spit(path, (good:gsub('\n00000_00001%.ppm', '\nframe1.ppm', 1)))
    H.assert_error(function() gtsrb.train { root = dir, cache = false } end, path .. ':3', 'TTTTT_FFFFF.ppm')
  end)

  it('refuses numeric fields out of range or beyond what they are stored in, naming the file and line', function()
    local dir = small_tree('ranges')
    local path = csv_of(dir, 2)
    local good = slurp(path)
    local header, first = good:match('^([^\n]*\n)([^\n]*)\n')
    assert.are.equal('00000_00000.ppm', first:match('^[^;]*'))
    local function with_row(row, ...)
      spit(path, header .. row .. '\n' .. good:sub(#header + #first + 2))
      H.assert_error(function() gtsrb.train { root = dir, cache = false } end, path .. ':2: ', ...)
    end
    -- 2^32 + 1 read into a 32-bit int was -2147483648: a class, or a track, silently
    with_row('00000_00000.ppm;30;30;5;5;25;25;4294967297', 'ClassId 4294967297 is out of range (0 to 42: GTSRB has 43 classes)')
    with_row('00000_00000.ppm;30;30;5;5;25;25;43', 'ClassId 43 is out of range')
    with_row('00000_00000.ppm;30;30;5;5;25;25;' .. ('9'):rep(400), 'ClassId 999999', 'is out of range')
    with_row('4294967297_00000.ppm;30;30;5;5;25;25;2',
      'track 4294967297 is out of range (0 to 2147483647: file name 4294967297_00000.ppm)')
    with_row('00000_00000.ppm;0;30;0;0;0;0;2', 'Width 0 is out of range (1 to 1048576')
    with_row('00000_00000.ppm;30;2000000;5;5;25;25;2', 'Height 2000000 is out of range (1 to 1048576')
    with_row('00000_00000.ppm;30;-3;5;5;25;25;2', 'Height "-3" is not a non-negative integer')
    with_row('00000_00000.ppm;30;30;31;5;25;25;2', 'Roi.X1 31 is out of range (0 to 30')
    with_row('00000_00000.ppm;30;30;5;5;31;25;2', 'Roi.X2 31 is out of range (5 to 30')
    with_row('00000_00000.ppm;30;30;5;5;4;25;2', 'Roi.X2 4 is out of range (5 to 30')
    with_row('00000_00000.ppm;30;30;5;9;25;8;2', 'Roi.Y2 8 is out of range (9 to 30')
    with_row('00000_00000.ppm;30;30;5;5;25;2.5;2', 'Roi.Y2 "2.5" is not a non-negative integer')
    spit(path, good)
    local test_csv = dir .. '/Final_Test/Images/GT-final_test.csv'
    local t = slurp(test_csv)
    spit(test_csv, (t:gsub(';(%d+)\r\n', ';50\r\n', 1)))
    H.assert_error(function() gtsrb.test { root = dir, cache = false } end, test_csv .. ':2: ', 'ClassId 50 is out of range')
    spit(test_csv, t)
    assert.are.equal(3 * 2 * 2, gtsrb.train { root = dir, cache = false }.data:size(1))
    for _, size in ipairs { 0, 1.5, 2 ^ 40, 0 / 0 } do
      H.assert_error(function() gtsrb.test { root = dir, size = size } end, 'size must be an integer from 1 to 1048576')
    end
  end)

  it('names a missing folder, CSV or image', function()
    H.assert_error(function() gtsrb.train { root = base .. '/nowhere' } end, base .. '/nowhere/Final_Training/Images',
      'tools/get_gtsrb')
    H.assert_error(function() gtsrb.test { root = base .. '/nowhere' } end, base .. '/nowhere/Final_Test/Images')
    local dir = small_tree('missing')
    os.remove(csv_of(dir, 1))
    H.assert_error(function() gtsrb.train { root = dir } end, csv_of(dir, 1), 'missing')
    dir = small_tree('missing2')
    local img = dir .. '/Final_Training/Images/00000/00001_00000.ppm'
    os.remove(img)
    H.assert_error(function() gtsrb.train { root = dir } end, img, 'listed in', csv_of(dir, 0))
    os.remove(dir .. '/Final_Test/Images/GT-final_test.csv')
    H.assert_error(function() gtsrb.test { root = dir } end, 'GT-final_test.csv is missing')
  end)
end)
