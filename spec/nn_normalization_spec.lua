-- nn.SpatialSubtractiveNormalization, nn.SpatialDivisiveNormalization,
-- nn.SpatialContrastiveNormalization and stn.image.gaussian(1D): Torch7's values (from
-- its module graphs rebuilt in PyTorch, spec/fixtures/nn_layers.lua), by hand,
-- Jacobians, bad input (CPU vs CUDA: spec/conformance_table.lua).
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn
local F = dofile('spec/fixtures/nn_layers.lua')

local function T(f) return stn.Tensor(f.data):view(stn.Size.new(f.sizes)) end

describe('stn.image gaussian kernels', function()
  it('gaussian1D samples Torch7 positions (centre at mean * size + 0.5)', function()
    local g = stn.image.gaussian1D(7)
    local expect = {}
    for i = 1, 7 do expect[i] = math.exp(-((i - 4) / (0.25 * 7)) ^ 2 / 2) end
    H.assert_near(g, expect, 1e-6)
    H.assert_near(stn.image.gaussian1D(5, 0.5, 2, true):sum(), 1, 1e-6)
    H.assert_near(stn.image.gaussian1D { size = 4, amplitude = 3 }:max(), 3 * math.exp(-((2 - 2.5) / 1) ^ 2 / 2), 1e-6)
  end)

  it('gaussian is the outer product of the 1-D kernels, with its options', function()
    local g1 = stn.image.gaussian1D(5)
    local g = stn.image.gaussian(5)
    for i = 1, 5 do for j = 1, 5 do H.assert_near(g[i][j], g1[i] * g1[j], 1e-6) end end
    local r = stn.image.gaussian { width = 5, height = 3, sigma_horz = 0.3, normalize = true }
    assert.are.same({ 3, 5 }, r:size():totable())
    H.assert_near(r:sum(), 1, 1e-6)
    H.assert_error(function() stn.image.gaussian1D(0) end, 'gaussian1D', 'size')
  end)
end)

describe('local normalizations', function()
  for _, case in ipairs(F.normalization) do
    it(case.name .. ': output and gradient as Torch7', function()
      local m = nn[case.module](3, T(case.kernel), case.threshold, case.thresval)
      local x = T(case.input)
      H.assert_near(m:forward(x), T(case.output), 2e-5)
      H.assert_near(m:backward(x, T(case.gradOutput)), T(case.gradInput), 2e-5)
      -- one image alone gives that image's rows of the batch
      H.assert_near(m:forward(x[2]), T(case.output)[2], 2e-5)
    end)
  end

  it('subtractive: a constant image becomes zero, borders included', function()
    local y = nn.SpatialSubtractiveNormalization(2, stn.image.gaussian(5)):forward(stn.Tensor(2, 6, 4):fill(3))
    H.assert_near(y, stn.Tensor(2, 6, 4):zero(), 1e-6)
  end)

  it('divisive: a constant image is 1 inside and sqrt(kernel share) at the borders (Torch7)', function()
    -- Torch7 divides the square root by the in-image share of the kernel, so a border
    -- pixel seeing 4 of 9 kernel cells gets sqrt(4/9)
    local y = nn.SpatialDivisiveNormalization(3, stn.Tensor(3, 3):fill(1)):forward(stn.Tensor(1, 3, 4, 5):fill(2))
    local a, b = 2 / 3, math.sqrt(6 / 9)
    local plane = { { a, b, b, b, a }, { b, 1, 1, 1, b }, { b, 1, 1, 1, b }, { a, b, b, b, a } }
    H.assert_near(y, { { plane, plane, plane } }, 1e-6)
    -- below the threshold the divisor is thresval
    H.assert_near(nn.SpatialDivisiveNormalization(1, nil, 0.5, 0.25):forward(stn.Tensor(1, 3, 3):fill(0.1)),
      stn.Tensor(1, 3, 3):fill(0.4), 1e-6)
  end)

  it('have exact gradients (Jacobian)', function()
    stn.manualSeed(5)
    H.check_jacobian(nn.SpatialSubtractiveNormalization(3, stn.image.gaussian1D(3)), H.rand({ 2, 3, 4, 5 }), { tol = 2e-3 })
    H.check_jacobian(nn.SpatialDivisiveNormalization(2, stn.image.gaussian(3)), H.rand({ 2, 4, 5 }), { tol = 5e-3 })
    H.check_jacobian(nn.SpatialContrastiveNormalization(2, stn.Tensor(3, 3):fill(1)), H.rand({ 2, 2, 4, 4 }), { tol = 5e-3 })
  end)

  it('reject bad kernels and inputs with the module name and the sizes', function()
    H.assert_error(function() nn.SpatialContrastiveNormalization(3, stn.Tensor(4, 3)) end,
      'nn.SpatialContrastiveNormalization', 'ODD', '4x3')
    H.assert_error(function() nn.SpatialSubtractiveNormalization(3, stn.Tensor(2, 3, 3)) end, '2D or 1D')
    local m = nn.SpatialContrastiveNormalization(3)
    H.assert_error(function() m:forward(H.rand({ 2, 4, 5, 5 })) end, 'nn.SpatialContrastiveNormalization', '4 planes',
      '2x4x5x5', 'expects 3')
    H.assert_error(function() m:forward(H.rand({ 5, 5 })) end, 'nn.SpatialContrastiveNormalization', '5x5')
  end)

  it('prints and clears like any module', function()
    local m = nn.SpatialContrastiveNormalization(3)
    assert.are.equal('nn.SpatialContrastiveNormalization', tostring(m))
    m:forward(H.rand({ 3, 6, 6 }))
    m:clearState()
    assert.are.equal(0, m.normalizer.modules[1].work:nElement())
    assert.are.same({ 3, 6, 6 }, m:forward(H.rand({ 3, 6, 6 })):size():totable())
  end)
end)

describe('stn_localnorm_forward / stn_localnorm_backward (C API)', function()
  local ffi = require 'ffi'
  local core = require 'stn.ffi'
  local C, ctx = core.C, core.ctx

  it('fail on a NULL plan or input, naming the function', function()
    local x, k, work = H.rand({ 2, 5, 5 }), stn.Tensor(3):fill(1), stn.Tensor()
    local plan = ffi.new('stn_localnorm_plan', 1, 1e-4, 1e-4)
    assert.are_not.equal(0, C.stn_localnorm_forward(ctx, nil, x, stn.Tensor(), k, work))
    assert.truthy(core.last_error():find('stn_localnorm_forward: plan is NULL', 1, true))
    assert.are_not.equal(0, C.stn_localnorm_backward(ctx, nil, x, x, stn.Tensor(), k, work))
    assert.truthy(core.last_error():find('stn_localnorm_backward: plan is NULL', 1, true))
    assert.are_not.equal(0, C.stn_localnorm_forward(ctx, plan, nil, stn.Tensor(), k, work))
    assert.truthy(core.last_error():find('stn_localnorm_forward: input', 1, true))
    assert.are_not.equal(0, C.stn_localnorm_backward(ctx, plan, nil, x, stn.Tensor(), k, work))
    assert.truthy(core.last_error():find('stn_localnorm_backward: input', 1, true))
  end)
end)
