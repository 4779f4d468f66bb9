-- The spatial transformer modules on Double tensors (CPU): Torch7's Jacobian check at its
-- own step and precision (central differences of step 1e-6, every entry of the Jacobian
-- within 1e-5, as stnbhwd's test.lua asks), on random inputs and grids as stnbhwd draws
-- them; exact sampling kept; the type rule (Float and Double on the CPU, Float on CUDA,
-- one type per call) with errors naming the tensor and its type.
local ffi = require 'ffi'
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

local EPS, PRECISION = 1e-6, 1e-5

-- The elements of a contiguous Double tensor.
local function ptr(t)
  assert(t:type() == 'torch.DoubleTensor' and t:isContiguous(), t:type())
  return ffi.cast('double *', t:data()), t:nElement()
end
local function uniform(sizes, lo, hi)
  local t = stn.DoubleTensor(unpack(sizes))
  local p, n = ptr(t)
  for i = 0, n - 1 do p[i] = lo + (hi - lo) * math.random() end
  return t
end

-- max |J_fd - J_bp| of f(x) (x a contiguous Double tensor that f reads) against the
-- gradient backward(x, e_j) gives for each output element j (Torch7's nn.Jacobian).
local function jacobian_error(forward, backward, x)
  local px, nx = ptr(x)
  local out = forward():clone()
  local nout = out:nElement()
  local fd = {}
  for i = 0, nx - 1 do
    local orig = px[i]
    px[i] = orig - EPS
    local a = forward():clone()
    px[i] = orig + EPS
    local b = forward():clone()
    px[i] = orig
    local pa, pb = ptr(a), ptr(b)
    fd[i] = {}
    for j = 0, nout - 1 do fd[i][j] = (pb[j] - pa[j]) / (2 * EPS) end
  end
  forward()
  local err = 0
  local dout = out:clone()
  local pd = ptr(dout)
  for j = 0, nout - 1 do
    for k = 0, nout - 1 do pd[k] = 0 end
    pd[j] = 1
    local pg = ptr(backward(dout):contiguous())
    for i = 0, nx - 1 do err = math.max(err, math.abs(fd[i][j] - pg[i])) end
  end
  return err
end

local function module_error(m, x)
  return jacobian_error(function() return m:forward(x) end, function(g) return m:updateGradInput(x, g) end, x)
end

describe('spatial modules on Double: Jacobians at Torch7\'s tolerances', function()
  before_each(function() math.randomseed(14) end)

  it('nn.AffineTransformMatrixGenerator, every flag, batched and not', function()
    for _, rot in ipairs { false, true } do
      for _, sc in ipairs { false, true } do
        for _, tr in ipairs { false, true } do
          local m = nn.AffineTransformMatrixGenerator(rot, sc, tr):double()
          local k = m.nbParams
          for _, sizes in ipairs { { 4, k }, { k } } do
            local err = module_error(m, uniform(sizes, -2, 2))
            assert(err < PRECISION, ('rotation %s scale %s translation %s: %g'):format(tostring(rot), tostring(sc), tostring(tr), err))
            assert.are.equal('torch.DoubleTensor', m.output:type())
          end
        end
      end
    end
  end)

  it('nn.AffineGridGeneratorBHWD and nn.AffineGridGenerator (both alignments)', function()
    for _, m in ipairs { nn.AffineGridGeneratorBHWD(4, 5), nn.AffineGridGenerator(3, 4),
      nn.AffineGridGenerator(5, 3, { alignCorners = false }) } do
      m:double()
      assert(module_error(m, uniform({ 3, 2, 3 }, -2, 2)) < PRECISION, tostring(m))
      assert(module_error(m, uniform({ 2, 3 }, -2, 2)) < PRECISION, tostring(m))
      assert.are.equal('torch.DoubleTensor', m.gradInput:type())
    end
  end)

  -- stnbhwd's draw: images and grids uniform in [-2, 2], so many samples fall outside
  local function sampler_errors(m, images, grid)
    local e1 = jacobian_error(function() return m:forward({ images, grid }) end,
      function(g) return m:updateGradInput({ images, grid }, g)[1] end, images)
    local e2 = jacobian_error(function() return m:forward({ images, grid }) end,
      function(g) return m:updateGradInput({ images, grid }, g)[2] end, grid)
    return e1, e2
  end

  it('nn.BilinearSamplerBHWD w.r.t. images and grid, batched and not', function()
    local m = nn.BilinearSamplerBHWD():double()
    for _, s in ipairs { { 3, 4, 5, 2, 3, 4 }, { 1, 5, 3, 6, 4, 2 } } do
      local B, Hh, W, C, Ho, Wo = unpack(s)
      local e1, e2 = sampler_errors(m, uniform({ B, Hh, W, C }, -2, 2), uniform({ B, Ho, Wo, 2 }, -2, 2))
      assert(e1 < PRECISION and e2 < PRECISION, ('%g %g'):format(e1, e2))
    end
    local e1, e2 = sampler_errors(m, uniform({ 4, 3, 2 }, -2, 2), uniform({ 2, 5, 2 }, -2, 2))
    assert(e1 < PRECISION and e2 < PRECISION, ('%g %g'):format(e1, e2))
  end)

  it('nn.GridSampler w.r.t. images and grid, every alignment and padding, few and many channels', function()
    for _, align in ipairs { true, false } do
      for _, padding in ipairs { 'zeros', 'border' } do
        local m = nn.GridSampler { alignCorners = align, padding = padding }:double()
        for _, C in ipairs { 1, 6 } do
          local e1, e2 = sampler_errors(m, uniform({ 2, C, 4, 5 }, -2, 2), uniform({ 2, 3, 4, 2 }, -1.5, 1.5))
          assert(e1 < PRECISION and e2 < PRECISION, ('align %s padding %s C %d: %g %g'):format(tostring(align), padding, C, e1, e2))
        end
      end
    end
  end)
end)

describe('spatial modules on Double', function()
  it('agree with the Float run', function()
    stn.manualSeed(5)
    local theta = H.rand({ 3, 2, 3 }, -0.3, 0.3)
    for b = 1, 3 do theta[b][1][1] = theta[b][1][1] + 1; theta[b][2][2] = theta[b][2][2] + 1 end
    local images = H.rand({ 3, 5, 9, 11 })
    local gen, samp = nn.AffineGridGenerator(7, 8), nn.GridSampler()
    local grid = gen:forward(theta)
    local out = samp:forward({ images, grid })
    local gend, sampd = gen:clone():double(), samp:clone():double()
    local gridd = gend:forward(theta:double())
    local outd = sampd:forward({ images:double(), grid:double() })
    assert.are.equal('torch.DoubleTensor', gridd:type())
    assert.are.equal('torch.DoubleTensor', outd:type())
    H.assert_near(gridd, grid, 1e-6)
    H.assert_near(outd, out, 1e-5)
  end)

  it('copies pixels exactly through the identity, both alignments and paddings', function()
    local images = H.rand({ 2, 3, 6, 7 }):double()
    for _, align in ipairs { true, false } do
      for _, padding in ipairs { 'zeros', 'border' } do
        local theta = stn.DoubleTensor({ { { 1, 0, 0 }, { 0, 1, 0 } }, { { 1, 0, 0 }, { 0, 1, 0 } } })
        local grid = nn.AffineGridGenerator(6, 7, { alignCorners = align }):double():forward(theta)
        H.assert_equal(nn.GridSampler { alignCorners = align, padding = padding }:double():forward({ images, grid }), images)
      end
    end
  end)

  it('refuses other types and mixed types, naming the tensor and its type', function()
    local images, grid = H.rand({ 1, 2, 3, 3 }, 0, 1), H.rand({ 1, 2, 2, 2 }, 0, 1)
    H.assert_error(function() nn.GridSampler():forward({ images:long(), grid:long() }) end, 'nn.GridSampler',
      'images is a Long tensor (Float and Double only)')
    H.assert_error(function() nn.GridSampler():double():forward({ images:double(), grid }) end, 'nn.GridSampler',
      'grid is a Float tensor but images is a Double tensor')
    H.assert_error(function() nn.GridSampler():forward({ images:double(), grid:double() }) end, 'nn.GridSampler',
      'output is a Float tensor but images is a Double tensor')
    H.assert_error(function() nn.AffineGridGeneratorBHWD(3, 3):forward(H.rand({ 1, 2, 3 }, 0, 1):byte()) end,
      'nn.AffineGridGeneratorBHWD', 'theta is a Byte tensor (Float and Double only)')
    H.assert_error(function() nn.AffineTransformMatrixGenerator(true):double():forward(H.rand({ 2, 1 }, 0, 1):int()) end,
      'nn.AffineTransformMatrixGenerator', 'params is a Int tensor (Float and Double only)')
  end)

  H.cuda_it('refuses CUDA Double tensors by name (CUDA computes in Float)', function()
    local theta = H.rand({ 1, 2, 3 }):cudaDouble()
    H.assert_error(function() nn.AffineGridGeneratorBHWD(3, 3):forward(theta) end, 'nn.AffineGridGeneratorBHWD',
      'theta is a CUDA Double tensor (CUDA computes in Float only)')
  end)
end)
