-- The Tensor API where it once differed from Torch7 without an error: numbers where
-- Torch7 gives numbers (select on 1-D, squeeze to one element, max/min without a dim),
-- the result-first functional forms, the constructor forms, x:sub as a sub-view, Torch7's
-- type names and its cat rule. Values worked out by hand, examples from Torch7's docs.
local H = require 'helpers'
local stn = H.stn
local T = stn.Tensor
local S = stn.Size.new

describe('Torch7 results: numbers, never an element-less 0-dim tensor', function()
  it('x:select(1, i) on a 1-D tensor is the number', function()
    local v = T({ 10, 20, 30 })
    assert.are.equal(20, v:select(1, 2))
    assert.are.equal('number', type(v:select(1, 3)))
    assert.are.equal(30, 10 + v:select(1, 2))
    local col = T({ { 1, 2 }, { 3, 4 } }):select(2, 2) -- {2, 4}, stride 2
    assert.are.equal(4, col:select(1, 2))
    H.assert_error(function() v:select(1, 4) end, 'Tensor:select', 'index 4 out of range for dimension 1 of size 3')
    assert.are.equal(10, v:select(2, 1)) -- Torch7 reads element i of a 1-D tensor whatever the dim
    H.assert_error(function() v:select(0, 1) end, 'Tensor:select', 'dimension 0 out of range for a 1-D tensor')
  end)

  H.cuda_it('x:select(1, i) on a 1-D CUDA tensor is the number', function()
    assert.are.equal(20, T({ 10, 20, 30 }):cuda():select(1, 2))
    assert.are.equal(7, T(1, 1):fill(7):cuda():squeeze())
  end)

  it('squeeze keeps one dim, and a single element comes back as the number (Torch7)', function()
    assert.are.equal(7, T(1, 1, 1):fill(7):squeeze())
    assert.are.equal(5, T({ 5 }):squeeze())
    assert.are.equal(5, T({ 5 }):squeeze(1))
    local one = T(1, 1):fill(3):squeeze(1) -- squeeze(d) of a 2-D tensor stays a tensor
    assert.are.same({ 1 }, one:size():totable())
    assert.are.same({ 2, 3 }, T(2, 1, 3):squeeze():size():totable())
    assert.are.same({ 2, 3 }, T(2, 1, 3):squeeze(2):size():totable())
    assert.are.same({ 2, 1, 3 }, T(2, 1, 3):squeeze(1):size():totable())
    local x = T({ { { 1, 2, 3 } } })
    local res = T()
    assert.are.equal(res, res:squeeze(x))
    assert.are.same({ 1, 2, 3 }, res:totable())
    res[2] = 9 -- a view of x
    assert.are.equal(9, x[1][1][2])
    local z = T(2, 1, 3)
    assert.are.equal(z, z:squeeze(z)) -- in place, as Torch7's x:squeeze(x)
    assert.are.same({ 2, 3 }, z:size():totable())
    local w = T(1, 1):fill(3)
    assert.are.equal(w, w:squeeze(w, 1)) -- a 2-D source: a tensor, though w is 1-D afterwards
    assert.are.same({ 1 }, w:size():totable())
  end)

  it('x:resize(y) with a tensor y is an error, as in Torch7 (not y\'s values as sizes)', function()
    H.assert_error(function() T(2):resize(T({ 2, 3 })) end, 'Tensor:resize', 'got a tensor')
    assert.are.same({ 2, 3 }, T(2):resizeAs(T(2, 3)):size():totable())
  end)

  it('refuses the forms that would give a 0-dim tensor', function()
    H.assert_error(function() T():unsqueeze(1) end, 'Tensor:unsqueeze', 'empty tensor')
    H.assert_error(function() T({ 4 }):view() end, 'Tensor:view', 'expected sizes')
    H.assert_error(function() T({ 4 }):view(S {}) end, 'Tensor:view', 'expected sizes')
  end)

  it('every view and reduction of a one-element tensor has a dimension', function()
    local x = T({ 4 })
    for name, r in pairs {
      view = x:view(1), narrow = x:narrow(1, 1, 1), sub = x:sub(1, 1), unsqueeze = x:unsqueeze(1),
      sum = x:sum(1), max = x:max(1), min = x:min(1), mean = x:mean(1), index = x:index(1, { 1 }),
      expand = x:expand(1), transpose = x:transpose(1, 1), clone = x:clone(), cat = stn.cat({ x }),
    } do
      assert.is_true(r:dim() >= 1 and r:nElement() == 1, name)
    end
  end)
end)

