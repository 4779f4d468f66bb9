-- Matrix products: Torch7's argument forms, values worked out by hand, transposed and
-- other strided operands (passed to the BLAS in place or copied), outputs that are
-- views or that alias an input, and random cases against a plain Lua reference.
local H = require 'helpers'
local stn = H.stn
local T = stn.Tensor

-- Reference product of two tables of rows.
local function matmul(a, b)
  local r = {}
  for i = 1, #a do
    r[i] = {}
    for j = 1, #b[1] do
      local s = 0
      for k = 1, #b do s = s + a[i][k] * b[k][j] end
      r[i][j] = s
    end
  end
  return r
end

local A = { { 1, 2, 3 }, { 4, 5, 6 } }          -- 2x3
local B = { { 1, 0 }, { 0, 1 }, { 2, -1 } }      -- 3x2
local AB = { { 7, -1 }, { 16, -1 } }

describe('Tensor:mm and addmm', function()
  it('res:mm(a, b) gives the product and returns res', function()
    local res = T()
    assert.are.equal(res, res:mm(T(A), T(B)))
    assert.are.same(AB, res:totable())
    assert.are.same(AB, stn.mm(T(A), T(B)):totable())
    assert.are.same(AB, (T(A) * T(B)):totable())
  end)

  it('reads transposed views in place', function()
    local at = T({ { 1, 4 }, { 2, 5 }, { 3, 6 } }):t() -- A, as a transposed view
    local bt = T({ { 1, 0, 2 }, { 0, 1, -1 } }):t()    -- B, likewise
    assert.is_false(at:isContiguous())
    assert.are.same(AB, stn.mm(at, T(B)):totable())
    assert.are.same(AB, stn.mm(T(A), bt):totable())
    assert.are.same(AB, stn.mm(at, bt):totable())
  end)

  it('copies operands whose strides are both above 1', function()
    local big = T(2, 3, 2):zero()
    big:select(3, 2):copy(T(A)) -- a 2x3 view with strides 6 and 2
    assert.is_false(big:select(3, 2):isContiguous())
    assert.are.same(AB, stn.mm(big:select(3, 2), T(B)):totable())
  end)

  it('writes into a transposed output view', function()
    local res = T(2, 2):zero()
    res:t():mm(T(A), T(B))
    assert.are.same({ { 7, 16 }, { -1, -1 } }, res:totable())
  end)

  it('a result that is an input is computed aside', function()
    local sq = T({ { 1, 2 }, { 3, 4 } })
    sq:mm(sq, sq)
    assert.are.same({ { 7, 10 }, { 15, 22 } }, sq:totable())
  end)

  it('never reads an uninitialized result: NaN in res stays out of mm', function()
    local res = T(2, 2):fill(0 / 0)
    assert.are.same(AB, res:mm(T(A), T(B)):totable())
  end)

  it('takes every Torch7 form of addmm', function()
    local M = T({ { 1, 1 }, { 1, 1 } })
    assert.are.same({ { 8, 0 }, { 17, 0 } }, T():addmm(M, T(A), T(B)):totable())
    assert.are.same({ { 9, 1 }, { 18, 1 } }, T():addmm(2, M, T(A), T(B)):totable())
    assert.are.same({ { 15, -1 }, { 33, -1 } }, T():addmm(M, 2, T(A), T(B)):totable())
    assert.are.same({ { 16, 0 }, { 34, 0 } }, T():addmm(2, M, 2, T(A), T(B)):totable())
    assert.are.same({ { 8, 0 }, { 17, 0 } }, M:clone():addmm(T(A), T(B)):totable())
    assert.are.same({ { 15, -1 }, { 33, -1 } }, M:clone():addmm(2, T(A), T(B)):totable())
    assert.are.same({ { 7, -1 }, { 16, -1 } }, M:clone():addmm(0, 1, T(A), T(B)):totable())
    assert.are.same({ { 8, 0 }, { 17, 0 } }, stn.addmm(M, T(A), T(B)):totable())
    assert.are.same({ { 1, 1 }, { 1, 1 } }, M:totable())
  end)

  it('beta = 0 ignores NaN in M', function()
    local M = T(2, 2):fill(0 / 0)
    assert.are.same(AB, M:addmm(0, 1, T(A), T(B)):totable())
  end)

  it('an inner size of 0 leaves beta * M', function()
    local M = T({ { 1, 2 }, { 3, 4 } })
    assert.are.same({ { 2, 4 }, { 6, 8 } }, T():addmm(2, M, T(2, 0), T(0, 2)):totable())
    assert.are.same({ { 0, 0 }, { 0, 0 } }, T():mm(T(2, 0), T(0, 2)):totable())
  end)

  it('matches a reference on random shapes and every layout of a, b and the result', function()
    stn.manualSeed(11)
    for _, s in ipairs { { 7, 5, 3 }, { 1, 9, 4 }, { 6, 1, 8 }, { 33, 17, 65 } } do
      local n, k, p = s[1], s[2], s[3]
      local a, b = H.rand({ n, k }), H.rand({ k, p })
      local want = matmul(a:totable(), b:totable())
      local at, bt = H.rand({ k, n }), H.rand({ p, k })
      at:t():copy(a); bt:t():copy(b)
      for _, pair in ipairs { { a, b }, { at:t(), b }, { a, bt:t() }, { at:t(), bt:t() } } do
        H.assert_near(stn.mm(pair[1], pair[2]), want, 1e-5)
        local r = T(p, n)
        r:t():mm(pair[1], pair[2])
        H.assert_near(r:t(), want, 1e-5)
      end
    end
  end)
end)

