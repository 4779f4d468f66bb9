-- stn.image.draw: composing pictures for figures (csrc/io/picture.c, picture_draw.c):
-- network inputs back to 0..255, nearest-neighbour upscaling, pasting, square dots
-- and text in a built-in 5 x 8 bitmap font. Coordinates are in pixels from the top-left
-- corner, 0-based (pixel (0, 0) is centred on the point (0, 0)), as in image files.
local ffi = require 'ffi'
local core = require 'stn.ffi'
local Tensor = require 'stn.Tensor'
local errors = require 'stn.errors'
local is_integer = errors.is_integer
local C, ctx, check = core.C, core.ctx, core.check
local P = Tensor._private

local draw = {}

local function fail(what, msg) errors.fail('image.' .. what, msg) end
local points_xy = require('stn.image.points').xy

-- t as a CPU picture (a copy of a GPU one, unless it is to be drawn on: an error then).
local function cpu_picture(what, t, batch_ok, drawn_on)
  if not P.is_tensor(t) then fail(what, 'expected a picture tensor C x H x W, got a ' .. type(t)) end
  if t.device ~= 0 then
    if drawn_on then fail(what, 'the canvas must be a CPU tensor (call :float() first)') end
    t = t:float()
  end
  local d = t:dim()
  if not (d == 3 or (batch_ok and d == 4)) then
    fail(what, ('expected C x H x W%s, got %s'):format(batch_ok and ' or B x C x H x W' or '', P.shape_str(t)))
  end
  return t
end

local function int_arg(what, name, v, lo, hi)
  if type(v) ~= 'number' or not is_integer(v) or v < lo or v > hi then
    fail(what, ('%s must be an integer from %d to %d, got %s'):format(name, lo, hi, tostring(v)))
  end
  return v
end

-- A colour as C floats: a number is a grey level for every channel, a table {r, g, b}.
local function color_of(what, color, channels)
  local c = ffi.new('float[4]')
  if type(color) == 'number' then
    for k = 0, 3 do c[k] = color end
  elseif type(color) == 'table' and #color == channels then
    for k = 1, channels do c[k - 1] = color[k] end
  elseif type(color) == 'table' and #color == 3 and channels == 1 then
    c[0] = (color[1] + color[2] + color[3]) / 3
  else
    fail(what, ('colour must be a number or %d numbers, got %s'):format(channels, tostring(color)))
  end
  return c
end

