-- stn.image.io: picture files. PNG (libpng) and animated GIF (giflib) are written and
-- read by csrc/io/png_io.c, gif_write.c and gif_read.c; binary PPM/PGM are read by
-- stn.data's C reader (csrc/io/ppm.c). Pictures are CPU float tensors C x H x W holding 0..255.
local ffi = require 'ffi'
local bit = require 'bit'
local core = require 'stn.ffi'
local Tensor = require 'stn.Tensor'
local errors = require 'stn.errors'
local is_integer = errors.is_integer
local C, ctx, check = core.C, core.ctx, core.check
local P = Tensor._private

local io_ = {}

local function fail(what, msg) errors.fail('image.' .. what, msg) end

-- A CPU picture from t (copied to the CPU when it is on the GPU).
local function picture(what, t)
  if not P.is_tensor(t) then fail(what, 'expected a picture tensor C x H x W, got a ' .. type(t)) end
  if t.device ~= 0 then t = t:float() end
  return t
end

local function path_arg(what, path)
  if type(path) ~= 'string' or path == '' then fail(what, 'expected a file path, got ' .. tostring(path)) end
end

-- {png = true/false, gif = true/false}: the file formats this stn was built with.
function io_.formats()
  local f = C.stn_image_formats()
  return { png = bit.band(f, C.STN_IMAGE_PNG) ~= 0, gif = bit.band(f, C.STN_IMAGE_GIF) ~= 0 }
end

-- Writes a picture (C = 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA; values 0..255, rounded
-- and clamped) as a PNG file, atomically.
function io_.savePNG(path, pic)
  path_arg('savePNG', path)
  pic = picture('savePNG', pic)
  check(C.stn_png_write(ctx, path, pic), 'stn.image.savePNG')
end

---------------------------------------------------------------------- animated GIFs
local GIFWriter = {}
GIFWriter.__index = GIFWriter
local palettes = { adaptive = C.STN_GIF_ADAPTIVE, cube = C.STN_GIF_CUBE }

-- An animation of width x height frames built one frame at a time, in memory:
--   local gif = stn.image.GIFWriter(width, height, {delay = 10, loop = 0, palette = 'adaptive'})
--   gif:add(picture [, delay]); gif:save(path) (any time; later frames extend it); gif:close()
-- delay: hundredths of a second per frame; loop: 0 repeats forever, n times, -1 once
-- without the loop extension; palette: 'adaptive' (median cut of the first frame,
-- kept for all) or 'cube' (a fixed 6x7x6 colour cube plus greys).
function io_.GIFWriter(width, height, opts)
  opts = opts or {}
  if type(opts) ~= 'table' then fail('GIFWriter', 'options must be a table, got ' .. type(opts)) end
  local palette = palettes[opts.palette or 'adaptive']
  if not palette then fail('GIFWriter', ('palette must be "adaptive" or "cube", got %q'):format(tostring(opts.palette))) end
  local delay = opts.delay or 10
  if type(delay) ~= 'number' or delay < 0 or delay > 65535 or not is_integer(delay) then
    fail('GIFWriter', 'delay must be an integer number of hundredths of a second (0 to 65535), got ' .. tostring(delay))
  end
  if not is_integer(width) or not is_integer(height) then
    fail('GIFWriter', ('expected the frame width and height (whole numbers), got %s, %s'):format(tostring(width),
      tostring(height)), 2)
  end
  if opts.loop ~= nil and not is_integer(opts.loop) then
    fail('GIFWriter', 'loop must be a whole number (-1: once, 0: forever, n: n more times), got ' .. tostring(opts.loop))
  end
  local out = ffi.new('stn_gif *[1]')
  check(C.stn_gif_new(width, height, palette, opts.loop or 0, out), 'stn.image.GIFWriter')
  return setmetatable({ gif = ffi.gc(out[0], C.stn_gif_free), width = width, height = height, delay = delay }, GIFWriter)
end

local function live(self, what)
  if not self.gif then fail('GIFWriter:' .. what, 'the animation was closed') end
end

