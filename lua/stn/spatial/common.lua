-- Shared by the spatial transformer modules (stn/spatial/AffineGridGenerator.lua and the
-- others of docs/spatial_transformer.md): input checks whose messages name the module
-- and the sizes, the batch handling (an unbatched input is a batch of one), the
-- samplers' C descriptor and the passes the module families share.
local ffi = require 'ffi'
local core = require 'stn.ffi'
local errors = require 'stn.errors'
local Tensor = require 'stn.Tensor'
local is_integer = require('stn.integer').is_integer
local P = Tensor._private

local S = { C = core.C, ctx = core.ctx }

S.is_tensor = P.is_tensor
S.shape = P.shape_str

-- Raises 'stn: <module>: <message>' at the user's line (stn.errors).
S.fail = errors.fail

-- Turns a failed C status into an error naming the module.
S.check = core.check

-- x as a batch: a dims-D tensor as it is, a (dims-1)-D one viewed as a batch of one.
-- Returns the batched view and whether x was batched. what/layout name x in messages.
function S.batch(name, what, x, dims, layout)
  if not P.is_tensor(x) then S.fail(name, '%s must be a tensor (%s), got a %s', what, layout, type(x)) end
  local d = x:dim()
  if d == dims then return x, true end
  if d == dims - 1 then return x:unsqueeze(1), false end
  S.fail(name, '%s must be %s (or without the batch dimension), got %s', what, layout, S.shape(x))
end

-- theta B x 2 x 3 (or 2 x 3).
function S.theta(name, x)
  local t, batched = S.batch(name, 'theta', x, 3, 'B x 2 x 3')
  if t:size(2) ~= 2 or t:size(3) ~= 3 then S.fail(name, 'theta must be B x 2 x 3 (or 2 x 3), got %s', S.shape(x)) end
  return t, batched
end

-- The table {images, grid} of a sampler, both batched (4-D) or both not (3-D).
-- layout names the images' layout. Volumes (stn.spatial.volumetric) pass dims 5, their
-- grid's layout and 3 coordinates (default: 4, 'B x H\' x W\' x 2', 2).
function S.sampler_input(name, input, layout, dims, grid_layout, coords)
  dims, grid_layout, coords = dims or 4, grid_layout or 'B x H\' x W\' x 2', coords or 2
  if type(input) ~= 'table' or #input ~= 2 then
    S.fail(name, 'expected a table {images, grid}, got %s', P.is_tensor(input) and 'a tensor ' .. S.shape(input) or type(input))
  end
  local images, batched = S.batch(name, 'images', input[1], dims, layout)
  local grid, gbatched = S.batch(name, 'grid', input[2], dims, grid_layout)
  if batched ~= gbatched then
    S.fail(name, 'images (%s) and grid (%s) must both have a batch dimension or both not', S.shape(input[1]), S.shape(input[2]))
  end
  if grid:size(dims) ~= coords then S.fail(name, 'grid must be %s, got %s', grid_layout, S.shape(input[2])) end
  if grid:size(1) ~= images:size(1) then
    S.fail(name, 'images (%s) and grid (%s) have different batch sizes', S.shape(images), S.shape(grid))
  end
  if images.device ~= grid.device then
    S.fail(name, 'images (%s) and grid (%s) are on different devices', images:type(), grid:type())
  end
  return images, grid, batched
end

-- t, or its only batch element when the input was not batched.
function S.unbatch(t, batched)
  if batched then return t end
  return t:select(1, 1)
end

