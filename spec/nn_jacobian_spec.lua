-- nn.Jacobian: Torch7's finite-difference checks, run as Torch7's tests run them (default
-- type Double, perturbation 1e-6, precision 1e-5) on a few of stn's modules.
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

local precision = 1e-5

describe('nn.Jacobian', function()
  local saved
  before_each(function()
    saved = stn.getdefaulttensortype()
    stn.setdefaulttensortype('torch.DoubleTensor')
  end)
  after_each(function() stn.setdefaulttensortype(saved) end)

  it('backward and forward agree on a Linear layer (input, weight, bias) at 1e-5', function()
    local m = nn.Linear(5, 3):double()
    local input = stn.DoubleTensor(4, 5)
    assert.is_true(nn.Jacobian.testJacobian(m, input) < precision)
    assert.is_true(nn.Jacobian.testJacobianParameters(m, input, m.weight, m.gradWeight) < precision)
    assert.is_true(nn.Jacobian.testJacobianParameters(m, input, m.bias, m.gradBias) < precision)
    assert.is_true(nn.Jacobian.testJacobianUpdateParameters(m, input, m.weight) < precision)
    assert.is_true(nn.Jacobian.testJacobianUpdateParameters(m, input, m.bias) < precision)
  end)

  it('checks Tanh, Sigmoid, SoftMax, LogSoftMax and a convolution at 1e-5', function()
    for _, m in ipairs { nn.Tanh(), nn.Sigmoid(), nn.SoftMax(), nn.LogSoftMax() } do
      local err = nn.Jacobian.testJacobian(m:double(), stn.DoubleTensor(3, 4))
      assert.is_true(err < precision, stn.type(m) .. ': ' .. err)
    end
    local conv = nn.SpatialConvolution(2, 3, 3, 3):double()
    local img = stn.DoubleTensor(2, 5, 5)
    assert.is_true(nn.Jacobian.testJacobian(conv, img) < precision)
    assert.is_true(nn.Jacobian.testJacobianParameters(conv, img, conv.weight, conv.gradWeight) < precision)
  end)

  it('returns Jacobians of wrt x output elements with Torch7\'s layout', function()
    local m = nn.Linear(2, 3):double()
    m.weight:copy(stn.DoubleTensor({ { 1, 2 }, { 3, 4 }, { 5, 6 } }))
    local input = stn.DoubleTensor({ 1, 1 })
    local jb = nn.Jacobian.backward(m, input)
    H.assert_near(jb, { { 1, 3, 5 }, { 2, 4, 6 } })
    H.assert_near(nn.Jacobian.forward(m, input), { { 1, 3, 5 }, { 2, 4, 6 } }, 1e-8)
    assert.are.equal('torch.DoubleTensor', jb:type())
    -- wrt the bias: the identity
    H.assert_near(nn.Jacobian.backward(m, input, m.bias, m.gradBias), { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } })
  end)

  it('finds a wrong gradient', function()
    local m = nn.Tanh():double()
    local good = m.updateGradInput
    m.updateGradInput = function(self, input, gradOutput)
      return good(self, input, gradOutput):mul(1.01)
    end
    assert.is_true(nn.Jacobian.testJacobian(m, stn.DoubleTensor(6), 0.1, 0.5) > 1e-3)
  end)

  it('testIO: a module saved and loaded gives the same outputs and gradients', function()
    local m = nn.Sequential():add(nn.Linear(4, 3)):add(nn.Tanh()):double()
    local ferr, berr = nn.Jacobian.testIO(m, stn.DoubleTensor(2, 4):uniform())
    assert.are.equal(0, ferr)
    assert.are.equal(0, berr)
  end)

  it('testAllUpdate: one step and a shared weight give the expected weights', function()
    local m = nn.Linear(3, 2):double()
    local errs = nn.Jacobian.testAllUpdate(m, stn.DoubleTensor(4, 3):uniform(), 'weight', 'gradWeight')
    for name, err in pairs(errs) do assert.is_true(err < precision, name .. ': ' .. err) end
    assert.is_not_nil(errs['accGradParameters [shared]'])
  end)

  it('refuses bad arguments with errors naming the function', function()
    H.assert_error(function() nn.Jacobian.testJacobian({}, stn.DoubleTensor(2)) end,
      'nn.Jacobian.testJacobian', 'module')
    H.assert_error(function() nn.Jacobian.testJacobian(nn.Tanh(), 3) end, 'nn.Jacobian.testJacobian', 'input')
    H.assert_error(function() nn.Jacobian.forward(nn.Tanh(), stn.DoubleTensor(2), nil, -1) end,
      'nn.Jacobian.forward', 'perturbation')
    H.assert_error(function() nn.Jacobian.testJacobian(nn.Tanh(), stn.DoubleTensor(2), 2, 1) end,
      'nn.Jacobian.testJacobian', 'minval')
    H.assert_error(function() nn.Jacobian.forward(nn.Tanh(), stn.DoubleTensor(2, 2):t()) end,
      'nn.Jacobian.forward', 'contiguous')
  end)
end)
