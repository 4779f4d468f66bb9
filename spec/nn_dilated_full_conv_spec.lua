-- nn.SpatialDilatedConvolution and nn.SpatialFullConvolution: values by hand, a float64
-- reference by loops over the taps, Jacobians on Float and Double, thread counts, the
-- {input, sizeTensor} form, bad input, Torch7's printing, loading (stn and .t7 files),
-- and the C API (stn_conv2d_plan's dilation, stn_full_conv2d_*). CPU vs CUDA: the rows of
-- spec/conformance_table.lua.
local ffi = require 'ffi'
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn
local core = require 'stn.ffi'
local C, ctx = core.C, core.ctx

-- a equals the values of a nested table, bit for bit.
local function exactly(a, t) H.assert_equal(a, stn.DoubleTensor(t)) end

-- 1 x 5 x 5 image holding 0..24 row by row.
local function ramp(T)
  local x = (T or stn.FloatTensor)(1, 5, 5)
  for i = 1, 5 do for j = 1, 5 do x[1][i][j] = (i - 1) * 5 + (j - 1) end end
  return x
end

local function tensor_of(d, like)
  local t = stn.DoubleTensor(like:size()):zero()
  local td = t:data()
  for i = 0, t:nElement() - 1 do td[i] = d[i] end
  return t
end
local function batched(x)
  local s = x:size():totable()
  if #s == 3 then table.insert(s, 1, 1) end
  return unpack(s)
end

-- A dilated convolution's four results (output, gradInput, gradWeight, gradBias for
-- gradOutput gy and scale) in float64 by loops over the taps.
local function dilated_reference(m, x, gy, scale)
  local B, Cn, Hh, Ww = batched(x)
  local O, kW, kH, dW, dH, pW, pH = m.nOutputPlane, m.kW, m.kH, m.dW, m.dH, m.padW, m.padH
  local lW, lH = m.dilationW or 1, m.dilationH or 1
  local oH = math.floor((Hh + 2 * pH - lH * (kH - 1) - 1) / dH) + 1
  local oW = math.floor((Ww + 2 * pW - lW * (kW - 1) - 1) / dW) + 1
  local xd, gd = x:double():contiguous():data(), gy:double():contiguous():data()
  local wd, bd = m.weight:double():contiguous():data(), m.bias:double():contiguous():data()
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
              local iy = oy * dH - pH + i * lH
              if iy >= 0 and iy < Hh then
                for j = 0, kW - 1 do
                  local ix = ox * dW - pW + j * lW
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
  return { tensor_of(y, gy), tensor_of(gx, x), tensor_of(gw, m.weight), tensor_of(gb, m.bias) }
end

-- A full convolution's four results in float64: input pixel (iy, ix) of plane c adds
-- x * w[c][o][i][j] to output pixel (iy dH - padH + i, ix dW - padW + j) of plane o.
local function full_reference(m, x, gy, scale, adjW, adjH)
  local B, Cn, Hh, Ww = batched(x)
  local O, kW, kH, dW, dH, pW, pH = m.nOutputPlane, m.kW, m.kH, m.dW, m.dH, m.padW, m.padH
  adjW, adjH = adjW or m.adjW, adjH or m.adjH
  local oH, oW = (Hh - 1) * dH - 2 * pH + kH + adjH, (Ww - 1) * dW - 2 * pW + kW + adjW
  local xd, gd = x:double():contiguous():data(), gy:double():contiguous():data()
  local wd = m.weight:double():contiguous():data()
  local bd = m.bias and m.bias:double():contiguous():data()
  local y, gx = ffi.new('double[?]', B * O * oH * oW), ffi.new('double[?]', B * Cn * Hh * Ww)
  local gw, gb = ffi.new('double[?]', Cn * O * kH * kW), ffi.new('double[?]', O)
  for b = 0, B - 1 do
    for o = 0, O - 1 do
      for p = 0, oH * oW - 1 do
        local at = (b * O + o) * oH * oW + p
        y[at] = bd and bd[o] or 0
        gb[o] = gb[o] + scale * gd[at]
      end
    end
    for c = 0, Cn - 1 do
      for iy = 0, Hh - 1 do
        for ix = 0, Ww - 1 do
          local xi = ((b * Cn + c) * Hh + iy) * Ww + ix
          for o = 0, O - 1 do
            for i = 0, kH - 1 do
              local oy = iy * dH - pH + i
              if oy >= 0 and oy < oH then
                for j = 0, kW - 1 do
                  local ox = ix * dW - pW + j
                  if ox >= 0 and ox < oW then
                    local yi, wi = ((b * O + o) * oH + oy) * oW + ox, ((c * O + o) * kH + i) * kW + j
                    y[yi] = y[yi] + xd[xi] * wd[wi]
                    gx[xi] = gx[xi] + gd[yi] * wd[wi]
                    gw[wi] = gw[wi] + scale * gd[yi] * xd[xi]
                  end
                end
              end
            end
          end
        end
      end
    end
  end
  return { tensor_of(y, gy), tensor_of(gx, x), tensor_of(gw, m.weight), tensor_of(gb, stn.Tensor(O)) }
