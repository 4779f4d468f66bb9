-- nn.SpatialContrastiveNormalization([nInputPlane = 1], [kernel = 9x9 ones], [threshold =
-- 1e-4], [thresval = threshold]): Torch7's nn.SpatialSubtractiveNormalization followed
-- by nn.SpatialDivisiveNormalization with the same kernel, in self.normalizer.
local stn = require 'stn.base'
local class = require 'stn.class'
local nn = require 'stn.nn'
local checks = require 'stn.nn.checks'

local SpatialContrastiveNormalization, parent = class.new('nn.SpatialContrastiveNormalization', 'nn.Module')

function SpatialContrastiveNormalization:__init(nInputPlane, kernel, threshold, thresval)
  parent.__init(self)
  self.nInputPlane = nInputPlane or 1
  self.kernel = kernel or stn.Tensor(9, 9):fill(1)
  nn.SpatialSubtractiveNormalization.check_kernel(self, self.kernel)
  self.threshold = threshold or 1e-4
  self.thresval = thresval or threshold or 1e-4
  self.normalizer = nn.Sequential()
  self.normalizer:add(nn.SpatialSubtractiveNormalization(self.nInputPlane, self.kernel))
  self.normalizer:add(nn.SpatialDivisiveNormalization(self.nInputPlane, self.kernel, self.threshold, self.thresval))
end

SpatialContrastiveNormalization.checkLoaded = nn.SpatialSubtractiveNormalization.checkLoaded

function SpatialContrastiveNormalization:updateOutput(input)
  checks.images(self, input, self.nInputPlane)
  self.output = self.normalizer:forward(input)
  return self.output
end

function SpatialContrastiveNormalization:updateGradInput(input, gradOutput)
  checks.images(self, input, self.nInputPlane)
  checks.same_shape(self, gradOutput, input, 'gradOutput', 'the input')
  self.gradInput = self.normalizer:backward(input, gradOutput)
  return self.gradInput
end

function SpatialContrastiveNormalization:clearState()
  self.normalizer:clearState()
  return parent.clearState(self)
end

return SpatialContrastiveNormalization
