-- nn.SpatialConvolution(nInputPlane, nOutputPlane, kW, kH, [dW], [dH], [padW], [padH]):
-- 2-D convolution (cross-correlation) of C x H x W or B x C x H x W images, as
-- Torch7's: weight nOutputPlane x nInputPlane x kH x kW, bias nOutputPlane. The work
-- is im2col + GEMM in C (csrc/nn/conv2d.c) and CUDA (cuda/nn/conv2d.cu).
local stn = require 'stn.base'
local class = require 'stn.class'
local utils = require 'stn.nn.utils'
local checks = require 'stn.nn.checks'
local C, ctx = checks.C, checks.ctx

local SpatialConvolution, parent = class.new('nn.SpatialConvolution', 'nn.Module')

function SpatialConvolution:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
  parent.__init(self)
  self.nInputPlane, self.nOutputPlane = nInputPlane, nOutputPlane
  self.kW, self.kH = kW, kH
  self.dW, self.dH = dW or 1, dH or 1
  self.padW = padW or 0
  self.padH = padH or self.padW
  for _, a in ipairs { { 'nInputPlane', 1 }, { 'nOutputPlane', 1 }, { 'kW', 1 }, { 'kH', 1 }, { 'dW', 1 }, { 'dH', 1 },
    { 'padW', 0 }, { 'padH', 0 } } do
    checks.c_int(self, a[1], self[a[1]], a[2])
  end
  self.weight = stn.Tensor(nOutputPlane, nInputPlane, kH, kW)
  self.bias = stn.Tensor(nOutputPlane)
  self.gradWeight = stn.Tensor(nOutputPlane, nInputPlane, kH, kW):zero()
  self.gradBias = stn.Tensor(nOutputPlane):zero()
  self.finput = stn.Tensor() -- columns and per-thread sums, kept between calls
  self:reset()
end

-- Uniform in +-stdv * sqrt(3) when stdv is given, else +-1/sqrt(kW * kH * nInputPlane).
function SpatialConvolution:reset(stdv)
  if stdv then stdv = stdv * math.sqrt(3)
  else stdv = 1 / math.sqrt(self.kW * self.kH * self.nInputPlane) end
  checks.uniform(self.weight, stdv)
  if self.bias then checks.uniform(self.bias, stdv) end
  return self
end

function SpatialConvolution:noBias()
  self.bias, self.gradBias = nil, nil
  return self
end

-- The C calls' plan and gradients, filled at each call from the module's fields (which
-- may change after construction; a loaded module has only them); C keeps neither.
local plan, grads = require('ffi').new('stn_conv2d_plan'), require('ffi').new('stn_conv2d_grads')
local function plan_of(self)
  plan.kW, plan.kH, plan.dW, plan.dH, plan.padW, plan.padH = self.kW, self.kH, self.dW, self.dH, self.padW, self.padH
  plan.dilW, plan.dilH = self:_dilation()
  return plan
end

-- The spacing of the kernel's taps: none here (nn.SpatialDilatedConvolution has its own).
function SpatialConvolution:_dilation() return 1, 1 end

function SpatialConvolution:updateOutput(input)
  checks.images(self, input, self.nInputPlane)
  checks.call(self, C.stn_conv2d_forward(ctx, plan_of(self), input, self.output, self.weight, self.bias, self.finput))
  return self.output
end

-- One C call for any of the three gradients (nil ones are skipped).
local function backward(self, input, gradOutput, gradInput, gradWeight, gradBias, scale)
  checks.images(self, input, self.nInputPlane)
  checks.tensor(self, gradOutput, 'gradOutput')
  grads.input, grads.weight, grads.bias, grads.scale = gradInput, gradWeight, gradBias, scale or 1
  local status = C.stn_conv2d_backward(ctx, plan_of(self), input, gradOutput, self.weight, grads, self.finput)
  grads.input, grads.weight, grads.bias = nil, nil, nil -- no pointers kept past the call
  checks.call(self, status)
end

-- (self.gradInput = nil skips the input gradient, as in Torch7, e.g. for a first layer.)
function SpatialConvolution:updateGradInput(input, gradOutput)
  if self.gradInput then backward(self, input, gradOutput, self.gradInput, nil, nil, 1) end
  return self.gradInput
end

function SpatialConvolution:accGradParameters(input, gradOutput, scale)
  backward(self, input, gradOutput, nil, self.gradWeight, self.gradBias, scale)
end

-- Both passes in one call: the columns are built once per image for both products.
function SpatialConvolution:backward(input, gradOutput, scale)
  backward(self, input, gradOutput, self.gradInput, self.gradWeight, self.gradBias, scale)
  return self.gradInput
end

function SpatialConvolution:clearState()
  utils.clear(self, 'finput')
  return parent.clearState(self)
end

-- stn.load's check (checks.lua): the configuration, then weight nOutputPlane x
-- nInputPlane x kH x kW and bias nOutputPlane (and their gradients, when present).
function SpatialConvolution:checkLoaded()
  local nin, nout = checks.loaded_int(self, 'nInputPlane'), checks.loaded_int(self, 'nOutputPlane')
  local kW, kH = checks.loaded_int(self, 'kW'), checks.loaded_int(self, 'kH')
  checks.loaded_int(self, 'dW'); checks.loaded_int(self, 'dH')
  checks.loaded_int(self, 'padW', 0); checks.loaded_int(self, 'padH', 0)
  checks.loaded_tensor(self, 'weight', { nout, nin, kH, kW })
  checks.loaded_tensor(self, 'bias', { nout }, true)
  checks.loaded_tensor(self, 'gradWeight', { nout, nin, kH, kW }, true)
  checks.loaded_tensor(self, 'gradBias', { nout }, true)
end

function SpatialConvolution:__tostring()
  local s = ('%s(%d -> %d, %dx%d'):format(stn.type(self), self.nInputPlane, self.nOutputPlane, self.kW, self.kH)
  if self.dW ~= 1 or self.dH ~= 1 or self.padW ~= 0 or self.padH ~= 0 then s = s .. (', %d,%d'):format(self.dW, self.dH) end
  if self.padW ~= 0 or self.padH ~= 0 then s = s .. (', %d,%d'):format(self.padW, self.padH) end
  return self.bias and s .. ')' or s .. ') without bias'
end

return SpatialConvolution
