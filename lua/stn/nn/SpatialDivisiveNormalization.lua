-- nn.SpatialDivisiveNormalization([nInputPlane = 1], [kernel = 9x9 ones], [threshold =
-- 1e-4], [thresval = threshold]): divides every plane by the local standard deviation
-- over all planes (kernel-weighted root mean square, Torch7's border coefficient),
-- replaced by thresval where it is not above threshold. C: csrc/nn/local_norm.c.
local stn = require 'stn.base'
local class = require 'stn.class'
local utils = require 'stn.nn.utils'
local checks = require 'stn.nn.checks'
local Subtractive = require 'stn.nn.SpatialSubtractiveNormalization'
local C, ctx = checks.C, checks.ctx

local SpatialDivisiveNormalization, parent = class.new('nn.SpatialDivisiveNormalization', 'nn.Module')

function SpatialDivisiveNormalization:__init(nInputPlane, kernel, threshold, thresval)
  parent.__init(self)
  self.nInputPlane = nInputPlane or 1
  self.kernel = kernel or stn.Tensor(9, 9):fill(1)
  Subtractive.check_kernel(self, self.kernel)
  self.threshold = threshold or 1e-4
  self.thresval = thresval or threshold or 1e-4
  self.work = stn.Tensor()
end

SpatialDivisiveNormalization.checkLoaded = Subtractive.checkLoaded

-- The C calls' plan, filled at each call from the module's fields; C does not keep it.
local plan = require('ffi').new('stn_localnorm_plan', 1)
local function plan_of(self)
  plan.threshold, plan.thresval = self.threshold, self.thresval
  return plan
end

function SpatialDivisiveNormalization:updateOutput(input)
  checks.images(self, input, self.nInputPlane)
  checks.call(self, C.stn_localnorm_forward(ctx, plan_of(self), input, self.output, self.kernel, self.work))
  return self.output
end

function SpatialDivisiveNormalization:updateGradInput(input, gradOutput)
  checks.images(self, input, self.nInputPlane)
  checks.same_shape(self, gradOutput, input, 'gradOutput', 'the input')
  checks.call(self, C.stn_localnorm_backward(ctx, plan_of(self), input, gradOutput, self.gradInput, self.kernel,
    self.work))
  return self.gradInput
end

function SpatialDivisiveNormalization:clearState()
  utils.clear(self, 'work')
  return parent.clearState(self)
end

return SpatialDivisiveNormalization
