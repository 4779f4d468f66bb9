-- bench/viz.lua: what the pictures of examples/gtsrb/viz.lua cost, for main.lua --viz:
-- one tick of the epoch animation split into its parts (the transformer's forward on 8
-- images, drawing the frame, handing it to the GIF encoder) and the encoder thread's
-- time per frame, at the seed's sizes (48 x 48 RGB, a localization network given by
-- --locnet), on the CPU or (--cuda) the GPU. Medians of repeated runs; a table last.
--   luajit bench/viz.lua [--locnet 200,300,200] [--repeats 21] [--cuda]
-- Run from the checkout root after `make`.
package.path = './lua/?.lua;./lua/?/init.lua;./examples/gtsrb/?.lua;./bench/?.lua;' .. package.path
local stn = require 'stn'
local common = require 'common'
local image = stn.image

local opt = common.options('bench/viz.lua', arg, { locnet = '200,300,200', repeats = 21, cuda = false },
  { cuda = function(o) o.cuda = true end })
if not pcall(function() return stn.nn.AffineGridGeneratorBHWD(2, 2) end) then
  io.stderr:write('bench/viz.lua: needs the spatial transformer modules (nn.AffineGridGeneratorBHWD)\n')
  os.exit(1)
end
if opt.cuda and not stn.hasCUDA() then error('bench/viz.lua: --cuda: ' .. stn.cudaReason(), 0) end

local viz = require 'viz'
local networks = require 'networks'


local function timed(f)
  stn.synchronize()
  local t0 = stn.clock()
  f()
  stn.synchronize()
  return (stn.clock() - t0) * 1000
end

stn.manualSeed(1)
local net = stn.nn.Sequential():add(networks.new_spatial_tranformer(opt.locnet, false, true, true, 48, 3))
if opt.cuda then net:cuda() end
local images = stn.Tensor(8, 3, 48, 48):uniform(-1, 1)
local entries = viz.transformers(net)
local dir = os.tmpname()
local gif = image.formats().gif
local anim = viz.EpochAnimation(net, images, dir .. '.gif', {})
if gif then anim:step(0, 0) end -- the canvas and the palette
if not gif then print('(built without giflib: the encoder rows are left out)') end

local t = { probe = {}, draw = {}, add = {}, tick = {}, encode = {} }
local rec = viz.probe(net, entries, images)[1]
for r = 1, opt.repeats do
  t.probe[r] = timed(function() rec = viz.probe(net, entries, images)[1] end)
  t.draw[r] = timed(function() anim:draw(rec, 'epoch 1, 1/10') end)
  if gif then
    local canvas = anim:frame('epoch 1, 2/10')
    t.add[r] = timed(function() anim.gif:add(canvas) end)
    t.encode[r] = timed(function() anim:save() end) -- waits for the worker to encode it
    t.tick[r] = timed(function() anim:step(1, 3) end)
    anim:save()
  end
end
anim:close()
os.remove(dir .. '.gif')
os.remove(dir)

local device = opt.cuda and stn.cudaDeviceName() or 'CPU, ' .. stn.getnumthreads() .. ' threads'
print(('\nviz costs (%s), locnet %s, 8 images of 3x48x48, median of %d:'):format(device, opt.locnet, opt.repeats))
print('| part                                         |     ms |')
print('| -------------------------------------------- | -----: |')
local rows = {
  { 'transformer forward on 8 images (viz.probe)', t.probe },
  { 'drawing the frame (8 pairs, text)', t.draw },
  { 'handing it to the GIF encoder (a copy)', t.add },
  { 'one tick (the three above)', t.tick },
  { 'encoding it (worker thread, off the tick)', t.encode },
}
for _, r in ipairs(rows) do
  if #r[2] > 0 then print(('| %-44s | %6.2f |'):format(r[1], common.median(r[2]))) end
end
