-- nn modules along a dimension: Narrow, Select, Squeeze, Unsqueeze, Replicate, Sum,
-- Mean, Max, Min (hand values, Torch7's dim rules, Jacobians on Float and Double, bad
-- input, printing). CPU vs CUDA: their rows in spec/conformance_table.lua.
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

local function T(v) return stn.Tensor(v) end
local function sizes(t) return t:size():totable() end
local function jac(m, x) H.check_jacobian(m, x, { eps = 1e-3, tol = 2e-3 }) end
local function jac_double(m, x) H.check_jacobian(m:double(), x:double(), { eps = 1e-6, tol = 1e-5 }) end

local X = T({ { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 9, 10, 11, 12 } })

describe('nn.Narrow', function()
  it('copies a window, zeros elsewhere in the gradient', function()
    local m = nn.Narrow(2, 2, 2)
    local out = m:forward(X)
    H.assert_equal(out, T({ { 2, 3 }, { 6, 7 }, { 10, 11 } }))
    assert.are_not.equal(X.mem, out.mem) -- a copy
    local g = m:backward(X, T({ { 1, 1 }, { 2, 2 }, { 3, 3 } }))
    H.assert_equal(g, T({ { 0, 1, 1, 0 }, { 0, 2, 2, 0 }, { 0, 3, 3, 0 } }))
    H.assert_equal(nn.Narrow(1, 3):forward(X), T({ { 9, 10, 11, 12 } })) -- length 1
  end)

  it('takes Torch7\'s negative dim, length and offset', function()
    local x = H.rand({ 9, 4, 14 })
    H.assert_equal(nn.Narrow(1, 3, -3):forward(x), x:narrow(1, 3, 5)) -- -1: up to the end
    H.assert_equal(nn.Narrow(-2, 2, 3):forward(x), x:narrow(2, 2, 3))
    H.assert_equal(nn.Narrow(-1, 2, -2):forward(x), x:narrow(3, 2, 12))
    -- a negative offset starts at 1, length size - length (nn HEAD's rule, its test #5)
    local y = H.rand({ 3, 10, 4 })
    local m = nn.Narrow(2, -1, 7)
    H.assert_equal(m:forward(y), y:narrow(2, 1, 3))
    local go = H.rand({ 3, 3, 4 })
    local expected = stn.Tensor(3, 10, 4):zero()
    expected:narrow(2, 1, 3):copy(go)
    H.assert_equal(m:backward(y, go), expected)
  end)

  it('passes the Jacobian check on Float and Double', function()
    jac(nn.Narrow(2, 2, -2), H.rand({ 3, 5, 2 }))
    jac_double(nn.Narrow(-1, 1, 1), H.rand({ 3, 5, 2 }))
  end)

  it('refuses a bad input and prints as Torch7', function()
    H.assert_error(function() nn.Narrow(1) end, 'nn.Narrow', 'offset must be a non-zero integer', 'nil')
    H.assert_error(function() nn.Narrow(0, 1) end, 'nn.Narrow', 'dimension must be a non-zero integer')
    H.assert_error(function() nn.Narrow(1, 1, 0.5) end, 'nn.Narrow', 'length must be a non-zero integer', '0.5')
    H.assert_error(function() nn.Narrow(2, 3, 3):forward(X) end, 'nn.Narrow', 'elements 3 to 5', 'dimension 2 of size 4')
    H.assert_error(function() nn.Narrow(3, 1):forward(X) end, 'nn.Narrow', 'dimension 3 is out of range', '3x4')
    H.assert_error(function() nn.Narrow(1, 1):forward({ X }) end, 'nn.Narrow', 'input must be a tensor')
    H.assert_error(function() nn.Narrow(1, 1):forward(X:double()) end, 'nn.Narrow', 'torch.DoubleTensor')
    local m = nn.Narrow(1, 1, 2)
    m:forward(X)
    H.assert_error(function() m:backward(X, T({ 1, 2 })) end, 'nn.Narrow', 'gradOutput (2) does not match', '2x4')
    assert.are.equal('nn.Narrow', tostring(m))
  end)
end)

describe('nn.Select', function()
  it('copies a slice, negative dim and index from the end', function()
    H.assert_equal(nn.Select(1, 2):forward(X), T({ 5, 6, 7, 8 }))
    H.assert_equal(nn.Select(-1, -1):forward(X), T({ 4, 8, 12 }))
    local m = nn.Select(2, 3)
    m:forward(X)
    H.assert_equal(m:backward(X, T({ 1, 2, 3 })), T({ { 0, 0, 1, 0 }, { 0, 0, 2, 0 }, { 0, 0, 3, 0 } }))
  end)

  it('passes the Jacobian check on Float and Double', function()
    jac(nn.Select(2, -2), H.rand({ 3, 4, 2 }))
    jac_double(nn.Select(-1, 1), H.rand({ 3, 4, 2 }))
  end)

  it('refuses a bad input and prints as Torch7', function()
    H.assert_error(function() nn.Select(1) end, 'nn.Select', 'index must be a non-zero integer', 'nil')
    H.assert_error(function() nn.Select(1, 4):forward(X) end, 'nn.Select', 'index 4 is out of range', 'size 3')
    H.assert_error(function() nn.Select(-3, 1):forward(X) end, 'nn.Select', 'dimension -3 (0) is out of range')
    H.assert_error(function() nn.Select(1, 1):forward(T({ 1, 2 })) end, 'nn.Select', '2 or more dims')
    local m = nn.Select(1, 1)
    m:forward(X)
    H.assert_error(function() m:backward(X, T({ 1, 2 })) end, 'nn.Select', 'gradOutput (2) does not match', '4')
    assert.are.equal('nn.Select', tostring(m))
  end)
end)

describe('nn.Squeeze and nn.Unsqueeze', function()
  it('squeeze size-1 dims as Torch7, batches included', function()
    local x = H.rand({ 2, 1, 3 })
    local out = nn.Squeeze():forward(x)
    assert.are.same({ 2, 3 }, sizes(out))
    assert.are.equal(x.mem, out.mem) -- a view
    assert.are.same({ 2, 1, 3 }, sizes(nn.Squeeze():backward(x, out)))
    local y = H.rand({ 2, 1, 1, 3 })
    assert.are.same({ 2, 1, 3 }, sizes(nn.Squeeze(2):forward(y)))
    assert.are.same({ 2, 1, 3 }, sizes(nn.Squeeze(2, 3):forward(y))) -- batch: dim 3
    assert.are.same({ 1, 1, 3 }, sizes(nn.Squeeze(2, 3):forward(H.rand({ 1, 1, 1, 3 }))))
    assert.are.same({ 1, 3 }, sizes(nn.Squeeze(nil, 3):forward(H.rand({ 1, 1, 1, 3 })))) -- a batch of one keeps its 1
    assert.are.same({ 2, 3 }, sizes(nn.Squeeze(1):forward(H.rand({ 2, 3 })))) -- not of size 1: unchanged
    assert.are.same({ 1 }, sizes(nn.Squeeze():forward(H.rand({ 1, 1 }))))
  end)

  it('unsqueeze at a position as Torch7, batches included', function()
    local x = H.rand({ 2, 3, 4 })
    assert.are.same({ 1, 2, 3, 4 }, sizes(nn.Unsqueeze(1):forward(x)))
    assert.are.same({ 2, 3, 4, 1 }, sizes(nn.Unsqueeze(4):forward(x)))
    local m = nn.Unsqueeze(2)
    local out = m:forward(x)
    assert.are.same({ 2, 1, 3, 4 }, sizes(out))
    assert.are.equal(x.mem, out.mem)
    H.assert_equal(m:backward(x, out), x)
    assert.are.same({ 5, 2, 1, 3, 4 }, sizes(nn.Unsqueeze(2, 3):forward(H.rand({ 5, 2, 3, 4 }))))
    assert.are.same({ 1, 1, 3, 2, 1 }, sizes(nn.Unsqueeze(3, 2):forward(H.rand({ 1, 1, 3, 2 }))))
    assert.are.same({ 1, 1 }, sizes(nn.Unsqueeze(1):forward(H.rand({ 1 }))))
    -- as Torch7: numInputDims is fixed by the first input when not given
    local u = nn.Unsqueeze(1)
    u:forward(x)
    assert.are.same({ 5, 1, 2, 3, 4 }, sizes(u:forward(H.rand({ 5, 2, 3, 4 }))))
  end)

  it('pass the Jacobian check on Float and Double', function()
    jac(nn.Squeeze(), H.rand({ 3, 1, 2 }))
    jac(nn.Unsqueeze(2), H.rand({ 3, 2 }))
    jac_double(nn.Squeeze(2, 2), H.rand({ 3, 2, 1, 2 }))
    jac_double(nn.Unsqueeze(3), H.rand({ 3, 2 }))
  end)

  it('refuse a bad input and print as Torch7', function()
    H.assert_error(function() nn.Squeeze(0) end, 'nn.Squeeze', 'dim must be a positive integer or nil', '0')
    H.assert_error(function() nn.Squeeze(1, 0) end, 'nn.Squeeze', 'numInputDims must be a positive integer')
    H.assert_error(function() nn.Squeeze(4):forward(X) end, 'nn.Squeeze', 'dim 4 is out of range', '3x4')
    H.assert_error(function() nn.Squeeze():forward({}) end, 'nn.Squeeze', 'input must be a tensor')
    H.assert_error(function() nn.Squeeze():backward(X, T({ 1 })) end, 'nn.Squeeze', 'gradOutput (1)', '12 elements')
    H.assert_error(function() nn.Unsqueeze() end, 'nn.Unsqueeze', 'pos', 'must be an integer', 'nil')
    H.assert_error(function() nn.Unsqueeze(4):forward(X) end, 'nn.Unsqueeze', 'position 4 is out of range', '3x4')
    H.assert_error(function() nn.Unsqueeze(1, 3):forward(X) end, 'nn.Unsqueeze', 'numInputDims (3)', '2 dims')
    H.assert_error(function() nn.Unsqueeze(1):backward(X, T({ 1 })) end, 'nn.Unsqueeze', 'gradOutput (1)')
    assert.are.equal('nn.Squeeze', tostring(nn.Squeeze()))
    assert.are.equal('nn.Unsqueeze(dim 2)', tostring(nn.Unsqueeze(2)))
  end)
end)

describe('nn.Replicate', function()
  it('repeats along a new dim without a copy, summing the gradient back', function()
    local v = T({ 1, 2, 3 })
    local out = nn.Replicate(2):forward(v)
    H.assert_equal(out, T({ { 1, 2, 3 }, { 1, 2, 3 } }))
    assert.are.equal(v.mem, out.mem)
    assert.are.equal(0, out:stride(1))
    local m = nn.Replicate(2, 2)
    H.assert_equal(m:forward(v), T({ { 1, 1 }, { 2, 2 }, { 3, 3 } }))
    H.assert_equal(m:backward(v, T({ { 1, 2 }, { 3, 4 }, { 5, 6 } })), T({ 3, 7, 11 }))
    -- batch (ndim 1): a 4x3 input replicates along dim 2 or 3
    local b = H.rand({ 4, 3 })
    assert.are.same({ 4, 2, 3 }, sizes(nn.Replicate(2, 1, 1):forward(b)))
    local o = nn.Replicate(2, 2, 1):forward(b)
    assert.are.same({ 4, 3, 2 }, sizes(o))
    H.assert_equal(o:select(3, 2), b)
  end)

  it('passes the Jacobian check on Float and Double', function()
    jac(nn.Replicate(3, 2), H.rand({ 2, 4 }))
    jac_double(nn.Replicate(2, 1, 1), H.rand({ 2, 4 }))
  end)

  it('refuses a bad input and prints as Torch7', function()
    H.assert_error(function() nn.Replicate() end, 'nn.Replicate', 'nFeature must be a positive integer', 'nil')
    H.assert_error(function() nn.Replicate(2, 0) end, 'nn.Replicate', 'dim must be a positive integer', '0')
    H.assert_error(function() nn.Replicate(2, 4):forward(X) end, 'nn.Replicate', 'dimension 4 of a 2-D input')
    local m = nn.Replicate(2)
    m:forward(X)
    H.assert_error(function() m:backward(X, H.rand({ 3, 2, 4 })) end, 'nn.Replicate', 'gradOutput (3x2x4)', '2x3x4')
    assert.are.equal('nn.Replicate', tostring(m))
  end)
end)

describe('nn.Sum and nn.Mean', function()
  it('sum along a dim as Torch7: negative dims, batches, sizeAverage, squeeze', function()
    H.assert_equal(nn.Sum(-1):forward(T({ 1, 2, 3 })), T({ 6 }))
    H.assert_equal(nn.Sum():forward(X), T({ 15, 18, 21, 24 }))
    local two = T({ { 1, 2, 3 }, { 4, 5, 6 } })
    H.assert_equal(nn.Sum(1, 1):forward(two), T({ 6, 15 }))
    H.assert_equal(nn.Sum(1, 1, true):forward(two), T({ 2, 5 }))
    local keep = nn.Sum(1, nil, nil, false):forward(two)
    assert.are.same({ 1, 3 }, sizes(keep))
    H.assert_equal(keep, T({ { 5, 7, 9 } }))
    assert.are.same({ 2, 1 }, sizes(nn.Sum(1, 1, nil, false):forward(two)))
    local m = nn.Sum(2, nil, true)
    m:forward(two)
    H.assert_near(m:backward(two, T({ 3, 6 })), T({ { 1, 1, 1 }, { 2, 2, 2 } }), 1e-7)
    H.assert_equal(nn.Mean(2):forward(two), T({ 2, 5 }))
    assert.is_true(nn.Mean(1).sizeAverage)
    -- a non-contiguous gradOutput
    local s = nn.Sum(1)
    s:forward(H.rand({ 2, 3, 4 }))
    local g = H.rand({ 4, 3 }):t()
    H.assert_equal(s:backward(H.rand({ 2, 3, 4 }), g):select(1, 2), g)
  end)

  it('pass the Jacobian check on Float and Double', function()
    jac(nn.Sum(2), H.rand({ 3, 4, 2 }))
    jac(nn.Mean(-1), H.rand({ 3, 4, 2 }))
    jac(nn.Sum(1, 1, true, false), H.rand({ 3, 4 }))
    jac_double(nn.Sum(1, 2), H.rand({ 3, 4, 2 }))
    jac_double(nn.Mean(1), H.rand({ 5 }))
  end)

  it('refuse a bad input and print as Torch7', function()
    H.assert_error(function() nn.Sum(0) end, 'nn.Sum', 'dimension must be a non-zero integer')
    H.assert_error(function() nn.Sum(1, nil, 1) end, 'nn.Sum', 'sizeAverage must be true, false or nil', '1')
    H.assert_error(function() nn.Sum(1, nil, nil, 'no') end, 'nn.Sum', 'squeeze must be true, false or nil')
    H.assert_error(function() nn.Sum(3):forward(X) end, 'nn.Sum', 'dimension 3 is out of range', '3x4')
    H.assert_error(function() nn.Mean(0.5) end, 'nn.Mean', 'dimension must be a non-zero integer', '0.5')
    local m = nn.Sum(1)
    m:forward(X)
    H.assert_error(function() m:backward(X, T({ 1, 2 })) end, 'nn.Sum', 'gradOutput (2) does not match', '4')
    assert.are.equal('nn.Sum', tostring(m))
    assert.are.equal('nn.Mean', tostring(nn.Mean()))
  end)
end)

describe('nn.Max and nn.Min', function()
  it('take the extremes along a dim, the gradient at their positions', function()
    local x = T({ { 1, 9, 3 }, { 7, 2, 8 } })
    local m = nn.Max(2)
    H.assert_equal(m:forward(x), T({ 9, 8 }))
    assert.are.equal('torch.LongTensor', stn.type(m._indices))
    H.assert_equal(m._indices, T({ { 2 }, { 3 } }))
    H.assert_equal(m:backward(x, T({ 5, 6 })), T({ { 0, 5, 0 }, { 0, 0, 6 } }))
    local n = nn.Min(1)
    H.assert_equal(n:forward(x), T({ 1, 2, 3 }))
    H.assert_equal(n:backward(x, T({ 1, 2, 3 })), T({ { 1, 0, 3 }, { 0, 2, 0 } }))
    H.assert_equal(nn.Max(1, 1):forward(x), T({ 9, 8 })) -- batch
    H.assert_equal(nn.Min(-1):forward(x), T({ 1, 2 }))
    local one = nn.Max()
    H.assert_equal(one:forward(T({ 4, 6, 5 })), T({ 6 })) -- 1-D keeps its dim
    H.assert_equal(one:backward(T({ 4, 6, 5 }), T({ 2 })), T({ 0, 2, 0 }))
  end)

  it('pass the Jacobian check on Float and Double', function()
    jac(nn.Max(2), H.rand({ 3, 5, 2 }))
    jac(nn.Min(-1), H.rand({ 3, 5, 2 }))
    jac_double(nn.Max(1, 2), H.rand({ 3, 5, 2 }))
    jac_double(nn.Min(1), H.rand({ 6 }))
  end)

  it('keep their indices as a LongTensor through :double() and clearState', function()
    local m = nn.Max(1):double()
    m:forward(H.rand({ 3, 2 }):double())
    assert.are.equal('torch.LongTensor', stn.type(m._indices))
    assert.are.equal('torch.DoubleTensor', stn.type(m.output))
    m:clearState()
    assert.is_nil(m._indices)
    m:float()
    m:forward(H.rand({ 3, 2 }))
    assert.are.equal('torch.LongTensor', stn.type(m._indices))
  end)

  it('refuse a bad input and print as Torch7', function()
    for _, M in ipairs { nn.Max, nn.Min } do
      local name = stn.type(M())
      H.assert_error(function() M(0) end, name, 'dimension must be a non-zero integer')
      H.assert_error(function() M(1, -1) end, name, 'nInputDims must be a positive integer')
      H.assert_error(function() M(3):forward(X) end, name, 'dimension 3 is out of range')
      H.assert_error(function() M(1):backward(X, T({ 1, 2, 3, 4 })) end, name, 'backward before forward')
      local m = M(1)
      m:forward(X)
      H.assert_error(function() m:backward(X, T({ 1, 2 })) end, name, 'gradOutput (2) does not match', '4')
      H.assert_error(function() m:forward(X:double()) end, name, 'torch.DoubleTensor')
      assert.are.equal(name, tostring(m))
    end
  end)
end)

describe('the table and dimension modules through stn.save / stn.load', function()
  local path = os.tmpname()
  local function roundtrip(m)
    stn.save(path, m)
    return stn.load(path)
  end
  after_each(function() os.remove(path) end)

  it('come back working, and a bad field is refused with its path', function()
    local x = H.rand({ 3, 4, 5 })
    for _, m in ipairs { nn.Narrow(2, 2, -1), nn.Select(-1, 2), nn.Squeeze(2, 2), nn.Unsqueeze(2), nn.Replicate(2, 3),
      nn.Sum(2, nil, true), nn.Mean(-1), nn.Max(3), nn.Min(1, 2), nn.SplitTable(2) } do
      local out = m:forward(x)
      if stn.type(m) == 'nn.Replicate' then
        -- its output (stride 0) cannot be saved as it is: stn.save says so; clearState first
        H.assert_error(function() stn.save(path, m) end, 'object.output', 'overlaps', 'x:clone()')
        m:clearState()
      end
      local back = roundtrip(m)
      assert.are.equal(stn.type(m), stn.type(back))
      local again = back:forward(x)
      if type(out) == 'table' then H.assert_equal(again[2], out[2]) else H.assert_equal(again, out) end
    end
    local tables = { nn.CAddTable(), nn.CSubTable(), nn.CMulTable(), nn.CDivTable(), nn.NarrowTable(1, 2), nn.FlattenTable() }
    for _, m in ipairs(tables) do
      local input = { H.rand({ 2, 3 }), H.rand({ 2, 3 }, 0.5, 1) }
      local out = m:forward(input)
      local again = roundtrip(m):forward(input)
      if type(out) == 'table' then assert.are.equal(out[2], again[2]) else H.assert_equal(again, out) end
    end
    local bad = nn.Sum(1)
    bad.dimension = 'x'
    stn.save(path, nn.Sequential():add(bad))
    H.assert_error(function() stn.load(path) end, 'dimension', 'nn.Sum', 'non-zero integer', 'string')
    local sq = nn.Squeeze()
    sq.numInputDims = 0
    H.assert_error(function() roundtrip(sq) end, 'numInputDims', 'nn.Squeeze', '>= 1', '0')
    local nt = nn.NarrowTable(1)
    nt.output = 3
    H.assert_error(function() roundtrip(nt) end, 'output', 'nn.NarrowTable', 'expected a table', 'number')
    local s = nn.Sum(1)
    s.sizeAverage = 'yes'
    H.assert_error(function() roundtrip(s) end, 'sizeAverage', 'nn.Sum')
  end)
end)
