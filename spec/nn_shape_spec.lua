-- Shape modules: Identity, View, Reshape, Transpose, Copy.
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

local function sizes(t) return t:size():totable() end

describe('nn.Identity', function()
  it('passes tensors and tables through, without copies', function()
    local m = nn.Identity()
    local x, g = stn.Tensor({ 1, 2 }), stn.Tensor({ 3, 4 })
    assert.are.equal(x, m:forward(x))
    assert.are.equal(g, m:backward(x, g))
    local tbl = { x, g }
    assert.are.equal(tbl, m:forward(tbl))
    m:clearState()
    H.assert_equal(x, stn.Tensor({ 1, 2 })) -- the caller's tensor is not emptied
  end)
end)

describe('nn.View', function()
  local x
  before_each(function() x = H.rand({ 2, 3, 4 }) end)

  it('views the input with other sizes, inferring -1', function()
    assert.are.same({ 6, 4 }, sizes(nn.View(6, 4):forward(x)))
    assert.are.same({ 4, 6 }, sizes(nn.View(4, -1):forward(x)))
    assert.are.same({ 24 }, sizes(nn.View(-1):forward(x)))
    assert.are.same({ 3, 8 }, sizes(nn.View(stn.Size.new({ 3, 8 })):forward(x)))
    local out = nn.View(24):forward(x)
    assert.are.equal(x.mem, out.mem) -- a view, no copy
    assert.are.equal(x[2][3][4], out[24])
  end)

  it('infers the batch as Torch7 does', function()
    -- sizes fully given: extra leading elements form the batch
    assert.are.same({ 2, 12 }, sizes(nn.View(12):forward(x)))
    assert.are.same({ 2, 3, 4 }, sizes(nn.View(3, 4):forward(x)))
    -- View(-1) with setNumInputDims(3): a 4-D input is a batch of 3-D ones, a 3-D input is one sample
    local flat = nn.View(-1):setNumInputDims(3)
    assert.are.same({ 5, 24 }, sizes(flat:forward(H.rand({ 5, 2, 3, 4 }))))
    assert.are.same({ 24 }, sizes(flat:forward(x)))
    assert.are.same({ 1, 24 }, sizes(flat:forward(H.rand({ 1, 2, 3, 4 }))))
    -- numInputDims 2 on a 3-D input: the first dim is the batch
    assert.are.same({ 2, 12 }, sizes(nn.View(12):setNumInputDims(2):forward(x)))
    assert.are.same({ 2, 3, 4 }, sizes(nn.View(3, 4):setNumInputDims(2):forward(x)))
    -- without numInputDims a batch of one gives no batch dim
    assert.are.same({ 12 }, sizes(nn.View(12):forward(H.rand({ 1, 3, 4 }))))
  end)

  it('copies a non-contiguous input, and gives gradients in the input\'s shape', function()
    local t = x:transpose(1, 3) -- 4x3x2
    local m = nn.View(-1)
    local out = m:forward(t)
    H.assert_equal(out, t:contiguous():view(24))
    local g = H.rand({ 24 })
    local gi = m:backward(t, g)
    assert.are.same({ 4, 3, 2 }, sizes(gi))
    H.assert_equal(gi:contiguous():view(24), g)
    -- a non-contiguous gradOutput too
    local m2 = nn.View(4, 6)
    m2:forward(x)
    local g2 = H.rand({ 6, 4 }):t()
    H.assert_equal(m2:backward(x, g2), g2:contiguous():view(2, 3, 4))
  end)

  it('names the sizes when they do not match', function()
    H.assert_error(function() nn.View(5):forward(x) end, 'nn.View', 'input view (2x3x4) and desired view (5) do not match')
    H.assert_error(function() nn.View(-1, -1) end, 'nn.View', 'only one size can be -1')
    H.assert_error(function() nn.View(2, 'a') end, 'nn.View', 'size 2')
    H.assert_error(function() nn.View(-1):setNumInputDims(4):forward(x) end, 'nn.View', 'at least 4 input dims', '2x3x4')
    H.assert_error(function() nn.View(24):backward(x, stn.Tensor(5)) end, 'nn.View', 'gradOutput (5)', '(2x3x4)')
    H.assert_error(function() nn.View(24):forward({ x }) end, 'nn.View', 'expected a non-empty tensor input, got table')
    H.assert_error(function() nn.Reshape(24):forward(stn.Tensor()) end, 'nn.Reshape', 'non-empty tensor input')
    H.assert_error(function() nn.Transpose({ 1, 2 }):forward({}) end, 'nn.Transpose', 'expected a tensor')
  end)

  it('passes a finite-difference Jacobian and prints its sizes', function()
    H.check_jacobian(nn.View(4, -1), H.rand({ 2, 3, 2 }))
    -- Torch7's View.lua joins the sizes with ', '
    assert.are.equal('nn.View(4, -1)', tostring(nn.View(4, -1)))
    assert.are.equal('nn.View(2, 3)', tostring(nn.View(2, 3)))
  end)
end)

