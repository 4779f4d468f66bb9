-- nn.Identity: passes its input (a tensor or a table) through unchanged, and the
-- gradient back unchanged; no copies. (clearState replaces output and gradInput
-- rather than emptying them, so the caller's objects are never touched.)
local class = require 'stn.class'

local Identity = class.new('nn.Identity', 'nn.Module')

function Identity:updateOutput(input)
  self.output = input
  return self.output
end

function Identity:updateGradInput(input, gradOutput)
  self.gradInput = gradOutput
  return self.gradInput
end

return Identity
