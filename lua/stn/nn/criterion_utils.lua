-- What the criterions built on tensor ops share (AbsCriterion, SmoothL1Criterion,
-- DistKLDivCriterion, BCECriterion, MarginCriterion, MultiMarginCriterion): the target
-- brought to the input's device, type and shape, scratch tensors of the input's type,
-- and the checks of their settings. Each loss is a sum of tensor ops, so the same code
-- runs on Float and Double on the CPU and on CUDA.
local stn = require 'stn.base'
local checks = require 'stn.nn.checks'

local M = {}

-- The target as a tensor of input's type on input's device, viewed in input's shape
-- (Torch7 pairs the two element by element in row-major order and checks only their
-- counts). A target on another device or of another type is copied.
function M.target(self, input, target)
  checks.tensor(self, input)
  checks.tensor(self, target, 'target')
  if input:nElement() ~= target:nElement() then
    checks.fail(self, ('input %s and target %s differ in number of elements'):format(checks.shape(input),
      checks.shape(target)))
  end
  if input:nElement() == 0 then checks.fail(self, 'input is empty') end
  if target.device ~= input.device or target.dtype ~= input.dtype then
    local buf = M.buffer(self, '_target', input)
    target = buf:resize(target:size()):copy(target)
  end
  if not target:isContiguous() then target = target:contiguous() end
  return target:view(input:size())
end

-- A scratch tensor self[name] of input's type and device (made again when it is not).
function M.buffer(self, name, input)
  local b = rawget(self, name)
  if b == nil or not stn.isTensor(b) or b.device ~= input.device or b.dtype ~= input.dtype then
    b = input.new()
    self[name] = b
  end
  return b
end

-- 1 / n when size averaging, 1 otherwise.
function M.norm(self, n)
  return self.sizeAverage and 1 / n or 1
end

-- A finite number setting (margin ...), checked at every call as it may be set.
function M.number(self, name, v)
  if type(v) ~= 'number' or v ~= v or v == math.huge or v == -math.huge then
    checks.fail(self, ('%s must be a finite number, got %s'):format(name, tostring(v)))
  end
  return v
end

-- Optional per-class weights: nil, or a 1-D tensor.
function M.weights(self, w)
  if w == nil then return nil end
  if not stn.isTensor(w) or w:dim() ~= 1 then
    checks.fail(self, ('weights must be a 1-D tensor, got %s'):format(stn.isTensor(w) and checks.shape(w) or stn.type(w)))
  end
  return w
end

-- The weights on input's device and of its type (copied when they are not).
function M.weights_like(self, input)
  local w = M.weights(self, self.weights)
  if w.device == input.device and w.dtype == input.dtype then return w end
  return M.buffer(self, '_weights', input):resize(w:size()):copy(w)
end

-- self.output: the loss as a Lua number.
function M.loss(self, v)
  self.output = v
  return v
end

return M
