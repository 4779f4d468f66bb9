-- nn.HardTanh([min_value = -1], [max_value = 1], [inplace = false]): y = x clamped to
-- [min_value, max_value] element-wise, as Torch7's; the gradient passes only strictly
-- inside the interval. Built on stn's clamp and masked fill (Float, Double, CUDA).
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local opt = require 'stn.nn.option_checks'

local HardTanh, parent = class.new('nn.HardTanh', 'nn.Module')

function HardTanh:__init(min_value, max_value, inplace)
  parent.__init(self)
  opt.optional_number(self, 'min_value', min_value)
  opt.optional_number(self, 'max_value', max_value)
  opt.inplace(self, inplace)
  self.min_val = min_value or -1
  self.max_val = max_value or 1
  self.inplace = inplace or false
  self:validateParameters()
end

-- Torch7's check; run by every pass too, since the fields may be changed afterwards.
function HardTanh:validateParameters()
  if not (self.max_val > self.min_val) then
    checks.fail(self, ('max_value (%g) must be larger than min_value (%g)'):format(self.max_val, self.min_val))
  end
end

function HardTanh:updateOutput(input)
  self:validateParameters()
  checks.tensor(self, input)
  if self.inplace then
    input:clamp(self.min_val, self.max_val)
    self.output:set(input)
  else
    self.output:resizeAs(input):copy(input):clamp(self.min_val, self.max_val)
  end
  return self.output
end

function HardTanh:updateGradInput(input, gradOutput)
  self:validateParameters()
  checks.tensor(self, input)
  checks.same_shape(self, gradOutput, input, 'gradOutput', 'the input')
  -- masks first: in place, the input may be gradOutput's own storage
  local below, above = input:le(self.min_val), input:ge(self.max_val)
  if self.inplace then
    self.gradInput:set(gradOutput)
  else
    self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  end
  self.gradInput:maskedFill(below, 0):maskedFill(above, 0)
  return self.gradInput
end

return HardTanh
