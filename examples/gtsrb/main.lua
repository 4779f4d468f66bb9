-- main.lua: the gtsrb.torch training script, ported to stn. Same options, defaults and
-- meaning as the original; added: --data, --dataset, --threads, --log, --resume,
-- --locnet_lr, --test_images/--test_labels, --viz, and for the GPU --gpu_data,
-- --cuda_graph and --precision (docs/gpu-training.md). The seed's command runs verbatim
-- from this folder once the data is there:
--   luajit main.lua -n -1 --st --locnet 200,300,200 --locnet3 150,150,150 \
--     --net idsia_net.lua --cnn 150,200,300,350 -e 14
local here = debug.getinfo(1, 'S').source:match('^@(.*[/\\])') or './'
package.path = here .. '?.lua;' .. package.path
if not pcall(require, 'stn') then -- in a checkout without LUA_PATH: use its lua/ folder
  package.path = here .. '../../lua/?.lua;' .. here .. '../../lua/?/init.lua;' .. package.path
end
local stn = require 'stn'
local lapp = require 'pl.lapp'

local opt = lapp [[
GTSRB Training script (stn)
Main options
  -o,--output   (default "")              Output model (a checkpoint, written after every epoch)
  --eval                                  Only run eval
  --val                                   Use a validation set instead of the test set
  --script                                Write accuracy on last line of output for benchmarks
  --no_cuda                               Do not use CUDA
  -n            (default 20000)           Use only N samples for training
  -e            (default 10)              Number of epochs

Network generation
  --cnn         (default "108,200,100")   Basic network factory parameters (see doc for more details)
  --net         (default "")              Path to user defined module for networks
  --ms                                    Use multi-scale network

Normalization
  --no_norm                               Do not globally normalize the training and test samples
  --no_lnorm                              Do not locally normalize the training and test samples
  --no_cnorm                              Do not use contrastive normalization in conv

Learning hyperparameters
  -s,--seed     (default 1)               Random seed value (-1 to disable)
  -b,--bs       (default 50)              Mini batch size
  --lr          (default 0.01)            Initial learning rate
  --lrd         (default 0)               Learning rate decay
  --wd          (default 0)               Weight decay
  --mom         (default 0)               Momentum
  --dampening   (default -1)              Momentum dampening (-1: Torch7's default, the momentum itself)

Spatial transformer options
  --st                                    Add a spatial transformer module
  --locnet      (default "30,60,30")      Localization network parameters
  --locnet2     (default "")              Localization network parameters for second st
  --locnet3     (default "")              Localization network parameters for third st (idsia net only)
  --rot                                   Force the st to use rotation
  --sca                                   Force the st to use scale
  --tra                                   Force the st to use translation
  --transform   (default "affine")        affine | projective | tps: the transformers' transform
  --sampler     (default "bilinear")      bilinear | nearest | bicubic: the transformers' sampler
  --tps_points  (default 4)               Control points per side with --transform tps (an n x n layout)

Added by stn
  --data        (default "")              GTSRB root folder (default: $GTSRB_DIR, else ./GTSRB)
  --dataset     (default "gtsrb")         gtsrb | fmnist | fmnist-rts
  --threads     (default 0)               CPU threads (0: all cores)
  --log         (default "")              Append one JSON line per epoch to this file
  --resume                                Continue from the checkpoint at -o
  --locnet_lr   (default 1)               Learning-rate factor for the localization networks
  --test_images (default "")              IDX images to evaluate a saved model on (with --eval)
  --test_labels (default "")              IDX labels (1-based classes are stored 0-based) for --test_images
  --viz         (default "")              Write pictures of the transformers to this folder

GPU (docs/gpu-training.md)
  --gpu_data                              Keep the training set on the GPU and gather each batch there
  --cuda_graph                            Capture the training step as a CUDA graph and replay it
  --precision   (default "fp32")          fp32 | tf32: the math of the GPU's matrix products and convolutions
]]

local function say(...) print(...) io.stdout:flush() end

-- Any error ends the run with status 1 and its message (with a traceback when
-- STN_DEBUG is set).
local function die(msg)
  io.stderr:write(tostring(msg), '\n')
  os.exit(1)
end

local dataset = require 'dataset'
local networks = require 'networks'
local trainer = require 'trainer'

local CHOICES = { transform = { affine = true, projective = true, tps = true },
                  sampler = { bilinear = true, nearest = true, bicubic = true } }
local function check_options()
  for name, allowed in pairs(CHOICES) do
    if not allowed[opt[name]] then
      local list = {}
      for k in pairs(allowed) do list[#list + 1] = k end
      table.sort(list)
      error(('main.lua: --%s must be one of %s, got %q'):format(name, table.concat(list, ', '), opt[name]), 0)
    end
  end
  if opt.tps_points < 2 or opt.tps_points % 1 ~= 0 then
    error(('main.lua: --tps_points must be an integer of at least 2, got %s'):format(opt.tps_points), 0)
  end
end

local function run()
  check_options()
  if opt.seed > 0 then
    stn.manualSeed(opt.seed)
    math.randomseed(opt.seed)
  end
  if opt.threads > 0 then stn.setnumthreads(opt.threads) end
  if opt.precision ~= 'fp32' and opt.precision ~= 'tf32' then
    error(('main.lua: --precision must be fp32 or tf32, got %q'):format(opt.precision), 0)
  end
  stn.setPrecision(opt.precision)
  local use_cuda = not opt.no_cuda and stn.hasCUDA()
  if not opt.no_cuda and not use_cuda then say('stn: no CUDA device (' .. stn.cudaReason() .. '): running on the CPU') end
  trainer.check_gpu_options { cuda = use_cuda, gpu_data = opt.gpu_data, cuda_graph = opt.cuda_graph, lrd = opt.lrd,
    precision = opt.precision }
  if opt.resume and opt.output == '' then error('main.lua: --resume needs -o, the checkpoint to continue from', 0) end

  -- A checkpoint to evaluate or continue from.
  local checkpoint
  if opt.eval or opt.resume then
    if opt.output == '' then error('main.lua: --eval needs -o, the saved model to evaluate', 0) end
    say('Loading ' .. opt.output)
    checkpoint = stn.load(opt.output)
    if stn.type(checkpoint) ~= 'table' or checkpoint.model == nil then checkpoint = { model = checkpoint } end
  end

  say('Loading training data...')
  local train_set, test_set = dataset.load(opt, checkpoint)
  networks.base_input_size = train_set.data:size(3)
  networks.input_channels = train_set.data:size(2)
  networks.nbr_classes = train_set.nclasses
  say(('%s: %d training and %d %s images of %s, %d classes'):format(opt.dataset, train_set.data:size(1),
    test_set.data:size(1), opt.val and 'validation' or 'test',
    table.concat(train_set.data[1]:size():totable(), 'x'), train_set.nclasses))

  local network
  if checkpoint then network = checkpoint.model
  else
    say('Building the network...')
    network = networks.new(opt)
  end
  local criterion = stn.nn.CrossEntropyCriterion()
  if use_cuda then
    network = network:cuda()
    criterion = criterion:cuda()
  else
    network = network:float()
  end
  say(tostring(network))

  say('Initializing the trainer...')
  trainer.initialize(network, criterion, {
    lr = opt.lr, mom = opt.mom, lrd = opt.lrd, wd = opt.wd, bs = opt.bs, locnet_lr = opt.locnet_lr, cuda = use_cuda,
    dampening = opt.dampening >= 0 and opt.dampening or nil, gpu_data = opt.gpu_data, cuda_graph = opt.cuda_graph,
  }, checkpoint and checkpoint.optim_state)
  if opt.locnet_lr ~= 1 then
    say(('Learning-rate factor %g on the %d parameters of the localization networks')
      :format(opt.locnet_lr, trainer.locnet_parameters))
  end

  -- --viz DIR: the epoch animation during training, the figures and the moving object
  -- after it (or after --eval); docs/visualization.md
  local viz
  if opt.viz ~= '' then
    local sources = require 'viz_sources'
    viz = require('viz').attach(network, test_set, opt.viz, {
      mean = train_set.mean, std = train_set.std, localNorm = not opt.no_lnorm, log = say,
      moving = function()
        return sources.moving_frames(opt, train_set.mean, train_set.std, { train = train_set, test = test_set })
      end,
    })
  end
  local accuracy
  local function report_test(epoch)
    local loss, acc, stats = trainer.test(test_set)
    say(('<trainer> mean error (%s set) = %.6f'):format(opt.val and 'validation' or 'test', loss))
    say(('accuracy %% : %.2f'):format(acc * 100))
    for i, s in ipairs(stats) do
      say(('<transformer %d> mean scale %.3f, mean translation (%.3f, %.3f), spread of the transforms %.2e')
        :format(i, s.scale, s.tx, s.ty, s.spread))
      if s.spread < 1e-3 and epoch > 1 then -- (after epoch 1 it may just not have moved yet)
        say(('WARNING: transformer %d predicts nearly the same transform for every image (spread %.1e < 1e-3): '
          .. 'its localization network no longer looks at its input; try a smaller --locnet_lr (e.g. 0.1)')
          :format(i, s.spread))
      end
    end
    return loss, acc, stats
  end

  if opt.eval then
    _, accuracy = report_test(0)
    if viz then viz.finish() end
  else
    local epoch = checkpoint and (checkpoint.epoch or 0) + 1 or 1
    if checkpoint and checkpoint.rng then stn.setRNGState(checkpoint.rng) end
    if viz then viz.start() end
    while opt.e == -1 or epoch <= opt.e do
      say('Starting epoch ' .. epoch)
      local train_loss, seconds, rate = trainer.train(train_set, epoch, viz and function(k) viz.tick(epoch, k) end)
      say(('<trainer> time to learn 1 sample = %.3fms (%.0f samples/s)'):format(1000 / rate, rate))
      say(('<trainer> mean error (train set) = %.6f'):format(train_loss))
      local test_loss, stats
      test_loss, accuracy, stats = report_test(epoch)
      if opt.log ~= '' then
        dataset.append_log(opt.log, {
          epoch = epoch, train_loss = train_loss, test_loss = test_loss, accuracy = accuracy, seconds = seconds,
          samples_per_s = rate, transformers = stats,
        })
      end
      if opt.output ~= '' then
        network:clearState()
        stn.save(opt.output, {
          model = network, mean = train_set.mean, std = train_set.std, opt = opt, epoch = epoch,
          optim_state = trainer.state, rng = stn.getRNGState(), dataset = opt.dataset,
        })
      end
      epoch = epoch + 1
    end
    if viz then viz.finish() end
  end
  if opt.script then print(accuracy) end
end

local ok, err = xpcall(run, function(e)
  if os.getenv('STN_DEBUG') then return debug.traceback(e, 2) end
  return e
end)
if not ok then die(err) end
