-- stn.data.rts: the RTS distortion of the STN paper (rotation in [-45, 45] degrees,
-- scale in [0.7, 1.2], random position in a 42 x 42 canvas), done in C (csrc/io/rts.c),
-- and RTS Fashion-MNIST built with it. Image k's distortion depends only on (seed,
-- stream, its id): the training set uses stream 0, the test set stream 1.
local ffi = require 'ffi'
local core = require 'stn.ffi'
local Tensor = require 'stn.Tensor'
local data = require 'stn.data'
local errors = require 'stn.errors'
local is_integer = errors.is_integer
local C, ctx, check = core.C, core.ctx, core.check

local rts = { CANVAS = 42, ANGLE = 45, SCALE = { 0.7, 1.2 } }

-- The 1-based ids (a list or a 1-D Tensor) as 0-based int64 for C, and their count.
local function ids0(ids)
  local list = Tensor._private.is_tensor(ids) and ids:contiguous():totable() or ids
  local out = ffi.new('int64_t[?]', math.max(#list, 1))
  for k = 1, #list do out[k - 1] = list[k] - 1 end
  return out, #list
end

-- images (N x H x W or N x C x H x W, CPU) distorted: returns the N x [C x] canvas x
-- canvas images and the N x 4 parameters (angle in degrees, scale, centre x, centre y
-- in canvas pixels). opts: seed (1), stream (0), canvas (42), angle (45: the range is
-- [-angle, angle]), scale ({0.7, 1.2}), ids (1-based id of each image: a Tensor or list;
-- default 1..N), out and params (tensors to reuse).
function rts.distort(images, opts)
  opts = opts or {}
  if not (Tensor._private.is_tensor(images) and (images:dim() == 3 or images:dim() == 4)) then
    errors.fail('data.rts.distort', 'expected N x H x W or N x C x H x W images')
  end
  local scale = opts.scale or rts.SCALE
  local seed = opts.seed or 1
  if type(seed) ~= 'number' or seed < 0 or not is_integer(seed) then
    errors.fail('data.rts.distort', 'seed must be a non-negative integer, got ' .. tostring(seed))
  end
  local ids
  if opts.ids then
    local n
    ids, n = ids0(opts.ids)
    if n ~= images:size(1) then errors.fail('data.rts.distort', '%d ids for %d images', n, images:size(1)) end
  end
  local out, params = opts.out or Tensor._private.empty(0), opts.params or Tensor._private.empty(0)
  local config = ffi.new('stn_rts_config', {
    canvas = opts.canvas or rts.CANVAS, max_angle = opts.angle or rts.ANGLE, min_scale = scale[1], max_scale = scale[2],
    seed = seed, stream = opts.stream or 0,
  })
  check(C.stn_rts_distort(ctx, images, out, params, config, ids), 'stn.data.rts.distort')
  return out, params
end

local function distorted(ds, opts, stream, name)
  local out = {}
  for k, v in pairs(ds) do out[k] = v end
  out.data, out.params = rts.distort(ds.data, {
    seed = opts.seed or 1, stream = stream, canvas = opts.canvas, angle = opts.angle, scale = opts.scale, ids = ds.index,
  })
  out.name = name
  return out
end

-- RTS Fashion-MNIST: train, test as stn.data.fashion_mnist.load(opts) gives them
-- (opts.n prunes the training set first; each kept image is distorted as it would
-- be in the full set), with data N x 1 x 42 x 42 and params N x 4.
function rts.fashion_mnist(opts)
  opts = opts or {}
  local train, test = data.fashion_mnist.load(opts)
  return distorted(train, opts, 0, 'fmnist-rts-train'), distorted(test, opts, 1, 'fmnist-rts-test')
end

return rts
