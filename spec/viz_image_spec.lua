-- stn.image: PNG and animated GIF files written and decoded again, un-normalizing,
-- upscaling, pasting, dots and text, and the errors for bad arguments.
local H = require 'helpers'
local stn = H.stn
local image = stn.image

local dir = os.tmpname()
os.remove(dir)
os.execute("mkdir -p '" .. dir .. "'")
local function path(name) return dir .. '/' .. name end

-- A C x H x W picture from a function of (c, i, j), 1-based.
local function picture(c, h, w, f)
  local t = stn.Tensor(c, h, w)
  for k = 1, c do for i = 1, h do for j = 1, w do t[k][i][j] = f(k, i, j) end end end
  return t
end

-- The channels of pixel (x, y) (0-based) of a C x H x W picture.
local function pixel(pic, x, y)
  local v = {}
  for c = 1, pic:size(1) do v[c] = pic[c][y + 1][x + 1] end
  return v
end

-- it() when this build has the format (libpng, giflib are optional), else pending.
local formats = image.formats()
local function format_it(format, package)
  return function(name, fn)
    if formats[format] then it(name, fn) else pending(name .. ' [built without ' .. package .. ']') end
  end
end
local png_it, gif_it = format_it('png', 'libpng (libpng-dev)'), format_it('gif', 'giflib (libgif-dev)')

