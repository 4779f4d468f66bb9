-- trainer.lua: mini-batch SGD over a data set ({data = N x C x H x W, label = N,
-- 1-based}), one epoch per call, and the test pass, as gtsrb.torch's trainer did; plus
-- a progress bar, NaN detection, a learning-rate factor for the localization networks
-- (--locnet_lr), and a watch on what each spatial transformer predicts. On CUDA, two
-- options (docs/gpu-training.md): gpu_data keeps the training set on the device and
-- gathers each batch there; cuda_graph captures the training step once (per batch shape)
-- as a CUDA graph and replays it. Both give the same batches and the same results.
local stn = require 'stn'

local trainer = {}

local function is_terminal()
  local ok = os.execute('[ -t 1 ]')
  return ok == 0 or ok == true
end

local function format_time(s)
  s = math.floor(s)
  if s >= 3600 then return ('%dh%02dm'):format(math.floor(s / 3600), math.floor(s % 3600 / 60)) end
  if s >= 60 then return ('%dm%02ds'):format(math.floor(s / 60), s % 60) end
  return ('%ds'):format(s)
end

-- Progress: a bar with ETA and samples/s on a terminal, a plain line per tenth otherwise.
local Progress = {}
Progress.__index = Progress
function Progress.new(total, label)
  return setmetatable({ total = total, label = label, start = stn.clock(),
                        tty = is_terminal(), next_tenth = 1 }, Progress)
end
function Progress:update(done)
  local elapsed = stn.clock() - self.start
  local rate = done / math.max(elapsed, 1e-9)
  local eta = (self.total - done) / math.max(rate, 1e-9)
  if self.tty then
    local width = 30
    local filled = math.floor(width * done / self.total)
    io.write(('\r%s [%s%s] %d/%d  %.0f samples/s  ETA %s   '):format(self.label, ('='):rep(filled),
      (' '):rep(width - filled), done, self.total, rate, format_time(eta)))
    if done >= self.total then io.write('\n') end
    io.flush()
  elseif done >= self.total * self.next_tenth / 10 then
    print(('%s %d/%d  %.0f samples/s  ETA %s'):format(self.label, done, self.total, rate, format_time(eta)))
    self.next_tenth = math.floor(10 * done / self.total) + 1
  end
end

-- Modules that turn a localization network's output into a sampling grid.
local GRID_HEADS = {
  ['nn.AffineTransformMatrixGenerator'] = true, ['nn.AffineGridGeneratorBHWD'] = true, ['nn.AffineGridGenerator'] = true,
}

