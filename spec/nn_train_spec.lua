-- End to end: a small conv net (SpatialConvolution, ReLU, SpatialMaxPooling,
-- SpatialContrastiveNormalization, Linear, Dropout, CrossEntropyCriterion) learns a
-- generated 4-class image task with stn.optim.sgd to over 90% held-out accuracy, in
-- seconds on the CPU; on CUDA the same run repeats bit for bit.
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

-- n noisy 1 x 16 x 16 images: a bright bar, horizontal (class 1), vertical (2), or a
-- 5x5 square (3), or two dots (4), at a random place; labels 1..4.
local function dataset(n, seed)
  stn.manualSeed(seed)
  local x = stn.Tensor(n, 1, 16, 16):normal(0, 0.3)
  local labels = stn.Tensor(n)
  local where = stn.Tensor(n, 3):uniform(0, 1)
  for i = 1, n do
    local c = (i - 1) % 4 + 1
    labels[i] = c
    local r, s = 2 + math.floor(where[i][1] * 9), 2 + math.floor(where[i][2] * 9)
    local img = x[i][1]
    if c == 1 then img:narrow(1, r, 2):narrow(2, 2, 13):add(1.5)
    elseif c == 2 then img:narrow(2, s, 2):narrow(1, 2, 13):add(1.5)
    elseif c == 3 then img:narrow(1, r, 5):narrow(2, s, 5):add(1.5)
    else
      img:narrow(1, r, 2):narrow(2, s, 2):add(1.5)
      img:narrow(1, 17 - r, 2):narrow(2, 17 - s, 2):add(1.5)
    end
  end
  return x, labels
end

local function network()
  local net = nn.Sequential()
  net:add(nn.SpatialConvolution(1, 8, 5, 5, 1, 1, 2, 2)):add(nn.ReLU()):add(nn.SpatialMaxPooling(2, 2))
  net:add(nn.SpatialContrastiveNormalization(8, stn.image.gaussian1D(5)))
  net:add(nn.SpatialConvolution(8, 16, 3, 3, 1, 1, 1, 1)):add(nn.ReLU()):add(nn.SpatialMaxPooling(2, 2))
  net:add(nn.View(16 * 4 * 4)):add(nn.Dropout(0.2)):add(nn.Linear(16 * 4 * 4, 32)):add(nn.Tanh()):add(nn.Linear(32, 4))
  return net
end

-- Trains for `epochs` over x in batches of 25; returns the parameters.
local function train(net, x, labels, epochs, cuda)
  local criterion = nn.CrossEntropyCriterion()
  if cuda then net:cuda(); criterion:cuda(); x, labels = x:cuda(), labels:cuda() end
  local params, grads = net:getParameters()
  local config = { learningRate = 0.05, momentum = 0.9, dampening = 0 }
  net:training()
  for _ = 1, epochs do
    for b = 1, x:size(1), 25 do
      local xb, lb = x:narrow(1, b, 25), labels:narrow(1, b, 25)
      stn.optim.sgd(function()
        grads:zero()
        local out = net:forward(xb)
        local loss = criterion:forward(out, lb)
        net:backward(xb, criterion:backward(out, lb))
        return loss, grads
      end, params, config)
    end
  end
  return params
end

local function accuracy(net, x, labels)
  net:evaluate()
  local _, predicted = net:forward(x):float():max(2)
  return predicted:view(-1):float():eq(labels):sum() / labels:nElement() -- predicted: Long indices
end

describe('training end to end', function()
  it('a small conv net learns a 4-class image task to over 90% on the CPU, in seconds', function()
    local xtrain, ltrain = dataset(400, 1)
    local xtest, ltest = dataset(200, 2)
    stn.manualSeed(3)
    local net = network()
    local t0 = stn.clock()
    train(net, xtrain, ltrain, 6)
    local seconds = stn.clock() - t0
    local acc = accuracy(net, xtest, ltest)
    assert.is_true(acc > 0.9, ('held-out accuracy %.3f'):format(acc))
    assert.is_true(seconds < 30, ('training took %.1f s'):format(seconds))
  end)

  H.cuda_it('trains on CUDA to the same accuracy, bitwise repeatably', function()
    local xtrain, ltrain = dataset(400, 1)
    local xtest, ltest = dataset(200, 2)
    local runs = {}
    for r = 1, 2 do
      stn.manualSeed(3)
      local net = network()
      runs[r] = train(net, xtrain, ltrain, 6, true):float():clone()
      if r == 1 then
        local acc = accuracy(net, xtest:cuda(), ltest)
        assert.is_true(acc > 0.9, ('held-out accuracy %.3f'):format(acc))
      end
    end
    H.assert_equal(runs[1], runs[2])
  end)
end)
