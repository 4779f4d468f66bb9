-- networks.lua: the gtsrb.torch network factory, ported to stn. Same building blocks
-- (conv -> ReLU -> max-pool -> contrastive normalization, a fully connected layer, a
-- classifier) and the spatial transformer built from the stnbhwd-compatible modules,
-- exactly as the original wired it. Input size, channels and class count come from the
-- data set (main.lua sets them) instead of being fixed to GTSRB's 48x48x3, 43 classes.
local stn = require 'stn'
local nn = stn.nn

local networks = {}

-- The basic modules used by every macro-module (the original's hook for cudnn).
networks.modules = {
  convolutionModule = nn.SpatialConvolutionMM,
  poolingModule = nn.SpatialMaxPooling,
  nonLinearityModule = nn.ReLU,
}

networks.base_input_size = 48
networks.input_channels = 3
networks.nbr_classes = 43

local function parse_list(s)
  local r = {}
  for c in string.gmatch(s, '%d+') do r[#r + 1] = tonumber(c) end
  return r
end
networks.parse_list = parse_list

-- conv (filter_size, stride 1, padding 2) -> ReLU -> 2x2 max-pool [-> contrastive norm].
-- With multiscale, the pooled input is concatenated to the output (channels add up).
-- gtsrb.torch meant to pass image.gaussian1D(7) as the normalization kernel but, through
-- a misspelt variable, passed nil, so its networks used Torch7's default (a 9x9 box):
-- we keep the default to build the same networks.
function networks.new_conv(nbr_input_channels, nbr_output_channels, multiscale, no_cnorm, filter_size)
  filter_size = filter_size or 5
  local padding_size, pooling_size = 2, 2
  local first = nn.Sequential()
  first:add(networks.modules.convolutionModule(nbr_input_channels, nbr_output_channels,
    filter_size, filter_size, 1, 1, padding_size, padding_size))
  first:add(networks.modules.nonLinearityModule())
  first:add(networks.modules.poolingModule(pooling_size, pooling_size, pooling_size, pooling_size))
  if not no_cnorm then first:add(nn.SpatialContrastiveNormalization(nbr_output_channels)) end
  if not multiscale then return first end
  local parallel = nn.ConcatTable()
  parallel:add(first)
  parallel:add(networks.modules.poolingModule(pooling_size, pooling_size, pooling_size, pooling_size))
  return nn.Sequential():add(parallel):add(nn.JoinTable(1, 3))
end

-- Number of output elements of a chain of conv blocks, and the output height.
function networks.convs_noutput(convs, input_size, input_channels)
  input_size = input_size or networks.base_input_size
  local first = convs[1]:get(1)
  local channels = input_channels or first.nInputPlane or first:get(1):get(1).nInputPlane
  local output = stn.Tensor(1, channels, input_size, input_size):zero()
  for _, conv in ipairs(convs) do output = conv:forward(output) end
  local n, h = output:nElement(), output:size(3)
  for _, conv in ipairs(convs) do conv:clearState() end
  return n, h
end

function networks.new_fc(nbr_input, nbr_output)
  return nn.Sequential():add(nn.View(nbr_input)):add(nn.Linear(nbr_input, nbr_output))
    :add(networks.modules.nonLinearityModule())
end

function networks.new_classifier(nbr_input, nbr_output)
  return nn.Sequential():add(nn.View(nbr_input)):add(nn.Linear(nbr_input, nbr_output))
end

-- A spatial transformer on a B x C x H x W input: a localization network (on the input
-- max-pooled by 2) predicts the transform (restricted by rot/sca/tra, else affine),
-- initialized to the identity (zero weights, identity bias: the STN paper's A.3).
-- The whole block is tagged (isSpatialTransformer) for the pictures (viz.lua); the
-- trainer finds the localization network for --locnet_lr as the modules in front of
-- nn.AffineTransformMatrixGenerator. kind (added by stn; nil: affine, bilinear, the
-- original's wiring) = {transform = 'affine'|'projective'|'tps', sampler = 'bilinear'|
-- 'nearest'|'bicubic', tps_points = n}: any other choice builds the same localization
-- network inside an nn.SpatialTransformer (the BCHW modules) with that transform and
-- sampler mode.
-- The restriction's flags as nn.SpatialTransformer's transform option.
local function affine_kinds(rot, sca, tra)
  local kinds = {}
  if rot then kinds[#kinds + 1] = 'rotation' end
  if sca then kinds[#kinds + 1] = 'scale' end
  if tra then kinds[#kinds + 1] = 'translation' end
  return #kinds > 0 and kinds or 'affine'
end

function networks.new_spatial_tranformer(locnet, rot, sca, tra, input_size, input_channels, kind)
  input_size = input_size or networks.base_input_size
  input_channels = input_channels or networks.input_channels
  local transform, sampler = kind and kind.transform or 'affine', kind and kind.sampler or 'bilinear'
  if transform ~= 'affine' and (rot or sca or tra) then
    error(('networks: --rot, --sca and --tra restrict the affine transform, not --transform %s'):format(transform), 2)
  end
  local sizes = parse_list(locnet)
  if #sizes ~= 3 then
    error(('networks: a localization network takes 3 comma-separated sizes, got %q'):format(locnet), 2)
  end
  local init_bias = {}
  if rot then init_bias[#init_bias + 1] = 0 end
  if sca then init_bias[#init_bias + 1] = 1 end
  if tra then init_bias[#init_bias + 1] = 0; init_bias[#init_bias + 1] = 0 end
  if #init_bias == 0 then init_bias = { 1, 0, 0, 0, 1, 0 } end

  local conv1 = networks.new_conv(input_channels, sizes[1], false, true)
  local conv2 = networks.new_conv(sizes[1], sizes[2], false, true)
  local conv_output_size = networks.convs_noutput({ conv1, conv2 }, math.floor(input_size / 2), input_channels)
  local fc = networks.new_fc(conv_output_size, sizes[3])
  local classifier = networks.new_classifier(sizes[3], #init_bias)
  classifier:get(2).weight:zero()
  classifier:get(2).bias:copy(stn.Tensor(init_bias))

  local localization_network = nn.Sequential()
  localization_network:add(networks.modules.poolingModule(2, 2, 2, 2))
  localization_network:add(conv1):add(conv2):add(fc)
  if transform ~= 'affine' or sampler ~= 'bilinear' then
    local st = nn.SpatialTransformer {
      locnet = localization_network, features = sizes[3], height = input_size, width = input_size,
      transform = transform ~= 'affine' and transform or affine_kinds(rot, sca, tra),
      controlPoints = transform == 'tps' and (kind.tps_points or 4) or nil,
      sampler = { mode = sampler },
    }
    return st
  end
  localization_network:add(classifier)

  local images = nn.Sequential():add(nn.Transpose({ 3, 4 }, { 2, 4 })) -- BCHW -> BHWC
  local grid = nn.Sequential()
  grid:add(localization_network)
  grid:add(nn.AffineTransformMatrixGenerator(rot, sca, tra))
  grid:add(nn.AffineGridGeneratorBHWD(input_size, input_size))
  local st = nn.Sequential()
  st:add(nn.ConcatTable():add(images):add(grid))
  st:add(nn.BilinearSamplerBHWD())
  st:add(nn.Transpose({ 2, 4 }, { 3, 4 })) -- BHWC -> BCHW
  st.isSpatialTransformer = true -- found by viz.lua, for the pictures
  return st
end

-- The transformers' transform and sampler mode from main.lua's --transform, --sampler and
-- --tps_points (nil fields, as the original's options have: affine and bilinear).
function networks.kind(opt)
  return { transform = opt.transform, sampler = opt.sampler, tps_points = opt.tps_points }
end

-- The main factory: opt.net names a file returning {get_network = f(opt)}, else opt.cnn
-- gives the basic network's three sizes.
function networks.new(opt)
  if opt.net and opt.net ~= '' then
    local user_module = dofile(opt.net)
    return user_module.get_network(opt)
  end
  local sizes = parse_list(opt.cnn or '')
  if #sizes ~= 3 then error('networks: --cnn takes 3 comma-separated values, got ' .. #sizes, 2) end
  local network = nn.Sequential()
  local conv1 = networks.new_conv(networks.input_channels, sizes[1], false, opt.no_cnorm)
  local conv2 = networks.new_conv(sizes[1], sizes[2], opt.ms, opt.no_cnorm)
  local conv_output_size = networks.convs_noutput({ conv1, conv2 })
  local fc = networks.new_fc(conv_output_size, sizes[3])
  local classifier = networks.new_classifier(sizes[3], networks.nbr_classes)
  if opt.st and opt.locnet and opt.locnet ~= '' then
    network:add(networks.new_spatial_tranformer(opt.locnet, opt.rot, opt.sca, opt.tra, nil, nil, networks.kind(opt)))
  end
  network:add(conv1)
  if opt.locnet2 and opt.locnet2 ~= '' then
    local _, current_size = networks.convs_noutput({ conv1 })
    network:add(networks.new_spatial_tranformer(opt.locnet2, opt.rot, opt.sca, opt.tra, current_size, sizes[1],
      networks.kind(opt)))
  end
  network:add(conv2):add(fc):add(classifier)
  return network
end

return networks
