-- IDX files (csrc/io/idx.c through stn.data.idx): round trips plain and gzipped for every
-- element type, the header by hand, and truncated, overlong or foreign files.
local H = require 'helpers'
local stn = H.stn
local idx = stn.data.idx

local dir = 'spec/tmp/data_idx'
os.execute('rm -rf ' .. dir .. ' && mkdir -p ' .. dir)

local slurp, spit = H.slurp, H.spit

-- 2 x 3 x 4 values fitting every type: -12 .. 11
local function sample()
  local t = stn.Tensor(2, 3, 4)
  local p = t:data()
  for i = 0, 23 do p[i] = i - 12 end
  return t
end

describe('stn.data.idx', function()
  it('writes the header and big-endian elements by hand', function()
    local path = dir .. '/hand.idx'
    idx.write(path, stn.Tensor({ { 1, 258 } }), { type = 'short' })
    assert.are.equal(string.char(0, 0, 0x0B, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 1, 2), slurp(path))
  end)

  it('reads every NaN bit pattern of float and double files as a plain NaN', function()
    -- (LuaJIT reads a float NaN with the sign and payload bits set as nil or a prototype)
    local path = dir .. '/nan.idx'
    spit(path, string.char(0, 0, 0x0D, 1, 0, 0, 0, 3) .. string.char(0xff, 0xff, 0xff, 0xff, 0xff, 0x80, 0, 1, 0x7f, 0xff, 0xff, 0xff))
    local t = idx.read(path)
    local bits = require('ffi').cast('uint32_t *', t:data())
    for i = 1, 3 do
      assert.are.equal('number', type(t[i]))
      assert.is_true(t[i] ~= t[i])
      assert.is_true(bits[i - 1] == 0x7fc00000, ('element %d: %x'):format(i, bits[i - 1]))
    end
    spit(path, string.char(0, 0, 0x0E, 1, 0, 0, 0, 1) .. string.rep(string.char(0xff), 8))
    t = idx.read(path)
    assert.are.equal(0x7fc00000, require('ffi').cast('uint32_t *', t:data())[0])
  end)

  it('round-trips every element type, plain and gzipped', function()
    for _, ty in ipairs { 'byte', 'short', 'int', 'float', 'double' } do
      for _, gz in ipairs { false, true } do
        local path = dir .. '/rt-' .. ty .. (gz and '.idx.gz' or '.idx')
        local t = sample()
        idx.write(path, t, { type = ty })
        assert.are.equal(gz, slurp(path):sub(1, 2) == '\31\139', path .. ' gzip magic')
        local back, name = idx.read(path)
        assert.are.equal(ty, name)
        assert.are.same({ 2, 3, 4 }, back:size():totable())
        H.assert_equal(back, t)
      end
    end
    local u = stn.Tensor({ 0, 7, 255 })
    idx.write(dir .. '/u.idx.gz', u)
    H.assert_equal(idx.read(dir .. '/u.idx.gz'), u)
  end)

  it('writes a strided view in row-major order and reads into any tensor', function()
    local t = sample():transpose(1, 3) -- 4 x 3 x 2, not contiguous
    idx.write(dir .. '/strided.idx', t, { type = 'int' })
    H.assert_equal(idx.read(dir .. '/strided.idx'), t)
  end)

  it('refuses values the type cannot hold', function()
    H.assert_error(function() idx.write(dir .. '/x.idx', stn.Tensor({ 1, 2.5 })) end, 'element 2 is 2.5', 'ubyte')
    H.assert_error(function() idx.write(dir .. '/x.idx', stn.Tensor({ 300 }), { type = 'byte' }) end, 'not an integer in [-128, 127]')
    H.assert_error(function() idx.write(dir .. '/x.idx', stn.Tensor({ 1 }), { type = 'long' }) end, 'unknown type long')
  end)

  it('names the file when it is truncated, overlong, foreign or missing', function()
    local good = dir .. '/good.idx'
    idx.write(good, sample(), { type = 'short' })
    local bytes = slurp(good)
    local cut = spit(dir .. '/cut.idx', bytes:sub(1, #bytes - 5))
    H.assert_error(function() idx.read(cut) end, cut, 'truncated', '2x3x4 short', '48 bytes of data, 43 found')
    local head = spit(dir .. '/head.idx', bytes:sub(1, 9))
    H.assert_error(function() idx.read(head) end, head, 'truncated in its header')
    local long = spit(dir .. '/long.idx', bytes .. 'x')
    H.assert_error(function() idx.read(long) end, long, 'more data than its header announces')
    local foreign = spit(dir .. '/foreign.idx', 'P6\n3 2\n255\n')
    H.assert_error(function() idx.read(foreign) end, foreign, 'not an IDX file')
    H.assert_error(function() idx.read(dir .. '/none.idx') end, 'cannot open', 'none.idx')
  end)

  it('names the file when its gzip stream is cut or corrupt', function()
    local gz = dir .. '/big.idx.gz'
    local t = stn.Tensor(64, 64)
    local p = t:data()
    for i = 0, 4095 do p[i] = (i * 31) % 251 end
    idx.write(gz, t)
    local bytes = slurp(gz)
    local cut = spit(dir .. '/cut.idx.gz', bytes:sub(1, math.floor(#bytes / 2)))
    local err = H.assert_error(function() idx.read(cut) end, cut)
    assert.truthy(err:find('truncated') or err:find('cut short') or err:find('corrupt'), err)
    local bad = spit(dir .. '/bad.idx.gz', bytes:sub(1, 20) .. string.rep('\0', 40) .. bytes:sub(61))
    H.assert_error(function() idx.read(bad) end, bad)
  end)
end)
