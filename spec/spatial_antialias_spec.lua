-- Antialiased sampling (stn_sampler_desc.antialias = 1; docs/spatial_transformer.md,
-- "Antialiased sampling"): through the C op directly (the nn.GridSampler option is built
-- on it elsewhere). A float64 reference written here from the definition, hand values,
-- plain bilinear bit for bit where the grid does not shrink the image, Jacobians, the
-- zone plate (aliasing energy against plain bilinear), layouts, types, threads, bad input;
-- with reflection padding also golden values from a numpy float64 reference
-- (tools/make_antialias_fixtures.py wrote spec/fixtures/sampler_antialias.lua).
local ffi = require 'ffi'
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn
local core = require 'stn.ffi'
local C, ctx = core.C, core.ctx
local F = require 'fixtures.sampler_antialias'

local function desc(layout, order, align, padding, antialias, mode)
  return ffi.new('stn_sampler_desc', layout or 0, order or 0, align or 0, padding or 0, mode or 0, antialias or 0)
end

local function forward(d, images, grid)
  local out = images.new()
  local rc = C.stn_sampler_forward(ctx, d, images, grid, out)
  assert(rc == 0, ffi.string(C.stn_last_error()))
  return out
end

local function backward(d, images, grid, gout, no_image_grad)
  local gi, gg = (not no_image_grad) and images.new() or nil, images.new()
  local rc = C.stn_sampler_backward(ctx, d, images, grid, gout, gi, gg)
  assert(rc == 0, ffi.string(C.stn_last_error()))
  return gi, gg
end

-- B x Ho x Wo x 2 (x, y) grid of an affine theta (B x 2 x 3 table or tensor)
local function affine_grid(theta, Ho, Wo, align, double)
  local t = stn.Tensor(theta)
  if t:dim() == 2 then t = t:view(1, 2, 3) end
  local g = nn.AffineGridGenerator(Ho, Wo, { alignCorners = align == 1 }):forward(t):clone()
  return double and g:double() or g
end

---------------------------------------------------------------- the float64 reference
-- The definition, written plainly: pixel coordinates of the grid, the footprint from
-- the grid's finite differences (or given: fixed), a separable tent of radius s centred
-- at the sample, normalized over all its taps; zeros: outside taps read 0; border: taps
-- clamped into the image; reflection: each tap reads its reflection (the plain sampler's
-- coordinate rule; the centre is not folded here). Returns output (B x C x Ho x Wo
-- table) and the footprints.
local R = {}
function R.pixel(v, size, align)
  if align == 1 then return (v + 1) * (size - 1) / 2 end
  return ((v + 1) * size - 1) / 2
end

function R.footprints(grid, H_, W_, align)
  local B, Ho, Wo = grid:size(1), grid:size(2), grid:size(3)
  local g = grid:double()
  local S = {}
  for b = 1, B do
    S[b] = {}
    local function px(i, j, c, size) return R.pixel(g[b][i][j][c], size, align) end
    for i = 1, Ho do
      S[b][i] = {}
      for j = 1, Wo do
        local j0, j1 = math.max(1, j - 1), math.min(Wo, j + 1)
        local i0, i1 = math.max(1, i - 1), math.min(Ho, i + 1)
        local hj = (j1 - j0 == 2) and 0.5 or 1
        local hi = (i1 - i0 == 2) and 0.5 or 1
        local function radius(c, size)
          local s = math.abs((px(i, j1, c, size) - px(i, j0, c, size)) * hj)
            + math.abs((px(i1, j, c, size) - px(i0, j, c, size)) * hi)
          if not (s <= size) then s = size end
          if s <= 1 + size * 2 ^ -20 then s = 1 end
          return s
        end
        S[b][i][j] = { radius(1, W_), radius(2, H_) }
      end
    end
  end
  return S
end

-- tap k reflected about the borders (pixel centres 0 and size - 1 aligned, else the
-- outer edges), then clipped: a pixel index
function R.reflect(k, size, align)
  local lo, hi = 0, size - 1
  if align == 0 then lo, hi = -0.5, size - 0.5 end
  local span = hi - lo
  if span <= 0 then return 0 end
  local r = math.fmod(math.abs(k - lo), 2 * span)
  local c = r < span and lo + r or lo + 2 * span - r
  return math.floor(math.min(math.max(c, 0), size - 1) + 0.5)
end

