-- The projective and thin-plate-spline grid generators (nn.ProjectiveGridGenerator,
-- nn.TPSGridGenerator), the projective restriction (nn.ProjectiveTransformMatrixGenerator)
-- and the localization-head initializers: against float64 references written from the
-- published formulas (tools/make_grid_fixtures.py -> spec/fixtures/spatial_grids.lua),
-- identities, Jacobians on Float and Double, the rule at w = 0, bad input.
-- CPU vs CUDA and 3-run determinism: spec/conformance_table.lua.
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn
local F = require 'fixtures.spatial_grids'

local function T(f) return stn.Tensor(f.data):view(f.sizes) end
-- references kept in double
local function R(f) return stn.DoubleTensor(f.data):view(f.sizes) end
local TOL = 2e-6

local function nan_count(t)
  local n, d = 0, t:double():contiguous():view(-1)
  for i = 1, d:nElement() do if d[i] ~= d[i] then n = n + 1 end end
  return n
end

describe('nn.ProjectiveGridGenerator', function()
  before_each(function() stn.manualSeed(16) end)

  it('matches the float64 reference (grid and gradient w.r.t. M)', function()
    for _, c in ipairs(F.projective) do
      for _, double in ipairs { false, true } do
        local g = nn.ProjectiveGridGenerator(c.height, c.width, { alignCorners = c.align })
        local m, gout = T(c.matrix), T(c.grad_output)
        if double then g, m, gout = g:double(), m:double(), gout:double() end
        local tol = double and 1e-9 or TOL
        H.assert_near(g:forward(m), R(c.grid), tol, c.name .. ' grid')
        H.assert_near(g:backward(m, gout), R(c.grad_matrix), double and 1e-9 or 2e-5, c.name .. ' grad M')
      end
    end
  end)

  it('gives the affine identity grid for the identity, and is unchanged when M is scaled', function()
    for _, align in ipairs { true, false } do
      local g = nn.ProjectiveGridGenerator(5, 6, { alignCorners = align })
      local a = nn.AffineGridGenerator(5, 6, { alignCorners = align })
      local id = stn.Tensor { { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } } }
      H.assert_equal(g:forward(id), a:forward(stn.Tensor { { { 1, 0, 0 }, { 0, 1, 0 } } }))
      local m = T(F.projective[1].matrix)
      local ref = g:forward(m):clone()
      H.assert_near(g:forward(m:clone():mul(-3.5)), ref, 1e-6, 'scaled by -3.5')
    end
  end)

  it('equals the affine grid when the third row is (0, 0, 1)', function()
    local theta = H.rand({ 2, 2, 3 })
    local m = stn.Tensor(2, 3, 3):zero()
    m:narrow(2, 1, 2):copy(theta)
    m:select(2, 3):select(2, 3):fill(1)
    H.assert_equal(nn.ProjectiveGridGenerator(4, 7):forward(m), nn.AffineGridGenerator(4, 7):forward(theta))
  end)

  it('has the Jacobian of the quotient w.r.t. M on Float and Double, batched and not', function()
    local m = T(F.projective[1].matrix)
    local g = nn.ProjectiveGridGenerator(4, 5)
    assert.is_true(H.check_jacobian(g, m, { eps = 1e-3, tol = 2e-3 }) < 2e-3)
    local gd = nn.ProjectiveGridGenerator(4, 5, { alignCorners = false }):double()
    assert.is_true(H.check_jacobian(gd, m:double(), { eps = 1e-6, tol = 1e-5 }) < 1e-5)
    local one = m[2]:clone()
    assert.are.same({ 4, 5, 2 }, g:forward(one):size():totable())
    assert.is_true(H.check_jacobian(g, one, { eps = 1e-3, tol = 2e-3 }) < 2e-3)
    assert.are.same({ 3, 3 }, g.gradInput:size():totable())
  end)

  it('writes NaN at points at infinity (|w| <= 1e-6 of the third row), with zero gradient there', function()
    -- w = x: zero on the middle column of an odd width (aligned), elsewhere finite
    local m = stn.Tensor { { { 1, 0, 0 }, { 0, 1, 0 }, { 1, 0, 0 } } }
    for _, double in ipairs { false, true } do
      local g = nn.ProjectiveGridGenerator(3, 5)
      local mm = m:clone()
      if double then g, mm = g:double(), mm:double() end
      local grid = g:forward(mm)
      for i = 1, 3 do
        for j = 1, 5 do
          local x = -1 + (j - 1) / 2
          if j == 3 then
            assert.is_true(grid[1][i][j][1] ~= grid[1][i][j][1] and grid[1][i][j][2] ~= grid[1][i][j][2])
          else
            H.assert_near(grid[1][i][j], { 1, (-1 + (i - 1)) / x }, 1e-6)
          end
        end
      end
      -- a gradient only at the middle column gives zero; a NaN one there is ignored
      local gout = grid.new():resizeAs(grid):zero()
      gout:select(3, 3):fill(0 / 0)
      H.assert_equal(g:backward(mm, gout), stn.Tensor(1, 3, 3):zero())
      -- just above the threshold the point is finite again
      local near = mm:clone()
      near[1][3][3] = 1.5e-6 -- w = x + 1.5e-6 >= 1.5e-6 - rounding > 1e-6 * (1 + 1.5e-6)
      assert.are.equal(0, nan_count(g:forward(near)))
      near[1][3][3] = 0.5e-6
      assert.are.equal(6, nan_count(g:forward(near)))
    end
  end)

  it('through nn.GridSampler a point at infinity reads the padding value (zeros: 0)', function()
    local m = stn.Tensor { { { 1, 0, 0 }, { 0, 1, 0 }, { 1, 0, 0 } } }
    local grid = nn.ProjectiveGridGenerator(3, 5):forward(m)
    local images = H.rand({ 1, 2, 4, 4 }, 1, 2)
    local s = nn.GridSampler()
    local out = s:forward({ images, grid })
    for c = 1, 2 do for i = 1, 3 do assert.are.equal(0, out[1][c][i][3]) end end
    local gi = s:backward({ images, grid }, out.new():resizeAs(out):fill(1))
    assert.are.equal(0, nan_count(gi[1]))
  end)

  it('maps a zero third row (a singular homography) to an all-NaN grid and a zero gradient', function()
    local m = stn.Tensor { { { 1, 2, 3 }, { 4, 5, 6 }, { 0, 0, 0 } } }
    local g = nn.ProjectiveGridGenerator(3, 4)
    assert.are.equal(24, nan_count(g:forward(m)))
    H.assert_equal(g:backward(m, H.rand({ 1, 3, 4, 2 })), stn.Tensor(1, 3, 3):zero())
  end)

  it('survives stn.save / stn.load with its restriction', function()
    local net = nn.Sequential():add(nn.ProjectiveTransformMatrixGenerator(true))
      :add(nn.ProjectiveGridGenerator(4, 5, { alignCorners = false }))
    local p = H.rand({ 2, 9 }, 0.5, 1)
    local ref = net:forward(p):clone()
    local path = os.tmpname()
    stn.save(path, net)
    local back = stn.load(path)
    os.remove(path)
    H.assert_equal(back:forward(p), ref)
    assert.are.equal(9, back:get(1).nbParams)
  end)

  it('refuses bad input and options, naming the module', function()
    local g = nn.ProjectiveGridGenerator(4, 4)
    H.assert_error(function() g:forward(H.rand({ 2, 2, 3 })) end, 'nn.ProjectiveGridGenerator', 'B x 3 x 3', '2x2x3')
    H.assert_error(function() g:forward(H.rand({ 9 })) end, 'nn.ProjectiveGridGenerator', '9')
    H.assert_error(function() g:backward(H.rand({ 2, 3, 3 }), H.rand({ 2, 4, 5, 2 })) end, 'nn.ProjectiveGridGenerator',
      '2x4x4x2', '2x4x5x2')
    H.assert_error(function() g:forward(H.rand({ 1, 3, 3 }):double()) end, 'matrix')
    H.assert_error(function() nn.ProjectiveGridGenerator(1, 4) end, 'nn.ProjectiveGridGenerator', 'height', 'size - 1')
    H.assert_error(function() nn.ProjectiveGridGenerator(4, 4, { aligncorners = false }) end, 'nn.ProjectiveGridGenerator',
      "unknown option 'aligncorners'")
    H.assert_error(function() nn.ProjectiveGridGenerator(4, 4, { alignCorners = 1 }) end, 'alignCorners')
    assert.are.equal('nn.ProjectiveGridGenerator(4, 4, alignCorners=true)', tostring(g))
  end)
