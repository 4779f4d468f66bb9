-- make_fake_gtsrb.lua: a small GTSRB-format tree for specs and smoke runs.
--   luajit tools/make_fake_gtsrb.lua DIR [--seed 1] [--classes 43] [--tracks 3] [--frames 5] [--test 2]
-- Class k is a coloured sign (outer shape, border colour, inner design: all distinct)
-- on a cluttered background; each track is one sign approached over its frames
-- (growing from as little as 15 px to as much as 250 px), with geometric noise (angle,
-- offset, scale, aspect) per frame. The files have the official layout and the quirks
-- of real data: PPM headers with comments and odd whitespace, CSVs with LF or CRLF.
-- Deterministic from the seed; from Lua: dofile('tools/make_fake_gtsrb.lua').make(dir, opts).
local here = (debug.getinfo(1, 'S').source:match('^@(.*/)') or './')
package.path = here .. '../lua/?.lua;' .. here .. '../lua/?/init.lua;' .. package.path
local ffi = require 'ffi'
local lfs = require 'lfs'
local stn = require 'stn'

local M = {}

local SHAPES = { 'circle', 'triangle', 'triangle_down', 'diamond', 'octagon', 'square' }
local BORDER = { { 200, 20, 30 }, { 20, 60, 190 }, { 235, 200, 20 }, { 30, 30, 30 } }
local INNER = { { 245, 245, 245 }, { 20, 20, 20 } }

-- Vertices of a shape of radius r centred at (cx, cy), rotated by a radians.
local function polygon(shape, cx, cy, r, a)
  local sides, phase = 32, 0
  if shape == 'triangle' then sides, phase = 3, -math.pi / 2
  elseif shape == 'triangle_down' then sides, phase = 3, math.pi / 2
  elseif shape == 'diamond' then sides, phase = 4, 0
  elseif shape == 'octagon' then sides, phase = 8, math.pi / 8
  elseif shape == 'square' then sides, phase = 4, math.pi / 4 end
  local xy = {}
  for k = 0, sides - 1 do
    local t = phase + a + 2 * math.pi * k / sides
    xy[k + 1] = { cx + r * math.cos(t), cy + r * math.sin(t) }
  end
  return xy
end

-- rgb: whole numbers or fractions (truncated, as the drawn bytes are).
local function fill(img, w, h, xy, rgb)
  local c = {}
  for i = 1, 3 do c[i] = math.floor(rgb[i]) end
  stn.data.drawPolygon(img, w, h, 3, xy, c)
end

