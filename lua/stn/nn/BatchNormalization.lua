-- nn.BatchNormalization(nOutput, [eps = 1e-5], [momentum = 0.1], [affine = true]): each
-- feature of a B x nOutput batch normalized by the batch's mean and standard deviation,
-- then scaled by weight and shifted by bias (when affine), as Torch7's (THNN's arithmetic):
--   training, B > 1:  mean, invstd = 1 / sqrt(var + eps) of the batch (biased var), kept in
--                     save_mean / save_std; running_mean, running_var move towards the batch's
--                     mean and unbiased variance by momentum
--   otherwise:        running_mean and running_var (a B = 1 batch in training too, as Torch7)
--   y = (x - mean) * invstd * weight + bias
-- nn.SpatialBatchNormalization derives from it with nDim = 4 (a feature per plane). Built on
-- stn's tensor ops (reductions along each feature's row), so Float, Double and CUDA.
local stn = require 'stn.base'
local class = require 'stn.class'
local utils = require 'stn.nn.utils'
local checks = require 'stn.nn.checks'

local BN, parent = class.new('nn.BatchNormalization', 'nn.Module')

BN.__version = 2
BN.nDim = 2 -- a batch's dims; nDim - 1 (one sample) is accepted in evaluation mode

local function finite(v) return type(v) == 'number' and v == v and v > -math.huge and v < math.huge end

function BN:__init(nOutput, eps, momentum, affine)
  parent.__init(self)
  checks.c_int(self, 'nOutput', nOutput, 1)
  if affine ~= nil and type(affine) ~= 'boolean' then
    checks.fail(self, 'affine must be true or false, got ' .. stn.type(affine))
  end
  self.affine = affine ~= false
  self.eps = eps or 1e-5
  self.momentum = momentum or 0.1
  if not finite(self.eps) or self.eps < 0 then checks.fail(self, 'eps must be a finite number >= 0, got ' .. tostring(eps)) end
  if not finite(self.momentum) then checks.fail(self, 'momentum must be a finite number, got ' .. tostring(momentum)) end
  self.train = true
  self.running_mean = stn.Tensor(nOutput):zero()
  self.running_var = stn.Tensor(nOutput):fill(1)
  if self.affine then
    self.weight = stn.Tensor(nOutput)
    self.bias = stn.Tensor(nOutput)
    self.gradWeight = stn.Tensor(nOutput):zero()
    self.gradBias = stn.Tensor(nOutput):zero()
  end
  self:reset()
end

-- As Torch7's: weight uniform in [0, 1), bias 0, running_mean 0, running_var 1.
function BN:reset()
  if self.weight then self.weight:uniform(0, 1) end
  if self.bias then self.bias:zero() end
  self.running_mean:zero()
  self.running_var:fill(1)
  return self
end

-- x is a batch (nDim dims) or, in evaluation mode, one sample (nDim - 1), with the
-- module's number of features (dim 2 of a batch, 1 of a sample).
function BN:checkInputDim(x, what)
  checks.tensor(self, x, what)
  local d, n = x:dim(), self.nDim
  if d ~= n and not (d == n - 1 and self.train == false) then
    checks.fail(self, ('only mini-batch supported (%dD tensor), got %s%s'):format(n,
      d == 0 and 'an empty tensor' or ('%dD tensor (%s)'):format(d, checks.shape(x)),
      d == n - 1 and ' (one sample is accepted in evaluation mode only)' or ''))
  end
  local f = x:size(d == n and 2 or 1)
  if f ~= self.running_mean:nElement() then
    checks.fail(self, ('%s %s has %d features but the module takes %d'):format(what or 'input', checks.shape(x), f,
      self.running_mean:nElement()))
  end
end

-- A buffer field of x's type (made again after a :type() change).
local function buffer(self, field, x)
  local b = self[field]
  if b == nil or b:type() ~= x:type() then b = x.new(); self[field] = b end
  return b
end

-- x (a batch, or one sample) copied into buf as nOutput rows, one per
-- feature: B x C (x H x W) transposed to C x B (x H x W), viewed as C x n (a sample:
-- C (x H x W) as it is).
local function feature_first(self, x)
  if x:dim() == self.nDim - 1 then return x end -- one sample: C (x H x W) already
  return x:transpose(1, 2)
end

local function rows(self, field, x)
  local t = feature_first(self, x)
  local buf = buffer(self, field, x)
  buf:resize(t:size()):copy(t)
  return buf:view(t:size(1), t:nElement() / t:size(1))
end

-- The result (C x n rows) written back into out in the layout of x.
local function unrows(self, out, r, x)
  out:resizeAs(x)
  local t = feature_first(self, out)
  t:copy(r:view(t:size()))
end

local function batch_mode(self, x) return self.train and x:dim() == self.nDim and x:size(1) > 1 end

