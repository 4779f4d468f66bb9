-- stn.data.fashion_mnist: Fashion-MNIST (Zalando; 60,000 training and 10,000 test
-- images of 28 x 28, 10 classes) from IDX files, by default those of Debian's
-- dataset-fashion-mnist package. Images as N x 1 x 28 x 28 floats in [0, 1], labels 1..10.
local lfs = require 'lfs'
local idx = require 'stn.data.idx'
local data = require 'stn.data'
local errors = require 'stn.errors'

local fm = {
  DIR = '/usr/share/datasets/fashion-mnist',
  CLASSES = { 'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot' },
}

local function fail(msg) errors.fail('data.fashion_mnist', msg) end

-- The four IDX paths under dir (default: $FASHION_MNIST_DIR or Debian's folder).
function fm.paths(dir)
  dir = dir or os.getenv('FASHION_MNIST_DIR') or fm.DIR
  return {
    train_images = dir .. '/train-images-idx3-ubyte.gz', train_labels = dir .. '/train-labels-idx1-ubyte.gz',
    test_images = dir .. '/t10k-images-idx3-ubyte.gz', test_labels = dir .. '/t10k-labels-idx1-ubyte.gz',
  }
end

-- One split from any pair of IDX files (gzipped or plain): images N x H x W, labels N
-- with values 0..nclasses-1.
function fm.read(images_path, labels_path, name, nclasses)
  nclasses = nclasses or 10
  for _, p in ipairs { images_path, labels_path } do
    if not lfs.attributes(p) then
      fail(p .. ' is missing (install Debian\'s dataset-fashion-mnist, `sudo apt-get install dataset-fashion-mnist`, '
        .. 'or give the folder or the IDX paths)')
    end
  end
  local x, y = idx.read(images_path), idx.read(labels_path)
  if x:dim() ~= 3 then fail(('%s holds %s, N x H x W images expected'):format(images_path, tostring(x:size()))) end
  if y:dim() ~= 1 or y:size(1) ~= x:size(1) then
    fail(('%s holds %s labels for the %d images of %s'):format(labels_path, tostring(y:size()), x:size(1), images_path))
  end
  local p = y:data()
  for i = 0, y:size(1) - 1 do -- NaN and fractions too (a float or double IDX file can hold them)
    local v = p[i]
    if not (v >= 0 and v < nclasses and v == math.floor(v)) then
      fail(('%s: label %d is %g, not an integer in 0..%d'):format(labels_path, i + 1, v, nclasses - 1))
    end
  end
  return { data = x:view(x:size(1), 1, x:size(2), x:size(3)):mul(1 / 255), label = y:add(1), nclasses = nclasses, name = name }
end

-- train, test. opts: dir, paths (a table as fm.paths gives, overriding dir), n (training
-- images kept by stn.data.prune's seeded shuffle; -1 or nil: all), ntest (likewise), seed (1).
function fm.load(opts)
  opts = opts or {}
  local paths = opts.paths or fm.paths(opts.dir)
  local train = fm.read(paths.train_images, paths.train_labels, 'fmnist-train')
  local test = fm.read(paths.test_images, paths.test_labels, 'fmnist-test')
  return data.prune(train, opts.n, opts.seed or 1), data.prune(test, opts.ntest, opts.seed or 1)
end

return fm
