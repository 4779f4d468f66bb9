-- nn.SpatialAveragePooling(kW, kH, [dW = 1], [dH = 1], [padW = 0], [padH = 0]): the
-- mean of each kH x kW window, as Torch7's: :ceil() / :floor() output sizes, and
-- :setCountIncludePad() (the default: divide by the window's area within the padded
-- image) or :setCountExcludePad() (divide by its pixels inside the image).
local stn = require 'stn'
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local C, ctx = checks.C, checks.ctx

local SpatialAveragePooling, parent = class.new('nn.SpatialAveragePooling', 'nn.Module')

function SpatialAveragePooling:__init(kW, kH, dW, dH, padW, padH)
  parent.__init(self)
  for name, v in pairs { kW = kW, kH = kH } do
    if type(v) ~= 'number' or v < 1 or v ~= math.floor(v) then
      checks.fail(self, ('%s must be a positive integer, got %s'):format(name, tostring(v)), 3)
    end
  end
  self.kW, self.kH = kW, kH
  self.dW, self.dH = dW or 1, dH or 1
  self.padW, self.padH = padW or 0, padH or 0
  if self.padW > math.floor(kW / 2) or self.padH > math.floor(kH / 2) or self.padW < 0 or self.padH < 0 then
    checks.fail(self, ('padding %d,%d must be between 0 and half the %dx%d window'):format(self.padW, self.padH, kW, kH), 3)
  end
  self.ceil_mode = false
  self.count_include_pad = true
  self.divide = true
end

function SpatialAveragePooling:ceil() self.ceil_mode = true; return self end
function SpatialAveragePooling:floor() self.ceil_mode = false; return self end
function SpatialAveragePooling:setCountIncludePad() self.count_include_pad = true; return self end
function SpatialAveragePooling:setCountExcludePad() self.count_include_pad = false; return self end

local function settings(self)
  return self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, self.ceil_mode and 1 or 0,
    self.count_include_pad and 1 or 0
end

function SpatialAveragePooling:updateOutput(input)
  checks.images(self, input)
  checks.call(self, C.stn_avg_pool2d_forward(ctx, input, self.output, settings(self)))
  if not self.divide then self.output:mul(self.kW * self.kH) end -- Torch7's old sum mode
  return self.output
end

function SpatialAveragePooling:updateGradInput(input, gradOutput)
  checks.images(self, input)
  checks.tensor(self, gradOutput, 'gradOutput')
  checks.call(self, C.stn_avg_pool2d_backward(ctx, input, gradOutput, self.gradInput, settings(self)))
  if not self.divide then self.gradInput:mul(self.kW * self.kH) end
  return self.gradInput
end

function SpatialAveragePooling:__tostring()
  local s = ('%s(%dx%d, %d,%d'):format(stn.type(self), self.kW, self.kH, self.dW, self.dH)
  if self.padW ~= 0 or self.padH ~= 0 then s = s .. (', %d,%d'):format(self.padW, self.padH) end
  return s .. ')'
end

return SpatialAveragePooling