-- one axis: taps {k, weight} and the weight sum, centre u, radius s
local function taps(u, s, size, reflection)
  local lo, hi = -s - 1, size + s
  if not reflection and not (u >= lo) then u = lo end
  if not reflection and u > hi then u = hi end
  local t, z = {}, 0
  for k = math.floor(u - s) + 1, math.ceil(u + s) - 1 do
    local w = s - math.abs(k - u)
    t[#t + 1] = { k, w }
    z = z + w
  end
  return t, z
end

-- images B x C x H x W, grid B x Ho x Wo x 2 (x, y); S: footprints (default: the grid's)
function R.sample(images, grid, align, padding, S)
  local img, g = images:double(), grid:double()
  local B, Cc, H_, W_ = img:size(1), img:size(2), img:size(3), img:size(4)
  local Ho, Wo = g:size(2), g:size(3)
  S = S or R.footprints(grid, H_, W_, align)
  local out = stn.DoubleTensor(B, Cc, Ho, Wo)
  for b = 1, B do
    for i = 1, Ho do
      for j = 1, Wo do
        local sx, sy = S[b][i][j][1], S[b][i][j][2]
        local tx, zx = taps(R.pixel(g[b][i][j][1], W_, align), sx, W_, padding == 2)
        local ty, zy = taps(R.pixel(g[b][i][j][2], H_, align), sy, H_, padding == 2)
        for c = 1, Cc do
          local acc = 0
          for _, y in ipairs(ty) do
            for _, x in ipairs(tx) do
              local ky, kx = y[1], x[1]
              local a
              if padding == 1 then
                a = img[b][c][math.min(H_ - 1, math.max(0, ky)) + 1][math.min(W_ - 1, math.max(0, kx)) + 1]
              elseif padding == 2 then
                a = img[b][c][R.reflect(ky, H_, align) + 1][R.reflect(kx, W_, align) + 1]
              elseif ky >= 0 and ky < H_ and kx >= 0 and kx < W_ then
                a = img[b][c][ky + 1][kx + 1]
              else
                a = 0
              end
              acc = acc + y[2] * x[2] * a
            end
          end
          out[b][c][i][j] = acc / (zx * zy)
        end
      end
    end
  end
  return out, S
end

-- a zoom-out grid (scale > 1: the output covers that many times the image) with a
-- rotation and a shift, per batch element
local function zoom_grid(B, Ho, Wo, scale, align, double)
  local th = {}
  for b = 1, B do
    local a = 0.3 * b + 0.1 * math.random()
    local s = scale * (0.9 + 0.2 * math.random())
    th[b] = { { s * math.cos(a), -s * math.sin(a), 0.1 * math.random() - 0.05 },
              { s * math.sin(a), s * math.cos(a), 0.1 * math.random() - 0.05 } }
  end
  return affine_grid(th, Ho, Wo, align, double)
end

describe('antialiased sampling', function()
  before_each(function() math.randomseed(31); stn.manualSeed(31) end)

  it('averages a 1 x 8 row downscaled 2x with the tent of radius 2 (hand values)', function()
    -- align 0, W 8 -> Wo 4: samples at pixels 0.5, 2.5, 4.5, 6.5, two pixels apart: radius 2,
    -- taps u - 1.5 .. u + 1.5 weighing 0.5, 1.5, 1.5, 0.5 (sum 4); height 1: one tap
    for _, double in ipairs { false, true } do
      local img = stn.Tensor({ { { { 1, 2, 3, 4, 5, 6, 7, 8 } } } })
      if double then img = img:double() end
      local grid = affine_grid({ { 1, 0, 0 }, { 0, 1, 0 } }, 1, 4, 0, double)
      local z = forward(desc(0, 0, 0, 0, 1), img, grid)
      assert.are.same({ { { { 1.5, 3.5, 5.5, 6.375 } } } }, z:totable())
      local b = forward(desc(0, 0, 0, 1, 1), img, grid)
      assert.are.same({ { { { 1.625, 3.5, 5.5, 7.375 } } } }, b:totable())
      -- plain bilinear reads the midpoints instead
      assert.are.same({ { { { 1.5, 3.5, 5.5, 7.5 } } } }, forward(desc(0, 0, 0, 1, 0), img, grid):totable())
    end
  end)

  it('is plain bilinear bit for bit where the grid does not shrink the image (identity, zoom-in, rotation)', function()
    for _, double in ipairs { false, true } do
      local images = H.rand({ 2, 3, 9, 11 })
      if double then images = images:double() end
      for align = 0, 1 do
        for padding = 0, 2 do
          for _, th in ipairs {
            { { 1, 0, 0 }, { 0, 1, 0 } },
            { { 0.5, 0, 0.1 }, { 0, 0.4, -0.2 } },
            { { 0, 0.7, 0.05 }, { -0.7, 0, 0 } },
          } do
            local grid = affine_grid({ th, th }, 9, 11, align, double)
            -- both layouts and grid orders (a layout/order pair reads the same numbers differently)
            for lo = 0, 1 do
              local plain, aa = desc(lo, lo, align, padding, 0), desc(lo, lo, align, padding, 1)
              local ref = forward(plain, images, grid)
              H.assert_equal(forward(aa, images, grid), ref)
              local gout = H.rand(ref:size():totable())
              if double then gout = gout:double() end
              local gi0, gg0 = backward(plain, images, grid, gout)
              local gi1, gg1 = backward(aa, images, grid, gout)
              H.assert_equal(gi1, gi0)
              H.assert_equal(gg1, gg0)
            end
          end
        end
      end
    end
  end)

  it('matches the float64 reference on zoom-out grids (Double 1e-12, Float 1e-5), every padding and alignment', function()
    for align = 0, 1 do
      for padding = 0, 2 do
        local images = H.rand({ 2, 2, 13, 17 }):double()
        local grid = zoom_grid(2, 5, 6, 2.5, align, true)
        local ref = R.sample(images, grid, align, padding)
        H.assert_near(forward(desc(0, 0, align, padding, 1), images, grid), ref, 1e-12)
        H.assert_near(forward(desc(0, 0, align, padding, 1), images:float(), grid:float()), ref:float(), 1e-5)
      end
    end
  end)

  it('has the exact adjoint as image gradient and the footprint-fixed derivative as grid gradient (Jacobians)', function()
    for align = 0, 1 do
      for padding = 0, 2 do
        local d = desc(0, 0, align, padding, 1)
        local images = H.rand({ 1, 2, 6, 7 }):double()
        local grid = zoom_grid(1, 3, 4, 2.2, align, true)
        local gout = H.rand({ 1, 2, 3, 4 }):double()
        local gi, gg = backward(d, images, grid, gout)
        -- images: the op is linear in them; column k of the Jacobian is the output of a unit image
        local e = images:clone():zero()
        local ei, ed = e:data(), gi:data()
        for k = 0, e:nElement() - 1 do
          ei[k] = 1
          local col = forward(d, e, grid)
          local want = col:cmul(gout):sum()
          assert(math.abs(ed[k] - want) <= 1e-12, ('image grad %d: %g vs %g'):format(k, ed[k], want))
          ei[k] = 0
        end
        -- grid: central differences of the reference with the footprints held at the grid's
        local S = R.footprints(grid, 6, 7, align)
        local gd, eps = grid:data(), 1e-6
        local ggd = gg:data()
        for k = 0, grid:nElement() - 1 do
          local v = gd[k]
          gd[k] = v + eps
          local up = R.sample(images, grid, align, padding, S):cmul(gout):sum()
          gd[k] = v - eps
          local down = R.sample(images, grid, align, padding, S):cmul(gout):sum()
          gd[k] = v
          local want = (up - down) / (2 * eps)
          assert(math.abs(ggd[k] - want) <= 1e-6 * math.max(1, math.abs(want)),
            ('align %d padding %d grid grad %d: %.10g vs %.10g'):format(align, padding, k, ggd[k], want))
        end
      end
    end
  end)

  it('gives Float within float rounding of Double', function()
    for padding = 0, 2 do
      local d = desc(0, 0, 0, padding, 1)
      local images, grid = H.rand({ 2, 3, 20, 24 }), zoom_grid(2, 6, 7, 3, 0)
      local gout = H.rand({ 2, 3, 6, 7 })
      local gi, gg = backward(d, images, grid, gout)
      local gid, ggd = backward(d, images:double(), grid:double(), gout:double())
      H.assert_near(forward(d, images, grid):double(), forward(d, images:double(), grid:double()), 1e-5)
      H.assert_near(gi:double(), gid, 1e-5)
      H.assert_near(gg:double(), ggd, 1e-3) -- times the pixel scale (12) and summed over channels
    end
  end)

  it('reads layouts and grid orders the same way (BHWC, (y, x) grids)', function()
    local images, grid = H.rand({ 2, 3, 15, 12 }), zoom_grid(2, 5, 4, 2, 1)
    local gout = H.rand({ 2, 3, 5, 4 })
    local function bhwc(t) return t:transpose(2, 3):transpose(3, 4):contiguous() end
    local function yx(g) local r = g:clone(); r:select(4, 1):copy(g:select(4, 2)); r:select(4, 2):copy(g:select(4, 1)); return r end
    for padding = 0, 2 do
      local d0 = desc(0, 0, 1, padding, 1)
      local ref = forward(d0, images, grid)
      local rgi, rgg = backward(d0, images, grid, gout)
      for layout = 0, 1 do
        for order = 0, 1 do
          local d = desc(layout, order, 1, padding, 1)
          local im = layout == 1 and bhwc(images) or images
          local g = order == 1 and yx(grid) or grid
          local go = layout == 1 and bhwc(gout) or gout
          H.assert_near(forward(d, im, g), layout == 1 and bhwc(ref) or ref, 1e-6)
          local gi, gg = backward(d, im, g, go)
          H.assert_near(gi, layout == 1 and bhwc(rgi) or rgi, 1e-6)
          H.assert_near(gg, order == 1 and yx(rgg) or rgg, 1e-5)
          local _, gg2 = backward(d, im, g, go, true)
          H.assert_equal(gg2, gg)
        end
      end
    end
  end)

  it('does not depend on the thread count', function()
    local threads = stn.getnumthreads()
    local images, grid = H.rand({ 4, 3, 64, 64 }), zoom_grid(4, 16, 16, 3.5, 0)
    local gout = H.rand({ 4, 3, 16, 16 })
    for padding = 1, 2 do
      local d = desc(0, 0, 0, padding, 1)
      stn.setnumthreads(1)
      local o1 = forward(d, images, grid)
      local gi1, gg1 = backward(d, images, grid, gout)
      stn.setnumthreads(4)
      local o4 = forward(d, images, grid)
      local gi4, gg4 = backward(d, images, grid, gout)
      stn.setnumthreads(threads)
      H.assert_equal(o4, o1)
      H.assert_equal(gi4, gi1)
      H.assert_equal(gg4, gg1)
    end
  end)

  it('with reflection, reads NaN and +-Inf at the first pixel and folds huge values, gradients finite', function()
    for align = 0, 1 do
      for _, double in ipairs { false, true } do
        local img = H.rand({ 1, 2, 8, 8 }, 1, 2)
        local grid = zoom_grid(1, 3, 8, 3, align)
        if double then img, grid = img:double(), grid:double() end
        local d = desc(0, 0, align, 2, 1)
        -- x of the middle row's pixels 2, 4, 6 (NaN, +-Inf; not neighbours: a pixel's own
        -- value does not enter its footprint, its neighbours' do) and 8 (1e30), of the first
        -- row's pixel 3 (-1e30); y of pixel 2 (NaN)
        local bad = { 0 / 0, math.huge, -math.huge }
        local g = grid:clone()
        for k, v in ipairs(bad) do g[1][2][2 * k][1] = v end
        g[1][2][8][1], g[1][1][3][1] = 1e30, -1e30
        g[1][2][2][2] = 0 / 0
        local out = forward(d, img, g)
        local gi, gg = backward(d, img, g, H.rand({ 1, 2, 3, 8 }):typeAs(img))
        for _, t in ipairs { out, gi, gg } do
          for _, x in ipairs(t:view(-1):totable()) do assert(x == x and math.abs(x) < math.huge, tostring(x)) end
        end
        -- a normalized average of pixels in [1, 2]
        assert(out:min() >= 1 - 1e-6 and out:max() <= 2 + 1e-6)
        -- NaN and +-Inf: the value at pixel coordinate 0, no gradient along that axis
        local first = g:clone()
        local v0 = align == 1 and -1 or -1 + 1 / 8
        for k = 1, 3 do first[1][2][2 * k][1] = v0 end
        first[1][2][2][2] = v0
        local ref = forward(d, img, first)
        for k = 1, 3 do
          H.assert_near(out:select(4, 2 * k):select(3, 2), ref:select(4, 2 * k):select(3, 2), 1e-6, 'bad ' .. k)
          assert.are.equal(0, gg[1][2][2 * k][1])
        end
        assert.are.equal(0, gg[1][2][2][2])
      end
    end
  end)

  it('with reflection, reads a grid shifted by one period (4 in grid units) the same', function()
    for align = 0, 1 do
      local d = desc(0, 0, align, 2, 1)
      local images = H.rand({ 2, 2, 9, 12 }):double()
      local grid = zoom_grid(2, 4, 5, 2.7, align, true)
      local gout = H.rand({ 2, 2, 4, 5 }):double()
      local gi, gg = backward(d, images, grid, gout)
      for _, shift in ipairs { { 4, 0 }, { 0, -4 }, { -8, 12 } } do
        local g2 = grid:clone()
        g2:select(4, 1):add(shift[1])
        g2:select(4, 2):add(shift[2])
        H.assert_near(forward(d, images, g2), forward(d, images, grid), 1e-9)
        local gi2, gg2 = backward(d, images, g2, gout)
        H.assert_near(gi2, gi, 1e-9)
        H.assert_near(gg2, gg, 1e-8)
      end
    end
  end)

  it('gives the padding value and zero grid gradients for NaN, infinite and huge grid values', function()
    local img = H.rand({ 1, 2, 8, 8 }, 1, 2)
    local grid = zoom_grid(1, 2, 8, 3, 0)
    local gd = grid:data()
    local bad = { 0 / 0, math.huge, -math.huge, 1e30, -1e30 }
    for k, v in ipairs(bad) do gd[2 * (k - 1)] = v; gd[2 * (k - 1) + 1] = (k % 2 == 0) and v or 0.1 end
    local gout = H.rand({ 1, 2, 2, 8 })
    for padding = 0, 1 do
      local d = desc(0, 0, 0, padding, 1)
      local out = forward(d, img, grid)
      local gi, gg = backward(d, img, grid, gout)
      for k = 1, #bad do
        for c = 1, 2 do
          local v = out[1][c][1][k]
          if padding == 0 then
            assert.are.equal(0, v)
          else
            -- an edge pixel's value (the clamped corner or a pixel of the clamped border)
            assert(v >= 1 and v <= 2, ('padding border, bad %d: %g'):format(k, v))
          end
        end
        if padding == 0 or bad[k] ~= bad[k] or math.abs(bad[k]) > 1 then
          assert.are.equal(0, gg[1][1][k][1])
        end
      end
      local function finite(t) for _, x in ipairs(t:view(-1):totable()) do assert(x == x and math.abs(x) < math.huge) end end
      finite(out); finite(gi); finite(gg)
    end
  end)

  it('handles empty channels, grids and batches', function()
    local d = desc(0, 0, 0, 0, 1)
    for _, c in ipairs { { { 2, 0, 5, 5 }, { 2, 3, 3, 2 } }, { { 2, 3, 5, 5 }, { 2, 0, 3, 2 } }, { { 0, 3, 5, 5 }, { 0, 3, 3, 2 } } } do
      local images, grid = stn.Tensor(unpack(c[1])):zero(), stn.Tensor(unpack(c[2])):fill(0.5)
      local out = forward(d, images, grid)
      local gi, gg = backward(d, images, grid, out:clone())
      assert.are.equal(images:nElement(), gi:nElement())
      assert.are.equal(grid:nElement(), gg:nElement())
      if gg:nElement() > 0 then assert.are.equal(0, gg:abs():max()) end
    end
  end)

  -- golden values with reflection padding from tools/make_antialias_fixtures.py's numpy
  -- reference (taps reflected one by one around the unfolded centre), through the module
  for _, c in ipairs(F) do
    for _, tp in ipairs { { 'Double', stn.DoubleTensor, 1e-12, 1e-10 }, { 'Float', stn.FloatTensor, 1e-5, 1e-3 } } do
      local tname, ctor, tol, gtol = tp[1], tp[2], tp[3], tp[4]
      it(('matches the numpy reference with reflection: %s, %s'):format(c.name, tname), function()
        local m = nn.GridSampler { padding = 'reflection', alignCorners = c.align, antialias = true }
        if tname == 'Double' then m = m:double() end
        H.check_sampler_fixture(m, c, ctor, tol, gtol)
      end)
    end
  end

  it('refuses antialias with nearest and bicubic, naming them', function()
    local images, grid, gout = H.rand({ 1, 1, 4, 4 }), H.rand({ 1, 2, 2, 2 }), H.rand({ 1, 1, 2, 2 })
    for _, c in ipairs {
      { desc(0, 0, 0, 0, 1, 1), 'desc->mode' }, { desc(0, 0, 0, 0, 1, 2), 'desc->mode' },
      { desc(0, 0, 0, 2, 1, 1), 'desc->mode' },
    } do
      assert.are_not.equal(0, C.stn_sampler_forward(ctx, c[1], images, grid, stn.Tensor()))
      local msg = ffi.string(C.stn_last_error())
      assert(msg:find('stn_sampler_forward', 1, true) and msg:find(c[2], 1, true), msg)
      assert.are_not.equal(0, C.stn_sampler_backward(ctx, c[1], images, grid, gout, stn.Tensor(), stn.Tensor()))
      assert(ffi.string(C.stn_last_error()):find('stn_sampler_backward', 1, true))
    end
  end)

  -- The zone plate cos(k r^2) on 256 x 256 (r from the centre, in input pixels) has the
  -- local frequency f(r) = k r / pi cycles per pixel; k = pi / 256 puts 0.5 (input
  -- Nyquist) at r = 128. Downscaled n times, the output's Nyquist is 0.5 / n cycles per
  -- input pixel, reached at r_n = 128 / n: beyond it, a perfect downscaler gives 0 and
  -- everything left is aliasing. Aliasing energy: the mean square of the output over
  -- the output pixels with r_n * 1.25 < r < 120 (a margin past the cutoff, inside the
  -- input's own Nyquist circle). Passband error: RMS of output minus the zone plate
  -- itself over r < r_n / 2 (a blur that only killed everything would fail it).
  it('cuts the aliasing energy of a zone plate downscaled 4x and 8x', function()
    local N = 256
    local k = math.pi / N
    local img = stn.DoubleTensor(1, 1, N, N)
    local id = img:data()
    local c = (N - 1) / 2
    for i = 0, N - 1 do
      for j = 0, N - 1 do id[i * N + j] = math.cos(k * ((i - c) ^ 2 + (j - c) ^ 2)) end
    end
    local lines = {}
    for _, n in ipairs { 4, 8 } do
      local M = N / n
      local grid = affine_grid({ { 1, 0, 0 }, { 0, 1, 0 } }, M, M, 0, true)
      local rn = 128 / n
      local function measure(out)
        local od = out:data()
        local alias, na, pass, np = 0, 0, 0, 0
        for i = 0, M - 1 do
          for j = 0, M - 1 do
            -- output pixel centre in input pixels
            local y, x = (i + 0.5) * n - 0.5, (j + 0.5) * n - 0.5
            local r = math.sqrt((y - c) ^ 2 + (x - c) ^ 2)
            local v = od[i * M + j]
            if r > 1.25 * rn and r < 120 then alias, na = alias + v * v, na + 1 end
            if r < rn / 2 then pass, np = pass + (v - math.cos(k * r * r)) ^ 2, np + 1 end
          end
        end
        return alias / na, math.sqrt(pass / np)
      end
      -- border and reflection (the measured pixels' footprints stay inside the image, where
      -- the two read the same pixels)
      for padding = 1, 2 do
        local plain_a, plain_p = measure(forward(desc(0, 0, 0, padding, 0), img, grid))
        local aa_a, aa_p = measure(forward(desc(0, 0, 0, padding, 1), img, grid))
        lines[#lines + 1] = ('%dx %s: aliasing energy plain %.4f, antialiased %.5f (ratio %.1f); passband RMS error plain %.4f, antialiased %.4f')
          :format(n, padding == 1 and 'border' or 'reflection', plain_a, aa_a, plain_a / aa_a, plain_p, aa_p)
        assert(aa_a < plain_a / 20, lines[#lines])
        assert(aa_p < 0.3, lines[#lines])
      end
    end
    io.stderr:write('\n[zone plate] ' .. table.concat(lines, '\n[zone plate] ') .. '\n')
  end)

  H.cuda_it('gives the CPU results on CUDA, and repeats its backward bit for bit', function()
    for padding = 0, 2 do
      local d = desc(0, 0, 0, padding, 1)
      local images, grid, gout = H.rand({ 3, 4, 40, 36 }), zoom_grid(3, 10, 9, 3, 0), H.rand({ 3, 4, 10, 9 })
      local gi, gg = backward(d, images, grid, gout)
      H.assert_near(forward(d, images:cuda(), grid:cuda()):float(), forward(d, images, grid), 1e-5)
      local cgi, cgg = backward(d, images:cuda(), grid:cuda(), gout:cuda())
      H.assert_near(cgi:float(), gi, 1e-5)
      H.assert_near(cgg:float(), gg, 1e-3)
      for _ = 1, 2 do
        local gi2, gg2 = backward(d, images:cuda(), grid:cuda(), gout:cuda())
        H.assert_equal(gi2:float(), cgi:float())
        H.assert_equal(gg2:float(), cgg:float())
      end
    end
  end)
end)
