-- nn.ClassNLLCriterion, nn.CrossEntropyCriterion, nn.MSECriterion: values by hand,
-- gradients, weights, label checks (CPU vs CUDA: spec/conformance_table.lua).
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

local numeric_grad = H.criterion_numeric_grad

describe('nn.ClassNLLCriterion', function()
  local x = stn.Tensor({ { -1, -2, -3 }, { -4, -5, -6 } })

  it('averages -x[i][label] over the batch (by hand), 1-based labels', function()
    local c = nn.ClassNLLCriterion()
    H.assert_near(c:forward(x, stn.Tensor({ 1, 3 })), (1 + 6) / 2)
    H.assert_near(c:backward(x, stn.Tensor({ 1, 3 })), { { -0.5, 0, 0 }, { 0, 0, -0.5 } })
    c.sizeAverage = false
    H.assert_near(c:forward(x, stn.Tensor({ 2, 2 })), 7)
    H.assert_near(nn.ClassNLLCriterion():forward(stn.Tensor({ -1, -2, -3 }), 3), 3)
  end)

  it('weights classes and divides by the weights of the labels seen', function()
    local c = nn.ClassNLLCriterion(stn.Tensor({ 1, 2, 3 }))
    local t = stn.Tensor({ 1, 3 })
    H.assert_near(c:forward(x, t), (1 * 1 + 3 * 6) / (1 + 3), 1e-6)
    H.assert_near(c:backward(x, t), { { -0.25, 0, 0 }, { 0, 0, -0.75 } }, 1e-6)
  end)

  it('has the gradient of its loss (finite differences)', function()
    local c = nn.ClassNLLCriterion(stn.Tensor({ 0.5, 2, 1, 1 }))
    local xs, t = H.rand({ 5, 4 }), stn.Tensor({ 1, 2, 4, 2, 3 })
    c:forward(xs, t)
    H.assert_near(c:backward(xs, t):clone(), numeric_grad(c, xs, t), 1e-3)
  end)

  it('rejects labels out of range or not whole, and mis-sized targets, with the sizes', function()
    local c = nn.ClassNLLCriterion()
    H.assert_error(function() c:forward(x, stn.Tensor({ 1, 4 })) end, 'nn.ClassNLLCriterion', 'target 4 at position 2',
      '1..3', '2x3')
    H.assert_error(function() c:forward(x, stn.Tensor({ 0, 1 })) end, 'target 0 at position 1')
    H.assert_error(function() c:forward(x, stn.Tensor({ 1.5, 1 })) end, 'target 1.5')
    H.assert_error(function() c:backward(x, stn.Tensor({ 1, 9 })) end, 'target 9')
    H.assert_error(function() c:forward(x, stn.Tensor({ 1, 2, 3 })) end, 'nn.ClassNLLCriterion', 'target 3', 'input 2x3')
    H.assert_error(function() c:forward(H.rand({ 2, 3, 4 }), stn.Tensor({ 1, 2 })) end, 'nn.ClassNLLCriterion', '2x3x4')
  end)

  it('returns the total weight as well, as Torch7 (label count, or sum of the labels\' weights)', function()
    local loss, total = nn.ClassNLLCriterion():forward(x, stn.Tensor({ 1, 3 }))
    assert.are.equal(3.5, loss)
    assert.are.equal(2, total)
    loss, total = nn.ClassNLLCriterion(stn.Tensor({ 1, 2, 3 }), false):forward(x, stn.Tensor({ 3, 3 }))
    assert.are.equal(3 * 3 + 3 * 6, loss)
    assert.are.equal(6, total)
    loss, total = nn.ClassNLLCriterion(stn.Tensor({ 1, 2, 3 })):forward(stn.Tensor({ -1, -2, -3 }), 2)
    assert.are.equal(2, loss)
    assert.are.equal(2, total)
  end)

  it('skips labels equal to ignoreIndex (-100 by default), given or set, as Torch7', function()
    local c = nn.ClassNLLCriterion()
    assert.are.equal(-100, c.ignoreIndex)
    local loss, total = c:forward(x, stn.Tensor({ -100, 3 }))
    assert.are.equal(6, loss)
    assert.are.equal(1, total)
    H.assert_near(c:backward(x, stn.Tensor({ -100, 3 })), { { 0, 0, 0 }, { 0, 0, -1 } })
    -- an index inside 1..n is skipped too; with weights, the weight sum leaves it out
    c = nn.ClassNLLCriterion(stn.Tensor({ 1, 2, 3 }), true, 2)
    loss, total = c:forward(x, stn.LongTensor({ 2, 3 }))
    H.assert_near(loss, 6)
    assert.are.equal(3, total)
    H.assert_near(c:backward(x, stn.LongTensor({ 2, 3 })), { { 0, 0, 0 }, { 0, 0, -1 } })
    c.sizeAverage = false
    H.assert_near(c:forward(x, stn.Tensor({ 1, 2 })), 1)
    H.assert_near(c:backward(x, stn.Tensor({ 1, 2 })), { { -1, 0, 0 }, { 0, 0, 0 } })
    -- all ignored: loss 0 and a zero gradient (no division by a zero weight)
    c = nn.ClassNLLCriterion(nil, true, 0)
    loss, total = c:forward(x, stn.Tensor({ 0, 0 }))
    assert.are.equal(0, loss)
    assert.are.equal(0, total)
    H.assert_near(c:backward(x, stn.Tensor({ 0, 0 })), { { 0, 0, 0 }, { 0, 0, 0 } })
    -- set after construction: read at the next call; other labels still checked
    c.ignoreIndex = 3
    H.assert_near(c:forward(x, stn.Tensor({ 1, 3 })), 1)
    H.assert_error(function() c:forward(x, stn.Tensor({ 0, 3 })) end, 'nn.ClassNLLCriterion', 'target 0 at position 1')
    -- a criterion without the field (saved before it existed): Torch7's default
    c.ignoreIndex = nil
    H.assert_near(c:forward(x, stn.Tensor({ -100, 3 })), 6)
    assert.are.equal(-100, c.ignoreIndex)
  end)

  it('ignoreIndex on Double, and its gradient by finite differences', function()
    local c = nn.ClassNLLCriterion(stn.DoubleTensor({ 0.5, 2, 1, 1 }), true, 4):double()
    local xs, t = H.rand({ 5, 4 }):double(), stn.Tensor({ 1, 4, 4, 2, 3 })
    c:forward(xs, t)
    H.assert_near(c:backward(xs, t):clone(), numeric_grad(c, xs, t), 1e-6)
    assert.are.equal('torch.DoubleTensor', c.gradInput:type())
  end)

  it('refuses an ignoreIndex that is not an integer, given or set', function()
    H.assert_error(function() nn.ClassNLLCriterion(nil, true, 1.5) end, 'nn.ClassNLLCriterion', 'ignoreIndex must be an integer', '1.5')
    local c = nn.ClassNLLCriterion()
    c.ignoreIndex = 'x'
    H.assert_error(function() c:forward(x, stn.Tensor({ 1, 2 })) end, 'nn.ClassNLLCriterion', 'ignoreIndex must be an integer')
    H.assert_error(function() c:backward(x, stn.Tensor({ 1, 2 })) end, 'nn.ClassNLLCriterion', 'ignoreIndex must be an integer')
  end)
end)

