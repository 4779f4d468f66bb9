-- nn.ProjectiveTransformMatrixGenerator(normalized): the restriction between a
-- localization network and nn.ProjectiveGridGenerator, named after gtsrb.torch's
-- nn.AffineTransformMatrixGenerator. A homography has 8 degrees of freedom:
--   normalized = false (the default): B x 8 parameters p -> M = [[p1 p2 p3] [p4 p5 p6] [p7 p8 1]]
--     (the last entry fixed at 1);
--   normalized = true: B x 9 parameters p -> M = p / ||p|| (rows of p, Frobenius norm),
--     every entry free (also homographies with m33 = 0), the scale fixed by the norm.
--     ||p|| = 0 gives NaN (no homography).
-- module:initLocalizationHead(linear) makes a localization net's last nn.Linear output the
-- identity's parameters (zero weights, identity bias), as the STN paper's appendix does.
-- Built on stn's tensor ops (Float, Double, CUDA).
local stn = require 'stn.base'
local S = require 'stn.spatial.common'
local checks = require 'stn.nn.checks'
local class = require 'stn.class'

local M, parent = stn.class('nn.ProjectiveTransformMatrixGenerator', 'nn.Module')
local NAME = 'nn.ProjectiveTransformMatrixGenerator'

function M:__init(normalized)
  parent.__init(self)
  if type(normalized) == 'table' then
    S.check_keys(NAME, normalized, { 'normalized' })
    normalized = normalized.normalized
  end
  if normalized ~= nil and type(normalized) ~= 'boolean' then
    S.fail(NAME, 'normalized must be true or false, got %s', tostring(normalized))
  end
  self.normalized = normalized or false
  self.nbParams = self.normalized and 9 or 8
end

local function params_of(self, input, what)
  local p, batched = S.batch(NAME, what or 'input', input, 2, 'B x ' .. self.nbParams)
  checks.same_type(self, p, what or 'input')
  if p:size(2) ~= self.nbParams then
    S.fail(NAME, 'expected %d parameters per sample (normalized=%s), got %s', self.nbParams, tostring(self.normalized),
      S.shape(input))
  end
  return p, batched
end

-- The Frobenius norm of each row of p, B x 1.
local function norms(p)
  return p.new():resizeAs(p):cmul(p, p):sum(2):sqrt()
end

function M:updateOutput(input)
  local p, batched = params_of(self, input)
  local B = p:size(1)
  self.output:resize(B, 9)
  if self.normalized then
    self.output:cdiv(p, norms(p):expandAs(p))
  else
    self.output:narrow(2, 1, 8):copy(p)
    self.output:select(2, 9):fill(1)
  end
  self.output = self.output:view(B, 3, 3)
  self.output = S.unbatch(self.output, batched)
  return self.output
end

-- normalized: with n = ||p|| and M = p / n, dL/dp = (G - M (M . G)) / n.
function M:updateGradInput(input, gradOutput)
  local p, batched = params_of(self, input)
  local B = p:size(1)
  local g = S.batch(NAME, 'gradOutput', gradOutput, 3, 'B x 3 x 3')
  checks.same_type(self, g, 'gradOutput')
  if g:size(1) ~= B or g:size(2) ~= 3 or g:size(3) ~= 3 then
    S.fail(NAME, 'gradOutput must be %dx3x3, got %s', B, S.shape(gradOutput))
  end
  g = g:contiguous():view(B, 9)
  self.gradInput:resize(B, self.nbParams)
  if self.normalized then
    local n = norms(p):expandAs(p)
    local m = p.new():resizeAs(p):cdiv(p, n)
    local dot = p.new():resizeAs(p):cmul(m, g):sum(2):expandAs(p)
    self.gradInput:cmul(m, dot):mul(-1):add(g):cdiv(n)
  else
    self.gradInput:copy(g:narrow(2, 1, 8))
  end
  self.gradInput = S.unbatch(self.gradInput, batched)
  return self.gradInput
end

-- The parameters of the identity homography (a 1-D tensor of nbParams values, Float).
function M:identityParameters()
  if self.normalized then return stn.FloatTensor { 1, 0, 0, 0, 1, 0, 0, 0, 1 } end
  return stn.FloatTensor { 1, 0, 0, 0, 1, 0, 0, 0 }
end

-- linear (an nn.Linear with nbParams outputs, a localization net's last layer) starts at
-- the identity transform: zero weights, the identity's parameters as bias. Returns linear.
function M:initLocalizationHead(linear)
  if not class.isinstance(linear, 'nn.Linear') then
    S.fail(NAME, 'initLocalizationHead: expected an nn.Linear, got %s', stn.type(linear))
  end
  if linear.weight:size(1) ~= self.nbParams then
    S.fail(NAME, 'initLocalizationHead: the nn.Linear has %d outputs, the restriction takes %d',
      linear.weight:size(1), self.nbParams)
  end
  if linear.bias == nil or linear.bias:nElement() == 0 then
    S.fail(NAME, 'initLocalizationHead: the nn.Linear has no bias')
  end
  linear.weight:zero()
  linear.bias:copy(self:identityParameters())
  return linear
end

-- stn.load's check (nn/checks.lua).
function M:checkLoaded()
  local n = checks.loaded_oneof(self, 'normalized', { true, false })
  checks.loaded_oneof(self, 'nbParams', { n and 9 or 8 })
end

function M:__tostring()
  return ('%s(normalized=%s)'):format(NAME, tostring(self.normalized))
end

return M
