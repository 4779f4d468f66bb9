-- nn.SpatialConvolution / nn.SpatialConvolutionMM: values by hand, Jacobians, scale,
-- batched vs single images, thread counts, bad input (CPU vs CUDA: spec/conformance_table.lua).
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

-- 1 x 3 x 3 image holding 1..9 row by row.
local function nine() return stn.Tensor({ { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } } }) end

local function ones_conv(k, d, pad)
  local m = nn.SpatialConvolution(1, 1, k, k, d, d, pad, pad)
  m.weight:fill(1)
  m.bias:fill(0.5)
  return m
end

describe('nn.SpatialConvolution', function()
  it('sums windows plus the bias (by hand)', function()
    local y = ones_conv(2, 1, 0):forward(nine())
    H.assert_near(y, { { { 12.5, 16.5 }, { 24.5, 28.5 } } })
  end)

  it('pads with zeros and strides (by hand)', function()
    -- windows start at -1 and 1 in both directions
    local y = ones_conv(2, 2, 1):forward(nine())
    H.assert_near(y, { { { 1.5, 5.5 }, { 11.5, 28.5 } } })
  end)

  it('correlates (no kernel flip) and mixes planes with their own weights', function()
    local m = nn.SpatialConvolution(2, 1, 2, 1)
    m.weight:copy(stn.Tensor({ { { { 1, 10 } }, { { 100, 1000 } } } }))
    m.bias:zero()
    local x = stn.Tensor({ { { 1, 2, 3 } }, { { 4, 5, 6 } } })
    -- out[j] = x0[j] + 10 x0[j+1] + 100 x1[j] + 1000 x1[j+1]
    H.assert_near(m:forward(x), { { { 1 + 20 + 400 + 5000, 2 + 30 + 500 + 6000 } } })
  end)

  it('gives 3-D output for 3-D input and Torch7 sizes', function()
    local m = nn.SpatialConvolution(3, 5, 7, 7, 1, 1, 2, 2)
    local y = m:forward(H.rand({ 3, 48, 48 }))
    assert.are.same({ 5, 46, 46 }, y:size():totable())
    y = m:forward(H.rand({ 2, 3, 48, 48 }))
    assert.are.same({ 2, 5, 46, 46 }, y:size():totable())
    assert.are.same({ 5, 3, 7, 7 }, m.weight:size():totable())
  end)

  it('prints as Torch7 does', function()
    assert.are.equal('nn.SpatialConvolution(3 -> 16, 5x5)', tostring(nn.SpatialConvolution(3, 16, 5, 5)))
    assert.are.equal('nn.SpatialConvolution(3 -> 16, 5x5, 1,1, 2,2)', tostring(nn.SpatialConvolution(3, 16, 5, 5, 1, 1, 2, 2)))
    assert.are.equal('nn.SpatialConvolution(3 -> 16, 5x5, 2,2)', tostring(nn.SpatialConvolution(3, 16, 5, 5, 2, 2)))
    assert.are.equal('nn.SpatialConvolutionMM(150 -> 200, 4x4, 1,1, 2,2)', tostring(nn.SpatialConvolutionMM(150, 200, 4, 4, 1, 1, 2, 2)))
    assert.are.equal('nn.SpatialConvolution(1 -> 2, 3x3) without bias', tostring(nn.SpatialConvolution(1, 2, 3, 3):noBias()))
  end)

  it('initializes uniformly in +-1/sqrt(fanIn), reproducibly under manualSeed', function()
    stn.manualSeed(7)
    local a = nn.SpatialConvolution(4, 8, 3, 3)
    stn.manualSeed(7)
    local b = nn.SpatialConvolution(4, 8, 3, 3)
    H.assert_equal(a.weight, b.weight)
    H.assert_equal(a.bias, b.bias)
    local bound = 1 / math.sqrt(36)
    assert.is_true(a.weight:max() <= bound and a.weight:min() >= -bound)
    assert.is_true(a.weight:max() > 0.8 * bound and a.weight:min() < -0.8 * bound)
    a:reset(0.01)
    assert.is_true(a.weight:max() <= 0.01 * math.sqrt(3) + 1e-7)
  end)

  for _, cfg in ipairs {
    { 2, 3, 3, 3, 1, 1, 0, 0, { 2, 2, 5, 5 } },
    { 2, 3, 3, 2, 2, 1, 1, 2, { 2, 2, 5, 6 } },
    { 3, 2, 1, 1, 1, 1, 0, 0, { 2, 3, 4, 4 } }, -- 1x1: the image is its own column matrix
    { 2, 2, 4, 4, 1, 1, 2, 2, { 2, 5, 5 } },
  } do
    local cin, cout, kW, kH, dW, dH, pW, pH, size = unpack(cfg)
    it(('has exact gradients (Jacobian) for %dx%d kernels, stride %d,%d, padding %d,%d, input %s')
       :format(kW, kH, dW, dH, pW, pH, table.concat(size, 'x')), function()
      stn.manualSeed(3)
      local m = nn.SpatialConvolution(cin, cout, kW, kH, dW, dH, pW, pH)
      local worst = H.check_jacobian(m, H.rand(size), { eps = 1e-2, tol = 2e-3 })
      assert.is_true(worst < 2e-3)
    end)
  end

  it('treats a batch like its images one at a time', function()
    stn.manualSeed(5)
    local m = nn.SpatialConvolution(3, 4, 3, 3, 1, 1, 1, 1)
    local x, g = H.rand({ 3, 3, 6, 7 }), H.rand({ 3, 4, 6, 7 })
    local y = m:forward(x):clone()
    m:zeroGradParameters()
    local gi = m:backward(x, g):clone()
    local gw, gb = m.gradWeight:clone(), m.gradBias:clone()
    m:zeroGradParameters()
    for i = 1, 3 do
      H.assert_near(m:forward(x[i]), y[i], 1e-5)
      H.assert_near(m:backward(x[i], g[i]), gi[i], 1e-5)
    end
    H.assert_near(m.gradWeight, gw, 1e-4)
    H.assert_near(m.gradBias, gb, 1e-4)
  end)

  it('gives the same bits at any thread count (images in fixed gradient slots)', function()
    -- both above the size that goes parallel; the second with maps small enough that
    -- several images share one product
    for _, c in ipairs { { 16, 16, 6, 32, 1 }, { 64, 64, 20, 8, 1 }, { 64, 32, 20, 9, 2 } } do
      local cin, cout, b, hw, stride = unpack(c)
      stn.manualSeed(6)
      local m = nn.SpatialConvolution(cin, cout, 3, 3, stride, stride, 1, 1)
      local x = H.rand({ b, cin, hw, hw })
      local g = H.rand(m:forward(x):size():totable())
      local threads = stn.getnumthreads()
      local runs = {}
      for k, nt in ipairs { 1, 2, 3 } do
        stn.setnumthreads(nt)
        local y = m:forward(x):clone()
        m:zeroGradParameters()
        runs[k] = { y, m:backward(x, g, 0.5):clone(), m.gradWeight:clone(), m.gradBias:clone() }
      end
      stn.setnumthreads(threads)
      for k = 2, 3 do
        for j = 1, 4 do H.assert_equal(runs[k][j], runs[1][j]) end
      end
      -- and the images of a batch still agree with the images one at a time
      m:zeroGradParameters()
      local gw = runs[1][3]
      for i = 1, b do
        H.assert_near(m:forward(x[i]), runs[1][1][i], 1e-5)
        H.assert_near(m:backward(x[i], g[i], 0.5), runs[1][2][i], 1e-5)
      end
      H.assert_near(m.gradWeight, gw, 1e-4)
    end
  end)

  -- The direct CPU passes (csrc/conv2d_direct.c, AVX2 + FMA) against im2col + sgemm.
  local C, ctx = require('stn.ffi').C, require('stn.ffi').ctx
  local direct_it = C.stn_conv2d_direct_available() == 1 and it or pending
  local function with_path(path, fn)
    assert(C.stn_conv2d_set_cpu_path(ctx, path) == 0)
    local ok, err = pcall(fn)
    C.stn_conv2d_set_cpu_path(ctx, C.STN_CONV_AUTO)
    if not ok then error(err, 0) end
  end
  -- forward, backward (scale 0.5) on x, g: output, gradInput, gradWeight, gradBias
  local function passes(m, x, g)
    local y = m:forward(x):clone()
    m:zeroGradParameters()
    local gi = m:backward(x, g, 0.5)
    return { y, gi and gi:clone(), m.gradWeight:clone(), m.gradBias:clone() }
  end

  direct_it('runs its direct passes (AVX2) as im2col + sgemm does, for odd sizes, strides and paddings', function()
    -- cin, cout, kW, kH, dW, dH, padW, padH, input: lane tiles of 16 and 8 (cout 5, 20,
    -- 40), one input plane, rows and kernel entries not multiples of 6, maps smaller
    -- than a tile, padding beyond the kernel (image gradient by columns), 1x1 kernels,
    -- one image and batches across the gradient slots
    for _, cfg in ipairs {
      { 3, 5, 3, 3, 1, 1, 1, 1, { 2, 3, 7, 6 } },
      { 1, 20, 5, 5, 1, 1, 2, 2, { 3, 1, 11, 9 } },
      { 20, 40, 5, 3, 1, 1, 2, 1, { 2, 20, 6, 5 } },
      { 8, 16, 3, 3, 2, 2, 1, 1, { 3, 8, 9, 9 } },
      { 6, 9, 4, 4, 1, 1, 3, 3, { 2, 6, 4, 4 } },
      { 12, 24, 2, 2, 1, 2, 0, 1, { 12, 12, 5, 7 } },
      { 16, 8, 1, 1, 1, 1, 0, 0, { 2, 16, 3, 5 } },
      { 24, 17, 3, 3, 1, 1, 1, 1, { 24, 3, 3 } },
      { 4, 8, 3, 3, 1, 1, 1, 1, { 1, 4, 2, 2 } },
    } do
      local cin, cout, kW, kH, dW, dH, pW, pH, size = unpack(cfg)
      stn.manualSeed(21)
      local m = nn.SpatialConvolution(cin, cout, kW, kH, dW, dH, pW, pH)
      local x = H.rand(size)
      local g = H.rand(m:forward(x):size():totable())
      local want, got
      with_path(C.STN_CONV_COLUMNS, function() want = passes(m, x, g) end)
      with_path(C.STN_CONV_DIRECT, function() got = passes(m, x, g) end)
      local what = table.concat(cfg, ',', 1, 8) .. ' ' .. table.concat(size, 'x')
      for j = 1, 4 do H.assert_near(got[j], want[j], 2e-5, what .. ' pass ' .. j) end
    end
  end)

  direct_it('gives the same bits at any thread count on its direct passes', function()
    -- 1 and 3 images (lane tiles shared out), 11 (slots of one and two images)
    for _, c in ipairs { { 8, 40, 1, 9 }, { 16, 24, 3, 12 }, { 12, 16, 11, 10 } } do
      local cin, cout, b, hw = unpack(c)
      stn.manualSeed(22)
      local m = nn.SpatialConvolution(cin, cout, 5, 5, 1, 1, 2, 2)
      local x = H.rand({ b, cin, hw, hw })
      local g = H.rand(m:forward(x):size():totable())
      local threads, runs = stn.getnumthreads(), {}
      with_path(C.STN_CONV_DIRECT, function()
        for k, nt in ipairs { 1, 2, 3 } do
          stn.setnumthreads(nt)
          runs[k] = passes(m, x, g)
        end
      end)
      stn.setnumthreads(threads)
      for k = 2, 3 do
        for j = 1, 4 do H.assert_equal(runs[k][j], runs[1][j]) end
      end
    end
  end)

  direct_it('has exact gradients (Jacobian) on its direct passes', function()
    with_path(C.STN_CONV_DIRECT, function()
      for _, cfg in ipairs { { 3, 9, 3, 3, 1, 1, 1, 1, { 2, 3, 5, 4 } }, { 2, 5, 2, 3, 2, 1, 0, 1, { 2, 6, 5 } } } do
        local cin, cout, kW, kH, dW, dH, pW, pH, size = unpack(cfg)
        stn.manualSeed(23)
        local m = nn.SpatialConvolution(cin, cout, kW, kH, dW, dH, pW, pH)
        assert.is_true(H.check_jacobian(m, H.rand(size), { eps = 1e-2, tol = 2e-3 }) < 2e-3)
      end
    end)
  end)

  it('accumulates parameter gradients times scale; separate passes match backward', function()
    stn.manualSeed(8)
    local m = nn.SpatialConvolution(2, 3, 3, 3, 1, 1, 1, 1)
    local x, g = H.rand({ 2, 2, 5, 5 }), H.rand({ 2, 3, 5, 5 })
    m:forward(x)
    m:zeroGradParameters()
    local gi = m:backward(x, g):clone()
    local gw, gb = m.gradWeight:clone(), m.gradBias:clone()
    m:zeroGradParameters()
    m:updateGradInput(x, g)
    m:accGradParameters(x, g, 0.5)
    m:accGradParameters(x, g, 0.25)
    H.assert_near(m.gradInput, gi, 1e-6)
    H.assert_near(m.gradWeight, gw:clone():mul(0.75), 1e-5)
    H.assert_near(m.gradBias, gb:clone():mul(0.75), 1e-5)
  end)

  it('skips the input gradient when gradInput is nil (a first layer)', function()
    local m = nn.SpatialConvolution(1, 1, 2, 2)
    m.gradInput = nil
    local x = nine()
    m:forward(x)
    m:zeroGradParameters()
    assert.is_nil(m:backward(x, stn.Tensor(1, 2, 2):fill(1)))
    H.assert_near(m.gradWeight, { { { { 12, 16 }, { 24, 28 } } } })
  end)

  it('empties its buffers on clearState and works again', function()
    local m = nn.SpatialConvolution(1, 2, 2, 2)
    m:forward(nine())
    m:clearState()
    assert.are.equal(0, m.finput:nElement())
    assert.are.equal(0, m.output:nElement())
    assert.are.same({ 2, 2, 2 }, m:forward(nine()):size():totable())
  end)

  it('rejects bad input with the module name and the sizes', function()
    local m = nn.SpatialConvolution(3, 4, 3, 3)
    H.assert_error(function() m:forward(H.rand({ 2, 4, 8, 8 })) end, 'nn.SpatialConvolution', '4 planes', '2x4x8x8', 'expects 3')
    H.assert_error(function() m:forward(H.rand({ 3, 8 })) end, 'nn.SpatialConvolution', '3-D', '3x8')
    H.assert_error(function() m:forward(H.rand({ 3, 2, 2 })) end, 'nn.SpatialConvolution', 'smaller than the 3x3 kernel')
    m:forward(H.rand({ 2, 3, 8, 8 }))
    H.assert_error(function() m:backward(H.rand({ 2, 3, 8, 8 }), H.rand({ 2, 4, 5, 5 })) end, 'nn.SpatialConvolution',
      'gradOutput is 2x4x5x5')
    H.assert_error(function() nn.SpatialConvolution(3, 0, 3, 3) end, 'nOutputPlane')
  end)
end)
