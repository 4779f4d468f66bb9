-- examples/gtsrb/viz.lua and plot.lua: where the corner dots land (hand-built grids,
-- then real transformers drawn into PNG files and found again in the pixels), the
-- epoch and moving animations, the training curves, and clear errors for bad input.
local H = require 'helpers'
local stn = H.stn
local image = stn.image
package.path = 'examples/gtsrb/?.lua;' .. package.path
local viz = require 'viz'

local dir = os.tmpname()
os.remove(dir)
os.execute("mkdir -p '" .. dir .. "'")
local function path(name) return dir .. '/' .. name end
teardown(function() os.execute("rm -rf '" .. dir .. "'") end)

-- it() when this build writes the files a test needs (libpng, giflib; gnuplot on
-- PATH), else pending with the package to install.
local formats = image.formats()
local has_gnuplot = (io.popen('command -v gnuplot 2>/dev/null'):read('*l') or '') ~= ''
local function needs(what)
  local missing = {}
  for w in what:gmatch('%a+') do
    if w == 'png' and not formats.png then missing[#missing + 1] = 'libpng (libpng-dev)' end
    if w == 'gif' and not formats.gif then missing[#missing + 1] = 'giflib (libgif-dev)' end
    if w == 'gnuplot' and not has_gnuplot then missing[#missing + 1] = 'gnuplot (gnuplot-nox)' end
  end
  return function(name, fn)
    if #missing == 0 then it(name, fn) else pending(name .. ' [built without ' .. table.concat(missing, ', ') .. ']') end
  end
end
local png_it, gif_it, curves_it = needs('png'), needs('png gif'), needs('png gnuplot')

-- A B x H x W x 2 grid of the affine map (a, b) -> (sy a + ty, sx b + tx) over the
-- normalized output coordinates, in 'yx' order, built by hand.
local function grid_yx(B, Ho, Wo, sy, ty, sx, tx)
  local g = {}
  for n = 1, B do
    g[n] = {}
    for i = 1, Ho do
      g[n][i] = {}
      for j = 1, Wo do
        local y, x = -1 + 2 * (i - 1) / (Ho - 1), -1 + 2 * (j - 1) / (Wo - 1)
        g[n][i][j] = { sy * y + ty, sx * x + tx }
      end
    end
  end
  return stn.Tensor(g)
end

describe('viz.corners', function()
  it('puts the identity grid on the corner pixels of the input', function()
    local c = viz.corners(grid_yx(2, 3, 5, 1, 0, 1, 0), 'yx', true, 10, 20)
    for n = 1, 2 do H.assert_near(c[n], stn.Tensor({ { 0, 0 }, { 19, 0 }, { 19, 9 }, { 0, 9 } }), 1e-6) end
  end)

  it('maps a scale and shift as computed by hand', function()
    -- y' = 0.5 y + 0.25 spans [-0.25, 0.75]: rows (v + 1) * 9 / 2 = 3.375 .. 7.875
    -- x' = 0.25 x - 0.5 spans [-0.75, -0.25]: columns (v + 1) * 19 / 2 = 2.375 .. 7.125
    local c = viz.corners(grid_yx(1, 4, 4, 0.5, 0.25, 0.25, -0.5), 'yx', true, 10, 20)
    H.assert_near(c[1], stn.Tensor({ { 2.375, 3.375 }, { 7.125, 3.375 }, { 7.125, 7.875 }, { 2.375, 7.875 } }), 1e-6)
  end)

  it('reads (x, y) grids and the outer-edge convention of alignCorners = false', function()
    -- the identity without aligned corners holds pixel centres: x = -1 + (2j + 1) / W
    local Wo, Ho = 4, 2
    local g = stn.Tensor(1, Ho, Wo, 2)
    for i = 1, Ho do
      for j = 1, Wo do
        g[1][i][j][1] = -1 + (2 * (j - 1) + 1) / Wo
        g[1][i][j][2] = -1 + (2 * (i - 1) + 1) / Ho
      end
    end
    -- input as large as the output: ((v + 1) size - 1) / 2 gives pixels 0 and size - 1
    H.assert_near(viz.corners(g, 'xy', false, Ho, Wo)[1], stn.Tensor({ { 0, 0 }, { 3, 0 }, { 3, 1 }, { 0, 1 } }), 1e-6)
  end)

  it('rejects what is not a grid', function()
    H.assert_error(function() viz.corners(stn.Tensor(2, 3, 3), 'yx', true, 4, 4) end, 'viz.corners', 'B x H x W x 2')
    H.assert_error(function() viz.corners(grid_yx(1, 2, 2, 1, 0, 1, 0), 'zy', true, 4, 4) end, 'order')
  end)
end)

---------------------------------------------------------------------- real transformers
-- A network whose transformer predicts a constant scale and translation, as gtsrb.torch
-- built it (networks.lua): the classifier of the localization network has zero weights,
-- so its bias (s, tx, ty) is the transform of every image.
local function st_network(size, s, tx, ty)
  local networks = require 'networks'
  local net = stn.nn.Sequential()
  net:add(networks.new_spatial_tranformer('4,4,4', false, true, true, size, 3))
  local linears = net:get(1):findModules('nn.Linear')
  linears[#linears].bias:copy(stn.Tensor({ s, tx, ty }))
  net:add(stn.nn.View(3 * size * size)):add(stn.nn.Linear(3 * size * size, 2))
  return net
end

-- The centre of the white pixels of pic (3 x H x W) inside [x0, x1) x [y0, y1).
local function white_centre(pic, x0, y0, x1, y1)
  local sx, sy, n = 0, 0, 0
  for y = y0, y1 - 1 do
    for x = x0, x1 - 1 do
      if pic[1][y + 1][x + 1] == 255 and pic[2][y + 1][x + 1] == 255 and pic[3][y + 1][x + 1] == 255 then
        sx, sy, n = sx + x, sy + y, n + 1
      end
    end
  end
  assert(n > 0, ('no white pixel in [%d, %d) x [%d, %d)'):format(x0, x1, y0, y1))
  return sx / n, sy / n
end

-- Where the first input is drawn in a figure: the box of the mid-grey (128) pixels on
-- the top row of pairs (constant inputs are stretched to 128), and the upscaling factor.
local function input_box(pic, size)
  local x0, y0, x1, y1
  for y = 0, math.min(pic:size(2), 400) - 1 do
    for x = 0, math.floor(pic:size(3) / 2) - 1 do
      if pic[1][y + 1][x + 1] == 128 then
        x0, y0 = math.min(x0 or x, x), math.min(y0 or y, y)
        x1, y1 = math.max(x1 or x, x), math.max(y1 or y, y)
      end
    end
    if y0 and y > y1 + 2 then break end
  end
  local f = (x1 - x0 + 1) / size
  assert(f == math.floor(f) and (y1 - y0 + 1) == f * size, 'the input is not an upscaled square')
  return x0, y0, f
end

describe('viz figures', function()
  it('finds the transformers of a network and their grids', function()
    local e = viz.transformers(st_network(8, 1, 0, 0))
    assert.are.equal(1, #e)
    assert.are.same({ 'yx', true }, { e[1].grid.order, e[1].grid.alignCorners })
    assert.are.equal(0, #viz.transformers(stn.nn.Sequential():add(stn.nn.Linear(2, 2))))
  end)

  -- The dots of corner k of image 1, found in the PNG, against the input pixel (px, py)
  -- they should mark: its centre in the upscaled input, x0 + (p + 0.5) f - 0.5.
  local function check_dots(png, size, expected)
    local pic = image.load(png)
    local x0, y0, f = input_box(pic, size)
    local side = size * f
    -- the panel around the input: a margin of 1/8 of its side (docs/visualization.md)
    local mg, half = math.floor(side / 8), side / 2
    for k, p in ipairs(expected) do
      -- look for dot k in its quarter of the panel
      local qx = (k == 2 or k == 3) and { x0 + half, x0 + side + mg } or { x0 - mg, x0 + half }
      local qy = (k == 3 or k == 4) and { y0 + half, y0 + side + mg } or { y0 - mg, y0 + half }
      local cx, cy = white_centre(pic, math.max(0, qx[1]), math.max(0, qy[1]), math.min(pic:size(3), qx[2]),
        math.min(pic:size(2), qy[2]))
      local ex, ey = x0 + (p[1] + 0.5) * f - 0.5, y0 + (p[2] + 0.5) * f - 0.5
      assert(math.abs(cx - ex) <= 0.5 and math.abs(cy - ey) <= 0.5,
        ('corner %d: dot at (%.2f, %.2f), expected (%.2f, %.2f)'):format(k, cx, cy, ex, ey))
    end
  end

  png_it('draws the identity transform\'s dots on the corners of the image', function()
    local net = st_network(16, 1, 0, 0)
    local images = stn.Tensor(2, 3, 16, 16):fill(0.3)
    local paths = viz.transformer_figures(net, images, dir, {})
    assert.are.same({ dir .. '/transformer_1.png' }, paths)
    check_dots(paths[1], 16, { { 0, 0 }, { 15, 0 }, { 15, 15 }, { 0, 15 } })
  end)

  png_it('draws a known scale and shift where computed by hand', function()
    -- theta = [[s, 0, s tx], [0, s, s ty]] (y first): y' = 0.5 (y + 0.25) in [-0.375, 0.625],
    -- rows (v + 1) 15 / 2 = 4.6875 .. 12.1875; x' = 0.5 (x - 0.5) in [-0.75, 0.25],
    -- columns 1.875 .. 9.375
    local net = st_network(16, 0.5, 0.25, -0.5)
    viz.transformer_figures(net, stn.Tensor(1, 3, 16, 16):fill(0.3), dir, { prefix = 'shift_' })
    check_dots(path('shift_1.png'), 16, { { 1.875, 4.6875 }, { 9.375, 4.6875 }, { 9.375, 12.1875 }, { 1.875, 12.1875 } })
  end)

  png_it('reads the (x, y) grid of an nn.SpatialTransformer bundle', function()
    local locnet = stn.nn.Sequential():add(stn.nn.View(3 * 16 * 16)):add(stn.nn.Linear(3 * 16 * 16, 4))
    local st = stn.nn.SpatialTransformer { locnet = locnet, transform = { 'scale', 'translation' }, height = 16, width = 16 }
    st.modules[2].bias:copy(stn.Tensor({ 0.5, 0.25, -0.5 })) -- the head after the locnet
    local net = stn.nn.Sequential():add(st):add(stn.nn.View(3 * 16 * 16)):add(stn.nn.Linear(3 * 16 * 16, 2))
    local e = viz.transformers(net)
    assert.are.same({ 1, 'xy', true }, { #e, e[1].grid.order, e[1].grid.alignCorners })
    -- (x, y) first here: x' = 0.5 (x + 0.25) gives columns 4.6875 .. 12.1875,
    -- y' = 0.5 (y - 0.5) rows 1.875 .. 9.375
    viz.transformer_figures(net, stn.Tensor(1, 3, 16, 16):fill(0.3), dir, { prefix = 'bundle_' })
    check_dots(path('bundle_1.png'), 16, { { 4.6875, 1.875 }, { 12.1875, 1.875 }, { 12.1875, 9.375 }, { 4.6875, 9.375 } })
  end)

  gif_it('animates 8 images through training: frame 0 and 10 per epoch', function()
    local net = st_network(12, 1, 0, 0)
    local anim = viz.EpochAnimation(net, stn.Tensor(8, 3, 12, 12):uniform(), path('epoch.gif'), {})
    anim:step(0, 0)
    local bias = net:get(1):findModules('nn.Linear')
    bias = bias[#bias].bias
    for k = 1, 10 do
      bias[1] = 1 - 0.03 * k
      assert.is_true(anim:step(1, k) >= 0)
    end
    anim:save()
    local frames, info = image.load(path('epoch.gif'))
    assert.are.same({ 11, 0 }, { info.frames, info.loop })
    assert.is_true(H.maxdiff(frames[2], frames[11]) > 0) -- the transform moved
    assert.is_true(anim:close() > 0)
  end)

  gif_it('shows a moving object frame by frame', function()
    local net = st_network(12, 0.8, 0, 0)
    local frames = stn.Tensor(5, 3, 12, 12):uniform()
    viz.moving(net, frames, path('moving.gif'), {})
    local back, info = image.load(path('moving.gif'))
    assert.are.equal(5, info.frames)
    assert.are.equal(back:size(4), info.width)
  end)

  H.cuda_it('draws the same corners and outputs from a network on the GPU', function()
    local net = st_network(12, 0.7, 0.1, -0.2)
    local images = stn.Tensor(3, 3, 12, 12):uniform()
    local cpu = viz.probe(net, viz.transformers(net), images)[1]
    local gnet = net:clone():cuda()
    local gpu = viz.probe(gnet, viz.transformers(gnet), images)[1]
    assert.are.equal(0, gpu.grid.device) -- handed back on the CPU
    H.assert_near(gpu.grid, cpu.grid, 1e-5)
    H.assert_near(gpu.output, cpu.output, 1e-4)
    if formats.gif then
      local anim = viz.EpochAnimation(gnet, images, path('gpu.gif'), {})
      anim:step(0, 0)
      anim:step(1, 1)
      anim:close()
      assert.are.equal(2, select(2, image.load(path('gpu.gif'))).frames)
    end
  end)

  it('refuses a network without a transformer, and a tag without a grid', function()
    local plain = stn.nn.Sequential():add(stn.nn.Linear(2, 2))
    H.assert_error(function() viz.transformer_figures(plain, stn.Tensor(1, 1, 2, 2), dir) end, 'no spatial transformer')
    local tagged = stn.nn.Sequential():add(stn.nn.Linear(2, 2))
    tagged.isSpatialTransformer = true
    H.assert_error(function() viz.transformers(stn.nn.Sequential():add(tagged)) end, 'holds no', 'AffineGridGenerator')
    H.assert_error(function() viz.transformers('net') end, 'expected a network')
    H.assert_error(function() viz.attach(plain, { data = stn.Tensor(1, 1, 2, 2) }, path('a')) end, 'no spatial transformer')
  end)
end)

---------------------------------------------------------------------- curves and plot.lua
local function write(name, text)
  local f = assert(io.open(path(name), 'w'))
  f:write(text)
  f:close()
  return path(name)
end

local function log_lines(acc)
  local lines = {}
  for e, a in ipairs(acc) do
    lines[e] = ('{"epoch":%d,"train_loss":%g,"test_loss":%g,"accuracy":%g,"seconds":1,"samples_per_s":10}')
      :format(e, 2 / e, 2.2 / e, a)
  end
  return table.concat(lines, '\n') .. '\n'
end

local luajit = io.popen('command -v luajit'):read('*l')

-- Runs plot.lua with arguments (and an environment prefix); returns status, output.
local lua_path = './lua/?.lua;./lua/?/init.lua;' .. (os.getenv('LUA_PATH') or ';')
local function plot(args, env)
  local cmd = ("%s LUA_PATH='%s' %s examples/gtsrb/plot.lua %s 2>&1; echo \"rc=$?\"")
    :format(env or '', lua_path, luajit, args)
  local out = io.popen(cmd):read('*a')
  return tonumber(out:match('rc=(%d+)%s*$')), out
end

describe('training curves', function()
  curves_it('draws accuracy and loss of several logs with gnuplot', function()
    local a = write('base.jsonl', log_lines { 0.5, 0.7, 0.8 })
    local b = write('st.jsonl', log_lines { 0.6, 0.8, 0.9, 0.95 })
    assert.are.equal(path('c.png'), viz.curves({ a, { path = b, label = 'with ST' } }, path('c.png')))
    local _, info = image.load(path('c.png'))
    assert.are.same({ 1100, 420 }, { info.width, info.height })
  end)

  it('names the log and the line that is wrong', function()
    H.assert_error(function() viz.curves({ path('none.jsonl') }, path('x.png')) end, 'none.jsonl')
    local bad = write('bad.jsonl', log_lines { 0.5 } .. '{"epoch": 2, oops\n')
    H.assert_error(function() viz.curves({ bad }, path('x.png')) end, 'bad.jsonl:2', 'not a JSON object')
    local short = write('short.jsonl', '{"epoch": 1, "accuracy": 0.5}\n')
    H.assert_error(function() viz.curves({ short }, path('x.png')) end, 'short.jsonl:1', 'train_loss')
  end)
end)

describe('plot.lua', function()
  curves_it('writes the curves from the command line', function()
    local a = write('p.jsonl', log_lines { 0.5, 0.6 })
    local rc, out = plot(('--curves %s -o %s'):format(a, path('pc.png')))
    assert.are.equal(0, rc, out)
    assert.are.equal(1100, select(2, image.load(path('pc.png'))).width)
  end)

  it('says which package to install when gnuplot is missing', function()
    local a = write('p.jsonl', log_lines { 0.5, 0.6 })
    local rc, out = plot('--curves ' .. a, 'PATH=/nonexistent')
    assert.are.equal(1, rc)
    assert.truthy(out:find('gnuplot-nox', 1, true), out)
  end)

  it('fails with a clear message for a missing model or one without a transformer', function()
    local rc, out = plot(path('missing.t7'))
    assert.are.equal(1, rc)
    assert.truthy(out:find('no such model file: ' .. path('missing.t7'), 1, true), out)
    stn.save(path('plain.t7'), stn.nn.Sequential():add(stn.nn.Linear(3, 2)))
    rc, out = plot(path('plain.t7'))
    assert.are.equal(1, rc)
    assert.truthy(out:find('has no spatial transformer', 1, true), out)
    rc, out = plot('--bogus')
    assert.are.equal(1, rc)
    assert.truthy(out:find('unknown option --bogus', 1, true), out)
  end)

  png_it('draws the figures of a saved checkpoint for given images', function()
    local net = st_network(48, 1, 0, 0)
    stn.save(path('ck.t7'), { model = net, opt = { dataset = 'gtsrb', no_norm = true, no_lnorm = true } })
    image.savePNG(path('in.png'), image.canvas(3, 30, 40, { 200, 20, 20 }))
    local rc, out = plot(('%s -o %s --images %s'):format(path('ck.t7'), path('fig'), path('in.png')))
    assert.are.equal(0, rc, out)
    local _, info = image.load(path('fig/transformer_1.png'))
    assert.are.equal(1, info.frames)
  end)
end)
