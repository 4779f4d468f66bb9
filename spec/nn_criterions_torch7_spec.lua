-- The criterions built on tensor ops (stn/nn/criterion_utils.lua): AbsCriterion,
-- SmoothL1Criterion, DistKLDivCriterion, BCECriterion, MarginCriterion,
-- MultiMarginCriterion, and the combinations ParallelCriterion and MultiCriterion:
-- values by hand (from Torch7's THNN formulas), gradients by finite differences of the
-- loss on Double, bad input, printing. CPU vs CUDA and Double vs Float: the conformance
-- table.
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

local numeric_grad = H.criterion_numeric_grad

local x = stn.Tensor({ { 0.2, 0.9 }, { 0.5, 0.1 } })
local t = stn.Tensor({ { 0, 1 }, { 1, 0 } })

-- the analytic gradient against central differences of the loss, on Double
local function check_grad(c, input, target, tol)
  c:double()
  input = input:double()
  if stn.isTensor(target) then target = target:double() end
  c:forward(input, target)
  local g = c:backward(input, target):clone()
  H.assert_near(g, numeric_grad(c, input, target, 1e-6), tol or 1e-6)
  assert.are.equal('torch.DoubleTensor', g:type())
end

describe('nn.AbsCriterion', function()
  it('averages |x - t| (by hand); gradient sign(x - t) / n, +1 at a tie', function()
    local c = nn.AbsCriterion()
    H.assert_near(c:forward(x, t), (0.2 + 0.1 + 0.5 + 0.1) / 4)
    H.assert_near(c:backward(x, t), { { 0.25, -0.25 }, { -0.25, 0.25 } })
    H.assert_near(c:backward(stn.Tensor({ 1, 2 }), stn.Tensor({ 1, 3 })), { 0.5, -0.5 })
    c.sizeAverage = false
    H.assert_near(c:forward(x, t), 0.9)
    H.assert_near(nn.AbsCriterion(false):backward(x, t), { { 1, -1 }, { -1, 1 } })
  end)
  it('has the gradient of its loss; pairs shapes by element count', function()
    check_grad(nn.AbsCriterion(), H.rand({ 3, 4 }), H.rand({ 12 }))
    H.assert_near(nn.AbsCriterion():forward(x, t:view(4)), 0.225)
  end)
end)

describe('nn.SmoothL1Criterion', function()
  it('is 0.5 z^2 below |z| = 1 and |z| - 0.5 above (by hand); gradient z clamped', function()
    local c = nn.SmoothL1Criterion()
    local a, b = stn.Tensor({ 0.5, 3, -2, 0 }), stn.Tensor({ 0, 0, 0, 0.2 })
    H.assert_near(c:forward(a, b), (0.125 + 2.5 + 1.5 + 0.02) / 4)
    H.assert_near(c:backward(a, b), { 0.125, 0.25, -0.25, -0.05 })
    c = nn.SmoothL1Criterion(false)
    H.assert_near(c:forward(a, b), 0.125 + 2.5 + 1.5 + 0.02)
  end)
  it('has the gradient of its loss', function()
    check_grad(nn.SmoothL1Criterion(), H.rand({ 4, 5 }, -3, 3), H.rand({ 4, 5 }))
  end)
end)

describe('nn.DistKLDivCriterion', function()
  it('sums t (log t - x) over t > 0 (by hand); gradient -t / n there, 0 elsewhere', function()
    local c = nn.DistKLDivCriterion()
    local lp = stn.Tensor({ math.log(0.5), math.log(0.25), math.log(0.25) })
    local q = stn.Tensor({ 0.25, 0.75, 0 })
    local expect = (0.25 * (math.log(0.25) - math.log(0.5)) + 0.75 * (math.log(0.75) - math.log(0.25))) / 3
    H.assert_near(c:forward(lp, q), expect)
    H.assert_near(c:backward(lp, q), { -0.25 / 3, -0.25, 0 })
    -- an element with t <= 0 adds nothing, whatever x is
    H.assert_near(c:forward(stn.Tensor({ 0, -math.huge }), stn.Tensor({ 1, 0 })), 0)
  end)
  it('has the gradient of its loss', function()
    check_grad(nn.DistKLDivCriterion(false), H.rand({ 3, 4 }, -3, 0), H.rand({ 3, 4 }, -0.2, 1))
  end)
end)

describe('nn.BCECriterion', function()
  it('is -mean(t log x + (1 - t) log(1 - x)) (by hand), with weights per element or per column', function()
    local c = nn.BCECriterion()
    local expect = -(math.log(0.9) + math.log(0.8) + math.log(0.5) + math.log(0.9)) / 4
    H.assert_near(c:forward(x, t), expect)
    H.assert_near(c:backward(x, t), { { 0.2 / (0.8 * 0.2) / 4, -0.1 / (0.1 * 0.9) / 4 },
      { -0.5 / 0.25 / 4, 0.1 / (0.9 * 0.1) / 4 } }, 1e-5)
    local w = nn.BCECriterion(stn.Tensor({ 1, 2 }))
    local we = -(math.log(0.8) + 2 * math.log(0.9) + math.log(0.5) + 2 * math.log(0.9)) / 4
    H.assert_near(w:forward(x, t), we)
    local w1 = nn.BCECriterion(stn.Tensor({ 1, 2, 1, 2 }), false)
    H.assert_near(w1:forward(x:view(4), t:view(4)), we * 4)
    assert.are.equal(4, w1:__len()) -- (LuaJIT's # on a table does not call __len)
  end)
  it('has the gradient of its loss, with and without weights', function()
    check_grad(nn.BCECriterion(), H.rand({ 3, 4 }, 0.05, 0.95), H.rand({ 3, 4 }):round())
    check_grad(nn.BCECriterion(stn.Tensor({ 1, 2, 0.5, 3 })), H.rand({ 3, 4 }, 0.05, 0.95), H.rand({ 3, 4 }))
  end)
  it('refuses values outside [0, 1] and mis-sized weights', function()
    H.assert_error(function() nn.BCECriterion():forward(stn.Tensor({ 0.5, 1.5 }), stn.Tensor({ 0, 1 })) end,
      'nn.BCECriterion', 'probabilities in [0, 1]', '1.5')
    H.assert_error(function() nn.BCECriterion():forward(stn.Tensor({ 0 / 0, 0.5 }), stn.Tensor({ 0, 1 })) end,
      'nn.BCECriterion', 'probabilities')
    H.assert_error(function() nn.BCECriterion(stn.Tensor({ 1, 2, 3 })):forward(x, t) end, 'nn.BCECriterion',
      'one value per column')
    H.assert_error(function() nn.BCECriterion(stn.Tensor(2, 2)) end, 'nn.BCECriterion', 'weights must be a 1-D tensor')
  end)
end)

describe('nn.MarginCriterion', function()
  it('averages max(0, margin - x y) (by hand); gradient -y / n where x y < margin', function()
    local c = nn.MarginCriterion()
    local a, y = stn.Tensor({ 2, 0.5, -0.5, -3 }), stn.Tensor({ 1, 1, 1, -1 })
    H.assert_near(c:forward(a, y), (0 + 0.5 + 1.5 + 0) / 4)
    H.assert_near(c:backward(a, y), { 0, -0.25, -0.25, 0 })
    c = nn.MarginCriterion(3)
    H.assert_near(c:forward(a, y), (1 + 2.5 + 3.5 + 0) / 4)
    c.sizeAverage = false
    H.assert_near(c:backward(a, y), { -1, -1, -1, 0 })
  end)
  it('has the gradient of its loss', function()
    check_grad(nn.MarginCriterion(0.7), H.rand({ 3, 4 }, -2, 2), H.rand({ 3, 4 }):sign())
  end)
  it('refuses a margin that is not a finite number, given or set', function()
    H.assert_error(function() nn.MarginCriterion('a') end, 'nn.MarginCriterion', 'margin must be a finite number')
    local c = nn.MarginCriterion()
    c.margin = 0 / 0
    H.assert_error(function() c:forward(x, t) end, 'nn.MarginCriterion', 'margin')
  end)
end)

describe('nn.MultiMarginCriterion', function()
  local s = stn.Tensor({ { 0.1, 0.2, 0.4 }, { 1, 2, 3 } })
  local y = stn.Tensor({ 3, 1 })
  it('sums the hinges max(0, margin - x[y] + x[d]) over d ~= y, / n, / B (by hand)', function()
    local c = nn.MultiMarginCriterion()
    H.assert_near(c:forward(s, y), ((0.7 + 0.8) / 3 + (2 + 3) / 3) / 2)
    H.assert_near(c:backward(s, y), { { 1 / 6, 1 / 6, -2 / 6 }, { -2 / 6, 1 / 6, 1 / 6 } })
    -- p = 2, weights on the label's class, margin
    c = nn.MultiMarginCriterion(2, stn.Tensor({ 2, 1, 0.5 }), 0.5)
    H.assert_near(c:forward(s, y), (0.5 * (0.2 ^ 2 + 0.3 ^ 2) / 3 + 2 * (1.5 ^ 2 + 2.5 ^ 2) / 3) / 2)
    c.sizeAverage = false
    H.assert_near(c:backward(s, y), { { 0.5 * 2 * 0.2 / 3, 0.5 * 2 * 0.3 / 3, -0.5 * 2 * 0.5 / 3 },
      { -2 * 2 * 4 / 3, 2 * 2 * 1.5 / 3, 2 * 2 * 2.5 / 3 } }, 1e-5)
    -- 1-D input with a number target
    H.assert_near(nn.MultiMarginCriterion():forward(stn.Tensor({ 0.1, 0.2, 0.4 }), 3), 0.5)
    assert.are.equal(3, nn.MultiMarginCriterion(1, stn.Tensor(3)):__len())
  end)
  it('has the gradient of its loss (p 1 and 2, weights)', function()
    check_grad(nn.MultiMarginCriterion(), H.rand({ 4, 5 }, -1, 1), stn.Tensor({ 1, 5, 2, 2 }))
    check_grad(nn.MultiMarginCriterion(2, stn.Tensor({ 1, 2, 3, 0.5, 1 }), 0.8), H.rand({ 4, 5 }, -1, 1),
      stn.LongTensor({ 3, 4, 1, 5 }))
  end)
  it('refuses bad p, labels and sizes', function()
    H.assert_error(function() nn.MultiMarginCriterion(3) end, 'nn.MultiMarginCriterion', 'p must be 1 or 2', '3')
    local c = nn.MultiMarginCriterion()
    H.assert_error(function() c:forward(s, stn.Tensor({ 3, 4 })) end, 'nn.MultiMarginCriterion', 'class label in 1..3')
    H.assert_error(function() c:forward(s, stn.Tensor({ 1.5, 1 })) end, 'class label')
    H.assert_error(function() c:forward(s, stn.Tensor({ 1, 2, 3 })) end, 'one label per row')
    H.assert_error(function() c:forward(H.rand({ 2, 2, 2 }), stn.Tensor({ 1, 2 })) end, 'input must be 1-D')
    H.assert_error(function() nn.MultiMarginCriterion(1, stn.Tensor({ 1, 2 })):forward(s, y) end, 'one value per class')
  end)
end)

describe('nn.ParallelCriterion and nn.MultiCriterion', function()
  it('ParallelCriterion: weighted sum over input[i], target[i]; gradients in a table', function()
    local pc = nn.ParallelCriterion():add(nn.MSECriterion(), 0.5):add(nn.AbsCriterion())
    local mse, abs = nn.MSECriterion():forward(x, t), nn.AbsCriterion():forward(x, t)
    H.assert_near(pc:forward({ x, x }, { t, t }), 0.5 * mse + abs)
    local g = pc:backward({ x, x }, { t, t })
    H.assert_near(g[1], nn.MSECriterion():backward(x, t):clone():mul(0.5))
    H.assert_near(g[2], nn.AbsCriterion():backward(x, t))
    -- repeatTarget: the one target for every criterion
    local rc = nn.ParallelCriterion(true):add(nn.MSECriterion()):add(nn.AbsCriterion(), 2)
    H.assert_near(rc:forward({ x, x }, t), mse + 2 * abs)
    assert.are.equal('nn.ParallelCriterion', tostring(rc))
  end)
  it('MultiCriterion: weighted sum of criterions on the same input and target', function()
    local mc = nn.MultiCriterion():add(nn.MSECriterion(), 0.5):add(nn.AbsCriterion())
    H.assert_near(mc:forward(x, t), 0.5 * nn.MSECriterion():forward(x, t) + nn.AbsCriterion():forward(x, t))
    local expect = nn.MSECriterion():backward(x, t):clone():mul(0.5):add(nn.AbsCriterion():backward(x, t))
    H.assert_near(mc:backward(x, t), expect)
    assert.are.equal(0.5, mc.weights[1])
    mc.weights[1] = 0
    H.assert_near(mc:forward(x, t), nn.AbsCriterion():forward(x, t))
    assert.are.equal('nn.MultiCriterion', tostring(mc))
    check_grad(nn.MultiCriterion():add(nn.SmoothL1Criterion(), 0.3):add(nn.MSECriterion(), 2), H.rand({ 3, 4 }),
      H.rand({ 3, 4 }))
  end)
  it('convert their criterions with :double(), and refuse what is not a criterion', function()
    local pc = nn.ParallelCriterion():add(nn.AbsCriterion()):double()
    assert.are.equal('torch.DoubleTensor', pc:forward({ x:double() }, { t:double() }) and pc:backward({ x:double() },
      { t:double() })[1]:type())
    H.assert_error(function() nn.ParallelCriterion():add(3) end, 'nn.ParallelCriterion', 'expected a criterion')
    H.assert_error(function() nn.MultiCriterion():add(nn.AbsCriterion(), 'a') end, 'nn.MultiCriterion', 'weight must be a number')
    H.assert_error(function() nn.ParallelCriterion():add(nn.AbsCriterion()):forward(x, t) end, 'nn.ParallelCriterion',
      'input must be a table')
  end)
end)

describe('the tensor-op criterions', function()
  local all = { 'AbsCriterion', 'SmoothL1Criterion', 'DistKLDivCriterion', 'BCECriterion', 'MarginCriterion' }
  it('print their class name, as Torch7', function()
    for _, name in ipairs(all) do assert.are.equal('nn.' .. name, tostring(nn[name]())) end
    assert.are.equal('nn.MultiMarginCriterion', tostring(nn.MultiMarginCriterion()))
  end)
  it('refuse mismatched element counts, non-tensors and a mixed type, naming themselves', function()
    for _, name in ipairs(all) do
      H.assert_error(function() nn[name]():forward(x, stn.Tensor(3)) end, 'nn.' .. name, 'differ in number of elements')
      H.assert_error(function() nn[name]():forward(x, 1) end, 'nn.' .. name, 'target must be a tensor')
      H.assert_error(function() nn[name]():backward('a', t) end, 'nn.' .. name, 'input must be a tensor')
      H.assert_error(function() nn[name]():forward(x:double(), t) end, 'nn.' .. name, 'torch.DoubleTensor')
    end
  end)
  it('take a target of another type (copied), keep buffers of the input\'s type, and clear them', function()
    for _, name in ipairs(all) do
      local c = nn[name]():double()
      local loss = c:forward(x:double(), t)
      H.assert_near(loss, nn[name]():forward(x, t), 1e-6)
      assert.are.equal('torch.DoubleTensor', c:backward(x:double(), t:long()):type())
      assert.are.equal(c, c:clearState())
      assert.are.equal(0, c._target:nElement())
      assert.are.equal(0, c.gradInput:nElement())
    end
  end)
end)

describe('the criterions with missing or replaced fields', function()
  it('work (the buffer rebuilt) or raise an error naming stn, never crash', function()
    local s, y = stn.Tensor({ { 0.1, 0.2, 0.4 }, { 1, 2, 3 } }), stn.Tensor({ 3, 1 })
    local cases = {
      { function() return nn.AbsCriterion() end, x, t },
      { function() return nn.SmoothL1Criterion() end, x, t },
      { function() return nn.DistKLDivCriterion() end, x, t },
      { function() return nn.BCECriterion(stn.Tensor({ 1, 2 })) end, x, t },
      { function() return nn.MarginCriterion() end, x, t },
      { function() return nn.MultiMarginCriterion(1, stn.Tensor({ 1, 2, 3 })) end, s, y },
    }
    for _, case in ipairs(cases) do
      local make, input, target = case[1], case[2], case[3]
      local c0 = make()
      c0:forward(input, target)
      c0:backward(input, target)
      local fields = {}
      for k, v in pairs(c0) do if stn.isTensor(v) then fields[#fields + 1] = k end end
      table.sort(fields)
      for _, k in ipairs(fields) do
        for _, replacement in ipairs { 'nil', 'empty', 'string' } do
          local c = make()
          c:forward(input, target)
          if replacement == 'nil' then c[k] = nil
          elseif replacement == 'empty' then c[k] = stn.Tensor()
          else c[k] = 'not a tensor' end
          local ok, err = pcall(function()
            c:forward(input, target)
            c:backward(input, target)
          end)
          if not ok then
            assert.truthy(tostring(err):find('stn', 1, true),
              ('%s with %s = %s: an error not from stn: %s'):format(stn.type(c), k, replacement, tostring(err)))
          end
        end
      end
    end
  end)
end)
