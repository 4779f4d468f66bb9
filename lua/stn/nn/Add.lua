-- nn.Add(inputSize, [scalar = false]): y = x + b, as Torch7's, with a learnable bias b
-- of inputSize elements (one element, added to every input element, when scalar is
-- any true value). An input of b's shape gets b added element by element; any other input is a
-- batch, its first dimension B and the rest holding inputSize elements per sample.
-- reset(stdv) draws b uniformly in +-stdv * sqrt(3), +-1/sqrt(#b) without stdv. Built on
-- stn's tensor ops (Float, Double, CUDA).
local stn = require 'stn.base'
local class = require 'stn.class'
local checks = require 'stn.nn.checks'

local Add, parent = class.new('nn.Add', 'nn.Module')

function Add:__init(inputSize, scalar)
  parent.__init(self)
  -- any true value of scalar means scalar, as in Torch7 (whose test builds nn.Add(i, j, k))
  if not (scalar and inputSize == nil) then checks.c_int(self, 'inputSize', inputSize, 1) end
  local size = scalar and 1 or inputSize
  self.scalar = scalar
  self.bias = stn.Tensor(size)
  self.gradBias = stn.Tensor(size):zero()
  self:reset()
end

function Add:reset(stdv)
  if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.bias:size(1)) end
  checks.uniform(self.bias, stdv)
  return self
end

-- How the bias meets the input: 'scalar', 'same' (the bias's shape) or 'batch' (B x
-- inputSize views of input-shaped tensors).
local function mode(self, input)
  checks.tensor(self, input)
  if self.scalar then return 'scalar' end
  if input:isSameSizeAs(self.bias) then return 'same' end
  local n = self.bias:size(1)
  if input:dim() == 0 or input:nElement() ~= input:size(1) * n then
    checks.fail(self, ('input %s is neither the bias\'s size (%d) nor a batch of samples of %d elements'):format(
      checks.shape(input), n, n))
  end
  return 'batch'
end

function Add:updateOutput(input)
  local m = mode(self, input)
  self.output:resizeAs(input):copy(input)
  if m == 'scalar' then
    self.output:add(self.bias[1])
  elseif m == 'same' then
    self.output:add(self.bias)
  else
    local out = self.output:view(input:size(1), -1)
    out:add(self.bias:view(1, -1):expandAs(out))
  end
  return self.output
end

function Add:updateGradInput(input, gradOutput)
  checks.tensor(self, input)
  checks.same_shape(self, gradOutput, input, 'gradOutput', 'the input')
  self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  return self.gradInput
end

function Add:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local m = mode(self, input)
  checks.same_shape(self, gradOutput, input, 'gradOutput', 'the input')
  if self.gradBias:size(1) == 1 then
    self.gradBias[1] = self.gradBias[1] + scale * gradOutput:sum()
  elseif m == 'same' then
    self.gradBias:add(scale, gradOutput)
  else
    self.gradBias:add(scale, gradOutput:contiguous():view(input:size(1), -1):sum(1):view(-1))
  end
end

function Add:checkLoaded()
  local b = checks.loaded_tensor(self, 'bias', 1)
  checks.loaded_tensor(self, 'gradBias', { b:size(1) }, true)
end

return Add
