-- nn.Decorator(module): a container of one module that passes every call through to it,
-- as Torch7's (the base of decorators such as nn.DontCast). Prints as
-- `nn.Decorator @ <the module>`.
local stn = require 'stn.base'
local class = require 'stn.class'
local errors = require 'stn.errors'

local Decorator, parent = class.new('nn.Decorator', 'nn.Container')

function Decorator:__init(module)
  parent.__init(self)
  if not class.isinstance(module, 'nn.Module') then
    errors.fail(stn.type(self), 'expected an nn module to decorate, got %s', stn.type(module))
  end
  self.modules[1] = module
end

function Decorator:updateOutput(input)
  self.output = self:rethrowErrors(self.modules[1], 1, 'updateOutput', input)
  return self.output
end

function Decorator:updateGradInput(input, gradOutput)
  self.gradInput = self:rethrowErrors(self.modules[1], 1, 'updateGradInput', input, gradOutput)
  return self.gradInput
end

function Decorator:accGradParameters(input, gradOutput, scale)
  self:rethrowErrors(self.modules[1], 1, 'accGradParameters', input, gradOutput, scale)
end

function Decorator:__tostring()
  return stn.type(self) .. ' @ ' .. tostring(self.modules[1])
end

return Decorator
