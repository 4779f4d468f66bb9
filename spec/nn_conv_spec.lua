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

  -- The CPU passes against an independent reference. The library picks, per pass, the
  -- direct passes (csrc/nn/conv2d_direct.c, on CPUs with AVX2 and FMA) or im2col + sgemm;
  -- direct_passes mirrors its rule (conv2d_direct.c's *_ok) so that the shapes below
  -- are known to take each path.
  local function direct_passes(cin, cout, kW, kH, dW, dH, pW, pH)
    local K, transposable = cin * kW * kH, dW == 1 and dH == 1 and pW <= kW - 1 and pH <= kH - 1
    return { forward = K >= 16 and cout >= 8, weight = cout >= 8,
             input = transposable and cin >= 8 and cout * kW * kH >= 16 }
  end
  -- forward, backward (scale 0.5) on x, g: output, gradInput, gradWeight, gradBias
  local function passes(m, x, g)
    local y = m:forward(x):clone()
    m:zeroGradParameters()
    local gi = m:backward(x, g, 0.5)
    return { y, gi and gi:clone(), m.gradWeight:clone(), m.gradBias:clone() }
  end
  -- The same four in float64 by direct loops over the windows (rounded to float at the end).
  local ffi = require 'ffi'
  local function reference(m, x, gy, scale)
    local sx = x:size():totable()
    if #sx == 3 then table.insert(sx, 1, 1) end
    local B, Cn, Hh, Ww = unpack(sx)
    local O, kW, kH, dW, dH, pW, pH = m.nOutputPlane, m.kW, m.kH, m.dW, m.dH, m.padW, m.padH
    local oH, oW = math.floor((Hh + 2 * pH - kH) / dH) + 1, math.floor((Ww + 2 * pW - kW) / dW) + 1
    local xc, gc, wc, bc = x:contiguous(), gy:contiguous(), m.weight:contiguous(), m.bias:contiguous()
    local xd, gd, wd, bd = xc:data(), gc:data(), wc:data(), bc:data()
    local y, gx = ffi.new('double[?]', B * O * oH * oW), ffi.new('double[?]', B * Cn * Hh * Ww)
    local gw, gb = ffi.new('double[?]', O * Cn * kH * kW), ffi.new('double[?]', O)
    for b = 0, B - 1 do
      for o = 0, O - 1 do
        for oy = 0, oH - 1 do
          for ox = 0, oW - 1 do
            local at = ((b * O + o) * oH + oy) * oW + ox
            local s, gv = bd[o], gd[at]
            gb[o] = gb[o] + scale * gv
            for c = 0, Cn - 1 do
              for i = 0, kH - 1 do
                local iy = oy * dH - pH + i
                if iy >= 0 and iy < Hh then
                  for j = 0, kW - 1 do
                    local ix = ox * dW - pW + j
                    if ix >= 0 and ix < Ww then
                      local xi, wi = ((b * Cn + c) * Hh + iy) * Ww + ix, ((o * Cn + c) * kH + i) * kW + j
                      s = s + xd[xi] * wd[wi]
                      gx[xi] = gx[xi] + gv * wd[wi]
                      gw[wi] = gw[wi] + scale * gv * xd[xi]
                    end
                  end
                end
              end
            end
            y[at] = s
          end
        end
      end
    end
    local function tensor(d, like)
      local t = stn.Tensor(like:size()):zero()
      local td = t:data()
      for i = 0, t:nElement() - 1 do td[i] = d[i] end
      return t
    end
    return { tensor(y, gy), tensor(gx, x), tensor(gw, m.weight), tensor(gb, m.bias) }
  end

  it('computes every pass, direct (AVX2) or by im2col + sgemm, as a float64 reference does', function()
    -- cin, cout, kW, kH, dW, dH, padW, padH, input: lane tiles of 16 and 8 (cout 8, 9,
    -- 20, 24, 40; cin 8, 12, 20, 24 for the image gradient), one input plane, rows and
    -- kernel entries not multiples of 6, maps smaller than a tile, padding up to and
    -- beyond the kernel (image gradient transposed or by columns), strides, 1x1
    -- kernels, one image and batches across the gradient slots; the last shapes are
    -- too small for the direct passes
    local cfgs = {
      { 3, 8, 3, 3, 1, 1, 1, 1, { 2, 3, 7, 6 } },
      { 1, 20, 5, 5, 1, 1, 2, 2, { 3, 1, 11, 9 } },
      { 20, 40, 5, 3, 1, 1, 2, 1, { 2, 20, 6, 5 } },
      { 8, 16, 3, 3, 2, 2, 1, 1, { 3, 8, 9, 9 } },
      { 8, 9, 4, 4, 1, 1, 3, 3, { 2, 8, 4, 4 } },
      { 8, 8, 3, 3, 1, 1, 3, 3, { 2, 8, 4, 5 } },
      { 12, 24, 2, 2, 1, 2, 0, 1, { 12, 12, 5, 7 } },
      { 12, 24, 3, 3, 1, 1, 1, 1, { 11, 12, 5, 4 } },
      { 16, 8, 1, 1, 1, 1, 0, 0, { 2, 16, 3, 5 } },
      { 24, 17, 3, 3, 1, 1, 1, 1, { 24, 3, 3 } },
      { 4, 8, 3, 3, 1, 1, 1, 1, { 1, 4, 2, 2 } },
      { 8, 8, 3, 3, 1, 1, 1, 1, { 1, 8, 2, 2 } },
      { 3, 5, 3, 3, 1, 1, 1, 1, { 2, 3, 7, 6 } },
      { 2, 5, 2, 3, 2, 1, 0, 1, { 2, 6, 5 } },
      -- small maps, several images per tile pass and a short last group, the tiles' sums
      -- cut to the taps inside the image (kernel larger than the map, padding beyond it)
      { 10, 24, 5, 5, 1, 1, 2, 2, { 13, 10, 3, 3 } },
      { 9, 16, 3, 3, 1, 1, 3, 3, { 9, 9, 2, 4 } },
      { 16, 20, 5, 4, 2, 1, 3, 2, { 7, 16, 3, 5 } },
    }
    local taken = { direct = {}, columns = {} }
    for _, cfg in ipairs(cfgs) do
      local cin, cout, kW, kH, dW, dH, pW, pH, size = unpack(cfg)
      for pass, direct in pairs(direct_passes(cin, cout, kW, kH, dW, dH, pW, pH)) do
        taken[direct and 'direct' or 'columns'][pass] = true
      end
      stn.manualSeed(21)
      local m = nn.SpatialConvolution(cin, cout, kW, kH, dW, dH, pW, pH)
      local x = H.rand(size)
      local g = H.rand(m:forward(x):size():totable())
      local got, want = passes(m, x, g), reference(m, x, g, 0.5)
      local what = table.concat(cfg, ',', 1, 8) .. ' ' .. table.concat(size, 'x')
      for j = 1, 4 do H.assert_near(got[j], want[j], 2e-5, what .. ' pass ' .. j) end
    end
    for _, path in ipairs { 'direct', 'columns' } do
      for _, pass in ipairs { 'forward', 'weight', 'input' } do assert(taken[path][pass], path .. ' ' .. pass) end
    end
  end)

  it('gives the same bits at any thread count on its direct passes', function()
    -- 1 and 3 images (lane tiles shared out), 11 (slots of one and two images); every
    -- pass of these shapes runs direct where the CPU has AVX2
    -- and 13 images of a 3x3 map (several images per tile pass, two slots)
    for _, c in ipairs { { 8, 40, 1, 9 }, { 16, 24, 3, 12 }, { 12, 16, 11, 10 }, { 16, 24, 13, 3 } } do
      local cin, cout, b, hw = unpack(c)
      local d = direct_passes(cin, cout, 5, 5, 1, 1, 2, 2)
      assert(d.forward and d.weight and d.input)
      stn.manualSeed(22)
      local m = nn.SpatialConvolution(cin, cout, 5, 5, 1, 1, 2, 2)
      local x = H.rand({ b, cin, hw, hw })
      local g = H.rand(m:forward(x):size():totable())
      local threads, runs = stn.getnumthreads(), {}
      for k, nt in ipairs { 1, 2, 3 } do
        stn.setnumthreads(nt)
        runs[k] = passes(m, x, g)
      end
      stn.setnumthreads(threads)
      for k = 2, 3 do
        for j = 1, 4 do H.assert_equal(runs[k][j], runs[1][j]) end
      end
    end
  end)

  it('has exact gradients (Jacobian) on its direct passes', function()
    -- every pass direct (where the CPU has AVX2) but the strided one's image gradient
    for _, cfg in ipairs { { 8, 9, 3, 3, 1, 1, 1, 1, { 2, 8, 5, 4 } }, { 4, 8, 2, 3, 2, 1, 0, 1, { 2, 4, 6, 5 } } } do
      local cin, cout, kW, kH, dW, dH, pW, pH, size = unpack(cfg)
      local d = direct_passes(cin, cout, kW, kH, dW, dH, pW, pH)
      assert(d.forward and d.weight and (d.input or dW > 1))
      stn.manualSeed(23)
      local m = nn.SpatialConvolution(cin, cout, kW, kH, dW, dH, pW, pH)
      assert.is_true(H.check_jacobian(m, H.rand(size), { eps = 1e-2, tol = 2e-3 }) < 2e-3)
    end
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

describe('stn_conv2d_forward / stn_conv2d_backward (C API)', function()
  local ffi = require 'ffi'
  local core = require 'stn.ffi'
  local C, ctx = core.C, core.ctx

  it('fails on a NULL plan or one with bad values, naming the function', function()
    local x, y, w, work = H.rand({ 1, 2, 5, 5 }), stn.Tensor(), H.rand({ 3, 2, 3, 3 }), stn.Tensor()
    assert.are_not.equal(0, C.stn_conv2d_forward(ctx, nil, x, y, w, nil, work))
    assert.truthy(core.last_error():find('stn_conv2d_forward: plan is NULL', 1, true))
    assert.are_not.equal(0, C.stn_conv2d_backward(ctx, nil, x, H.rand({ 1, 3, 3, 3 }), w, nil, work))
    assert.truthy(core.last_error():find('stn_conv2d_backward: plan is NULL', 1, true))
    for _, bad in ipairs { { 0, 3, 1, 1, 0, 0 }, { 3, 3, 0, 1, 0, 0 }, { 3, 3, 1, 1, -1, 0 }, { 3, -2 ^ 31, 1, 1, 0, 0 } } do
      local plan = ffi.new('stn_conv2d_plan', bad)
      assert.are_not.equal(0, C.stn_conv2d_forward(ctx, plan, x, y, w, nil, work))
      assert.truthy(core.last_error():find('stn_conv2d_forward: kernel', 1, true))
    end
  end)

  it('computes nothing for NULL or empty grads, and what the grads name', function()
    local plan = ffi.new('stn_conv2d_plan', { 3, 3, 1, 1, 1, 1 })
    local x, w, gy, work = H.rand({ 2, 2, 5, 5 }), H.rand({ 3, 2, 3, 3 }), H.rand({ 2, 3, 5, 5 }), stn.Tensor()
    assert.are.equal(0, C.stn_conv2d_backward(ctx, plan, x, gy, w, nil, work))
    assert.are.equal(0, C.stn_conv2d_backward(ctx, plan, x, gy, w, ffi.new('stn_conv2d_grads'), work))
    local m = nn.SpatialConvolution(2, 3, 3, 3, 1, 1, 1, 1)
    m.weight:copy(w)
    m:forward(x)
    m:zeroGradParameters()
    m:backward(x, gy, 0.5)
    local gx, gw, gb = stn.Tensor(), stn.Tensor(3, 2, 3, 3):zero(), stn.Tensor(3):zero()
    local grads = ffi.new('stn_conv2d_grads', { gx, gw, gb, 0.5 })
    assert.are.equal(0, C.stn_conv2d_backward(ctx, plan, x, gy, w, grads, work))
    H.assert_equal(gx, m.gradInput)
    H.assert_equal(gw, m.gradWeight)
    H.assert_equal(gb, m.gradBias)
  end)
end)
