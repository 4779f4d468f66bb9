-- What the loaders share (stn.data): seeded permutations that leave the process
-- generator alone, row selection, pruning, statistics, mini-batches, and the
-- checksummed cache files (csrc/io/blob.c).
local H = require 'helpers'
local ffi = require 'ffi'
local core = require 'stn.ffi'
local stn = H.stn
local data = stn.data
local C = core.C

local dir = 'spec/tmp/data_prep'
os.execute('rm -rf ' .. dir .. ' && mkdir -p ' .. dir)

local function toy(n) -- rows i hold the value i everywhere; label i % 3 + 1
  local ds = { data = stn.Tensor(n, 2, 3, 3), label = stn.Tensor(n), nclasses = 3 }
  for i = 1, n do ds.data[i]:fill(i); ds.label[i] = i % 3 + 1 end
  return ds
end

describe('stn.data helpers', function()
  it('draws permutations from (seed, stream) without moving the process generator', function()
    stn.manualSeed(77)
    local before = stn.getRNGState()
    local p = data.permutation(50, 1)
    assert.are.same(before:totable(), stn.getRNGState():totable())
    H.assert_equal(data.permutation(50, 1), p)
    local seen = {}
    for i = 1, 50 do seen[p[i]] = true end
    for i = 1, 50 do assert.truthy(seen[i]) end
    assert.are_not.same(p:totable(), data.permutation(50, 2):totable())
    assert.are_not.same(p:totable(), data.permutation(50, 1, 1):totable())
    H.assert_error(function() data.permutation(5, -1) end, 'non-negative integer seed')
    H.assert_error(function() data.permutation(5, math.huge) end, 'non-negative integer seed', 'inf')
    H.assert_error(function() data.permutation(5, 2 ^ 60) end, 'non-negative integer seed') -- not exact in a double
  end)

  it('selects rows with their labels and remembers where they came from', function()
    local ds = toy(10)
    ds.files = {}
    for i = 1, 10 do ds.files[i] = 'f' .. i end
    local s = data.select(ds, { 4, 9 })
    assert.are.same({ 2, 2, 3, 3 }, s.data:size():totable())
    assert.are.same({ 4, 9 }, { s.data[1][1][1][1], s.data[2][2][3][3] })
    assert.are.same({ 2, 1 }, s.label:totable())
    assert.are.same({ 'f4', 'f9' }, s.files)
    assert.are.same({ 4, 9 }, s.index:totable())
    assert.are.same({ 9 }, data.select(s, { 2 }).index:totable()) -- composed with the first selection
    assert.are.equal(3, s.nclasses)
  end)

  it('prunes to n rows by a seeded shuffle (1 <= n <= N; -1 keeps everything)', function()
    local ds = toy(30)
    local a, b = data.prune(ds, 12, 5), data.prune(ds, 12, 5)
    assert.are.equal(12, a.data:size(1))
    assert.are.same(a.index:totable(), b.index:totable())
    for k = 1, 12 do assert.are.equal(a.index[k], a.data[k][1][1][1]) end
    assert.are.equal(ds, data.prune(ds, -1, 5))
    H.assert_error(function() data.prune(ds, 31, 1) end, 'cannot keep 31 examples of a set of 30')
    H.assert_error(function() data.prune(ds, 0, 1) end, 'use 1 to 30')
  end)

  it('computes mean and std (1/(n-1)) by hand, globally and per channel', function()
    local t = stn.Tensor({ { { 1, 2 }, { 10, 20 } }, { { 3, 4 }, { 30, 40 } } }) -- N=2, C=2, 2 values
    local m, s = data.stats(t)
    H.assert_near(m, 110 / 8, 1e-12)
    local v = 0
    for _, x in ipairs { 1, 2, 10, 20, 3, 4, 30, 40 } do v = v + (x - 110 / 8) ^ 2 end
    H.assert_near(s, math.sqrt(v / 7), 1e-12)
    local mc, sc = data.stats(t, true)
    H.assert_near(mc[1], 2.5, 1e-12)
    H.assert_near(mc[2], 25, 1e-12)
    H.assert_near(sc[1], math.sqrt(5 / 3), 1e-12)
    H.assert_near(sc[2], math.sqrt(500 / 3), 1e-12)
    -- a large offset does not cancel the variance away (pairwise merging, not sum of squares)
    local big = stn.Tensor(100000):fill(1e4)
    big:narrow(1, 1, 50000):add(1)
    local mb, sb = data.stats(big)
    H.assert_near(mb, 1e4 + 0.5, 1e-12)
    H.assert_near(sb, math.sqrt(0.25 * 100000 / 99999), 1e-9)
    H.assert_error(function() data.normalizeGlobal({ data = stn.Tensor(3, 1):fill(2) }) end, 'the data are constant')
  end)

  it('iterates over mini-batches: every row once, in a permutation fixed by (seed, epoch)', function()
    local ds = toy(23)
    local count, seen, order = 0, {}, {}
    for x, y, first, n in data.batches(ds, 5, { seed = 1, epoch = 2 }) do
      assert.are.equal(count + 1, first)
      assert.are.equal(math.min(5, 23 - count), n)
      for k = 1, n do
        local row = x[k][1][1][1]
        assert.is_nil(seen[row])
        seen[row] = true
        assert.are.equal(row % 3 + 1, y[k])
        order[#order + 1] = row
      end
      count = count + n
    end
    assert.are.equal(23, count)
    local again = {}
    for x, _, _, n in data.batches(ds, 7, { seed = 1, epoch = 2 }) do
      for k = 1, n do again[#again + 1] = x[k][1][1][1] end
    end
    assert.are.same(order, again)
    local other, plain = {}, {}
    for x, _, _, n in data.batches(ds, 5, { seed = 1, epoch = 3 }) do for k = 1, n do other[#other + 1] = x[k][1][1][1] end end
    for x, _, _, n in data.batches(ds, 5, { shuffle = false }) do for k = 1, n do plain[#plain + 1] = x[k][1][1][1] end end
    assert.are_not.same(order, other)
    for i = 1, 23 do assert.are.equal(i, plain[i]) end
  end)
end)

describe('checksummed cache files', function()
  local function blob(path, strings)
    local n = #strings
    local parts, sizes = ffi.new('const void *[?]', n, strings), ffi.new('int64_t[?]', n)
    for i = 1, n do sizes[i - 1] = #strings[i] end
    return C.stn_blob_write(path, n, parts, sizes)
  end
  local function read(path)
    local np, sizes, offs, base = ffi.new('int[1]'), ffi.new('int64_t[8]'), ffi.new('int64_t[8]'), ffi.new('uint8_t *[1]')
    local st = C.stn_blob_read(path, 8, np, sizes, offs, base)
    if st ~= 0 then return nil, np[0], core.last_error() end
    local out = {}
    for i = 0, np[0] - 1 do out[i + 1] = ffi.string(base[0] + offs[i], sizes[i]) end
    C.stn_free(base[0])
    return out
  end

  it('round-trips sections of any length, empty ones included', function()
    local path = dir .. '/rt.bin'
    local parts = { 'meta', '', string.rep('x', 1001), 'abc' }
    assert.are.equal(0, blob(path, parts))
    assert.are.same(parts, read(path))
  end)

  it('detects a flipped byte, a cut file, a foreign file and a missing one', function()
    local path = dir .. '/c.bin'
    assert.are.equal(0, blob(path, { 'header', string.rep('pixels', 500) }))
    local f = io.open(path, 'rb')
    local bytes = f:read('*a')
    f:close()
    local function variant(name, s)
      local p = dir .. '/' .. name
      local g = io.open(p, 'wb'); g:write(s); g:close()
      return p
    end
    local flipped = variant('flip.bin', bytes:sub(1, 100) .. string.char((bytes:byte(101) + 1) % 256) .. bytes:sub(102))
    local r, code, msg = read(flipped)
    assert.is_nil(r)
    assert.are.equal(-2, code)
    assert.truthy(msg:find('checksum mismatch', 1, true) and msg:find('flip.bin', 1, true), msg)
    r, code, msg = read(variant('cut.bin', bytes:sub(1, #bytes - 8)))
    assert.are.equal(-2, code)
    assert.truthy(msg:find('truncated', 1, true), msg)
    r, code, msg = read(variant('foreign.bin', 'P6\n1 1\n255\n...'))
    assert.are.equal(-2, code)
    assert.truthy(msg:find('not an stn cache file', 1, true), msg)
    r, code = read(dir .. '/absent.bin')
    assert.are.equal(-1, code)
  end)
end)
