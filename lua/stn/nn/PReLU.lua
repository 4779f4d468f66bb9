-- nn.PReLU([nOutputPlane = 0]): y = x for x > 0, w * x otherwise, element-wise, as
-- Torch7's, with learnable slopes w (weight, initialised to 0.25; no reset): one shared
-- slope when nOutputPlane is 0, else one per plane, the plane being dimension 1 of a
-- 1-D input and dimension 2 of any other. Built on stn's tensor ops (Float, Double, CUDA).
local stn = require 'stn.base'
local class = require 'stn.class'
local checks = require 'stn.nn.checks'

local PReLU, parent = class.new('nn.PReLU', 'nn.Module')

function PReLU:__init(nOutputPlane)
  parent.__init(self)
  if nOutputPlane ~= nil then checks.c_int(self, 'nOutputPlane', nOutputPlane, 0) end
  self.nOutputPlane = nOutputPlane or 0
  local n = math.max(self.nOutputPlane, 1)
  self.weight = stn.Tensor(n):fill(0.25)
  self.gradWeight = stn.Tensor(n):zero()
end

-- The slope each element of input gets: w expanded over input's shape (a shared slope
-- filled in), 1 where x > 0 (NaN takes the slope and stays NaN, as in Torch7).
local function factor(self, input)
  checks.tensor(self, input)
  local n = self.nOutputPlane
  local f = input.new():resizeAs(input)
  if n == 0 then
    f:fill(self.weight[1])
  else
    local c = input:dim() > 1 and 2 or 1
    if input:dim() == 0 or input:size(c) ~= n then
      checks.fail(self, ('input %s must have %d planes in dimension %d'):format(checks.shape(input), n, c))
    end
    local shape = {}
    for d = 1, input:dim() do shape[d] = d == c and n or 1 end
    f:copy(self.weight:view(stn.LongStorage(shape)):expandAs(input))
  end
  return f:maskedFill(input:gt(0), 1)
end

function PReLU:updateOutput(input)
  local f = factor(self, input)
  self.output:resizeAs(input):cmul(input, f)
  return self.output
end

function PReLU:updateGradInput(input, gradOutput)
  local f = factor(self, input)
  checks.same_shape(self, gradOutput, input, 'gradOutput', 'the input')
  self.gradInput:resizeAs(input):cmul(gradOutput, f)
  return self.gradInput
end

-- dE/dw: the sum of x * gradOutput over the elements with x <= 0 (of w's plane).
function PReLU:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  factor(self, input) -- the input's checks
  checks.same_shape(self, gradOutput, input, 'gradOutput', 'the input')
  local prod = input.new():resizeAs(input):cmul(input, gradOutput):maskedFill(input:gt(0), 0)
  if self.nOutputPlane == 0 then
    self.gradWeight[1] = self.gradWeight[1] + scale * prod:sum()
  elseif input:dim() == 1 then
    self.gradWeight:add(scale, prod)
  else
    self.gradWeight:add(scale, prod:view(input:size(1), self.nOutputPlane, -1):sum(3):sum(1):view(-1))
  end
end

function PReLU:checkLoaded()
  local n = checks.loaded_int(self, 'nOutputPlane', 0)
  checks.loaded_tensor(self, 'weight', { math.max(n, 1) })
  checks.loaded_tensor(self, 'gradWeight', { math.max(n, 1) }, true)
end

return PReLU
