-- CPU vs CUDA for every Tensor op, on random data (never all zeros), with contiguous
-- and non-contiguous operands; bitwise determinism of the CUDA reductions. Pending
-- (with the reason) where there is no GPU.
local H = require 'helpers'
local stn = H.stn
local T = stn.Tensor

-- Operand pairs {cpu, cuda} holding the same r x c values: contiguous, a transposed
-- view, and a narrowed view (strides 1 and c + 3, offset 2).
local function pairs_of(r, c, lo, hi)
  local out = {}
  local a = H.rand({ r, c }, lo, hi)
  out[#out + 1] = { a, a:cuda(), 'contiguous' }
  local b = H.rand({ c, r }, lo, hi)
  out[#out + 1] = { b:t(), b:cuda():t(), 'transposed' }
  local w = H.rand({ r, c + 3 }, lo, hi)
  out[#out + 1] = { w:narrow(2, 3, c), w:cuda():narrow(2, 3, c), 'narrowed' }
  return out
end

local function on_cuda(x)
  if stn.isTensor(x) then return x.device == 1 and x or x:cuda() end
  return x
end

-- f(args...) on the CPU operands and on their CUDA twins: results must agree, bit for
-- bit when tol is nil. Results may be tensors or numbers (several of them). An argument
-- may be a pair {cpu, cuda} from pairs_of, to keep a non-contiguous view on the GPU.
local function agree(tol, f, ...)
  local n, cargs, args = select('#', ...), { ... }, { ... }
  for i = 1, n do
    if type(args[i]) == 'table' then cargs[i], args[i] = args[i][1], args[i][2]
    else args[i] = on_cuda(args[i]) end -- before f may change the CPU operands
  end
  local cpu = { f(unpack(cargs, 1, n)) }
  local gpu = { f(unpack(args, 1, n)) }
  assert.are.equal(#cpu, #gpu)
  for i = 1, #cpu do
    local c, g = cpu[i], gpu[i]
    if stn.isTensor(c) then
      assert.are.equal('torch.CudaTensor', g:type())
      assert.are.same(c:size():totable(), g:size():totable())
      if tol then H.assert_near(g, c, tol) else H.assert_equal(g, c) end
    elseif tol then
      H.assert_near(g, c, tol)
    else
      assert.is_true(g == c or (g ~= g and c ~= c), ('%.17g vs %.17g'):format(g, c))
    end
  end
end

local function new(x) return x.new() end -- an empty result on x's device
-- new(a):name(a) for a method name given as a string
local function call(name, a) local o = new(a); return o[name](o, a) end

describe('CUDA tensors', function()
  before_each(function() stn.manualSeed(1234) end)

  H.cuda_it('copy between devices and layouts', function()
    for _, p in ipairs(pairs_of(37, 53)) do
      H.assert_equal(p[2]:float(), p[1])
      H.assert_equal(p[2]:clone():float(), p[1])
      local back = T(53, 37):t()
      back:copy(p[2]) -- device to a non-contiguous host view
      H.assert_equal(back, p[1])
      local g = stn.CudaTensor(53, 37):t()
      g:copy(p[1]) -- host to a non-contiguous device view
      H.assert_equal(g:float(), p[1])
    end
    local g = T(3):cuda()
    assert.are.equal(g, g:cuda())
    assert.are.equal('torch.CudaTensor', g:type())
  end)

  H.cuda_it('fill, zero, and element reads and writes', function()
    agree(nil, function(x) return x:clone():fill(0.75) end, H.rand({ 5, 7 }))
    agree(nil, function(x) return x:clone():zero() end, H.rand({ 5, 7 }))
    local g = T({ 1, 2, 3 }):cuda()
    g[2] = 20
    assert.are.equal(20, g[2])
    assert.are.same({ 1, 20, 3 }, g:totable())
  end)

  H.cuda_it('arithmetic ops agree bit for bit', function()
    for _, p in ipairs(pairs_of(33, 65)) do
      local q = pairs_of(33, 65, 0.5, 2)[2]
      local x, y = p[1], q[1]
      agree(nil, function(a, b) return new(a):add(a, b) end, x, y)
      agree(nil, function(a, b) return new(a):add(a, -0.3, b) end, x, y)
      agree(nil, function(a) return new(a):add(a, 1.7) end, x)
      agree(nil, function(a, b) return new(a):csub(a, b) end, x, y)
      agree(nil, function(a) return new(a):mul(a, 3.1) end, x)
      agree(nil, function(a) return new(a):div(a, 3.1) end, x)
      agree(nil, function(a, b) return new(a):cmul(a, b) end, x, y)
      agree(nil, function(a, b) return new(a):cdiv(a, b) end, x, y)
      agree(nil, function(a, b) return new(a):cmax(a, b) end, x, y)
      agree(nil, function(a, b) return new(a):cmin(a, b) end, x, y)
      agree(nil, function(a) return new(a):cmax(a, 0.1) end, x)
      agree(nil, function(a) return new(a):clamp(a, -0.5, 0.25) end, x)
      agree(nil, function(a, b, c) return new(a):addcmul(a, 0.7, b, c) end, x, y, y)
      agree(nil, function(a, b, c) return new(a):addcdiv(a, 0.7, b, c) end, x, y, y)
      agree(nil, function(a, b) return a:clone():add(b) end, x, y) -- in place
      for _, name in ipairs { 'abs', 'neg', 'sign', 'floor', 'ceil', 'round', 'sqrt' } do
        agree(nil, function(a) return call(name, a) end, name == 'sqrt' and y or x)
      end
      for _, cmp in ipairs { 'eq', 'ne', 'gt', 'lt', 'ge', 'le' } do
        agree(nil, function(a, b) return a[cmp](a, b) end, x, x:clone():round())
        agree(nil, function(a) return a[cmp](a, 0.25) end, x)
      end
      agree(nil, function(a) return a:pow(2) end, x:clone())
    end
  end)

  H.cuda_it('transcendental ops agree within float rounding of the math libraries', function()
    for _, p in ipairs(pairs_of(20, 30, 0.5, 2)) do
      for _, name in ipairs { 'exp', 'log', 'tanh', 'sigmoid' } do
        agree(1e-5, function(a) return call(name, a) end, p[1])
      end
      agree(1e-5, function(a) return new(a):pow(a, 2.5) end, p[1])
      agree(1e-5, function(a) return new(a):pow(1.5, a) end, p[1])
      agree(1e-5, function(a, b) return new(a):cpow(a, b) end, p[1], p[1])
    end
  end)

  H.cuda_it('whole-tensor reductions agree', function()
    for _, p in ipairs(pairs_of(300, 170)) do
      for _, name in ipairs { 'sum', 'mean', 'var', 'std', 'norm' } do
        agree(1e-9, function(a) return a[name](a) end, p[1])
      end
      agree(nil, function(a) return a:max(), a:min() end, p[1])
      agree(1e-9, function(a) return a:var(true), a:std(true), a:norm(1) end, p[1])
    end
    agree(1e-9, function(a) return a:prod() end, H.rand({ 60 }, 0.5, 1.5))
  end)

  H.cuda_it('reductions along each dim agree, values and indices, thread and block kernels', function()
    -- dims of 5, 300 (long runs: a block per output) and 7; and a long last dim
    local tr = H.rand({ 7, 300, 5 })
    local transposed = { tr:transpose(1, 3), tr:cuda():transpose(1, 3) } -- non-contiguous on both devices
    for _, x in ipairs { H.rand({ 5, 300, 7 }), transposed, H.rand({ 3, 5000 }) } do
      for d = 1, (type(x) == 'table' and x[1] or x):dim() do
        for _, name in ipairs { 'sum', 'mean', 'var', 'std', 'norm', 'prod' } do
          agree(1e-6, function(a)
            local y = name == 'prod' and new(a):mul(a, 0.5):add(1) or a -- products of values near 1 stay in range
            return y[name](y, d)
          end, x)
        end
        agree(1e-6, function(a) return a:var(d, true), a:std(d, true) end, x)
        agree(nil, function(a) return a:max(d) end, x)
        agree(nil, function(a) return a:min(d) end, x)
      end
    end
  end)

  H.cuda_it('max and min keep the first of tied values and let a NaN win, as on the CPU', function()
    local x = H.rand({ 40, 600 }, 0, 3):floor() -- many ties
    for d = 1, 2 do
      agree(nil, function(a) return a:max(d) end, x)
      agree(nil, function(a) return a:min(d) end, x)
    end
    x[3][17] = 0 / 0
    x[3][400] = 0 / 0
    x[20][5] = 0 / 0
    for d = 1, 2 do agree(nil, function(a) return a:max(d) end, x) end
    agree(nil, function(a) return a:max(), a:min() end, x)
  end)

  H.cuda_it('reductions are bitwise identical run after run', function()
    local g = H.rand({ 1000, 1000 }):cuda()
    local s1, v1 = g:sum(), g:var()
    local d1, m1 = g:sum(1), g:mean(2)
    local n1 = g:narrow(2, 1, 3):norm(2, 1) -- few outputs, long runs: the block kernel
    for _ = 1, 3 do
      assert.are.equal(s1, g:sum())
      assert.are.equal(v1, g:var())
      H.assert_equal(g:sum(1), d1)
      H.assert_equal(g:mean(2), m1)
      H.assert_equal(g:narrow(2, 1, 3):norm(2, 1), n1)
    end
  end)

  H.cuda_it('matrix products agree for every layout of a, b and the result', function()
    for _, s in ipairs { { 33, 17, 65 }, { 1, 40, 9 }, { 150, 147, 211 } } do
      local n, k, p = s[1], s[2], s[3]
      for _, pa in ipairs(pairs_of(n, k)) do
        for _, pb in ipairs(pairs_of(k, p)) do
          agree(1e-4, function(a, b) return new(a):mm(a, b) end, pa[1], pb[1])
          agree(1e-4, function(a, b) -- into a transposed result, with beta and alpha
            local m = T(p, n):fill(0.5)
            if a.device == 1 then m = m:cuda() end
            m:t():addmm(0.5, m:t(), -2, a, b)
            return m
          end, pa[1], pb[1])
        end
      end
    end
  end)

  H.cuda_it('products never read an uninitialized result, and an inner size of 0 leaves beta * M', function()
    local r = stn.CudaTensor(2, 2):fill(0 / 0)
    r:mm(T({ { 1, 2 }, { 3, 4 } }):cuda(), T({ { 1, 0 }, { 0, 1 } }):cuda())
    assert.are.same({ { 1, 2 }, { 3, 4 } }, r:totable())
    local v = stn.CudaTensor(2):fill(0 / 0)
    v:mv(T({ { 1, 2 }, { 3, 4 } }):cuda(), T({ 1, 1 }):cuda())
    assert.are.same({ 3, 7 }, v:totable())
    local m = T({ { 1, 2 }, { 3, 4 } }):cuda()
    assert.are.same({ { 2, 4 }, { 6, 8 } }, stn.addmm(2, m, stn.CudaTensor(2, 0), stn.CudaTensor(0, 2)):totable())
  end)

  H.cuda_it('batched products agree, transposed batches and a broadcast factor included', function()
    local a, b, m = H.rand({ 6, 20, 30 }), H.rand({ 6, 30, 10 }), H.rand({ 6, 20, 10 })
    agree(1e-4, function(x, y) return new(x):bmm(x, y) end, a, b)
    agree(1e-4, function(x, y, z) return new(x):baddbmm(0.3, z, 2, x, y) end, a, b, m)
    local at = H.rand({ 6, 30, 20 })
    agree(1e-4, function(x, y) return new(x):bmm(x:transpose(2, 3), y) end, at, b)
    local one = H.rand({ 1, 30, 10 })
    agree(1e-4, function(x, y) return new(x):bmm(x, y:expand(6, 30, 10)) end, a, one)
    agree(1e-4, function(x, y) -- into a transposed batch result
      local r = x.new():resize(6, 10, 20)
      r:transpose(2, 3):bmm(x, y)
      return r
    end, a, b)
  end)

  H.cuda_it('matrix-vector products and dot agree', function()
    for _, pm in ipairs(pairs_of(70, 45)) do
      local v = H.rand({ 45, 2 }):select(2, 2) -- stride 2
      agree(1e-4, function(m, x) return new(m):mv(m, x) end, pm[1], v)
      agree(1e-4, function(m, x, y) return new(m):addmv(0.5, y, 2, m, x) end, pm[1], v, H.rand({ 70 }))
    end
    agree(1e-9, function(x, y) return x:dot(y) end, H.rand({ 1000 }), H.rand({ 1000 }))
  end)

  H.cuda_it('index, indexCopy and cat agree', function()
    local x = H.rand({ 9, 11, 13 })
    for d = 1, 3 do
      local idx = { 2, 1, 2, x:size(d) }
      agree(nil, function(a) return a:index(d, idx) end, x)
      local xt = x:transpose(1, 3)
      agree(nil, function(a) return a:index(d, T({ 1, xt:size(d), 1 })) end, xt)
      local sizes = x:size():totable()
      sizes[d] = #idx
      local src = H.rand(sizes)
      agree(nil, function(a, s) return a:clone():indexCopy(d, idx, s) end, x, src) -- repeated 2: the last wins
    end
    agree(nil, function(a, b) return stn.cat({ a, b, a }, 2) end, H.rand({ 4, 3 }), H.rand({ 4, 5 }))
  end)

  H.cuda_it('random fills give the CPU\'s numbers', function()
    for _, fill in ipairs {
      function(t) return t:uniform(-2, 3) end,
      function(t) return t:bernoulli(0.3) end,
    } do
      stn.manualSeed(77)
      local c = fill(T(50, 70):t())
      stn.manualSeed(77)
      local g = fill(stn.CudaTensor(50, 70):t())
      H.assert_equal(g, c)
    end
    stn.manualSeed(78)
    local c = T(10001):normal(1, 2)
    stn.manualSeed(78)
    H.assert_near(stn.CudaTensor(10001):normal(1, 2), c, 1e-5) -- libm vs CUDA log/cos: ulps
  end)

  H.cuda_it('prints like a CPU tensor, with its own type', function()
    local g = T({ { 1.5, 2 }, { 3, 4 } }):cuda()
    assert.are.equal((tostring(g:float()):gsub('FloatTensor', 'CudaTensor')), tostring(g))
  end)
end)
