-- Golden values from an independent implementation: PyTorch's affine_grid and
-- grid_sample in float64 (tools/make_fixtures.py wrote spec/fixtures/spatial_transformer.lua):
-- both families, alignCorners both ways, both paddings, batches, non-square images and
-- output sizes other than the input's. Everything must agree to 1e-5.
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn
local F = require 'fixtures.spatial_transformer'

local TOL = 1e-5
local function T(f) return stn.Tensor(f.data):view(f.sizes) end

-- A sampler's output and both gradients against case c.
local function check_sampler(sampler, c, images, grid)
  H.assert_near(sampler:forward({ images, grid }), T(c.output), TOL, 'output')
  local g = sampler:backward({ images, grid }, T(c.grad_output))
  H.assert_near(g[1], T(c.grad_images), TOL, 'grad images')
  H.assert_near(g[2], T(c.grad_grid), TOL, 'grad grid')
end

describe('the spatial transformer against PyTorch (float64 fixtures)', function()
  for _, c in ipairs(F.bchw) do
    it('nn.AffineGridGenerator + nn.GridSampler: ' .. c.name, function()
      local images, grid = T(c.images), T(c.grid)
      if c.theta then
        local gen = nn.AffineGridGenerator(c.height, c.width, { alignCorners = c.align })
        H.assert_near(gen:forward(T(c.theta)), grid, TOL, 'grid')
        H.assert_near(gen:backward(T(c.theta), T(c.grad_grid)), T(c.grad_theta), TOL, 'grad theta')
      end
      check_sampler(nn.GridSampler { alignCorners = c.align, padding = c.padding }, c, images, grid)
    end)
  end

  for _, c in ipairs(F.bhwd) do
    it('nn.AffineGridGeneratorBHWD + nn.BilinearSamplerBHWD: ' .. c.name, function()
      local images, grid = T(c.images), T(c.grid)
      local gen = nn.AffineGridGeneratorBHWD(c.height, c.width)
      H.assert_near(gen:forward(T(c.theta)), grid, TOL, 'grid')
      H.assert_near(gen:backward(T(c.theta), T(c.grad_grid)), T(c.grad_theta), TOL, 'grad theta')
      check_sampler(nn.BilinearSamplerBHWD(), c, images, grid)
    end)
  end

  it('covers what the fixtures are meant to cover', function()
    local seen = {}
    for _, c in ipairs(F.bchw) do
      seen[tostring(c.align) .. c.padding] = true
      local img = c.images.sizes
      seen.batch = seen.batch or img[1] > 1
      seen.nonsquare = seen.nonsquare or img[3] ~= img[4]
      seen.resized = seen.resized or c.grid.sizes[2] ~= img[3] or c.grid.sizes[3] ~= img[4]
    end
    for _, k in ipairs { 'truezeros', 'falsezeros', 'trueborder', 'falseborder', 'batch', 'nonsquare', 'resized' } do
      assert.is_true(seen[k], k)
    end
    assert.are.equal(8, #F.restriction)
    assert.is_true(#F.bhwd >= 1)
  end)
end)