describe('Torch7 results: max and min', function()
  it('without a dim return one number', function()
    local x = T({ 3, -1, 2 })
    assert.are.equal(1, select('#', x:max()))
    assert.are.equal(1, select('#', x:min()))
    local t = {}
    table.insert(t, x:max())
    table.insert(t, x:min())
    assert.are.same({ 3, -1 }, t)
    assert.are.equal(1, select('#', stn.max(x)))
  end)

  it('with a dim return values and 1-based indices (the first of ties)', function()
    local m = T({ { 1, 5, 2 }, { 7, 0, 7 } })
    local v, i = m:max(2)
    assert.are.same({ { 5 }, { 7 } }, v:totable())
    assert.are.same({ { 2 }, { 1 } }, i:totable())
    v, i = m:min(2)
    assert.are.same({ { 1 }, { 0 } }, v:totable())
    assert.are.same({ { 1 }, { 2 } }, i:totable())
    H.assert_error(function() T():max(T(), m) end, 'Tensor:max', 'no dimension')
  end)
end)

describe('Torch7 functional forms, stn.f([res,] ...)', function()
  local x, y
  before_each(function() x, y = T({ 1, 2 }), T({ 10, 20 }) end)

  it('stn.zeros / ones / rand / randn resize and fill a given result', function()
    local res = T(5):fill(9)
    assert.are.equal(res, stn.zeros(res, 2, 3))
    assert.are.same({ { 0, 0, 0 }, { 0, 0, 0 } }, res:totable())
    assert.are.equal(res, stn.ones(res, S { 2 }))
    assert.are.same({ 1, 1 }, res:totable())
    assert.are.same({ { 1 }, { 1 } }, stn.ones(2, 1):totable())
    assert.are.same({ 0, 0, 0 }, stn.zeros(3):totable())
    assert.are.same({ 3 }, stn.rand(res, 3):size():totable())
    assert.is_true(res:min() >= 0 and res:max() < 1)
    assert.are.same({ 2, 2 }, stn.randn(2, 2):size():totable())
    assert.are.same({ 0, 0 }, T():zeros(2):totable()) -- Torch7's method forms
    assert.are.same({ 1, 1 }, T():ones(S { 2 }):totable())
  end)

  it('stn.add tells (x, y) from (res, x, y) by the arguments, as Torch7', function()
    assert.are.same({ 11, 22 }, stn.add(x, y):totable())
    assert.are.same({ 1, 2 }, x:totable())
    assert.are.same({ 6, 7 }, stn.add(x, 5):totable())
    assert.are.same({ 21, 42 }, stn.add(x, 2, y):totable())
    local res = T()
    assert.are.equal(res, stn.add(res, x, y))
    assert.are.same({ 11, 22 }, res:totable())
    stn.add(res, x, 2, y)
    assert.are.same({ 21, 42 }, res:totable())
    stn.add(res, x, 5)
    assert.are.same({ 6, 7 }, res:totable())
    assert.are.same({ -9, -18 }, stn.csub(res, x, y):totable())
    assert.are.same({ -19, -38 }, stn.csub(x, 2, y):totable())
  end)

  it('element-wise functions take a result first, and numbers where Torch7 does', function()
    local res = T()
    assert.are.same({ 10, 40 }, stn.cmul(res, x, y):totable())
    assert.are.same({ 201, 802 }, stn.addcmul(res, x, 2, y, y):totable())
    assert.are.same({ 1.5, 2 }, stn.cmax(res, x, 1.5):totable())
    assert.are.same({ 1.5, 1.75 }, stn.clamp(res, x, 1.5, 1.75):totable())
    assert.are.same({ 0, 1 }, stn.gt(res, x, 1):totable())
    assert.are.same({ 1, 4 }, stn.pow(res, x, 2):totable())
    assert.are.same({ 2, 4 }, stn.pow(2, x):totable())
    assert.are.same({ 1, 3 }, stn.abs(res, T({ -1, 3 })):totable())
    assert.are.equal(8, stn.pow(2, 3))
    assert.are.equal(3, stn.abs(-3))
    assert.are.equal(1, stn.exp(0))
    assert.are.equal(-2, stn.floor(-1.5))
    assert.are.equal(3, stn.round(2.5))
    assert.are.equal(-3, stn.round(-2.5))
    assert.are.equal(0.5, stn.sigmoid(0))
  end)

  it('products, index and cat take a result first', function()
    local a, b = T({ { 1, 2 }, { 3, 4 } }), T({ { 5, 6 }, { 7, 8 } })
    local res = T()
    assert.are.equal(res, stn.mm(res, a, b))
    assert.are.same({ { 19, 22 }, { 43, 50 } }, res:totable())
    local M = T(2, 2):fill(1)
    assert.are.same({ { 20, 23 }, { 44, 51 } }, stn.addmm(res, M, a, b):totable())
    assert.are.same({ { 20, 23 }, { 44, 51 } }, stn.addmm(M, a, b):totable())
    assert.are.same({ { 1, 1 }, { 1, 1 } }, M:totable())
    assert.are.same({ { 39, 45 }, { 87, 101 } }, stn.addmm(res, 1, M, 2, a, b):totable())
    assert.are.same({ 17, 39 }, stn.mv(res, a, T({ 5, 6 })):totable())
    assert.are.same({ { 3, 4 } }, stn.index(res, a, 1, { 2 }):totable())
    assert.are.equal(res, stn.cat(res, { x, y }, 1))
    assert.are.same({ 1, 2, 10, 20 }, res:totable())
    assert.are.same({ 10, 20, 1, 2 }, stn.cat(res, y, x):totable())
    assert.are.same({ 1, 2, 10, 20 }, stn.cat(x, y):totable())
  end)

  it('reductions take results first; stn.max(values, indices, x, d)', function()
    local m = T({ { 1, 2 }, { 3, 4 } })
    local res, idx = T(), stn.LongTensor() -- indices are Long, as in Torch7
    assert.are.equal(10, stn.sum(m))
    assert.are.equal(res, stn.sum(res, m, 1))
    assert.are.same({ { 4, 6 } }, res:totable())
    assert.are.same({ { 1.5 }, { 3.5 } }, stn.mean(res, m, 2):totable())
    assert.are.same({ { 3, 8 } }, stn.prod(m, 1):totable())
    assert.are.equal(1.25, stn.var(m, true)) -- mean 2.5, squares 2.25 + 0.25 + 0.25 + 2.25 over 4
    H.assert_near(stn.var(m), 5 / 3, 1e-12)
    assert.are.same({ { 1, 1 } }, stn.var(res, m, 1, true):totable())
    local v, i = stn.max(res, idx, m, 2)
    assert.are.equal(res, v)
    assert.are.equal(idx, i)
    assert.are.same({ { 2 }, { 4 } }, res:totable())
    assert.are.same({ { 2 }, { 2 } }, idx:totable())
    v, i = stn.min(m, 1)
    assert.are.same({ { 1, 2 } }, v:totable())
    assert.are.same({ { 1, 1 } }, i:totable())
    assert.are.equal(4, stn.max(m))
    local n = T({ { 3, 4 }, { 0, 0 } })
    assert.are.equal(res, stn.norm(res, n, 2, 2))
    assert.are.same({ { 5 }, { 0 } }, res:totable())
    assert.are.equal(7, stn.norm(n, 1))
    H.assert_error(function() stn.sum(res, m) end, 'stn: sum', 'expected (tensor) or ([res,] tensor, number); got (tensor, tensor)')
  end)

  it('randperm, squeeze, view and expand take a result first', function()
    local res = T()
    assert.are.equal(res, stn.randperm(res, 5))
    local seen = {}
    for k = 1, 5 do seen[res[k]] = true end
    for k = 1, 5 do assert.is_true(seen[k], 'value ' .. k) end
    assert.are.same({ 3 }, stn.squeeze(T(1, 3)):size():totable())
    local four = T({ 1, 2, 3, 4 })
    assert.are.equal(res, stn.view(res, four, 2, 2))
    assert.are.same({ { 1, 2 }, { 3, 4 } }, res:totable())
    assert.are.same({ { 1, 2 }, { 3, 4 } }, stn.view(four, S { 2, 2 }):totable())
    assert.are.same({ { 1, 2 }, { 3, 4 } }, T():viewAs(four, T(2, 2)):totable())
    assert.are.same({ { 1, 1, 1 }, { 2, 2, 2 } }, stn.expand(T({ { 1 }, { 2 } }), 2, 3):totable())
    assert.are.same({ { 1, 1 }, { 2, 2 } }, T():expandAs(T({ { 1 }, { 2 } }), T(2, 2)):totable())
  end)

  it('an undocumented form is an error listing the documented ones', function()
    H.assert_error(function() stn.add(x, 'a') end, 'stn: add',
      'expected ([res,] tensor, number), ([res,] tensor, tensor) or ([res,] tensor, number, tensor); got (tensor, string)')
    H.assert_error(function() stn.max(T(), x, 1) end, 'stn: max', '([resval, resind,] tensor, number)')
    H.assert_error(function() stn.zeros({ 2, 3 }) end, 'stn: zeros', '([res,] sizes...)', 'got (table)')
  end)

  H.cuda_it('new results are made on the inputs\' device', function()
    local g = x:cuda()
    assert.are.equal('torch.CudaTensor', stn.add(g, 1):type())
    assert.are.equal('torch.CudaTensor', stn.cat({ g, g }):type())
    assert.are.same({ 11, 22 }, stn.add(T():cuda(), g, y:cuda()):float():totable())
  end)

  H.cuda_it('a result-first view refuses a result on the other device, and keeps it as it was', function()
    local g, res = T(2, 1, 3):uniform():cuda(), T(4):fill(7)
    local want = 'cannot make a torch.FloatTensor a view of a torch.CudaTensor'
    H.assert_error(function() res:view(g, 6) end, 'Tensor:view', want)
    H.assert_error(function() res:squeeze(g) end, 'Tensor:squeeze', want)
    H.assert_error(function() res:expand(g, 2, 4, 3) end, 'Tensor:expand', want)
    assert.are.same({ 7, 7, 7, 7 }, res:totable())
  end)
end)

