-- nn.SpatialBatchNormalization(nPlanes, [eps = 1e-5], [momentum = 0.1], [affine = true]):
-- nn.BatchNormalization over B x nPlanes x H x W batches, one feature per plane (its
-- statistics over the batch and every pixel), as Torch7's; C x H x W in evaluation mode.
require 'stn.nn.BatchNormalization'
local class = require 'stn.class'

local SBN = class.new('nn.SpatialBatchNormalization', 'nn.BatchNormalization')

SBN.__version = 2
SBN.nDim = 4

return SBN
