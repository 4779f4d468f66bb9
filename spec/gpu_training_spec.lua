-- GPU training (docs/gpu-training.md): the allocator's statistics, the precision of the
-- CUDA products, whole-step CUDA graphs and the trainer's --gpu_data / --cuda_graph.
-- The argument checks and the refusals without a GPU run everywhere; what needs a GPU
-- is pending without one, with the reason.
local H = require 'helpers'
local stn = H.stn
local nn = stn.nn

describe('stn.setPrecision', function()
  after_each(function() stn.setPrecision('fp32') end)

  it('is fp32 by default, takes tf32 and back (a CUDA setting: CPU results stay fp32)', function()
    assert.are.equal('fp32', stn.getPrecision())
    local a, b = H.rand({ 7, 9 }), H.rand({ 9, 5 })
    local before = stn.mm(a, b)
    stn.setPrecision('tf32')
    assert.are.equal('tf32', stn.getPrecision())
    H.assert_equal(before, stn.mm(a, b), 'CPU product under tf32')
    stn.setPrecision('fp32')
    assert.are.equal('fp32', stn.getPrecision())
  end)

  it('refuses bf16 as not implemented yet, and anything else by name, keeping the setting', function()
    stn.setPrecision('tf32')
    H.assert_error(function() stn.setPrecision('bf16') end, 'setPrecision', "'bf16' is not implemented yet")
    H.assert_error(function() stn.setPrecision('fp16') end, 'setPrecision', "expected 'fp32', 'tf32' or 'bf16'", '"fp16"')
    H.assert_error(function() stn.setPrecision(nil) end, "expected 'fp32', 'tf32' or 'bf16', got nil")
    H.assert_error(function() stn.setPrecision(1) end, 'got 1')
    assert.are.equal('tf32', stn.getPrecision())
  end)

  H.cuda_it('tf32 products stay close to fp32 and repeat bit for bit; fp32 is unchanged by a tf32 interlude', function()
    local a, b = H.rand({ 256, 384 }):cuda(), H.rand({ 384, 128 }):cuda()
    local exact = stn.mm(a, b):float()
    stn.setPrecision('tf32')
    local t1, t2 = stn.mm(a, b):float(), stn.mm(a, b):float()
    H.assert_equal(t1, t2, 'tf32 run to run')
    H.assert_close(t1, exact, 1e-2, 'tf32 vs fp32')
    stn.setPrecision('fp32')
    H.assert_equal(exact, stn.mm(a, b):float(), 'fp32 after tf32')
  end)
end)

describe('stn.cuda memory statistics', function()
  if not H.has_cuda then
    it('without a GPU: a clear error naming the function', function()
      H.assert_error(stn.cuda.memoryStats, 'cuda.memoryStats', 'no CUDA device')
      H.assert_error(stn.cuda.resetPeakMemoryStats, 'cuda.resetPeakMemoryStats', 'no CUDA device')
    end)
  end

  H.cuda_it('counts the bytes in use, the peak until a reset, and the cudaMalloc calls', function()
    collectgarbage()
    stn.emptyCache() -- so that the tensor below needs a cudaMalloc
    stn.cuda.resetPeakMemoryStats()
    local m0 = stn.cuda.memoryStats()
    assert.are.equal(m0.inUse, m0.peakInUse)
    local bytes = 3 * 2 ^ 20 + 7 * 4 -- a size no other spec uses: a fresh cudaMalloc
    local t = stn.CudaTensor(bytes / 4)
    local m1 = stn.cuda.memoryStats()
    assert.is_true(m1.inUse >= m0.inUse + bytes)
    assert.are.equal(m1.inUse, m1.peakInUse)
    assert.are.equal(m0.mallocCalls + 1, m1.mallocCalls)
    t = nil
    collectgarbage()
    local m2 = stn.cuda.memoryStats()
    assert.are.equal(m0.inUse, m2.inUse)
    assert.are.equal(m1.peakInUse, m2.peakInUse) -- the peak stays until reset
    assert.is_true(m2.cached >= bytes)
    stn.cuda.resetPeakMemoryStats()
    assert.are.equal(m2.inUse, stn.cuda.memoryStats().peakInUse)
    local again = stn.CudaTensor(bytes / 4) -- served by the cache
    assert.are.equal(m1.mallocCalls, stn.cuda.memoryStats().mallocCalls)
    again = nil
  end)
end)

