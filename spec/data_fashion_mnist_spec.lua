-- Fashion-MNIST from IDX files (stn.data.fashion_mnist) and RTS Fashion-MNIST
-- (stn.data.rts.fashion_mnist): small IDX files made here, and Debian's
-- dataset-fashion-mnist files when they are installed.
local H = require 'helpers'
local lfs = require 'lfs'
local stn = H.stn
local data = stn.data
local fm, idx, rts = data.fashion_mnist, data.idx, data.rts

local dir = 'spec/tmp/data_fmnist'
os.execute('rm -rf ' .. dir .. ' && mkdir -p ' .. dir)

-- 6 images of 4 x 5 with pixel values (i * 20 + j) % 256, labels i % 10
local function small_files(gz)
  local x, y = stn.Tensor(6, 4, 5), stn.Tensor(6)
  local p = x:data()
  for k = 0, 119 do p[k] = (k * 13) % 256 end
  for i = 1, 6 do y[i] = (i * 3) % 10 end
  local ext = gz and '.gz' or ''
  local paths = {
    train_images = dir .. '/train-images' .. ext, train_labels = dir .. '/train-labels' .. ext,
    test_images = dir .. '/test-images' .. ext, test_labels = dir .. '/test-labels' .. ext,
  }
  idx.write(paths.train_images, x)
  idx.write(paths.train_labels, y)
  idx.write(paths.test_images, x:narrow(1, 1, 2))
  idx.write(paths.test_labels, y:narrow(1, 1, 2))
  return paths, x, y
end

describe('stn.data.fashion_mnist', function()
  it('reads any IDX pair: images N x 1 x H x W in [0, 1], labels 1-based', function()
    for _, gz in ipairs { false, true } do
      local paths, x, y = small_files(gz)
      local train, test = fm.load { paths = paths }
      assert.are.same({ 6, 1, 4, 5 }, train.data:size():totable())
      assert.are.same({ 2, 1, 4, 5 }, test.data:size():totable())
      H.assert_near(train.data:view(6, 4, 5), x:clone():div(255), 1e-7)
      H.assert_equal(train.label, y:clone():add(1))
      assert.are.equal(10, train.nclasses)
    end
  end)

  it('prunes the training and test sets by the seeded shuffle', function()
    local paths = small_files(false)
    local a = fm.load { paths = paths, n = 4, ntest = 1, seed = 2 }
    local b = fm.load { paths = paths, n = 4, ntest = 1, seed = 2 }
    assert.are.equal(4, a.data:size(1))
    assert.are.same(a.index:totable(), b.index:totable())
  end)

  it('names the files when they disagree or are missing', function()
    local paths = small_files(false)
    local bad = {}
    for k, v in pairs(paths) do bad[k] = v end
    bad.train_labels = paths.test_labels
    H.assert_error(function() fm.load { paths = bad } end, paths.test_labels, '2 labels for the 6 images', paths.train_images)
    idx.write(dir .. '/eleven', stn.Tensor({ 1, 2, 3, 4, 5, 11 }))
    bad.train_labels = dir .. '/eleven'
    H.assert_error(function() fm.load { paths = bad } end, dir .. '/eleven', 'label 6 is 11')
    -- a float IDX file can hold fractions and NaN, which are no class either
    idx.write(dir .. '/fraction', stn.Tensor({ 1, 2, 2.5, 4, 5, 6 }), { type = 'float' })
    bad.train_labels = dir .. '/fraction'
    H.assert_error(function() fm.load { paths = bad } end, dir .. '/fraction', 'label 3 is 2.5', 'not an integer in 0..9')
    idx.write(dir .. '/nan', stn.Tensor({ 1, 0 / 0, 3, 4, 5, 6 }), { type = 'double' })
    bad.train_labels = dir .. '/nan'
    H.assert_error(function() fm.load { paths = bad } end, dir .. '/nan', 'label 2 is')
    H.assert_error(function() fm.load { dir = dir .. '/absent' } end, 'absent/train-images-idx3-ubyte.gz is missing',
      'dataset-fashion-mnist')
  end)
end)

local debian = lfs.attributes(fm.DIR .. '/train-images-idx3-ubyte.gz') ~= nil
local function debian_it(name, fn)
  if debian then it(name, fn) else pending(name .. ' [dataset-fashion-mnist is not installed]') end
end

describe("Debian's Fashion-MNIST", function()
  local train, test
  if debian then train, test = fm.load { n = 500, seed = 3 } end

  debian_it('holds 60,000 + 10,000 images of 28 x 28 in 10 classes', function()
    assert.are.same({ 500, 1, 28, 28 }, train.data:size():totable())
    assert.are.same({ 10000, 1, 28, 28 }, test.data:size():totable())
    local counts = {}
    for i = 1, 10000 do counts[test.label[i]] = (counts[test.label[i]] or 0) + 1 end
    for c = 1, 10 do assert.are.equal(1000, counts[c]) end -- the test set is balanced
    local m = test.data:mean()
    assert.is_true(m > 0.2 and m < 0.4, 'mean ' .. m)
  end)

  debian_it('distorts a pruned training set as it would the full one (RTS, stream 0), the test set with stream 1', function()
    local rtrain, rtest = rts.fashion_mnist { n = 500, ntest = 200, seed = 3 }
    assert.are.same({ 500, 1, 42, 42 }, rtrain.data:size():totable())
    assert.are.same({ 200, 4 }, rtest.params:size():totable())
    local one = rts.distort(train.data:narrow(1, 7, 1), { seed = 3, ids = { train.index[7] } })
    H.assert_equal(one[1], rtrain.data[7])
    local ptest = data.prune(test, 200, 3) -- the rows rts.fashion_mnist kept
    local t1 = rts.distort(ptest.data:narrow(1, 5, 1), { seed = 3, stream = 1, ids = { ptest.index[5] } })
    H.assert_equal(t1[1], rtest.data[5])
    local t0 = rts.distort(ptest.data:narrow(1, 5, 1), { seed = 3, stream = 0, ids = { ptest.index[5] } })
    assert.is_true(H.maxdiff(t0[1], rtest.data[5]) > 0.1, 'the test set used the training stream')
  end)
end)
