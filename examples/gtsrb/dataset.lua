-- dataset.lua: the data sets main.lua trains on (--dataset gtsrb | fmnist | fmnist-rts),
-- prepared as gtsrb.torch did: -n pruning, the --val split, global normalization
-- (one mean and std from the training set, applied to both sets) and local contrastive
-- normalization. The loading itself is stn.data's (C for every pixel).
local stn = require 'stn'
local cjson_ok, cjson = pcall(require, 'cjson')

local dataset = {}

-- Where GTSRB is: --data, else $GTSRB_DIR, else ./GTSRB.
local function gtsrb_root(opt)
  if opt.data ~= '' then return opt.data end
  return os.getenv('GTSRB_DIR') or 'GTSRB'
end

local function exists(path)
  local f = io.open(path, 'r')
  if f then f:close() return true end
  return false
end

local function load_gtsrb(opt)
  local root = gtsrb_root(opt)
  if not exists(root .. '/Final_Training/Images') then
    local tool = (debug.getinfo(1, 'S').source:match('^@(.*[/\\])') or './') .. '../../tools/get_gtsrb'
    error(('main.lua: GTSRB not found in %s (expected %s/Final_Training/Images).\n'
      .. 'Download it (about 300 MB) with:\n    %s %s\nor point --data (or $GTSRB_DIR) at an existing copy.')
      :format(root, root, tool, root), 0)
  end
  local gtsrb = stn.data.gtsrb
  local log = function(line) print(line) end
  if opt.val then
    return gtsrb.train { root = root, n = opt.n, val = true, seed = math.max(opt.seed, 0), log = log }
  end
  return gtsrb.train { root = root, n = opt.n, seed = math.max(opt.seed, 0), log = log },
         gtsrb.test { root = root, log = log }
end

-- Fashion-MNIST (plain or RTS-distorted); --val holds out the last sixth of the
-- shuffled training images.
local function load_fmnist(opt, distorted)
  local seed = math.max(opt.seed, 0)
  local load = distorted and stn.data.rts.fashion_mnist or stn.data.fashion_mnist.load
  if not opt.val then return load { n = opt.n, seed = seed } end
  local train = load { seed = seed }
  local total = train.data:size(1)
  local perm = stn.data.permutation(total, seed, 7)
  local nval = math.floor(total / 6)
  local val = stn.data.select(train, perm:narrow(1, total - nval + 1, nval))
  train = stn.data.select(train, perm:narrow(1, 1, total - nval))
  train = stn.data.prune(train, opt.n == -1 and nil or math.min(opt.n, total - nval), seed)
  return train, val
end

-- IDX images and labels given with --eval --test_images/--test_labels.
local function load_idx_test(opt, like)
  if opt.test_labels == '' then error('main.lua: --test_images needs --test_labels', 0) end
  local set = stn.data.fashion_mnist.read(opt.test_images, opt.test_labels, 'idx-test', like.nclasses)
  local want, got = like.data:size(), set.data:size()
  if got[2] ~= want[2] or got[3] ~= want[3] or got[4] ~= want[4] then
    error(('main.lua: the images of %s are %dx%dx%d but the model was trained on %dx%dx%d'):format(opt.test_images,
      got[2], got[3], got[4], want[2], want[3], want[4]), 0)
  end
  return set
end

-- gtsrb.torch's local normalization: a contrastive normalization with a 7-tap Gaussian.
local function local_normalization(channels)
  return stn.nn.SpatialContrastiveNormalization(channels, stn.image.gaussian1D(7))
end

-- The training and test (or validation) sets, normalized. With a checkpoint (--eval,
-- --resume), its normalization is applied instead of one computed afresh.
function dataset.load(opt, checkpoint)
  local train, test
  if opt.dataset == 'gtsrb' then train, test = load_gtsrb(opt)
  elseif opt.dataset == 'fmnist' then train, test = load_fmnist(opt, false)
  elseif opt.dataset == 'fmnist-rts' then train, test = load_fmnist(opt, true)
  else error(('main.lua: unknown --dataset %q (gtsrb, fmnist or fmnist-rts)'):format(opt.dataset), 0) end
  if opt.eval and opt.test_images ~= '' then test = load_idx_test(opt, train) end

  if not opt.no_norm then
    local mean, std
    if checkpoint and checkpoint.mean then mean, std = checkpoint.mean, checkpoint.std end
    mean, std = stn.data.normalizeGlobal(train, mean, std)
    stn.data.normalizeGlobal(test, mean, std)
    train.mean, train.std = mean, std
  end
  if not opt.no_lnorm then
    stn.data.normalizeLocal(train, local_normalization)
    stn.data.normalizeLocal(test, local_normalization)
  end
  return train, test
end

-- images (N x C x H x W in [0, 1], as the loaders give them) normalized in place as
-- dataset.load normalized its sets, with the given mean and std (a checkpoint's);
-- for the pictures of viz.lua. Returns images.
function dataset.prepare(images, opt, mean, std)
  local set = { data = images }
  if not opt.no_norm then
    if mean == nil or std == nil then error('main.lua: normalizing new images needs the mean and std of training', 2) end
    stn.data.normalizeGlobal(set, mean, std)
  end
  if not opt.no_lnorm then stn.data.normalizeLocal(set, local_normalization) end
  return images
end

local function encode(v)
  if cjson_ok then return cjson.encode(v) end
  error('main.lua: --log needs lua-cjson (apt-get install lua-cjson)', 0)
end

-- Appends one JSON line to path.
function dataset.append_log(path, record)
  local f, err = io.open(path, 'a')
  if not f then error('main.lua: cannot write the log ' .. tostring(err), 0) end
  f:write(encode(record), '\n')
  f:close()
end

return dataset