describe('nn.Reshape', function()
  it('reshapes, keeping a batch dim as Torch7 decides', function()
    local x = H.rand({ 2, 3, 4 })
    -- the whole input when the element count matches and the first dim is not 1
    assert.are.same({ 6, 4 }, sizes(nn.Reshape(6, 4):forward(x)))
    -- else the first dim is the batch
    assert.are.same({ 2, 12 }, sizes(nn.Reshape(12):forward(x)))
    assert.are.same({ 1, 12 }, sizes(nn.Reshape(12):forward(H.rand({ 1, 12 }))))
    -- batchMode forces either reading
    assert.are.same({ 2, 3, 4 }, sizes(nn.Reshape(3, 4, true):forward(H.rand({ 2, 12 }))))
    assert.are.same({ 24 }, sizes(nn.Reshape(24, false):forward(x)))
    local big = H.rand({ 3, 24 })
    assert.are.same({ 3, 24 }, sizes(nn.Reshape(3, 24, false):forward(big)))
    H.assert_equal(nn.Reshape(6, 4):forward(x), x:contiguous():view(6, 4))
  end)

  it('infers one -1 size, the first dim a batch unless batchMode is false (Torch7)', function()
    -- Torch7's Reshape multiplies the sizes (-12 here), so the element count never
    -- matches and the first dim is kept; view infers the -1
    local x = stn.Tensor({ { { 1, 2 }, { 3, 4 }, { 5, 6 } }, { { 7, 8 }, { 9, 10 }, { 11, 12 } } })
    local m = nn.Reshape(-1)
    local y = m:forward(x)
    H.assert_equal(y, stn.Tensor({ { 1, 2, 3, 4, 5, 6 }, { 7, 8, 9, 10, 11, 12 } }))
    assert.are.same({ 2, 3, 2 }, sizes(nn.Reshape(-1, 2):forward(x)))
    assert.are.same({ 2, 2, 3 }, sizes(nn.Reshape(2, -1):forward(x)))
    assert.are.same({ 12 }, sizes(nn.Reshape(-1, false):forward(x)))
    assert.are.same({ 6, 1 }, sizes(nn.Reshape(-1):forward(stn.Tensor(6):zero()))) -- 6 is the batch
    local g = stn.Tensor({ { 1, 2, 3, 4, 5, 6 }, { 7, 8, 9, 10, 11, 12 } })
    H.assert_equal(m:backward(x, g), x)
    assert.are.equal('nn.Reshape(-1)', tostring(m))
  end)

  it('copies a non-contiguous input and reshapes gradients back', function()
    local x = H.rand({ 4, 3 }):t()
    local m = nn.Reshape(12)
    H.assert_equal(m:forward(x), x:contiguous():view(12))
    local g = H.rand({ 12 })
    H.assert_equal(m:backward(x, g), g:view(3, 4))
  end)

  it('names the sizes when they do not match', function()
    H.assert_error(function() nn.Reshape(5):forward(H.rand({ 2, 3 })) end, 'nn.Reshape', '2x3', '2x5')
    H.assert_error(function() nn.Reshape(0) end, 'nn.Reshape', 'size 1 must be a positive integer or -1')
    H.assert_error(function() nn.Reshape(-1, -1) end, 'nn.Reshape', 'only one size can be -1')
    H.assert_error(function() nn.Reshape(5, -1):forward(H.rand({ 2, 3, 4 })) end, 'nn.Reshape', '2x3x4', '2x5x-1')
    H.assert_error(function() nn.Reshape(4):backward(H.rand({ 4 }), H.rand({ 3 })) end, 'nn.Reshape', 'gradOutput (3)')
  end)

  it('passes a finite-difference Jacobian and prints its sizes', function()
    H.check_jacobian(nn.Reshape(3, 2), H.rand({ 2, 3, 2 }))
    assert.are.equal('nn.Reshape(3x2)', tostring(nn.Reshape(3, 2)))
  end)
end)

