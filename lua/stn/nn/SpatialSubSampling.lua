-- nn.SpatialSubSampling(nInputPlane, kW, kH, [dW = 1], [dH = 1]): per plane k of a
-- C x H x W or B x C x H x W image, output[k][i][j] = bias[k] + weight[k] * the sum of
-- the kH x kW window at row (i-1) dH + 1, column (j-1) dW + 1, as Torch7's: weight and
-- bias hold nInputPlane values; no padding (rows and columns past the last window are
-- not read). A kernel of its own in C (csrc/nn/subsampling.c) and CUDA
-- (cuda/nn/subsampling.cu).
local stn = require 'stn.base'
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local C, ctx = checks.C, checks.ctx

local SpatialSubSampling, parent = class.new('nn.SpatialSubSampling', 'nn.Module')

function SpatialSubSampling:__init(nInputPlane, kW, kH, dW, dH)
  parent.__init(self)
  self.nInputPlane, self.kW, self.kH = nInputPlane, kW, kH
  self.dW, self.dH = dW or 1, dH or 1
  for _, name in ipairs { 'nInputPlane', 'kW', 'kH', 'dW', 'dH' } do checks.c_int(self, name, self[name], 1) end
  self.weight = stn.Tensor(nInputPlane)
  self.bias = stn.Tensor(nInputPlane)
  self.gradWeight = stn.Tensor(nInputPlane):zero()
  self.gradBias = stn.Tensor(nInputPlane):zero()
  self:reset()
end

-- Uniform in +-stdv * sqrt(3) when stdv is given, else +-1/sqrt(kW * kH): the weight's
-- draws, then the bias's (Torch7's order).
function SpatialSubSampling:reset(stdv)
  if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.kW * self.kH) end
  checks.uniform(self.weight, stdv)
  checks.uniform(self.bias, stdv)
  return self
end

-- The C calls' plan and gradients, filled at each call from the module's fields (which
-- may change after construction; a loaded module has only them); C keeps neither.
local ffi = require 'ffi'
local plan, grads = ffi.new('stn_subsampling_plan'), ffi.new('stn_conv2d_grads')
local function plan_of(self)
  plan.kW, plan.kH, plan.dW, plan.dH = self.kW, self.kH, self.dW, self.dH
  return plan
end

function SpatialSubSampling:updateOutput(input)
  checks.images(self, input, self.nInputPlane)
  checks.call(self, C.stn_subsampling_forward(ctx, plan_of(self), input, self.output, self.weight, self.bias))
  return self.output
end

-- One C call for any of the three gradients (nil ones are skipped).
local function backward(self, input, gradOutput, gradInput, gradWeight, gradBias, scale)
  checks.images(self, input, self.nInputPlane)
  checks.tensor(self, gradOutput, 'gradOutput')
  grads.input, grads.weight, grads.bias, grads.scale = gradInput, gradWeight, gradBias, scale or 1
  local status = C.stn_subsampling_backward(ctx, plan_of(self), input, gradOutput, self.weight, grads)
  grads.input, grads.weight, grads.bias = nil, nil, nil -- no pointers kept past the call
  checks.call(self, status)
end

-- (self.gradInput = nil skips the input gradient, as in Torch7.)
function SpatialSubSampling:updateGradInput(input, gradOutput)
  if self.gradInput then backward(self, input, gradOutput, self.gradInput, nil, nil, 1) end
  return self.gradInput
end

function SpatialSubSampling:accGradParameters(input, gradOutput, scale)
  backward(self, input, gradOutput, nil, self.gradWeight, self.gradBias, scale)
end

-- stn.load's check (checks.lua): the configuration, then weight and bias of nInputPlane
-- values (and their gradients, when present).
function SpatialSubSampling:checkLoaded()
  local n = checks.loaded_int(self, 'nInputPlane')
  for _, name in ipairs { 'kW', 'kH', 'dW', 'dH' } do checks.loaded_int(self, name) end
  checks.loaded_tensor(self, 'weight', { n })
  checks.loaded_tensor(self, 'bias', { n })
  checks.loaded_tensor(self, 'gradWeight', { n }, true)
  checks.loaded_tensor(self, 'gradBias', { n }, true)
end

-- (Torch7 prints it as its class name, nn.Module's string: nothing to add here.)

return SpatialSubSampling
