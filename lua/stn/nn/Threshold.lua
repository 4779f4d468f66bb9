-- nn.Threshold([threshold = 1e-6], [value = 0], [inplace = false]): y = x if x >
-- threshold else value, element-wise, as Torch7's; inplace overwrites the input (and
-- the gradient) instead of allocating. The loops run in C (csrc/nn/activation.c).
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local C, ctx = checks.C, checks.ctx

local Threshold, parent = class.new('nn.Threshold', 'nn.Module')

function Threshold:__init(th, v, ip)
  parent.__init(self)
  if (th ~= nil and type(th) ~= 'number') or (v ~= nil and type(v) ~= 'number') then
    checks.fail(self, 'usage: nn.Threshold([threshold], [value], [inplace])')
  end
  if ip ~= nil and type(ip) ~= 'boolean' then checks.fail(self, 'the in-place flag must be a boolean') end
  self.threshold = th or 1e-6
  self.val = v or 0
  self.inplace = ip or false
  if self.inplace and self.val > self.threshold then
    checks.fail(self, ('in-place processing needs value (%g) not above threshold (%g)'):format(self.val, self.threshold))
  end
end

-- Torch7's check, run by every pass since the fields may be changed after construction:
-- in place, a value above the threshold would make the backward pass, which reads the
-- overwritten input, pass the gradient where it should not.
function Threshold:validateParameters()
  self.inplace = self.inplace or false
  if self.inplace and self.val > self.threshold then
    checks.fail(self, ('in-place processing needs value (%g) not above threshold (%g)'):format(self.val, self.threshold))
  end
end

function Threshold:updateOutput(input)
  self:validateParameters()
  checks.tensor(self, input)
  if self.inplace then
    checks.call(self, C.stn_activation_forward(ctx, input, input, C.STN_ACT_THRESHOLD, self.threshold, self.val))
    self.output:set(input)
  else
    checks.call(self, C.stn_activation_forward(ctx, input, self.output, C.STN_ACT_THRESHOLD, self.threshold, self.val))
  end
  return self.output
end

function Threshold:updateGradInput(input, gradOutput)
  self:validateParameters()
  checks.tensor(self, input)
  checks.same_shape(self, gradOutput, input, 'gradOutput', 'the input')
  if self.inplace then
    checks.call(self, C.stn_activation_backward(ctx, input, nil, gradOutput, gradOutput, C.STN_ACT_THRESHOLD, self.threshold))
    self.gradInput:set(gradOutput)
  else
    checks.call(self, C.stn_activation_backward(ctx, input, nil, gradOutput, self.gradInput, C.STN_ACT_THRESHOLD,
      self.threshold))
  end
  return self.gradInput
end

return Threshold