describe('nn.Transpose', function()
  it('swaps the given dims in turn, into a contiguous copy', function()
    local x = stn.Tensor({ { 1, 2, 3 }, { 4, 5, 6 } })
    local out = nn.Transpose({ 1, 2 }):forward(x)
    assert.is_true(out:isContiguous())
    H.assert_equal(out, stn.Tensor({ { 1, 4 }, { 2, 5 }, { 3, 6 } }))
    local y = H.rand({ 2, 3, 4 })
    local m = nn.Transpose({ 1, 2 }, { 2, 3 }) -- 2x3x4 -> 3x2x4 -> 3x4x2
    local o = m:forward(y)
    assert.are.same({ 3, 4, 2 }, sizes(o))
    assert.are.equal(y[2][3][4], o[3][4][2])
    local g = H.rand({ 3, 4, 2 })
    local gi = m:backward(y, g)
    assert.are.same({ 2, 3, 4 }, sizes(gi))
    assert.are.equal(g[3][4][2], gi[2][3][4])
  end)

  it('leaves a leading batch dim alone with setNumInputDims', function()
    local m = nn.Transpose({ 1, 2 }):setNumInputDims(2)
    local x = H.rand({ 5, 2, 3 })
    local out = m:forward(x)
    assert.are.same({ 5, 3, 2 }, sizes(out))
    assert.are.equal(x[4][2][3], out[4][3][2])
    assert.are.same({ 3, 2 }, sizes(m:forward(H.rand({ 2, 3 }))))
    H.check_jacobian(m, H.rand({ 2, 2, 3 }))
  end)

  it('passes a finite-difference Jacobian and names bad dims', function()
    H.check_jacobian(nn.Transpose({ 1, 3 }, { 2, 3 }), H.rand({ 2, 3, 2 }))
    H.assert_error(function() nn.Transpose({ 1, 4 }):forward(H.rand({ 2, 3 })) end, 'nn.Transpose', 'dims 1 and 4', '2x3')
    H.assert_error(function() nn.Transpose(1, 2) end, 'nn.Transpose', 'permutation 1')
  end)

  it('prints as its class name (Torch7\'s Transpose has no __tostring__)', function()
    assert.are.equal('nn.Transpose', tostring(nn.Transpose({ 1, 2 }, { 2, 3 })))
  end)
end)