-- Float statistics (a number or a per-channel list) as a C array and its length.
local function stats(what, name, v)
  if type(v) == 'number' then return ffi.new('float[1]', v), 1 end
  if type(v) == 'table' and #v >= 1 and #v <= 4 then return ffi.new('float[?]', #v, v), #v end
  if P.is_tensor(v) and v:nElement() >= 1 and v:nElement() <= 4 then
    local list = v:float():contiguous():view(-1):totable()
    return ffi.new('float[?]', #list, list), #list
  end
  fail(what, ('%s must be a number or a list of 1 to 4 numbers, got %s'):format(name, tostring(v)))
end

-- Network inputs (C x H x W or B x C x H x W, any device) as 0..255 pictures on the CPU.
-- With opts.mean and opts.std (numbers or per-channel lists, as stn.data.normalizeGlobal
-- returns them) the global normalization is undone: 255 * (x * std + mean), clamped,
-- for data that were in [0, 1] (opts.scale changes the 255). Without them, or with
-- opts.stretch, each image is stretched from its own minimum (0) to maximum (255):
-- the right choice after a local (contrastive) normalization, which no global
-- mean/std can undo, and for feature maps.
function draw.toDisplay(images, opts)
  opts = opts or {}
  images = cpu_picture('toDisplay', images, true)
  local out = P.empty(0)
  if opts.stretch or opts.mean == nil or opts.std == nil then
    check(C.stn_image_to_display(ctx, images, out, C.STN_DISPLAY_STRETCH, nil, nil, 0, 0), 'stn.image.toDisplay')
  else
    local mean, nm = stats('toDisplay', 'mean', opts.mean)
    local std, ns = stats('toDisplay', 'std', opts.std)
    if nm ~= ns then fail('toDisplay', ('%d mean values but %d std values'):format(nm, ns)) end
    check(C.stn_image_to_display(ctx, images, out, C.STN_DISPLAY_AFFINE, mean, std, nm, opts.scale or 255),
      'stn.image.toDisplay')
  end
  return out
end

-- The picture with each pixel repeated factor x factor times.
function draw.upscale(pic, factor)
  pic = cpu_picture('upscale', pic)
  int_arg('upscale', 'factor', factor, 1, 64)
  local out = P.empty(0)
  check(C.stn_image_upscale(ctx, pic, out, factor), 'stn.image.upscale')
  return out
end

-- A new channels x height x width picture filled with color (default black).
function draw.canvas(channels, height, width, color)
  int_arg('canvas', 'channels', channels, 1, 4)
  int_arg('canvas', 'height', height, 1, 65536)
  int_arg('canvas', 'width', width, 1, 65536)
  local c = color_of('canvas', color or 0, channels)
  local t = P.empty(0):resize(channels, height, width)
  for k = 1, channels do t:select(1, k):fill(c[k - 1]) end
  return t
end

-- Copies pic into canvas with its top-left pixel at (x, y), upscaled factor times
-- (default 1) by pixel repetition, clipped; a grey picture goes onto an RGB canvas as
-- grey. canvas may be a view (canvas:narrow(...)) to draw into a panel of a picture.
-- Returns the canvas.
function draw.paste(canvas, pic, x, y, factor)
  canvas = cpu_picture('paste', canvas, false, true)
  pic = cpu_picture('paste', pic)
  int_arg('paste', 'x', x, -2 ^ 30, 2 ^ 30)
  int_arg('paste', 'y', y, -2 ^ 30, 2 ^ 30)
  int_arg('paste', 'factor', factor or 1, 1, 64)
  check(C.stn_image_paste(ctx, canvas, pic, x, y, factor or 1), 'stn.image.paste')
  return canvas
end

-- Squares of side 2 radius + 1 (opts.radius, default 1) in opts.color (default white)
-- centred on points: a list of {x, y} or an n x 2 tensor of (x, y); clipped.
function draw.drawPoints(canvas, points, opts)
  opts = opts or {}
  canvas = cpu_picture('drawPoints', canvas, false, true)
  local xy, n, keep = points_xy('drawPoints', points, fail)
  local radius = int_arg('drawPoints', 'radius', opts.radius or 1, 0, 1000)
  local color = color_of('drawPoints', opts.color or 255, canvas:size(1))
  check(C.stn_image_draw_points(ctx, canvas, xy, n, radius, color), 'stn.image.drawPoints')
  keep = nil -- (held until the call above is done)
  return canvas
end

-- Width and height in pixels of text drawn at opts.scale (default 1).
function draw.textSize(text, scale)
  if type(text) ~= 'string' then fail('textSize', 'expected a string, got a ' .. type(text)) end
  int_arg('textSize', 'scale', scale or 1, 1, 64)
  local w, h = ffi.new('int[1]'), ffi.new('int[1]')
  check(C.stn_image_text_size(text, scale or 1, w, h), 'stn.image.textSize')
  return w[0], h[0]
end

-- Draws text with its top-left corner at (x, y) in the built-in 5 x 8 font (digits,
-- letters, space and , . / : - + = % ( ) _), each font pixel opts.scale (1) pixels
-- wide, in opts.color (white). Returns the canvas.
function draw.drawText(canvas, text, x, y, opts)
  opts = opts or {}
  canvas = cpu_picture('drawText', canvas, false, true)
  if type(text) ~= 'string' then fail('drawText', 'expected a string, got a ' .. type(text)) end
  int_arg('drawText', 'x', x, -2 ^ 30, 2 ^ 30)
  int_arg('drawText', 'y', y, -2 ^ 30, 2 ^ 30)
  local scale = int_arg('drawText', 'scale', opts.scale or 1, 1, 64)
  local color = color_of('drawText', opts.color or 255, canvas:size(1))
  check(C.stn_image_draw_text(ctx, canvas, text, x, y, scale, color), 'stn.image.drawText')
  return canvas
end

return draw