describe('stn.image files', function()
  teardown(function() os.execute("rm -rf '" .. dir .. "'") end)

  it('tells which formats it was built with, and names the package of a missing one', function()
    assert.are.equal('boolean', type(formats.png))
    assert.are.equal('boolean', type(formats.gif))
    if not formats.png then
      H.assert_error(function() image.savePNG(path('x.png'), stn.Tensor(1, 1, 1):zero()) end, 'libpng-dev')
    end
    if not formats.gif then
      H.assert_error(function() image.GIFWriter(2, 2) end, 'libgif-dev')
    end
  end)

  png_it('writes a PNG that decodes to the same pixels, rounded and clamped', function()
    local pic = picture(3, 5, 7, function(c, i, j) return (c * 40 + i * 13 + j * 7) % 256 end)
    pic[1][1][1], pic[2][1][1], pic[3][1][1] = 300, -5, 12.6 -- clamped to 255 and 0, rounded to 13
    image.savePNG(path('a.png'), pic)
    local back, info = image.load(path('a.png'))
    assert.are.same({ 'png', 7, 5, 3, 1 }, { info.format, info.width, info.height, info.channels, info.frames })
    local want = pic:clone()
    want[1][1][1], want[2][1][1], want[3][1][1] = 255, 0, 13
    H.assert_equal(back, want)
  end)

  png_it('writes grey, grey + alpha and RGBA PNGs', function()
    for _, c in ipairs { 1, 2, 4 } do
      local pic = picture(c, 3, 4, function(k, i, j) return k * 50 + i * 10 + j end)
      image.savePNG(path('c' .. c .. '.png'), pic)
      local back, info = image.load(path('c' .. c .. '.png'))
      assert.are.equal(c, info.channels)
      H.assert_equal(back, pic)
    end
  end)

  gif_it('writes an animated GIF with its frames, delays and infinite loop', function()
    local frames = {}
    for k = 1, 3 do
      frames[k] = picture(3, 6, 10, function(c, i, j) return (j <= k * 3) and ({ 200, 30, 60 })[c] or ({ 10, 120, 250 })[c] end)
    end
    image.saveGIF(path('a.gif'), frames, { delay = 7 })
    local back, info = image.load(path('a.gif'))
    assert.are.same({ 'gif', 3, 10, 6, 0 }, { info.format, info.frames, info.width, info.height, info.loop })
    assert.are.same({ 7, 7, 7 }, info.delays)
    assert.are.same({ 3, 3, 6, 10 }, back:size():totable())
    -- two colours only: the adaptive palette holds them exactly
    for k = 1, 3 do H.assert_equal(back[k], frames[k], 'frame ' .. k) end
  end)

  gif_it('keeps unchanged pixels of later frames (written transparent) as they were', function()
    -- 32 greys 8 apart: each its own cell of the median cut's 5-bit histogram
    local a = picture(3, 8, 8, function(c, i, j) return (i * 8 + j) % 32 * 8 end)
    local b = a:clone()
    b:narrow(2, 3, 2):narrow(3, 4, 3):fill(255)
    image.saveGIF(path('t.gif'), { a, b, a })
    local back = image.load(path('t.gif'))
    -- the palette of frame 1 holds these greys exactly, and white
    H.assert_equal(back[1], a)
    H.assert_equal(back[2], b)
    H.assert_equal(back[3], a)
  end)

  gif_it('saves an animation in progress and extends it later', function()
    local gif = image.GIFWriter(4, 3, { delay = 5, loop = 3 })
    gif:add(image.canvas(3, 3, 4, { 255, 0, 0 })):add(image.canvas(1, 3, 4, 128), 20)
    gif:save(path('p.gif'))
    local _, info = image.load(path('p.gif'))
    assert.are.same({ 2, 3, 5, 20 }, { info.frames, info.loop, info.delays[1], info.delays[2] })
    gif:add(image.canvas(3, 3, 4, 0))
    assert.are.equal(3, gif:count())
    gif:save(path('p.gif'))
    gif:close()
    assert.are.equal(3, select(2, image.load(path('p.gif'))).frames)
  end)

  gif_it('plays once without the loop extension (loop -1)', function()
    image.saveGIF(path('once.gif'), { image.canvas(1, 2, 2, 9) }, { loop = -1 })
    assert.are.equal(-1, select(2, image.load(path('once.gif'))).loop)
  end)

  gif_it('maps colours to the fixed cube within half a cube step (and a lookup cell)', function()
    local pic = picture(3, 4, 16, function(c, i, j) return (c * 37 + i * 50 + j * 11) % 256 end)
    image.saveGIF(path('cube.gif'), { pic }, { palette = 'cube' })
    local back = image.load(path('cube.gif'))[1]
    -- red and blue levels are 51 apart, green 42.5, and the lookup goes by 4-wide colour
    -- cells (centre up to 2 away): the entry found is within 25.5 + 2 per channel
    assert.is_true(H.maxdiff(back, pic) <= 27.5)
  end)

  it('reads binary PPM files', function()
    local pgm = path('g.pgm')
    local f = assert(io.open(pgm, 'wb'))
    f:write('P5\n# a comment\n3 2\n255\n', string.char(0, 10, 20, 30, 40, 250))
    f:close()
    local back, info = image.load(pgm)
    assert.are.same({ 'ppm', 3, 2, 1 }, { info.format, info.width, info.height, info.channels })
    H.assert_equal(back, stn.Tensor({ { { 0, 10, 20 }, { 30, 40, 250 } } }))
  end)

  png_it('names the file and what is wrong for bad files and arguments', function()
    H.assert_error(function() image.load(path('missing.png')) end, 'stn: image.load', 'missing.png')
    local txt = path('x.txt')
    local f = assert(io.open(txt, 'w'))
    f:write('hello world')
    f:close()
    H.assert_error(function() image.load(txt) end, 'neither PNG, GIF nor binary PPM', 'x.txt')
    local bad = path('bad.png')
    f = assert(io.open(bad, 'wb'))
    f:write('\137PNG\r\n\26\n', 'garbage')
    f:close()
    H.assert_error(function() image.load(bad) end, 'stn_png_read', 'bad.png')
    H.assert_error(function() image.savePNG(path('five.png'), stn.Tensor(5, 2, 2)) end, '1 to 4 channels', '5x2x2')
    H.assert_error(function() image.savePNG(path('no/such/dir.png'), stn.Tensor(1, 2, 2):zero()) end, 'no/such/dir.png')
    H.assert_error(function() image.savePNG(path('flat.png'), stn.Tensor(4, 4):zero()) end, 'C x H x W', '4x4')
  end)

  gif_it('names what is wrong with GIF frames and calls', function()
    H.assert_error(function() image.saveGIF(path('e.gif'), {}) end, 'no frames')
    H.assert_error(function() image.GIFWriter(4, 4, { palette = 'rainbow' }) end, 'palette', 'rainbow')
    for _, bad in ipairs { 4.5, 0 / 0, math.huge } do -- (an int conversion would round or wrap these)
      H.assert_error(function() image.GIFWriter(bad, 4) end, 'GIFWriter', 'width and height', tostring(bad))
      H.assert_error(function() image.GIFWriter(4, 4, { loop = bad }) end, 'GIFWriter', 'loop', tostring(bad))
    end
    local gif = image.GIFWriter(4, 3)
    H.assert_error(function() gif:add(stn.Tensor(3, 4, 4):zero()) end, 'stn_gif_add_frame', '3 x 4', '3x4x4')
    H.assert_error(function() gif:save(path('none.gif')) end, 'no frames yet')
    gif:close()
    H.assert_error(function() gif:add(stn.Tensor(3, 3, 4):zero()) end, 'closed')
  end)
end)

