-- nn.SpatialMaxPooling and nn.SpatialAveragePooling: values by hand, ceil/floor sizes,
-- padding, Jacobians, bad input (CPU vs CUDA: spec/conformance_table.lua).
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

-- 1 x 4 x 4 image holding 1..16 row by row.
local function sixteen()
  return stn.Tensor({ { { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 9, 10, 11, 12 }, { 13, 14, 15, 16 } } })
end

describe('nn.SpatialMaxPooling', function()
  it('takes the maximum of each window (by hand) and routes the gradient to it', function()
    local m = nn.SpatialMaxPooling(2, 2)
    local x = sixteen()
    H.assert_near(m:forward(x), { { { 6, 8 }, { 14, 16 } } })
    H.assert_near(m.indices, { { { 6, 8 }, { 14, 16 } } }) -- 1-based offsets in the plane
    local gi = m:backward(x, stn.Tensor({ { { 1, 2 }, { 3, 4 } } }))
    H.assert_near(gi, { { { 0, 0, 0, 0 }, { 0, 1, 0, 2 }, { 0, 0, 0, 0 }, { 0, 3, 0, 4 } } })
  end)

  it('lets the first NaN of a window win (Torch7 skips NaN; see docs/nn.md), as on CUDA', function()
    local nan = 0 / 0
    -- 3x3 window, stride 3 (the general path): NaNs at offsets 2 and 4 of the 3x3 plane
    local m = nn.SpatialMaxPooling(3, 3)
    local x = stn.Tensor({ { { 1, nan, 9 }, { nan, 5, 1 }, { 1, 1, 1 } } })
    local y = m:forward(x)
    assert.is_true(y[1][1][1] ~= y[1][1][1])
    assert.are.equal(2, m.indices[1][1][1])
    H.assert_equal(m:backward(x, stn.Tensor({ { { 7 } } })), stn.Tensor({ { { 0, 7, 0 }, { 0, 0, 0 }, { 0, 0, 0 } } }))
    -- a window of NaNs only: its first pixel
    m = nn.SpatialMaxPooling(2, 2)
    m:forward(stn.Tensor(1, 2, 2):fill(nan))
    assert.are.equal(1, m.indices[1][1][1])
  end)

  it('2x2 stride 2 (the vectorized path) matches a plain loop, NaN included', function()
    stn.manualSeed(12)
    local x = H.rand({ 2, 3, 8, 13 })
    x[1][2][3][5] = 0 / 0
    x[2][1][1][2], x[2][1][2][1] = 0 / 0, 0 / 0 -- two NaNs in one window (and in the SSE block)
    x[2][3][7][11], x[2][3][8][12] = 0 / 0, 0 / 0 -- and in the scalar tail
    local m = nn.SpatialMaxPooling(2, 2)
    local y = m:forward(x)
    assert.are.same({ 2, 3, 4, 6 }, y:size():totable())
    for b = 1, 2 do for c = 1, 3 do for i = 1, 4 do for j = 1, 6 do
      local best, at = -math.huge, 0
      for di = 0, 1 do for dj = 0, 1 do
        local v = x[b][c][2 * i - 1 + di][2 * j - 1 + dj]
        -- the first NaN in row-major order wins and stays
        if best == best and (v > best or v ~= v) then best, at = v, (2 * i - 2 + di) * 13 + 2 * j - 1 + dj end
      end end
      local got = y[b][c][i][j]
      assert.is_true(got == best or (got ~= got and best ~= best), ('%d %d %d %d: %g vs %g'):format(b, c, i, j, got, best))
      assert.are.equal(at, m.indices[b][c][i][j])
    end end end end
  end)

  it('2x2 stride 2 backward (written in one pass) routes each gradient to its argmax', function()
    stn.manualSeed(13)
    local x, m = H.rand({ 2, 3, 9, 11 }), nn.SpatialMaxPooling(2, 2)
    local g = H.rand(m:forward(x):size():totable())
    local gi = m:backward(x, g):clone()
    local want = stn.Tensor(2, 3, 9, 11):zero()
    local function scatter()
      for b = 1, 2 do for c = 1, 3 do for i = 1, 4 do for j = 1, 5 do
        local at = m.indices[b][c][i][j] - 1
        local r, q = math.floor(at / 11) + 1, at % 11 + 1
        want[b][c][r][q] = want[b][c][r][q] + g[b][c][i][j]
      end end end end
    end
    scatter()
    H.assert_equal(gi, want) -- the odd last row and column get 0
    -- an index moved out of its window (the indices are the user's): the plane
    -- falls back to the scatter, which honours it
    m.indices[2][3][1][1] = 99
    want:zero()
    scatter()
    H.assert_equal(m:backward(x, g), want)
  end)

  it('sums the gradients of overlapping windows that share a maximum', function()
    local m = nn.SpatialMaxPooling(2, 2, 1, 1)
    local x = stn.Tensor({ { { 0, 0, 0 }, { 0, 9, 0 }, { 0, 0, 0 } } })
    H.assert_near(m:forward(x), { { { 9, 9 }, { 9, 9 } } })
    H.assert_near(m:backward(x, stn.Tensor({ { { 1, 2 }, { 3, 4 } } })), { { { 0, 0, 0 }, { 0, 10, 0 }, { 0, 0, 0 } } })
  end)

  it('sizes outputs by floor or ceil, Torch7 style', function()
    local x = H.rand({ 2, 3, 7, 7 })
    local m = nn.SpatialMaxPooling(2, 2)
    assert.are.same({ 2, 3, 3, 3 }, m:forward(x):size():totable())
    m:ceil()
    assert.are.same({ 2, 3, 4, 4 }, m:forward(x):size():totable())
    -- the last ceil window holds only the last row/column
    H.assert_near(m.output:select(3, 4):select(3, 4), x:select(3, 7):select(3, 7))
    m:floor()
    assert.are.same({ 2, 3, 3, 3 }, m:forward(x):size():totable())
    -- with padding, a last window that would start in the padding is dropped
    assert.are.same({ 1, 3, 3 }, nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1):ceil():forward(H.rand({ 1, 4, 4 })):size():totable())
  end)

  it('ignores the padding (never a maximum, even of negative values)', function()
    local x = stn.Tensor({ { { -1, -2 }, { -3, -4 } } })
    H.assert_near(nn.SpatialMaxPooling(3, 3, 1, 1, 1, 1):forward(x), { { { -1, -1 }, { -1, -1 } } })
  end)

  it('prints as Torch7 does', function()
    assert.are.equal('nn.SpatialMaxPooling(2x2, 2,2)', tostring(nn.SpatialMaxPooling(2, 2)))
    assert.are.equal('nn.SpatialMaxPooling(3x3, 2,2, 1,1)', tostring(nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1)))
  end)

  it('has exact gradients (Jacobian)', function()
    stn.manualSeed(1)
    H.check_jacobian(nn.SpatialMaxPooling(2, 2), H.rand({ 2, 3, 6, 6 }), { eps = 1e-3, tol = 2e-3 })
    H.check_jacobian(nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1):ceil(), H.rand({ 2, 7, 6 }), { eps = 1e-3, tol = 2e-3 })
  end)

  it('rejects bad input with the module name and the sizes', function()
    H.assert_error(function() nn.SpatialMaxPooling(2, 2):forward(H.rand({ 4, 4 })) end, 'nn.SpatialMaxPooling', '4x4')
    H.assert_error(function() nn.SpatialMaxPooling(5, 5):forward(H.rand({ 1, 3, 3 })) end, 'nn.SpatialMaxPooling',
      '1x3x3', 'smaller than the 5x5 window')
    H.assert_error(function() nn.SpatialMaxPooling(2, 2, 2, 2, 2, 2) end, 'nn.SpatialMaxPooling', 'padding 2,2')
    local m = nn.SpatialMaxPooling(2, 2)
    m:forward(H.rand({ 2, 4, 4 }))
    H.assert_error(function() m:backward(H.rand({ 2, 4, 4 }), H.rand({ 2, 3, 3 })) end, 'gradOutput is 2x3x3')
  end)