-- An options table holds only the keys a module knows (a misspelt one would otherwise be
-- ignored): known is a list of names.
function S.check_keys(name, opts, known)
  local set = {}
  for _, k in ipairs(known) do set[k] = true end
  for k in pairs(opts) do
    if not set[k] then
      local list = {}
      for _, n in ipairs(known) do list[#list + 1] = n end
      table.sort(list)
      S.fail(name, 'unknown option %s (known: %s)', type(k) == 'string' and ("'%s'"):format(k) or tostring(k),
        table.concat(list, ', '))
    end
  end
end

-- Reads an options table's alignCorners (default true, the stnbhwd convention).
function S.align_corners(name, opts)
  if opts.alignCorners == nil then return true end
  if type(opts.alignCorners) ~= 'boolean' then
    S.fail(name, 'alignCorners must be true or false, got %s', tostring(opts.alignCorners))
  end
  return opts.alignCorners
end

-- A positive integer size, at least `least`.
function S.size(name, what, v, least, why)
  if type(v) ~= 'number' or not is_integer(v) or v < least then
    S.fail(name, '%s must be an integer >= %d%s, got %s', what, least, why or '', tostring(v))
  end
  return v
end

-- A grid generator's options (opts: nil or a table with alignCorners alone): alignCorners.
function S.grid_options(name, opts)
  opts = opts or {}
  if type(opts) ~= 'table' then S.fail(name, 'options must be a table, got %s', type(opts)) end
  S.check_keys(name, opts, { 'alignCorners' })
  return S.align_corners(name, opts)
end

-- A grid generator's output size: at least 2 with alignCorners (its grid divides by size - 1).
function S.grid_size(name, what, v, align)
  return S.size(name, what, v, align and 2 or 1, align and ' with alignCorners (the grid divides by size - 1)' or '')
end

-- The C sampler's descriptor (include/stn/spatial.h): layout 'bchw' or 'bhwc', grid
-- order 'xy' or 'yx', alignCorners a boolean, padding 0 (zeros), 1 (border) or 2
-- (reflection), mode 0 (bilinear, the default), 1 (nearest) or 2 (bicubic), antialias a
-- boolean (default false).
local LAYOUTS, ORDERS = { bchw = 0, bhwc = 1 }, { xy = 0, yx = 1 }
function S.sampler_desc(layout, order, alignCorners, padding, mode, antialias)
  return ffi.new('stn_sampler_desc', LAYOUTS[layout], ORDERS[order], alignCorners and 1 or 0, padding, mode or 0,
    antialias and 1 or 0)
end

-- The samplers' shared backward: checks gradOutput (out_layout), reuses the gradInput
-- tensors (clearState empties the table: then fresh ones on the images' device), leaves
-- an empty image gradient (and asks the kernel for none) when module.imageGradient is
-- off, and calls kernel(images, grid, gradOutput, gradImages or nil, gradGrid) for the C status.
function S.sampler_backward(module, name, layout, out_layout, input, gradOutput, kernel)
  local images, grid, batched = S.sampler_input(name, input, layout)
  local g = S.batch(name, 'gradOutput', gradOutput, 4, out_layout)
  local gi, gg = module.gradInput[1] or images.new(), module.gradInput[2] or images.new()
  if not module.imageGradient then gi = gi.new() end
  S.check(kernel(images, grid, g, module.imageGradient and gi or nil, gg), name)
  module.gradInput = { module.imageGradient and S.unbatch(gi, batched) or gi, S.unbatch(gg, batched) }
  return module.gradInput
end

-- setImageGradient(on) of both samplers: whether backward computes the gradient w.r.t.
-- the images (not needed when they are the network's input); off, gradInput[1] stays empty.
function S.set_image_gradient(module, on)
  module.imageGradient = on and true or false
  return module
end

-- The grid generators' passes, shared by AffineGridGenerator (order C.STN_GRID_XY) and
-- AffineGridGeneratorBHWD (C.STN_GRID_YX: stnbhwd's (y, x), corners aligned).
function S.grid_forward(module, name, input, order, align)
  local theta, batched = S.theta(name, input)
  S.check(S.C.stn_affine_grid_forward(S.ctx, theta, module.output, module.height, module.width, order, align), name)
  module.output = S.unbatch(module.output, batched)
  return module.output
end

function S.grid_backward(module, name, input, gradOutput, order, align)
  local theta, batched = S.theta(name, input)
  local g = S.batch(name, 'gradOutput', gradOutput, 4, 'B x H x W x 2')
  if g:size(1) ~= theta:size(1) or g:size(2) ~= module.height or g:size(3) ~= module.width or g:size(4) ~= 2 then
    S.fail(name, 'gradOutput must be %dx%dx%dx2, got %s', theta:size(1), module.height, module.width, S.shape(gradOutput))
  end
  S.check(S.C.stn_affine_grid_backward(S.ctx, g, module.gradInput, order, align), name)
  module.gradInput = S.unbatch(module.gradInput, batched)
  return module.gradInput
end

return S
