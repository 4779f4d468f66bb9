-- Hostile files for the readers of outside data (issue 12): each built here byte by
-- byte, each refused with an error naming the file and what was wrong, before anything
-- of the announced size is allocated (docs/data.md, "What the readers check").
local H = require 'helpers'
local ffi = require 'ffi'
local bit = require 'bit'
local core = require 'stn.ffi'
local stn = H.stn
local data = stn.data
local image = stn.image
local C = core.C

local dir = 'spec/tmp/data_hostile'
os.execute('rm -rf ' .. dir .. ' && mkdir -p ' .. dir)
local spit, slurp = H.spit, H.slurp
local function path(name) return dir .. '/' .. name end

---------------------------------------------------------------------- byte helpers
local function u16le(n) return string.char(n % 256, math.floor(n / 256) % 256) end
local function u32be(n)
  return string.char(math.floor(n / 2 ^ 24) % 256, math.floor(n / 2 ^ 16) % 256, math.floor(n / 256) % 256, n % 256)
end
local function u32le(n) return u32be(n):reverse() end
local function u64le(n) return u32le(n % 2 ^ 32) .. u32le(math.floor(n / 2 ^ 32)) end
local INT64_MAX_HALF = string.rep('\255', 7) .. '\63' -- 0x3FFFFFFFFFFFFFFF, little-endian

-- CRC-32 (the reflected 0xEDB88320 polynomial of zlib, gzip and PNG), written out here.
local crc_table = {}
for i = 0, 255 do
  local c = i
  for _ = 1, 8 do c = bit.band(c, 1) ~= 0 and bit.bxor(0xEDB88320, bit.rshift(c, 1)) or bit.rshift(c, 1) end
  crc_table[i] = c
end
local function crc32(s)
  local c = 0xFFFFFFFF
  for i = 1, #s do c = bit.bxor(crc_table[bit.band(bit.bxor(c, s:byte(i)), 0xFF)], bit.rshift(c, 8)) end
  c = bit.bnot(c)
  return c < 0 and c + 2 ^ 32 or c
end
local function adler32(s)
  local a, b = 1, 0
  for i = 1, #s do a = (a + s:byte(i)) % 65521; b = (b + a) % 65521 end
  return b * 65536 + a
end

