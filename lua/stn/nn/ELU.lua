-- nn.ELU([alpha = 1], [inplace = false]): y = x for x > 0, alpha * (exp(x) - 1)
-- otherwise, element-wise, as Torch7's; the gradient is 1 for y > 0 and y + alpha
-- elsewhere (read from the output, as there). Built on stn's tensor ops (Float, Double,
-- CUDA).
local class = require 'stn.class'
local stn = require 'stn.base'
local checks = require 'stn.nn.checks'
local opt = require 'stn.nn.option_checks'

local ELU, parent = class.new('nn.ELU', 'nn.Module')

function ELU:__init(alpha, inplace)
  parent.__init(self)
  opt.optional_number(self, 'alpha', alpha)
  opt.inplace(self, inplace)
  self.alpha = alpha or 1
  self.inplace = inplace or false
end

function ELU:updateOutput(input)
  checks.tensor(self, input)
  if self.inplace then
    self.output:set(input)
  else
    self.output:resizeAs(input):copy(input)
  end
  local neg = input:le(0)
  local curve = input:maskedSelect(neg)
  if curve:nElement() > 0 then
    self.output:maskedCopy(neg, curve:exp():add(-1):mul(self.alpha))
  end
  return self.output
end

function ELU:updateGradInput(input, gradOutput)
  checks.tensor(self, input)
  checks.same_shape(self, gradOutput, input, 'gradOutput', 'the input')
  checks.same_shape(self, self.output, input, 'the output (run forward first)', 'the input')
  local y = self.output
  local neg = y:le(0)
  local f = y.new():resizeAs(y):fill(1)
  local slope = y:maskedSelect(neg)
  if slope:nElement() > 0 then f:maskedCopy(neg, slope:add(self.alpha)) end
  if self.inplace then
    gradOutput:cmul(f)
    self.gradInput:set(gradOutput)
  else
    self.gradInput:resizeAs(gradOutput):cmul(gradOutput, f)
  end
  return self.gradInput
end

function ELU:__tostring()
  return ('%s (alpha:%f)'):format(stn.type(self), self.alpha)
end

return ELU