describe('nn.Copy', function()
  it('passes tensors through when the types agree, unless forced', function()
    local x = H.rand({ 2, 3 })
    local same = nn.Copy('torch.FloatTensor', 'torch.FloatTensor')
    assert.are.equal(x, same:forward(x))
    local forced = nn.Copy('torch.FloatTensor', 'torch.FloatTensor', true)
    local out = forced:forward(x)
    assert.are_not.equal(x.mem, out.mem)
    H.assert_equal(out, x)
    local g = H.rand({ 2, 3 })
    local gi = forced:backward(x, g)
    assert.are_not.equal(g.mem, gi.mem)
    H.assert_equal(gi, g)
    H.assert_error(function() nn.Copy('torch.HalfTensor') end, 'nn.Copy', 'input type', 'no torch.HalfTensor')
    H.assert_error(function() nn.Copy('torch.FloatTensor', 'torch.HalfTensor') end, 'nn.Copy', 'output type',
      'no torch.HalfTensor')
    local to_double = nn.Copy('torch.FloatTensor', 'torch.DoubleTensor')
    local d = to_double:forward(x)
    assert.are.equal('torch.DoubleTensor', d:type())
    H.assert_equal(d:float(), x)
    assert.are.equal('torch.FloatTensor', to_double:backward(x, d):type())
    H.assert_error(function() nn.Copy('torch.Floats') end, 'nn.Copy', 'input type', "unknown tensor type 'torch.Floats'")
    H.assert_error(function() forced:forward({}) end, 'nn.Copy', 'expected a tensor input')
  end)

  it('passes through as Torch7 does: output views the input, which is returned', function()
    local x = H.rand({ 2, 3 })
    local m = nn.Copy() -- both types default to torch.FloatTensor
    assert.are.equal(x, m:forward(x))
    assert.are_not.equal(x, m.output)
    assert.is_true(m.output:isSetTo(x))
    local g = H.rand({ 2, 3 })
    assert.are.equal(g, m:updateGradInput(x, g))
    assert.is_true(m.gradInput:isSetTo(g))
    assert.is_true(m:backward(x, g):isSetTo(g)) -- backward returns self.gradInput, as Torch7's Module
  end)

  it("takes gtsrb.torch's nn.Copy('torch.CudaTensor', 'torch.FloatTensor', true, true)", function()
    local m = nn.Copy('torch.CudaTensor', 'torch.FloatTensor', true, true)
    assert.are.equal('torch.FloatTensor', m.output:type())
    assert.are.equal('torch.CudaTensor', m.gradInput:type())
    -- dontCast: :cuda() and :float() leave both buffers where they are (no GPU needed)
    assert.are.equal(m, m:cuda())
    assert.are.equal(m, m:float())
    assert.are.equal('torch.CudaTensor', m.gradInput:type())
    -- forceCopy: a copy even of an input already of the output type
    local x = H.rand({ 2, 3 })
    local out = m:forward(x)
    assert.are.equal('torch.FloatTensor', out:type())
    assert.are_not.equal(x.mem, out.mem)
    H.assert_equal(out, x)
  end)

  it('keeps its types under :type() with dontCast', function()
    local m = nn.Copy('torch.FloatTensor', 'torch.FloatTensor', true, true)
    m._type = 'marker'
    assert.are.equal(m, m:type('torch.CudaTensor')) -- not converted, so no CUDA device needed
    assert.are.equal('marker', m._type)
  end)

  H.cuda_it('moves a batch to the GPU and the gradient back', function()
    local m = nn.Copy('torch.FloatTensor', 'torch.CudaTensor')
    local x = H.rand({ 2, 3 })
    local out = m:forward(x)
    assert.are.equal('torch.CudaTensor', out:type())
    H.assert_equal(out, x)
    local gi = m:backward(x, out:clone():mul(2))
    assert.are.equal('torch.FloatTensor', gi:type())
    H.assert_equal(gi, x:clone():mul(2))
  end)

  H.cuda_it("brings a CUDA batch to the CPU and the gradient back (gtsrb.torch's sampler branch)", function()
    local m = nn.Copy('torch.CudaTensor', 'torch.FloatTensor', true, true)
    local x = H.rand({ 2, 3 })
    local out = m:forward(x:cuda())
    assert.are.equal('torch.FloatTensor', out:type())
    H.assert_equal(out, x)
    local gi = m:backward(x:cuda(), x:clone():mul(3))
    assert.are.equal('torch.CudaTensor', gi:type())
    H.assert_equal(gi, x:clone():mul(3))
    local same = nn.Copy('torch.FloatTensor', 'torch.FloatTensor')
    H.assert_error(function() same:forward(x:cuda()) end, 'nn.Copy', 'torch.CudaTensor', 'passes torch.FloatTensor through')
  end)
end)
