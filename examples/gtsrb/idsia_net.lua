-- idsia_net.lua: the IDSIA layout of gtsrb.torch (three conv blocks of 7x7, 4x4, 4x4
-- filters, one fully connected layer, a classifier), with spatial transformers at the
-- same three places: on the input (--locnet), after conv1 (--locnet2) and after conv2
-- (--locnet3). Used with `--net idsia_net.lua --cnn c1,c2,c3,fc`.
local networks = require 'networks' -- shared with main.lua, which sets sizes and classes
local nn = require('stn').nn

local idsia_net = {}

function idsia_net.get_network(opt)
  local sizes = networks.parse_list(opt.cnn)
  if #sizes ~= 4 then
    error('idsia_net: --cnn takes 4 comma-separated values with the idsia network, got ' .. #sizes, 2)
  end
  local conv1 = networks.new_conv(networks.input_channels, sizes[1], false, opt.no_cnorm, 7)
  local conv2 = networks.new_conv(sizes[1], sizes[2], false, opt.no_cnorm, 4)
  local conv3 = networks.new_conv(sizes[2], sizes[3], false, opt.no_cnorm, 4)
  local conv_output_size = networks.convs_noutput({ conv1, conv2, conv3 })
  local fc = networks.new_fc(conv_output_size, sizes[4])
  local classifier = networks.new_classifier(sizes[4], networks.nbr_classes)

  local network = nn.Sequential()
  if opt.st and opt.locnet and opt.locnet ~= '' then
    network:add(networks.new_spatial_tranformer(opt.locnet, opt.rot, opt.sca, opt.tra, nil, nil, networks.kind(opt)))
  end
  network:add(conv1)
  if opt.locnet2 and opt.locnet2 ~= '' then
    local _, size = networks.convs_noutput({ conv1 })
    network:add(networks.new_spatial_tranformer(opt.locnet2, opt.rot, opt.sca, opt.tra, size, sizes[1], networks.kind(opt)))
  end
  network:add(conv2)
  if opt.locnet3 and opt.locnet3 ~= '' then
    local _, size = networks.convs_noutput({ conv1, conv2 })
    network:add(networks.new_spatial_tranformer(opt.locnet3, opt.rot, opt.sca, opt.tra, size, sizes[2], networks.kind(opt)))
  end
  network:add(conv3):add(fc):add(classifier)
  return network
end

return idsia_net