end

-- forward, backward (scale 0.5) on x, g: output, gradInput, gradWeight, gradBias
local function passes(m, x, g)
  local y = m:forward(x):clone()
  m:zeroGradParameters()
  local gi = m:backward(x, g, 0.5)
  return { y, gi and gi:clone(), m.gradWeight:clone(), m.gradBias and m.gradBias:clone() }
end

describe('nn.SpatialDilatedConvolution', function()
  it('spaces the kernel taps by the dilation (by hand: dilation 2 on a 5x5 ramp)', function()
    for _, T in ipairs { stn.FloatTensor, stn.DoubleTensor } do
      local m = nn.SpatialDilatedConvolution(1, 1, 2, 2, 1, 1, 0, 0, 2, 2)
      if T == stn.DoubleTensor then m:double() end
      m.weight:fill(1)
      m.bias:fill(0.5)
      -- a 2x2 kernel dilated by 2 covers 3x3 pixels: y(r, c) = x(r, c) + x(r, c+2) + x(r+2, c)
      -- + x(r+2, c+2) = 4 x(r, c) + 24 with x(r, c) = 5 r + c
      local x = ramp(T)
      local y = m:forward(x)
      assert.are.equal(stn.type(x), stn.type(y))
      exactly(y, { { { 24.5, 28.5, 32.5 }, { 44.5, 48.5, 52.5 }, { 64.5, 68.5, 72.5 } } })
      m:zeroGradParameters()
      local gi = m:backward(x, T(1, 3, 3):fill(1))
      -- each pixel is read by as many windows as its taps fit: 1 at the corners, 2 along the
      -- middle lines, 4 at the centre
      exactly(gi, { { { 1, 1, 2, 1, 1 }, { 1, 1, 2, 1, 1 }, { 2, 2, 4, 2, 2 }, { 1, 1, 2, 1, 1 }, { 1, 1, 2, 1, 1 } } })
      -- tap (i, j) reads the 3x3 block starting at (2i, 2j): its sum 9 (5 (2i + 1) + 2j + 1)
      exactly(m.gradWeight, { { { { 54, 72 }, { 144, 162 } } } })
      exactly(m.gradBias, { 9 })
    end
  end)

  it('is nn.SpatialConvolution bit for bit with dilation 1', function()
    -- the second shape takes the direct AVX2 passes where the CPU has them
    for _, cfg in ipairs { { 3, 4, 3, 3, 1, 1, 1, 1, { 2, 3, 7, 6 } }, { 8, 16, 3, 3, 1, 1, 1, 1, { 2, 8, 9, 9 } },
                           { 4, 5, 3, 2, 2, 1, 0, 1, { 4, 9, 8 } } } do
      local cin, cout, kW, kH, dW, dH, pW, pH, size = unpack(cfg)
      stn.manualSeed(31)
      local a = nn.SpatialConvolution(cin, cout, kW, kH, dW, dH, pW, pH)
      stn.manualSeed(31)
      local b = nn.SpatialDilatedConvolution(cin, cout, kW, kH, dW, dH, pW, pH, 1, 1)
      H.assert_equal(a.weight, b.weight)
      local x = H.rand(size)
      local g = H.rand(a:forward(x):size():totable())
      local pa, pb = passes(a, x, g), passes(b, x, g)
      for j = 1, 4 do H.assert_equal(pb[j], pa[j]) end
    end
  end)

  it('computes every pass as a float64 reference does (strides, padding, batches, Double)', function()
    -- the 8 -> 16 shapes would take the direct passes if they were not dilated
    local cfgs = {
      { 2, 3, 3, 3, 1, 1, 0, 0, 2, 2, { 2, 2, 7, 8 } },
      { 3, 2, 3, 2, 2, 1, 1, 2, 3, 1, { 3, 9, 7 } },
      { 1, 2, 2, 3, 1, 2, 2, 1, 1, 4, { 2, 1, 10, 6 } },
      { 8, 16, 3, 3, 1, 1, 2, 2, 2, 2, { 2, 8, 9, 9 } },
      { 8, 16, 3, 3, 1, 1, 1, 1, 1, 2, { 1, 8, 6, 7 } },
      { 2, 2, 1, 3, 1, 1, 0, 0, 5, 3, { 2, 8, 5 } },
    }
    for _, cfg in ipairs(cfgs) do
      local cin, cout, kW, kH, dW, dH, pW, pH, lW, lH, size = unpack(cfg)
      for _, double in ipairs { false, true } do
        stn.manualSeed(32)
        local m = nn.SpatialDilatedConvolution(cin, cout, kW, kH, dW, dH, pW, pH, lW, lH)
        local x = H.rand(size)
        if double then m:double(); x = x:double() end
        local g = H.rand(m:forward(x):size():totable())
        if double then g = g:double() end
        local got, want = passes(m, x, g), dilated_reference(m, x, g, 0.5)
        local what = table.concat(cfg, ',', 1, 10) .. (double and ' Double' or ' Float')
        for j = 1, 4 do H.assert_near(got[j], want[j], double and 1e-12 or 2e-5, what .. ' pass ' .. j) end
      end
    end
  end)

  it('gives Torch7\'s output size, 3-D for 3-D input', function()
    local m = nn.SpatialDilatedConvolution(3, 5, 3, 3, 2, 2, 1, 1, 3, 2)
    -- oW = floor((W + 2 padW - dilW (kW - 1) - 1) / dW) + 1 = floor((20 + 2 - 6 - 1) / 2) + 1 = 8
    -- oH = floor((17 + 2 - 4 - 1) / 2) + 1 = 8
    assert.are.same({ 5, 8, 8 }, m:forward(H.rand({ 3, 17, 20 })):size():totable())
    assert.are.same({ 2, 5, 8, 8 }, m:forward(H.rand({ 2, 3, 17, 20 })):size():totable())
    assert.are.same({ 5, 3, 3, 3 }, m.weight:size():totable())
  end)

  for _, cfg in ipairs {
    { 2, 3, 3, 3, 1, 1, 0, 0, 2, 2, { 2, 2, 7, 7 } },
    { 2, 2, 2, 3, 2, 1, 1, 2, 3, 2, { 2, 8, 7 } },
  } do
    local cin, cout, kW, kH, dW, dH, pW, pH, lW, lH, size = unpack(cfg)
    it(('has exact gradients (Jacobian) on Float and Double: %dx%d kernel dilated %d,%d, stride %d,%d, padding %d,%d')
       :format(kW, kH, lW, lH, dW, dH, pW, pH), function()
      stn.manualSeed(33)
      local m = nn.SpatialDilatedConvolution(cin, cout, kW, kH, dW, dH, pW, pH, lW, lH)
      local x = H.rand(size)
      assert.is_true(H.check_jacobian(m, x, { eps = 1e-2, tol = 2e-3 }) < 2e-3)
      assert.is_true(H.check_jacobian(m:double(), x:double(), { eps = 1e-6, tol = 1e-5 }) < 1e-5)
    end)
  end

  it('gives the same bits at any thread count, on Float and Double', function()
    for _, double in ipairs { false, true } do
      stn.manualSeed(34)
      -- above the size that goes parallel (2e7 flops)
      local m = nn.SpatialDilatedConvolution(16, 16, 3, 3, 1, 1, 2, 2, 2, 2)
      local x = H.rand({ 16, 16, 32, 32 })
      if double then m:double(); x = x:double() end
      local g = H.rand(m:forward(x):size():totable()):type(x:type())
      local threads, runs = stn.getnumthreads(), {}
      for k, nt in ipairs { 1, 2, 3 } do
        stn.setnumthreads(nt)
        runs[k] = passes(m, x, g)
      end
      stn.setnumthreads(threads)
      for k = 2, 3 do for j = 1, 4 do H.assert_equal(runs[k][j], runs[1][j]) end end
    end
  end)

  it('prints as Torch7 does (the dilation always)', function()
    assert.are.equal('nn.SpatialDilatedConvolution(3 -> 4, 3x3, 1,1)', tostring(nn.SpatialDilatedConvolution(3, 4, 3, 3)))
    assert.are.equal('nn.SpatialDilatedConvolution(3 -> 4, 3x3, 2,2)',
      tostring(nn.SpatialDilatedConvolution(3, 4, 3, 3, 1, 1, 0, 0, 2, 2)))
    assert.are.equal('nn.SpatialDilatedConvolution(3 -> 4, 3x3, 2,2, 1,1, 2,3) without bias',
      tostring(nn.SpatialDilatedConvolution(3, 4, 3, 3, 2, 2, 1, 1, 2, 3):noBias()))
    assert.are.equal('nn.SpatialDilatedConvolution(3 -> 4, 5x3, 1,1, 2,0, 1,4)',
      tostring(nn.SpatialDilatedConvolution(3, 4, 5, 3, 1, 1, 2, 0, 1, 4)))
  end)

  it('is a SpatialConvolution with the same defaults, reset and fields', function()
    local m = nn.SpatialDilatedConvolution(2, 3, 3, 3, 2, 2, 1)
    assert.is_true(require('stn.class').isinstance(m, 'nn.SpatialConvolution'))
    assert.are.same({ 1, 1, 1, 1 }, { m.padW, m.padH, m.dilationW, m.dilationH })
    m:reset(0.01)
    assert.is_true(m.weight:abs():max() <= 0.01 * math.sqrt(3) + 1e-7)
    m:noBias()
    assert.is_nil(m.bias)
    local x = H.rand({ 2, 7, 7 })
    local y = m:forward(x)
    assert.are.same({ 3, 4, 4 }, y:size():totable())
    m:zeroGradParameters()
    m:backward(x, H.rand({ 3, 4, 4 }))
    -- the fields are read at each call
    m.dilationW, m.dilationH = 2, 3
    assert.are.same({ 3, 2, 3 }, m:forward(x):size():totable())
  end)

  it('rejects bad input and options naming the module', function()
    local D = nn.SpatialDilatedConvolution
    local m = D(3, 4, 3, 3, 1, 1, 0, 0, 2, 2)
    H.assert_error(function() m:forward(H.rand({ 2, 4, 8, 8 })) end, 'nn.SpatialDilatedConvolution', '4 planes', 'expects 3')
    H.assert_error(function() m:forward(H.rand({ 3, 8 })) end, 'nn.SpatialDilatedConvolution', '3-D', '3x8')
    H.assert_error(function() m:forward(H.rand({ 3, 4, 9 })) end, 'nn.SpatialDilatedConvolution',
      'smaller than the 3x3 kernel dilated by 2,2 (5x5)')
    m:forward(H.rand({ 2, 3, 8, 8 }))
    H.assert_error(function() m:backward(H.rand({ 2, 3, 8, 8 }), H.rand({ 2, 4, 5, 5 })) end,
      'nn.SpatialDilatedConvolution', 'gradOutput is 2x4x5x5')
    for _, bad in ipairs { 0, -1, 1.5, 0 / 0, 2 ^ 31 } do
      H.assert_error(function() D(3, 4, 3, 3, 1, 1, 0, 0, bad, 1) end, 'nn.SpatialDilatedConvolution', 'dilationW')
      H.assert_error(function() D(3, 4, 3, 3, 1, 1, 0, 0, 1, bad) end, 'nn.SpatialDilatedConvolution', 'dilationH')
    end
    H.assert_error(function() D(3, 4, 0 / 0, 3) end, 'nn.SpatialDilatedConvolution', 'kW')
    H.assert_error(function() D(3, 4, 3, 3, 1, 1, -1) end, 'nn.SpatialDilatedConvolution', 'padW')
    m.dilationH = 0
    H.assert_error(function() m:forward(H.rand({ 3, 8, 8 })) end, 'nn.SpatialDilatedConvolution', 'dilationH')
  end)
end)