describe('Torch7 constructor forms', function()
  it('the tensor form takes only the tensor', function()
    local t = T(2, 2)
    H.assert_error(function() T(t, 5, 5) end, 'stn: FloatTensor', 'the tensor form stn.FloatTensor(x) takes only the tensor', '2 more arguments')
    assert.is_true(T(t):isSetTo(t))
  end)

  it('other forms with extra or unknown arguments are errors naming them', function()
    H.assert_error(function() T({ 1, 2 }, 3) end, 'stn: FloatTensor', 'the table form', '1 more argument')
    H.assert_error(function() T(S { 2, 3 }, 4) end, 'stn: FloatTensor', 'the size form', 'size objects')
    H.assert_error(function() T('abc') end, 'stn: FloatTensor', 'got a string')
    H.assert_error(function() T(true) end, 'stn: FloatTensor', 'got a boolean')
    H.assert_error(function() T(2, 'x') end, 'stn: FloatTensor', 'size 2 must be a non-negative integer')
  end)

  it('takes sizes and strides as two size objects (Torch7\'s example: stride 0)', function()
    local x = T(S { 4 }, S { 0 }):zero()
    x[1] = 1 -- all four elements are the same number
    assert.are.same({ 1, 1, 1, 1 }, x:totable())
    local y = T(S { 2, 2 }, S { 3, 1 })
    assert.are.same({ 3, 1 }, y:stride():totable())
    assert.are.same({ 6, 2 }, T(S { 2, 3 }, S { -1, 2 }):stride():totable()) -- negative: as contiguous as possible
    assert.are.same({ 3, 1 }, T(S { 2, 3 }, S { -1, -1 }):stride():totable())
    H.assert_error(function() T(S { 2, 3 }, S { 1 }) end, 'stn: FloatTensor', '2 sizes but 1 strides')
  end)
end)

