-- The spatial transformer's CUDA kernels against the CPU on random data, and the
-- determinism of the CUDA backward (three runs bitwise equal). Pending without a GPU.
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

local function to_cuda(x)
  if type(x) == 'table' then return { x[1]:cuda(), x[2]:cuda() } end
  return x:cuda()
end

-- CPU copies of a result (a tensor or a table of tensors).
local function host(x)
  if type(x) == 'table' then return { host(x[1]), host(x[2]) } end
  return x:float():clone()
end

-- forward and backward of a fresh module on the CPU or on CUDA
local function run(make, input, gout, cuda)
  local m = make()
  if cuda then m:cuda(); input = to_cuda(input); gout = gout:cuda() end
  local out = host(m:forward(input))
  return out, host(m:backward(input, gout))
end

local function compare(make, input, gout, tol_out, tol_grad, label)
  local o1, g1 = run(make, input, gout, false)
  local o2, g2 = run(make, input, gout, true)
  H.assert_near(o2, o1, tol_out, label .. ' output')
  if type(g1) == 'table' then
    if g1[1]:nElement() > 0 then H.assert_near(g2[1], g1[1], tol_grad, label .. ' grad images') end
    assert.are.equal(g1[1]:nElement(), g2[1]:nElement())
    -- the grid gradient sums channels in another association on each device
    H.assert_near(g2[2], g1[2], 50 * tol_grad, label .. ' grad grid')
  else
    H.assert_near(g2, g1, tol_grad, label .. ' grad')
  end
end

-- A random grid: an affine map plus a little noise, with some samples outside.
local function random_grid(B, Ho, Wo, spread)
  local theta = H.rand({ B, 2, 3 }, -0.3, 0.3)
  for b = 1, B do theta[b][1][1] = theta[b][1][1] + 1; theta[b][2][2] = theta[b][2][2] + 1 end
  local grid = nn.AffineGridGenerator(Ho, Wo):forward(theta):clone()
  return grid:add(H.rand({ B, Ho, Wo, 2 }, -spread, spread))
end

-- The two CUDA backward kernels of the samplers (stn.setSamplerBackward): every sampler
-- check below runs with each.
local VARIANTS = { 'slice', 'split' }
local function with_variant(name, fn)
  local before = stn.getSamplerBackward()
  stn.setSamplerBackward(name)
  local ok, err = pcall(fn)
  stn.setSamplerBackward(before)
  if not ok then error(err, 0) end
end

