-- bench/train_step.lua: samples per second of one SGD step (forward, backward, update)
-- at batch 50 of gtsrb.torch's IDSIA network (--cnn 150,200,300,350, contrastive
-- normalization), built by the experiment's own factory (examples/gtsrb/idsia_net.lua):
--   flagship   two spatial transformers (--locnet 200,300,200 --locnet3 150,150,150);
--              skipped, saying why, while the transformer modules are missing
--   plain      the same network without transformers
--   nocnorm    plain without contrastive normalization (PyTorch's peer has --no-cnorm)
--   flagship_nocnorm  the flagship without contrastive normalization (the peer's
--              `--no-cnorm` flagship: PyTorch has none)
-- Median of the timed steps; a table printed last. Same shapes as
-- bench/peers/torch_train_step.py, so the figures compare side by side.
--   luajit bench/train_step.lua [--device cpu|cuda | --cuda] [--threads 2] [--steps 10]
--                               [--batch 50] [--nets flagship,plain,nocnorm,flagship_nocnorm] [--profile]
-- --profile also prints every leaf module's median forward and backward milliseconds;
-- --clock cpu times process CPU seconds (steadier on a shared machine; with --threads 1).
package.path = './lua/?.lua;./lua/?/init.lua;./examples/gtsrb/?.lua;./bench/?.lua;' .. package.path
local stn = require 'stn'
local common = require 'common'
local nn = stn.nn

local opts = common.options('bench/train_step.lua', arg,
  { device = 'cpu', threads = 2, steps = 10, batch = 50, nets = 'flagship,plain,nocnorm,flagship_nocnorm', profile = false, clock = 'wall' },
  { cuda = function(o) o.device = 'cuda' end, -- tools/gpu_check.sh's flag
    profile = function(o) o.profile = true end })
if opts.device == 'cuda' and not stn.hasCUDA() then
  print('no CUDA device (' .. stn.cudaReason() .. '): nothing to time')
  os.exit(0)
end
stn.setnumthreads(opts.threads)
local clock = opts.clock == 'cpu' and os.clock or stn.clock

local profile = dofile('bench/profile.lua')
local networks = require 'networks'
local idsia = require 'idsia_net'

local configs = {
  flagship = { cnn = '150,200,300,350', st = true, locnet = '200,300,200', locnet3 = '150,150,150',
               needs = 'AffineGridGeneratorBHWD' },
  plain = { cnn = '150,200,300,350' },
  nocnorm = { cnn = '150,200,300,350', no_cnorm = true },
  -- the flagship as PyTorch can build it (it has no contrastive normalization): the
  -- figure to set beside bench/peers/torch_train_step.py --no-cnorm
  flagship_nocnorm = { cnn = '150,200,300,350', no_cnorm = true, st = true, locnet = '200,300,200',
                       locnet3 = '150,150,150', needs = 'AffineGridGeneratorBHWD' },
}


-- Times opts.steps SGD steps of one network; returns the median seconds per step.
local function time_network(opt)
  stn.manualSeed(1)
  local net = idsia.get_network(opt)
  -- as in PyTorch, no gradient for the images themselves (Torch7's idiom: gradInput = nil)
  local first = net:get(1)
  while first.modules do first = first:get(1) end
  if first.nInputPlane then first.gradInput = nil end
  local criterion = nn.CrossEntropyCriterion()
  local input = stn.Tensor(opts.batch, 3, 48, 48):normal(0, 1)
  local labels = stn.Tensor(opts.batch):uniform(1, 43.999):floor()
  if opts.device == 'cuda' then
    net:cuda()
    criterion:cuda()
    input, labels = input:cuda(), labels:cuda()
  end
  local params, grads = net:getParameters()
  local config = { learningRate = 0.01 }
  local function feval()
    grads:zero()
    local out = net:forward(input)
    local loss = criterion:forward(out, labels)
    net:backward(input, criterion:backward(out, labels))
    return loss, grads
  end
  local times = {}
  local warm = opts.device == 'cuda' and 10 or 2
  local rows = opts.profile and profile.instrument(net, function() stn.synchronize() return clock() end)
  for s = 1, warm + opts.steps do
    if rows and s == warm + 1 then profile.reset(rows) end
    stn.synchronize()
    local t0 = clock()
    stn.optim.sgd(feval, params, config)
    stn.synchronize()
    if s > warm then times[#times + 1] = clock() - t0 end
  end
  return common.median(times), params:nElement(), rows
end

local device = opts.device == 'cuda' and ('cuda: ' .. (stn.cudaDeviceName() or '?'))
  or ('cpu, ' .. stn.getnumthreads() .. ' threads')
local rows = {}
for name in opts.nets:gmatch('[^,]+') do
  local cfg = configs[name]
  if not cfg then error('train_step.lua: unknown network ' .. name) end
  if cfg.needs and not nn[cfg.needs] then
    rows[#rows + 1] = ('%-16s skipped: nn.%s is not available yet'):format(name, cfg.needs)
  else
    local t, nparams, prof = time_network(cfg)
    rows[#rows + 1] = ('%-16s %10.1f %12.2f %12d'):format(name, opts.batch / t, t * 1e3, nparams)
    if prof then
      print(('%s: per module, median ms'):format(name))
      profile.print(prof)
    end
  end
  print(rows[#rows])
end
print(('\ntrain step, IDSIA 150,200,300,350, batch %d, %s, %s clock, median of %d steps; load %s'):format(opts.batch,
  device, opts.clock, opts.steps, common.load_average()))
print(('%-16s %10s %12s %12s'):format('network', 'samples/s', 'ms/step', 'parameters'))
for _, r in ipairs(rows) do print(r) end
