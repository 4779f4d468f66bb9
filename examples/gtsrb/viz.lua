-- viz.lua: what the spatial transformers learned, as the seed article showed it:
--   transformer_figures  a PNG per transformer: each input with the corners of the
--                        region it samples (white dots) next to the transformer's output
--   EpochAnimation       8 fixed test images through the first transformer before
--                        training and 10 times per epoch (epoch_evolution.gif)
--   moving               a moving object (a GTSRB track, a swept RTS image) and the
--                        transformer's output beside it (moving_evolution.gif)
--   curves               accuracy and training loss per epoch from --log files (gnuplot)
--   attach               the hooks main.lua --viz calls
-- docs/visualization.md explains the pictures. Every pixel is drawn by stn.image (C).
local stn = require 'stn'
local image = stn.image

local viz = {}

-- Raises "viz.<what>: <msg>" at the caller's line (the first outside stn and this file).
local fail = require('stn.errors').reporter('viz.')

---------------------------------------------------------------------- finding transformers
-- The grid generator inside a transformer: the module, the order of its grid's last
-- dimension ('yx' for the stnbhwd family, 'xy' for the BCHW one) and its corner rule.
local function grid_of(st)
  local seen, found = {}, nil
  local function walk(m)
    if found or seen[m] or type(m) ~= 'table' then return end
    seen[m] = true
    local t = stn.type(m)
    if t == 'nn.AffineGridGeneratorBHWD' then found = { module = m, order = 'yx', alignCorners = true } return end
    if t == 'nn.AffineGridGenerator' then
      found = { module = m, order = 'xy', alignCorners = m.alignCorners ~= false }
      return
    end
    if type(m.modules) == 'table' then for _, c in ipairs(m.modules) do walk(c) end end
    -- bundles may hold their parts in fields (nn.SpatialTransformer's grid, ...)
    local keys = {}
    for k, v in pairs(m) do
      if k ~= 'modules' and type(k) == 'string' and type(v) == 'table' and type(v.forward) == 'function' then keys[#keys + 1] = k end
    end
    table.sort(keys)
    for _, k in ipairs(keys) do walk(m[k]) end
  end
  walk(st)
  return found
end

-- The spatial transformers of a network in the order the input meets them: modules
-- tagged isSpatialTransformer (networks.lua) and nn.SpatialTransformer bundles. Each
-- entry: {module, grid = {module, order, alignCorners}}.
function viz.transformers(network)
  if type(network) ~= 'table' or type(network.forward) ~= 'function' then
    fail('transformers', 'expected a network (an nn module), got ' .. stn.type(network))
  end
  local list = {}
  local function walk(m)
    if m.isSpatialTransformer or stn.type(m) == 'nn.SpatialTransformer' then
      local grid = grid_of(m)
      if not grid then
        fail('transformers', stn.type(m) .. ' is tagged as a spatial transformer but holds no '
          .. 'nn.AffineGridGeneratorBHWD or nn.AffineGridGenerator')
      end
      list[#list + 1] = { module = m, grid = grid }
      return
    end
    if type(m.modules) == 'table' then for _, c in ipairs(m.modules) do walk(c) end end
  end
  walk(network)
  return list
end

---------------------------------------------------------------------- the corners
-- The corners of the sampled region, in input pixel coordinates: grid is B x H' x W'
-- x 2 in normalized coordinates (order 'yx' or 'xy'); the output's corner pixels
-- (top-left, top-right, bottom-right, bottom-left) are looked up in it and mapped to
-- the input's pixels as the samplers map them (stn.spatial.gridToPixel: pixel (0, 0)
-- centred on (0, 0)). Returns B x 4 x 2 (x, y), CPU.
function viz.corners(grid, order, alignCorners, in_h, in_w)
  if not stn.isTensor(grid) or grid:dim() ~= 4 or grid:size(4) ~= 2 then
    fail('corners', 'grid must be B x H x W x 2, got ' .. (stn.isTensor(grid) and tostring(grid:size()) or type(grid)))
  end
  if order ~= 'yx' and order ~= 'xy' then fail('corners', 'order must be "yx" or "xy", got ' .. tostring(order)) end
  if type(in_h) ~= 'number' or type(in_w) ~= 'number' or in_h < 1 or in_w < 1 then
    fail('corners', ('the input size must be positive numbers, got %s x %s'):format(tostring(in_h), tostring(in_w)))
  end
  local g = grid:float()
  local B, H, W = g:size(1), g:size(2), g:size(3)
  local out = stn.Tensor(B, 4, 2)
  local xi, yi = order == 'yx' and 2 or 1, order == 'yx' and 1 or 2
  for k, ij in ipairs { { 1, 1 }, { 1, W }, { H, W }, { H, 1 } } do
    local v = g:select(2, ij[1]):select(2, ij[2]) -- B x 2
    out:select(2, k):select(2, 1):copy(v:select(2, xi))
    out:select(2, k):select(2, 2):copy(v:select(2, yi))
  end
  local x, y, align = out:select(3, 1), out:select(3, 2), alignCorners and true or false
  x:copy(stn.spatial.gridToPixel(x, in_w, align))
  y:copy(stn.spatial.gridToPixel(y, in_h, align))
  return out
end

---------------------------------------------------------------------- running the network
local function device_of(network)
  return network:type() == 'torch.CudaTensor' and 'cuda' or 'float'
end

-- Is st the first module data meets in network (so that running st alone suffices)?
local function is_first(network, st)
  local m = network
  while m ~= st and type(m.modules) == 'table' and m.modules[1] and stn.type(m) == 'nn.Sequential' do m = m.modules[1] end
  return m == st
end

-- Runs images (N x C x H x W, any device) through the network in evaluation mode and
-- returns, for each transformer of `entries` (viz.transformers), {input, output, grid}
-- as CPU tensors. Only the transformer itself runs when it is the network's first
-- module and it is the only one asked for. The network's train flag is restored.
function viz.probe(network, entries, images)
  local was_training = network.train ~= false
  local x = images:type(network:type() == 'torch.CudaTensor' and 'torch.CudaTensor' or 'torch.FloatTensor')
  local single = x:size(1) == 1
  if single then -- nn.View(n) takes a batch of one for a single sample (Torch7's rule): send two
    local sizes = x:size()
    sizes[1] = 2
    x = x:expand(sizes):contiguous()
  end
  local records = {}
  for i, e in ipairs(entries) do
    local st, rec = e.module, {}
    local method = st.updateOutput
    records[i] = rec
    rawset(st, 'updateOutput', function(self, input)
      local out = method(self, input)
      rec.input, rec.output, rec.grid = input:float():clone(), out:float():clone(), e.grid.module.output:float():clone()
      return out
    end)
  end
  local ok, err = pcall(function()
    if #entries == 1 and is_first(network, entries[1].module) then
      local st = entries[1].module
      local st_training = st.train ~= false
      st:evaluate()
      st:forward(x)
      if st_training then st:training() end
    else
      network:evaluate()
      network:forward(x)
      if was_training then network:training() end
    end
  end)
  for _, e in ipairs(entries) do rawset(e.module, 'updateOutput', nil) end
  if not ok then error(err, 0) end
  for i, rec in ipairs(records) do
    if not rec.grid then fail('probe', ('transformer %d did not run during the forward pass'):format(i)) end
    if single then
      rec.input, rec.output, rec.grid = rec.input:narrow(1, 1, 1), rec.output:narrow(1, 1, 1), rec.grid:narrow(1, 1, 1)
    end
  end
  return records
end

---------------------------------------------------------------------- drawing
-- How pictures are laid out: the upscaling factor, the margin around each input (where
-- corners outside the image still show) and the gaps.
local function layout_for(h, w, target)
  local f = math.max(1, math.floor(target / math.max(h, w)))
  local m = math.max(4, math.floor(f * math.max(h, w) / 8))
  return { factor = f, margin = m, gap = 6, inner_w = f * w, inner_h = f * h,
           pair_w = 2 * m + f * w + 6 + f * w, pair_h = 2 * m + f * h }
end
viz.layout_for = layout_for

-- Display versions (0..255) of a batch of network inputs or transformer outputs.
-- Feature maps (other than 1 or 3 channels) are shown as their channel mean.
local function display(batch, opts)
  local c = batch:size(2)
  if c ~= 1 and c ~= 3 then return image.toDisplay(batch:mean(2), { stretch = true }) end
  if opts.mean ~= nil and opts.std ~= nil and not opts.localNorm then
    return image.toDisplay(batch, { mean = opts.mean, std = opts.std })
  end
  return image.toDisplay(batch, { stretch = true })
end
viz.display = display

local BACKGROUND, PANEL = 40, 70

-- Fills the w x h rectangle of canvas at (x, y) (inside the canvas) with a grey level.
local function fill_rect(canvas, x, y, w, h, grey)
  local v = canvas:narrow(2, y + 1, h):narrow(3, x + 1, w)
  for c = 1, v:size(1) do v:select(1, c):fill(grey) end
end

-- Draws one pair at (x, y) of canvas: the input (pic_in, 0..255) on a lighter panel
-- whose margin shows corners just outside the image, the corners (4 x 2, input
-- pixels) as white dots outlined in black and clipped to the panel, and the output
-- beside it. Everything it covers is redrawn, so a canvas can be reused frame to frame.
local function draw_pair(canvas, L, x, y, pic_in, pic_out, corners)
  local f, m = L.factor, L.margin
  local panel = canvas:narrow(2, y + 1, L.pair_h):narrow(3, x + 1, 2 * m + L.inner_w)
  for c = 1, panel:size(1) do panel:select(1, c):fill(PANEL) end
  image.paste(panel, pic_in, m, m, f)
  -- input pixel p is centred at m + (p + 0.5) f - 0.5 in the panel
  local pts = corners:clone():add(0.5):mul(f):add(m - 0.5)
  local r = math.max(1, math.floor(f / 2))
  image.drawPoints(panel, pts, { radius = r + 1, color = 0 })
  image.drawPoints(panel, pts, { radius = r, color = 255 })
  -- an output of another size than the input is scaled to about the same height
  local fo = pic_out:size(2) == pic_in:size(2) and f or math.max(1, math.floor(L.inner_h / pic_out:size(2)))
  image.paste(canvas, pic_out, x + 2 * m + L.inner_w + L.gap, y + m, fo)
end
viz.draw_pair = draw_pair

-- Where n pairs of h x w images go: `columns` pairs a row, panels about `target`
-- pixels, and a strip of text_h pixels below (at G.text_y).
local function grid_layout(n, h, w, target, columns, text_h)
  local L = layout_for(h, w, target)
  columns = math.min(columns, n)
  local rows = math.ceil(n / columns)
  local cw, ch = L.pair_w + 2 * L.gap, L.pair_h + 2 * L.gap
  return { L = L, columns = columns, cw = cw, ch = ch, width = columns * cw, text_y = rows * ch,
           height = rows * ch + (text_h or 0), text_h = text_h or 0 }
end

-- Draws every pair of a probe record onto canvas (a new one when nil) laid out by G.
local function draw_pairs(canvas, G, rec, opts)
  local pin, pout = display(rec.input, opts), display(rec.output, opts)
  canvas = canvas or image.canvas(pin:size(2), G.height, G.width, BACKGROUND)
  local corners = viz.corners(rec.grid, opts.order, opts.alignCorners, rec.input:size(3), rec.input:size(4))
  for k = 1, pin:size(1) do
    local col, row = (k - 1) % G.columns, math.floor((k - 1) / G.columns)
    draw_pair(canvas, G.L, col * G.cw + G.L.gap, row * G.ch + G.L.gap, pin[k], pout[k], corners[k])
  end
  return canvas
end

local TEXT_SCALE = 2

-- Writes a label into the text strip of a canvas laid out by G.
local function draw_label(canvas, G, label)
  fill_rect(canvas, 0, G.text_y, G.width, G.text_h, BACKGROUND)
  image.drawText(canvas, label, G.L.gap + 2, G.text_y + 4, { scale = TEXT_SCALE })
end

---------------------------------------------------------------------- (a) figures
-- For images (N x C x H x W, normalized as the network's inputs), writes
-- dir/transformer_<i>.png for each spatial transformer i of the network: one row per
-- image, its input with the sampled region's corners, then its output. opts: mean, std,
-- localNorm (see docs/visualization.md for the colours), prefix ('transformer_').
-- Returns the paths written.
function viz.transformer_figures(network, images, dir, opts)
  opts = opts or {}
  if not stn.isTensor(images) or images:dim() ~= 4 then
    fail('transformer_figures', 'images must be N x C x H x W, got ' .. (stn.isTensor(images) and tostring(images:size()) or type(images)))
  end
  local entries = viz.transformers(network)
  if #entries == 0 then fail('transformer_figures', 'the network has no spatial transformer') end
  local records = viz.probe(network, entries, images)
  local paths = {}
  for i, rec in ipairs(records) do
    local o = setmetatable({ order = entries[i].grid.order, alignCorners = entries[i].grid.alignCorners }, { __index = opts })
    local G = grid_layout(rec.input:size(1), rec.input:size(3), rec.input:size(4), 144, 1)
    local canvas = draw_pairs(nil, G, rec, o)
    paths[i] = ('%s/%s%d.png'):format(dir, opts.prefix or 'transformer_', i)
    image.savePNG(paths[i], canvas)
  end
  return paths
end

---------------------------------------------------------------------- (b) during training
local Animation = {}
Animation.__index = Animation

-- The epoch animation: images (N x C x H x W, normalized; 8 in the seed) through the
-- network's first transformer, one frame per call to :step(epoch, k) (step(0, 0)
-- before training), each frame all pairs and the counter "epoch e, k/10"; written to
-- path after every epoch (:save) and at the end (:close). opts: mean, std, localNorm,
-- delay (cs per frame, 10), hold (cs for the first and last frames, 100), columns (4).
function viz.EpochAnimation(network, images, path, opts)
  opts = opts or {}
  local entries = viz.transformers(network)
  if #entries == 0 then fail('EpochAnimation', 'the network has no spatial transformer') end
  if not stn.isTensor(images) or images:dim() ~= 4 then fail('EpochAnimation', 'images must be N x C x H x W') end
  local self = setmetatable({ network = network, entries = { entries[1] }, path = path, opts = opts,
    ms = {}, delay = opts.delay or 10, hold = opts.hold or 100 }, Animation)
  self.images = images:type(network:type() == 'torch.CudaTensor' and 'torch.CudaTensor' or 'torch.FloatTensor')
  self.draw_opts = setmetatable({ order = entries[1].grid.order, alignCorners = entries[1].grid.alignCorners }, { __index = opts })
  return self
end

-- The frame for the network as it is now, drawn over the previous one.
function Animation:frame(label)
  return self:draw(viz.probe(self.network, self.entries, self.images)[1], label)
end

-- The frame of a probe record (viz.probe's, for the first transformer).
function Animation:draw(rec, label)
  if not self.canvas then
    local x = rec.input
    self.G = grid_layout(x:size(1), x:size(3), x:size(4), 96, self.opts.columns or 4, 8 * TEXT_SCALE + 8)
  end
  self.canvas = draw_pairs(self.canvas, self.G, rec, self.draw_opts)
  draw_label(self.canvas, self.G, label)
  return self.canvas
end

-- One frame: epoch e, step k of 10 (0, 0: before training). Returns its milliseconds.
function Animation:step(epoch, k)
  local t0 = stn.clock()
  local label = epoch == 0 and 'before training' or ('epoch %d, %d/10'):format(epoch, k)
  local canvas = self:frame(label)
  if not self.gif then
    self.gif = image.GIFWriter(canvas:size(3), canvas:size(2), { delay = self.delay, palette = 'adaptive' })
  end
  self.gif:add(canvas, epoch == 0 and self.hold or self.delay)
  local ms = (stn.clock() - t0) * 1000
  self.ms[#self.ms + 1] = ms
  return ms
end

function Animation:save()
  if self.gif and self.gif:count() > 0 then self.gif:save(self.path) end
end

-- Saves, frees the encoder, and returns the median milliseconds a frame took.
function Animation:close()
  if self.gif then
    self:save()
    self.gif:close()
    self.gif = nil
  end
  return viz.median(self.ms)
end

---------------------------------------------------------------------- (c) a moving object
-- frames (N x C x H x W, normalized as the network's inputs): an object moving, in
-- order. Writes an animated GIF to path: each frame the input with the corners of the
-- region sampled by the first transformer (opts.transformer picks another) and the
-- transformer's output, with the counter "k/N". opts: mean, std, localNorm, delay (12).
function viz.moving(network, frames, path, opts)
  opts = opts or {}
  if not stn.isTensor(frames) or frames:dim() ~= 4 then fail('moving', 'frames must be N x C x H x W') end
  local entries = viz.transformers(network)
  if #entries == 0 then fail('moving', 'the network has no spatial transformer') end
  local e = entries[opts.transformer or 1]
  if not e then fail('moving', ('the network has %d transformers, not %s'):format(#entries, tostring(opts.transformer))) end
  local o = setmetatable({ order = e.grid.order, alignCorners = e.grid.alignCorners }, { __index = opts })
  local n, gif, G, canvas = frames:size(1), nil, nil, nil
  for first = 1, n, 64 do
    local count = math.min(64, n - first + 1)
    local rec = viz.probe(network, { e }, frames:narrow(1, first, count))[1]
    local pin, pout = display(rec.input, o), display(rec.output, o)
    local corners = viz.corners(rec.grid, o.order, o.alignCorners, rec.input:size(3), rec.input:size(4))
    local x = rec.input
    G = G or grid_layout(1, x:size(3), x:size(4), 144, 1, 8 * TEXT_SCALE + 8)
    for k = 1, count do
      canvas = canvas or image.canvas(pin:size(2), G.height, G.width, BACKGROUND)
      draw_pair(canvas, G.L, G.L.gap, G.L.gap, pin[k], pout[k], corners[k])
      draw_label(canvas, G, ('%d/%d'):format(first + k - 1, n))
      gif = gif or image.GIFWriter(canvas:size(3), canvas:size(2), { delay = opts.delay or 12 })
      gif:add(canvas)
    end
  end
  gif:save(path)
  gif:close()
  return path
end

function viz.median(list)
  if #list == 0 then return 0 end
  local s = {}
  for i, v in ipairs(list) do s[i] = v end
  table.sort(s)
  return s[math.floor((#s + 1) / 2)]
end

---------------------------------------------------------------------- (d) curves
local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end
local function gp_quote(s) return "'" .. s:gsub("'", "''") .. "'" end

-- The records of a --log file (JSON lines: epoch, train_loss, test_loss, accuracy, ...).
function viz.read_log(path)
  local ok, cjson = pcall(require, 'cjson')
  if not ok then fail('read_log', 'reading logs needs lua-cjson: install the Debian package lua-cjson') end
  local f, err = io.open(path, 'r')
  if not f then fail('read_log', 'cannot open the log ' .. tostring(err)) end
  local records, lineno = {}, 0
  for line in f:lines() do
    lineno = lineno + 1
    if line:match('%S') then
      local good, r = pcall(cjson.decode, line)
      if not good or type(r) ~= 'table' then
        f:close()
        fail('read_log', ('%s:%d is not a JSON object: %s'):format(path, lineno, line:sub(1, 80)))
      end
      for _, k in ipairs { 'epoch', 'train_loss', 'accuracy' } do
        if type(r[k]) ~= 'number' then
          f:close()
          fail('read_log', ('%s:%d has no number %q (a main.lua --log line has epoch, train_loss, test_loss, accuracy)')
            :format(path, lineno, k))
        end
      end
      records[#records + 1] = r
    end
  end
  f:close()
  if #records == 0 then fail('read_log', path .. ' holds no epochs') end
  return records
end

-- Draws test accuracy (left) and training loss (right, test loss dashed) per epoch for
-- one or more --log files, one colour each, as a PNG at path (gnuplot, headless).
-- logs: a list of paths, or of {path = , label = }; labels default to the file names.
function viz.curves(logs, path, opts)
  opts = opts or {}
  if type(logs) == 'string' then logs = { logs } end
  if type(logs) ~= 'table' or #logs == 0 then fail('curves', 'expected one or more log files') end
  if type(path) ~= 'string' or path == '' then fail('curves', 'expected the output PNG path') end
  local all = {}
  for i, log in ipairs(logs) do
    local ok, records = pcall(viz.read_log, type(log) == 'table' and log.path or log)
    if not ok then fail('curves', (tostring(records):gsub('^.-viz%.read_log: ', ''))) end
    all[i] = records
  end
  local gnuplot = io.popen('command -v gnuplot 2>/dev/null'):read('*l')
  if not gnuplot or gnuplot == '' then
    fail('curves', 'gnuplot not found: install the Debian package gnuplot-nox (apt-get install gnuplot-nox)')
  end
  local tmp = os.tmpname()
  local files, acc, loss, last = {}, {}, {}, 1
  for i, log in ipairs(logs) do
    local file = type(log) == 'table' and log.path or log
    local label = type(log) == 'table' and log.label or file:match('([^/]+)$'):gsub('%.jsonl?$', '')
    local records = all[i]
    files[i] = ('%s.%d.dat'):format(tmp, i)
    local f = assert(io.open(files[i], 'w'))
    for _, r in ipairs(records) do
      last = math.max(last, r.epoch)
      f:write(('%d %.9g %.9g %s\n'):format(r.epoch, 100 * r.accuracy, r.train_loss,
        type(r.test_loss) == 'number' and ('%.9g'):format(r.test_loss) or 'NaN'))
    end
    f:close()
    local style = ('linetype %d'):format(i)
    acc[i] = ('%s using 1:2 with linespoints %s title %s'):format(gp_quote(files[i]), style, gp_quote(label))
    loss[i] = ('%s using 1:3 with linespoints %s title %s, %s using 1:4 with linespoints %s dashtype 2 pointtype 6 title %s')
      :format(gp_quote(files[i]), style, gp_quote(label .. ' (train)'), gp_quote(files[i]), style, gp_quote(label .. ' (test)'))
  end
  local partial = path .. '.partial.png'
  local script = table.concat({
    ('set terminal pngcairo size %d,%d font ",10"'):format(opts.width or 1100, opts.height or 420),
    'set output ' .. gp_quote(partial),
    'set multiplot layout 1,2',
    'set grid', 'set xlabel "epoch"', 'set key bottom right', last <= 30 and 'set xtics 1' or '',
    'set title "test accuracy (%)"', 'plot ' .. table.concat(acc, ', '),
    'set title "loss"', 'set key top right', 'plot ' .. table.concat(loss, ', '),
    'unset multiplot', 'set output',
  }, '\n') .. '\n'
  local sf = assert(io.open(tmp .. '.gp', 'w'))
  sf:write(script)
  sf:close()
  local cmd = ('%s %s 2>%s'):format(shell_quote(gnuplot), shell_quote(tmp .. '.gp'), shell_quote(tmp .. '.err'))
  local status = os.execute(cmd)
  local ef = io.open(tmp .. '.err', 'r')
  local errors = ef and ef:read('*a') or ''
  if ef then ef:close() end
  for _, f in ipairs(files) do os.remove(f) end
  os.remove(tmp .. '.gp'); os.remove(tmp .. '.err'); os.remove(tmp)
  if not (status == 0 or status == true) then
    os.remove(partial)
    fail('curves', 'gnuplot failed: ' .. errors)
  end
  local ok, err = os.rename(partial, path)
  if not ok then fail('curves', 'cannot write ' .. tostring(err)) end
  return path
end

---------------------------------------------------------------------- main.lua --viz
-- The hooks of main.lua --viz DIR:
--   local hooks = viz.attach(network, test_set, dir, opts)
--   hooks.start()                 before the first epoch: frame 0 of the animation
--   trainer.train(set, epoch, function(k) hooks.tick(epoch, k) end)
--   hooks.finish()                after training: figures, moving_evolution.gif
-- Eight test images spread over test_set (opts.n) make the animation and the figures.
-- opts: mean, std, localNorm (true when local normalization followed the global one,
-- so the colours are stretched per image instead), moving (a function returning the
-- frames of a moving object, normalized, and a description; see viz_sources.lua),
-- log (a function taking progress lines; default print).
function viz.attach(network, test_set, dir, opts)
  opts = opts or {}
  if #viz.transformers(network) == 0 then
    fail('attach', 'the network has no spatial transformer to show (add --st, or --locnet2/--locnet3)')
  end
  if type(dir) ~= 'string' or dir == '' then fail('attach', 'expected a folder for the pictures') end
  if not os.execute('mkdir -p ' .. shell_quote(dir)) then fail('attach', 'cannot create the folder ' .. dir) end
  local log = opts.log or print
  local n = math.min(opts.n or 8, test_set.data:size(1))
  local total = test_set.data:size(1)
  local images = stn.Tensor(n, test_set.data:size(2), test_set.data:size(3), test_set.data:size(4))
  for i = 1, n do images[i]:copy(test_set.data[math.floor((i - 1) * total / n) + 1]) end
  local formats = image.formats()
  if not formats.gif then
    log('viz: no GIF animations: this stn was built without giflib (install the Debian package libgif-dev and rebuild)')
  end
  if not formats.png then
    log('viz: no PNG figures: this stn was built without libpng (install the Debian package libpng-dev and rebuild)')
  end
  local anim, stopped
  local hooks = {}
  -- Frame 0 (an error here ends the run before any training time is spent).
  function hooks.start()
    if not formats.gif then return end
    anim = viz.EpochAnimation(network, images, dir .. '/epoch_evolution.gif', opts)
    anim:step(0, 0)
    anim:save()
  end
  -- During training a failure (a full disk, ...) stops the animation, not the training.
  function hooks.tick(epoch, k)
    if not formats.gif or stopped then return end
    local ok, err = pcall(function()
      if not anim then hooks.start() end
      anim:step(epoch, k)
      if k == 10 then anim:save() end
    end)
    if not ok then
      stopped = true
      log('viz: the epoch animation stopped: ' .. tostring(err))
    end
  end
  local function try(what, fn)
    local ok, err = pcall(fn)
    if not ok then log(('viz: no %s: %s'):format(what, tostring(err))) end
  end
  function hooks.finish()
    if anim then
      try('epoch_evolution.gif', function()
        local frames, ms = anim.gif and anim.gif:count() or 0, anim:close()
        log(('viz: %s/epoch_evolution.gif: %d frames, %.1f ms each (median)'):format(dir, frames, ms))
      end)
    end
    local t0 = stn.clock()
    if formats.png then
      try('transformer figures', function()
        for _, p in ipairs(viz.transformer_figures(network, images, dir, opts)) do log('viz: ' .. p) end
      end)
    end
    if opts.moving and formats.gif then
      try('moving_evolution.gif', function()
        local frames, what = opts.moving()
        viz.moving(network, frames, dir .. '/moving_evolution.gif', opts)
        log(('viz: %s/moving_evolution.gif: %s'):format(dir, what or ''))
      end)
    end
    log(('viz: figures in %.2f s'):format(stn.clock() - t0))
  end
  return hooks
end

return viz