describe('Tensor:mv and addmv', function()
  it('multiplies a matrix by a vector, plain or transposed', function()
    assert.are.same({ 14, 32 }, T():mv(T(A), T({ 1, 2, 3 })):totable())
    assert.are.same({ 9, 12, 15 }, T():mv(T(A):t(), T({ 1, 2 })):totable())
    assert.are.same({ 14, 32 }, (T(A) * T({ 1, 2, 3 })):totable())
  end)

  it('takes the addmv forms and strided vectors', function()
    local v = T({ 1, 1 })
    assert.are.same({ 15, 33 }, T():addmv(v, T(A), T({ 1, 2, 3 })):totable())
    assert.are.same({ 28, 64 }, T({ 1, 1 }):addmv(0, 2, T(A), T({ 1, 2, 3 })):totable())
    local col = T({ { 1, 0 }, { 2, 0 }, { 3, 0 } }):select(2, 1) -- stride 2
    assert.are.same({ 16, 34 }, T():addmv(2, v, T(A), col):totable())
    local x = T({ 1, 2 })
    x:addmv(T({ { 1, 1 }, { 0, 1 } }), x) -- result aliases vec: computed aside
    assert.are.same({ 4, 4 }, x:totable())
  end)
end)

describe('Tensor:bmm and baddbmm', function()
  it('multiplies batches of matrices', function()
    local a = T({ A, { { 0, 1, 0 }, { 1, 0, 0 } } })
    local b = T({ B, B })
    local r = T():bmm(a, b)
    assert.are.same({ AB, { { 0, 1 }, { 1, 0 } } }, r:totable())
  end)

  it('reads transposed batches in place and adds with baddbmm', function()
    stn.manualSeed(5)
    local a, b = H.rand({ 4, 6, 5 }), H.rand({ 4, 5, 3 })
    local at = H.rand({ 4, 5, 6 }); at:transpose(2, 3):copy(a)
    local M = H.rand({ 4, 6, 3 })
    local want = {}
    for i = 1, 4 do
      local p = matmul(a[i]:totable(), b[i]:totable())
      local m = M[i]:totable()
      for r = 1, 6 do for c = 1, 3 do p[r][c] = 0.5 * m[r][c] + 2 * p[r][c] end end
      want[i] = p
    end
    H.assert_near(T():baddbmm(0.5, M, 2, at:transpose(2, 3), b), want, 1e-5)
    local out = T(4, 3, 6)
    out:transpose(2, 3):baddbmm(0.5, M, 2, a, b)
    H.assert_near(out:transpose(2, 3), want, 1e-5)
  end)
end)

describe('Tensor:dot', function()
  it('sums the element-wise product of equally sized tensors', function()
    assert.are.equal(32, T({ 1, 2, 3 }):dot(T({ 4, 5, 6 })))
    assert.are.equal(32, T({ 1, 2, 3 }) * T({ 4, 5, 6 }))
    assert.are.equal(91, T(A):dot(T(A)))
  end)
end)

