-- nn.SpatialSubtractiveNormalization([nInputPlane = 1], [kernel = 9x9 ones]): subtracts
-- from every plane the local mean over all planes, weighted by kernel (2-D, or 1-D
-- applied as k k^T; odd sizes) and, at the borders, renormalized by the part of the
-- kernel inside the image, as Torch7's. One C kernel per pass (csrc/nn/local_norm.c).
local stn = require 'stn.base'
local class = require 'stn.class'
local utils = require 'stn.nn.utils'
local checks = require 'stn.nn.checks'
local C, ctx = checks.C, checks.ctx

local SpatialSubtractiveNormalization, parent = class.new('nn.SpatialSubtractiveNormalization', 'nn.Module')

-- Shared with the divisive and contrastive modules: Torch7's argument checks.
function SpatialSubtractiveNormalization.check_kernel(self, kernel)
  if not stn.isTensor(kernel) or (kernel:dim() ~= 1 and kernel:dim() ~= 2) then
    checks.fail(self, 'averaging kernel must be 2D or 1D')
  end
  if kernel:size(1) % 2 == 0 or (kernel:dim() == 2 and kernel:size(2) % 2 == 0) then
    checks.fail(self, 'averaging kernel must have ODD dimensions, got ' .. checks.shape(kernel))
  end
end

-- stn.load's check (checks.lua), shared with the divisive and contrastive modules:
-- nInputPlane, and a 1-D or 2-D kernel of odd sizes.
function SpatialSubtractiveNormalization.checkLoaded(self)
  checks.loaded_int(self, 'nInputPlane')
  local k = self.kernel
  if not stn.isTensor(k) or (k:dim() ~= 1 and k:dim() ~= 2) or k:size(1) % 2 == 0 or (k:dim() == 2 and k:size(2) % 2 == 0) then
    checks.loaded_refuse('kernel', 'expected a 1-D or 2-D tensor of odd sizes, found %s',
      stn.isTensor(k) and checks.shape(k) or stn.type(k))
  end
end

function SpatialSubtractiveNormalization:__init(nInputPlane, kernel)
  parent.__init(self)
  self.nInputPlane = nInputPlane or 1
  self.kernel = kernel or stn.Tensor(9, 9):fill(1)
  SpatialSubtractiveNormalization.check_kernel(self, self.kernel)
  self.work = stn.Tensor()
end

local plan = require('ffi').new('stn_localnorm_plan', 0, 0, 0) -- subtractive: no settings

function SpatialSubtractiveNormalization:updateOutput(input)
  checks.images(self, input, self.nInputPlane)
  checks.call(self, C.stn_localnorm_forward(ctx, plan, input, self.output, self.kernel, self.work))
  return self.output
end

function SpatialSubtractiveNormalization:updateGradInput(input, gradOutput)
  checks.images(self, input, self.nInputPlane)
  checks.same_shape(self, gradOutput, input, 'gradOutput', 'the input')
  checks.call(self, C.stn_localnorm_backward(ctx, plan, input, gradOutput, self.gradInput, self.kernel, self.work))
  return self.gradInput
end

function SpatialSubtractiveNormalization:clearState()
  utils.clear(self, 'work')
  return parent.clearState(self)
end

return SpatialSubtractiveNormalization
