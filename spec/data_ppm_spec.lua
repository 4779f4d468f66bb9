-- Netpbm reading and writing (csrc/io/ppm.c through stn.data.readPPM/writePPM): header
-- quirks, sample depths, and files that are not what they claim.
local H = require 'helpers'
local ffi = require 'ffi'
local stn = H.stn
local data = stn.data

local dir = 'spec/tmp/data_ppm'
os.execute('rm -rf ' .. dir .. ' && mkdir -p ' .. dir)

local function write(name, bytes)
  local path = dir .. '/' .. name
  local f = assert(io.open(path, 'wb'))
  f:write(bytes)
  f:close()
  return path
end

local function bytes_of(px, n)
  local t = {}
  for i = 0, n - 1 do t[#t + 1] = px[i] end
  return t
end

-- a 2 x 3 RGB image with samples 1..18
local body = {}
for i = 1, 18 do body[i] = string.char(i) end
body = table.concat(body)
local expect = {}
for i = 1, 18 do expect[i] = i end

describe('stn.data.readPPM', function()
  it('reads a plain P6 file in HWC order', function()
    local px, w, h, c = data.readPPM(write('plain.ppm', 'P6\n3 2\n255\n' .. body))
    assert.are.same({ 3, 2, 3 }, { w, h, c })
    assert.are.same(expect, bytes_of(px, 18))
  end)

  it('accepts comments anywhere in the header and any whitespace between fields', function()
    local headers = {
      'P6\n# a comment\n3 2\n255\n',
      'P6 3\t2   255\n',
      'P6\n#one\n3\n# between width and height\n2 #after height\n# before maxval\n255\r',
      'P6\r\n3  2\r\n255\n',
      'P6#right after the magic\n3 2 255 ',
      'P6\n\n\t 3\f2\v255\n',
    }
    for i, hdr in ipairs(headers) do
      local px, w, h = data.readPPM(write('quirk' .. i .. '.ppm', hdr .. body))
      assert.are.same({ 3, 2 }, { w, h }, 'header ' .. i)
      assert.are.same(expect, bytes_of(px, 18), 'header ' .. i)
    end
  end)

  it('takes the byte after maxval as the separator even when it looks like a comment or space', function()
    -- samples 32 (space) and 35 ('#') right after the separator are pixel data
    local px = data.readPPM(write('tricky.ppm', 'P5 2 1 255\n #'))
    assert.are.same({ 32, 35 }, bytes_of(px, 2))
  end)

  it('scales maxval below 255 and 16-bit samples to 0..255, rounding', function()
    local px, w, h, c = data.readPPM(write('p5.pgm', 'P5\n3 1\n15\n' .. string.char(0, 7, 15)))
    assert.are.same({ 3, 1, 1 }, { w, h, c })
    assert.are.same({ 0, 119, 255 }, bytes_of(px, 3)) -- 7 * 255 / 15 = 119
    px = data.readPPM(write('p16.pgm', 'P5\n2 1\n65535\n' .. string.char(0x80, 0x00, 0xFF, 0xFF)))
    assert.are.same({ 128, 255 }, bytes_of(px, 2)) -- 32768 * 255 / 65535 = 127.5 -> 128
  end)

  it('round-trips through writePPM, comment included', function()
    local src = ffi.new('uint8_t[18]', expect)
    local path = dir .. '/written.ppm'
    data.writePPM(path, src, 3, 2, 3, 'made by a spec')
    local f = io.open(path, 'rb')
    local text = f:read('*a')
    f:close()
    assert.truthy(text:find('# made by a spec', 1, true))
    local px, w, h, c = data.readPPM(path)
    assert.are.same({ 3, 2, 3 }, { w, h, c })
    assert.are.same(expect, bytes_of(px, 18))
  end)

  it('names the file and the byte counts when the pixel data is truncated', function()
    local path = write('short.ppm', 'P6\n3 2\n255\n' .. body:sub(1, 10))
    H.assert_error(function() data.readPPM(path) end, path, 'truncated', '18 bytes expected', '10 found')
  end)

  it('rejects a wrong magic, a bad field, maxval out of range, a missing separator, a missing file', function()
    local cases = {
      { 'P3\n3 2\n255\n', 'magic P6 or P5' },
      { 'P6\n3 x\n255\n', 'height expected' },
      { 'P6\n3 2\n256000\n', 'maxval 256000 is out of range' },
      { 'P6\n0 2\n255\n', 'width 0 is out of range' },
      { 'P6\n3 2\n255', 'no whitespace byte after maxval', '' },
      { 'P6\n3 2\n255#c\n', 'a comment follows', '' },
      { 'P6\n3 2', 'header ends before its maxval', '' },
      { 'P6\n3x 2\n255\n', 'width is followed by' },
    }
    for i, case in ipairs(cases) do
      local path = write('bad' .. i .. '.ppm', case[1] .. (case[3] or body))
      H.assert_error(function() data.readPPM(path) end, path, case[2])
    end
    H.assert_error(function() data.readPPM(dir .. '/nope.ppm') end, 'cannot open', 'nope.ppm')
  end)
end)
