-- stn.data.loadImages (image files decoded and resized, as the GTSRB loader does) and
-- stn.data.drawPolygon (filling polygons into byte images, as the fake GTSRB tree does).
local H = require 'helpers'
local ffi = require 'ffi'
local stn = H.stn
local data = stn.data

-- What the loader gives for byte b: b times the float nearest 1/255, in float.
local function unit(b) return tonumber(ffi.new('float', b * tonumber(ffi.new('float', 1 / 255)))) end

local dir = 'spec/tmp/data_images' -- (emptied first)
os.execute('rm -rf ' .. dir .. ' && mkdir -p ' .. dir)

-- A w x h picture with channels c, sample k (0-based, HWC) = f(k); its path.
local function ppm(name, w, h, c, f)
  local px = ffi.new('uint8_t[?]', w * h * c)
  for k = 0, w * h * c - 1 do px[k] = f(k) end
  local path = dir .. '/' .. name
  data.writePPM(path, px, w, h, c)
  return path
end

describe('stn.data.loadImages', function()
  it('gives N x C x H x W floats byte x (1/255), CHW, at the files\' own size', function()
    local a = ppm('a.ppm', 2, 1, 3, function(k) return (k + 1) * 10 end) -- HWC 10..60
    local b = ppm('b.ppm', 2, 1, 3, function() return 255 end)
    local x = data.loadImages({ a, b }, 1, 2)
    assert.are.same({ 2, 3, 1, 2 }, x:size():totable())
    local want = { { { { 10, 40 } }, { { 20, 50 } }, { { 30, 60 } } }, { { { 255, 255 } }, { { 255, 255 } }, { { 255, 255 } } } }
    for i = 1, 2 do for c = 1, 3 do for j = 1, 2 do
      assert.are.equal(unit(want[i][c][1][j]), x[i][c][1][j])
    end end end
  end)

  it('resizes as the C loader does: a constant picture stays constant; grey files with channels 1', function()
    local p = ppm('grey.pgm', 5, 3, 1, function() return 51 end)
    local x = data.loadImages({ p }, 4, 7, 1)
    assert.are.same({ 1, 1, 4, 7 }, x:size():totable())
    assert.are.equal(unit(51), x:min())
    assert.are.equal(x:min(), x:max())
  end)

  it('refuses bad arguments and names the failing file', function()
    local a = ppm('c.ppm', 2, 2, 3, function() return 1 end)
    H.assert_error(function() data.loadImages({}, 4, 4) end, 'stn: data.loadImages', 'non-empty list')
    H.assert_error(function() data.loadImages(a, 4, 4) end, 'stn: data.loadImages', 'got string')
    H.assert_error(function() data.loadImages({ a, 3 }, 4, 4) end, 'stn: data.loadImages', 'path 2')
    for _, bad in ipairs { 0, 1.5, 0 / 0, 2 ^ 21 } do
      H.assert_error(function() data.loadImages({ a }, bad, 4) end, 'stn: data.loadImages', 'height', tostring(bad))
      H.assert_error(function() data.loadImages({ a }, 4, bad) end, 'stn: data.loadImages', 'width', tostring(bad))
    end
    H.assert_error(function() data.loadImages({ a }, 4, 4, 2) end, 'stn: data.loadImages', 'channels must be 1 or 3')
    H.assert_error(function() data.loadImages({ a }, 4, 4, 1) end, 'stn: data.loadImages', 'c.ppm', '3 channels, 1 expected')
    H.assert_error(function() data.loadImages({ a, dir .. '/missing.ppm' }, 4, 4) end, 'stn: data.loadImages', 'missing.ppm')
  end)
end)

