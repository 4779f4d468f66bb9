-- nn.SpatialReflectionPadding(pad_l, [pad_r], [pad_t], [pad_b]): pads the W and H dims of
-- C x H x W or B x C x H x W images with mirror images about the border pixels, the border not repeated (each pad smaller than its side), as Torch7's; a negative pad crops.
-- Built on index / indexAdd through border maps (stn/nn/padding.lua).
local stn = require 'stn.base'
local class = require 'stn.class'
local utils = require 'stn.nn.utils'
local padding = require 'stn.nn.padding'

local SpatialReflectionPadding, parent = class.new('nn.SpatialReflectionPadding', 'nn.Module')

function SpatialReflectionPadding:__init(pad_l, pad_r, pad_t, pad_b)
  parent.__init(self)
  padding.init(self, pad_l, pad_r, pad_t, pad_b)
end

function SpatialReflectionPadding:updateOutput(input)
  return padding.forward(self, input, true)
end

function SpatialReflectionPadding:updateGradInput(input, gradOutput)
  return padding.backward(self, input, gradOutput, true)
end

function SpatialReflectionPadding:clearState()
  utils.clear(self, '_columns')
  return parent.clearState(self)
end

SpatialReflectionPadding.checkLoaded = padding.checkLoaded

function SpatialReflectionPadding:__tostring()
  return stn.type(self) .. padding.tostring(self)
end

return SpatialReflectionPadding
