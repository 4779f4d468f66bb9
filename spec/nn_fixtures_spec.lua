-- The nn layers against golden values from an independent implementation (PyTorch in
-- float64, tools/make_nn_fixtures.py): forward and backward of convolution, pooling in
-- ceil mode with padding, log-softmax and cross-entropy.
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn
local F = dofile('spec/fixtures/nn_layers.lua')

local function T(f) return stn.Tensor(f.data):view(stn.Size.new(f.sizes)) end

describe('nn layers vs PyTorch (float64) fixtures', function()
  it('SpatialConvolution: output and all gradients', function()
    local c = F.conv
    local m = nn.SpatialConvolution(3, 4, c.kW, c.kH, c.dW, c.dH, c.padW, c.padH)
    m.weight:copy(T(c.weight))
    m.bias:copy(T(c.bias))
    H.assert_near(m:forward(T(c.input)), T(c.output), 1e-5)
    m:zeroGradParameters()
    H.assert_near(m:backward(T(c.input), T(c.gradOutput)), T(c.gradInput), 1e-5)
    H.assert_near(m.gradWeight, T(c.gradWeight), 1e-5)
    H.assert_near(m.gradBias, T(c.gradBias), 1e-5)
  end)

  for _, case in ipairs {
    { 'maxpool', function() return nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1):ceil() end },
    { 'avgpool', function() return nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1):ceil() end },
    { 'avgpool_exclude', function() return nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1):ceil():setCountExcludePad() end },
  } do
    it(case[1] .. ' (3x3, stride 2, padding 1, ceil): output and gradient', function()
      local f, m = F[case[1]], case[2]()
      H.assert_near(m:forward(T(f.input)), T(f.output), 1e-6)
      H.assert_near(m:backward(T(f.input), T(f.gradOutput)), T(f.gradInput), 1e-6)
    end)
  end

  it('LogSoftMax and CrossEntropyCriterion', function()
    local f = F.logsoftmax
    local m = nn.LogSoftMax()
    H.assert_near(m:forward(T(f.input)), T(f.output), 1e-6)
    H.assert_near(m:backward(T(f.input), T(f.gradOutput)), T(f.gradInput), 1e-6)
    local ce = nn.CrossEntropyCriterion()
    local labels = stn.Tensor(f.labels)
    H.assert_near(ce:forward(T(f.input), labels), f.crossentropy, 1e-6)
    H.assert_near(ce:backward(T(f.input), labels), T(f.crossentropyGrad), 1e-6)
  end)
end)