-- Deflate "stored" blocks (no compression) around s.
local function stored_blocks(s)
  local out, i = {}, 1
  repeat
    local piece = s:sub(i, i + 65534)
    i = i + #piece
    local final = i > #s and 1 or 0
    out[#out + 1] = string.char(final) .. u16le(#piece) .. u16le(65535 - #piece) .. piece
  until final == 1
  return table.concat(out)
end
local function gzip(s) -- RFC 1952: header, stored blocks, CRC-32, length
  return '\31\139\8\0\0\0\0\0\0\255' .. stored_blocks(s) .. u32le(crc32(s)) .. u32le(#s % 2 ^ 32)
end
local function zlib(s) return '\120\1' .. stored_blocks(s) .. u32be(adler32(s)) end -- RFC 1950

-- Bytes held by live storages now, and after fn (run without a collection between):
-- a reader that allocated its tensor before failing leaves it in an unreachable tensor.
local function storage_growth(fn)
  collectgarbage()
  local before = stn.memoryInUse()
  local ok, err = pcall(fn)
  return stn.memoryInUse() - before, ok, ok and 'no error' or tostring(err)
end

---------------------------------------------------------------------- cache files
describe('a hostile dataset cache', function()
  local function read_blob(p)
    local np, sizes, offs, base = ffi.new('int[1]'), ffi.new('int64_t[8]'), ffi.new('int64_t[8]'), ffi.new('uint8_t *[1]')
    local st = C.stn_blob_read(p, 8, np, sizes, offs, base)
    if st ~= 0 then return nil, core.last_error() end
    local out = {}
    for i = 0, np[0] - 1 do out[i + 1] = ffi.string(base[0] + offs[i], sizes[i]) end
    C.stn_free(base[0])
    return out
  end

  -- 80 bytes: five sections, one of 16 bytes and four of INT64_MAX/2 whose padded sizes
  -- (2^62 each) add up to 2^64: a 64-bit sum wraps to 16, the length of what follows.
  local function wrapping_blob()
    return 'STNBLOB1' .. u64le(5) .. u64le(16) .. INT64_MAX_HALF:rep(4) .. u64le(0) .. ('x'):rep(16)
  end

  it('refuses section sizes whose sum wraps around to the file length', function()
    local bytes = wrapping_blob()
    assert.are.equal(80, #bytes)
    local p = spit(path('wrap.bin'), bytes)
    local r, err = read_blob(p)
    assert.is_nil(r)
    assert.truthy(err:find(p, 1, true) and err:find('section 2 announces 4611686018427387903 bytes', 1, true), err)
    assert.truthy(err:find('only 0 of its 80 bytes remain', 1, true), err)
  end)

  it('refuses a section longer than the bytes left, and bytes beyond the last section', function()
    local head = 'STNBLOB1' .. u64le(2) .. u64le(8)
    local p = spit(path('long.bin'), head .. u64le(9) .. u64le(0) .. ('y'):rep(16))
    local _, err = read_blob(p)
    assert.truthy(err:find('section 2 announces 9 bytes, only 8 of its 56 bytes remain', 1, true), err)
    p = spit(path('extra.bin'), head .. u64le(8) .. u64le(0) .. ('y'):rep(24))
    _, err = read_blob(p)
    assert.truthy(err:find('holds 64 bytes, its header announces 56', 1, true), err)
  end)

  describe('read by the GTSRB loader', function()
    local fake = dofile('tools/make_fake_gtsrb.lua')
    local root = path('gtsrb')
    fake.make(root, { seed = 5, classes = 2, tracks = 2, frames = 2, test = 1 })
    local cache = root .. '/stn-cache-train-48.bin'
    local good = data.gtsrb.train { root = root }
    local good_bytes = slurp(cache)

    it('rebuilds the set when the cache is the 80-byte wrapping file', function()
      spit(cache, wrapping_blob())
      local again = data.gtsrb.train { root = root }
      assert.are.equal('corrupt', again.cache)
      H.assert_equal(again.data, good.data)
      assert.are.same(good.label:totable(), again.label:totable())
    end)

    -- the key, pixels and checksum are right (stn_blob_write recomputes the checksum):
    -- only a label or a track differs from what the CSVs say
    local function tampered(section, row, value)
      spit(cache, good_bytes)
      local parts = assert(read_blob(cache))
      local s = parts[section]
      parts[section] = s:sub(1, 4 * (row - 1)) .. ffi.string(ffi.new('int32_t[1]', value), 4) .. s:sub(4 * row + 1)
      local ptrs, lens = ffi.new('const void *[4]', parts), ffi.new('int64_t[4]')
      for i = 1, 4 do lens[i - 1] = #parts[i] end
      assert.are.equal(0, C.stn_blob_write(cache, 4, ptrs, lens))
    end

    it('refuses labels and tracks that disagree with the CSVs, whatever the checksum says', function()
      for _, case in ipairs { { 3, 1, 2 ^ 31 - 1 }, { 3, 2, -5 }, { 3, 4, 1 }, { 4, 3, 999 }, { 4, 1, -2 ^ 31 } } do
        tampered(case[1], case[2], case[3])
        local again = data.gtsrb.train { root = root }
        assert.are.equal('corrupt', again.cache, ('section %d row %d = %d'):format(case[1], case[2], case[3]))
        assert.are.same(good.label:totable(), again.label:totable())
        assert.are.same(good.track:totable(), again.track:totable())
        assert.are.equal(2, again.nclasses)
      end
      assert.are.equal('hit', data.gtsrb.train { root = root }.cache)
    end)
  end)
end)

---------------------------------------------------------------------- IDX
describe('a hostile IDX file', function()
  local idx = data.idx
  -- 25 bytes: ubyte, 1430 x 1000 x 1000 x 1 x 1 announced (5.7 GB as floats), 1 present
  local header = '\0\0\8\5' .. u32be(1430) .. u32be(1000) .. u32be(1000) .. u32be(1) .. u32be(1)

  it('compares the announced size with the file length before allocating', function()
    local p = spit(path('big.idx'), header .. 'z')
    assert.are.equal(25, #slurp(p))
    local grown, ok, err = storage_growth(function() return idx.read(p) end)
    assert.is_false(ok)
    for _, s in ipairs { p, 'truncated', '1430x1000x1000x1x1 ubyte', '1430000000 bytes of data, 1 found' } do
      assert.truthy(err:find(s, 1, true), err)
    end
    assert.is_true(grown < 2 ^ 20, ('%d bytes of storage allocated'):format(grown))
  end)

  it('gathers a gzipped stream as it inflates, never the announced size up front', function()
    local p = spit(path('big.idx.gz'), gzip(header .. 'z'))
    local grown, ok, err = storage_growth(function() return idx.read(p) end)
    assert.is_false(ok)
    assert.truthy(err:find(p, 1, true) and err:find('1430000000 bytes of data, 1 found', 1, true), err)
    assert.is_true(grown < 2 ^ 20, ('%d bytes of storage allocated'):format(grown))
    p = spit(path('long.idx.gz'), gzip('\0\0\8\1' .. u32be(3) .. 'abcd'))
    H.assert_error(function() idx.read(p) end, p, 'more data than its header announces')
  end)

  it('reads gzipped streams longer than its first buffer (1 MiB) whole', function()
    local n = 5 * 629147 -- 3 MiB and a tail: the buffer doubles twice, then takes the rest
    local body = {}
    for i = 0, n - 1, 4096 do body[#body + 1] = string.char(i / 4096 % 251) .. ('\7'):rep(math.min(4095, n - 1 - i)) end
    body = table.concat(body)
    assert.are.equal(n, #body)
    local p = spit(path('long3m.idx.gz'), gzip('\0\0\8\2' .. u32be(n / 5) .. u32be(5) .. body))
    local t = idx.read(p)
    assert.are.same({ n / 5, 5 }, t:size():totable())
    local flat = t:view(-1)
    for _, i in ipairs { 0, 4096, 2 ^ 20, 2 ^ 21 + 4096, n - 4096 - 1 } do
      local k = math.floor(i / 4096) * 4096
      assert.are.equal(k / 4096 % 251, flat[k + 1], 'element ' .. k)
      assert.are.equal(7, flat[k + 2])
    end
  end)

  it('refuses more than 2^31 elements, plain or gzipped', function()
    local big = '\0\0\8\2' .. u32be(65536) .. u32be(65536)
    for _, p in ipairs { spit(path('huge.idx'), big), spit(path('huge.idx.gz'), gzip(big)) } do
      local grown, ok, err = storage_growth(function() return idx.read(p) end)
      assert.is_false(ok)
      assert.truthy(err:find(p, 1, true) and err:find('65536x65536 ubyte elements, more than the 2147483648 (2^31)', 1, true), err)
      assert.are.equal(0, grown)
    end
    -- a zero size anywhere is "no elements", whatever the others announce
    local p = spit(path('zero.idx'), '\0\0\8\3' .. u32be(2 ^ 32 - 1) .. u32be(2 ^ 32 - 1) .. u32be(0))
    H.assert_error(function() idx.read(p) end, p, 'holds no elements')
  end)
end)

---------------------------------------------------------------------- GIF
-- LZW codes of min code size m for a list of colour indices, a clear code before every
-- second index so that the decoder's code size never grows past m + 1 bits (it widens
-- once more than 2^(m+1) - 2^m - 2 codes follow a clear), packed LSB first in sub-blocks.
local function lzw(m, indices)
  local clear, stop, width = 2 ^ m, 2 ^ m + 1, m + 1
  local codes = {}
  for i, v in ipairs(indices) do
    if (i - 1) % 2 == 0 then codes[#codes + 1] = clear end
    codes[#codes + 1] = v
  end
  codes[#codes + 1] = stop
  local bytes, acc, nbits = {}, 0, 0
  for _, c in ipairs(codes) do
    acc, nbits = acc + c * 2 ^ nbits, nbits + width
    while nbits >= 8 do bytes[#bytes + 1] = string.char(acc % 256); acc, nbits = math.floor(acc / 256), nbits - 8 end
  end
  if nbits > 0 then bytes[#bytes + 1] = string.char(acc) end
  local s, out = table.concat(bytes), { string.char(m) }
  for i = 1, #s, 255 do
    local piece = s:sub(i, i + 254)
    out[#out + 1] = string.char(#piece) .. piece
  end
  return table.concat(out) .. '\0'
end

-- GIF89a with a global palette of 2^bits colours (colour k = (k, 2k, 3k)).
local function gif_head(w, h, bits)
  local pal = {}
  for k = 0, 2 ^ bits - 1 do pal[#pal + 1] = string.char(k, 2 * k, 3 * k) end
  return 'GIF89a' .. u16le(w) .. u16le(h) .. string.char(0x80 + bits - 1, 0, 0) .. table.concat(pal)
end
local function gif_frame(left, top, w, h, interlaced, m, indices)
  return ',' .. u16le(left) .. u16le(top) .. u16le(w) .. u16le(h) .. string.char(interlaced and 0x40 or 0) .. lzw(m, indices)
end
local function solid(n, v) local t = {} for i = 1, n do t[i] = v end return t end

describe('a hostile GIF', function()
  if not image.formats().gif then
    pending('this stn was built without giflib')
    return
  end

  it('refuses a 35-byte file announcing an 8000 x 8000 canvas', function()
    local bytes = gif_head(8000, 8000, 1) .. gif_frame(0, 0, 1, 1, false, 2, { 0 }) .. ';'
    assert.are.equal(35, #bytes)
    local p = spit(path('canvas.gif'), bytes)
    local grown, ok, err = storage_growth(function() return image.load(p) end)
    assert.is_false(ok)
    for _, s in ipairs { 'stn_gif_read', p, 'frames hold 1 pixels of its 8000x8000 canvas', 'less than 1/16' } do
      assert.truthy(err:find(s, 1, true), err)
    end
    assert.is_true(grown < 2 ^ 20, ('%d bytes of storage allocated'):format(grown))
  end)

  it('refuses a canvas of more than 2^26 pixels, and a frame whose data are missing', function()
    local p = spit(path('huge.gif'), gif_head(65535, 65535, 1) .. gif_frame(0, 0, 1, 1, false, 2, { 0 }) .. ';')
    H.assert_error(function() image.load(p) end, p, '65535x65535 canvas, more than the 67108864 pixels')
    -- a 65535 x 65535 frame on a small canvas with three pixels of data: decoded line by
    -- line, so only its first line is ever allocated
    local bytes = gif_head(16, 16, 1) .. gif_frame(0, 0, 65535, 65535, false, 2, { 0, 1, 0 }) .. ';'
    p = spit(path('frame.gif'), bytes)
    local t0 = os.clock()
    local grown, ok, err = storage_growth(function() return image.load(p) end)
    assert.is_false(ok)
    assert.truthy(err:find(p, 1, true) and err:find('truncated or corrupt', 1, true), err)
    assert.are.equal(0, grown)
    assert.is_true(os.clock() - t0 < 1)
  end)

  it('refuses more frames than its output may hold (2^29 values)', function()
    -- a 256 x 256 canvas (bare canvases of up to 65536 pixels need no cover) takes
    -- 3 x 65536 values a frame: 2730 frames fit, the 2731st does not
    local frames = {}
    for _ = 1, 2731 do frames[#frames + 1] = gif_frame(0, 0, 1, 1, false, 2, { 1 }) end
    local p = spit(path('frames.gif'), gif_head(256, 256, 1) .. table.concat(frames) .. ';')
    local grown, ok, err = storage_growth(function() return image.load(p) end)
    assert.is_false(ok)
    assert.truthy(err:find(p, 1, true) and err:find('more than 2730 frames of 256x256', 1, true), err)
    assert.are.equal(0, grown)
  end)

  it('reads a GIF whose only frame lies wholly outside the canvas (no pixel kept) as the background', function()
    -- (fuzzing found the reader stepping a NULL pixel pointer here: undefined behaviour)
    local p = spit(path('outside.gif'), gif_head(4, 4, 1) .. gif_frame(6, 0, 2, 2, false, 2, { 1, 1, 1, 1 }) .. ';')
    local t = image.load(p)
    assert.are.same({ 1, 3, 4, 4 }, t:size():totable())
    assert.are.equal(0, t:max()) -- background colour 0 of the palette: (0, 0, 0)
  end)

  it('decodes interlaced frames and clips frames that stray outside the canvas', function()
    -- canvas 4 x 8; frame 1 covers it, interlaced, row y all colour y; frame 2 (3 x 2 of
    -- colour 0 at column 2, row 7) lies half outside: only (7, 2) and (7, 3) change
    local rows = {}
    for _, y in ipairs { 0, 4, 2, 6, 1, 3, 5, 7 } do for _ = 1, 4 do rows[#rows + 1] = y end end -- the four passes
    local bytes = gif_head(4, 8, 3) .. gif_frame(0, 0, 4, 8, true, 3, rows) .. gif_frame(2, 7, 3, 2, false, 3, solid(6, 0)) .. ';'
    local p = spit(path('interlaced.gif'), bytes)
    local t, info = image.load(p)
    assert.are.same({ 2, 3, 8, 4 }, t:size():totable())
    assert.are.same({ 'gif', 4, 8, 2 }, { info.format, info.width, info.height, info.frames })
    for f = 1, 2 do
      for y = 0, 7 do
        for x = 0, 3 do
          local k = (f == 2 and y == 7 and x >= 2) and 0 or y
          for c = 1, 3 do assert.are.equal(c * k, t[f][c][y + 1][x + 1], ('frame %d (%d, %d) channel %d'):format(f, y, x, c)) end
        end
      end
    end
  end)
end)

---------------------------------------------------------------------- PNG
local function chunk(kind, body) return u32be(#body) .. kind .. body .. u32be(crc32(kind .. body)) end
local function png(w, h, color, idat)
  return '\137PNG\r\n\26\n' .. chunk('IHDR', u32be(w) .. u32be(h) .. string.char(8, color, 0, 0, 0)) .. chunk('IDAT', idat)
    .. chunk('IEND', '')
end

describe('a hostile PNG', function()
  if not image.formats().png then
    pending('this stn was built without libpng')
    return
  end

  it('refuses a header announcing more image data than its IDAT chunks can inflate to', function()
    -- 8000 x 8000 RGB: 8000 x (1 + 24000) bytes of image data; the IDAT holds 15 bytes
    local p = spit(path('big.png'), png(8000, 8000, 2, zlib('\0\0\0\0')))
    H.assert_error(function() image.load(p) end, 'stn_png_read', p, 'announces 8000x8000 pixels', '192008000 bytes of image data',
      'IDAT chunks hold 15 compressed bytes, which inflate to at most 15480')
  end)

  it('refuses more than 2^26 pixels', function()
    local p = spit(path('wide.png'), png(10000, 10000, 0, zlib('\0')))
    H.assert_error(function() image.load(p) end, p, '10000x10000 pixels, more than this reader accepts (65536 a side, 67108864 in all)')
  end)

  it('reads a well-formed file built here, and a highly compressed one written by savePNG', function()
    -- 2 x 1 grey, samples 7 and 200, filter 0
    local t = image.load(spit(path('small.png'), png(2, 1, 0, zlib('\0\7\200'))))
    assert.are.same({ { { 7, 200 } } }, t:totable())
    local black = stn.Tensor(1, 1500, 1500):zero()
    image.savePNG(path('black.png'), black)
    H.assert_equal(image.load(path('black.png')), black)
  end)
end)

---------------------------------------------------------------------- PPM
describe('a hostile PPM', function()
  it('compares the announced samples with the bytes present, at the largest sides', function()
    local p = spit(path('big.ppm'), 'P6 1048576 1048576 255\nabc')
    H.assert_error(function() data.readPPM(p) end, p, 'truncated', '3298534883328 bytes expected', '3 found')
    p = spit(path('wide.ppm'), 'P6 1048577 1 255\nabc')
    H.assert_error(function() data.readPPM(p) end, p, 'width 1048577 is out of range [1, 1048576]')
    p = spit(path('deep.ppm'), 'P5 1 1 65536\nab')
    H.assert_error(function() data.readPPM(p) end, p, 'maxval 65536 is out of range [1, 65535]')
  end)
end)
