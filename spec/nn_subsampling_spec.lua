-- nn.SpatialSubSampling: values by hand, overlapping and partial windows, batches, the
-- parameters' gradients with scale, Jacobians on Float and Double, thread counts,
-- reset's draws, types, bad input, printing, stn.save / .t7 files (CPU vs CUDA and
-- Double vs Float: spec/conformance_table.lua). Expected values come from Torch7's
-- SpatialSubSampling (THNN's generic/SpatialSubSampling.c and nn's doc).
local ffi = require 'ffi'
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn
local T = stn.Tensor

-- 1 x 4 x 4 holding 1..16 row by row
local function ramp(h, w)
  local x = T(1, h, w)
  for i = 1, h * w do x:storage()[i] = i end
  return x
end
local function fixed(m, w, b) m.weight:fill(w); m.bias:fill(b); return m end

describe('nn.SpatialSubSampling', function()
  it('sums each window, times the weight, plus the bias (a 4x4 ramp, 2x2 windows, stride 2)', function()
    -- windows 1+2+5+6 = 14, 3+4+7+8 = 22, 9+10+13+14 = 46, 11+12+15+16 = 54:
    -- 1 + 0.5 * those
    local m = fixed(nn.SpatialSubSampling(1, 2, 2, 2, 2), 0.5, 1)
    local x = ramp(4, 4)
    H.assert_equal(m:forward(x), T({ { { 8, 12 }, { 24, 28 } } }))
    -- gradOutput 1 2 / 3 4: each pixel gets 0.5 x the gradient of its window
    m:zeroGradParameters()
    local g = T({ { { 1, 2 }, { 3, 4 } } })
    H.assert_equal(m:backward(x, g), T({ { { 0.5, 0.5, 1, 1 }, { 0.5, 0.5, 1, 1 }, { 1.5, 1.5, 2, 2 }, { 1.5, 1.5, 2, 2 } } }))
    -- gradWeight = 1*14 + 2*22 + 3*46 + 4*54 = 412, gradBias = 1+2+3+4 = 10
    H.assert_equal(m.gradWeight, T({ 412 }))
    H.assert_equal(m.gradBias, T({ 10 }))
    -- accumulated with scale: + 0.5 x the same
    m:backward(x, g, 0.5)
    H.assert_equal(m.gradWeight, T({ 618 }))
    H.assert_equal(m.gradBias, T({ 15 }))
  end)

  it('overlaps windows with a stride below the kernel (3x3 ramp, 2x2 windows, stride 1)', function()
    local m = fixed(nn.SpatialSubSampling(1, 2, 2), 2, -1)
    local x = ramp(3, 3)
    -- windows 12 16 / 24 28, times 2, minus 1
    H.assert_equal(m:forward(x), T({ { { 23, 31 }, { 47, 55 } } }))
    -- a gradient of ones: 2 x the number of windows that read each pixel
    H.assert_equal(m:updateGradInput(x, T(1, 2, 2):fill(1)), T({ { { 2, 4, 2 }, { 4, 8, 4 }, { 2, 4, 2 } } }))
  end)

  it('leaves the rows and columns past the last window unread, with a zero gradient', function()
    -- 5x5, kernel 2, stride 2: row 5 and column 5 lie past the windows (Torch7's sizes)
    local m = fixed(nn.SpatialSubSampling(1, 2, 2, 2, 2), 1, 0)
    local x = ramp(5, 5)
    x[{ 1, 5, {} }]:fill(0 / 0)
    x[{ 1, {}, 5 }]:fill(0 / 0)
    -- 1+2+6+7 = 16, 3+4+8+9 = 24, 11+12+16+17 = 56, 13+14+18+19 = 64
    H.assert_equal(m:forward(x), T({ { { 16, 24 }, { 56, 64 } } }))
    local gi = m:backward(x, T(1, 2, 2):fill(1))
    H.assert_equal(gi, T({ { { 1, 1, 1, 1, 0 }, { 1, 1, 1, 1, 0 }, { 1, 1, 1, 1, 0 }, { 1, 1, 1, 1, 0 }, { 0, 0, 0, 0, 0 } } }))
    assert.is_true(m.gradWeight[1] == m.gradWeight[1]) -- no NaN read
    -- kW x kH and dW x dH apart: 3 wide, 2 high, strides 1 across and 2 down on 7x6
    local r = nn.SpatialSubSampling(3, 3, 2, 1, 2)
    assert.are.same({ 3, 3, 4 }, r:forward(H.rand({ 3, 7, 6 })):size():totable())
    assert.are.same({ 2, 3, 3, 4 }, r:forward(H.rand({ 2, 3, 7, 6 })):size():totable())
  end)

  it('gives each plane its own weight and bias', function()
    local m = nn.SpatialSubSampling(2, 1, 1)
    m.weight:copy(T({ 2, -3 }))
    m.bias:copy(T({ 0.5, 1 }))
    local x = T({ { { 1, 2 } }, { { 3, 4 } } })
    H.assert_equal(m:forward(x), T({ { { 2.5, 4.5 } }, { { -8, -11 } } }))
    m:zeroGradParameters()
    H.assert_equal(m:backward(x, T({ { { 1, 1 } }, { { 2, 0 } } })), T({ { { 2, 2 } }, { { -6, 0 } } }))
    H.assert_equal(m.gradWeight, T({ 3, 6 }))
    H.assert_equal(m.gradBias, T({ 2, 2 }))
  end)

  it('gives a batch the results of its images one by one, gradients summed over the batch', function()
    stn.manualSeed(5)
    local m = nn.SpatialSubSampling(3, 3, 2, 2, 1)
    local x, g = H.rand({ 4, 3, 9, 8 }), H.rand({ 4, 3, 8, 3 })
    m:zeroGradParameters()
    local y, gi = m:forward(x):clone(), m:backward(x, g):clone()
    local gw, gb = m.gradWeight:clone(), m.gradBias:clone()
    m:zeroGradParameters()
    for b = 1, 4 do
      H.assert_equal(m:forward(x[b]), y[b])
      H.assert_equal(m:backward(x[b], g[b]), gi[b])
    end
    H.assert_close(m.gradWeight, gw, 1e-6)
    H.assert_close(m.gradBias, gb, 1e-6)
  end)

  it('matches SpatialAveragePooling with weight 1/(kW kH) and no bias (as Torch7\'s test)', function()
    stn.manualSeed(7)
    local m = fixed(nn.SpatialSubSampling(3, 3, 2, 2, 1), 1 / 6, 0)
    local a = nn.SpatialAveragePooling(3, 2, 2, 1)
    local x = H.rand({ 2, 3, 7, 9 })
    H.assert_close(m:forward(x), a:forward(x), 1e-6)
    H.assert_close(m:updateGradInput(x, a.output), a:updateGradInput(x, a.output), 1e-6)
  end)

  it('has exact gradients (Jacobian) for input, weight and bias, on Float and Double', function()
    stn.manualSeed(3)
    for _, c in ipairs { { 2, 2, 2, 2, 2, { 2, 6, 6 } }, { 3, 3, 2, 1, 1, { 2, 3, 5, 6 } }, { 2, 2, 3, 3, 1, { 2, 7, 5 } } } do
      local n, kW, kH, dW, dH, size = unpack(c)
      local m = nn.SpatialSubSampling(n, kW, kH, dW, dH)
      H.check_jacobian(m, H.rand(size), { tol = 2e-3 })
      local dims = #size
      -- a transposed (non-contiguous) input
      local xt = H.rand({ size[dims], size[dims - 1], size[dims - 2] }):transpose(1, 3)
      H.check_jacobian(m, xt, { tol = 2e-3 })
      H.check_jacobian(m:double(), H.rand(size):double(), { eps = 1e-6, tol = 1e-5 })
    end
  end)

  it('accumulates only the parameters with accGradParameters, and skips gradInput when it is nil', function()
    local m = fixed(nn.SpatialSubSampling(1, 2, 2, 2, 2), 0.5, 1)
    local x, g = ramp(4, 4), T({ { { 1, 2 }, { 3, 4 } } })
    m:forward(x)
    m:zeroGradParameters()
    m:accGradParameters(x, g, 2)
    H.assert_equal(m.gradWeight, T({ 824 }))
    H.assert_equal(m.gradBias, T({ 20 }))
    m.gradInput = nil
    assert.is_nil(m:updateGradInput(x, g))
    m:backward(x, g)
    H.assert_equal(m.gradWeight, T({ 1236 }))
  end)

  it('gives the same bits at any thread count', function()
    stn.manualSeed(6)
    local m = nn.SpatialSubSampling(16, 3, 3, 2, 2)
    local x = H.rand({ 8, 16, 33, 31 })
    local g = H.rand(m:forward(x):size():totable())
    local threads, runs = stn.getnumthreads(), {}
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
  end)

  it('draws the weight, then the bias, uniform in +-1/sqrt(kW kH) (or +-stdv sqrt(3))', function()
    stn.manualSeed(11)
    local m = nn.SpatialSubSampling(5, 3, 4)
    stn.manualSeed(11)
    local s = 1 / math.sqrt(12)
    local w, b = T(5):uniform(-s, s), T(5):uniform(-s, s) -- (stn's generator, in Torch7's order)
    H.assert_equal(m.weight, w)
    H.assert_equal(m.bias, b)
    m:reset(0.1)
    local bound = 0.1 * math.sqrt(3)
    for _, t in ipairs { m.weight, m.bias } do
      assert.is_true(t:max() <= bound and t:min() >= -bound)
    end
    assert.are.same({ 5 }, m.gradWeight:size():totable())
    assert.are.equal(0, m.gradWeight:abs():sum() + m.gradBias:abs():sum())
  end)

  it('keeps Torch7\'s fields and prints as Torch7 (its class name)', function()
    local m = nn.SpatialSubSampling(4, 3, 2)
    assert.are.same({ 4, 3, 2, 1, 1 }, { m.nInputPlane, m.kW, m.kH, m.dW, m.dH })
    assert.are.equal('nn.SpatialSubSampling', tostring(m))
    assert.are.equal('nn.SpatialSubSampling', stn.type(m))
    local params = m:parameters()
    assert.are.equal(2, #params)
    assert.are.equal(8, m:getParameters():nElement())
  end)

  it('runs on Double with Double results, the Float values', function()
    stn.manualSeed(4)
    local f = nn.SpatialSubSampling(3, 2, 3, 2, 1)
    local d = f:clone():double()
    local x, g = H.rand({ 2, 3, 8, 7 }), H.rand({ 2, 3, 6, 3 })
    local yd = d:forward(x:double())
    assert.are.equal('torch.DoubleTensor', yd:type())
    H.assert_close(yd, f:forward(x), 1e-6)
    f:zeroGradParameters(); d:zeroGradParameters()
    local gd = d:backward(x:double(), g:double())
    assert.are.equal('torch.DoubleTensor', gd:type())
    assert.are.equal('torch.DoubleTensor', d.gradWeight:type())
    H.assert_close(gd, f:backward(x, g), 1e-6)
    H.assert_close(d.gradWeight, f.gradWeight, 1e-5)
    H.assert_close(d.gradBias, f.gradBias, 1e-5)
  end)

  it('refuses bad arguments and input with errors naming the module', function()
    local mod = 'nn.SpatialSubSampling'
    H.assert_error(function() nn.SpatialSubSampling() end, mod, 'nInputPlane must be an integer')
    H.assert_error(function() nn.SpatialSubSampling(0, 2, 2) end, mod, 'nInputPlane', 'got 0')
    H.assert_error(function() nn.SpatialSubSampling(2, 2.5, 2) end, mod, 'kW must be an integer', '2.5')
    H.assert_error(function() nn.SpatialSubSampling(2, 2, 0 / 0) end, mod, 'kH must be an integer')
    H.assert_error(function() nn.SpatialSubSampling(2, 2, 2, 0) end, mod, 'dW must be an integer from 1', 'got 0')
    H.assert_error(function() nn.SpatialSubSampling(2, 2, 2, 1, -1) end, mod, 'dH', 'got -1')
    H.assert_error(function() nn.SpatialSubSampling(2, 2, 2, math.huge) end, mod, 'dW')
    local m = nn.SpatialSubSampling(2, 3, 2)
    local err = H.assert_error(function() m:forward(T(3, 5, 5)) end, mod, 'input has 3 planes (3x5x5) but the module expects 2')
    assert.is_truthy(err:find('nn_subsampling_spec.lua', 1, true), err)
    H.assert_error(function() m:forward(T(4, 5)) end, mod, '3-D (C x H x W) or 4-D', '4x5')
    H.assert_error(function() m:forward(T(1, 1, 2, 4, 4)) end, mod, '3-D (C x H x W) or 4-D')
    H.assert_error(function() m:forward({}) end, mod, 'must be a tensor')
    H.assert_error(function() m:forward(T(2, 5, 2)) end, mod, 'smaller than the 3x2 kernel', '2x5x2')
    H.assert_error(function() m:forward(T(2, 1, 5)) end, mod, 'smaller than the 3x2 kernel')
    H.assert_error(function() m:forward(T(2, 5, 5):double()) end, mod, 'torch.DoubleTensor')
    H.assert_error(function() m:forward(stn.LongTensor(2, 5, 5)) end, mod, 'torch.LongTensor')
    m:forward(T(2, 5, 5):zero())
    H.assert_error(function() m:backward(T(2, 5, 5), T(2, 4, 4)) end, mod, 'gradOutput is 2x4x4', '2x4x3')
    H.assert_error(function() m:backward(T(2, 5, 5), T(1, 2, 4, 3)) end, mod, 'gradOutput is 1x2x4x3')
    H.assert_error(function() m:backward(T(2, 5, 5), 3) end, mod, 'gradOutput must be a tensor')
    -- fields changed after construction reach C, which refuses them by name
    m.dW = 0
    H.assert_error(function() m:forward(T(2, 5, 5)) end, mod, 'stride 0,1 must be positive')
    m.dW = 1
    m.weight = T(3)
    H.assert_error(function() m:forward(T(2, 5, 5)) end, mod, 'weight is 3', 'has 2 planes')
  end)

  it('refuses bad calls through the C API with the function named', function()
    local C, ctx = require('stn.ffi').C, require('stn.ffi').ctx
    local last = require('stn.ffi').last_error
    local plan = ffi.new('stn_subsampling_plan', { 2, 2, 1, 1 })
    local x, y, w, b = T(2, 4, 4):zero(), T(), T(2):zero(), T(2):zero()
    assert.are.equal(0, C.stn_subsampling_forward(ctx, plan, x, y, w, b))
    assert.are_not.equal(0, C.stn_subsampling_forward(ctx, nil, x, y, w, b))
    assert.is_truthy(last():find('stn_subsampling_forward: plan is NULL', 1, true))
    for i, args in ipairs { { nil, y, w, b }, { x, nil, w, b }, { x, y, nil, b } } do
      assert.are_not.equal(0, C.stn_subsampling_forward(ctx, plan, args[1], args[2], args[3], args[4]))
      assert.is_truthy(last():find('stn_subsampling_forward: ' .. ({ 'input', 'output', 'weight' })[i], 1, true), last())
    end
    assert.are_not.equal(0, C.stn_subsampling_backward(ctx, plan, x, nil, w, nil))
    assert.is_truthy(last():find('stn_subsampling_backward: gradOutput', 1, true), last())
    assert.are_not.equal(0, C.stn_subsampling_forward(ctx, plan, x, y, w, nil))
    assert.is_truthy(last():find('bias is NULL', 1, true))
    assert.are_not.equal(0, C.stn_subsampling_forward(ctx, plan, x, y, w, T(2, 5)[{ {}, 1 }]))
    assert.is_truthy(last():find('bias', 1, true) and last():find('contiguous', 1, true), last())
    assert.are_not.equal(0, C.stn_subsampling_forward(ctx, plan, x, y, w, T(2):double()))
    assert.is_truthy(last():find('bias is a Double tensor but the input is Float', 1, true), last())
    local grads = ffi.new('stn_conv2d_grads')
    grads.weight, grads.scale = T(3), 1
    assert.are_not.equal(0, C.stn_subsampling_backward(ctx, plan, x, T(2, 3, 3), w, grads))
    assert.is_truthy(last():find('stn_subsampling_backward: gradWeight is 3', 1, true), last())
    grads.weight = nil
    assert.are.equal(0, C.stn_subsampling_backward(ctx, plan, x, T(2, 3, 3), w, nil)) -- nothing to compute
    assert.are.equal(0, C.stn_subsampling_backward(ctx, plan, x, T(2, 3, 3), w, grads))
  end)

  it('saves and loads with stn.save / stn.load, .t7 included; a loaded weight of the wrong size is refused', function()
    stn.manualSeed(9)
    local m = nn.SpatialSubSampling(3, 2, 3, 2, 1)
    local x = H.rand({ 3, 7, 6 })
    for _, name in ipairs { 'subsampling.stn', 'subsampling.t7' } do
      local path = os.tmpname() .. name
      stn.save(path, m)
      local back = stn.load(path)
      assert.are.equal('nn.SpatialSubSampling', stn.type(back))
      assert.are.same({ 3, 2, 3, 2, 1 }, { back.nInputPlane, back.kW, back.kH, back.dW, back.dH })
      H.assert_equal(back:forward(x), m:forward(x))
      local bad = m:clone()
      bad.weight = T(4):zero()
      stn.save(path, bad)
      H.assert_error(function() stn.load(path) end, 'weight', 'expected size 3, found 4')
      bad = m:clone()
      bad.kW = 1.5
      stn.save(path, bad)
      H.assert_error(function() stn.load(path) end, 'kW')
      os.remove(path)
    end
  end)

  it('loads a .t7 written as Torch7 writes it, byte by byte', function()
    local scratch = ffi.new('union { double d; int32_t i32; int64_t i; float f; uint8_t b[8]; }')
    local function i32(v) scratch.i32 = v; return ffi.string(scratch.b, 4) end
    local function i64(v) scratch.i = v; return ffi.string(scratch.b, 8) end
    local function NUM(v) scratch.d = v; local d = ffi.string(scratch.b, 8); return i32(1) .. d end
    local function STR(s) return i32(2) .. i32(#s) .. s end
    local function TORCH(index, name) return i32(4) .. i32(index) .. i32(3) .. 'V 1' .. i32(#name) .. name end
    local function FLOATS(index, values) -- a 1-D FloatTensor over a FloatStorage of its own
      local raw = {}
      for i, v in ipairs(values) do scratch.f = v; raw[i] = ffi.string(scratch.b, 4) end
      return TORCH(index, 'torch.FloatTensor') .. i32(1) .. i64(#values) .. i64(1) .. i64(1)
        .. TORCH(index + 1, 'torch.FloatStorage') .. i64(#values) .. table.concat(raw)
    end
    local entries = { { STR('nInputPlane'), NUM(2) }, { STR('kW'), NUM(2) }, { STR('kH'), NUM(2) },
      { STR('dW'), NUM(2) }, { STR('dH'), NUM(2) }, { STR('weight'), FLOATS(3, { 0.5, -1 }) },
      { STR('bias'), FLOATS(5, { 1, 0.25 }) }, { STR('gradWeight'), FLOATS(7, { 0, 0 }) },
      { STR('gradBias'), FLOATS(9, { 0, 0 }) }, { STR('output'), TORCH(11, 'torch.FloatTensor') .. i32(0) .. i64(1) .. i32(0) } }
    local parts = { TORCH(1, 'nn.SpatialSubSampling'), i32(3), i32(2), i32(#entries) }
    for _, e in ipairs(entries) do parts[#parts + 1] = e[1] .. e[2] end
    local path = os.tmpname() .. '.t7'
    H.spit(path, table.concat(parts))
    local m = stn.load(path)
    os.remove(path)
    local x = T(2, 4, 4)
    x[1]:copy(ramp(4, 4)[1])
    x[2]:fill(1)
    H.assert_equal(m:forward(x), T({ { { 8, 12 }, { 24, 28 } }, { { -3.75, -3.75 }, { -3.75, -3.75 } } }))
  end)

  H.cuda_it('runs on CUDA with the CPU\'s results (forward and gradInput bit for bit)', function()
    stn.manualSeed(8)
    local m = nn.SpatialSubSampling(4, 3, 2, 2, 1)
    local x, g = H.rand({ 3, 4, 9, 11 }), H.rand({ 3, 4, 8, 5 })
    m:zeroGradParameters()
    local y, gi = m:forward(x):clone(), m:backward(x, g, 0.5):clone()
    local c = m:clone():cuda()
    c:zeroGradParameters()
    H.assert_equal(c:forward(x:cuda()):float(), y)
    H.assert_equal(c:backward(x:cuda(), g:cuda(), 0.5):float(), gi)
    H.assert_close(c.gradWeight:float(), m.gradWeight, 1e-5)
    H.assert_close(c.gradBias:float(), m.gradBias, 1e-5)
  end)
end)