describe('Torch7 queries', function()
  it('isSetTo compares strides too, and is false without a storage', function()
    local x = T(2, 2)
    assert.is_true(T():set(x):isSetTo(x))
    assert.is_false(x:t():isSetTo(x)) -- same storage, offset and sizes; other strides
    assert.is_false(T():isSetTo(T()))
  end)

  it('isSize compares the sizes with a size object', function()
    local x = T(4, 5)
    assert.is_true(x:isSize(S { 4, 5 }))
    assert.is_false(x:isSize(S { 5, 4, 1 }))
    assert.is_true(x:isSize(x:size()))
  end)

end)

describe('x:set() with no argument (Torch7: clearState\'s idiom)', function()
  it('makes x empty, without a storage, and leaves the tensor it viewed alone', function()
    local x = T({ 1, 2, 3 })
    local v = T():set(x)
    assert.are.equal(v, v:set())
    assert.are.equal(0, v:dim())
    assert.are.equal(0, v:nElement())
    assert.is_false(v:isSetTo(x))
    assert.are.same({ 1, 2, 3 }, x:totable())
    v:resize(2):fill(0) -- a fresh storage, not x's
    assert.are.same({ 1, 2, 3 }, x:totable())
    H.assert_error(function() v:set(nil) end, 'Tensor:set', 'expected a tensor', 'got nil')
  end)
end)

