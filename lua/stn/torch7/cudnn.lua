-- cudnn, as stn.torch7 gives it to `require 'cudnn'`: the cudnn module names that stn's
-- own modules implement (stn uses its own CUDA kernels, not NVIDIA's library), so a
-- script building cudnn.SpatialConvolution(...) gets nn.SpatialConvolution(...); its
-- flags (benchmark, fastest, verbose) are kept; cudnn.convert(net, nn) returns net. A
-- cudnn module stn does not have raises "stn: cudnn.<Name>: not supported yet".
local nn = require 'stn.nn'
local errors = require 'stn.errors'

local cudnn = { benchmark = false, fastest = false, verbose = false }

local SAME = {}
for name in ([[SpatialConvolution SpatialMaxPooling SpatialAveragePooling ReLU Tanh Sigmoid SoftMax
  LogSoftMax SpatialBatchNormalization BatchNormalization]]):gmatch('%S+') do SAME[name] = true end

-- cudnn.convert(net, nn [, exclude]): stn's modules are the only ones, so net as it is;
-- converting to cudnn likewise.
function cudnn.convert(net, target)
  if target ~= nn and target ~= cudnn then
    errors.fail('cudnn.convert', 'expected nn or cudnn as the target, got %s', type(target))
  end
  return net
end

return setmetatable(cudnn, {
  __index = function(_, k)
    if SAME[k] then return nn[k] end
    if type(k) == 'string' and k:match('^%u') then
      return function() errors.fail('cudnn.' .. k, 'not supported yet') end
    end
    return nil
  end,
})
