-- nn.BCECriterion([weights], [sizeAverage = true]): the binary cross-entropy of
-- probabilities x in [0, 1] and targets t: -sum w (t log(x + eps) + (1 - t) log(1 - x + eps))
-- with eps = 1e-12, divided by the element count when size averaging; gradient
-- w (x - t) / ((1 - x + eps)(x + eps)) (/ n), as Torch7's. weights: as many as input
-- elements for a 1-D target, else one per column of the target (target:size(2)),
-- repeated down its rows. An input value outside [0, 1] (or NaN) is an error.
local class = require 'stn.class'
local checks = require 'stn.nn.checks'
local cu = require 'stn.nn.criterion_utils'

local EPS = 1e-12

local BCECriterion, parent = class.new('nn.BCECriterion', 'nn.Criterion')

function BCECriterion:__init(weights, sizeAverage)
  parent.__init(self)
  self.sizeAverage = sizeAverage == nil and true or sizeAverage
  self.weights = cu.weights(self, weights)
end

function BCECriterion:__len()
  return self.weights and self.weights:nElement() or 0
end

local function check_probabilities(self, input)
  local lo, hi = input:min(), input:max()
  if not (lo >= 0 and hi <= 1) then
    checks.fail(self, ('input values must be probabilities in [0, 1], got values from %g to %g'):format(lo, hi))
  end
end

-- The weights as a tensor of input's shape (nil without weights).
local function expanded_weights(self, input, target)
  if self.weights == nil then return nil end
  local w = cu.weights_like(self, input)
  local n = input:nElement()
  if target:dim() == 1 then
    if w:nElement() ~= n then
      checks.fail(self, ('weights %s must have one value per element of input %s'):format(checks.shape(w),
        checks.shape(input)))
    end
    return w:view(input:size())
  end
  local k = target:size(2)
  if w:nElement() ~= k or n % k ~= 0 then
    checks.fail(self, ('weights %s must have one value per column of target %s'):format(checks.shape(w),
      checks.shape(target)))
  end
  local e = cu.buffer(self, '_wexp', input):resize(n / k, k):copy(w:view(1, k):expand(n / k, k))
  return e:view(input:size())
end

function BCECriterion:updateOutput(input, target)
  local t = cu.target(self, input, target)
  check_probabilities(self, input)
  local w = expanded_weights(self, input, target)
  local a = cu.buffer(self, '_logx', input):resizeAs(input):copy(input):add(EPS):log()
  local b = cu.buffer(self, '_log1mx', input):resizeAs(input):copy(input):mul(-1):add(1 + EPS):log()
  -- t log(x + eps) + (1 - t) log(1 - x + eps) = b + t (a - b)
  a:add(-1, b):cmul(t):add(b)
  if w then a:cmul(w) end
  return cu.loss(self, -a:sum() * cu.norm(self, input:nElement()))
end

function BCECriterion:updateGradInput(input, target)
  local t = cu.target(self, input, target)
  check_probabilities(self, input)
  local w = expanded_weights(self, input, target)
  local den = cu.buffer(self, '_log1mx', input):resizeAs(input):copy(input):mul(-1):add(1 + EPS)
  den:cmul(cu.buffer(self, '_logx', input):resizeAs(input):copy(input):add(EPS))
  self.gradInput = cu.buffer(self, 'gradInput', input)
  local g = self.gradInput:resizeAs(input):add(input, -1, t):cdiv(den):mul(cu.norm(self, input:nElement()))
  if w then g:cmul(w) end
  return g
end

function BCECriterion:clearState()
  require('stn.nn.utils').clear(self, '_logx', '_log1mx', '_wexp', '_target', '_weights')
  return parent.clearState(self)
end

return BCECriterion