describe('x.new, the constructor of x\'s type (Torch7)', function()
  it('x.new() is a new empty tensor, x.new(sizes) a new tensor of those sizes', function()
    local x = T({ 1, 2, 3 })
    local e = x.new()
    assert.are.equal(0, e:dim())
    assert.are.equal('torch.FloatTensor', e:type())
    local m = x.new(2, 3)
    assert.are.same({ 2, 3 }, m:size():totable())
    assert.is_false(m:isSetTo(x))
    m:fill(7)
    assert.are.same({ 1, 2, 3 }, x:totable()) -- nothing shared with x
    assert.are.same({ { 5, 6 } }, x.new({ { 5, 6 } }):totable())
    assert.are.same({ 4 }, x.new(S { 4 }):size():totable())
  end)

  it('x:new() and x.new(x) are views of x, as Torch7\'s constructor given a tensor', function()
    local x = T({ { 1, 2 }, { 3, 4 } }):t()
    local v = x:new()
    assert.is_true(v:isSetTo(x)) -- same storage, offset, sizes and strides
    v[{ 1, 2 }] = 30
    assert.are.equal(30, x[{ 1, 2 }])
    assert.is_true(x.new(x):isSetTo(x))
  end)

  it('extra arguments after a tensor stay an error, as for stn.Tensor(x, ...)', function()
    local x = T(2)
    H.assert_error(function() return x:new(2, 3) end, 'stn: FloatTensor', 'takes only the tensor')
  end)

  it('reading x.new allocates nothing: the same function each time', function()
    local x, y = T(2), T(3, 3)
    assert.are.equal(x.new, y.new)
    assert.are.equal(stn.Tensor.new, x.new)
    assert.are.same({ 2 }, stn.Tensor.new(2):size():totable())
  end)

  H.cuda_it('x.new on a CUDA tensor makes CUDA tensors', function()
    local g = T({ 1, 2 }):cuda()
    assert.are.equal('torch.CudaTensor', g.new():type())
    assert.are.equal('torch.CudaTensor', g.new(4):type())
    assert.is_true(g:new():isSetTo(g))
    assert.are.equal('torch.CudaTensor', stn.CudaTensor.new(3):type())
    H.assert_error(function() return g.new(T(2)) end, 'cannot view a torch.FloatTensor as a torch.CudaTensor')
  end)
end)