end)

describe('nn.ProjectiveTransformMatrixGenerator', function()
  before_each(function() stn.manualSeed(17) end)

  it('puts 8 parameters in a 3 x 3 matrix with m33 = 1', function()
    local r = nn.ProjectiveTransformMatrixGenerator()
    local p = stn.Tensor { { 1, 2, 3, 4, 5, 6, 7, 8 } }
    assert.are.same({ { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 1 } } }, r:forward(p):totable())
    local g = r:backward(p, stn.Tensor { { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } } })
    assert.are.same({ { 1, 2, 3, 4, 5, 6, 7, 8 } }, g:totable())
    assert.are.same({ 3, 3 }, r:forward(stn.Tensor { 1, 0, 0, 0, 1, 0, 0, 0 }):size():totable())
    assert.are.equal(8, r.nbParams)
  end)

  it('normalized: 9 parameters divided by their Frobenius norm', function()
    local r = nn.ProjectiveTransformMatrixGenerator(true)
    assert.are.equal(9, r.nbParams)
    local p = stn.Tensor { { 2, 0, 0, 0, 2, 0, 0, 1, 4 } }
    H.assert_near(r:forward(p), stn.Tensor { { { 2, 0, 0 }, { 0, 2, 0 }, { 0, 1, 4 } } }:div(5), 1e-7)
    assert.are.equal(9, nn.ProjectiveTransformMatrixGenerator { normalized = true }.nbParams)
  end)

  it('has an exact Jacobian on Float and Double (both forms)', function()
    for _, normalized in ipairs { false, true } do
      local k = normalized and 9 or 8
      local r = nn.ProjectiveTransformMatrixGenerator(normalized)
      assert.is_true(H.check_jacobian(r, H.rand({ 3, k }, 0.2, 1), { eps = 1e-3, tol = 1e-3 }) < 1e-3)
      local rd = nn.ProjectiveTransformMatrixGenerator(normalized):double()
      assert.is_true(H.check_jacobian(rd, H.rand({ 3, k }, 0.2, 1):double(), { eps = 1e-6, tol = 1e-5 }) < 1e-5)
    end
  end)

  it('initializes a localization head to the identity, which gives the identity grid', function()
    for _, normalized in ipairs { false, true } do
      local r = nn.ProjectiveTransformMatrixGenerator(normalized)
      local head = nn.Linear(10, r.nbParams)
      assert.are.equal(head, r:initLocalizationHead(head))
      assert.are.equal(0, head.weight:abs():max())
      local net = nn.Sequential():add(head):add(r):add(nn.ProjectiveGridGenerator(5, 4))
      local grid = net:forward(H.rand({ 2, 10 }))
      local id = nn.AffineGridGenerator(5, 4):forward(stn.Tensor { { { 1, 0, 0 }, { 0, 1, 0 } } })
      H.assert_near(grid[1], id[1], 1e-6)
      H.assert_near(grid[2], id[1], 1e-6)
    end
    local r = nn.ProjectiveTransformMatrixGenerator()
    H.assert_error(function() r:initLocalizationHead(nn.Linear(10, 6)) end, 'nn.ProjectiveTransformMatrixGenerator',
      '6 outputs', 'takes 8')
    H.assert_error(function() r:initLocalizationHead(nn.Tanh()) end, 'expected an nn.Linear')
  end)

  it('refuses bad input and options', function()
    local r = nn.ProjectiveTransformMatrixGenerator()
    H.assert_error(function() r:forward(H.rand({ 2, 9 })) end, 'nn.ProjectiveTransformMatrixGenerator', 'expected 8',
      '2x9')
    H.assert_error(function() r:backward(H.rand({ 2, 8 }), H.rand({ 3, 3, 3 })) end, 'gradOutput', '2x3x3')
    H.assert_error(function() nn.ProjectiveTransformMatrixGenerator('yes') end, 'normalized must be true or false')
    H.assert_error(function() nn.ProjectiveTransformMatrixGenerator { normalised = true } end, "unknown option 'normalised'")
    H.assert_error(function() r:forward(H.rand({ 2, 8 }):double()) end, 'DoubleTensor')
    assert.are.equal('nn.ProjectiveTransformMatrixGenerator(normalized=false)', tostring(r))
  end)
