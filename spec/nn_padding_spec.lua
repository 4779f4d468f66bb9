-- nn.SpatialZeroPadding, nn.SpatialReplicationPadding, nn.SpatialReflectionPadding: values
-- by hand, negative pads (crops), Jacobians, types, bad input, printing (CPU vs CUDA and
-- Double vs Float: spec/conformance_table.lua).
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

local NAMES = { 'SpatialZeroPadding', 'SpatialReplicationPadding', 'SpatialReflectionPadding' }
local x23 = function() return stn.Tensor({ { { 1, 2, 3 }, { 4, 5, 6 } } }) end

describe('nn spatial padding', function()
  it('pads with zeros, border copies and mirror images (l=1, r=1, t=1, b=0)', function()
    local want = {
      SpatialZeroPadding = { { 0, 0, 0, 0, 0 }, { 0, 1, 2, 3, 0 }, { 0, 4, 5, 6, 0 } },
      SpatialReplicationPadding = { { 1, 1, 2, 3, 3 }, { 1, 1, 2, 3, 3 }, { 4, 4, 5, 6, 6 } },
      SpatialReflectionPadding = { { 5, 4, 5, 6, 5 }, { 2, 1, 2, 3, 2 }, { 5, 4, 5, 6, 5 } },
    }
    -- gradient of ones: how many output pixels read each input pixel
    local grad = {
      SpatialZeroPadding = { { 1, 1, 1 }, { 1, 1, 1 } },
      SpatialReplicationPadding = { { 4, 2, 4 }, { 2, 1, 2 } },
      SpatialReflectionPadding = { { 1, 3, 1 }, { 2, 6, 2 } },
    }
    for _, name in ipairs(NAMES) do
      local m = nn[name](1, 1, 1, 0)
      local x = x23()
      H.assert_equal(m:forward(x), stn.Tensor({ want[name] }), name)
      H.assert_equal(m:backward(x, m.output:clone():fill(1)), stn.Tensor({ grad[name] }), name)
    end
  end)

  it('crop on negative pads, as Torch7 (l=-1, r=1, t=0, b=-1)', function()
    local want = { SpatialZeroPadding = { 2, 3, 0 }, SpatialReplicationPadding = { 2, 3, 3 },
                   SpatialReflectionPadding = { 2, 3, 2 } }
    local grad = { SpatialZeroPadding = { 0, 1, 1 }, SpatialReplicationPadding = { 0, 1, 2 },
                   SpatialReflectionPadding = { 0, 2, 1 } }
    for _, name in ipairs(NAMES) do
      local m = nn[name](-1, 1, 0, -1)
      local x = x23()
      H.assert_equal(m:forward(x), stn.Tensor({ { want[name] } }), name)
      H.assert_equal(m:backward(x, stn.Tensor(1, 1, 3):fill(1)), stn.Tensor({ { grad[name], { 0, 0, 0 } } }), name)
    end
  end)

  it('crop a side away entirely when the other pads (l=-3 or -4, r=2 on a width of 3)', function()
    local x = x23()
    H.assert_equal(nn.SpatialZeroPadding(-4, 2, 0, 0):forward(x), stn.Tensor(1, 2, 1):zero())
    local m = nn.SpatialZeroPadding(-3, 2, 0, 0)
    H.assert_equal(m:forward(x), stn.Tensor(1, 2, 2):zero())
    H.assert_equal(m:backward(x, stn.Tensor(1, 2, 2):fill(1)), stn.Tensor(1, 2, 3):zero())
    m = nn.SpatialReplicationPadding(-3, 2, 0, 0)
    H.assert_equal(m:forward(x), stn.Tensor({ { { 3, 3 }, { 6, 6 } } }))
    H.assert_equal(m:backward(x, stn.Tensor(1, 2, 2):fill(1)), stn.Tensor({ { { 0, 0, 2 }, { 0, 0, 2 } } }))
    -- reflection reads past the right edge mirrored, as THNN's
    H.assert_equal(nn.SpatialReflectionPadding(-3, 2, 0, 0):forward(x), stn.Tensor({ { { 2, 1 }, { 5, 4 } } }))
    H.assert_equal(nn.SpatialReflectionPadding(-4, 2, 0, 0):forward(x), stn.Tensor({ { { 1 }, { 4 } } }))
  end)

  it('default the other pads to pad_l and print as Torch7', function()
    for _, name in ipairs(NAMES) do
      local m = nn[name](2)
      assert.are.same({ 2, 2, 2, 2 }, { m.pad_l, m.pad_r, m.pad_t, m.pad_b })
      assert.are.equal('nn.' .. name .. '(l=2, r=2, t=2, b=2)', tostring(m))
      assert.are.equal('nn.' .. name .. '(l=1, r=-2, t=3, b=0)', tostring(nn[name](1, -2, 3, 0)))
      assert.are.same({ 2, 3, 8, 9 }, m:forward(stn.Tensor(2, 3, 4, 5):fill(1)):size():totable())
    end
  end)

  it('have exact gradients (Jacobian), batches, strided input and negative pads included', function()
    stn.manualSeed(3)
    for _, name in ipairs(NAMES) do
      for _, pads in ipairs { { 1, 2, 3, 0 }, { -2, 3, 1, -1 }, { 3, -3, -2, 2 } } do
        local m = nn[name](unpack(pads))
        H.check_jacobian(m, H.rand({ 2, 2, 7, 8 }), { tol = 2e-3 })
        H.check_jacobian(m, H.rand({ 8, 7, 3 }):transpose(1, 3), { tol = 2e-3 })
        H.check_jacobian(m:double(), H.rand({ 2, 2, 7, 8 }):double(), { eps = 1e-6, tol = 1e-5 })
      end
    end
  end)

  it('run on Double with Double results, the Float values', function()
    stn.manualSeed(4)
    local x = H.rand({ 2, 3, 6, 7 })
    for _, name in ipairs(NAMES) do
      local f, d = nn[name](2, -1, 1, 3), nn[name](2, -1, 1, 3):double()
      local g = H.rand({ 2, 3, 10, 8 })
      local yd = d:forward(x:double())
      assert.are.equal('torch.DoubleTensor', yd:type())
      H.assert_equal(yd, f:forward(x))
      -- (replication and reflection sum the gradients of the border copies: float rounding)
      H.assert_close(d:backward(x:double(), g:double()), f:backward(x, g), 1e-6)
      assert.are.equal('torch.DoubleTensor', d.gradInput:type())
    end
  end)

  it('refuse bad arguments and input with errors naming the module', function()
    for _, name in ipairs(NAMES) do
      local mod = 'nn.' .. name
      H.assert_error(function() nn[name]() end, mod, 'pad_l must be an integer')
      H.assert_error(function() nn[name](1, 1.5) end, mod, 'pad_r must be an integer', '1.5')
      H.assert_error(function() nn[name](1, 1, 0 / 0) end, mod, 'pad_t')
      local m = nn[name](1)
      H.assert_error(function() m:forward(stn.Tensor(3, 4)) end, mod, '3-D (C x H x W) or 4-D', '3x4')
      H.assert_error(function() m:forward(stn.Tensor(3, 4, 4):double()) end, mod, 'torch.DoubleTensor')
      H.assert_error(function() m:forward({}) end, mod, 'must be a tensor')
      H.assert_error(function() nn[name](-2, -2, 0, 0):forward(stn.Tensor(1, 3, 4)) end, mod, 'too small', 'output would be 3x0')
      m:forward(stn.Tensor(1, 3, 4):zero())
      H.assert_error(function() m:backward(stn.Tensor(1, 3, 4), stn.Tensor(1, 5, 5)) end, mod,
        'gradOutput is 1x5x5 but the output is 1x5x6')
      H.assert_error(function() m:backward(stn.Tensor(2, 1, 3, 4), stn.Tensor(1, 1, 5, 6)) end, mod, 'gradOutput is 1x1x5x6')
    end
    H.assert_error(function() nn.SpatialReflectionPadding(3, 0, 0, 0):forward(stn.Tensor(1, 5, 3)) end,
      'nn.SpatialReflectionPadding', 'pad_l = 3 must be smaller than the side it reflects')
    H.assert_error(function() nn.SpatialReflectionPadding(0, 0, 0, 2):forward(stn.Tensor(1, 2, 5)) end,
      'nn.SpatialReflectionPadding', 'pad_b = 2')
    -- replication takes pads of any size
    H.assert_equal(nn.SpatialReplicationPadding(0, 4, 0, 0):forward(stn.Tensor({ { { 7 } } })), stn.Tensor({ { { 7, 7, 7, 7, 7 } } }))
  end)

  it('follow :type() to Double and keep working after clearState', function()
    local m = nn.SpatialReflectionPadding(1)
    m:forward(H.rand({ 1, 3, 3 }))
    m:clearState()
    m:double()
    H.assert_equal(m:forward(x23():double()), stn.DoubleTensor({ { { 5, 4, 5, 6, 5 }, { 2, 1, 2, 3, 2 }, { 5, 4, 5, 6, 5 }, { 2, 1, 2, 3, 2 } } }))
  end)

  it('save and load with stn.save / stn.load; a loaded pad that is not an integer is refused', function()
    local path = os.tmpname()
    for _, name in ipairs(NAMES) do
      local m = nn[name](1, -1, 1, 0)
      stn.save(path, m)
      local back = stn.load(path)
      assert.are.equal(tostring(m), tostring(back))
      H.assert_equal(back:forward(x23()), m:forward(x23()))
      m.pad_t = 1.5
      stn.save(path, m)
      H.assert_error(function() stn.load(path) end, 'pad_t')
    end
    os.remove(path)
  end)
end)