describe('spatial transformer on CUDA', function()
  before_each(function() stn.manualSeed(2015) end)

  H.cuda_it('AffineTransformMatrixGenerator matches the CPU for every flag combination', function()
    for _, rot in ipairs { false, true } do
      for _, sc in ipairs { false, true } do
        for _, tr in ipairs { false, true } do
          local k = (rot or sc or tr) and ((rot and 1 or 0) + (sc and 1 or 0) + (tr and 2 or 0)) or 6
          compare(function() return nn.AffineTransformMatrixGenerator(rot, sc, tr) end, H.rand({ 37, k }),
            H.rand({ 37, 2, 3 }), 1e-6, 1e-5, ('flags %s %s %s'):format(tostring(rot), tostring(sc), tostring(tr)))
        end
      end
    end
  end)

  H.cuda_it('the grid generators match the CPU', function()
    for _, align in ipairs { true, false } do
      local theta, g = H.rand({ 5, 2, 3 }), H.rand({ 5, 7, 9, 2 })
      local make = function() return nn.AffineGridGenerator(7, 9, { alignCorners = align }) end
      compare(make, theta, g, 1e-6, 1e-5, 'AffineGridGenerator')
    end
    compare(function() return nn.AffineGridGeneratorBHWD(48, 40) end, H.rand({ 3, 2, 3 }), H.rand({ 3, 48, 40, 2 }), 1e-6, 1e-5,
      'AffineGridGeneratorBHWD')
  end)

  -- shapes: one channel group per block, several groups, many channels, a large image
  -- (global-memory accumulators for the slice kernel), zoomed-in grids (many samples per
  -- input pixel), and 48 x 48 outputs (the split kernel's clusters of 4 blocks), with
  -- one channel group per element and with several
  local shapes = {
    { 4, 3, 17, 23, 19, 13, 0.05 },
    { 2, 16, 23, 23, 23, 23, 0.05 },
    { 3, 70, 12, 12, 10, 14, 0.02 },
    { 1, 2, 200, 190, 40, 50, 0.02 },
    { 2, 3, 48, 48, 48, 48, 0.05 },
    { 40, 3, 48, 48, 48, 48, 0.05 },
  }

  for _, variant in ipairs(VARIANTS) do
    H.cuda_it('GridSampler matches the CPU for both alignments and paddings (' .. variant .. ' backward)', function()
      with_variant(variant, function()
        for _, s in ipairs(shapes) do
          local B, Cc, Hh, W, Ho, Wo, spread = unpack(s)
          for _, align in ipairs { true, false } do
            for _, padding in ipairs { 'zeros', 'border' } do
              local input = { H.rand({ B, Cc, Hh, W }), random_grid(B, Ho, Wo, spread) }
              local label = ('%s: %dx%dx%dx%d -> %dx%d, align %s, %s'):format(variant, B, Cc, Hh, W, Ho, Wo,
                tostring(align), padding)
              compare(function() return nn.GridSampler { alignCorners = align, padding = padding } end, input,
                H.rand({ B, Cc, Ho, Wo }), 1e-5, 1e-5, label)
            end
          end
        end
      end)
    end)

    H.cuda_it('BilinearSamplerBHWD matches the CPU (' .. variant .. ' backward)', function()
      with_variant(variant, function()
        for _, s in ipairs(shapes) do
          local B, Cc, Hh, W, Ho, Wo, spread = unpack(s)
          local input = { H.rand({ B, Hh, W, Cc }), random_grid(B, Ho, Wo, spread) }
          compare(function() return nn.BilinearSamplerBHWD() end, input, H.rand({ B, Ho, Wo, Cc }), 1e-5, 1e-5,
            ('%s: BHWD %dx%dx%dx%d'):format(variant, B, Hh, W, Cc))
        end
      end)
    end)
  end

  H.cuda_it('skips the image gradient on request, with the same grid gradient', function()
    local input = { H.rand({ 3, 5, 16, 16 }), random_grid(3, 12, 12, 0.05) }
    local g = H.rand({ 3, 5, 12, 12 })
    local _, full = run(function() return nn.GridSampler() end, input, g, true)
    local _, part = run(function() return nn.GridSampler { imageGradient = false } end, input, g, true)
    assert.are.equal(0, part[1]:nElement())
    H.assert_near(part[2], full[2], 1e-5)
  end)

  -- Three backward runs of sampler m on the same input give the same bits.
  local function assert_repeatable(m, input, g, what)
    local first = host(m:backward(input, g))
    for _ = 1, 2 do
      local again = host(m:backward(input, g))
      H.assert_equal(again[1], first[1], what .. ' grad images')
      H.assert_equal(again[2], first[2], what .. ' grad grid')
    end
  end

  for _, variant in ipairs(VARIANTS) do
    H.cuda_it('backward is deterministic: three runs give bitwise equal gradients (' .. variant .. ' backward)', function()
      with_variant(variant, function()
        local cases = {
          { function() return nn.GridSampler() end, { 50, 3, 48, 48 }, { 48, 48 }, 0.05 },
          { function() return nn.GridSampler { alignCorners = false, padding = 'border' } end, { 2, 32, 23, 23 }, { 23, 23 }, 0.05 },
          { function() return nn.GridSampler() end, { 1, 2, 200, 190 }, { 40, 50 }, 0.02 },
        }
        for _, c in ipairs(cases) do
          local make, isz, osz, spread = unpack(c)
          local B = isz[1]
          -- a zoom into a small region: many samples land on the same input pixels
          local grid = random_grid(B, osz[1], osz[2], spread):mul(0.2):cuda()
          local images, g = H.rand(isz):cuda(), H.rand({ B, isz[2], osz[1], osz[2] }):cuda()
          local m = make():cuda()
          m:forward({ images, grid })
          assert_repeatable(m, { images, grid }, g, variant .. ':')
        end
        local images, grid = H.rand({ 8, 30, 30, 4 }):cuda(), random_grid(8, 30, 30, 0.1):mul(0.3):cuda()
        assert_repeatable(nn.BilinearSamplerBHWD():cuda(), { images, grid }, H.rand({ 8, 30, 30, 4 }):cuda(),
          variant .. ': BHWD')
      end)
    end)
  end

  H.cuda_it('the grid generator\'s backward is deterministic', function()
    local gen = nn.AffineGridGenerator(48, 48):cuda()
    local theta, gg = H.rand({ 50, 2, 3 }):cuda(), H.rand({ 50, 48, 48, 2 }):cuda()
    local t1 = host(gen:backward(theta, gg))
    H.assert_equal(host(gen:backward(theta, gg)), t1, 'grad theta')
  end)

  -- Both kernels add the same integer terms at the same scale: the same bits, whatever
  -- the grid (identity-like, zoomed in, rotated, outside the image), the layout, the
  -- padding or the channel grouping.
  H.cuda_it('the split backward gives the same bits as the slice backward', function()
    local cases = {
      { 50, 3, 48, 48, 48, 48, 0.05, 1 }, { 16, 3, 48, 48, 48, 48, 0.3, 0.2 }, { 2, 5, 48, 48, 48, 48, 0.1, 2.5 },
      { 3, 40, 33, 35, 46, 47, 0.05, 1 }, { 1, 2, 200, 190, 40, 50, 0.02, 0.2 }, { 64, 1, 42, 42, 42, 42, 0.05, -1 },
      { 136, 2, 40, 40, 48, 48, 0.05, 1 }, -- one channel group per element (more elements than SMs)
    }
    for _, c in ipairs(cases) do
      local B, Cc, Hh, W, Ho, Wo, spread, zoom = unpack(c)
      local grid = random_grid(B, Ho, Wo, spread):mul(zoom)
      for _, layout in ipairs { 'bchw', 'bhwd' } do
        for _, opts in ipairs { { alignCorners = true, padding = 'zeros' }, { alignCorners = false, padding = 'border' } } do
          if layout == 'bchw' or opts.padding == 'zeros' then
            local images = layout == 'bchw' and H.rand({ B, Cc, Hh, W }) or H.rand({ B, Hh, W, Cc })
            local g = layout == 'bchw' and H.rand({ B, Cc, Ho, Wo }, -1, 1) or H.rand({ B, Ho, Wo, Cc }, -1, 1)
            local input = { images:cuda(), grid:cuda() }
            local res = {}
            for _, variant in ipairs(VARIANTS) do
              with_variant(variant, function()
                local m = layout == 'bchw' and nn.GridSampler(opts):cuda() or nn.BilinearSamplerBHWD():cuda()
                res[variant] = host(m:backward(input, g:cuda()))
              end)
            end
            local what = ('%s %dx%dx%dx%d -> %dx%d, zoom %g, %s'):format(layout, B, Cc, Hh, W, Ho, Wo, zoom, opts.padding)
            H.assert_equal(res.split[1], res.slice[1], what .. ': grad images')
            H.assert_equal(res.split[2], res.slice[2], what .. ': grad grid')
          end
        end
      end
    end
  end)

  H.cuda_it('handles empty channels and empty grids', function()
    local m = nn.GridSampler():cuda()
    local out = m:forward({ stn.Tensor(2, 0, 4, 4):cuda(), H.rand({ 2, 3, 3, 2 }):cuda() })
    assert.are.same({ 2, 0, 3, 3 }, out:size():totable())
    local g = m:backward({ stn.Tensor(2, 0, 4, 4):cuda(), H.rand({ 2, 3, 3, 2 }):cuda() }, stn.Tensor(2, 0, 3, 3):cuda())
    assert.are.equal(0, g[2]:float():abs():max())
    local images = H.rand({ 2, 3, 4, 4 }):cuda()
    local g2 = m:backward({ images, stn.Tensor(2, 0, 3, 2):cuda() }, stn.Tensor(2, 3, 0, 3):cuda())
    assert.are.equal(0, g2[1]:float():abs():max())
  end)

  for _, variant in ipairs(VARIANTS) do
    H.cuda_it('a non-finite gradOutput gives NaN image gradients, not garbage (' .. variant .. ' backward)', function()
      with_variant(variant, function()
        for _, size in ipairs { 5, 48 } do
          local m = nn.GridSampler():cuda()
          local input = { H.rand({ 1, 1, size, size }):cuda(), random_grid(1, size, size, 0.05):cuda() }
          local g = H.rand({ 1, 1, size, size })
          g[1][1][3][3] = math.huge
          local gi = host(m:backward(input, g:cuda()))[1]
          assert.is_true(gi[1][1][1][1] ~= gi[1][1][1][1])
          assert.is_true(gi[1][1][size][size] ~= gi[1][1][size][size])
        end
      end)
    end)
  end
end)
