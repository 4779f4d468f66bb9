-- CUDA behaviour that is not a CPU-vs-CUDA comparison (those are rows of
-- spec/conformance_table.lua): device types and element access, printing, errors raised
-- on the device, and the sampler's CUDA edge cases. Pending without a GPU.
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn
local T = stn.Tensor

describe('CUDA tensors', function()
  H.cuda_it('are their own :cuda(), of type torch.CudaTensor, with element reads and writes', function()
    local g = T(3):cuda()
    assert.are.equal(g, g:cuda())
    assert.are.equal('torch.CudaTensor', g:type())
    g = T({ 1, 2, 3 }):cuda()
    g[2] = 20
    assert.are.equal(20, g[2])
    assert.are.same({ 1, 20, 3 }, g:totable())
  end)

  H.cuda_it('print like a CPU tensor, with their own type', function()
    local g = T({ { 1.5, 2 }, { 3, 4 } }):cuda()
    assert.are.equal((tostring(g:float()):gsub('FloatTensor', 'CudaTensor')), tostring(g))
  end)

  H.cuda_it('bernoulli(pTensor): a CUDA result, exact for 0s and 1s, and p on the tensor\'s device', function()
    local g = stn.CudaTensor(2, 3):bernoulli(T({ { 0, 1, 0 }, { 1, 1, 0 } }):cuda())
    assert.are.equal('torch.CudaTensor', g:type())
    assert.are.same({ { 0, 1, 0 }, { 1, 1, 0 } }, g:totable())
    H.assert_error(function() stn.CudaTensor(2):bernoulli(T({ 0, 1 })) end, 'Tensor:bernoulli', 'p is a torch.FloatTensor')
  end)
end)

describe('nn on CUDA', function()
  H.cuda_it('ClassNLLCriterion checks labels on the device too', function()
    local t = T(50):fill(7)
    t[5] = 44
    H.assert_error(function() nn.ClassNLLCriterion():cuda():forward(H.rand({ 50, 43 }):cuda(), t:cuda()) end,
      'nn.ClassNLLCriterion', 'target 44 at position 5')
  end)
end)

describe('the sampler on CUDA', function()
  before_each(function() stn.manualSeed(2015) end)

  H.cuda_it('handles empty channels and empty grids', function()
    local m = nn.GridSampler():cuda()
    local out = m:forward({ stn.Tensor(2, 0, 4, 4):cuda(), H.rand({ 2, 3, 3, 2 }):cuda() })
    assert.are.same({ 2, 0, 3, 3 }, out:size():totable())
    local g = m:backward({ stn.Tensor(2, 0, 4, 4):cuda(), H.rand({ 2, 3, 3, 2 }):cuda() }, stn.Tensor(2, 0, 3, 3):cuda())
    assert.are.equal(0, g[2]:float():abs():max())
    local images = H.rand({ 2, 3, 4, 4 }):cuda()
    local g2 = m:backward({ images, stn.Tensor(2, 0, 3, 2):cuda() }, stn.Tensor(2, 3, 0, 3):cuda())
    assert.are.equal(0, g2[1]:float():abs():max())
  end)

  -- CUDA's own rule (its fixed-point accumulation cannot carry an infinity), not the CPU's
  H.cuda_it('a non-finite gradOutput gives NaN image gradients, not garbage', function()
    for _, size in ipairs { 5, 48 } do
      local theta = H.rand({ 1, 2, 3 }, -0.3, 0.3)
      theta[1][1][1] = theta[1][1][1] + 1; theta[1][2][2] = theta[1][2][2] + 1
      local grid = nn.AffineGridGenerator(size, size):forward(theta):clone():add(H.rand({ 1, size, size, 2 }, -0.05, 0.05))
      local m = nn.GridSampler():cuda()
      local input = { H.rand({ 1, 1, size, size }):cuda(), grid:cuda() }
      local g = H.rand({ 1, 1, size, size })
      g[1][1][3][3] = math.huge
      local gi = m:backward(input, g:cuda())[1]:float()
      assert.is_true(gi[1][1][1][1] ~= gi[1][1][1][1])
      assert.is_true(gi[1][1][size][size] ~= gi[1][1][size][size])
    end
  end)
end)
