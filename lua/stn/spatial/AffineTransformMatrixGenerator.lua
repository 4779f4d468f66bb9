-- nn.AffineTransformMatrixGenerator(useRotation, useScale, useTranslation): gtsrb.torch's
-- restriction between a localization net and the grid generator. B x k parameters
-- (angle, scale, tx, ty: those whose flag is set, in that order; k = 6 and a plain
-- reshape when none is) -> B x 2 x 3 matrices R(angle) * S(scale) * T(tx, ty) = s R [I | t],
-- R = [[cos a, -sin a], [sin a, cos a]] as in stnbhwd (formula and gradient: csrc/spatial/affine.h).
local stn = require 'stn.base'
local S = require 'stn.spatial.common'
local checks = require 'stn.nn.checks'
local C, ctx = S.C, S.ctx

local M, parent = stn.class('nn.AffineTransformMatrixGenerator', 'nn.Module')
M.halfTypes = true -- runs on Half and BFloat16 too (through the Float kernels: docs/spatial_transformer.md)
local NAME = 'nn.AffineTransformMatrixGenerator'

function M:__init(useRotation, useScale, useTranslation)
  parent.__init(self)
  self.useRotation = useRotation and true or false
  self.useScale = useScale and true or false
  self.useTranslation = useTranslation and true or false
  local any = self.useRotation or self.useScale or self.useTranslation
  self.nbParams = any and ((self.useRotation and 1 or 0) + (self.useScale and 1 or 0) + (self.useTranslation and 2 or 0)) or 6
end

local function flags(self)
  return self.useRotation and 1 or 0, self.useScale and 1 or 0, self.useTranslation and 1 or 0
end

local function describe(self)
  return ('rotation=%s, scale=%s, translation=%s'):format(tostring(self.useRotation), tostring(self.useScale),
    tostring(self.useTranslation))
end

local function params_of(self, input)
  local p, batched = S.batch(NAME, 'parameters', input, 2, 'B x k')
  if p:size(2) ~= self.nbParams then
    S.fail(NAME, 'expected %d parameters per sample (%s), got %s', self.nbParams, describe(self), S.shape(input))
  end
  return p, batched
end

function M:updateOutput(input)
  local p, batched = params_of(self, input)
  S.check(C.stn_affine_matrix_forward(ctx, p, self.output, flags(self)), NAME)
  self.output = S.unbatch(self.output, batched)
  return self.output
end

function M:updateGradInput(input, gradOutput)
  local p, batched = params_of(self, input)
  local g = S.theta(NAME, gradOutput)
  if g:size(1) ~= p:size(1) then
    S.fail(NAME, 'gradOutput (%s) does not match the %d samples of the input (%s)', S.shape(gradOutput), p:size(1),
      S.shape(input))
  end
  S.check(C.stn_affine_matrix_backward(ctx, p, g, self.gradInput, flags(self)), NAME)
  self.gradInput = S.unbatch(self.gradInput, batched)
  return self.gradInput
end

-- stn.load's check (nn/checks.lua): boolean flags, and nbParams the count they imply.
function M:checkLoaded()
  for _, f in ipairs { 'useRotation', 'useScale', 'useTranslation' } do checks.loaded_oneof(self, f, { true, false }) end
  local r, s, t = flags(self)
  checks.loaded_oneof(self, 'nbParams', { r + s + 2 * t > 0 and r + s + 2 * t or 6 })
end

function M:__tostring()
  return ('%s(%s)'):format(NAME, describe(self))
end

return M