end)

describe('nn.SpatialAveragePooling', function()
  it('averages each window (by hand) and spreads the gradient evenly', function()
    local m = nn.SpatialAveragePooling(2, 2, 2, 2)
    local x = sixteen()
    H.assert_near(m:forward(x), { { { 3.5, 5.5 }, { 11.5, 13.5 } } })
    local gi = m:backward(x, stn.Tensor({ { { 4, 8 }, { 0, 4 } } }))
    H.assert_near(gi, { { { 1, 1, 2, 2 }, { 1, 1, 2, 2 }, { 0, 0, 1, 1 }, { 0, 0, 1, 1 } } })
  end)

  it('defaults to stride 1 and counts the padding unless told otherwise', function()
    local x = stn.Tensor({ { { 4, 8 }, { 12, 16 } } })
    local m = nn.SpatialAveragePooling(3, 3, 1, 1, 1, 1)
    H.assert_near(m:forward(x), { { { 40 / 9, 40 / 9 }, { 40 / 9, 40 / 9 } } })
    m:setCountExcludePad()
    H.assert_near(m:forward(x), { { { 10, 10 }, { 10, 10 } } })
    assert.are.same({ 1, 3, 3 }, nn.SpatialAveragePooling(2, 2):forward(H.rand({ 1, 4, 4 })):size():totable())
    assert.are.equal('nn.SpatialAveragePooling(2x2, 1,1)', tostring(nn.SpatialAveragePooling(2, 2)))
  end)

  it('has exact gradients (Jacobian) in every mode', function()
    stn.manualSeed(2)
    H.check_jacobian(nn.SpatialAveragePooling(2, 2, 2, 2), H.rand({ 2, 3, 5, 5 }), { tol = 2e-3 })
    H.check_jacobian(nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1):ceil(), H.rand({ 2, 6, 7 }), { tol = 2e-3 })
    H.check_jacobian(nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1):setCountExcludePad(), H.rand({ 2, 6, 6 }), { tol = 2e-3 })
  end)
