-- Printing as Torch7 does: aligned columns, a common scale line, slices of higher
-- dims, and the type and size last.
local H = require 'helpers'
local stn = H.stn
local T = stn.Tensor

local function lines(...) return table.concat({ ... }, '\n') end

describe('Tensor printing', function()
  it('prints integer matrices as aligned rows with the type and size', function()
    assert.are.equal(lines(' 1  2  3', ' 4  5  6', '[torch.FloatTensor of size 2x3]'), tostring(T({ { 1, 2, 3 }, { 4, 5, 6 } })))
    -- width: the digits of the largest magnitude plus one for a sign
    assert.are.equal(lines('   1  -20', ' 300    4', '[torch.FloatTensor of size 2x2]'), tostring(T({ { 1, -20 }, { 300, 4 } })))
  end)

  it('prints vectors one value a line, with four decimals for fractions', function()
    assert.are.equal(lines(' 0.5000', '-0.2500', '[torch.FloatTensor of size 2]'), tostring(T({ 0.5, -0.25 })))
    assert.are.equal(lines(' 12.5000', '  1.0000', '[torch.FloatTensor of size 2]'), tostring(T({ 12.5, 1 })))
  end)

  it('factors out a common scale when every value is small or large', function()
    assert.are.equal(lines('1e-03 *', ' 1.0000', ' 2.5000', '[torch.FloatTensor of size 2]'), tostring(T({ 0.001, 0.0025 })))
    assert.are.equal(lines('1e+05 *', ' 1.5000  2.0000', '[torch.FloatTensor of size 1x2]'), tostring(T({ { 150000.5, 200000.25 } })))
  end)

  it('uses exponents when magnitudes differ widely', function()
    assert.are.equal(lines(' 1.5000e+00  1.0000e-06', '[torch.FloatTensor of size 1x2]'), tostring(T({ { 1.5, 1e-6 } })))
  end)

  it('prints NaN and infinities in the column width', function()
    assert.are.equal(lines(' 1.5000', '    nan', '   -inf', '[torch.FloatTensor of size 3]'), tostring(T({ 1.5, 0 / 0, -1 / 0 })))
  end)

  it('prints higher dims as (i,j,.,.) slices', function()
    local t = T(2, 1, 2, 2)
    for i = 1, 2 do for r = 1, 2 do for c = 1, 2 do t[i][1][r][c] = 10 * i + 2 * (r - 1) + c end end end
    assert.are.equal(lines('(1,1,.,.) = ', '  11  12', '  13  14', '', '(2,1,.,.) = ', '  21  22', '  23  24',
      '[torch.FloatTensor of size 2x1x2x2]'), tostring(t))
  end)

  it('splits wide matrices into column blocks', function()
    local s = tostring(T(1, 30):fill(0.5))
    assert.truthy(s:find('Columns 1 to 10\n', 1, true))
    assert.truthy(s:find('\n\nColumns 21 to 30\n', 1, true))
  end)

  it('prints non-contiguous views in their own order', function()
    assert.are.equal(lines(' 1  3', ' 2  4', '[torch.FloatTensor of size 2x2]'), tostring(T({ { 1, 2 }, { 3, 4 } }):t()))
  end)

  it('names empty tensors', function()
    assert.are.equal('[torch.FloatTensor with no dimension]', tostring(T()))
    assert.are.equal('[torch.FloatTensor of size 0x3]', tostring(T(0, 3)))
  end)

  H.cuda_it('names CUDA tensors', function()
    assert.are.equal(lines(' 1', ' 2', '[torch.CudaTensor of size 2]'), tostring(T({ 1, 2 }):cuda()))
  end)
end)
