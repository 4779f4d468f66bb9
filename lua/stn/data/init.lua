-- stn.data: data sets and their preparation. A data set is a table
--   { data = Tensor N x C x H x W (floats), label = Tensor N (1-based classes), nclasses = K, ... }
-- as gtsrb.torch's loaders returned (labels 1-D here). The loaders (stn.data.gtsrb,
-- .fashion_mnist, .rts, .idx) load on first use; this file holds what they share:
-- seeded permutations, row selection, pruning, normalization, mini-batches, resizing.
-- Every pixel loop runs in C (csrc/io/resize.c, dataset.c, ppm.c, idx.c, rts.c).
local ffi = require 'ffi'
local core = require 'stn.ffi'
local Tensor = require 'stn.Tensor'
local errors = require 'stn.errors'
local is_integer = errors.is_integer
local C, ctx, check = core.C, core.ctx, core.check

local data = {}

local function fail(what, msg) errors.fail('data.' .. what, msg) end

---------------------------------------------------------------------- memory and files
-- n bytes from stn_alloc, freed by the garbage collector.
function data.bytes(n)
  local p = ffi.new('void *[1]')
  check(C.stn_alloc(n, p), 'stn.data.bytes')
  return ffi.gc(ffi.cast('uint8_t *', p[0]), C.stn_free)
end

-- A binary PPM/PGM file: its bytes (height x width x channels, HWC), width, height, channels.
function data.readPPM(path)
  if type(path) ~= 'string' then fail('readPPM', 'expected a path, got ' .. type(path)) end
  local px, w, h, c = ffi.new('uint8_t *[1]'), ffi.new('int[1]'), ffi.new('int[1]'), ffi.new('int[1]')
  check(C.stn_ppm_read(path, px, w, h, c), 'stn.data.readPPM')
  return ffi.gc(px[0], C.stn_free), w[0], h[0], c[0]
end

-- Writes HWC bytes as P6 (3 channels) or P5 (1), with an optional comment line.
function data.writePPM(path, bytes, width, height, channels, comment)
  check(C.stn_ppm_write(path, bytes, width, height, channels or 3, comment), 'stn.data.writePPM')
end

---------------------------------------------------------------------- seeded randomness
-- Runs fn with the process generator set to (seed, offset) and restores its state
-- afterwards, so data preparation never shifts the numbers a model draws.
local function with_rng(seed, stream, fn)
  if type(seed) ~= 'number' or seed < 0 or not is_integer(seed) then
    fail('seed', 'expected a non-negative integer seed, got ' .. tostring(seed))
  end
  local s, o = ffi.new('uint64_t[1]'), ffi.new('uint64_t[1]')
  C.stn_rng_get_state(ctx, s, o)
  C.stn_rng_set_state(ctx, seed, (stream or 0) * 2 ^ 40) -- streams far apart on the counter
  local ok, r = pcall(fn)
  C.stn_rng_set_state(ctx, s[0], o[0])
  if not ok then error(r, 0) end
  return r
end

-- A random permutation of 1..n (a Tensor), fixed by (seed, stream).
function data.permutation(n, seed, stream)
  return with_rng(seed, stream, function() return Tensor._private.empty(0):randperm(n) end)
end

-- n numbers uniform in [0, 1) (a Tensor), fixed by (seed, stream).
function data.uniform(n, seed, stream)
  return with_rng(seed, stream, function() return Tensor._private.empty(0):resize(n):uniform(0, 1) end)
end

---------------------------------------------------------------------- selection and pruning
-- A new data set holding rows `indices` (1-based) of ds: its tensors, and its
-- per-row lists (files, track, params) when present. out.index holds where each row
-- came from (1-based, in the set ds was itself selected from, if it was).
function data.select(ds, indices)
  local n = type(indices) == 'table' and #indices or indices:nElement()
  local out = {}
  for k, v in pairs(ds) do out[k] = v end
  for _, field in ipairs { 'data', 'label', 'track', 'index', 'params' } do
    if ds[field] then out[field] = ds[field]:index(1, indices) end
  end
  if not ds.index then
    out.index = Tensor._private.is_tensor(indices) and indices:clone() or Tensor._private.construct(0, 0, indices)
  end
  if ds.files then
    local files = {}
    for k = 1, n do files[k] = ds.files[indices[k]] end
    out.files = files
  end
  return out
end

