-- nn.Dropout([p = 0.5], [v1 = false], [inplace = false], [stochasticInference = false]):
-- Torch7's dropout. In training each element is kept with probability 1 - p and, by
-- default, scaled by 1 / (1 - p) (v1 = true: not scaled, but evaluation multiplies by
-- 1 - p instead). The mask comes from stn's Philox generator (stn.manualSeed), so CPU
-- and CUDA draw the same mask. Every step is one C call (bernoulli, div, cmul).
local stn = require 'stn.base'
local class = require 'stn.class'
local utils = require 'stn.nn.utils'
local checks = require 'stn.nn.checks'

local Dropout, parent = class.new('nn.Dropout', 'nn.Module')

function Dropout:__init(p, v1, inplace, stochasticInference)
  parent.__init(self)
  self.p = p or 0.5
  if type(self.p) ~= 'number' or self.p >= 1 or self.p < 0 then
    checks.fail(self, ('illegal percentage %s, must be 0 <= p < 1'):format(tostring(self.p)))
  end
  self.train = true
  self.v2 = not v1
  self.inplace = inplace
  self.stochastic_inference = stochasticInference or false
  self.noise = stn.Tensor()
end

function Dropout:updateOutput(input)
  checks.tensor(self, input)
  if self.inplace then self.output:set(input) else self.output:resizeAs(input):copy(input) end
  if self.p > 0 then
    if self.train or self.stochastic_inference then
      if self.noise.device ~= input.device or self.noise.dtype ~= input.dtype then self.noise = input.new() end
      self.noise:resizeAs(input):bernoulli(1 - self.p)
      if self.v2 then self.noise:div(1 - self.p) end
      self.output:cmul(self.noise)
    elseif not self.v2 then
      self.output:mul(1 - self.p)
    end
  end
  return self.output
end

function Dropout:updateGradInput(input, gradOutput)
  checks.same_shape(self, gradOutput, self.output)
  if self.inplace then self.gradInput:set(gradOutput) else self.gradInput:resizeAs(gradOutput):copy(gradOutput) end
  if self.train then
    if self.p > 0 then self.gradInput:cmul(self.noise) end
  elseif not self.v2 and self.p > 0 then
    self.gradInput:mul(1 - self.p)
  end
  return self.gradInput
end

function Dropout:setp(p) self.p = p; return self end

function Dropout:clearState()
  utils.clear(self, 'noise')
  return parent.clearState(self)
end

function Dropout:__tostring() return ('%s(%f)'):format(stn.type(self), self.p) end

return Dropout