-- Draws class `class` into a new w x h image; u() gives the next uniform draw.
-- Returns the bytes and the sign's bounding box (the ROI).
local function draw_sign(class, w, h, u)
  local img = ffi.new('uint8_t[?]', w * h * 3)
  local function rect(x0, y0, x1, y1) return { { x0, y0 }, { x1, y0 }, { x1, y1 }, { x0, y1 } } end
  local bg = { 60 + 120 * u(), 70 + 110 * u(), 60 + 100 * u() }
  fill(img, w, h, rect(0, 0, w, h), bg)
  for _ = 1, 2 do -- clutter
    local x0, y0 = u() * w, u() * h
    local xy = rect(x0, y0, x0 + (0.2 + 0.5 * u()) * w, y0 + (0.2 + 0.5 * u()) * h)
    fill(img, w, h, xy, { 40 + 150 * u(), 40 + 150 * u(), 40 + 150 * u() })
  end
  local shape = SHAPES[class % #SHAPES + 1]
  local border = BORDER[math.floor(class / #SHAPES) % #BORDER + 1]
  local variant = math.floor(class / (#SHAPES * #BORDER)) % 2
  local r = math.min(w, h) * (0.3 + 0.12 * u())
  local cx, cy = w / 2 + (u() - 0.5) * 0.15 * w, h / 2 + (u() - 0.5) * 0.15 * h
  local a = (u() - 0.5) * 0.35
  fill(img, w, h, polygon(shape, cx, cy, r, a), border)
  fill(img, w, h, polygon(shape, cx, cy, r * 0.62, a), INNER[variant + 1])
  if variant == 1 then -- a bar across the sign in the border colour
    fill(img, w, h, rect(cx - 0.45 * r, cy - 0.1 * r, cx + 0.45 * r, cy + 0.1 * r), border)
  end
  local function clamp(v, hi) return math.max(0, math.min(hi - 1, math.floor(v + 0.5))) end
  return img, { clamp(cx - r, w), clamp(cy - r, h), clamp(cx + r, w), clamp(cy + r, h) }
end

-- PPM headers in the forms real files and other tools produce.
local HEADERS = {
  function(w, h) return ('P6\n%d %d\n255\n'):format(w, h) end,
  function(w, h) return ('P6\n# made by make_fake_gtsrb\n%d %d\n255\n'):format(w, h) end,
  function(w, h) return ('P6 %d\t%d   255\n'):format(w, h) end,
  function(w, h) return ('P6\n#one\n%d\n# between width and height\n%d #after height\n# before maxval\n255\r'):format(w, h) end,
  function(w, h) return ('P6\r\n%d  %d\r\n255\n'):format(w, h) end,
}

local function write(path, text)
  local f = assert(io.open(path, 'wb'))
  f:write(text)
  f:close()
end

local function mkdirs(path)
  local acc = path:sub(1, 1) == '/' and '/' or ''
  for part in path:gmatch('[^/]+') do
    acc = acc .. part .. '/'
    if not lfs.attributes(acc) then assert(lfs.mkdir(acc)) end
  end
end

local CSV_HEADER = 'Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId'

-- Writes the tree under dir. opts: seed (1), classes (43), tracks (3), frames (5),
-- test (test images per class, 2). Returns a summary: counts and the size range.
function M.make(dir, opts)
  opts = opts or {}
  local classes, tracks, frames, ntest = opts.classes or 43, opts.tracks or 3, opts.frames or 5, opts.test or 2
  local per_image = 24
  local total = classes * tracks * frames + classes * ntest
  local draws = stn.data.uniform(total * per_image, opts.seed or 1, 7)
  local pd, next_draw = draws:data(), 0
  local function u()
    next_draw = next_draw + 1
    assert(next_draw <= total * per_image, 'make_fake_gtsrb: ran out of random draws')
    return pd[next_draw - 1]
  end
  local image_no, minside, maxside = 0, math.huge, 0
  local function emit(path, class, w, h)
    local img, roi = draw_sign(class, w, h, u)
    local hdr = HEADERS[image_no % #HEADERS + 1](w, h)
    write(path, hdr .. ffi.string(img, w * h * 3))
    image_no = image_no + 1
    minside, maxside = math.min(minside, w, h), math.max(maxside, w, h)
    return ('%d;%d;%d;%d;%d;%d'):format(w, h, roi[1], roi[2], roi[3], roi[4])
  end
  local function size_pair(base)
    local w = math.max(15, math.min(250, math.floor(base + 0.5)))
    local h = math.max(15, math.min(250, math.floor(base * (0.9 + 0.2 * u()) + 0.5)))
    return w, h
  end
  for c = 0, classes - 1 do
    local cdir = ('%s/Final_Training/Images/%05d'):format(dir, c)
    mkdirs(cdir)
    local eol = c % 2 == 0 and '\n' or '\r\n'
    local lines = { CSV_HEADER }
    for t = 0, tracks - 1 do
      local first = 15 + 45 * u()
      local last = math.min(250, first * (1.5 + 2 * u()))
      if c == 0 and t == 0 then first = 15 end
      if c == math.min(1, classes - 1) and t == tracks - 1 then last = 250 end
      for f = 0, frames - 1 do
        local base = frames > 1 and first + (last - first) * f / (frames - 1) or first
        local w, h = size_pair(base)
        if c == 0 and t == 0 and f == 0 then w, h = 15, 15 end
        if c == math.min(1, classes - 1) and t == tracks - 1 and f == frames - 1 then w, h = 250, 250 end
        local name = ('%05d_%05d.ppm'):format(t, f)
        lines[#lines + 1] = name .. ';' .. emit(cdir .. '/' .. name, c, w, h) .. ';' .. c
      end
    end
    write(('%s/GT-%05d.csv'):format(cdir, c), table.concat(lines, eol) .. eol)
  end
  local tdir = dir .. '/Final_Test/Images'
  mkdirs(tdir)
  local lines = { CSV_HEADER }
  for i = 0, classes * ntest - 1 do
    local c = (i * 7 + 3) % classes -- classes interleaved, as in the real test set
    local w, h = size_pair(15 + 120 * u())
    local name = ('%05d.ppm'):format(i)
    lines[#lines + 1] = name .. ';' .. emit(tdir .. '/' .. name, c, w, h) .. ';' .. c
  end
  write(tdir .. '/GT-final_test.csv', table.concat(lines, '\r\n') .. '\r\n')
  return { train = classes * tracks * frames, test = classes * ntest, classes = classes, minside = minside, maxside = maxside }
end

local function main(argv)
  local dir = argv[1]
  if not dir or dir:sub(1, 1) == '-' then
    io.stderr:write('usage: luajit tools/make_fake_gtsrb.lua DIR [--seed N] [--classes N] [--tracks N] [--frames N] [--test N]\n')
    os.exit(1)
  end
  local opts, i = {}, 2
  while i <= #argv do
    local key, value = argv[i]:match('^%-%-(%w+)$'), tonumber(argv[i + 1])
    if not key or not value then io.stderr:write('make_fake_gtsrb: bad option ', tostring(argv[i]), '\n'); os.exit(1) end
    opts[key] = value
    i = i + 2
  end
  local s = M.make(dir, opts)
  print(('%s: %d training and %d test images, %d classes, sides %d to %d px'):format(dir, s.train, s.test, s.classes, s.minside, s.maxside))
end

if arg and arg[0] and arg[0]:match('make_fake_gtsrb%.lua$') then main(arg) end
return M
