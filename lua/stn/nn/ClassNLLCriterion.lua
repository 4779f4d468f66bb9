-- nn.ClassNLLCriterion([weights], [sizeAverage = true]): the negative log-likelihood
-- of 1-based class labels given log-probabilities (n or B x n, e.g. from
-- nn.LogSoftMax): loss = -sum_i w[t_i] x[i][t_i], divided by sum_i w[t_i] when size
-- averaging. Labels are checked in C (csrc/nn/class_nll.c): one outside 1..n fails.
-- forward returns the loss and, as Torch7's, the total weight sum_i w[t_i] (the count
-- of labels without weights). Torch7's ignoreIndex (a label value to skip) is not
-- supported: giving one is an error, as is any label outside 1..n.
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

local function no_ignore_index(self, value)
  errors.fail(stn.type(self), 'ignoreIndex (%s) is not supported: every target must be a class label 1..n',
    tostring(value))
end

function ClassNLLCriterion:__init(weights, sizeAverage, ignoreIndex)
  parent.__init(self)
  if ignoreIndex ~= nil then no_ignore_index(self, ignoreIndex) end
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
  if self.ignoreIndex ~= nil then no_ignore_index(self, self.ignoreIndex) end
  checks.dims(self, input, { 1, 2 }, 'input', '1-D (n) or 2-D (B x n)')
end

-- sum_i w[t_i], or the number of labels without weights (labels already checked)
local function total_weight(self, t)
  if self.weights == nil then return t:nElement() end
  return self.weights:index(1, t:dim() == 1 and t or t:contiguous():view(-1)):sum()
end

function ClassNLLCriterion:updateOutput(input, target)
  check_input(self, input)
  local t = labels(self, input, target)
  checks.call(self, C.stn_class_nll_forward(ctx, input, t, self.output_tensor, self.weights, self.sizeAverage and 1 or 0,
    loss))
  self.output = double_at(loss, 0) -- (a NaN read as Lua's own: Tensor.lua, double_at)
  return self.output, total_weight(self, t)
end

function ClassNLLCriterion:updateGradInput(input, target)
  check_input(self, input)
  local t = labels(self, input, target)
  checks.call(self, C.stn_class_nll_backward(ctx, input, t, self.gradInput, self.weights, self.sizeAverage and 1 or 0))
  return self.gradInput
end

function ClassNLLCriterion:clearState()
  utils.clear(self, 'target')
  return parent.clearState(self)
end

return ClassNLLCriterion