end)

describe('nn.TPSGridGenerator', function()
  before_each(function() stn.manualSeed(18) end)

  local function build(c, double)
    local cp = c.regular or T(c.points)
    local g = nn.TPSGridGenerator(c.height, c.width, cp, { alignCorners = c.align })
    if double then g = g:double() end
    return g
  end

  it('matches the float64 reference (regular and given layouts; grid and gradient)', function()
    assert.is_true(#F.tps >= 3)
    for _, c in ipairs(F.tps) do
      for _, double in ipairs { false, true } do
        local g = build(c, double)
        local t, gout = T(c.targets), T(c.grad_output)
        if double then t, gout = t:double(), gout:double() end
        H.assert_near(g:forward(t), R(c.grid), double and 1e-9 or 2e-6, c.name .. ' grid')
        H.assert_near(g:backward(t, gout), R(c.grad_targets), double and 1e-9 or 1e-5, c.name .. ' grad targets')
      end
    end
  end)

  it('goes through the control points exactly: at a control point the grid is the target', function()
    -- regular 3x3 on an aligned 5x5 grid: control points at pixels (1, 3, 5) x (1, 3, 5)
    local g = nn.TPSGridGenerator(5, 5, 3)
    local t = H.rand({ 2, 9, 2 })
    local grid = g:forward(t)
    for b = 1, 2 do
      for i = 0, 2 do
        for j = 0, 2 do
          local k = i * 3 + j + 1
          H.assert_equal(grid[b][2 * i + 1][2 * j + 1], t[b][k], 'control point ' .. k)
        end
      end
    end
  end)

  it('gives the affine identity grid at rest, and any affine map exactly', function()
    for _, align in ipairs { true, false } do
      local pts = stn.Tensor { { -0.8, -0.6 }, { 0.7, -0.9 }, { 0.1, 0.8 }, { -0.3, 0.2 }, { 0.9, 0.5 } }
      for _, cp in ipairs { 4, pts } do
        local g = nn.TPSGridGenerator(6, 5, cp, { alignCorners = align })
        local id = nn.AffineGridGenerator(6, 5, { alignCorners = align }):forward(stn.Tensor { { { 1, 0, 0 }, { 0, 1, 0 } } })
        H.assert_near(g:forward(g:restParameters():view(1, -1)), id, 1e-6, 'rest')
        -- targets A p + b: the spline is that affine map
        local theta = stn.Tensor { { { 0.9, -0.2, 0.1 }, { 0.3, 1.1, -0.2 } } }
        local src = g.controlPoints
        local K = src:size(1)
        local tgt = stn.Tensor(1, K, 2)
        for k = 1, K do
          local x, y = src[k][1], src[k][2]
          tgt[1][k][1] = 0.9 * x - 0.2 * y + 0.1
          tgt[1][k][2] = 0.3 * x + 1.1 * y - 0.2
        end
        H.assert_near(g:forward(tgt), nn.AffineGridGenerator(6, 5, { alignCorners = align }):forward(theta), 1e-5,
          'affine')
      end
    end
  end)

  it('takes B x K x 2, K x 2 and B x 2K targets, gradients shaped as the input', function()
    local g = nn.TPSGridGenerator(4, 3, 2)
    local t = H.rand({ 3, 4, 2 })
    local ref = g:forward(t):clone()
    local gout = H.rand({ 3, 4, 3, 2 })
    local gref = g:backward(t, gout):clone()
    H.assert_equal(g:forward(t:view(3, 8)), ref)
    H.assert_equal(g:backward(t:view(3, 8), gout), gref:view(3, 8))
    H.assert_equal(g:forward(t[2]), ref[2])
    H.assert_equal(g:backward(t[2], gout[2]), gref[2])
    -- non-contiguous targets and gradOutput
    local tt = t:transpose(2, 3):contiguous():transpose(2, 3)
    assert.is_false(tt:isContiguous())
    H.assert_equal(g:forward(tt[2]), ref[2])
    local go = gout:transpose(2, 3):contiguous():transpose(2, 3)
    H.assert_equal(g:backward(tt[2], go[2]), gref[2])
    H.assert_equal(g:backward(tt, go), gref)
  end)

  it('has the exact (linear) Jacobian w.r.t. the targets on Float and Double', function()
    local g = nn.TPSGridGenerator(5, 4, stn.Tensor { { -0.8, -0.6 }, { 0.7, -0.9 }, { 0.1, 0.8 }, { -0.3, 0.2 } })
    assert.is_true(H.check_jacobian(g, H.rand({ 2, 4, 2 }), { eps = 1e-2, tol = 1e-3 }) < 1e-3)
    local gd = nn.TPSGridGenerator(5, 4, 3, { alignCorners = false }):double()
    assert.is_true(H.check_jacobian(gd, H.rand({ 2, 9, 2 }):double(), { eps = 1e-6, tol = 1e-5 }) < 1e-5)
  end)

  it('initializes a localization head to the control points at rest', function()
    local g = nn.TPSGridGenerator(6, 6, 3)
    local head = g:initLocalizationHead(nn.Linear(7, 18))
    assert.are.equal(0, head.weight:abs():max())
    local net = nn.Sequential():add(head):add(g)
    local id = nn.AffineGridGenerator(6, 6):forward(stn.Tensor { { { 1, 0, 0 }, { 0, 1, 0 } } })
    local grid = net:forward(H.rand({ 2, 7 }))
    H.assert_near(grid[1], id[1], 1e-6)
    H.assert_near(grid[2], id[1], 1e-6)
    H.assert_error(function() g:initLocalizationHead(nn.Linear(7, 9)) end, 'nn.TPSGridGenerator', '9 outputs')
  end)

  it('moves with :double() and survives stn.save / stn.load', function()
    local g = nn.TPSGridGenerator(4, 5, 3)
    local t = H.rand({ 2, 9, 2 })
    local ref = g:forward(t):clone()
    local path = os.tmpname()
    stn.save(path, g)
    local back = stn.load(path)
    os.remove(path)
    H.assert_equal(back:forward(t), ref)
    H.assert_near(g:double():forward(t:double()), ref, 1e-6)
  end)

  it('refuses too few, coincident or collinear control points, and bad input', function()
    local N = 'nn.TPSGridGenerator'
    H.assert_error(function() nn.TPSGridGenerator(4, 4, stn.Tensor { { 0, 0 }, { 1, 1 } }) end, N, 'at least 3', 'got 2')
    H.assert_error(function() nn.TPSGridGenerator(4, 4, 1) end, N, 'from 2 to 32')
    H.assert_error(function() nn.TPSGridGenerator(4, 4, 2.5) end, N, 'from 2 to 32')
    H.assert_error(function() nn.TPSGridGenerator(4, 4, stn.Tensor { { 0, 0 }, { 0.5, 0.5 }, { -1, -1 }, { 1, 1 } }) end,
      N, 'lie on one line')
    H.assert_error(function() nn.TPSGridGenerator(4, 4, stn.Tensor { { 0, 0 }, { 1, 0 }, { 0, 1 }, { 1, 0 } }) end,
      N, 'control points 2 and 4 coincide')
    -- distinct and not collinear, but two points 1e-13 apart: the system is singular in double
    H.assert_error(function()
      nn.TPSGridGenerator(4, 4, stn.DoubleTensor { { 0, 0 }, { 1e-13, 0 }, { 1, 0 }, { 0, 1 } })
    end, N, 'system of these 4 control points is singular')
    H.assert_error(function() nn.TPSGridGenerator(4, 4, stn.Tensor { { 0, 0 }, { 1, 0 }, { 0, 0 / 0 } }) end, N,
      'not finite')
    H.assert_error(function() nn.TPSGridGenerator(4, 4, stn.Tensor { 1, 2, 3 }) end, N, 'K x 2')
    H.assert_error(function() nn.TPSGridGenerator(4, 4, 'grid') end, N, 'number n')
    H.assert_error(function() nn.TPSGridGenerator(4, 4, 3, { mode = 'x' }) end, N, "unknown option 'mode'")
    local g = nn.TPSGridGenerator(4, 4, 2)
    H.assert_error(function() g:forward(H.rand({ 2, 5, 2 })) end, N, 'B x 4 x 2', '2x5x2')
    H.assert_error(function() g:forward(H.rand({ 2, 4, 2 }):double()) end, N, 'DoubleTensor')
    H.assert_error(function() g:backward(H.rand({ 2, 4, 2 }), H.rand({ 2, 4, 5, 2 })) end, N, '2x4x4x2', '2x4x5x2')
    assert.are.equal('nn.TPSGridGenerator(4, 4, 4 control points, alignCorners=true)', tostring(g))
  end)
end)

describe('the projective and TPS grids on CUDA', function()
  H.cuda_it('match the CPU and repeat bit for bit (spec/conformance_table.lua runs the rows)', function()
    local m = T(F.projective[1].matrix)
    local g = nn.ProjectiveGridGenerator(5, 7)
    local ref = g:forward(m):clone()
    local gc = nn.ProjectiveGridGenerator(5, 7):cuda()
    H.assert_near(gc:forward(m:cuda()):float(), ref, 1e-6)
    local gout = H.rand({ 3, 5, 7, 2 })
    local a = gc:backward(m:cuda(), gout:cuda()):float()
    H.assert_equal(gc:backward(m:cuda(), gout:cuda()):float(), a)
    H.assert_near(a, g:backward(m, gout), 1e-5)
  end)
end)