-- invstd = 1 / sqrt(var + eps) per feature (a C x 1 column), 0 where var and eps are 0
-- (Torch7's rule for a constant feature without eps).
local function inv_std(var, eps)
  local s = var:clone():add(eps):sqrt():cinv()
  if eps == 0 then s:maskedFill(var:eq(0), 0) end
  return s
end

function BN:updateOutput(input)
  self:checkInputDim(input)
  local C = self.running_mean:nElement()
  local r = rows(self, '_rows', input) -- C x n
  local n = r:size(2)
  local mean, invstd
  if batch_mode(self, input) then
    mean = r:sum(2):div(n)
    r:add(-1, mean:expandAs(r)) -- centred
    local sq = buffer(self, '_work', input)
    local varsum = stn.cmul(sq:resizeAs(r), r, r):sum(2)
    invstd = inv_std(varsum:clone():div(n), self.eps)
    self.save_mean = buffer(self, 'save_mean', input):resize(C):copy(mean)
    self.save_std = buffer(self, 'save_std', input):resize(C):copy(invstd)
    self.running_mean:mul(1 - self.momentum):add(self.momentum, mean:view(C))
    self.running_var:mul(1 - self.momentum):add(self.momentum / (n - 1), varsum:view(C))
  else
    mean = self.running_mean:view(C, 1)
    invstd = inv_std(self.running_var:view(C, 1), self.eps)
    r:add(-1, mean:expandAs(r))
    self.save_mean = buffer(self, 'save_mean', input):resize(C)
    self.save_std = buffer(self, 'save_std', input):resize(C)
  end
  if self.weight then invstd = invstd:cmul(self.weight:view(C, 1)) end
  r:cmul(invstd:expandAs(r))
  if self.bias then r:add(self.bias:view(C, 1):expandAs(r)) end
  unrows(self, self.output, r, input)
  return self.output
end

-- One pass for the three gradients (gradInput, gradWeight, gradBias), each when given.
local function backward(self, input, gradOutput, scale, gradInput, gradWeight, gradBias)
  self:checkInputDim(input)
  checks.same_shape(self, gradOutput, input, 'gradOutput', 'the input')
  scale = scale or 1
  local C = self.running_mean:nElement()
  local saved = self.save_mean and self.save_std and self.save_mean:nElement() == C and self.save_std:nElement() == C
  if not saved then checks.fail(self, 'must call :updateOutput() first') end
  local train = batch_mode(self, input)
  local mean, invstd
  if train then
    mean, invstd = self.save_mean:view(C, 1), self.save_std:view(C, 1)
  else
    mean, invstd = self.running_mean:view(C, 1), inv_std(self.running_var:view(C, 1), self.eps)
  end
  local xc = rows(self, '_rows', input) -- x - mean below
  local g = rows(self, '_grad_rows', gradOutput)
  local n = xc:size(2)
  xc:add(-1, mean:expandAs(xc))
  local gsum = g:sum(2)
  local dot = stn.cmul(buffer(self, '_work', input):resizeAs(xc), xc, g):sum(2)
  if gradInput then
    local k = invstd:clone()
    if self.weight then k:cmul(self.weight:view(C, 1)) end
    if train then
      -- (g - mean(g) - xc * dot * invstd^2 / n) * invstd * weight
      xc:cmul(stn.cmul(dot, invstd):cmul(invstd):div(n):expandAs(xc))
      xc:mul(-1):add(g):add(-1 / n, gsum:expandAs(xc))
      xc:cmul(k:expandAs(xc))
    else
      xc:cmul(g, k:expandAs(xc))
    end
    unrows(self, gradInput, xc, input)
  end
  if gradWeight then gradWeight:add(scale, stn.cmul(dot, invstd):view(C)) end
  if gradBias then gradBias:add(scale, gsum:view(C)) end
  return self.gradInput
end

function BN:backward(input, gradOutput, scale)
  return backward(self, input, gradOutput, scale, self.gradInput, self.gradWeight, self.gradBias)
end

function BN:updateGradInput(input, gradOutput)
  return backward(self, input, gradOutput, 1, self.gradInput)
end

function BN:accGradParameters(input, gradOutput, scale)
  backward(self, input, gradOutput, scale, nil, self.gradWeight, self.gradBias)
end

function BN:clearState()
  utils.clear(self, '_rows', '_grad_rows', '_work', 'save_mean', 'save_std')
  return parent.clearState(self)
end

-- stn.load's check (checks.lua): 1-D running statistics of one size, weight and bias (and
-- their gradients) of that size when present, eps and momentum numbers.
function BN:checkLoaded()
  local m = checks.loaded_tensor(self, 'running_mean', 1)
  local C = m:size(1)
  checks.loaded_tensor(self, 'running_var', { C })
  for _, f in ipairs { 'weight', 'bias', 'gradWeight', 'gradBias' } do checks.loaded_tensor(self, f, { C }, true) end
  for _, f in ipairs { 'eps', 'momentum' } do
    if not finite(self[f]) then checks.loaded_refuse(f, 'expected a finite number, found %s', tostring(self[f])) end
  end
end

function BN:__tostring()
  return ('%s (%dD) (%d)'):format(stn.type(self), self.nDim, self.running_mean:nElement())
end

return BN
