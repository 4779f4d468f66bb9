-- nn table modules: CAddTable, CSubTable, CMulTable, CDivTable, SplitTable, NarrowTable,
-- FlattenTable (hand values, Jacobians for each input, Double, bad input, printing).
-- CPU vs CUDA: their rows in spec/conformance_table.lua.
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

local function T(v) return stn.Tensor(v) end
local function sizes(t) return t:size():totable() end

-- the Jacobian w.r.t. each entry of a table input
local function jacobian_each(m, input, tol)
  for i = 1, #input do H.check_jacobian(m, input, { input_index = i, eps = 1e-3, tol = tol or 2e-3 }) end
end

describe('nn.CAddTable', function()
  it('adds the entries; each gradient is gradOutput in its input\'s shape', function()
    local a, b, c = T({ 1, 2, 3, 4 }), T({ 10, 20, 30, 40 }), T({ { 100, 200 }, { 300, 400 } })
    local m = nn.CAddTable()
    local out = m:forward({ a, b, c })
    H.assert_equal(out, T({ 111, 222, 333, 444 }))
    H.assert_equal(a, T({ 1, 2, 3, 4 })) -- not in place
    local g = m:backward({ a, b, c }, T({ 1, -1, 2, -2 }))
    assert.are.equal(3, #g)
    H.assert_equal(g[1], T({ 1, -1, 2, -2 }))
    H.assert_equal(g[3], T({ { 1, -1 }, { 2, -2 } }))
    assert.are_not.equal(g[1].mem, g[2].mem) -- copies
    -- fewer entries: the gradient table shrinks with the input
    m:forward({ a, b })
    assert.are.equal(2, #m:backward({ a, b }, T({ 1, 1, 1, 1 })))
  end)

  it('accumulates into the first entry with inplace, as Torch7', function()
    local a, b = T({ 1, 2 }), T({ 3, 4 })
    local m = nn.CAddTable(true)
    local out = m:forward({ a, b })
    H.assert_equal(out, T({ 4, 6 }))
    H.assert_equal(a, T({ 4, 6 })) -- a holds the sum
    local go = T({ 5, 7 })
    local g = m:backward({ a, b }, go)
    H.assert_equal(g[2], go)
    go[1] = 9
    assert.are.equal(9, g[1][1]) -- gradOutput itself
  end)

  it('passes the Jacobian check for every input, on Float and Double', function()
    local input = { H.rand({ 3, 4 }), H.rand({ 3, 4 }), H.rand({ 3, 4 }) }
    jacobian_each(nn.CAddTable(), input)
    local d = { input[1]:double(), input[2]:double(), input[3]:double() }
    for i = 1, 3 do assert(H.check_jacobian(nn.CAddTable():double(), d, { input_index = i, eps = 1e-6, tol = 1e-5 })) end
  end)

  it('refuses a bad input, naming the module', function()
    local m = nn.CAddTable()
    H.assert_error(function() m:forward(T({ 1 })) end, 'nn.CAddTable', 'table of tensors', 'torch.FloatTensor')
    H.assert_error(function() m:forward({}) end, 'nn.CAddTable', 'one or more', '0 entries')
    H.assert_error(function() m:forward({ T({ 1 }), 2 }) end, 'nn.CAddTable', 'input[2] is a number')
    H.assert_error(function() m:forward({ T({ 1, 2 }), T({ 1, 2, 3 }) }) end, 'nn.CAddTable', 'input[2] (3) has 3 elements',
      'input[1] (2) has 2')
    H.assert_error(function() m:forward({ T({ 1 }), stn.DoubleTensor({ 1 }) }) end, 'nn.CAddTable', 'input[2] is a torch.DoubleTensor')
    m:forward({ T({ 1, 2 }), T({ 1, 2 }) })
    H.assert_error(function() m:backward({ T({ 1, 2 }), T({ 1, 2 }) }, T({ 1 })) end, 'nn.CAddTable', 'gradOutput (1)',
      '2 elements')
    local err = H.assert_error(function() m:forward(42) end, 'stn: nn.CAddTable')
    assert.is_truthy(err:find('nn_table_modules_spec.lua', 1, true), err)
  end)

  it('prints as Torch7', function()
    assert.are.equal('nn.CAddTable', tostring(nn.CAddTable()))
    assert.are.equal('nn.CAddTable', tostring(nn.CAddTable(true)))
  end)
end)

describe('nn.CSubTable and nn.CDivTable', function()
  it('subtract and divide two entries, with their gradients', function()
    local a, b = T({ 6, 8, -3 }), T({ 2, 4, 0.5 })
    local s = nn.CSubTable()
    H.assert_equal(s:forward({ a, b }), T({ 4, 4, -3.5 }))
    local g = s:backward({ a, b }, T({ 1, 2, 3 }))
    H.assert_equal(g[1], T({ 1, 2, 3 }))
    H.assert_equal(g[2], T({ -1, -2, -3 }))
    local d = nn.CDivTable()
    H.assert_equal(d:forward({ a, b }), T({ 3, 2, -6 }))
    g = d:backward({ a, b }, T({ 1, 2, 3 }))
    H.assert_near(g[1], T({ 0.5, 0.5, 6 }), 1e-7) -- g / b
    H.assert_near(g[2], T({ -1.5, -1, 36 }), 1e-7) -- -g a / b^2
  end)

  it('pass the Jacobian check for both inputs, on Float and Double', function()
    local a, b = H.rand({ 2, 5 }), H.rand({ 2, 5 }, 0.5, 2)
    jacobian_each(nn.CSubTable(), { a, b })
    jacobian_each(nn.CDivTable(), { a, b }, 5e-3)
    for _, m in ipairs { nn.CSubTable(), nn.CDivTable() } do
      for i = 1, 2 do
        H.check_jacobian(m:double(), { a:double(), b:double() }, { input_index = i, eps = 1e-6, tol = 1e-5 })
      end
    end
  end)

  it('refuse anything but two entries of one element count', function()
    for _, m in ipairs { nn.CSubTable(), nn.CDivTable() } do
      local name = stn.type(m)
      H.assert_error(function() m:forward({ T({ 1 }) }) end, name, 'a table of 2 tensors', '1 entries')
      H.assert_error(function() m:forward({ T({ 1 }), T({ 1 }), T({ 1 }) }) end, name, '3 entries')
      H.assert_error(function() m:forward({ T({ 1 }), T({ 1, 2 }) }) end, name, 'input[2] (2) has 2 elements')
      H.assert_error(function() m:forward(T({ 1, 2 })) end, name, 'table of tensors')
      assert.are.equal(name, tostring(m))
    end
  end)
end)

describe('nn.CMulTable', function()
  it('multiplies the entries; a zero entry still gives the others\' gradients', function()
    local a, b, c = T({ 1, 2, 0 }), T({ 3, 4, 5 }), T({ 2, 0.5, 7 })
    local m = nn.CMulTable()
    H.assert_equal(m:forward({ a, b, c }), T({ 6, 4, 0 }))
    local g = m:backward({ a, b, c }, T({ 1, 1, 2 }))
    H.assert_equal(g[1], T({ 6, 2, 70 }))
    H.assert_equal(g[2], T({ 2, 1, 0 }))
    H.assert_equal(g[3], T({ 3, 8, 0 }))
  end)

  it('passes the Jacobian check for every input, on Float and Double', function()
    local input = { H.rand({ 4, 3 }), H.rand({ 4, 3 }), H.rand({ 4, 3 }) }
    jacobian_each(nn.CMulTable(), input)
    local m = nn.CMulTable():double()
    for i = 1, 3 do
      H.check_jacobian(m, { input[1]:double(), input[2]:double(), input[3]:double() },
        { input_index = i, eps = 1e-6, tol = 1e-5 })
    end
  end)

  it('refuses a bad input and prints as Torch7', function()
    local m = nn.CMulTable()
    H.assert_error(function() m:forward({ T({ 1 }), 'x' }) end, 'nn.CMulTable', 'input[2] is a string')
    H.assert_error(function() m:forward({ T({ 1, 2 }), T({ 1 }) }) end, 'nn.CMulTable', 'has 1 elements')
    assert.are.equal('nn.CMulTable', tostring(m))
  end)
end)

describe('nn.SplitTable', function()
  it('splits along a dim into views, negative dims from the end', function()
    local x = T({ { 1, 2, 3 }, { 4, 5, 6 } })
    local out = nn.SplitTable(1):forward(x)
    assert.are.equal(2, #out)
    H.assert_equal(out[2], T({ 4, 5, 6 }))
    assert.are.equal(x.mem, out[2].mem) -- views
    out = nn.SplitTable(-1):forward(x)
    assert.are.equal(3, #out)
    H.assert_equal(out[3], T({ 3, 6 }))
  end)

  it('splits every dim, batches and negative dims as Torch7\'s test', function()
    local x = H.rand({ 3, 4, 5 })
    for d = 1, 3 do assert.are.equal(x:size(d), #nn.SplitTable(d):forward(x)) end
    for d = 1, 2 do assert.are.equal(x:size(d + 1), #nn.SplitTable(d, 2):forward(x)) end
    assert.are.equal(3, #nn.SplitTable(-3):forward(x))
    assert.are.equal(3, #nn.SplitTable(-3):forward(H.rand({ 2, 3, 4, 5 })))
  end)

  it('takes a batch with nInputDims', function()
    local m = nn.SplitTable(1, 2)
    assert.are.equal(4, #m:forward(H.rand({ 4, 5 })))
    local out = m:forward(H.rand({ 3, 4, 5 }))
    assert.are.equal(4, #out)
    assert.are.same({ 3, 5 }, sizes(out[1]))
  end)

  it('gathers the gradients into the input\'s shape', function()
    local x = H.rand({ 2, 3 })
    local m = nn.SplitTable(2)
    m:forward(x)
    local g = m:backward(x, { T({ 1, 2 }), T({ 3, 4 }), T({ 5, 6 }) })
    H.assert_equal(g, T({ { 1, 3, 5 }, { 2, 4, 6 } }))
    H.check_jacobian(m, H.rand({ 3, 4, 2 }), { eps = 1e-3, tol = 1e-3 })
    H.check_jacobian(nn.SplitTable(-1, 2):double(), H.rand({ 3, 4, 2 }):double(), { eps = 1e-6, tol = 1e-5 })
  end)

  it('refuses a bad input and prints as Torch7', function()
    H.assert_error(function() nn.SplitTable(0) end, 'nn.SplitTable', 'dimension must be a non-zero integer', '0')
    H.assert_error(function() nn.SplitTable(1.5) end, 'nn.SplitTable', '1.5')
    H.assert_error(function() nn.SplitTable(1, 0) end, 'nn.SplitTable', 'nInputDims must be a positive integer')
    local m = nn.SplitTable(3)
    H.assert_error(function() m:forward(H.rand({ 2, 3 })) end, 'nn.SplitTable', 'dimension 3 is out of range', '2x3')
    H.assert_error(function() m:forward(T({ 1, 2 })) end, 'nn.SplitTable', '2 or more dims')
    H.assert_error(function() m:forward({ T({ 1 }) }) end, 'nn.SplitTable', 'input must be a tensor')
    local s = nn.SplitTable(1)
    local x = H.rand({ 2, 3 })
    s:forward(x)
    H.assert_error(function() s:backward(x, { T({ 1, 2, 3 }) }) end, 'nn.SplitTable', 'a table of 2 tensors', '1 entries')
    H.assert_error(function() s:backward(x, { T({ 1, 2, 3 }), T({ 1 }) }) end, 'nn.SplitTable', 'gradOutput[2] (1)',
      'the 3 elements')
    assert.are.equal('nn.SplitTable', tostring(s))
  end)
end)

describe('nn.NarrowTable', function()
  it('returns a range of entries, zeros as the others\' gradients', function()
    local a, b, c, d = T({ 1 }), T({ 2, 2 }), T({ 3 }), { T({ 4 }), T({ 5, 5 }) }
    local m = nn.NarrowTable(2, 2)
    local out = m:forward({ a, b, c, d })
    assert.are.equal(2, #out)
    assert.are.equal(b, out[1]); assert.are.equal(c, out[2])
    local gb, gc = T({ 7, 8 }), T({ 9 })
    local g = m:backward({ a, b, c, d }, { gb, gc })
    assert.are.equal(4, #g)
    H.assert_equal(g[1], T({ 0 }))
    assert.are.equal(gb, g[2]); assert.are.equal(gc, g[3])
    H.assert_equal(g[4][2], T({ 0, 0 })) -- nested zeros in the input's structure
    assert.are.equal(1, #nn.NarrowTable(3):forward({ a, b, c }))
  end)

  it('gives nn.Narrow\'s results between a SplitTable and a JoinTable (Torch7\'s test)', function()
    local seq = nn.Sequential():add(nn.SplitTable(1, 2)):add(nn.NarrowTable(5, 3)):add(nn.JoinTable(1, 1))
      :add(nn.Reshape(3, 3, 4))
    local narrow = nn.Narrow(2, 5, 3)
    local gradOutput = H.rand({ 3, 3, 4 })
    local full = H.rand({ 3, 10, 4 })
    for _, x in ipairs { full, full:narrow(2, 1, 8) } do
      H.assert_equal(seq:forward(x), narrow:forward(x))
      H.assert_equal(seq:backward(x, gradOutput), narrow:backward(x, gradOutput))
    end
    seq:double(); narrow:double()
    H.assert_equal(seq:forward(full:double()), narrow:forward(full:double()))
    H.assert_equal(seq:backward(full:double(), gradOutput:double()), narrow:backward(full:double(), gradOutput:double()))
  end)

  it('passes the Jacobian check', function()
    local input = { H.rand({ 2 }), H.rand({ 3 }), H.rand({ 4 }) }
    for i = 1, 3 do H.check_jacobian(nn.NarrowTable(2, 2), input, { input_index = i, eps = 1e-3, tol = 1e-3 }) end
  end)

  it('refuses a bad input and prints as Torch7', function()
    H.assert_error(function() nn.NarrowTable() end, 'nn.NarrowTable', 'offset must be a positive integer', 'nil')
    H.assert_error(function() nn.NarrowTable(1, 0) end, 'nn.NarrowTable', 'length must be a positive integer')
    local m = nn.NarrowTable(2, 2)
    H.assert_error(function() m:forward({ T({ 1 }), T({ 2 }) }) end, 'nn.NarrowTable', 'entries 2 to 3', '2 entries')
    H.assert_error(function() m:forward(T({ 1 })) end, 'nn.NarrowTable', 'input must be a table')
    local x = { T({ 1 }), T({ 2 }), T({ 3 }) }
    m:forward(x)
    H.assert_error(function() m:backward(x, { T({ 1 }) }) end, 'nn.NarrowTable', 'a table of 2 entries', '1 entries')
    assert.are.equal('nn.NarrowTable', tostring(m))
  end)
end)

describe('nn.FlattenTable', function()
  it('flattens nested tables depth first and nests the gradients back', function()
    local a, b, c, d = T({ 1 }), T({ 2 }), T({ 3 }), T({ 4 })
    local m = nn.FlattenTable()
    local input = { a, { b, { c } }, d }
    local out = m:forward(input)
    assert.are.same({ a, b, c, d }, out)
    assert.are.equal(out, m:forward(input)) -- same structure: the same table
    local ga, gb, gc, gd = T({ 5 }), T({ 6 }), T({ 7 }), T({ 8 })
    local g = m:backward(input, { ga, gb, gc, gd })
    assert.are.equal(ga, g[1]); assert.are.equal(gb, g[2][1]); assert.are.equal(gc, g[2][2][1]); assert.are.equal(gd, g[3])
    -- a new structure rebuilds the output
    out = m:forward({ { a }, b })
    assert.are.same({ a, b }, out)
  end)

  it('passes the Jacobian check', function()
    local input = { H.rand({ 2 }), { H.rand({ 3 }), H.rand({ 2, 2 }) } }
    local m = nn.FlattenTable()
    H.check_jacobian(m, input, { input_index = 1, eps = 1e-3, tol = 1e-3 })
    -- an entry after a nested one (nested gradients: the hand values above)
    H.check_jacobian(m, { { H.rand({ 3 }), { H.rand({ 2 }) } }, H.rand({ 2, 2 }) }, { input_index = 2, eps = 1e-3, tol = 1e-3 })
  end)

  it('passes the Jacobian check between SplitTables and a JoinTable (Torch7\'s test)', function()
    local m = nn.Sequential():add(nn.SplitTable(1))
      :add(nn.ParallelTable():add(nn.SplitTable(1)):add(nn.SplitTable(1)))
      :add(nn.FlattenTable()):add(nn.JoinTable(1))
    local x = H.rand({ 2, 2, 2 })
    assert.are.same({ 8 }, sizes(m:forward(x)))
    H.check_jacobian(m, x, { eps = 1e-3, tol = 1e-3 })
    H.check_jacobian(m:double(), x:double(), { eps = 1e-6, tol = 1e-5 })
  end)

  it('refuses a bad input, keeps nothing on :type, and prints as Torch7', function()
    local m = nn.FlattenTable()
    H.assert_error(function() m:forward(T({ 1 })) end, 'nn.FlattenTable', 'input must be a table', 'torch.FloatTensor')
    local x = { T({ 1 }), { T({ 2 }) } }
    m:forward(x)
    H.assert_error(function() m:backward(x, T({ 1 })) end, 'nn.FlattenTable', 'gradOutput must be a table')
    H.assert_error(function() m:backward(x, { T({ 1 }) }) end, 'nn.FlattenTable', 'gradOutput has 1 entries', 'output has 2')
    H.assert_error(function() m:backward({ T({ 1 }), T({ 2 }) }, { T({ 1 }), T({ 2 }) }) end, 'nn.FlattenTable',
      'not nested as the last forward', 'call forward first')
    -- other leaves in the same nesting: the gradients in that nesting, as Torch7
    local g = m:backward({ T({ 5 }), { T({ 6 }) } }, { T({ 1 }), T({ 2 }) })
    H.assert_equal(g[2][1], T({ 2 }))
    m:double()
    assert.are.same({}, m.output)
    assert.are.equal('torch.DoubleTensor', m:type())
    assert.are.equal('nn.FlattenTable', tostring(m))
  end)
end)
