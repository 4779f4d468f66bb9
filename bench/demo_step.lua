-- bench/demo_step.lua: samples per second of the `make demo` networks (RTS Fashion-MNIST,
-- 1x42x42, 10 classes, --cnn 32,64,128 --no_cnorm --no_lnorm, batch 50, momentum 0.9 with
-- dampening 0, as make demo trains),
-- built by the experiment's own factory (examples/gtsrb/networks.lua):
--   baseline     the CNN alone
--   st           the CNN behind a transformer (--st --locnet 20,20,20 --locnet_lr 0.1)
-- For each: one SGD step as the trainer runs it (train), and the test pass's forward
-- in evaluate mode (test), medians of interleaved rounds. --profile also prints the
-- median forward and backward milliseconds of every leaf module.
-- peer: bench/peers/torch_demo_step.py
-- --clock cpu times process CPU seconds instead of wall-clock ones (steadier on a
-- shared machine, meaningful with --threads 1 only).
--   luajit bench/demo_step.lua [--threads 2] [--steps 20] [--batch 50]
--                              [--nets baseline,st] [--profile] [--clock wall|cpu]
package.path = './lua/?.lua;./lua/?/init.lua;./examples/gtsrb/?.lua;./bench/?.lua;' .. package.path
local stn = require 'stn'
local common = require 'common'
local nn = stn.nn

local opts = common.options('bench/demo_step.lua', arg,
  { threads = 2, steps = 20, batch = 50, nets = 'baseline,st', profile = false, clock = 'wall' },
  { profile = function(o) o.profile = true end })
stn.setnumthreads(opts.threads)
local clock = opts.clock == 'cpu' and os.clock or stn.clock

local networks = require 'networks'
networks.base_input_size, networks.input_channels, networks.nbr_classes = 42, 1, 10
local trainer = require 'trainer'
local profile = dofile('bench/profile.lua')


local function build(name)
  stn.manualSeed(1)
  local opt = { cnn = '32,64,128', no_cnorm = true, no_lnorm = true }
  if name == 'st' then opt.st, opt.locnet = true, '20,20,20' end
  local net = networks.new(opt):float()
  local criterion = nn.CrossEntropyCriterion()
  trainer.initialize(net, criterion, { lr = 0.01, mom = 0.9, dampening = 0, bs = opts.batch, locnet_lr = name == 'st' and 0.1 or 1 })
  local input = stn.Tensor(opts.batch, 1, 42, 42):normal(0, 1)
  local labels = stn.Tensor(opts.batch):uniform(1, 10.999):floor()
  local t = { net = net, criterion = criterion, input = input, labels = labels, trainer = {} }
  for k, v in pairs(trainer) do if type(v) ~= 'function' then t.trainer[k] = v end end
  return t
end

-- One training step exactly as trainer.train runs it.
local function train_step(t)
  local tr = t.trainer
  local function feval()
    tr.grads:zero()
    local out = t.net:forward(t.input)
    local loss = t.criterion:forward(out, t.labels)
    t.net:backward(t.input, t.criterion:backward(out, t.labels))
    return loss, tr.grads
  end
  stn.optim.sgd(feval, tr.params, tr.config, tr.state)
end

local nets = {}
for name in opts.nets:gmatch('[^,]+') do
  if name ~= 'baseline' and name ~= 'st' then error('demo_step.lua: unknown network ' .. name) end
  nets[#nets + 1] = { name = name, t = build(name), train = {}, test = {} }
end
for _, n in ipairs(nets) do
  if opts.profile then n.rows = profile.instrument(n.t.net, clock) end
  for _ = 1, 2 do train_step(n.t) end -- warm up: buffers sized, pages touched
end
if opts.profile then for _, n in ipairs(nets) do profile.reset(n.rows) end end
for _ = 1, opts.steps do -- interleaved, so that a noisy minute hits every network alike
  for _, n in ipairs(nets) do
    n.t.net:training()
    local t0 = clock()
    train_step(n.t)
    n.train[#n.train + 1] = clock() - t0
    n.t.net:evaluate()
    t0 = clock()
    n.t.net:forward(n.t.input)
    n.test[#n.test + 1] = clock() - t0
  end
end

print(('demo step, --cnn 32,64,128 on 1x42x42, batch %d, cpu, %d threads, %s clock, median of %d; load %s'):format(
  opts.batch, stn.getnumthreads(), opts.clock, opts.steps, common.load_average()))
print(('%-10s %12s %10s %12s %10s'):format('network', 'train smp/s', 'ms/step', 'test smp/s', 'ms/batch'))
for _, n in ipairs(nets) do
  local tr, te = common.median(n.train), common.median(n.test)
  print(('%-10s %12.1f %10.2f %12.1f %10.2f'):format(n.name, opts.batch / tr, tr * 1e3, opts.batch / te, te * 1e3))
end
-- an epoch of the demo: 400 training steps and 200 test batches
for _, n in ipairs(nets) do
  print(('%s: about %.1f s per epoch (400 steps + 200 test batches)'):format(n.name,
    400 * common.median(n.train) + 200 * common.median(n.test)))
end
if opts.profile then
  for _, n in ipairs(nets) do
    print(('\n%s: per module, median ms (train-mode forward includes the test rounds)'):format(n.name))
    profile.print(n.rows)
  end
end
