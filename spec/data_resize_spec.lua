-- Image resizing (csrc/io/resize.c): the triangle filter by hand, bilinear when enlarging
-- and widened when shrinking; byte and float inputs, HWC and CHW; the batch loader.
local H = require 'helpers'
local ffi = require 'ffi'
local core = require 'stn.ffi'
local stn = H.stn
local data = stn.data
local C, ctx = core.C, core.ctx

local dir = 'spec/tmp/data_resize'
os.execute('rm -rf ' .. dir .. ' && mkdir -p ' .. dir)

local function row(values) return stn.Tensor({ { values } }) end -- 1 x 1 x W

describe('stn.data.resize', function()
  it('leaves an image of the same size unchanged', function()
    local img = H.rand({ 3, 4, 5 }, 0, 1)
    H.assert_equal(data.resize(img, 4, 5), img)
  end)

  it('enlarges 2 -> 4 as bilinear with half-pixel centres (edges replicated)', function()
    H.assert_near(data.resize(row { 0, 1 }, 1, 4), { { { 0, 0.25, 0.75, 1 } } }, 1e-6)
  end)

  it('shrinks 4 -> 2 with the triangle widened by the factor 2 (weights 3/7, 3/7, 1/7)', function()
    -- output 0 centred at 1.0: inputs 0, 1, 2 weigh 0.75, 0.75, 0.25 before normalizing
    H.assert_near(data.resize(row { 0, 1, 2, 3 }, 1, 2), { { { 5 / 7, 16 / 7 } } }, 1e-6)
  end)

  it('filters both axes separably and keeps a constant image constant', function()
    local img = stn.Tensor(2, 37, 23):fill(0.3)
    H.assert_near(data.resize(img, 48, 48), stn.Tensor(2, 48, 48):fill(0.3), 1e-6)
    local col = stn.Tensor({ { { 0 }, { 1 }, { 2 }, { 3 } } }) -- 1 x 4 x 1
    H.assert_near(data.resize(col, 2, 1), { { { 5 / 7 }, { 16 / 7 } } }, 1e-6)
  end)

  it('resizes a batch as it resizes each image', function()
    local batch = H.rand({ 3, 2, 9, 7 }, 0, 1)
    local out = data.resize(batch, 4, 5)
    assert.are.same({ 3, 2, 4, 5 }, out:size():totable())
    for i = 1, 3 do H.assert_equal(out[i], data.resize(batch[i], 4, 5)) end
  end)

  it('reads bytes (as v / 255) in HWC order the same as floats in CHW order', function()
    local h, w, c, oh, ow = 5, 6, 3, 3, 4
    local bytes = ffi.new('uint8_t[?]', h * w * c)
    local chw = stn.Tensor(c, h, w)
    for y = 0, h - 1 do
      for x = 0, w - 1 do
        for k = 0, c - 1 do
          local v = (y * 37 + x * 11 + k * 53) % 256
          bytes[(y * w + x) * c + k] = v
          chw[k + 1][y + 1][x + 1] = v / 255
        end
      end
    end
    local out = stn.Tensor(c, oh, ow)
    local shape = ffi.new('stn_image_shape', C.STN_PIXEL_U8, C.STN_LAYOUT_HWC, 1, c, h, w)
    assert.are.equal(0, C.stn_image_resize(ctx, shape, bytes, oh, ow, out:data()))
    H.assert_near(out, data.resize(chw, oh, ow), 1e-6)
  end)

  it('rejects bad shapes and sizes', function()
    H.assert_error(function() data.resize(stn.Tensor(4, 4), 2, 2) end, 'stn: data.resize', 'C x H x W')
    H.assert_error(function() data.resize(stn.Tensor(1, 4, 4), 0, 2) end, 'stn_image_resize', 'bad sizes')
    -- the C call itself: no shape, an unknown pixel type or layout, buffers missing
    local out = stn.Tensor(1, 2, 2)
    assert.are.equal(C.STN_ERR_ARG, C.stn_image_resize(ctx, nil, out:data(), 2, 2, out:data()))
    assert.truthy(core.last_error():find('stn_image_resize: the image shape is NULL', 1, true), core.last_error())
    for _, bad in ipairs { { 7, C.STN_LAYOUT_CHW, 1, 'unknown pixel type 7' }, { C.STN_PIXEL_F32, 9, 1, 'unknown layout 9' },
                           { C.STN_PIXEL_F32, C.STN_LAYOUT_CHW, -1, 'images with NULL buffers' } } do
      local shape = ffi.new('stn_image_shape', bad[1], bad[2], bad[3], 1, 2, 2)
      assert.are.equal(C.STN_ERR_ARG, C.stn_image_resize(ctx, shape, out:data(), 2, 2, out:data()))
      assert.truthy(core.last_error():find(bad[4], 1, true), core.last_error())
    end
    local shape = ffi.new('stn_image_shape', C.STN_PIXEL_F32, C.STN_LAYOUT_CHW, 1, 1, 2, 2)
    assert.are.equal(C.STN_ERR_ARG, C.stn_image_resize(ctx, shape, nil, 2, 2, out:data()))
  end)
end)