-- Appends a frame (1 or 3 x height x width, values 0..255), shown delay hundredths
-- of a second (default: the writer's delay).
function GIFWriter:add(pic, delay)
  live(self, 'add')
  pic = picture('GIFWriter:add', pic)
  check(C.stn_gif_add_frame(ctx, self.gif, pic, delay or self.delay), 'stn.image.GIFWriter:add')
  return self
end

function GIFWriter:count()
  live(self, 'count')
  return C.stn_gif_frame_count(self.gif)
end

-- Writes the frames so far as a complete GIF file (atomically); frames may follow.
function GIFWriter:save(path)
  live(self, 'save')
  path_arg('GIFWriter:save', path)
  check(C.stn_gif_save(self.gif, path), 'stn.image.GIFWriter:save')
  return self
end

-- Frees the encoder's memory now (the garbage collector would otherwise).
function GIFWriter:close()
  if self.gif then C.stn_gif_free(ffi.gc(self.gif, nil)); self.gif = nil end
end

-- Writes frames (a list of pictures, or an N x C x H x W tensor) as an animated GIF.
-- opts as GIFWriter's.
function io_.saveGIF(path, frames, opts)
  path_arg('saveGIF', path)
  local n, get
  if P.is_tensor(frames) then
    if frames:dim() ~= 4 then fail('saveGIF', 'frames must be N x C x H x W, got ' .. P.shape_str(frames)) end
    n, get = frames:size(1), function(k) return frames:select(1, k) end
  elseif type(frames) == 'table' then
    n, get = #frames, function(k) return frames[k] end
  else
    fail('saveGIF', 'expected a list of frames or an N x C x H x W tensor, got a ' .. type(frames))
  end
  if n == 0 then fail('saveGIF', 'no frames to write to ' .. path) end
  local first = picture('saveGIF', get(1))
  if first:dim() ~= 3 then fail('saveGIF', 'frame 1 must be C x H x W, got ' .. P.shape_str(first)) end
  local gif = io_.GIFWriter(first:size(3), first:size(2), opts)
  for k = 1, n do
    local ok, err = pcall(gif.add, gif, get(k))
    if not ok then gif:close(); fail('saveGIF', ('frame %d: %s'):format(k, tostring(err):gsub('^stn: ', ''))) end
  end
  gif:save(path)
  gif:close()
end

---------------------------------------------------------------------- reading
local function magic(path)
  local f, err = io.open(path, 'rb')
  if not f then return nil, err end
  local head = f:read(8) or ''
  f:close()
  return head
end

local function load_ppm(path)
  local px, w, h, c = ffi.new('uint8_t *[1]'), ffi.new('int[1]'), ffi.new('int[1]'), ffi.new('int[1]')
  check(C.stn_ppm_read(path, px, w, h, c), 'stn.image.load')
  local bytes = ffi.gc(px[0], C.stn_free)
  local n = h[0] * w[0] * c[0]
  local flat = P.empty(0):resize(n)
  check(C.stn_bytes_to_float(ctx, bytes, 1, n, nil, 1, 1, flat), 'stn.image.load')
  -- H x W x C bytes seen channel-first
  local chw = flat:view(h[0], w[0], c[0]):transpose(2, 3):transpose(1, 2):contiguous()
  return chw, { format = 'ppm', width = w[0], height = h[0], channels = c[0], frames = 1 }
end

-- Reads a PNG, GIF or binary PPM/PGM file (found by its first bytes). Returns the
-- picture C x H x W (for a GIF: every frame, N x 3 x H x W, composited as shown) with
-- values 0..255, and {format, width, height, channels, frames, delays, loop}.
function io_.load(path)
  path_arg('load', path)
  local head, err = magic(path)
  if not head then fail('load', 'cannot open ' .. tostring(err)) end
  if head:sub(1, 8) == '\137PNG\r\n\26\n' then
    local out = P.empty(0)
    check(C.stn_png_read(ctx, path, out), 'stn.image.load')
    return out, { format = 'png', width = out:size(3), height = out:size(2), channels = out:size(1), frames = 1 }
  elseif head:sub(1, 6) == 'GIF87a' or head:sub(1, 6) == 'GIF89a' then
    local out, loop, delays = P.empty(0), ffi.new('int[1]'), ffi.new('int[?]', 4096)
    check(C.stn_gif_read(ctx, path, out, delays, 4096, loop), 'stn.image.load')
    local n, list = out:size(1), {}
    for k = 1, math.min(n, 4096) do list[k] = delays[k - 1] end
    return out, { format = 'gif', width = out:size(4), height = out:size(3), channels = 3, frames = n,
                  delays = list, loop = loop[0] }
  elseif head:match('^P[56]%s') then
    return load_ppm(path)
  end
  fail('load', path .. ' is neither PNG, GIF nor binary PPM/PGM (first bytes ' .. ('%q'):format(head) .. ')')
end

return io_
