-- nn.SpatialMaxPooling(kW, kH, [dW = kW], [dH = kH], [padW = 0], [padH = 0]): the
-- maximum of each kH x kW window of C x H x W or B x C x H x W images, as Torch7's,
-- with :ceil() / :floor() output sizes. self.indices keeps each window's argmax (a
-- 1-based offset within its plane) for the backward pass. C: csrc/nn/max_pool2d.c.
local stn = require 'stn.base'
local class = require 'stn.class'
local utils = require 'stn.nn.utils'
local checks = require 'stn.nn.checks'
local C, ctx = checks.C, checks.ctx

local SpatialMaxPooling, parent = class.new('nn.SpatialMaxPooling', 'nn.Module')

function SpatialMaxPooling:__init(kW, kH, dW, dH, padW, padH)
  parent.__init(self)
  self.kW, self.kH = kW, kH
  self.dW, self.dH = dW or kW, dH or kH
  self.padW, self.padH = padW or 0, padH or 0
  checks.window(self, kW, kH, self.dW, self.dH, self.padW, self.padH)
  self.ceil_mode = false
  self.indices = stn.Tensor()
end

-- stn.load's check (checks.lua): the window the C kernels take as ints.
SpatialMaxPooling.checkLoaded = checks.loaded_window

function SpatialMaxPooling:ceil() self.ceil_mode = true; return self end
function SpatialMaxPooling:floor() self.ceil_mode = false; return self end

-- The C calls' plan, filled at each call from the module's fields (which may change
-- after construction; a loaded module has only them); C does not keep it.
local plan = require('ffi').new('stn_pool2d_plan')
local function plan_of(self)
  plan.kW, plan.kH, plan.dW, plan.dH, plan.padW, plan.padH = self.kW, self.kH, self.dW, self.dH, self.padW, self.padH
  plan.ceil_mode = self.ceil_mode and 1 or 0
  return plan
end

function SpatialMaxPooling:updateOutput(input)
  checks.images(self, input)
  checks.call(self, C.stn_max_pool2d_forward(ctx, plan_of(self), input, self.output, self.indices))
  return self.output
end

function SpatialMaxPooling:updateGradInput(input, gradOutput)
  checks.images(self, input)
  checks.tensor(self, gradOutput, 'gradOutput')
  checks.call(self, C.stn_max_pool2d_backward(ctx, plan_of(self), input, gradOutput, self.gradInput,
    self.indices))
  return self.gradInput
end

function SpatialMaxPooling:clearState()
  utils.clear(self, 'indices')
  return parent.clearState(self)
end

SpatialMaxPooling.__tostring = utils.pooling_string

-- Torch7's older name for clearState.
function SpatialMaxPooling:empty() self:clearState() end

return SpatialMaxPooling
