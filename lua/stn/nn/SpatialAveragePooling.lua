-- nn.SpatialAveragePooling(kW, kH, [dW = 1], [dH = 1], [padW = 0], [padH = 0]): the
-- mean of each kH x kW window, as Torch7's: :ceil() / :floor() output sizes, and
-- :setCountIncludePad() (the default: divide by the window's area within the padded
-- image) or :setCountExcludePad() (divide by its pixels inside the image).
local class = require 'stn.class'
local utils = require 'stn.nn.utils'
local checks = require 'stn.nn.checks'
local C, ctx = checks.C, checks.ctx

local SpatialAveragePooling, parent = class.new('nn.SpatialAveragePooling', 'nn.Module')

function SpatialAveragePooling:__init(kW, kH, dW, dH, padW, padH)
  parent.__init(self)
  self.kW, self.kH = kW, kH
  self.dW, self.dH = dW or 1, dH or 1
  self.padW, self.padH = padW or 0, padH or 0
  checks.window(self, kW, kH, self.dW, self.dH, self.padW, self.padH)
  self.ceil_mode = false
  self.count_include_pad = true
  self.divide = true
end

-- stn.load's check (checks.lua): the window the C kernels take as ints.
SpatialAveragePooling.checkLoaded = checks.loaded_window

function SpatialAveragePooling:ceil() self.ceil_mode = true; return self end
function SpatialAveragePooling:floor() self.ceil_mode = false; return self end
function SpatialAveragePooling:setCountIncludePad() self.count_include_pad = true; return self end
function SpatialAveragePooling:setCountExcludePad() self.count_include_pad = false; return self end

-- The C calls' plan, filled at each call from the module's fields; C does not keep it.
local plan = require('ffi').new('stn_pool2d_plan')
local function settings(self)
  plan.kW, plan.kH, plan.dW, plan.dH, plan.padW, plan.padH = self.kW, self.kH, self.dW, self.dH, self.padW, self.padH
  plan.ceil_mode, plan.count_include_pad = self.ceil_mode and 1 or 0, self.count_include_pad and 1 or 0
  return plan
end

function SpatialAveragePooling:updateOutput(input)
  checks.images(self, input)
  checks.call(self, C.stn_avg_pool2d_forward(ctx, settings(self), input, self.output))
  if not self.divide then self.output:mul(self.kW * self.kH) end -- Torch7's old sum mode
  return self.output
end

function SpatialAveragePooling:updateGradInput(input, gradOutput)
  checks.images(self, input)
  checks.tensor(self, gradOutput, 'gradOutput')
  checks.call(self, C.stn_avg_pool2d_backward(ctx, settings(self), input, gradOutput, self.gradInput))
  if not self.divide then self.gradInput:mul(self.kW * self.kH) end
  return self.gradInput
end

SpatialAveragePooling.__tostring = utils.pooling_string

return SpatialAveragePooling