describe('nn.SpatialFullConvolution', function()
  it('spreads each input pixel over the output (by hand: 2x2 input, 2x2 kernel, stride 2 and 1)', function()
    for _, T in ipairs { stn.FloatTensor, stn.DoubleTensor } do
      local m = nn.SpatialFullConvolution(1, 1, 2, 2, 2, 2)
      if T == stn.DoubleTensor then m:double() end
      m.weight:copy(T({ { { { 1, 10 }, { 100, 1000 } } } }))
      m.bias:fill(0.5)
      local x = T({ { { 1, 2 }, { 3, 4 } } })
      local y = m:forward(x)
      assert.are.equal(stn.type(x), stn.type(y))
      -- stride 2: each pixel stamps its own 2x2 block x * w
      exactly(y, { { { 1.5, 10.5, 2.5, 20.5 }, { 100.5, 1000.5, 200.5, 2000.5 },
                            { 3.5, 30.5, 4.5, 40.5 }, { 300.5, 3000.5, 400.5, 4000.5 } } })
      m:zeroGradParameters()
      local gy = T(1, 4, 4)
      for i = 1, 16 do gy:view(-1)[i] = i end
      -- gradInput: each pixel's block of gy against w; gradWeight: tap (i, j) sums x * gy(2r + i, 2c + j)
      exactly(m:backward(x, gy), { { { 1 + 20 + 500 + 6000, 3 + 40 + 700 + 8000 },
                                             { 9 + 100 + 1300 + 14000, 11 + 120 + 1500 + 16000 } } })
      exactly(m.gradWeight, { { { { 1 + 6 + 27 + 44, 2 + 8 + 30 + 48 }, { 5 + 14 + 39 + 60, 6 + 16 + 42 + 64 } } } })
      exactly(m.gradBias, { 136 })
      -- stride 1: the blocks overlap and add up; y(1, 1) = 1 * 1000 + 2 * 100 + 3 * 10 + 4 * 1
      local s = nn.SpatialFullConvolution(1, 1, 2, 2):noBias()
      if T == stn.DoubleTensor then s:double() end
      s.weight:copy(m.weight)
      exactly(s:forward(x), { { { 1, 12, 20 }, { 103, 1234, 2040 }, { 300, 3400, 4000 } } })
    end
  end)

  it('is the adjoint of nn.SpatialConvolution with the same window', function()
    -- full(x) = conv's gradInput for gradOutput x, conv weight = full weight (O_conv = C_full)
    for _, cfg in ipairs { { 3, 2, 3, 3, 2, 2, 1, 1, { 2, 3, 4, 5 } }, { 2, 4, 2, 3, 1, 2, 0, 1, { 2, 5, 4 } } } do
      local cin, cout, kW, kH, dW, dH, pW, pH, size = unpack(cfg)
      stn.manualSeed(41)
      local f = nn.SpatialFullConvolution(cin, cout, kW, kH, dW, dH, pW, pH):noBias()
      local c = nn.SpatialConvolution(cout, cin, kW, kH, dW, dH, pW, pH):noBias()
      c.weight:copy(f.weight)
      local x = H.rand(size)
      local y = f:forward(x)
      c:forward(y)
      H.assert_near(c:updateGradInput(y, x), y, 1e-5)
    end
  end)

  it('computes every pass as a float64 reference does (padding, adj, batches, Double)', function()
    local cfgs = {
      { 2, 3, 3, 3, 1, 1, 0, 0, 0, 0, { 2, 2, 4, 5 } },
      { 3, 2, 3, 2, 2, 3, 1, 0, 1, 2, { 3, 4, 3 } },
      { 1, 2, 2, 3, 3, 2, 2, 1, 2, 1, { 2, 1, 3, 4 } },
      { 2, 2, 1, 1, 2, 2, 2, 0, 0, 1, { 2, 2, 5, 4 } }, -- padding beyond the kernel
      { 4, 3, 5, 4, 2, 2, 2, 1, 1, 0, { 3, 4, 6, 5 } },
    }
    for _, cfg in ipairs(cfgs) do
      local cin, cout, kW, kH, dW, dH, pW, pH, aW, aH, size = unpack(cfg)
      for _, double in ipairs { false, true } do
        stn.manualSeed(42)
        local m = nn.SpatialFullConvolution(cin, cout, kW, kH, dW, dH, pW, pH, aW, aH)
        local x = H.rand(size)
        if double then m:double(); x = x:double() end
        local g = H.rand(m:forward(x):size():totable())
        if double then g = g:double() end
        local got, want = passes(m, x, g), full_reference(m, x, g, 0.5)
        local what = table.concat(cfg, ',', 1, 10) .. (double and ' Double' or ' Float')
        for j = 1, 4 do H.assert_near(got[j], want[j], double and 1e-12 or 2e-5, what .. ' pass ' .. j) end
      end
    end
  end)

  it('gives Torch7\'s output size, 3-D for 3-D input', function()
    local m = nn.SpatialFullConvolution(3, 5, 4, 3, 3, 2, 1, 0, 2, 1)
    -- oW = (W - 1) dW - 2 padW + kW + adjW = 6 * 3 - 2 + 4 + 2 = 22; oH = 4 * 2 + 3 + 1 = 12
    assert.are.same({ 5, 12, 22 }, m:forward(H.rand({ 3, 5, 7 })):size():totable())
    assert.are.same({ 2, 5, 12, 22 }, m:forward(H.rand({ 2, 3, 5, 7 })):size():totable())
    assert.are.same({ 3, 5, 3, 4 }, m.weight:size():totable())
    assert.are.same({ 5 }, m.bias:size():totable())
  end)

  for _, cfg in ipairs {
    { 2, 3, 3, 3, 2, 2, 1, 1, 1, 0, { 2, 2, 3, 3 } },
    { 3, 2, 2, 3, 1, 2, 0, 1, 0, 1, { 3, 3, 4 } },
  } do
    local cin, cout, kW, kH, dW, dH, pW, pH, aW, aH, size = unpack(cfg)
    it(('has exact gradients (Jacobian) on Float and Double: %dx%d kernel, stride %d,%d, padding %d,%d, adj %d,%d')
       :format(kW, kH, dW, dH, pW, pH, aW, aH), function()
      stn.manualSeed(43)
      local m = nn.SpatialFullConvolution(cin, cout, kW, kH, dW, dH, pW, pH, aW, aH)
      local x = H.rand(size)
      assert.is_true(H.check_jacobian(m, x, { eps = 1e-2, tol = 2e-3 }) < 2e-3)
      assert.is_true(H.check_jacobian(m:double(), x:double(), { eps = 1e-6, tol = 1e-5 }) < 1e-5)
      m:noBias()
      assert.is_true(H.check_jacobian(m, x:double(), { eps = 1e-6, tol = 1e-5 }) < 1e-5)
    end)
  end

  it('gives the same bits at any thread count, on Float and Double', function()
    -- above the size that goes parallel (2e7 flops): a batch (images over the threads,
    -- weight gradients in slots) and one image (its products and loops split)
    for _, case in ipairs { { false, 3, 24 }, { true, 3, 24 }, { false, 1, 32 }, { true, 1, 32 } } do
      local double, b, hw = unpack(case)
      stn.manualSeed(44)
      local m = nn.SpatialFullConvolution(32, 32, 4, 4, 2, 2, 1, 1)
      local x = H.rand({ b, 32, hw, hw })
      if double then m:double(); x = x:double() end
      local g = H.rand(m:forward(x):size():totable()):type(x:type())
      local threads, runs = stn.getnumthreads(), {}
      for k, nt in ipairs { 1, 2, 3 } do
        stn.setnumthreads(nt)
        runs[k] = passes(m, x, g)
      end
      stn.setnumthreads(threads)
      for k = 2, 3 do for j = 1, 4 do H.assert_equal(runs[k][j], runs[1][j]) end end
    end
  end)

  it('treats a batch like its images one at a time; separate passes match backward', function()
    stn.manualSeed(45)
    local m = nn.SpatialFullConvolution(3, 4, 3, 3, 2, 2, 1, 1, 1, 1)
    local x = H.rand({ 3, 3, 4, 5 })
    local g = H.rand(m:forward(x):size():totable())
    local p = passes(m, x, g)
    m:zeroGradParameters()
    for i = 1, 3 do
      H.assert_near(m:forward(x[i]), p[1][i], 1e-6)
      H.assert_near(m:backward(x[i], g[i], 0.5), p[2][i], 1e-6)
    end
    H.assert_near(m.gradWeight, p[3], 1e-5)
    H.assert_near(m.gradBias, p[4], 1e-5)
    m:zeroGradParameters()
    m:forward(x)
    H.assert_near(m:updateGradInput(x, g), p[2], 1e-6)
    m:accGradParameters(x, g, 0.25)
    m:accGradParameters(x, g, 0.25)
    H.assert_near(m.gradWeight, p[3], 1e-5)
    H.assert_near(m.gradBias, p[4], 1e-5)
  end)

  it('takes {input, sizeTensor}: the adj that gives sizeTensor\'s last two sizes', function()
    stn.manualSeed(46)
    local m = nn.SpatialFullConvolution(2, 3, 3, 3, 3, 2, 1, 1)
    local ref = nn.SpatialFullConvolution(2, 3, 3, 3, 3, 2, 1, 1, 2, 1)
    ref.weight:copy(m.weight); ref.bias:copy(m.bias)
    local x = H.rand({ 2, 4, 5 })
    local target = stn.Tensor(7, 8, 15) -- only its last two sizes count
    local y = m:forward({ x, target })
    assert.are.same({ 3, 8, 15 }, y:size():totable())
    H.assert_equal(y, ref:forward(x))
    assert.are.same({ 0, 0 }, { m.adjW, m.adjH }) -- the fields stay as they were
    local g = H.rand({ 3, 8, 15 })
    m:zeroGradParameters(); ref:zeroGradParameters()
    local gi = m:backward({ x, target }, g)
    H.assert_equal(gi[1], ref:backward(x, g))
    H.assert_equal(m.gradWeight, ref.gradWeight)
    H.assert_equal(m.gradBias, ref.gradBias)
    -- gradInput[2]: zeros of sizeTensor's size, one stored zero
    assert.are.same({ 7, 8, 15 }, gi[2]:size():totable())
    assert.are.equal(1, gi[2]:storage():size())
    assert.are.equal(0, gi[2]:storage()[1])
    -- after clearState, and on Double
    m:clearState()
    H.assert_equal(m:backward({ x, target }, g)[1], gi[1])
    local md = m:clone():double()
    local gd = md:backward({ x:double(), target:double() }, g:double())
    assert.are.equal('torch.DoubleTensor', stn.type(gd[2]))
    H.assert_near(gd[1], gi[1], 1e-5)
    -- a plain input afterwards gives a tensor again
    m.adjW, m.adjH = 2, 1
    H.assert_equal(m:backward(x, g), gi[1])
    H.assert_error(function() m:forward({ x, stn.Tensor(10, 15) }) end, 'nn.SpatialFullConvolution',
      'sizeTensor asks for a 10x15 output but input 2x4x5 gives 8x15')
    H.assert_error(function() m:forward({ x }) end, 'nn.SpatialFullConvolution', '{input, sizeTensor}')
    H.assert_error(function() m:forward({ x, stn.Tensor(5) }) end, 'nn.SpatialFullConvolution', 'at least 2 dimensions')
  end)

  it('prints as Torch7 does', function()
    local F = nn.SpatialFullConvolution
    assert.are.equal('nn.SpatialFullConvolution(3 -> 4, 3x3)', tostring(F(3, 4, 3, 3)))
    assert.are.equal('nn.SpatialFullConvolution(3 -> 4, 3x3, 2,2)', tostring(F(3, 4, 3, 3, 2, 2)))
    assert.are.equal('nn.SpatialFullConvolution(3 -> 4, 3x3, 2,2, 1,0)', tostring(F(3, 4, 3, 3, 2, 2, 1)))
    assert.are.equal('nn.SpatialFullConvolution(3 -> 4, 3x3, 2,3, 1,1, 1,2) without bias',
      tostring(F(3, 4, 3, 3, 2, 3, 1, 1, 1, 2):noBias()))
    assert.are.equal('nn.SpatialFullConvolution(3 -> 4, 3x3, 2,2, 1,0)', tostring(F(3, 4, 3, 3, 2, 2, 0, 0, 1, 0)))
  end)

  it('initializes uniformly in +-1/sqrt(kW kH nInputPlane), reproducibly; skips gradInput when nil', function()
    stn.manualSeed(47)
    local a = nn.SpatialFullConvolution(4, 8, 3, 3)
    stn.manualSeed(47)
    local b = nn.SpatialFullConvolution(4, 8, 3, 3)
    H.assert_equal(a.weight, b.weight)
    local bound = 1 / math.sqrt(36)
    assert.is_true(a.weight:max() <= bound and a.weight:min() >= -bound)
    assert.is_true(a.weight:max() > 0.8 * bound)
    a.gradInput = nil
    local x = H.rand({ 4, 3, 3 })
    a:forward(x)
    a:zeroGradParameters()
    assert.is_nil(a:backward(x, H.rand({ 8, 5, 5 })))
    assert.is_true(a.gradWeight:abs():max() > 0)
    a:clearState()
    assert.are.equal(0, a.finput:nElement())
  end)

  it('rejects bad input and options naming the module', function()
    local F = nn.SpatialFullConvolution
    local m = F(3, 4, 3, 3, 2, 2, 1, 1)
    H.assert_error(function() m:forward(H.rand({ 2, 4, 8, 8 })) end, 'nn.SpatialFullConvolution', '4 planes', 'expects 3')
    H.assert_error(function() m:forward(H.rand({ 3, 8 })) end, 'nn.SpatialFullConvolution', '3-D', '3x8')
    m:forward(H.rand({ 2, 3, 4, 4 }))
    H.assert_error(function() m:backward(H.rand({ 2, 3, 4, 4 }), H.rand({ 2, 4, 8, 8 })) end,
      'nn.SpatialFullConvolution', 'gradOutput is 2x4x8x8', '4x7x7')
    H.assert_error(function() F(3, 4, 3, 3, 2, 2, 0, 0, 2, 0) end, 'nn.SpatialFullConvolution', 'adjW, adjH 2,0',
      'smaller than the stride 2,2')
    H.assert_error(function() F(3, 4, 3, 3, 1, 1, 0, 0, 0, 1) end, 'nn.SpatialFullConvolution', 'smaller than the stride')
    H.assert_error(function() F(3, 4, 3, 3, 2, 2, 0, 0, -1) end, 'nn.SpatialFullConvolution', 'adjW')
    for _, bad in ipairs { 0, 1.5, 0 / 0 } do
      H.assert_error(function() F(3, 4, bad, 3) end, 'nn.SpatialFullConvolution', 'kW')
      H.assert_error(function() F(3, 4, 3, 3, bad) end, 'nn.SpatialFullConvolution', 'dW')
    end
    H.assert_error(function() F(3, 4, 3, 3, 1, 1, 0 / 0) end, 'nn.SpatialFullConvolution', 'padW')
    H.assert_error(function() F(0, 4, 3, 3) end, 'nn.SpatialFullConvolution', 'nInputPlane')
    -- padding that crops the whole output
    H.assert_error(function() F(1, 1, 1, 1, 1, 1, 1, 1):forward(H.rand({ 1, 2, 2 })) end, 'nn.SpatialFullConvolution',
      'gives a 0x0 output', 'too small')
    m.adjW = 5
    H.assert_error(function() m:forward(H.rand({ 3, 4, 4 })) end, 'nn.SpatialFullConvolution', 'smaller than the stride')
  end)
end)