describe('x:sub, Torch7\'s sub-view', function()
  it('narrows the first dims from start to end (Torch7\'s 5x6 example)', function()
    local x = T(5, 6):zero()
    local y = x:sub(2, 4):fill(1)
    assert.are.same({ 3, 6 }, y:size():totable())
    local z = x:sub(2, 4, 3, 4):fill(2)
    assert.are.same({ 3, 2 }, z:size():totable())
    assert.are.same({
      { 0, 0, 0, 0, 0, 0 },
      { 1, 1, 2, 2, 1, 1 },
      { 1, 1, 2, 2, 1, 1 },
      { 1, 1, 2, 2, 1, 1 },
      { 0, 0, 0, 0, 0, 0 },
    }, x:totable())
    assert.are.same({ { 2, 2 } }, y:sub(-1, -1, 3, 4):totable())
    assert.are.same({ 1, 6 }, x:sub(-5, 1):size():totable())
  end)

  it('checks its indices and says subtraction is csub', function()
    local x = T(2, 3)
    H.assert_error(function() x:sub(2) end, 'Tensor:sub', 'expected pairs of indices', 'csub')
    H.assert_error(function() x:sub(0, 1) end, 'Tensor:sub', 'dimension 1: range 0 to 1 out of range for size 2')
    H.assert_error(function() x:sub(1, 2, 1, 4) end, 'Tensor:sub', 'dimension 2: range 1 to 4 out of range for size 3')
    H.assert_error(function() x:sub(2, 1) end, 'Tensor:sub', 'ends before it starts')
    H.assert_error(function() x:sub(1, 1, 1, 1, 1, 1) end, 'Tensor:sub', '3 index ranges given for a 2-D tensor')
    H.assert_error(function() x:sub(1.5, 2) end, 'Tensor:sub', 'start index must be an integer')
  end)

  it('subtraction is csub with every form of add', function()
    local x, y = T({ 5, 7 }), T({ 1, 2 })
    assert.are.same({ 3, 5 }, x:clone():csub(2):totable())
    assert.are.same({ 4, 5 }, x:clone():csub(y):totable())
    assert.are.same({ 3, 3 }, x:clone():csub(2, y):totable())
    assert.are.same({ 4, 6 }, T():csub(x, 1):totable())
    assert.are.same({ 4, 5 }, T():csub(x, y):totable())
    assert.are.same({ 3, 3 }, T():csub(x, 2, y):totable())
    assert.are.same({ 3, 5 }, (x - 2):totable())
  end)
end)

describe('Torch7 type names', function()
  it('x:type(), stn.type and stn.typename say torch.FloatTensor', function()
    local x = T(2)
    assert.are.equal('torch.FloatTensor', x:type())
    assert.are.equal('torch.FloatTensor', stn.type(x))
    assert.are.equal('torch.FloatTensor', stn.typename(x))
    assert.truthy(stn.typename(x):find('torch%..+Tensor'))
    assert.are.equal('number', stn.type(5))
    assert.is_nil(stn.typename(5)) -- as torch.typename
    assert.are.equal('nn.Linear', stn.typename(stn.nn.Linear(2, 2)))
    assert.truthy(tostring(x):find('[torch.FloatTensor of size 2]', 1, true))
  end)

  it('x:type(name) of its own type is x itself; stn\'s former names still work', function()
    local x = T(2)
    assert.are.equal(x, x:type('torch.FloatTensor'))
    assert.are.equal(x, x:type('stn.FloatTensor'))
    assert.are.equal(x, x:typeAs(T()))
    assert.are.equal(x, x:float())
  end)

  it('a type stn does not have is an error, never a silent float', function()
    local x = T(2):zero() -- (converting to Char needs values: uninitialized memory may hold a NaN)
    for _, name in ipairs { 'torch.BoolTensor', 'torch.CudaBoolTensor', 'torch.ComplexFloatTensor' } do
      H.assert_error(function() x:type(name) end, 'Tensor:type', 'stn has no ' .. name)
    end
    assert.are.equal('torch.CharTensor', x:char():type())
    assert.are.equal('torch.HalfTensor', x:half():type())
    H.assert_error(function() x:type('floats') end, 'Tensor:type', "unknown tensor type 'floats'")
  end)

  it('stn.load gives modules saved under the former names Torch7\'s', function()
    local dir = os.getenv('TMPDIR') or '/tmp'
    local path = dir .. '/stn_tensor_torch7_spec_' .. tostring(os.time()) .. '.stn'
    local m = stn.nn.Linear(2, 2)
    m._type = 'stn.CudaTensor' -- as files written before the rename say
    stn.save(path, m)
    assert.are.equal('torch.FloatTensor', stn.load(path)._type)
    m._type = 'stn.FloatTensor'
    stn.save(path, m)
    assert.are.equal('torch.FloatTensor', stn.load(path):type())
    os.remove(path)
  end)
end)

