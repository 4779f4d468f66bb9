-- nn.ProjectiveGridGenerator(height, width, {alignCorners = true}): the projective
-- (homography) grid generator of the BCHW family. B x 3 x 3 matrices M -> B x height x
-- width x 2 grids: output pixel (x, y) (normalized, as nn.AffineGridGenerator's) holds
-- (u/w, v/w) with (u, v, w) = M (x, y, 1), x first, as nn.GridSampler reads it. Where
-- |w| <= 1e-6 (|m20| + |m21| + |m22|) the point is at infinity: the grid holds NaN there
-- (the sampler reads it as outside: the padding's value) and its gradient is 0.
-- Formula, rule and gradient: csrc/spatial/projective.h, docs/spatial_transformer.md.
local stn = require 'stn.base'
local S = require 'stn.spatial.common'
local checks = require 'stn.nn.checks'

local M, parent = stn.class('nn.ProjectiveGridGenerator', 'nn.Module')
M.halfTypes = true -- runs on Half and BFloat16 too (through the Float kernels: docs/spatial_transformer.md)
local NAME = 'nn.ProjectiveGridGenerator'

function M:__init(height, width, opts)
  parent.__init(self)
  self.alignCorners = S.grid_options(NAME, opts)
  self.height = S.grid_size(NAME, 'height', height, self.alignCorners)
  self.width = S.grid_size(NAME, 'width', width, self.alignCorners)
end

local function matrices(input)
  local m, batched = S.batch(NAME, 'input', input, 3, 'B x 3 x 3')
  if m:size(2) ~= 3 or m:size(3) ~= 3 then S.fail(NAME, 'input must be B x 3 x 3 (or 3 x 3), got %s', S.shape(input)) end
  return m, batched
end

function M:updateOutput(input)
  local m, batched = matrices(input)
  S.check(S.C.stn_projective_grid_forward(S.ctx, m, self.output, self.height, self.width, self.alignCorners and 1 or 0),
    NAME)
  self.output = S.unbatch(self.output, batched)
  return self.output
end

function M:updateGradInput(input, gradOutput)
  local m, batched = matrices(input)
  local g = S.batch(NAME, 'gradOutput', gradOutput, 4, 'B x H x W x 2')
  if g:size(1) ~= m:size(1) or g:size(2) ~= self.height or g:size(3) ~= self.width or g:size(4) ~= 2 then
    S.fail(NAME, 'gradOutput must be %dx%dx%dx2, got %s', m:size(1), self.height, self.width, S.shape(gradOutput))
  end
  S.check(S.C.stn_projective_grid_backward(S.ctx, m, g, self.gradInput, self.alignCorners and 1 or 0), NAME)
  self.gradInput = S.unbatch(self.gradInput, batched)
  return self.gradInput
end

-- stn.load's check (nn/checks.lua): the flag, and sizes the constructor would take.
function M:checkLoaded()
  local least = checks.loaded_oneof(self, 'alignCorners', { true, false }) and 2 or 1
  checks.loaded_int(self, 'height', least); checks.loaded_int(self, 'width', least)
end

function M:__tostring()
  return ('%s(%d, %d, alignCorners=%s)'):format(NAME, self.height, self.width, tostring(self.alignCorners))
end

return M
