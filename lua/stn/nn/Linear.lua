-- nn.Linear(inputSize, outputSize, [bias = true]): y = W x + b for a vector x or each
-- row of a B x inputSize batch, as Torch7's: weight outputSize x inputSize. The
-- products run in C (csrc/nn/linear.c) and CUDA (cuda/nn/linear.cu).
local stn = require 'stn.base'
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local C, ctx = checks.C, checks.ctx

local Linear, parent = class.new('nn.Linear', 'nn.Module')

function Linear:__init(inputSize, outputSize, bias)
  parent.__init(self)
  checks.c_int(self, 'inputSize', inputSize, 1) -- BLAS takes its sizes as int
  checks.c_int(self, 'outputSize', outputSize, 1)
  self.weight = stn.Tensor(outputSize, inputSize)
  self.gradWeight = stn.Tensor(outputSize, inputSize):zero()
  if bias ~= false then
    self.bias = stn.Tensor(outputSize)
    self.gradBias = stn.Tensor(outputSize):zero()
  end
  self:reset()
end

function Linear:noBias()
  self.bias, self.gradBias = nil, nil
  return self
end

-- Uniform in +-stdv * sqrt(3) when stdv is given, else +-1/sqrt(inputSize).
function Linear:reset(stdv)
  if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.weight:size(2)) end
  checks.uniform(self.weight, stdv)
  if self.bias then checks.uniform(self.bias, stdv) end
  return self
end

local function check_input(self, input)
  checks.dims(self, input, { 1, 2 }, 'input', '1-D (inputSize) or 2-D (B x inputSize)')
  local n = input:size(input:dim())
  if n ~= self.weight:size(2) then
    checks.fail(self, ('input %s has %d features but the module takes %d'):format(checks.shape(input), n,
      self.weight:size(2)))
  end
end

function Linear:updateOutput(input)
  check_input(self, input)
  checks.call(self, C.stn_linear_forward(ctx, input, self.output, self.weight, self.bias))
  return self.output
end

local function backward(self, input, gradOutput, gradInput, gradWeight, gradBias, scale)
  check_input(self, input)
  checks.tensor(self, gradOutput, 'gradOutput')
  checks.call(self, C.stn_linear_backward(ctx, input, gradOutput, gradInput, self.weight, gradWeight, gradBias,
    scale or 1))
end

function Linear:updateGradInput(input, gradOutput)
  if self.gradInput then backward(self, input, gradOutput, self.gradInput, nil, nil, 1) end
  return self.gradInput
end

function Linear:accGradParameters(input, gradOutput, scale)
  backward(self, input, gradOutput, nil, self.gradWeight, self.gradBias, scale)
end

function Linear:backward(input, gradOutput, scale)
  backward(self, input, gradOutput, self.gradInput, self.gradWeight, self.gradBias, scale)
  return self.gradInput
end

-- stn.load's check (checks.lua): a 2-D weight (outputSize x inputSize); bias and the
-- gradients, when present, of the sizes it implies.
function Linear:checkLoaded()
  local w = checks.loaded_tensor(self, 'weight', 2)
  checks.loaded_tensor(self, 'bias', { w:size(1) }, true)
  checks.loaded_tensor(self, 'gradWeight', w:size():totable(), true)
  checks.loaded_tensor(self, 'gradBias', { w:size(1) }, true)
end

function Linear:__tostring()
  return ('%s(%d -> %d)%s'):format(stn.type(self), self.weight:size(2), self.weight:size(1),
    self.bias and '' or ' without bias')
end

return Linear