describe('Torch7\'s cat rule', function()
  it('an empty list is an error', function()
    H.assert_error(function() stn.cat({}) end, 'stn: cat', 'got ({} (empty))')
    H.assert_error(function() T():cat({}) end, 'Tensor:cat', 'non-empty list')
  end)

  it('skips empty tensors; only empty ones give an empty tensor (Torch7\'s examples)', function()
    assert.are.same({ 1, 1, 1, 0, 0 }, stn.cat(stn.ones(3), stn.zeros(2)):totable())
    assert.are.same({ { 1, 1 }, { 1, 1 }, { 1, 1 }, { 0, 0 }, { 0, 0 } }, stn.cat(stn.ones(3, 2), stn.zeros(2, 2), 1):totable())
    assert.are.same({ { 1, 1, 0, 0 }, { 1, 1, 0, 0 } }, stn.cat(stn.ones(2, 2), stn.zeros(2, 2), 2):totable())
    assert.are.same({ 3, 2 }, stn.cat({ T(), stn.ones(3, 2) }, 1):size():totable())
    assert.are.equal(0, stn.cat({ T(), T() }):dim())
    assert.are.equal(0, T(3):cat({ T() }):dim())
  end)

  it('x:cat(y [, d]) is a new tensor with x first, x unchanged (Torch7\'s method form)', function()
    local x, y = T({ 1, 2 }), T({ 3, 4 })
    local r = x:cat(y)
    assert.are.same({ 1, 2, 3, 4 }, r:totable())
    assert.are.same({ 1, 2 }, x:totable())
    assert.are_not.equal(x.mem, r.mem)
    assert.are.same({ 1, 2, 3, 4 }, x:cat(y, 1):totable())
    assert.are.same({ { 1, 3 }, { 2, 4 } }, x:cat(y, 2):totable())
    assert.are.same({ 1, 2 }, x:totable())
    local m = T({ { 1 }, { 2 } })
    assert.are.same({ { 1, 5 }, { 2, 6 } }, m:cat(T({ { 5 }, { 6 } }), -1):totable())
    assert.are.same({ { 1 }, { 2 } }, m:totable())
  end)

  it('res:cat(x1, x2 [, d]) and res:cat({list} [, d]) write into res', function()
    local res = T(5):fill(9)
    assert.are.equal(res, res:cat(T({ 1, 2 }), T({ 3 })))
    assert.are.same({ 1, 2, 3 }, res:totable())
    assert.are.equal(res, res:cat(T({ 1 }), T({ 2 }), 2))
    assert.are.same({ { 1, 2 } }, res:totable())
    assert.are.equal(res, res:cat({ T({ 4 }), T({ 5 }), T({ 6 }) }, 1))
    assert.are.same({ 4, 5, 6 }, res:totable())
    H.assert_error(function() res:cat(5) end, 'Tensor:cat', 'x:cat(y [, dim])', 'got a number')
  end)

  it('skips tensors with a dim of size 0 when another input has elements', function()
    local m = T({ { 1, 2, 3 }, { 4, 5, 6 } })
    assert.are.same({ { 1, 2, 3 }, { 4, 5, 6 } }, stn.cat({ T(0), m }, 1):totable())
    assert.are.same({ { 1, 2, 3 }, { 4, 5, 6 } }, stn.cat({ m, T(2, 0), T(0, 7) }, 1):totable())
    assert.are.same({ { 1, 2, 3, 4, 5, 6 } }, T(0):cat(m:view(1, 6)):totable())
    -- none has elements: joined when their sizes agree, else nothing to join
    assert.are.same({ 5, 0 }, stn.cat({ T(2, 0), T(3, 0) }, 1):size():totable())
    assert.are.equal(0, stn.cat({ T(0), T(2, 0) }, 1):dim())
  end)

  H.cuda_it('x:cat(y) of CUDA tensors is a new CUDA tensor', function()
    local x = T({ 1, 2 }):cuda()
    local r = x:cat(T({ 3 }):cuda())
    assert.are.equal('torch.CudaTensor', r:type())
    assert.are.same({ 1, 2, 3 }, r:totable())
    assert.are.same({ 1, 2 }, x:totable())
  end)

  it('counts missing trailing dims as size 1, so vectors join as columns', function()
    assert.are.same({ { 1, 3 }, { 2, 4 } }, stn.cat(T({ 1, 2 }), T({ 3, 4 }), 2):totable())
    assert.are.same({ { 1, 3 }, { 2, 4 } }, stn.cat(T({ { 1 }, { 2 } }), T({ 3, 4 }), 2):totable())
    local r = stn.cat(T({ { 1, 2 }, { 3, 4 } }), T({ { 5, 6 }, { 7, 8 } }), 3)
    assert.are.same({ { { 1, 5 }, { 2, 6 } }, { { 3, 7 }, { 4, 8 } } }, r:totable())
    assert.are.same({ 1, 2, 3, 4 }, stn.cat(T({ 1, 2 }), T({ 3, 4 }), -1):totable())
  end)
end)