-- The localization networks of network, however the transformers were built: each
-- nn.SpatialTransformer (its parameters are all its localization network's: the locnet
-- and the linear layer predicting the transform), and in an nn.Sequential that holds a
-- grid head, the modules before the first one (stnbhwd's wiring, networks.lua's).
function trainer.localization_networks(network)
  local found = {}
  local function walk(m)
    if stn.type(m) == 'nn.SpatialTransformer' then
      found[#found + 1] = m
      return
    end
    if type(m.modules) ~= 'table' then return end
    local rest = 1
    if stn.type(m) == 'nn.Sequential' then
      for i, child in ipairs(m.modules) do
        if GRID_HEADS[stn.type(child)] then
          for j = 1, i - 1 do found[#found + 1] = m.modules[j] end
          rest = i
          break
        end
      end
    end
    for i = rest, #m.modules do walk(m.modules[i]) end
  end
  walk(network)
  return found
end

local function count_parameters(modules)
  local n = 0
  for _, m in ipairs(modules) do
    for _, p in ipairs(m:parameters() or {}) do n = n + p:nElement() end
  end
  return n
end

-- options: lr, mom, lrd, wd, bs, locnet_lr, cuda, gpu_data, cuda_graph (bools); state: a
-- saved optimizer state to continue from (--resume).
-- The GPU options (gpu_data, cuda_graph) refused where they cannot work: without CUDA,
-- and a CUDA graph under a learning-rate decay. main.lua calls it before loading data.
function trainer.check_gpu_options(options)
  -- (tf32 changes the GPU's matrix products only: on the CPU it would change nothing)
  local flags = { gpu_data = options.gpu_data, cuda_graph = options.cuda_graph,
    ['precision tf32'] = options.precision == 'tf32' }
  for _, name in ipairs { 'gpu_data', 'cuda_graph', 'precision tf32' } do
    if flags[name] and not options.cuda then
      error(('trainer: --%s needs CUDA (a GPU, and no --no_cuda): %s'):format(name,
        stn.hasCUDA() and '--no_cuda was given' or 'no CUDA device (' .. stn.cudaReason() .. ')'), 0)
    end
  end
  if options.cuda_graph and (options.lrd or 0) ~= 0 then
    error('trainer: --cuda_graph replays the captured step with the learning rate it was captured with, so it '
      .. 'cannot follow a learning-rate decay (--lrd): use --lrd 0, or leave out --cuda_graph', 0)
  end
end

function trainer.initialize(network, criterion, options, state)
  trainer.network = network
  trainer.criterion = criterion
  trainer.batch_size = options.bs
  trainer.cuda = options.cuda
  trainer.check_gpu_options(options)
  trainer.gpu_data = options.gpu_data
  trainer.cuda_graph = options.cuda_graph
  trainer.graphs = {} -- per batch shape: { graph, loss (the loss tensor the graph writes) }
  trainer.batch_tensors = {} -- cuda_graph: the fixed input and target tensors per shape
  trainer.params, trainer.grads = network:getParameters()
  trainer.config = {
    learningRate = options.lr, momentum = options.mom, learningRateDecay = options.lrd,
    weightDecay = options.wd, dampening = options.dampening, -- nil: Torch7's default (= momentum)
  }
  -- Per-parameter factors through the modules (Module:learningRate / weightDecay), turned
  -- into optim.sgd's learningRates / weightDecays vectors, aligned with params.
  local locnets = trainer.localization_networks(network)
  local factor = options.locnet_lr or 1
  trainer.locnet_parameters = count_parameters(locnets)
  if factor ~= 1 and trainer.locnet_parameters == 0 then
    error(('trainer: --locnet_lr %g applies to localization networks, but this network has none (no '
      .. 'nn.SpatialTransformer, and no localization network in front of a transform or grid generator)'):format(factor), 0)
  end
  for _, m in ipairs(locnets) do m:learningRate(factor) end -- also resets a factor a resumed checkpoint had
  local wd = options.wd or 0
  if wd ~= 0 then
    -- gtsrb.torch's optimizer never regularized biases: per-parameter decays (which
    -- optim.sgd uses when weightDecay is 0), wd for weights, 0 for biases
    network:apply(function(m) if m.weight and m.bias then m:weightDecay('bias', 0) end end)
  end
  local rates, decays = network:getOptimConfig(1, wd)
  if rates:nElement() > 0 and (rates:min() ~= 1 or rates:max() ~= 1) then trainer.config.learningRates = rates end
  if wd ~= 0 then
    trainer.config.weightDecay = 0
    trainer.config.weightDecays = decays
  end
  trainer.state = state or {}
  trainer.transformers = network:findModules('nn.AffineTransformMatrixGenerator')
  -- Nothing needs the gradient of the images themselves: a first layer that is a
  -- convolution skips it (Torch7's idiom, gradInput = nil; PyTorch skips it too). A
  -- transformer in front still gets its gradient (its sampler needs it).
  local first = network
  while first.modules and #first.modules > 0 do first = first.modules[1] end
  if first.nInputPlane and first.weight then first.gradInput = nil end
end

local function device_tensor(...)
  local t = stn.Tensor(...)
  return trainer.cuda and t:cuda() or t
end

-- gpu_data: the set's images and labels on the device (the same floats, normalized on
-- the host as before), made once per set; nil (said once) when they do not fit.
local resident = setmetatable({}, { __mode = 'k' })
local function on_device(dataset)
  local r = resident[dataset]
  if r == nil then
    local ok, data = pcall(function() return { data = dataset.data:cuda(), label = dataset.label:cuda() } end)
    local mib = (dataset.data:nElement() + dataset.label:nElement()) * 4 / 2 ^ 20
    if ok then
      print(('<trainer> training set on the GPU (%.0f MiB): batches are gathered there'):format(mib))
      r = data
    else
      print(('<trainer> the training set (%.0f MiB) does not fit on the GPU (%s): batches come from the host')
        :format(mib, tostring(data)))
      r = false
    end
    resident[dataset] = r
  end
  return r or nil
end

-- The rows idx of dataset into inputs and targets (device tensors): gathered on the GPU
-- (gpu_data), else on the host and copied in. The same values either way.
local host_inputs, host_targets = stn.Tensor(), stn.Tensor()
local function fill_batch(dataset, idx, inputs, targets)
  local dev = trainer.gpu_data and on_device(dataset)
  if dev then
    inputs:index(dev.data, 1, idx)
    targets:index(dev.label, 1, idx)
  else
    host_inputs:index(dataset.data, 1, idx)
    host_targets:index(dataset.label, 1, idx)
    inputs:copy(host_inputs)
    targets:copy(host_targets)
  end
end

-- The input and target tensors of a batch shape: fresh per epoch, except under
-- cuda_graph, whose graphs read fixed ones.
local function batch_tensors(sizes, bs)
  if not trainer.cuda_graph then return device_tensor(sizes), device_tensor(bs) end
  local key = table.concat(sizes:totable(), 'x')
  local t = trainer.batch_tensors[key]
  if not t then
    t = { device_tensor(sizes), device_tensor(bs) }
    trainer.batch_tensors[key] = t
  end
  return t[1], t[2]
end

local function check_loss(loss, epoch, b, nbatches)
  if loss ~= loss or loss == math.huge or loss == -math.huge then
    error(('trainer: the loss became %s at epoch %d, batch %d of %d (try a lower --lr, or --locnet_lr)')
      :format(tostring(loss), epoch, b, nbatches), 0)
  end
end

-- One epoch over the shuffled set (the last partial batch dropped, as the original).
-- on_tick(k), when given, runs at 10 evenly spaced points of the epoch (k = 1..10).
-- Returns the mean training loss, seconds, samples/s.
function trainer.train(dataset, epoch, on_tick)
  local network, criterion = trainer.network, trainer.criterion
  local n = dataset.data:size(1)
  local bs = trainer.batch_size
  local nbatches = math.floor(n / bs)
  if nbatches == 0 then error(('trainer: %d samples are fewer than one batch of %d'):format(n, bs), 2) end
  local order = stn.randperm(n)
  local sizes = dataset.data:size()
  sizes[1] = bs
  local inputs, targets = batch_tensors(sizes, bs)
  local graph_key = table.concat(sizes:totable(), 'x')
  -- cuda_graph: each replay's loss copied here (no wait), read at the ticks and the end
  local losses = trainer.cuda_graph and device_tensor(nbatches) or nil
  local progress = Progress.new(nbatches * bs, ('epoch %d'):format(epoch))
  local ticks, next_tick = {}, 1
  for k = 1, 10 do ticks[k] = math.max(1, math.floor(k * nbatches / 10)) end
  local total_loss = 0
  local losses_read = 0 -- how many of losses were added to total_loss (in batch order, as eagerly)
  local function read_losses(upto)
    if upto <= losses_read then return end
    local host = losses:narrow(1, losses_read + 1, upto - losses_read):float()
    for k = 1, host:nElement() do
      local loss = host[k]
      check_loss(loss, epoch, losses_read + k, nbatches)
      total_loss = total_loss + loss
    end
    losses_read = upto
  end
  local started = stn.clock()
  network:training()
  local function feval()
    trainer.grads:zero()
    local output = network:forward(inputs)
    local loss = criterion:forward(output, targets) -- a CUDA tensor while captured
    network:backward(inputs, criterion:backward(output, targets))
    return loss, trainer.grads
  end
  local function step()
    local _, fs = stn.optim.sgd(feval, trainer.params, trainer.config, trainer.state)
    return fs[1]
  end
  for b = 1, nbatches do
    fill_batch(dataset, order:narrow(1, (b - 1) * bs + 1, bs), inputs, targets)
    local g = trainer.cuda_graph and trainer.graphs[graph_key]
    if g then
      g.graph:replay()
      trainer.state.evalCounter = trainer.state.evalCounter + 1 -- as the eager step counts
      losses:narrow(1, b, 1):copy(g.loss)
    else
      local loss
      if trainer.cuda_graph then
        -- this shape's first batch: one real step with the collector stopped (so that the
        -- cache holds a block for each of its allocations), then the same step captured
        loss = stn.cuda.warmup(step)
        local counter = trainer.state.evalCounter
        local captured
        local graph = stn.cuda.graph(function() captured = step() end)
        trainer.state.evalCounter = counter -- (the capture ran no step)
        if not stn.isTensor(captured) then
          error('trainer: --cuda_graph: the criterion returned its loss on the host during the capture', 0)
        end
        trainer.graphs[graph_key] = { graph = graph, loss = captured }
        losses:narrow(1, b, 1):fill(loss)
      else
        loss = step()
        check_loss(loss, epoch, b, nbatches)
        total_loss = total_loss + loss
      end
    end
    progress:update(b * bs)
    while next_tick <= 10 and b >= ticks[next_tick] do
      if losses then read_losses(b) end
      if on_tick then on_tick(next_tick) end
      next_tick = next_tick + 1
    end
  end
  if losses then read_losses(nbatches) end
  stn.synchronize()
  local seconds = stn.clock() - started
  return total_loss / nbatches, seconds, nbatches * bs / seconds
end

-- The test pass: mean loss, accuracy (a fraction), and for each spatial transformer
-- {scale, tx, ty, spread} over the set (spread: the mean standard deviation of the
-- six matrix entries across images).
function trainer.test(dataset)
  local network, criterion = trainer.network, trainer.criterion
  local n = dataset.data:size(1)
  local bs = trainer.batch_size
  local total_loss, correct = 0, 0
  local thetas = {}
  for i = 1, #trainer.transformers do thetas[i] = stn.Tensor(n, 6) end
  local inputs, targets = device_tensor(), device_tensor()
  network:evaluate()
  for first = 1, n, bs do
    local count = math.min(bs, n - first + 1)
    inputs:resize(count, dataset.data:size(2), dataset.data:size(3), dataset.data:size(4))
    inputs:copy(dataset.data:narrow(1, first, count))
    targets:resize(count):copy(dataset.label:narrow(1, first, count))
    local scores = network:forward(inputs)
    total_loss = total_loss + criterion:forward(scores, targets) * count
    local _, preds = scores:max(2)
    correct = correct + preds:view(count):typeAs(targets):eq(targets):sum() -- preds: Long indices
    for i, gen in ipairs(trainer.transformers) do
      thetas[i]:narrow(1, first, count):copy(gen.output:view(count, 6))
    end
  end
  local stats = {}
  for i, t in ipairs(thetas) do
    local a, b, tx, c, d, ty = t:select(2, 1), t:select(2, 2), t:select(2, 3), t:select(2, 4), t:select(2, 5), t:select(2, 6)
    local det = stn.Tensor():cmul(a, d):add(-1, stn.Tensor():cmul(b, c))
    stats[i] = {
      scale = det:abs():sqrt():mean(),
      tx = tx:mean(), ty = ty:mean(),
      spread = t:std(1):mean(),
    }
  end
  return total_loss / n, correct / n, stats
end

return trainer
