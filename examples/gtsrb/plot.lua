-- plot.lua: the pictures of docs/visualization.md from a saved model, headless.
--   luajit plot.lua MODEL [-o DIR] [--n 8] [--images A.png,B.ppm] [--data ROOT]
--                         [--moving] [--track CLASS/TRACK]
--       DIR/transformer_<i>.png for every spatial transformer (and with --moving,
--       DIR/moving_evolution.gif); MODEL is a checkpoint of main.lua -o or a saved network
--   luajit plot.lua --curves LOG [LOG ...] [-o curves.png]
--       test accuracy and loss per epoch of main.lua --log files (gnuplot)
-- Bad arguments end the run with a message and status 1.
local here = debug.getinfo(1, 'S').source:match('^@(.*[/\\])') or './'
package.path = here .. '?.lua;' .. package.path
if not pcall(require, 'stn') then -- in a checkout without LUA_PATH: use its lua/ folder
  package.path = here .. '../../lua/?.lua;' .. here .. '../../lua/?/init.lua;' .. package.path
end
local stn = require 'stn'
local viz = require 'viz'

local USAGE = [[
usage: luajit plot.lua MODEL [-o DIR] [--n N] [--images FILES] [--data ROOT] [--moving] [--track CLASS/TRACK]
       luajit plot.lua --curves LOG [LOG ...] [-o PNG]
  MODEL          a checkpoint written by main.lua -o, or a saved network
  -o             output folder (default: .) or, with --curves, the PNG (default: curves.png)
  --n            number of test images in the figures (default 8)
  --images       comma-separated PNG/PPM files to show instead of test images
  --data         GTSRB root folder (default: the checkpoint's --data, $GTSRB_DIR, ./GTSRB)
  --moving       also write moving_evolution.gif (a GTSRB track, or a swept Fashion-MNIST image)
  --track        the GTSRB track for --moving: ClassId/track (default 0/0)]]

local function usage_error(msg) error('plot.lua: ' .. msg .. '\n' .. USAGE, 0) end

local function parse(argv)
  local o = { n = 8, logs = {} }
  local i = 1
  local function value(name)
    i = i + 1
    if argv[i] == nil then usage_error(name .. ' needs a value') end
    return argv[i]
  end
  while i <= #argv do
    local a = argv[i]
    if a == '-o' or a == '--output' then o.output = value(a)
    elseif a == '--n' then o.n = tonumber(value(a)) or usage_error('--n takes a number')
    elseif a == '--images' then o.images = value(a)
    elseif a == '--data' then o.data = value(a)
    elseif a == '--moving' then o.moving = true
    elseif a == '--track' then o.track = value(a)
    elseif a == '--curves' then o.curves = true
    elseif a == '-h' or a == '--help' then io.write(USAGE, '\n'); os.exit(0)
    elseif a:sub(1, 1) == '-' then usage_error('unknown option ' .. a)
    elseif o.curves then o.logs[#o.logs + 1] = a
    elseif o.model then usage_error('one model at a time (got ' .. o.model .. ' and ' .. a .. ')')
    else o.model = a end
    i = i + 1
  end
  return o
end

local function exists(path)
  local f = io.open(path, 'rb')
  if f then f:close() end
  return f ~= nil
end

-- The network and what main.lua saved with it (options, normalization).
local function load_model(path)
  if not exists(path) then error('plot.lua: no such model file: ' .. path, 0) end
  local ok, saved = pcall(stn.load, path)
  if not ok then error('plot.lua: cannot read the model ' .. path .. ': ' .. tostring(saved), 0) end
  local ck = (type(saved) == 'table' and saved.model) and saved or { model = saved }
  if type(ck.model) ~= 'table' or type(ck.model.forward) ~= 'function' then
    error(('plot.lua: %s holds a %s, not a network or a main.lua checkpoint'):format(path, stn.type(ck.model)), 0)
  end
  local opt = {}
  for k, v in pairs(ck.opt or {}) do opt[k] = v end
  if not ck.opt then -- a bare network: its normalization is unknown, images go in as [0, 1]
    opt.no_norm, opt.no_lnorm = true, true
  end
  return ck.model:float(), opt, ck.mean, ck.std
end

-- Picture files as network inputs: resized to the network's input, in [0, 1].
local function read_images(list, channels, size)
  local files = {}
  for f in list:gmatch('[^,]+') do files[#files + 1] = f end
  if #files == 0 then error('plot.lua: --images needs at least one file', 0) end
  local out = stn.Tensor(#files, channels, size, size)
  for i, f in ipairs(files) do
    if not exists(f) then error('plot.lua: no such image file: ' .. f, 0) end
    local pic = stn.image.load(f)
    if pic:dim() == 4 then pic = pic[1] end
    if pic:size(1) == 2 or pic:size(1) == 4 then pic = pic:narrow(1, 1, pic:size(1) - 1) end -- drop alpha
    if channels == 1 and pic:size(1) == 3 then pic = pic:mean(1) end
    if channels == 3 and pic:size(1) == 1 then pic = pic:expand(3, pic:size(2), pic:size(3)) end
    out[i]:copy(stn.data.resize(pic:contiguous():div(255), size, size))
  end
  return out
end

local function figures(o)
  if not o.model then usage_error('give a model file (or --curves with log files)') end
  local network, opt, mean, std = load_model(o.model)
  if #viz.transformers(network) == 0 then
    error(('plot.lua: %s has no spatial transformer to show (train with --st, --locnet2 or --locnet3)'):format(o.model), 0)
  end
  if o.data then opt.data = o.data end
  local sources = require 'viz_sources'
  local size = ({ fmnist = 28, ['fmnist-rts'] = 42 })[opt.dataset] or 48
  local channels = (opt.dataset == 'fmnist' or opt.dataset == 'fmnist-rts') and 1 or 3
  local images
  if o.images then
    images = require('dataset').prepare(read_images(o.images, channels, size), opt, mean, std)
  else
    images = sources.test_images(opt, o.n, mean, std)
  end
  local dir = o.output or '.'
  if not os.execute("mkdir -p '" .. dir:gsub("'", "'\\''") .. "'") then error('plot.lua: cannot create ' .. dir, 0) end
  local draw = { mean = mean, std = std, localNorm = not opt.no_lnorm }
  for _, p in ipairs(viz.transformer_figures(network, images, dir, draw)) do print(p) end
  if o.moving then
    local track
    if o.track then
      local c, t = o.track:match('^(%d+)/(%d+)$')
      if not c then usage_error('--track takes CLASS/TRACK, e.g. 14/3') end
      track = { class = tonumber(c), track = tonumber(t) }
    end
    local frames, what = sources.moving_frames(opt, mean, std, nil, track)
    print(viz.moving(network, frames, dir .. '/moving_evolution.gif', draw) .. ': ' .. what)
  end
end

local function run()
  local o = parse(arg)
  if o.curves then
    if #o.logs == 0 then usage_error('--curves needs one or more log files') end
    print(viz.curves(o.logs, o.output or 'curves.png'))
  else
    figures(o)
  end
end

local ok, err = xpcall(run, function(e)
  if os.getenv('STN_DEBUG') then return debug.traceback(e, 2) end
  return e
end)
if not ok then
  -- the message alone: no file:line prefix, viz's errors under plot.lua's name
  io.stderr:write((tostring(err):gsub('^[^\n]-%.lua:%d+: ', ''):gsub('^viz%.', 'plot.lua: ')), '\n')
  os.exit(1)
end