describe('Torch7 names stn does not have yet', function()
  it('a Torch7 Tensor method raises "not supported yet" at the caller\'s line', function()
    local x = T({ { 1, 2 }, { 3, 4 } })
    local err = H.assert_error(function() local y = x:potrf(); return y end,
      'stn: Tensor:potrf: not supported yet')
    assert.truthy(err:find('tensor_torch7_spec.lua', 1, true))
    for _, name in ipairs { 'gels', 'potri', 'svd' } do
      H.assert_error(function() local y = x[name](x); return y end, 'stn: Tensor:' .. name .. ': not supported yet')
    end
  end)

  it('a Torch7 function raises "not supported yet"; setdefaulttensortype takes the float type', function()
    H.assert_error(function() local y = stn.symeig(T(3), 1); return y end, 'stn: symeig: not supported yet')
    H.assert_error(function() local y = stn.gels(T(3), T(3)); return y end, 'stn: gels: not supported yet')
    H.assert_error(function() local y = stn.DiskFile('x'); return y end, 'stn: DiskFile: not supported yet')
    assert.are.equal('torch.FloatTensor', stn.getdefaulttensortype())
    stn.setdefaulttensortype('torch.FloatTensor')
    H.assert_error(function() stn.setdefaulttensortype('torch.LongTensor') end, 'stn: setdefaulttensortype',
      'not torch.LongTensor')
  end)

  it('other unknown names read as nil, as in Torch7, and methods stn has are not shadowed', function()
    local x = T(2)
    assert.is_nil(x.foo)
    assert.is_nil(x.permuted)
    assert.is_nil(stn.foo)
    assert.are.equal(stn.Tensor.add, x.add)
    assert.are.equal(5, T({ 2, 3 }):sum())
  end)

  it('every listed Torch7 name is stn\'s own or raises', function()
    local names, methods = require 'stn.tensor.torch7_names', require 'stn.Tensor'
    local x = T(2)
    for name in pairs(names.methods) do
      local f = x[name]
      assert.are.equal('function', type(f), name)
      if methods[name] == nil then
        H.assert_error(function() local y = f(x); return y end, 'Tensor:' .. name .. ': not supported yet')
      end
    end
    for name in pairs(names.functions) do assert.is_not_nil(stn[name], name) end
  end)
end)

describe('new called on the class (Torch7)', function()
  it('stn.Tensor.new() / FloatTensor.new(sizes) make tensors; x.new without self too', function()
    assert.are.equal(0, stn.Tensor.new():dim())
    assert.are.same({ 2, 3 }, stn.FloatTensor.new(2, 3):size():totable())
    assert.are.same({ 2, 3 }, stn.FloatTensor.new(stn.Size.new { 2, 3 }):size():totable())
    local x = T(4)
    assert.are.equal('torch.FloatTensor', x.new():type())
    assert.are.same({ 5 }, x.new(5):size():totable())
    assert.is_true(x:new():isSetTo(x))
  end)
end)