describe('stn_ppm_load_resized', function()
  local function ppm(name, w, h, seed)
    local px = ffi.new('uint8_t[?]', w * h * 3)
    for i = 0, w * h * 3 - 1 do px[i] = (i * 7 + seed * 13) % 256 end
    local path = dir .. '/' .. name
    data.writePPM(path, px, w, h, 3)
    return path, px
  end

  it('decodes and resizes each file like readPPM + resize, rounded to bytes', function()
    local specs = { { 'a.ppm', 15, 17 }, { 'b.ppm', 250, 120 }, { 'c.ppm', 48, 48 }, { 'd.ppm', 31, 64 } }
    local n, S = #specs, 48
    local paths, keep = ffi.new('const char *[?]', n), {}
    for i, s in ipairs(specs) do keep[i] = ppm(s[1], s[2], s[3], i); paths[i - 1] = keep[i] end
    local out, sizes = data.bytes(n * 3 * S * S), ffi.new('int32_t[?]', 2 * n)
    assert.are.equal(0, C.stn_ppm_load_resized(ctx, paths, n, 3, S, S, out, sizes))
    for i, s in ipairs(specs) do
      assert.are.same({ s[2], s[3] }, { sizes[2 * i - 2], sizes[2 * i - 1] })
      local px, w, h = data.readPPM(keep[i])
      local f = stn.Tensor(3, S, S)
      local shape = ffi.new('stn_image_shape', C.STN_PIXEL_U8, C.STN_LAYOUT_HWC, 1, 3, h, w)
      assert.are.equal(0, C.stn_image_resize(ctx, shape, px, S, S, f:data()))
      local worst = 0
      for k = 0, 3 * S * S - 1 do
        worst = math.max(worst, math.abs(out[(i - 1) * 3 * S * S + k] - f:data()[k] * 255))
      end
      assert.is_true(worst <= 0.5 + 1e-3, s[1] .. ': rounding off by ' .. worst)
    end
  end)

  it('names the first failing file, whichever thread meets it', function()
    local n = 64
    local paths, keep = ffi.new('const char *[?]', n), {}
    for i = 1, n do keep[i] = ppm(('f%02d.ppm'):format(i), 20, 20, i); paths[i - 1] = keep[i] end
    local f = io.open(keep[40], 'wb'); f:write('P6\n20 20\n255\nshort'); f:close()
    local f2 = io.open(keep[50], 'wb'); f2:write('garbage'); f2:close()
    local out = data.bytes(n * 3 * 8 * 8)
    assert.are.equal(C.STN_ERR_IO, C.stn_ppm_load_resized(ctx, paths, n, 3, 8, 8, out, nil))
    local msg = core.last_error()
    assert.truthy(msg:find('f40.ppm', 1, true), msg)
    assert.truthy(msg:find('1200 bytes expected', 1, true), msg)
  end)
end)
