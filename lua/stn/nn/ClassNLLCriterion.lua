-- nn.ClassNLLCriterion([weights], [sizeAverage = true], [ignoreIndex = -100]): the negative log-likelihood
-- of 1-based class labels given log-probabilities (n or B x n, e.g. from
-- nn.LogSoftMax): loss = -sum_i w[t_i] x[i][t_i], divided by sum_i w[t_i] when size
-- averaging. Labels are checked in C (csrc/nn/class_nll.c): a label equal to
-- ignoreIndex is skipped (no loss, no weight, zero gradient), any other outside 1..n
-- fails. forward returns the loss and, as Torch7's, the total weight sum_i w[t_i] over
-- the labels not ignored (their count without weights); during a CUDA graph capture
-- (stn.cuda.graph) it returns the loss as a 1-element CUDA tensor instead, and no weight.
local stn = require 'stn.base'
local class = require 'stn.class'
local utils = require 'stn.nn.utils'
local checks = require 'stn.nn.checks'
local errors = require 'stn.errors'
local double_at = require('stn.Tensor')._private.double_at
local ffi = require 'ffi'
local C, ctx = checks.C, checks.ctx
local loss = ffi.new('double[1]') -- where C leaves the loss (no cdata in the object: it must serialize)

local ClassNLLCriterion, parent = class.new('nn.ClassNLLCriterion', 'nn.Criterion')

-- ignoreIndex as C reads it: an integer (read at every call, as Torch7 does); a
-- criterion saved before the field existed gets Torch7's default
local function ignore_index(self)
  local v = self.ignoreIndex
  if v == nil then
    v = -100
    self.ignoreIndex = v
  end
  if type(v) ~= 'number' or v ~= math.floor(v) or math.abs(v) >= 2 ^ 53 then
    errors.fail(stn.type(self), 'ignoreIndex must be an integer, got %s', tostring(v))
  end
  return v
end

function ClassNLLCriterion:__init(weights, sizeAverage, ignoreIndex)
  parent.__init(self)
  self.ignoreIndex = ignoreIndex or -100
  ignore_index(self)
  if weights ~= nil then
    checks.dims(self, weights, { 1 }, 'weights')
    self.weights = weights
  end
  self.sizeAverage = sizeAverage == nil and true or sizeAverage
  self.output_tensor = stn.Tensor() -- the loss on the input's device
  self.target = stn.Tensor() -- labels on the input's device
end

-- The labels as a tensor on input's device (a number, or a tensor on another device).
local function labels(self, input, target)
  if type(target) ~= 'number' then
    checks.tensor(self, target, 'target')
    -- on the CPU labels of any type; the CUDA kernels read Float labels
    if target.device == input.device and (input.device == 0 or target.dtype == 0) then return target end
  end
  if self.target.device ~= input.device or self.target.dtype ~= input.dtype then self.target = input.new() end
  if type(target) == 'number' then return self.target:resize(1):fill(target) end
  return self.target:resize(target:size()):copy(target)
end

local function check_input(self, input)
  checks.dims(self, input, { 1, 2 }, 'input', '1-D (n) or 2-D (B x n)')
end

-- sum_i w[t_i] over the labels not ignored, or their number without weights (labels
-- already checked)
local function total_weight(self, t, ignored)
  local flat = t:contiguous():view(-1)
  local kept = flat:ne(ignored)
  local count = kept:float():sum() -- (counted as float: a sum defined on every device)
  if self.weights == nil then return count end
  if count == 0 then return 0 end
  if count < flat:nElement() then flat = flat:maskedSelect(kept) end
  return self.weights:index(1, flat):sum()
end

function ClassNLLCriterion:updateOutput(input, target)
  check_input(self, input)
  local ignored = ignore_index(self)
  local t = labels(self, input, target)
  if input.device == 1 and stn.cuda.capturing() then
    -- in a CUDA graph capture nothing may wait for the GPU: the loss stays on the device
    -- (the 1-element tensor returned), the labels are checked on the device only
    checks.call(self, C.stn_class_nll_forward(ctx, input, t, self.output_tensor, self.weights,
      self.sizeAverage and 1 or 0, ignored, nil))
    self.output = self.output_tensor
    return self.output
  end
  checks.call(self, C.stn_class_nll_forward(ctx, input, t, self.output_tensor, self.weights, self.sizeAverage and 1 or 0,
    ignored, loss))
  self.output = double_at(loss, 0) -- (a NaN read as Lua's own: Tensor.lua, double_at)
  return self.output, total_weight(self, t, ignored)
end

function ClassNLLCriterion:updateGradInput(input, target)
  check_input(self, input)
  local ignored = ignore_index(self)
  local t = labels(self, input, target)
  checks.call(self, C.stn_class_nll_backward(ctx, input, t, self.gradInput, self.weights, self.sizeAverage and 1 or 0,
    ignored))
  return self.gradInput
end

function ClassNLLCriterion:clearState()
  utils.clear(self, 'target')
  return parent.clearState(self)
end

return ClassNLLCriterion
