-- viz_sources.lua: the images the pictures of viz.lua are made of, for each data set
-- of main.lua: a few test images, and an object moving (every frame of one GTSRB
-- track, or one Fashion-MNIST test image swept through scale and translation), all
-- normalized as main.lua normalizes its data (dataset.prepare).
local stn = require 'stn'
local dataset = require 'dataset'

local sources = {}

-- Raises "viz.<what>: <msg>" at the caller's line (the first outside stn and this file).
local fail = require('stn.errors').reporter('viz.')

local function gtsrb_root(opt)
  if opt.data and opt.data ~= '' then return opt.data end
  return os.getenv('GTSRB_DIR') or 'GTSRB'
end

-- Every frame TTTTT_FFFFF.ppm of one GTSRB training track, in frame order, decoded and
-- resized as stn.data.gtsrb does (N x 3 x size x size in [0, 1]). class: the ClassId
-- (0-based folder number), track: TTTTT.
function sources.gtsrb_track(root, class, track, size)
  size = size or 48
  local lfs = require 'lfs'
  local dir = ('%s/Final_Training/Images/%05d'):format(root, class)
  if lfs.attributes(dir, 'mode') ~= 'directory' then
    fail('gtsrb_track', ('no folder %s (GTSRB training images of class %d)'):format(dir, class))
  end
  local prefix, files = ('%05d_'):format(track), {}
  for name in lfs.dir(dir) do
    if name:sub(1, 6) == prefix and name:match('^%d+_%d+%.[pP][pP][mM]$') then files[#files + 1] = name end
  end
  table.sort(files)
  if #files == 0 then fail('gtsrb_track', ('no frames %s*.ppm in %s'):format(prefix, dir)) end
  local paths = {}
  for i, name in ipairs(files) do paths[i] = dir .. '/' .. name end
  return stn.data.loadImages(paths, size, size), files
end

-- One image (C x S x S in [0, 1]) swept through scale and translation inside a canvas
-- x canvas frame (as the RTS protocol places it, without the rotation): N frames
-- (opts.frames, 48) along a closed path, the scale going through opts.scale ({0.7,
-- 1.2}) and the centre around the canvas, the object kept inside. Each frame is an
-- affine warp by stn's own grid generator and bilinear sampler (zero outside).
function sources.rts_sweep(img, canvas, opts)
  opts = opts or {}
  if not stn.isTensor(img) or img:dim() ~= 3 or img:size(2) ~= img:size(3) then
    fail('rts_sweep', 'expected a square C x S x S image')
  end
  local n, S, K = opts.frames or 48, img:size(2), canvas or 42
  local lo, hi = (opts.scale or { 0.7, 1.2 })[1], (opts.scale or { 0.7, 1.2 })[2]
  local thetas = {}
  for k = 1, n do
    local t = (k - 1) / n
    local s = (lo + hi) / 2 + (hi - lo) / 2 * math.sin(2 * math.pi * t)
    local room = math.max(0, (K - s * S) / 2) * 0.9 -- how far the centre may move
    local cx = (K - 1) / 2 + room * math.cos(2 * math.pi * t)
    local cy = (K - 1) / 2 + room * math.sin(4 * math.pi * t)
    -- canvas pixel p (aligned, normalized u) samples source pixel (p - c)/s + (S - 1)/2
    local a = (K - 1) / ((S - 1) * s)
    thetas[k] = { { a, 0, (K - 1 - 2 * cy) / ((S - 1) * s) }, { 0, a, (K - 1 - 2 * cx) / ((S - 1) * s) } }
  end
  local grid = stn.nn.AffineGridGeneratorBHWD(K, K):forward(stn.Tensor(thetas))
  local C = img:size(1)
  local bhwc = stn.Tensor(n, S, S, C)
  local one = img:transpose(1, 2):transpose(2, 3) -- S x S x C
  for k = 1, n do bhwc[k]:copy(one) end
  local out = stn.nn.BilinearSamplerBHWD():forward({ bhwc, grid }) -- n x K x K x C
  return out:transpose(3, 4):transpose(2, 3):contiguous()
end

local function fmnist_test()
  local fm = stn.data.fashion_mnist
  local paths = fm.paths()
  return fm.read(paths.test_images, paths.test_labels, 'fmnist-test')
end

-- n test images of opt.dataset (the checkpoint's options), spread over the test set,
-- normalized with mean and std as main.lua did. Returns N x C x H x W.
function sources.test_images(opt, n, mean, std)
  n = n or 8
  local images
  if opt.dataset == nil or opt.dataset == 'gtsrb' then
    images = stn.data.gtsrb.test({ root = gtsrb_root(opt), n = n, seed = 1 }).data
  elseif opt.dataset == 'fmnist' or opt.dataset == 'fmnist-rts' then
    local test = fmnist_test()
    images = test.data:narrow(1, 1, n):clone()
    if opt.dataset == 'fmnist-rts' then -- the rows of main.lua's RTS test set (stream 1)
      images = stn.data.rts.distort(images, { seed = math.max(opt.seed or 1, 0), stream = 1 })
    end
  else
    fail('test_images', ('unknown dataset %q (gtsrb, fmnist or fmnist-rts)'):format(tostring(opt.dataset)))
  end
  return dataset.prepare(images, opt, mean, std)
end

-- The moving object for opt.dataset, normalized: GTSRB: every frame of a track
-- (track = {class = ClassId, track = TTTTT}; default: the first row of sets.test when
-- it has tracks (the --val set, unseen in training), else of sets.train, else class
-- 0's track 0); Fashion-MNIST: test image 1 swept through scale and translation in
-- a frame of the network's input size. Returns N x C x H x W and a description.
function sources.moving_frames(opt, mean, std, sets, track)
  sets = sets or {}
  local frames, what
  if opt.dataset == nil or opt.dataset == 'gtsrb' then
    if not track then
      local from = (sets.test and sets.test.track) and sets.test or (sets.train and sets.train.track) and sets.train
      track = from and { class = from.label[1] - 1, track = from.track[1] } or { class = 0, track = 0 }
    end
    frames = sources.gtsrb_track(gtsrb_root(opt), track.class, track.track, 48)
    what = ('GTSRB class %d, track %d (%d frames)'):format(track.class, track.track, frames:size(1))
  elseif opt.dataset == 'fmnist' or opt.dataset == 'fmnist-rts' then
    local img = fmnist_test().data[1]
    if opt.dataset == 'fmnist-rts' then frames = sources.rts_sweep(img, 42)
    else frames = sources.rts_sweep(img, 28, { scale = { 0.6, 1.0 } }) end
    what = ('Fashion-MNIST test image 1 swept through scale and translation (%d frames)'):format(frames:size(1))
  else
    fail('moving_frames', ('unknown dataset %q (gtsrb, fmnist or fmnist-rts)'):format(tostring(opt.dataset)))
  end
  return dataset.prepare(frames, opt, mean, std), what
end

return sources
