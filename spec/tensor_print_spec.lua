-- Printing as Torch7's Tensor.lua does (__tostring__, Storage__printformat): aligned
-- columns, a common scale line in %g, slices of higher dims with the first index turning
-- fastest, the type and size last and a newline at the end. Each expected text is worked
-- out from Torch7's rules by hand (widths, scale and format noted beside it).
local H = require 'helpers'
local stn = H.stn
local T = stn.Tensor

-- The lines, each ended by a newline, as Torch7's tostring ends every line.
local function lines(...) return table.concat({ ... }, '\n') .. '\n' end

describe('Tensor printing', function()
  it('prints integer matrices as aligned rows with the type and size', function()
    -- largest 6: one digit, width 2 ('%2d')
    assert.are.equal(lines(' 1  2  3', ' 4  5  6', '[torch.FloatTensor of size 2x3]'), tostring(T({ { 1, 2, 3 }, { 4, 5, 6 } })))
    -- largest magnitude 300: three digits, width 4
    assert.are.equal(lines('   1  -20', ' 300    4', '[torch.FloatTensor of size 2x2]'), tostring(T({ { 1, -20 }, { 300, 4 } })))
    -- %d prints -0 as 0
    assert.are.equal(lines(' 0', ' 1', '[torch.FloatTensor of size 2]'), tostring(T({ -0.0, 1 })))
  end)

  it('prints vectors one value a line, with four decimals for fractions', function()
    -- magnitudes below 1: 0 digits, width 7
    assert.are.equal(lines(' 0.5000', '-0.2500', '[torch.FloatTensor of size 2]'), tostring(T({ 0.5, -0.25 })))
    -- largest 12.5: 2 digits, width 2 + 6
    assert.are.equal(lines(' 12.5000', '  1.0000', '[torch.FloatTensor of size 2]'), tostring(T({ 12.5, 1 })))
  end)

  it('factors out a common scale, printed with %g, when every value is small or large', function()
    -- largest 0.0025: -2 digits, so the scale is 10^-3
    assert.are.equal(lines('0.001 *', ' 1.0000', ' 2.5000', '[torch.FloatTensor of size 2]'), tostring(T({ 0.001, 0.0025 })))
    assert.are.equal(lines('1e-05 *', ' 1.0000', ' 2.0000', '[torch.FloatTensor of size 2]'), tostring(T({ 0.00001, 0.00002 })))
    assert.are.equal(lines('1e+06 *', ' 1.2346', '[torch.FloatTensor of size 1]'), tostring(T({ 1234567.5 })))
  end)

  it('gives the rows under a scale line one more leading space', function()
    -- %g writes 10^5 in full (exponents from 10^6 on)
    assert.are.equal(lines('100000 *', '  1.5000  2.0000', '[torch.FloatTensor of size 1x2]'), tostring(T({ { 150000.5, 200000.25 } })))
    assert.are.equal(lines('0.001 *', '  1.0000  2.0000', '  3.0000  4.0000', '[torch.FloatTensor of size 2x2]'),
      tostring(T({ { 0.001, 0.002 }, { 0.003, 0.004 } })))
    -- in a slice, after the slice's one-space indent
    assert.are.equal(lines('(1,.,.) = ', ' 0.001 *', '   1.0000  2.0000', '', '(2,.,.) = ', ' 0.001 *', '   3.0000  4.0000',
      '[torch.FloatTensor of size 2x1x2]'), tostring(T({ { { 0.001, 0.002 } }, { { 0.003, 0.004 } } })))
  end)

  it('uses exponents when magnitudes differ widely', function()
    -- 1 digit against -5: more than 4 apart, '%11.4e'
    assert.are.equal(lines(' 1.5000e+00  1.0000e-06', '[torch.FloatTensor of size 1x2]'), tostring(T({ { 1.5, 1e-6 } })))
    -- an infinity is an integer to Torch7, with infinitely many digits
    assert.are.equal(lines(' 1.0000e+00', '        inf', '[torch.FloatTensor of size 2]'), tostring(T({ 1, 1 / 0 })))
  end)

  it('prints every value with plain %f when there is a NaN (Torch7\'s width becomes NaN)', function()
    assert.are.equal(lines('1.500000', 'nan', '-inf', '[torch.FloatTensor of size 3]'), tostring(T({ 1.5, 0 / 0, -1 / 0 })))
    assert.are.equal(lines('1.000000 nan', '[torch.FloatTensor of size 1x2]'), tostring(T({ { 1, 0 / 0 } })))
  end)

  it('prints higher dims as (i,j,.,.) slices, the first index turning fastest', function()
    local t = T(2, 1, 2, 2)
    for i = 1, 2 do for r = 1, 2 do for c = 1, 2 do t[i][1][r][c] = 10 * i + 2 * (r - 1) + c end end end
    assert.are.equal(lines('(1,1,.,.) = ', '  11  12', '  13  14', '', '(2,1,.,.) = ', '  21  22', '  23  24',
      '[torch.FloatTensor of size 2x1x2x2]'), tostring(t))
    local u = T(2, 3, 1, 1)
    for i = 1, 2 do for j = 1, 3 do u[i][j][1][1] = 10 * i + j end end
    assert.are.equal(lines('(1,1,.,.) = ', '  11', '', '(2,1,.,.) = ', '  21', '', '(1,2,.,.) = ', '  12', '',
      '(2,2,.,.) = ', '  22', '', '(1,3,.,.) = ', '  13', '', '(2,3,.,.) = ', '  23', '[torch.FloatTensor of size 2x3x1x1]'),
      tostring(u))
  end)

  it('splits wide matrices into column blocks', function()
    -- width 7: floor(80 / 8) = 10 columns a block
    local row = (' 0.5000'):rep(10, ' ')
    assert.are.equal(lines('Columns 1 to 10', row, '', 'Columns 11 to 20', row, '', 'Columns 21 to 30', row,
      '[torch.FloatTensor of size 1x30]'), tostring(T(1, 30):fill(0.5)))
  end)

  it('prints non-contiguous views in their own order', function()
    assert.are.equal(lines(' 1  3', ' 2  4', '[torch.FloatTensor of size 2x2]'), tostring(T({ { 1, 2 }, { 3, 4 } }):t()))
  end)

  it('names empty tensors', function()
    assert.are.equal('[torch.FloatTensor with no dimension]\n', tostring(T()))
    assert.are.equal('[torch.FloatTensor of size 0x3]\n', tostring(T(0, 3)))
  end)

  H.cuda_it('names CUDA tensors', function()
    assert.are.equal(lines(' 1', ' 2', '[torch.CudaTensor of size 2]'), tostring(T({ 1, 2 }):cuda()))
    assert.are.equal('[torch.CudaTensor with no dimension]\n', tostring(stn.CudaTensor()))
  end)
end)
