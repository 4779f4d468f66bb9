-- trainer.lua: mini-batch SGD over a data set ({data = N x C x H x W, label = N,
-- 1-based}), one epoch per call, and the test pass, as gtsrb.torch's trainer did; plus
-- a progress bar, NaN detection, a learning-rate factor for the localization networks
-- (--locnet_lr), and a watch on what each spatial transformer predicts.
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

-- options: lr, mom, lrd, wd, bs, locnet_lr, cuda (bool); state: a saved optimizer
-- state to continue from (--resume).
function trainer.initialize(network, criterion, options, state)
  trainer.network = network
  trainer.criterion = criterion
  trainer.batch_size = options.bs
  trainer.cuda = options.cuda
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
  local inputs, targets = device_tensor(sizes), device_tensor(bs)
  local cpu_inputs, cpu_targets = stn.Tensor(), stn.Tensor()
  local progress = Progress.new(nbatches * bs, ('epoch %d'):format(epoch))
  local ticks, next_tick = {}, 1
  for k = 1, 10 do ticks[k] = math.max(1, math.floor(k * nbatches / 10)) end
  local total_loss = 0
  local started = stn.clock()
  network:training()
  for b = 1, nbatches do
    local idx = order:narrow(1, (b - 1) * bs + 1, bs)
    cpu_inputs:index(dataset.data, 1, idx)
    cpu_targets:index(dataset.label, 1, idx)
    inputs:copy(cpu_inputs)
    targets:copy(cpu_targets)
    local function feval()
      trainer.grads:zero()
      local output = network:forward(inputs)
      local loss = criterion:forward(output, targets)
      network:backward(inputs, criterion:backward(output, targets))
      return loss, trainer.grads
    end
    local _, fs = stn.optim.sgd(feval, trainer.params, trainer.config, trainer.state)
    local loss = fs[1]
    if loss ~= loss or loss == math.huge or loss == -math.huge then
      error(('trainer: the loss became %s at epoch %d, batch %d of %d (try a lower --lr, or --locnet_lr)')
        :format(tostring(loss), epoch, b, nbatches), 0)
    end
    total_loss = total_loss + loss
    progress:update(b * bs)
    while next_tick <= 10 and b >= ticks[next_tick] do
      if on_tick then on_tick(next_tick) end
      next_tick = next_tick + 1
    end
  end
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