describe('stn.cuda.warmup', function()
  it('runs fn once with the collector stopped, returns its results, and collects after', function()
    local calls = 0
    local a, b, c = stn.cuda.warmup(function(x)
      calls = calls + 1
      return x + 1, nil, 'z'
    end, 41)
    assert.are.equal(1, calls)
    assert.are.equal(42, a)
    assert.is_nil(b)
    assert.are.equal('z', c)
  end)

  it('passes an error of fn on, and the collector runs again after it', function()
    H.assert_error(function() stn.cuda.warmup(function() error('boom', 0) end) end, 'boom')
    local before = collectgarbage('count')
    for _ = 1, 2000 do local _ = { 1, 2, 3 } end
    collectgarbage('step', 0) -- (a stopped collector would refuse to move)
    assert.is_true(collectgarbage('count') < before + 10000)
    H.assert_error(function() stn.cuda.warmup('step') end, 'cuda.warmup', 'expected a function')
  end)
end)

describe('stn.cuda.graph', function()
  it('checks its argument first, then needs a GPU', function()
    H.assert_error(function() stn.cuda.graph() end, 'cuda.graph', 'expected a function', 'got nil')
    H.assert_error(function() stn.cuda.graph({}) end, 'expected a function', 'got table')
    if not H.has_cuda then
      H.assert_error(function() stn.cuda.graph(function() end) end, 'cuda.graph', 'no CUDA device')
    end
    assert.is_false(stn.cuda.capturing())
  end)

  -- x <- 2 x + 1, in place, with a temporary made and dropped inside
  local function doubling(x)
    return function()
      local tmp = x:clone()
      x:add(tmp):add(1)
    end
  end

  H.cuda_it('captures without running, replays as the eager step does, bit for bit', function()
    local x0 = H.rand({ 1000 })
    local eager, graphed = x0:cuda(), x0:cuda()
    local step = doubling(graphed)
    stn.cuda.warmup(step) -- a real step
    doubling(eager)()
    local g = stn.cuda.graph(step)
    stn.synchronize()
    H.assert_equal(eager:float(), graphed:float(), 'the capture itself runs nothing')
    for _ = 1, 3 do
      g:replay()
      doubling(eager)()
    end
    H.assert_equal(eager:float(), graphed:float(), 'three replays vs three eager steps')
    g:free()
    H.assert_error(function() g:replay() end, 'cuda.graph:replay', 'freed')
  end)

  H.cuda_it('fails the capture, naming the cause, when the step waits for the GPU, and leaves no capture behind', function()
    local x = stn.CudaTensor(64):fill(1)
    stn.cuda.warmup(function() return x:sum() end)
    H.assert_error(function() stn.cuda.graph(function() return x:sum() end) end, 'cuda.graph',
      'a copy from the GPU to the host', 'while capturing a CUDA graph')
    assert.is_false(stn.cuda.capturing())
    H.assert_error(function() stn.cuda.graph(function() x:copy(stn.Tensor(64):fill(2)) end) end,
      'a copy from host memory to the GPU')
    H.assert_error(function() stn.cuda.graph(stn.synchronize) end, 'stn_cuda_synchronize')
    H.assert_error(function() stn.cuda.graph(stn.emptyCache) end, 'stn_cuda_empty_cache')
    assert.is_false(stn.cuda.capturing())
    assert.are.equal(64, x:sum()) -- eager work goes on
  end)

  H.cuda_it('refuses an allocation the cache cannot serve, and a step that draws random numbers', function()
    local odd = 5 * 2 ^ 20 + 3 * 512
    stn.emptyCache() -- no block in the cache then
    H.assert_error(function() stn.cuda.graph(function() return stn.CudaTensor(odd / 4) end) end, 'cuda.graph',
      'no cached block of that size', 'run the step once before capturing')
    local y = stn.CudaTensor(16)
    stn.cuda.warmup(function() y:uniform() end)
    H.assert_error(function() stn.cuda.graph(function() y:uniform() end) end, 'drew random numbers')
    assert.is_false(stn.cuda.capturing())
  end)

  H.cuda_it('keeps the blocks a graph touched from other tensors until the graph is freed', function()
    local x = H.rand({ 4096 }):cuda()
    local step = doubling(x)
    stn.cuda.warmup(step)
    local g = stn.cuda.graph(step) -- its temporary's block now belongs to g
    collectgarbage()
    local fresh = {}
    for i = 1, 4 do fresh[i] = stn.CudaTensor(4096):fill(i) end -- same size as the temporary
    local before = x:float()
    g:replay()
    for i = 1, 4 do assert.are.equal(4096 * i, fresh[i]:sum(), 'a replay wrote into another tensor') end
    H.assert_equal(before:mul(2):add(1), x:float(), 'the replay')
    g:free()
  end)

  H.cuda_it('captures a whole training step (forward, loss on the device, backward, SGD) with the same results', function()
    local function run(graphed)
      stn.manualSeed(5)
      local net = nn.Sequential():add(nn.Linear(20, 30)):add(nn.ReLU()):add(nn.Linear(30, 4)):cuda()
      local crit = nn.CrossEntropyCriterion():cuda()
      local params, grads = net:getParameters()
      local x, t = stn.Tensor(8, 20):normal(0, 1):cuda(), stn.Tensor(8):random(1, 4):cuda()
      local config, state = { learningRate = 0.1, momentum = 0.9 }, {}
      local function step()
        stn.optim.sgd(function()
          grads:zero()
          local out = net:forward(x)
          local loss = crit:forward(out, t)
          net:backward(x, crit:backward(out, t))
          return loss, grads
        end, params, config, state)
      end
      stn.cuda.warmup(step)
      if graphed then
        local g = stn.cuda.graph(step)
        assert.is_true(stn.isTensor(crit.output), 'the loss stays on the device while captured')
        for _ = 1, 5 do g:replay() end
      else
        for _ = 1, 5 do step() end
      end
      return params:float()
    end
    H.assert_equal(run(false), run(true), 'parameters after 6 steps')
  end)
end)

