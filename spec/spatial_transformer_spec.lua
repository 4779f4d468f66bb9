-- nn.SpatialTransformer: localization net -> identity-initialized nn.Linear ->
-- restriction -> grid -> sampler as one module.
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

local function locnet(C, Hh, W, n)
  return nn.Sequential():add(nn.View(C * Hh * W)):add(nn.Linear(C * Hh * W, n)):add(nn.Tanh())
end

describe('nn.SpatialTransformer', function()
  before_each(function() stn.manualSeed(42) end)

  it('starts as the identity transform: the output is the input', function()
    local st = nn.SpatialTransformer { locnet = locnet(3, 6, 7, 5), height = 6, width = 7 }
    local x = H.rand({ 2, 3, 6, 7 })
    H.assert_equal(st:forward(x), x)
    local head = st.modules[2]
    assert.are.same({ 1, 0, 0, 0, 1, 0 }, head.bias:totable())
    assert.are.equal(0, head.weight:abs():max())
  end)

  it('restricts the transform to the parameters asked for, identity first', function()
    local cases = {
      { { 'rotation' }, { 0 } },
      { { 'scale' }, { 1 } },
      { { 'translation' }, { 0, 0 } },
      { { 'rotation', 'scale', 'translation' }, { 0, 1, 0, 0 } },
      { 'scale', { 1 } },
    }
    local x = H.rand({ 2, 2, 5, 5 })
    for _, c in ipairs(cases) do
      local st = nn.SpatialTransformer { locnet = locnet(2, 5, 5, 4), transform = c[1], height = 5, width = 5 }
      assert.are.same(c[2], st.modules[2].bias:totable())
      H.assert_equal(st:forward(x), x)
    end
  end)

  it('samples an output of its own size (like GridSampler on the identity grid)', function()
    local st = nn.SpatialTransformer { locnet = locnet(1, 8, 8, 4), height = 3, width = 5 }
    local x = H.rand({ 2, 1, 8, 8 })
    local out = st:forward(x)
    assert.are.same({ 2, 1, 3, 5 }, out:size():totable())
    local grid = nn.AffineGridGenerator(3, 5):forward(stn.Tensor({ { { 1, 0, 0 }, { 0, 1, 0 } }, { { 1, 0, 0 }, { 0, 1, 0 } } }))
    H.assert_near(out, nn.GridSampler():forward({ x, grid }), 1e-6)
    assert.are.same({ 1, 3, 5 }, st:forward(x[1]):size():totable())
  end)

  it('has exact gradients w.r.t. the input and every parameter', function()
    local C, Hh, W = 2, 5, 6
    local st = nn.SpatialTransformer { locnet = locnet(C, Hh, W, 3), height = 4, width = 5 }
    -- move off the identity by a fraction of a pixel, so that samples stay between pixel
    -- centres (away from the kinks of bilinear interpolation) under the perturbations
    local head = st.modules[2]
    head.bias:copy(stn.Tensor({ 0.8, 0, 0.37 * 2 / (W - 1), 0, 0.75, 0.41 * 2 / (Hh - 1) }))
    head.weight:uniform(-1e-3, 1e-3)
    local x = H.rand({ 2, C, Hh, W })
    local worst = H.check_jacobian(st, x, { gradOutput = H.rand({ 2, C, 4, 5 }), eps = 1e-3, tol = 2e-3 })
    assert.is_true(worst < 2e-3)
  end)

  it('takes projective and thin-plate-spline transforms, identity (at rest) first', function()
    local x = H.rand({ 2, 2, 6, 7 })
    local proj = nn.SpatialTransformer { locnet = locnet(2, 6, 7, 5), transform = 'projective', height = 6, width = 7 }
    assert.are.same({ 1, 0, 0, 0, 1, 0, 0, 0 }, proj.modules[2].bias:totable())
    H.assert_equal(proj:forward(x), x)
    local tps = nn.SpatialTransformer { locnet = locnet(2, 6, 7, 5), transform = 'tps', controlPoints = 3, height = 6,
      width = 7 }
    assert.are.equal(18, tps.modules[2].bias:nElement()) -- 3 x 3 target points, at rest on the source points
    H.assert_equal(tps.modules[2].bias, tps.modules[4]:restParameters():view(18))
    assert.are.equal(0, tps.modules[2].weight:abs():max())
    H.assert_near(tps:forward(x), x, 1e-5)
    assert.truthy(tostring(tps):find('nn.SpatialTransformer(tps, 6x7)', 1, true))
  end)

  it('has exact gradients through the projective and TPS transforms', function()
    local C, Hh, W = 2, 5, 6
    local x = H.rand({ 2, C, Hh, W })
    for _, t in ipairs { 'projective', 'tps' } do
      local st = nn.SpatialTransformer { locnet = locnet(C, Hh, W, 3), transform = t, controlPoints = t == 'tps' and 3 or nil,
        height = 4, width = 5 }
      local head = st.modules[2]
      -- off the identity by a fraction of a pixel (away from bilinear's kinks)
      head.bias:add(stn.Tensor(head.bias:size()):uniform(0.02, 0.05))
      head.weight:uniform(-1e-3, 1e-3)
      local worst = H.check_jacobian(st, x, { gradOutput = H.rand({ 2, C, 4, 5 }), eps = 1e-3, tol = 3e-3 })
      assert.is_true(worst < 3e-3, t)
    end
  end)

  it('passes sampler options to its nn.GridSampler and refuses ones that do not apply', function()
    local st = nn.SpatialTransformer { locnet = locnet(1, 4, 4, 3), height = 4, width = 4, sampler = { padding = 'border' } }
    assert.are.equal('border', st.sampler.padding)
    H.assert_error(function()
      nn.SpatialTransformer { locnet = locnet(1, 4, 4, 3), height = 4, width = 4, padding = 'zeros', sampler = { padding = 'border' } }
    end, 'padding is given twice')
    H.assert_error(function()
      nn.SpatialTransformer { locnet = locnet(1, 4, 4, 3), height = 4, width = 4, controlPoints = 4 }
    end, "controlPoints applies to transform = 'tps' only")
    H.assert_error(function()
      nn.SpatialTransformer { locnet = locnet(1, 4, 4, 3), height = 4, width = 4, sampler = { alignCorners = false } }
    end, 'set by the transformer')
    H.assert_error(function()
      nn.SpatialTransformer { locnet = locnet(1, 4, 4, 3), height = 4, width = 4, sampler = 'nearest' }
    end, 'sampler must be a table')
  end)

  it('accumulates parameter gradients scaled by scale', function()
    local st = nn.SpatialTransformer { locnet = locnet(1, 5, 5, 3), transform = { 'rotation', 'translation' }, height = 5, width = 5 }
    st.modules[2].weight:uniform(-0.1, 0.1)
    local x, g = H.rand({ 3, 1, 5, 5 }), H.rand({ 3, 1, 5, 5 })
    local params, grads = st:getParameters()
    assert.are.equal(1 * 5 * 5 * 3 + 3 + 3 * 3 + 3, params:nElement())
    grads:zero()
    st:forward(x)
    st:backward(x, g)
    local once = grads:clone()
    grads:zero()
    st:backward(x, g, 0.5)
    st:backward(x, g, 0.5)
    H.assert_near(grads, once, 1e-5)
    grads:zero()
    st:updateGradInput(x, g)
    st:accGradParameters(x, g, 2)
    H.assert_near(grads, once:clone():mul(2), 1e-5)
  end)

  it('skips the sampler\'s image gradient with inputGradient = false', function()
    local make = function(flag)
      stn.manualSeed(1)
      local st = nn.SpatialTransformer { locnet = locnet(2, 4, 4, 3), height = 4, width = 4, inputGradient = flag }
      st.modules[2].weight:uniform(-0.1, 0.1)
      return st
    end
    local x, g = H.rand({ 2, 2, 4, 4 }), H.rand({ 2, 2, 4, 4 })
    local a, b = make(true), make(false)
    local _, ga = a:getParameters()
    local _, gb = b:getParameters()
    ga:zero(); gb:zero()
    a:forward(x); b:forward(x)
    assert.are.equal(64, a:backward(x, g):nElement())
    assert.are.equal(0, b:backward(x, g):nElement())
    H.assert_equal(gb, ga)
  end)

  it('rejects bad options and input, naming the module', function()
    local net = locnet(1, 4, 4, 3)
    H.assert_error(function() nn.SpatialTransformer { locnet = net, height = 4 } end, 'nn.SpatialTransformer', 'width')
    H.assert_error(function() nn.SpatialTransformer { locnet = net, height = 4, width = 4, sampling = 'nearest' } end,
      "stn: nn.SpatialTransformer: unknown option 'sampling' (known: alignCorners, controlPoints, features, height,")
    H.assert_error(function() nn.SpatialTransformer { locnet = 3, height = 4, width = 4 } end, 'nn.SpatialTransformer', 'locnet')
    H.assert_error(function() nn.SpatialTransformer { locnet = net, height = 4, width = 4, transform = { 'shear' } } end,
      'nn.SpatialTransformer', 'shear')
    H.assert_error(function() nn.SpatialTransformer { locnet = nn.Tanh(), height = 4, width = 4 } end, 'nn.SpatialTransformer',
      'features')
    local st = nn.SpatialTransformer { locnet = nn.Tanh(), features = 16, height = 4, width = 4 }
    H.assert_error(function() st:forward(H.rand({ 16 })) end, 'nn.SpatialTransformer', '16')
    H.assert_error(function() nn.SpatialTransformer { locnet = net, height = 4, width = 4 }:forward(H.rand({ 2, 1, 5, 5 })) end,
      'nn.SpatialTransformer', 'module 1')
  end)
end)
