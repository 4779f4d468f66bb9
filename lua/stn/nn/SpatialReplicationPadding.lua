-- nn.SpatialReplicationPadding(pad_l, [pad_r], [pad_t], [pad_b]): pads the W and H dims of
-- C x H x W or B x C x H x W images with copies of the nearest border pixel (a pad of any size), as Torch7's; a negative pad crops.
-- Built on index / indexAdd through border maps (stn/nn/padding.lua).
local stn = require 'stn.base'
local class = require 'stn.class'
local utils = require 'stn.nn.utils'
local padding = require 'stn.nn.padding'

local SpatialReplicationPadding, parent = class.new('nn.SpatialReplicationPadding', 'nn.Module')

function SpatialReplicationPadding:__init(pad_l, pad_r, pad_t, pad_b)
  parent.__init(self)
  padding.init(self, pad_l, pad_r, pad_t, pad_b)
end

function SpatialReplicationPadding:updateOutput(input)
  return padding.forward(self, input, false)
end

function SpatialReplicationPadding:updateGradInput(input, gradOutput)
  return padding.backward(self, input, gradOutput, false)
end

function SpatialReplicationPadding:clearState()
  utils.clear(self, '_columns')
  return parent.clearState(self)
end

SpatialReplicationPadding.checkLoaded = padding.checkLoaded

function SpatialReplicationPadding:__tostring()
  return stn.type(self) .. padding.tostring(self)
end

return SpatialReplicationPadding