describe('examples/gtsrb trainer on the GPU', function()
  it('refuses --gpu_data, --cuda_graph and --precision tf32 without CUDA, and --cuda_graph with a learning-rate decay', function()
    local trainer = dofile('examples/gtsrb/trainer.lua')
    H.assert_error(function() trainer.check_gpu_options { cuda = false, gpu_data = true } end, '--gpu_data needs CUDA')
    H.assert_error(function() trainer.check_gpu_options { cuda = false, cuda_graph = true } end, '--cuda_graph needs CUDA')
    H.assert_error(function() trainer.check_gpu_options { cuda = false, precision = 'tf32' } end,
      '--precision tf32 needs CUDA')
    trainer.check_gpu_options { cuda = false, precision = 'fp32' }
    H.assert_error(function() trainer.check_gpu_options { cuda = true, cuda_graph = true, lrd = 1e-4 } end,
      'cannot follow a learning-rate decay')
    trainer.check_gpu_options { cuda = true, cuda_graph = true, gpu_data = true, lrd = 0 }
    local out, status = H.run_main('--gpu_data -e 1')
    assert.are.equal(1, status, out)
    assert.truthy(out:find('--gpu_data needs CUDA', 1, true), out)
    out, status = H.run_main('--precision bf16 -e 1')
    assert.are.equal(1, status, out)
    assert.truthy(out:find('--precision must be fp32 or tf32', 1, true), out)
  end)

  -- Two epochs of the trainer on a small fake set; returns the parameters and the losses.
  local function train(opts)
    local trainer = dofile('examples/gtsrb/trainer.lua')
    stn.manualSeed(3)
    local set = { data = stn.Tensor(130, 3, 8, 8):normal(0, 1), label = stn.Tensor(130):random(1, 5) }
    local net = nn.Sequential():add(nn.SpatialConvolution(3, 6, 3, 3)):add(nn.ReLU()):add(nn.View(-1):setNumInputDims(3))
      :add(nn.Linear(6 * 6 * 6, 5)):cuda()
    trainer.initialize(net, nn.CrossEntropyCriterion():cuda(), { lr = 0.05, mom = 0.9, bs = 20, cuda = true,
      gpu_data = opts.gpu_data, cuda_graph = opts.cuda_graph })
    local losses = {}
    for epoch = 1, 2 do losses[epoch] = trainer.train(set, epoch) end
    return trainer.params:float(), losses
  end

  H.cuda_it('--gpu_data and --cuda_graph train exactly as the default path (same batches, same weights)', function()
    local p0, l0 = train {}
    for _, opts in ipairs { { gpu_data = true }, { cuda_graph = true }, { gpu_data = true, cuda_graph = true } } do
      local p, l = train(opts)
      H.assert_equal(p0, p, 'weights')
      assert.are.same(l0, l)
    end
  end)
end)