describe('loading the two modules', function()
  local function tmp(ext)
    local p = os.tmpname()
    os.remove(p)
    return p .. ext
  end

  it('round-trips through stn.save / stn.load and .t7 files, running the same', function()
    stn.manualSeed(51)
    local net = nn.Sequential()
      :add(nn.SpatialDilatedConvolution(2, 3, 3, 3, 1, 1, 2, 2, 2, 2))
      :add(nn.SpatialFullConvolution(3, 2, 3, 3, 2, 2, 1, 1, 1, 1))
    local x = H.rand({ 2, 2, 5, 6 })
    local want = net:forward(x):clone()
    for _, ext in ipairs { '.stn', '.t7' } do
      local p = tmp(ext)
      stn.save(p, net)
      local o = stn.load(p)
      os.remove(p)
      assert.are.equal(tostring(net), tostring(o))
      H.assert_equal(o:forward(x), want)
    end
  end)

  it('refuses a saved module whose fields do not fit', function()
    local m = nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2)
    m.adjW = 2
    local p = tmp('.stn')
    stn.save(p, m)
    H.assert_error(function() stn.load(p) end, 'adjW', 'below dW = 2')
    os.remove(p)
    local d = nn.SpatialDilatedConvolution(2, 3, 3, 3)
    d.dilationH = 0
    stn.save(p, d)
    H.assert_error(function() stn.load(p) end, 'dilationH')
    os.remove(p)
  end)

  it('reads them from Torch7 files by class name (fields as Torch7 writes them)', function()
    -- a network saved in Torch7's format with Torch7's own field names; an older Torch7's
    -- SpatialFullConvolution has no adjW/adjH (read as 0)
    local t7 = require 'stn.t7'
    local d = nn.SpatialDilatedConvolution(1, 1, 2, 2, 1, 1, 0, 0, 2, 2)
    d.weight:fill(1); d.bias:zero()
    d.finput = nil
    local f = nn.SpatialFullConvolution(1, 1, 2, 2, 2, 2)
    f.adjW, f.adjH, f.finput = nil, nil, nil
    f.weight:fill(1); f.bias:zero()
    local p = tmp('.t7')
    t7.save(p, { d = d, f = f })
    local o = t7.load(p)
    os.remove(p)
    assert.are.equal('nn.SpatialDilatedConvolution', stn.type(o.d))
    assert.are.equal('nn.SpatialFullConvolution', stn.type(o.f))
    exactly(o.d:forward(ramp()), { { { 24, 28, 32 }, { 44, 48, 52 }, { 64, 68, 72 } } })
    assert.are.same({ 0, 0 }, { o.f.adjW, o.f.adjH })
    assert.are.same({ 1, 4, 4 }, o.f:forward(stn.Tensor(1, 2, 2):fill(1)):size():totable())
  end)
