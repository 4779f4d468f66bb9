-- cudnn, as stn.torch7 gives it to `require 'cudnn'`: the cudnn module names that stn's
-- own modules implement (stn uses its own CUDA kernels, not NVIDIA's library), so a
-- script building cudnn.SpatialConvolution(...) gets nn.SpatialConvolution(...) (with
-- cudnn's padding default); its
-- flags (benchmark, fastest, verbose) are kept; cudnn.convert(net, nn) returns net. A
-- cudnn module stn does not have raises "stn: cudnn.<Name>: not supported yet".
local nn = require 'stn.nn'
local errors = require 'stn.errors'

local cudnn = { benchmark = false, fastest = false, verbose = false }

local SAME = {}
for name in ([[SpatialMaxPooling SpatialAveragePooling ReLU Tanh Sigmoid SoftMax LogSoftMax
  SpatialBatchNormalization BatchNormalization SpatialFullConvolution]]):gmatch('%S+') do SAME[name] = true end

-- cudnn.SpatialConvolution(nIn, nOut, kW, kH, [dW], [dH], [padW], [padH], [groups]) differs
-- from nn's in two ways: padH defaults to 0 (nn's to padW), and a 9th argument splits the
-- planes into groups, which stn's convolution does not do (refused unless 1).
local WRAPPED = {
  SpatialConvolution = function(nIn, nOut, kW, kH, dW, dH, padW, padH, groups)
    if groups ~= nil and groups ~= 1 then
      errors.fail('cudnn.SpatialConvolution', 'groups %s is not supported (stn\'s convolution has one group)',
        tostring(groups))
    end
    return nn.SpatialConvolution(nIn, nOut, kW, kH, dW, dH, padW or 0, padH or 0)
  end,
}

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
    if WRAPPED[k] then return WRAPPED[k] end
    if type(k) == 'string' and k:match('^%u') then
      return function() errors.fail('cudnn.' .. k, 'not supported yet') end
    end
    return nil
  end,
})