end)

describe('stn_max_pool2d_* / stn_avg_pool2d_* (C API)', function()
  local ffi = require 'ffi'
  local core = require 'stn.ffi'
  local C, ctx = core.C, core.ctx

  it('fail on a NULL plan or one with bad values, naming the function', function()
    local x, y, ind, g = H.rand({ 1, 2, 4, 4 }), stn.Tensor(), stn.Tensor(), H.rand({ 1, 2, 2, 2 })
    for name, call in pairs {
      stn_max_pool2d_forward = function(p) return C.stn_max_pool2d_forward(ctx, p, x, y, ind) end,
      stn_max_pool2d_backward = function(p) return C.stn_max_pool2d_backward(ctx, p, x, g, stn.Tensor(), ind) end,
      stn_avg_pool2d_forward = function(p) return C.stn_avg_pool2d_forward(ctx, p, x, y) end,
      stn_avg_pool2d_backward = function(p) return C.stn_avg_pool2d_backward(ctx, p, x, g, stn.Tensor()) end,
    } do
      assert.are_not.equal(0, call(nil))
      assert.truthy(core.last_error():find(name .. ': plan is NULL', 1, true))
      for _, bad in ipairs { { 0, 2, 2, 2 }, { 2, 2, 0, 2 }, { 2, 2, 2, 2, 2, 0 }, { 2, 2, 2, 2, -1, 0 }, { 2 ^ 31 - 1, 2, 2, 2 } } do
        assert.are_not.equal(0, call(ffi.new('stn_pool2d_plan', bad)))
        assert.truthy(core.last_error():find(name .. ':', 1, true))
      end
    end
  end)

  it('read ceil_mode and count_include_pad from the plan', function()
    local x = H.rand({ 1, 5, 5 })
    local m = nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1):ceil():setCountExcludePad()
    local y = stn.Tensor()
    assert.are.equal(0, C.stn_avg_pool2d_forward(ctx, ffi.new('stn_pool2d_plan', { 3, 3, 2, 2, 1, 1, 1, 0 }), x, y))
    H.assert_equal(y, m:forward(x))
  end)
end)
