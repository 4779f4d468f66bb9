-- t7_crosscheck.lua: the writer half of the Torch7-file cross-check (docs/serialization.md,
-- "Torch7 files"). Builds the flagship GTSRB network (examples/gtsrb/idsia_net.lua, as
-- bench/train_step.lua does; --small: a small network instead), saves it with stn.save
-- to DIR/net.t7 (Torch7's format), its parameters in order as raw little-endian floats
-- to DIR/params.bin with their sizes in DIR/params.txt, and a table of plain values and
-- typed tensors to DIR/values.t7. tools/t7_crosscheck.py reads them with torchfile
-- (an independent reader from PyPI) and compares.
--   luajit tools/t7_crosscheck.lua DIR [--small]
package.path = './examples/gtsrb/?.lua;' .. package.path
local stn = require 'stn'
local dir, small = arg[1], arg[2] == '--small'
assert(dir, 'usage: luajit tools/t7_crosscheck.lua DIR [--small]')
stn.manualSeed(1)
local net
if small then
  local nn = stn.nn
  net = nn.Sequential():add(nn.SpatialConvolution(3, 4, 3, 3)):add(nn.ReLU()):add(nn.SpatialMaxPooling(2, 2, 2, 2))
    :add(nn.View(4 * 3 * 3)):add(nn.Linear(36, 5)):add(nn.LogSoftMax())
else
  net = require('idsia_net').get_network({ cnn = '150,200,300,350', st = true, locnet = '200,300,200',
    locnet3 = '150,150,150', dataset = 'gtsrb' })
end
stn.save(dir .. '/net.t7', net)
local params = net:parameters()
local bin = assert(io.open(dir .. '/params.bin', 'wb'))
local txt = assert(io.open(dir .. '/params.txt', 'w'))
for _, p in ipairs(params) do
  local c = p:contiguous()
  bin:write(require('ffi').string(c:data(), c:nElement() * 4))
  txt:write(table.concat(p:size():totable(), ' '), '\n')
end
bin:close(); txt:close()
local x = stn.DoubleTensor(3, 4):uniform()
stn.save(dir .. '/values.t7', {
  number = 2.5, text = 'hello', yes = true, no = false, list = { 10, 20, 30 },
  double = x, view = x:narrow(2, 2, 2), long = stn.LongTensor({ -3, 2 ^ 40, 7 }),
  int = stn.IntTensor({ 1, -2 }), byte = stn.ByteTensor({ 0, 255 }), char = stn.CharTensor({ -128, 127 }),
  short = stn.ShortTensor({ -300, 300 }),
})
print(('wrote %s/net.t7 (%d parameter tensors, %d parameters), values.t7'):format(dir, #params,
  net:getParameters():nElement()))