-- n rows of ds drawn by a seeded shuffle (gtsrb.torch's -n): n = -1 or nil keeps ds
-- as it is; otherwise 1 <= n <= #ds. The order is shuffled, as in gtsrb.torch.
function data.prune(ds, n, seed)
  if n == nil or n == -1 then return ds end
  local total = ds.data:size(1)
  if type(n) ~= 'number' or not is_integer(n) or n < 1 or n > total then
    fail('prune', ('cannot keep %s examples of a set of %d (use 1 to %d, or -1 for all)'):format(tostring(n), total, total))
  end
  local perm = data.permutation(total, seed or 1, 1)
  return data.select(ds, perm:narrow(1, 1, n))
end

---------------------------------------------------------------------- normalization
-- Mean and standard deviation (1/(n-1), as Torch7's std) of a tensor: two numbers, or
-- two lists with one value per channel (dim 2) when perChannel.
function data.stats(t, perChannel)
  if not perChannel then return t:mean(), t:std() end
  local m, s = {}, {}
  for c = 1, t:size(2) do
    local channel = t:select(2, c)
    m[c], s[c] = channel:mean(), channel:std()
  end
  return m, s
end

-- gtsrb.torch's global normalization: ds.data <- (ds.data - mean) / std, with mean and
-- std computed on ds when not given (the training set), then passed to the test set.
-- Returns mean, std (numbers, or per-channel lists with opts.perChannel) for a checkpoint.
function data.normalizeGlobal(ds, mean, std, opts)
  local perChannel = (opts and opts.perChannel) or type(mean) == 'table'
  if mean == nil or std == nil then mean, std = data.stats(ds.data, perChannel) end
  local function apply(t, m, s)
    if not (s > 0) then fail('normalizeGlobal', ('standard deviation %s: the data are constant'):format(tostring(s))) end
    t:add(-m):div(s)
  end
  if perChannel then
    if type(mean) ~= 'table' or #mean ~= ds.data:size(2) then
      fail('normalizeGlobal', ('per-channel mean and std need %d values each'):format(ds.data:size(2)))
    end
    for c = 1, #mean do apply(ds.data:select(2, c), mean[c], std[c]) end
  else
    apply(ds.data, mean, std)
  end
  return mean, std
end

-- gtsrb.torch's local normalization: `module` (an nn module, e.g. an
-- nn.SpatialContrastiveNormalization, or a function(channels) returning one) applied
-- to ds.data in batches of `batch` images (200), in place.
function data.normalizeLocal(ds, module, batch)
  if type(module) == 'function' then module = module(ds.data:size(2)) end
  if type(module) ~= 'table' or type(module.forward) ~= 'function' then
    fail('normalizeLocal', 'expected a module with forward (such as nn.SpatialContrastiveNormalization) or a constructor')
  end
  batch = batch or 200
  local n = ds.data:size(1)
  for i = 1, n, batch do
    local rows = ds.data:narrow(1, i, math.min(batch, n - i + 1))
    rows:copy(module:forward(rows))
  end
  return ds
end

---------------------------------------------------------------------- mini-batches
-- Iterates over ds in mini-batches of `size` rows: for inputs, targets, first, count in
-- data.batches(ds, 50, {seed = 1, epoch = 3}) do ... end. The order is a permutation
-- fixed by (seed, epoch), so a resumed run sees the same batches; shuffle = false keeps
-- the rows in order (the batches are then views of ds). Shuffled batches reuse their
-- tensors from one batch to the next.
function data.batches(ds, size, opts)
  opts = opts or {}
  local n = ds.data:size(1)
  if type(size) ~= 'number' or size < 1 then fail('batches', 'batch size must be a positive integer, got ' .. tostring(size)) end
  local order = opts.shuffle ~= false and data.permutation(n, opts.seed or 1, 2 + (opts.epoch or 1)) or nil
  local inputs, targets = ds.data.new(), ds.label.new()
  local first = 1
  return function()
    if first > n then return nil end
    local count = math.min(size, n - first + 1)
    if order then
      local rows = order:narrow(1, first, count)
      inputs:index(ds.data, 1, rows)
      targets:index(ds.label, 1, rows)
    else
      inputs = ds.data:narrow(1, first, count)
      targets = ds.label:narrow(1, first, count)
    end
    local f = first
    first = first + count
    return inputs, targets, f, count
  end
end

---------------------------------------------------------------------- resizing
-- img (C x H x W or N x C x H x W floats, CPU) resized to height x width with the
-- antialiased bilinear filter of csrc/io/resize.c; a new tensor.
function data.resize(img, height, width)
  local nd = img:dim()
  if nd ~= 3 and nd ~= 4 then fail('resize', 'expected C x H x W or N x C x H x W, got ' .. tostring(img:size())) end
  if img.device ~= 0 then fail('resize', 'expected a CPU tensor') end
  local src = img:contiguous()
  local s = src:size()
  local n, c, h, w = nd == 4 and s[1] or 1, s[nd - 2], s[nd - 1], s[nd]
  local out = Tensor._private.empty(0):resize(nd == 4 and { n, c, height, width } or { c, height, width })
  local shape = ffi.new('stn_image_shape', C.STN_PIXEL_F32, C.STN_LAYOUT_CHW, n, c, h, w)
  check(C.stn_image_resize(ctx, shape, src:data(), height, width, out:data()), 'stn.data.resize')
  return out
end

---------------------------------------------------------------------- image files and byte images
local MAX_SIDE = 2 ^ 20

local function side(what, name, v)
  if not is_integer(v) or v < 1 or v > MAX_SIDE then
    fail(what, ('%s must be an integer from 1 to %d, got %s'):format(name, MAX_SIDE, tostring(v)))
  end
end

-- Binary PPM/PGM files (any sizes and depths) decoded and resized to height x width as
-- stn.data.gtsrb decodes its images (the filter of data.resize, rounded to bytes): an
-- N x channels x height x width float tensor of values in [0, 1] (byte x float(1/255)). channels:
-- 3 (default; every file must be P6) or 1 (P5). A failure names the first bad file.
function data.loadImages(paths, height, width, channels)
  local what = 'loadImages'
  if type(paths) ~= 'table' or #paths == 0 then
    fail(what, 'expected a non-empty list of file paths, got ' .. (type(paths) == 'table' and 'an empty one' or type(paths)))
  end
  for i, path in ipairs(paths) do
    if type(path) ~= 'string' or path == '' then fail(what, ('path %d: expected a file path, got %s'):format(i, tostring(path))) end
  end
  side(what, 'height', height)
  side(what, 'width', width)
  channels = channels or 3
  if channels ~= 1 and channels ~= 3 then fail(what, 'channels must be 1 or 3, got ' .. tostring(channels)) end
  local n, len = #paths, channels * height * width
  local out = Tensor._private.construct(0, 0, n, channels, height, width) -- (checks the element count)
  local cpaths = ffi.new('const char *[?]', n) -- (the strings stay alive in paths)
  for i = 1, n do cpaths[i - 1] = paths[i] end
  local bytes = data.bytes(n * len)
  check(C.stn_ppm_load_resized(ctx, cpaths, n, channels, height, width, bytes, nil), 'data.loadImages')
  check(C.stn_bytes_to_float(ctx, bytes, n, len, nil, n, 1 / 255, out), 'data.loadImages')
  return out
end

-- Fills a polygon (points: a list of {x, y}, or an n x 2 tensor, in pixels from the
-- top-left corner, at least 3) with color (a number or `channels` integers 0..255) in a
-- byte image of height x width x channels (HWC, as readPPM gives and writePPM takes:
-- stn.data.bytes(n), readPPM's bytes or a uint8_t array of that size), with antialiased
-- edges (4 x 4 samples a pixel, even-odd rule). Returns bytes.
local byte_ptr = ffi.new('uint8_t *[1]')
local points_xy = require('stn.image.points').xy
function data.drawPolygon(bytes, width, height, channels, points, color)
  local what = 'drawPolygon'
  if type(bytes) ~= 'cdata' or not pcall(function() byte_ptr[0] = bytes end) then
    fail(what, 'expected a byte image (stn.data.bytes, readPPM or a uint8_t array), got ' .. (type(bytes) == 'cdata' and tostring(ffi.typeof(bytes)) or type(bytes)))
  end
  byte_ptr[0] = nil
  side(what, 'width', width)
  side(what, 'height', height)
  if channels ~= 1 and channels ~= 2 and channels ~= 3 and channels ~= 4 then
    fail(what, 'channels must be 1 to 4, got ' .. tostring(channels))
  end
  local xy, n, keep = points_xy(what, points, fail)
  if n < 3 or n > 100000 then fail(what, ('a polygon needs 3 to 100000 points, got %d'):format(n)) end
  local rgb = type(color) == 'number' and {} or color
  if type(color) == 'number' then for c = 1, channels do rgb[c] = color end end
  if type(rgb) ~= 'table' or #rgb ~= channels then
    fail(what, ('color must be a number or %d numbers, got %s'):format(channels, tostring(color)))
  end
  local c8 = ffi.new('uint8_t[4]')
  for c = 1, channels do
    local v = rgb[c]
    if not is_integer(v) or v < 0 or v > 255 then
      fail(what, ('color %d must be an integer from 0 to 255, got %s'):format(c, tostring(v)))
    end
    c8[c - 1] = v
  end
  check(C.stn_draw_polygon(bytes, width, height, channels, xy, n, c8), 'data.drawPolygon')
  keep = nil -- (held until the call above is done)
  return bytes
end

---------------------------------------------------------------------- loaders, on first use
local lazy = { gtsrb = 'stn.data.gtsrb', idx = 'stn.data.idx', fashion_mnist = 'stn.data.fashion_mnist', rts = 'stn.data.rts' }
setmetatable(data, {
  __index = function(t, k)
    local name = lazy[k]
    if not name then return nil end
    local m = require(name)
    rawset(t, k, m)
    return m
  end,
})

return data
