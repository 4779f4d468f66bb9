-- nn.MultiMarginCriterion([p = 1], [weights], [margin = 1]): the multi-class hinge loss
-- of scores x (n, or B x n) and 1-based class labels y (a number or tensor for 1-D, B
-- labels for 2-D): per sample sum over d ~= y of w[y] max(0, margin - x[y] + x[d])^p / n,
-- summed over the samples (divided by B when sizeAverage, a field, true). p is 1 or 2.
-- Gradient as Torch7's. Built on tensor ops with a one-hot mask of the labels (no index
-- tensors), so it runs on Float, Double and CUDA alike.
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local cu = require 'stn.nn.criterion_utils'

local MultiMarginCriterion, parent = class.new('nn.MultiMarginCriterion', 'nn.Criterion')

local function check_p(self, p)
  if p ~= 1 and p ~= 2 then checks.fail(self, ('p must be 1 or 2, got %s'):format(tostring(p))) end
  return p
end

function MultiMarginCriterion:__init(p, weights, margin)
  parent.__init(self)
  self.p = check_p(self, p == nil and 1 or p)
  self.margin = cu.number(self, 'margin', margin == nil and 1 or margin)
  self.sizeAverage = true
  self.weights = cu.weights(self, weights)
end

-- Shared by both passes: the one-hot mask of the labels (B x n), the hinge terms z
-- (B x n, 0 at the labels and where not positive) and the label weights (B x 1 or nil).
local function prepare(self, input, target)
  check_p(self, self.p)
  local margin = cu.number(self, 'margin', self.margin)
  checks.dims(self, input, { 1, 2 }, 'input', '1-D (n) or 2-D (B x n)')
  local B, n = input:dim() == 2 and input:size(1) or 1, input:size(input:dim())
  local x = input:dim() == 2 and input or input:view(1, n)
  local labels
  if type(target) == 'number' then
    labels = cu.buffer(self, '_labels', input):resize(1):fill(target)
  else
    checks.tensor(self, target, 'target')
    if target:nElement() ~= B or (input:dim() == 2 and target:dim() ~= 1) then
      checks.fail(self, ('target %s must hold one label per row of input %s (%d)'):format(checks.shape(target),
        checks.shape(input), B))
    end
    labels = cu.buffer(self, '_labels', input):resize(B):copy(target)
  end
  local L = labels:view(B, 1)
  local lo, hi = L:min(), L:max()
  local f = cu.buffer(self, '_whole', input):resizeAs(L):floor(L)
  local whole = f:eq(f, L):min() == 1 -- (1/0 in the input's type: a min defined on every device)
  if not (lo >= 1 and hi <= n and whole) then
    checks.fail(self, ('every target must be a class label in 1..%d (input %s), got values from %g to %g'):format(n,
      checks.shape(input), lo, hi))
  end
  local classes = cu.buffer(self, '_classes', input)
  if classes:nElement() ~= n then classes:range(1, n) end
  local mask = cu.buffer(self, '_mask', input):resize(B, n):eq(classes:view(1, n):expand(B, n), L:expand(B, n))
  local xy = cu.buffer(self, '_xy', input):resize(B, n):cmul(x, mask):sum(2) -- B x 1: x[y]
  local z = cu.buffer(self, '_z', input):resize(B, n):add(x, -1, xy:expand(B, n)):add(margin):cmax(0)
  z:cmul(cu.buffer(self, '_notmask', input):resize(B, n):copy(mask):mul(-1):add(1))
  local wy
  if self.weights ~= nil then
    local w = cu.weights_like(self, input)
    if w:nElement() ~= n then
      checks.fail(self, ('weights %s must have one value per class (%d)'):format(checks.shape(w), n))
    end
    wy = cu.buffer(self, '_wy', input):resize(B, n):cmul(w:view(1, n):expand(B, n), mask):sum(2)
  end
  return B, n, mask, z, wy
end

function MultiMarginCriterion:updateOutput(input, target)
  local B, n, _, z, wy = prepare(self, input, target)
  if self.p == 2 then z:cmul(z) end
  if wy then z:cmul(wy:expand(B, n)) end
  local sum = z:sum() / n
  if self.sizeAverage then sum = sum / B end
  return cu.loss(self, sum)
end

function MultiMarginCriterion:updateGradInput(input, target)
  local B, n, mask, z, wy = prepare(self, input, target)
  local g = self.sizeAverage and 1 / (B * n) or 1 / n
  self.gradInput = cu.buffer(self, 'gradInput', input):resizeAs(input)
  local G = self.gradInput:view(B, n)
  if self.p == 1 then G:gt(z, 0):mul(g) else G:copy(z):mul(2 * g) end
  if wy then G:cmul(wy:expand(B, n)) end
  -- the label's entry: minus the sum of the others
  local s = cu.buffer(self, '_xy', input):resize(B, 1):sum(G, 2)
  G:addcmul(-1, mask, s:expand(B, n))
  return self.gradInput
end

function MultiMarginCriterion:clearState()
  require('stn.nn.utils').clear(self, '_labels', '_whole', '_classes', '_mask', '_xy', '_z', '_notmask', '_wy',
    '_weights')
  return parent.clearState(self)
end

function MultiMarginCriterion:__len()
  return self.weights and self.weights:nElement() or 0
end

return MultiMarginCriterion
