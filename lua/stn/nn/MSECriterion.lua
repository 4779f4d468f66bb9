-- nn.MSECriterion([sizeAverage = true]): loss = sum (x - t)^2 over all elements,
-- divided by their number when size averaging; gradient 2 (x - t) (/ n). C:
-- csrc/nn/mse.c (the sum runs in one fixed order, so it repeats exactly).
local stn = require 'stn.base'
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local double_at = require('stn.Tensor')._private.double_at
local ffi = require 'ffi'
local C, ctx = checks.C, checks.ctx
local loss = ffi.new('double[1]')

local MSECriterion, parent = class.new('nn.MSECriterion', 'nn.Criterion')

function MSECriterion:__init(sizeAverage)
  parent.__init(self)
  self.sizeAverage = sizeAverage == nil and true or sizeAverage
  self.output_tensor = stn.Tensor() -- the loss on the input's device
end

local function check(self, input, target)
  checks.tensor(self, input)
  checks.tensor(self, target, 'target')
  if input:nElement() ~= target:nElement() then
    checks.fail(self, ('input %s and target %s differ in size'):format(checks.shape(input), checks.shape(target)))
  end
end

function MSECriterion:updateOutput(input, target)
  check(self, input, target)
  checks.call(self, C.stn_mse_forward(ctx, input, target, self.output_tensor, self.sizeAverage and 1 or 0, loss))
  self.output = double_at(loss, 0) -- (a NaN read as Lua's own: Tensor.lua, double_at)
  return self.output
end

function MSECriterion:updateGradInput(input, target)
  check(self, input, target)
  checks.call(self, C.stn_mse_backward(ctx, input, target, self.gradInput, self.sizeAverage and 1 or 0))
  return self.gradInput
end

return MSECriterion
