-- The RTS distortion (csrc/io/rts.c through stn.data.rts): parameter statistics, geometry
-- checked on a blob whose displacement is known, reproducibility and independence
-- from threads, batches and the other images.
local H = require 'helpers'
local stn = H.stn
local rts = stn.data.rts

-- n images of 28 x 28 holding a Gaussian blob (sigma 2 px, mass 8 pi) centred 6 px
-- right of the image's centre (14, 14)
local function blobs(n)
  local t = stn.Tensor(n, 28, 28)
  local p = t:data()
  for i = 0, n - 1 do
    for y = 0, 27 do
      for x = 0, 27 do p[(i * 28 + y) * 28 + x] = math.exp(-((x + 0.5 - 20) ^ 2 + (y + 0.5 - 14) ^ 2) / 8) end
    end
  end
  return t
end

describe('stn.data.rts.distort', function()
  local n = 2000
  local out, params = rts.distort(blobs(n), { seed = 5 })

  it('gives N x 42 x 42 images and N x 4 parameters', function()
    assert.are.same({ n, 42, 42 }, out:size():totable())
    assert.are.same({ n, 4 }, params:size():totable())
  end)

  it('draws angles in [-45, 45], scales in [0.7, 1.2], centres keeping the scaled frame inside', function()
    local sum_a, sum_s, lo_a, hi_a, lo_s, hi_s = 0, 0, 1e9, -1e9, 1e9, -1e9
    for i = 1, n do
      local a, s, cx, cy = params[i][1], params[i][2], params[i][3], params[i][4]
      assert.is_true(a >= -45 and a <= 45, 'angle ' .. a)
      assert.is_true(s >= 0.7 and s <= 1.2, 'scale ' .. s)
      for _, c in ipairs { cx, cy } do
        assert.is_true(c >= 14 * s - 1e-4 and c <= 42 - 14 * s + 1e-4, ('centre %g at scale %g'):format(c, s))
      end
      sum_a, sum_s = sum_a + a, sum_s + s
      lo_a, hi_a, lo_s, hi_s = math.min(lo_a, a), math.max(hi_a, a), math.min(lo_s, s), math.max(hi_s, s)
    end
    -- uniform: the means within 4 standard errors, the extremes near the bounds
    assert.is_true(math.abs(sum_a / n) < 4 * 26 / math.sqrt(n), 'mean angle ' .. sum_a / n)
    assert.is_true(math.abs(sum_s / n - 0.95) < 4 * 0.145 / math.sqrt(n), 'mean scale ' .. sum_s / n)
    assert.is_true(lo_a < -44 and hi_a > 44 and lo_s < 0.71 and hi_s > 1.19)
  end)

  it('moves the blob to centre + s R(a) (6, 0), counter-clockwise as displayed', function()
    for i = 1, 100 do
      local a, s, cx, cy = params[i][1], params[i][2], params[i][3], params[i][4]
      local img = out[i]:contiguous()
      local p, m, mx, my = img:data(), 0, 0, 0
      for y = 0, 41 do
        for x = 0, 41 do
          local v = p[y * 42 + x]
          m, mx, my = m + v, mx + v * (x + 0.5), my + v * (y + 0.5)
        end
      end
      local r = math.rad(a)
      H.assert_near(mx / m, cx + 6 * s * math.cos(r), 0.05, 'image ' .. i .. ' centroid x')
      H.assert_near(my / m, cy - 6 * s * math.sin(r), 0.05, 'image ' .. i .. ' centroid y')
      H.assert_near(m, 8 * math.pi * s * s, 0.03, 'image ' .. i .. ' mass') -- area scales by s^2
    end
  end)

  it('is reproducible from the seed; other seeds and streams differ', function()
    local x = H.rand({ 20, 1, 28, 28 }, 0, 1)
    local a = rts.distort(x, { seed = 3 })
    H.assert_equal(rts.distort(x, { seed = 3 }), a)
    assert.is_true(H.maxdiff(rts.distort(x, { seed = 4 }), a) > 0.1)
    assert.is_true(H.maxdiff(rts.distort(x, { seed = 3, stream = 1 }), a) > 0.1)
  end)

  it('depends on neither the thread count nor the other images (ids)', function()
    local x = H.rand({ 300, 28, 28 }, 0, 1)
    local full = rts.distort(x, { seed = 9 })
    local threads = stn.getnumthreads()
    stn.setnumthreads(1)
    local one = rts.distort(x, { seed = 9 })
    stn.setnumthreads(threads)
    H.assert_equal(one, full)
    local rows = { 7, 150, 3, 299 }
    local sub = stn.Tensor(#rows, 28, 28)
    for k, r in ipairs(rows) do sub[k]:copy(x[r]) end
    local part = rts.distort(sub, { seed = 9, ids = rows })
    for k, r in ipairs(rows) do H.assert_equal(part[k], full[r]) end
  end)

  it('distorts every channel of N x C x H x W alike, and honours other ranges', function()
    local x = H.rand({ 4, 3, 10, 12 }, 0, 1)
    local o, p = rts.distort(x, { seed = 2, canvas = 20, angle = 0, scale = { 1, 1 } })
    assert.are.same({ 4, 3, 20, 20 }, o:size():totable())
    for i = 1, 4 do
      assert.are.equal(0, p[i][1])
      assert.are.equal(1, p[i][2])
      local gray = rts.distort(x:select(2, 2):narrow(1, i, 1):contiguous(), { seed = 2, canvas = 20, angle = 0, scale = { 1, 1 }, ids = { i } })
      H.assert_equal(o[i][2], gray[1])
    end
  end)

  it('rejects bad inputs, naming what is wrong', function()
    H.assert_error(function() rts.distort(stn.Tensor(28, 28)) end, 'N x H x W')
    H.assert_error(function() rts.distort(stn.Tensor(2, 28, 28), { scale = { 1.2, 0.7 } }) end, 'scales [1.2, 0.7]')
    H.assert_error(function() rts.distort(stn.Tensor(2, 28, 28), { ids = { 1 } }) end, '1 ids for 2 images')
    H.assert_error(function() rts.distort(stn.Tensor(2, 28, 28), { seed = -1 }) end, 'seed must be a non-negative integer')
    H.assert_error(function() rts.distort(stn.Tensor(2, 28, 28), { seed = math.huge }) end, 'seed must be a non-negative integer', 'inf')
    -- the C call itself: no config, a canvas or stream out of range
    local ffi, core = require 'ffi', require 'stn.ffi'
    local C, x, out = core.C, stn.Tensor(2, 28, 28), stn.Tensor()
    assert.are.equal(C.STN_ERR_ARG, C.stn_rts_distort(core.ctx, x, out, nil, nil, nil))
    assert.truthy(core.last_error():find('stn_rts_distort: config is NULL', 1, true), core.last_error())
    for _, bad in ipairs { { 'canvas', 0, 'canvas size 0 out of range' }, { 'stream', 2 ^ 32, 'stream 4294967296 is outside' } } do
      local config = ffi.new('stn_rts_config', { canvas = 42, max_angle = 45, min_scale = 0.7, max_scale = 1.2, seed = 1 })
      config[bad[1]] = bad[2]
      assert.are.equal(C.STN_ERR_ARG, C.stn_rts_distort(core.ctx, x, out, nil, config, nil))
      assert.truthy(core.last_error():find(bad[3], 1, true), core.last_error())
    end
  end)
end)