describe('nn.CrossEntropyCriterion', function()
  it('equals LogSoftMax + ClassNLLCriterion and has that gradient', function()
    stn.manualSeed(4)
    local xs, t = H.rand({ 4, 6 }), stn.Tensor({ 6, 1, 2, 2 })
    local ce = nn.CrossEntropyCriterion()
    local lsm, nll = nn.LogSoftMax(), nn.ClassNLLCriterion()
    H.assert_near(ce:forward(xs, t), nll:forward(lsm:forward(xs), t), 1e-6)
    local g = ce:backward(xs, t):clone()
    H.assert_near(g, lsm:backward(xs, nll:backward(lsm.output, t)), 1e-6)
    H.assert_near(g, numeric_grad(ce, xs, t), 1e-3)
  end)

  it('takes a 1 x n batch or a vector with a number label', function()
    local xs = H.rand({ 1, 5 })
    local ce = nn.CrossEntropyCriterion()
    local a = ce:forward(xs, stn.Tensor({ 3 }))
    assert.are.same({ 1, 5 }, ce:backward(xs, stn.Tensor({ 3 })):size():totable())
    H.assert_near(ce:forward(xs[1], 3), a)
  end)
end)

describe('nn.CrossEntropyCriterion size averaging', function()
  -- two samples with equal scores for 2 classes: each loses log 2; the gradient of a
  -- sample is softmax - onehot = (-1/2, 1/2), halved when averaged
  local x, t = stn.Tensor(2, 2):zero(), stn.Tensor({ 1, 1 })
  local log2 = math.log(2)
  local function check(c, average, msg)
    H.assert_near(c:forward(x, t), average and log2 or 2 * log2, 1e-6, msg)
    local g = average and 0.25 or 0.5
    H.assert_near(c:backward(x, t), { { -g, g }, { -g, g } }, 1e-6, msg)
  end

  it('honours crit.nll.sizeAverage = false (the older idiom)', function()
    local c = nn.CrossEntropyCriterion()
    check(c, true, 'default')
    c.nll.sizeAverage = false
    check(c, false, 'nll set')
    check(c, false, 'nll set, second call')
  end)

  it('honours crit.sizeAverage = false, before or after the first call', function()
    local c = nn.CrossEntropyCriterion()
    c.sizeAverage = false
    check(c, false, 'before')
    c = nn.CrossEntropyCriterion()
    check(c, true)
    c.sizeAverage = false
    check(c, false, 'after')
  end)

  it('lets the setting made last win, as Torch7 does', function()
    local c = nn.CrossEntropyCriterion()
    c.sizeAverage = false
    check(c, false)
    c.nll.sizeAverage = true -- crit.sizeAverage unchanged since: the nll's holds
    check(c, true, 'nll after crit')
    c.sizeAverage = true -- a change: it reaches the nll
    c.nll.sizeAverage = false -- set after it, but crit.sizeAverage changed: Torch7 propagates
    check(c, true, 'crit changed')
    c.nll.sizeAverage = false
    check(c, false, 'nll alone')
  end)

  it('takes sizeAverage from the constructor and lets the nll override it', function()
    local c = nn.CrossEntropyCriterion(nil, false)
    assert.is_false(c.sizeAverage)
    check(c, false)
    c.nll.sizeAverage = true
    check(c, true)
  end)
end)

