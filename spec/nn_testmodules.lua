-- Tiny modules for the container and serialization specs, so they need no layer
-- from the layers' files: nn.TestAffine(n), y = x .* weight + bias on 1-D inputs of
-- size n, with hand-checkable gradients. Registered once, as any stn.class.
local stn = require 'stn'
local class = require 'stn.class'

if class.registry['nn.TestAffine'] then return class.registry['nn.TestAffine'] end

local TestAffine, parent = class.new('nn.TestAffine', 'nn.Module')

function TestAffine:__init(n)
  parent.__init(self)
  self.weight = stn.Tensor(n):fill(1)
  self.bias = stn.Tensor(n):zero()
  self.gradWeight = stn.Tensor(n):zero()
  self.gradBias = stn.Tensor(n):zero()
end

function TestAffine:updateOutput(input)
  if input:dim() ~= 1 or input:size(1) ~= self.weight:size(1) then
    error(('stn: nn.TestAffine: expected a 1-D input of size %d, got %s'):format(self.weight:size(1), tostring(input:size())), 2)
  end
  self.output:resizeAs(input):cmul(input, self.weight):add(self.bias)
  return self.output
end

function TestAffine:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input):cmul(gradOutput, self.weight)
  return self.gradInput
end

function TestAffine:accGradParameters(input, gradOutput, scale)
  self.gradWeight:addcmul(scale or 1, gradOutput, input)
  self.gradBias:add(scale or 1, gradOutput)
end

function TestAffine:__tostring() return ('nn.TestAffine(%d)'):format(self.weight:size(1)) end

return TestAffine
