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
--                               [--clock cpu] [--ghz 3.66] [--graph] [--precision fp32|tf32]
-- --graph (CUDA): the timed steps replay a CUDA graph of the step (stn.cuda.graph), captured
-- after the warm-up; --precision tf32: stn.setPrecision('tf32') (the peer's --tf32).
-- On CUDA also the peak device memory of one training step (the caching allocator's
-- high-water mark over the last eager warm-up step: parameters, gradients, activations and
-- scratch, the cuBLAS workspace included), beside the peer's torch.cuda.max_memory_allocated.
-- --profile also prints every leaf module's median forward and backward milliseconds;
-- --clock cpu times process CPU seconds (steadier on a shared machine; with --threads 1).
-- Prints the CPU model, the instruction-set path in use (STN_CPU=avx2|generic picks a
-- lower one), the convolutions' GFLOP/s and the fp32 FMA peak (bench/common.lua; --ghz: the
-- clock bench/fma_peak.c measured, instead of the nominal one).
package.path = './lua/?.lua;./lua/?/init.lua;./examples/gtsrb/?.lua;./bench/?.lua;' .. package.path
local stn = require 'stn'
local common = require 'common'
local nn = stn.nn

local opts = common.options('bench/train_step.lua', arg,
  { device = 'cpu', threads = 2, steps = 10, batch = 50, nets = 'flagship,plain,nocnorm,flagship_nocnorm', profile = false,
    clock = 'wall', ghz = 0, graph = false, precision = 'fp32' },
  { cuda = function(o) o.device = 'cuda' end, -- tools/gpu_check.sh's flag
    profile = function(o) o.profile = true end, graph = function(o) o.graph = true end })
if opts.graph and (opts.device ~= 'cuda' or opts.profile) then
  error('train_step.lua: --graph (a CUDA graph of the step) needs --cuda, and cannot be profiled per module', 0)
end
if opts.precision == 'tf32' and opts.device ~= 'cuda' then
  error('train_step.lua: --precision tf32 (TF32 GPU matrix products) needs --cuda: the CPU computes in fp32', 0)
end
if opts.device == 'cuda' and not stn.hasCUDA() then
  print('no CUDA device (' .. stn.cudaReason() .. '): nothing to time')
  os.exit(0)
end
stn.setPrecision(opts.precision)
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
  local convs = {} -- the convolutions, for their work per step
  local function walk(m)
    if m.modules then for _, c in ipairs(m.modules) do walk(c) end
    elseif m.nInputPlane and m.kW then convs[#convs + 1] = m end
  end
  walk(net)
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
  local peak_bytes -- CUDA: the allocator's peak over the last (eager) warm-up step
  local rows = opts.profile and profile.instrument(net, function() stn.synchronize() return clock() end)
  local function step() stn.optim.sgd(feval, params, config) end
  for s = 1, warm do
    stn.synchronize()
    if opts.device == 'cuda' and s == warm then stn.cuda.resetPeakMemoryStats() end
    step()
    stn.synchronize()
    if opts.device == 'cuda' and s == warm then peak_bytes = stn.cuda.memoryStats().peakInUse end
  end
  if opts.graph then -- one more eager step that leaves every block in the cache, then the capture
    stn.cuda.warmup(step)
    local graph = stn.cuda.graph(step)
    step = function() graph:replay() end
  end
  if rows then profile.reset(rows) end
  for _ = 1, opts.steps do
    stn.synchronize()
    local t0 = clock()
    step()
    stn.synchronize()
    times[#times + 1] = clock() - t0
  end
  -- forward, gradWeight, and gradInput where one was made: 2 B O C kW kH oH oW flops each
  local flops = 0
  for _, m in ipairs(convs) do
    local y = m.output
    local per = 2 * y:size(1) * m.nOutputPlane * m.nInputPlane * m.kW * m.kH * y:size(3) * y:size(4)
    local gin = m.gradInput and m.gradInput:nElement() > 0
    flops = flops + per * (gin and 3 or 2)
  end
  local conv_time -- with --profile: the convolutions' own medians
  if rows then
    conv_time = 0
    for _, r in ipairs(rows) do
      if r.name:find('SpatialConvolution', 1, true) then
        conv_time = conv_time + common.median(r.fwd) + common.median(r.bwd)
      end
    end
  end
  return common.median(times), params:nElement(), rows, flops, conv_time, peak_bytes
end

local device = opts.device == 'cuda' and ('cuda: ' .. (stn.cudaDeviceName() or '?'))
  or ('cpu, ' .. stn.getnumthreads() .. ' threads')
local cpu = stn.cpuInfo()
local peak, peak_how = common.fma_peak(stn.getnumthreads(), cpu.supported, opts.ghz)
local machine = ('CPU: %s (/proc/cpuinfo: %s), instruction-set path %s (supported: %s)'):format(cpu.model,
  common.cpu_name(), cpu.path, cpu.supported)
print(machine)
local rows = {}
for name in opts.nets:gmatch('[^,]+') do
  local cfg = configs[name]
  if not cfg then error('train_step.lua: unknown network ' .. name) end
  if cfg.needs and not nn[cfg.needs] then
    rows[#rows + 1] = ('%-16s skipped: nn.%s is not available yet'):format(name, cfg.needs)
  else
    local t, nparams, prof, flops, conv_time, peak_bytes = time_network(cfg)
    rows[#rows + 1] = ('%-16s %10.1f %12.2f %12d %10.2f %10.1f %10s %10s'):format(name, opts.batch / t, t * 1e3, nparams,
      flops * 1e-9, flops / t * 1e-9, conv_time and ('%.1f'):format(flops / conv_time * 1e-9) or '-',
      peak_bytes and ('%.1f'):format(peak_bytes / 2 ^ 20) or '-')
    if prof then
      print(('%s: per module, median ms'):format(name))
      profile.print(prof)
    end
  end
  print(rows[#rows])
end
print(('\ntrain step, IDSIA 150,200,300,350, batch %d, %s, %s, %s, %s clock, median of %d steps; load %s'):format(
  opts.batch, device, opts.precision, opts.graph and 'CUDA graph replays' or 'eager', opts.clock, opts.steps,
  common.load_average()))
print(machine)
if opts.device == 'cpu' and peak then print(('fp32 FMA peak %.0f GFLOP/s = %s'):format(peak, peak_how)) end
print('conv GFLOP: the convolutions\' work per step; conv/step: that over the whole step (a lower bound on their')
print('rate); conv/conv: over the convolutions\' own time (--profile only); peak MiB: device memory in use at')
print('the high-water mark of one step (CUDA only: stn.cuda.memoryStats().peakInUse)')
print(('%-16s %10s %12s %12s %10s %10s %10s %10s'):format('network', 'samples/s', 'ms/step', 'parameters', 'conv GFLOP',
  'conv/step', 'conv/conv', 'peak MiB'))
for _, r in ipairs(rows) do print(r) end