end)

describe('stn_conv2d_plan dilation and stn_full_conv2d_* (C API)', function()
  it('reads a dilation of 0 as 1 and refuses a negative one', function()
    local x, w, work = H.rand({ 1, 2, 6, 6 }), H.rand({ 3, 2, 3, 3 }), stn.Tensor()
    local y0, y1 = stn.Tensor(), stn.Tensor()
    assert.are.equal(0, C.stn_conv2d_forward(ctx, ffi.new('stn_conv2d_plan', { 3, 3, 1, 1, 1, 1 }), x, y0, w, nil, work))
    assert.are.equal(0, C.stn_conv2d_forward(ctx, ffi.new('stn_conv2d_plan', { 3, 3, 1, 1, 1, 1, 1, 1 }), x, y1, w, nil,
      work))
    H.assert_equal(y0, y1)
    assert.are.equal(0, C.stn_conv2d_forward(ctx, ffi.new('stn_conv2d_plan', { 3, 3, 1, 1, 1, 1, 2, 0 }), x, y1, w, nil,
      work))
    assert.are.same({ 1, 3, 6, 4 }, y1:size():totable())
    for _, bad in ipairs { { -1, 1 }, { 1, -3 } } do
      local plan = ffi.new('stn_conv2d_plan', { 3, 3, 1, 1, 1, 1, bad[1], bad[2] })
      assert.are_not.equal(0, C.stn_conv2d_forward(ctx, plan, x, y1, w, nil, work))
      assert.truthy(core.last_error():find('stn_conv2d_forward: dilation', 1, true), core.last_error())
      assert.are_not.equal(0, C.stn_conv2d_backward(ctx, plan, x, H.rand({ 1, 3, 6, 6 }), w, nil, work))
      assert.truthy(core.last_error():find('stn_conv2d_backward: dilation', 1, true))
    end
    local huge = ffi.new('stn_conv2d_plan', { 3, 3, 1, 1, 1, 1, 2 ^ 30 + 1, 1 })
    assert.are_not.equal(0, C.stn_conv2d_forward(ctx, huge, x, y1, w, nil, work))
    assert.truthy(core.last_error():find('too large', 1, true))
  end)

  it('fails on a NULL plan or bad values, naming the function; computes what the grads name', function()
    local x, w, y, work = H.rand({ 2, 2, 3, 3 }), H.rand({ 2, 3, 2, 2 }), stn.Tensor(), stn.Tensor()
    assert.are_not.equal(0, C.stn_full_conv2d_forward(ctx, nil, x, y, w, nil, work))
    assert.truthy(core.last_error():find('stn_full_conv2d_forward: plan is NULL', 1, true))
    for _, c in ipairs {
      { { 0, 2, 1, 1, 0, 0, 0, 0 }, 'kernel' }, { { 2, 2, 1, 1, -1, 0, 0, 0 }, 'kernel' },
      { { 2, 2, 2, 2, 0, 0, 2, 0 }, 'adj 2,0' }, { { 2, 2, 2, 2, 0, 0, 0, -1 }, 'adj 0,-1' },
      { { 3, 2, 1, 1, 0, 0, 0, 0 }, 'weight' }, { { 2, 2, 1, 1, 3, 0, 0, 0 }, 'too small' },
    } do
      local plan = ffi.new('stn_full_conv2d_plan', c[1])
      assert.are_not.equal(0, C.stn_full_conv2d_forward(ctx, plan, x, y, w, nil, work))
      local e = core.last_error()
      assert.truthy(e:find('stn_full_conv2d_forward: ', 1, true) and e:find(c[2], 1, true), e)
    end
    local plan = ffi.new('stn_full_conv2d_plan', { 2, 2, 2, 2, 0, 0, 1, 0 })
    assert.are.equal(0, C.stn_full_conv2d_forward(ctx, plan, x, y, w, nil, work))
    assert.are.same({ 2, 3, 6, 7 }, y:size():totable())
    local gy = H.rand({ 2, 3, 6, 7 })
    assert.are.equal(0, C.stn_full_conv2d_backward(ctx, plan, x, gy, w, nil, work))
    local gx, gw, gb = stn.Tensor(), stn.Tensor(2, 3, 2, 2):zero(), stn.Tensor(3):zero()
    assert.are.equal(0, C.stn_full_conv2d_backward(ctx, plan, x, gy, w, ffi.new('stn_conv2d_grads', { gx, gw, gb, 0.5 }),
      work))
    local m = nn.SpatialFullConvolution(2, 3, 2, 2, 2, 2, 0, 0, 1, 0)
    m.weight:copy(w)
    local want = full_reference(m, x, gy, 0.5)
    H.assert_near(gx, want[2], 2e-5)
    H.assert_near(gw, want[3], 2e-5)
    H.assert_near(gb, want[4], 2e-5)
    assert.are_not.equal(0, C.stn_full_conv2d_backward(ctx, plan, x, H.rand({ 2, 3, 6, 6 }), w, nil, work))
    assert.truthy(core.last_error():find('gradOutput is 2x3x6x6 but the output of input 2x2x3x3 is Bx3x6x7', 1, true),
      core.last_error())
  end)
end)
