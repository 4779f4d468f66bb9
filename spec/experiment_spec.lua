-- The GTSRB experiment (examples/gtsrb) end to end on a tiny fake GTSRB tree: main.lua
-- with every transformer option, checkpoints and --eval, --resume, the failure exits,
-- and the sweep helpers.
local H = require 'helpers'
local stn = H.stn

local root = os.getenv('PWD') or '.'
local tmp = root .. '/spec/tmp/experiment'
local tree = tmp .. '/GTSRB'
local luajit = arg and arg[-1] or 'luajit'
if not luajit:match('luajit') then luajit = 'luajit' end

-- Runs main.lua from examples/gtsrb (as the seed's command does) with args; returns its
-- output and exit status.
local main = H.run_main

local function last_line(s)
  local last
  for line in s:gmatch('[^\n]+') do last = line end
  return last
end

local tiny = '--data ' .. tree .. ' -n -1 -b 10 --cnn 6,6,8 --no_lnorm --no_cnorm'
local idsia = '--data ' .. tree .. ' -n -1 -b 10 --net idsia_net.lua --cnn 6,6,6,12 --no_lnorm'

describe('examples/gtsrb/main.lua', function()
  setup(function()
    os.execute('rm -rf ' .. tmp .. ' && mkdir -p ' .. tmp)
    dofile('tools/make_fake_gtsrb.lua').make(tree, { classes = 43, tracks = 2, frames = 3, test = 1, seed = 3 })
  end)

  it('trains the IDSIA network with transformers at all three places, logs, saves, and --eval reproduces the accuracy', function()
    local ck, log = tmp .. '/idsia.ck', tmp .. '/idsia.jsonl'
    local out, status = main(idsia .. ' --st --locnet 4,4,4 --locnet2 4,4,4 --locnet3 4,4,4 --rot --sca --tra -e 1 --script'
      .. ' -o ' .. ck .. ' --log ' .. log)
    assert.are.equal(0, status, out)
    assert.truthy(out:find('<transformer 3>', 1, true), 'three transformers are watched')
    local accuracy = tonumber(last_line(out))
    assert.is_number(accuracy, out)
    assert.is_true(accuracy >= 0 and accuracy <= 1)
    local f = assert(io.open(log))
    local record = require('cjson').decode(f:read('*l'))
    f:close()
    assert.are.equal(1, record.epoch)
    assert.are.equal(accuracy, record.accuracy)
    for _, key in ipairs { 'train_loss', 'test_loss', 'seconds', 'samples_per_s' } do assert.is_number(record[key]) end
    local eval_out, eval_status = main(idsia .. ' --eval --script -o ' .. ck)
    assert.are.equal(0, eval_status, eval_out)
    assert.are.equal(accuracy, tonumber(last_line(eval_out)))
  end)

  it('--resume continues exactly as if never stopped (same weights, bit for bit)', function()
    local a, b = tmp .. '/straight.ck', tmp .. '/resumed.ck'
    local args = tiny .. ' --st --locnet 4,4,4 --mom 0.9 --locnet_lr 0.1'
    local out, status = main(args .. ' -e 2 -o ' .. a)
    assert.are.equal(0, status, out)
    out, status = main(args .. ' -e 1 -o ' .. b)
    assert.are.equal(0, status, out)
    out, status = main(args .. ' -e 2 --resume -o ' .. b)
    assert.are.equal(0, status, out)
    assert.truthy(out:find('Starting epoch 2', 1, true) and not out:find('Starting epoch 1', 1, true), out)
    local ca, cb = stn.load(a), stn.load(b)
    assert.are.equal(2, cb.epoch)
    local pa, pb = ca.model:getParameters(), cb.model:getParameters()
    H.assert_equal(pa, pb, 'weights after 2 epochs vs 1 + resumed 1')
  end)

  it('exits with status 1 and the download command when the data is missing', function()
    local out, status = main('--data ' .. tmp .. '/nowhere -e 1')
    assert.are.equal(1, status)
    assert.truthy(out:find('tools/get_gtsrb', 1, true), out)
    assert.truthy(out:find(tmp .. '/nowhere', 1, true), out)
  end)

  it('stops on a loss that is no longer finite, naming the epoch and the batch', function()
    local out, status = main(tiny .. ' -e 1 --lr 1e39') -- infinite in float32
    assert.are.equal(1, status, out)
    assert.truthy(out:find('at epoch 1, batch %d+'), out)
  end)

  it('exits with status 1 naming the file when an image is truncated', function()
    local broken = tmp .. '/broken'
    os.execute(('rm -rf %s && cp -r %s %s'):format(broken, tree, broken))
    local ppm = broken .. '/Final_Training/Images/00005/00001_00002.ppm'
    local f = assert(io.open(ppm, 'rb'))
    local bytes = f:read('*a')
    f:close()
    f = assert(io.open(ppm, 'wb'))
    f:write(bytes:sub(1, #bytes - 100))
    f:close()
    local out, status = main('--data ' .. broken .. ' -n -1 -e 1')
    assert.are.equal(1, status)
    assert.truthy(out:find('00001_00002.ppm', 1, true), out)
  end)

  it('gives --locnet_lr to a network built with nn.SpatialTransformer (--net), and says so', function()
    local net_file = tmp .. '/st_net.lua'
    local f = assert(io.open(net_file, 'w'))
    f:write([[
local stn = require 'stn'
local nn = stn.nn
local networks = require 'networks'
return { get_network = function(opt)
  local s, c = networks.base_input_size, networks.input_channels
  local locnet = nn.Sequential():add(nn.SpatialMaxPooling(4, 4, 4, 4)):add(nn.View(-1):setNumInputDims(3))
    :add(nn.Linear(c * (s / 4) * (s / 4), 5)):add(nn.ReLU())
  return nn.Sequential():add(nn.SpatialTransformer { locnet = locnet, height = s, width = s })
    :add(nn.View(-1):setNumInputDims(3)):add(nn.Linear(c * s * s, networks.nbr_classes))
end }
]])
    f:close()
    local out, status = main('--data ' .. tree .. ' -n -1 -b 10 --no_lnorm --net ' .. net_file .. ' --locnet_lr 0.1 -e 1')
    assert.are.equal(0, status, out)
    -- 3 x 48 x 48 images: locnet Linear 3*12*12 -> 5, then the affine head 5 -> 6
    local n = (3 * 12 * 12 * 5 + 5) + (5 * 6 + 6)
    assert.truthy(out:find(('Learning-rate factor 0.1 on the %d parameters of the localization networks'):format(n), 1, true),
      out)
  end)

  it('stops with status 1 when --locnet_lr is given for a network without a localization network', function()
    local out, status = main(tiny .. ' --locnet_lr 0.1 -e 1')
    assert.are.equal(1, status, out)
    assert.truthy(out:find('--locnet_lr 0.1 applies to localization networks, but this network has none', 1, true), out)
  end)

  it('builds the transformers with --transform projective | tps and --sampler, saves and --eval reproduces', function()
    for _, args in ipairs { '--transform projective --sampler nearest', '--transform tps --tps_points 3 --locnet_lr 0.1' } do
      local ck = tmp .. '/kind.ck'
      local out, status = main(tiny .. ' --st --locnet 4,4,4 -e 1 --script -o ' .. ck .. ' ' .. args)
      assert.are.equal(0, status, out)
      local accuracy = tonumber(last_line(out))
      assert.is_number(accuracy, out)
      local model = stn.load(ck).model
      local st = model:findModules('nn.SpatialTransformer')[1]
      assert.is_not_nil(st, args)
      assert.are.equal(args:match('--transform (%a+)'), st.transform)
      local eval_out, eval_status = main(tiny .. ' --eval --script -o ' .. ck)
      assert.are.equal(0, eval_status, eval_out)
      assert.are.equal(accuracy, tonumber(last_line(eval_out)))
    end
  end)

  it('refuses an unknown --transform or --sampler, and --rot with a transform that is not affine', function()
    local out, status = main(tiny .. ' --st --transform similarity -e 1')
    assert.are.equal(1, status)
    assert.truthy(out:find('--transform must be one of affine, projective, tps, got "similarity"', 1, true), out)
    out, status = main(tiny .. ' --st --sampler lanczos -e 1')
    assert.are.equal(1, status)
    assert.truthy(out:find('--sampler must be one of bicubic, bilinear, nearest', 1, true), out)
    out, status = main(tiny .. ' --st --locnet 4,4,4 --transform tps --rot -e 1')
    assert.are.equal(1, status)
    assert.truthy(out:find('--rot, --sca and --tra restrict the affine transform, not --transform tps', 1, true), out)
  end)

  it('rejects an unknown data set and --resume without a checkpoint', function()
    local out, status = main('--dataset mnist -e 1')
    assert.are.equal(1, status)
    assert.truthy(out:find('unknown --dataset', 1, true), out)
    out, status = main(tiny .. ' --resume')
    assert.are.equal(1, status)
    assert.truthy(out:find('--resume needs -o', 1, true), out)
  end)
end)

describe('examples/gtsrb/trainer.lua --locnet_lr', function()
  local nn = stn.nn
  local networks = dofile('examples/gtsrb/networks.lua')

  -- One optim.sgd step at learning rate 1 with every gradient 1, through the trainer's
  -- config: each parameter moves by its own learning rate. Returns, for each module of
  -- `modules`, the list of how far each of its parameters moved.
  local function moved(network, locnet_lr, modules)
    local trainer = dofile('examples/gtsrb/trainer.lua')
    trainer.initialize(network, nn.CrossEntropyCriterion(), { lr = 1, bs = 1, locnet_lr = locnet_lr })
    local before = {}
    for i, m in ipairs(modules) do
      before[i] = {}
      for j, p in ipairs(m:parameters()) do before[i][j] = p:clone() end
    end
    stn.optim.sgd(function() return 0, trainer.grads:fill(1) end, trainer.params, trainer.config, {})
    local steps = {}
    for i, m in ipairs(modules) do
      steps[i] = {}
      for j, p in ipairs(m:parameters()) do
        local d = before[i][j]:add(-1, p)
        steps[i][j] = { d:min(), d:max() }
      end
    end
    return steps, trainer
  end

  local function assert_steps(steps, want, what)
    for _, per_module in ipairs(steps) do
      for _, range in ipairs(per_module) do
        H.assert_near(range[1], want, 1e-6, what)
        H.assert_near(range[2], want, 1e-6, what)
      end
    end
  end

  local function classifier(n) return nn.Sequential():add(nn.View(-1):setNumInputDims(3)):add(nn.Linear(n, 3)) end

  it('reaches the locnet and the transform head of an nn.SpatialTransformer', function()
    local locnet = nn.Sequential():add(nn.View(-1):setNumInputDims(3)):add(nn.Linear(3 * 8 * 8, 4))
    local st = nn.SpatialTransformer { locnet = locnet, height = 8, width = 8 }
    local rest = classifier(3 * 8 * 8)
    local steps = moved(nn.Sequential():add(st):add(rest), 0.1, { st, rest })
    assert_steps({ steps[1] }, 0.1, 'transformer')
    assert.are.equal(4, #steps[1]) -- the locnet's Linear and the head: weight, bias each
    assert_steps({ steps[2] }, 1, 'classifier')
  end)

  it('reaches the localization network of networks.lua\'s transformer', function()
    local st = networks.new_spatial_tranformer('4,4,4', true, true, true, 16, 3)
    local rest = classifier(3 * 16 * 16)
    local steps = moved(nn.Sequential():add(st):add(rest), 0.1, { st, rest })
    assert_steps({ steps[1] }, 0.1, 'transformer')
    assert_steps({ steps[2] }, 1, 'classifier')
  end)

  it('reaches a localization network wired by hand in front of an stnbhwd grid generator', function()
    local locnet = nn.Sequential():add(nn.View(-1):setNumInputDims(3)):add(nn.Linear(3 * 8 * 8, 6)):add(nn.View(2, 3))
    local grid = nn.Sequential():add(locnet):add(nn.AffineGridGeneratorBHWD(8, 8))
    local st = nn.Sequential():add(nn.ConcatTable():add(nn.Transpose({ 3, 4 }, { 2, 4 })):add(grid))
      :add(nn.BilinearSamplerBHWD()):add(nn.Transpose({ 2, 4 }, { 3, 4 }))
    local rest = classifier(3 * 8 * 8)
    local steps = moved(nn.Sequential():add(st):add(rest), 0.25, { locnet, rest })
    assert_steps({ steps[1] }, 0.25, 'locnet')
    assert_steps({ steps[2] }, 1, 'classifier')
  end)

  it('refuses a factor for a network without a localization network, accepts the default', function()
    local net = classifier(12)
    local trainer = dofile('examples/gtsrb/trainer.lua')
    H.assert_error(function() trainer.initialize(net, nn.CrossEntropyCriterion(), { lr = 1, bs = 1, locnet_lr = 0.5 }) end,
      '--locnet_lr 0.5 applies to localization networks, but this network has none')
    trainer.initialize(net, nn.CrossEntropyCriterion(), { lr = 1, bs = 1, locnet_lr = 1 })
    assert.is_nil(trainer.config.learningRates)
  end)

  it('sets the factor again on a network that had one (a resumed checkpoint)', function()
    local locnet = nn.Sequential():add(nn.View(-1):setNumInputDims(3)):add(nn.Linear(3 * 8 * 8, 4))
    local net = nn.Sequential():add(nn.SpatialTransformer { locnet = locnet, height = 8, width = 8 }):add(classifier(3 * 8 * 8))
    moved(net, 0.1, {})
    local steps, trainer = moved(net, 1, { net })
    assert.is_nil(trainer.config.learningRates)
    assert_steps(steps, 1, 'whole network')
  end)

  it('spares the biases from weight decay, through per-parameter decays', function()
    local l = nn.Linear(2, 1)
    local net = nn.Sequential():add(nn.View(-1):setNumInputDims(3)):add(l)
    local trainer = dofile('examples/gtsrb/trainer.lua')
    trainer.initialize(net, nn.CrossEntropyCriterion(), { lr = 1, bs = 1, wd = 0.5 })
    assert.are.equal(0, trainer.config.weightDecay)
    H.assert_near(trainer.config.weightDecays, { 0.5, 0.5, 0 }, 0)
  end)
end)

describe('examples/gtsrb/bench_utils.lua', function()
  local bench_utils = dofile('examples/gtsrb/bench_utils.lua')

  it('lists every combination in the original order', function()
    local list = bench_utils.combinations({ { '--val', { true } }, { '--ms', { false, true } }, { '--cnn ', { 'a', 'b' } } })
    assert.are.same({ '--val  --cnn a', '--val --ms --cnn a', '--val  --cnn b', '--val --ms --cnn b' }, list)
  end)

  it('skips the configurations already in the table, and runs the others once each', function()
    local table_path = tmp .. '/sweep.md'
    os.remove(table_path)
    bench_utils.open_table(table_path, 'test')
    local f = assert(io.open(table_path, 'a'))
    f:write('| --val --cnn a | 0.5 |\n')
    f:close()
    local ran = {}
    local real = bench_utils.run_one
    bench_utils.run_one = function(args) ran[#ran + 1] = args; return 0.25, '' end
    bench_utils.run_test({ { '--val', { true } }, { '--cnn ', { 'a', 'b' } } }, table_path)
    bench_utils.run_test({ { '--val', { true } }, { '--cnn ', { 'a', 'b' } } }, table_path)
    bench_utils.run_one = real
    assert.are.same({ '--val --cnn b' }, ran)
    assert.is_true(bench_utils.done(table_path)['--val --cnn b'])
  end)

  it('prints one self-contained command per configuration with --dry-run', function()
    local p = io.popen('cd examples/gtsrb && ' .. luajit .. ' baseline_st.lua --dry-run')
    local lines = {}
    for line in p:lines() do lines[#lines + 1] = line end
    p:close()
    assert.are.equal(151, #lines)
    assert.truthy(lines[1]:find('bench_utils.lua --one ', 1, true), lines[1])
    assert.truthy(lines[1]:find("baseline_st.md' -n -1 --st --locnet 100,200,100", 1, true), lines[1])
  end)
end)
