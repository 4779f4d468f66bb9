-- nn.LeakyReLU([negval = 1/100], [inplace = false]): y = x for x > 0, negval * x
-- otherwise, element-wise, as Torch7's. As there, a negative negval turns in-place off
-- (the backward pass reads the sign of the overwritten input), and a boolean first
-- argument leaves negval at 1/100 and in-place to the second argument (Torch7 drops the
-- first one's flag). Built on
-- stn's tensor ops (Float, Double, CUDA).
local class = require 'stn.class'
local stn = require 'stn.base'
local checks = require 'stn.nn.checks'
local opt = require 'stn.nn.option_checks'

local LeakyReLU, parent = class.new('nn.LeakyReLU', 'nn.Module')

function LeakyReLU:__init(negval, ip)
  parent.__init(self)
  if type(negval) == 'boolean' then negval = nil else opt.optional_number(self, 'negval', negval) end
  opt.inplace(self, ip)
  self.negval = negval or 1 / 100
  self.inplace = ip or false
  if self.negval < 0 then self.inplace = false end
end

-- The factor each element is multiplied by: 1 where x > 0, negval elsewhere (NaN
-- included, which stays NaN as in Torch7).
local function factor(self, input)
  return input.new():resizeAs(input):fill(self.negval):maskedFill(input:gt(0), 1)
end

function LeakyReLU:updateOutput(input)
  checks.tensor(self, input)
  local f = factor(self, input)
  if self.inplace then
    input:cmul(f)
    self.output:set(input)
  else
    self.output:resizeAs(input):cmul(input, f)
  end
  return self.output
end

function LeakyReLU:updateGradInput(input, gradOutput)
  checks.tensor(self, input)
  checks.same_shape(self, gradOutput, input, 'gradOutput', 'the input')
  local f = factor(self, input)
  if self.inplace then
    gradOutput:cmul(f)
    self.gradInput:set(gradOutput)
  else
    self.gradInput:resizeAs(input):cmul(gradOutput, f)
  end
  return self.gradInput
end

function LeakyReLU:__tostring()
  return ('%s(%g)'):format(stn.type(self), self.negval)
end

return LeakyReLU