describe('nn.MSECriterion', function()
  it('averages squared differences (by hand) and differentiates them', function()
    local c = nn.MSECriterion()
    local x, t = stn.Tensor({ { 1, 2 }, { 3, 4 } }), stn.Tensor({ { 0, 2 }, { 5, 4 } })
    H.assert_near(c:forward(x, t), (1 + 4) / 4)
    H.assert_near(c:backward(x, t), { { 0.5, 0 }, { -1, 0 } })
    c.sizeAverage = false
    H.assert_near(c:forward(x, t), 5)
    H.assert_near(c:backward(x, t), { { 2, 0 }, { -4, 0 } })
  end)

  it('has the gradient of its loss (finite differences), averaged or summed', function()
    stn.manualSeed(11)
    local x, t = H.rand({ 3, 4 }), H.rand({ 3, 4 })
    for _, average in ipairs { true, false } do
      local c = nn.MSECriterion()
      c.sizeAverage = average
      local xs = x:clone()
      H.assert_near(c:backward(xs, t):clone(), numeric_grad(c, xs, t), 1e-3)
    end
  end)

  it('rejects targets of another size', function()
    H.assert_error(function() nn.MSECriterion():forward(H.rand({ 2, 3 }), H.rand({ 5 })) end, 'nn.MSECriterion', '2x3', '5')
  end)
end)