describe('Outer products and sums of batched products (Torch7\'s ger, addr, addbmm)', function()
  it('ger: v1 v2^T, also of strided vectors; stn.ger makes a new result', function()
    assert.are.same({ { 3, 4, 5 }, { 6, 8, 10 } }, stn.ger(T({ 1, 2 }), T({ 3, 4, 5 })):totable())
    local x = T({ { 1, 2, 3 }, { 4, 5, 6 } })
    local r = T(7, 7):fill(0 / 0) -- resized, never read
    assert.are.equal(r, r:ger(x:select(2, 1), x:select(1, 2)))
    assert.are.same({ { 4, 5, 6 }, { 16, 20, 24 } }, r:totable())
  end)

  it('addr takes addmm\'s forms', function()
    local v1, v2 = T({ 1, 2 }), T({ 3, 4, 5 })
    assert.are.same({ { 4, 5, 6 }, { 7, 9, 11 } }, T(2, 3):fill(1):addr(v1, v2):totable())
    assert.are.same({ { 3.5, 4, 4.5 }, { 5, 6, 7 } }, T(2, 3):fill(1):addr(2, 0.5, v1, v2):totable())
    local m = T(2, 3):fill(2)
    assert.are.same({ { 7, 9, 11 }, { 13, 17, 21 } }, T():addr(0.5, m, 2, v1, v2):totable())
    assert.are.same({ { 5, 6, 7 }, { 8, 10, 12 } }, stn.addr(m, v1, v2):totable())
    H.assert_error(function() T():addr(m, T(2, 1), v2) end, 'Tensor:addr', 'first vector must be 1-D')
    H.assert_error(function() T():addr(T(3, 3), v1, v2) end, 'Tensor:addr', 'm is 3x3', '2x3')
  end)

  it('addbmm: beta M + alpha sum_i b1[i] b2[i], every form', function()
    local b1 = T({ { { 1, 2 } }, { { 3, 4 } } })       -- 2 x 1 x 2
    local b2 = T({ { { 1 }, { 1 } }, { { 2 }, { 0.5 } } }) -- 2 x 2 x 1: products 3 and 8
    assert.are.same({ { 12 } }, T({ { 1 } }):addbmm(b1, b2):totable())
    assert.are.same({ { 2 + 5.5 } }, T({ { 1 } }):addbmm(2, 0.5, b1, b2):totable())
    assert.are.same({ { 0.5 * 4 + 2 * 11 } }, stn.addbmm(0.5, T({ { 4 } }), 2, b1, b2):totable())
    assert.are.same({ { 4 } }, stn.addbmm(T({ { 4 } }), T(0, 1, 2), T(0, 2, 1)):totable()) -- no batches: M
    H.assert_error(function() T(2, 2):addbmm(b1, b2) end, 'Tensor:addbmm', 'M is 2x2', '1x1')
    H.assert_error(function() T(1, 1):addbmm(b1, T(3, 2, 1)) end, 'Tensor:addbmm', 'cannot multiply')
  end)

  it('addbmm matches a loop of addmm on random batches, transposed ones too', function()
    stn.manualSeed(3)
    local b1, b2 = T(5, 7, 4):uniform(-1, 1), T(5, 4, 6):uniform(-1, 1)
    local ref = T(7, 6):zero()
    for i = 1, 5 do ref:addmm(b1[i], b2[i]) end
    H.assert_near(T(7, 6):zero():addbmm(b1, b2), ref, 1e-6)
    local t1 = b1:transpose(2, 3):contiguous():transpose(2, 3) -- same values, other strides
    H.assert_near(T(7, 6):zero():addbmm(t1, b2), ref, 1e-6)
  end)
end)

describe('Matrix product errors', function()
  it('name the op and both shapes', function()
    H.assert_error(function() stn.mm(T(2, 3), T(2, 3)) end, 'Tensor:mm', 'cannot multiply 2x3 by 2x3')
    H.assert_error(function() stn.mm(T(2, 3, 1), T(3, 2)) end, 'Tensor:mm', 'first factor must be 2-D, got 2x3x1')
    H.assert_error(function() T():mv(T(2, 3), T(2)) end, 'Tensor:mv', 'cannot multiply 2x3 by 2')
    H.assert_error(function() T():bmm(T(2, 2, 3), T(3, 3, 2)) end, 'Tensor:bmm', 'cannot multiply 2x2x3 by 3x3x2')
    H.assert_error(function() T():addmm(T(3, 3), T(2, 3), T(3, 2)) end, 'Tensor:addmm', 'm is 3x3', '2x2')
    H.assert_error(function() T(2):dot(T(3)) end, 'Tensor:dot', 'differ in element count')
  end)
end)

describe('stn.setnumthreads', function()
  it('sets OpenMP\'s and OpenBLAS\'s thread counts together', function()
    local ffi = require 'ffi'
    local C = require('stn.ffi').C -- libstn's namespace reaches its OpenBLAS and OpenMP
    pcall(ffi.cdef, 'int openblas_get_num_threads(void); int omp_get_max_threads(void);')
    local before = stn.getnumthreads()
    for _, n in ipairs { 1, 2, 3 } do
      stn.setnumthreads(n)
      assert.are.same({ n, n, n }, { stn.getnumthreads(), C.openblas_get_num_threads(), C.omp_get_max_threads() })
    end
    stn.setnumthreads(before)
    H.assert_error(function() stn.setnumthreads(0) end, 'stn: setnumthreads', 'at least 1')
  end)
end)