describe('stn.image drawing', function()
  it('undoes a global normalization, per channel or for all', function()
    local x = stn.Tensor({ { { -1, 0 } }, { { 1, 2 } } }) -- 2 x 1 x 2
    local d = image.toDisplay(x, { mean = { 0.5, 0.25 }, std = { 0.25, 0.5 } })
    -- 255 (x * std + mean): channel 1: 63.75, 127.5; channel 2: 191.25, 318.75 -> 255
    H.assert_near(d, stn.Tensor({ { { 63.75, 127.5 } }, { { 191.25, 255 } } }), 1e-6)
    H.assert_near(image.toDisplay(x, { mean = 0.5, std = 0.5 }), stn.Tensor({ { { 0, 127.5 } }, { { 255, 255 } } }), 1e-6)
  end)

  it('stretches each image of a batch from its minimum to its maximum', function()
    local x = stn.Tensor({ { { { 2, 4 }, { 6, 10 } } }, { { { -1, -1 }, { -1, -1 } } } }) -- 2 x 1 x 2 x 2
    local d = image.toDisplay(x)
    H.assert_near(d[1], stn.Tensor({ { { 0, 63.75 }, { 127.5, 255 } } }), 1e-5)
    H.assert_near(d[2], stn.Tensor(1, 2, 2):fill(128), 0) -- a constant image is mid-grey
  end)

  it('upscales by pixel repetition', function()
    local up = image.upscale(stn.Tensor({ { { 1, 2 }, { 3, 4 } } }), 2)
    H.assert_equal(up, stn.Tensor({ { { 1, 1, 2, 2 }, { 1, 1, 2, 2 }, { 3, 3, 4, 4 }, { 3, 3, 4, 4 } } }))
  end)

  it('pastes clipped, upscaled, and grey onto colour', function()
    local canvas = image.canvas(3, 3, 4, 0)
    image.paste(canvas, stn.Tensor({ { { 5, 6 }, { 7, 8 } } }), -1, 1, 2) -- 4 x 4 once upscaled
    -- rows 1-2 of the canvas get upscaled rows 0-1 (source row 0), columns 0-2 get
    -- upscaled columns 1-3 (source 0, 1, 1)
    for c = 1, 3 do
      H.assert_equal(canvas[c], stn.Tensor({ { 0, 0, 0, 0 }, { 5, 6, 6, 0 }, { 5, 6, 6, 0 } }))
    end
    H.assert_error(function() image.paste(image.canvas(1, 2, 2), stn.Tensor(3, 1, 1):zero(), 0, 0) end,
      '3-channel picture', '1-channel canvas')
  end)

  it('draws square dots around the nearest pixel, clipped', function()
    local canvas = image.canvas(1, 6, 6, 0)
    image.drawPoints(canvas, { { 1.4, 1.6 }, { 5.5, -0.2 } }, { radius = 1, color = 9 })
    -- (1.4, 1.6) -> pixel (1, 2): columns 0-2, rows 1-3; (5.5, -0.2) -> (6, 0): column 5, rows 0-1
    local want = stn.Tensor(1, 6, 6):zero()
    want[1]:narrow(1, 2, 3):narrow(2, 1, 3):fill(9)
    want[1]:narrow(1, 1, 2):narrow(2, 6, 1):fill(9)
    H.assert_equal(canvas, want)
    H.assert_error(function() image.drawPoints(canvas, { { 0 / 0, 1 } }) end, 'point 1 is not finite')
  end)

  it('writes text in the built-in font', function()
    assert.are.same({ 17, 8 }, { image.textSize('1/2') })
    assert.are.same({ 34, 16 }, { image.textSize('1/2', 2) })
    local canvas = image.canvas(1, 8, 12, 0)
    image.drawText(canvas, '-1', 0, 0, { color = 200 })
    -- '-' is row 4 of the first cell; '1' has its foot (.###.) on row 7 of the second
    assert.are.same({ 200, 200, 200, 200, 200, 0 }, canvas[1][4]:narrow(1, 1, 6):totable())
    assert.are.same({ 0, 200, 200, 200, 0 }, canvas[1][7]:narrow(1, 7, 5):totable())
    assert.are.same({ 0, 0, 0, 0, 0, 0 }, canvas[1][8]:narrow(1, 1, 6):totable())
    H.assert_error(function() image.drawText(canvas, 'a#b', 0, 0) end, "no character '#'")
  end)

  it('draws nothing on a GPU canvas (an error instead of a silent copy)', function()
    if not stn.hasCUDA() then return pending('no GPU: ' .. stn.cudaReason()) end
    H.assert_error(function() image.drawText(stn.CudaTensor(1, 8, 8), 'a', 0, 0) end, 'CPU tensor')
  end)
end)