describe('stn.data.drawPolygon', function()
  local function pixels(img, n)
    local t = {}
    for k = 0, n - 1 do t[k + 1] = img[k] end
    return t
  end

  it('fills whole pixels with the colour, a covered fraction blended, and returns the image', function()
    local img = ffi.new('uint8_t[16]')
    assert.are.equal(img, data.drawPolygon(img, 4, 4, 1, { { 0, 0 }, { 2, 0 }, { 2, 4 }, { 0, 4 } }, 200))
    assert.are.same({ 200, 200, 0, 0, 200, 200, 0, 0, 200, 200, 0, 0, 200, 200, 0, 0 }, pixels(img, 16))
    -- half of pixel 3 of each row: 0 * 0.5 + 200 * 0.5, rounded
    data.drawPolygon(img, 4, 4, 1, stn.Tensor({ { 2, 0 }, { 2.5, 0 }, { 2.5, 4 }, { 2, 4 } }), 200)
    assert.are.same({ 200, 200, 100, 0 }, { img[0], img[1], img[2], img[3] })
    -- drawn over: full coverage replaces
    data.drawPolygon(img, 4, 4, 1, { { 0, 0 }, { 4, 0 }, { 4, 1 }, { 0, 1 } }, 7)
    assert.are.same({ 7, 7, 7, 7, 200, 200, 100, 0 }, pixels(img, 8))
  end)

  it('writes each channel its colour, in HWC bytes from stn.data.bytes', function()
    local img = data.bytes(2 * 1 * 3)
    ffi.fill(img, 6, 0)
    data.drawPolygon(img, 2, 1, 3, { { 1, 0 }, { 2, 0 }, { 2, 1 }, { 1, 1 } }, { 10, 20, 30 })
    assert.are.same({ 0, 0, 0, 10, 20, 30 }, pixels(img, 6))
  end)

  it('refuses bad images, sizes, points and colours', function()
    local img = ffi.new('uint8_t[16]')
    local sq = { { 0, 0 }, { 1, 0 }, { 1, 1 } }
    H.assert_error(function() data.drawPolygon('x', 4, 4, 1, sq, 1) end, 'stn: data.drawPolygon', 'byte image', 'string')
    H.assert_error(function() data.drawPolygon(ffi.new('float[16]'), 4, 4, 1, sq, 1) end, 'stn: data.drawPolygon', 'float')
    H.assert_error(function() data.drawPolygon(img, 0, 4, 1, sq, 1) end, 'stn: data.drawPolygon', 'width')
    H.assert_error(function() data.drawPolygon(img, 4, 1.5, 1, sq, 1) end, 'stn: data.drawPolygon', 'height')
    H.assert_error(function() data.drawPolygon(img, 4, 4, 5, sq, 1) end, 'stn: data.drawPolygon', 'channels must be 1 to 4')
    H.assert_error(function() data.drawPolygon(img, 4, 4, 1, { { 0, 0 }, { 1, 1 } }, 1) end, 'stn: data.drawPolygon', '3 to 100000 points')
    H.assert_error(function() data.drawPolygon(img, 4, 4, 1, { { 0, 0 / 0 }, { 1, 0 }, { 1, 1 } }, 1) end, 'stn: data.drawPolygon', 'coordinate 2 is not finite')
    H.assert_error(function() data.drawPolygon(img, 4, 4, 1, { { 0, 0 }, 'x', { 1, 1 } }, 1) end, 'stn: data.drawPolygon', 'point 2')
    H.assert_error(function() data.drawPolygon(img, 4, 4, 1, stn.Tensor(3, 3), 1) end, 'stn: data.drawPolygon', 'n x 2')
    H.assert_error(function() data.drawPolygon(img, 4, 4, 1, 5, 1) end, 'stn: data.drawPolygon', 'list of {x, y}')
    H.assert_error(function() data.drawPolygon(img, 4, 4, 1, sq, 256) end, 'stn: data.drawPolygon', 'color 1', '256')
    H.assert_error(function() data.drawPolygon(img, 4, 4, 1, sq, 1.5) end, 'stn: data.drawPolygon', 'color 1', '1.5')
    H.assert_error(function() data.drawPolygon(img, 4, 4, 3, sq, { 1, 2 }) end, 'stn: data.drawPolygon', '3 numbers')
  end)
end)
