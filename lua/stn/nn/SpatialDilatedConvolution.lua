-- nn.SpatialDilatedConvolution(nInputPlane, nOutputPlane, kW, kH, [dW], [dH], [padW], [padH],
-- [dilationW], [dilationH]): an "atrous" convolution as Torch7's: a SpatialConvolution whose
-- kernel taps lie dilationW, dilationH pixels apart, so a kW x kH kernel covers
-- dilationW (kW - 1) + 1 by dilationH (kH - 1) + 1 input pixels; output
-- oW = floor((W + 2 padW - dilationW (kW - 1) - 1) / dW) + 1 (and oH likewise). The same
-- weights, reset and passes as nn.SpatialConvolution (im2col + GEMM in csrc/nn/conv2d.c
-- and cuda/nn/conv2d.cu, which read the dilation from the plan).
local stn = require 'stn.base'
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local parent = require 'stn.nn.SpatialConvolution'

local SpatialDilatedConvolution = class.new('nn.SpatialDilatedConvolution', 'nn.SpatialConvolution')

function SpatialDilatedConvolution:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH, dilationW, dilationH)
  -- checked before the parent allocates the weights
  checks.c_int(self, 'dilationW', dilationW or 1, 1)
  checks.c_int(self, 'dilationH', dilationH or 1, 1)
  parent.__init(self, nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
  self.dilationW = dilationW or 1
  self.dilationH = dilationH or 1
end

-- The fields as they are at each call (they may be changed after construction).
function SpatialDilatedConvolution:_dilation()
  for _, f in ipairs { 'dilationW', 'dilationH' } do checks.c_int(self, f, self[f], 1) end
  return self.dilationW, self.dilationH
end

function SpatialDilatedConvolution:checkLoaded()
  parent.checkLoaded(self)
  checks.loaded_int(self, 'dilationW'); checks.loaded_int(self, 'dilationH')
end

-- Torch7's form: the stride when anything differs from the defaults, the padding when
-- it is not 0, and the dilation always.
function SpatialDilatedConvolution:__tostring()
  local s = ('%s(%d -> %d, %dx%d'):format(stn.type(self), self.nInputPlane, self.nOutputPlane, self.kW, self.kH)
  if self.dW ~= 1 or self.dH ~= 1 or self.padW ~= 0 or self.padH ~= 0 then s = s .. (', %d,%d'):format(self.dW, self.dH) end
  if self.padW ~= 0 or self.padH ~= 0 then s = s .. (', %d,%d'):format(self.padW, self.padH) end
  s = s .. (', %d,%d'):format(self.dilationW, self.dilationH)
  return self.bias and s .. ')' or s .. ') without bias'
end

return SpatialDilatedConvolution
