-- nn.AffineGridGenerator(height, width, {alignCorners = true}): the BCHW family's grid
-- generator. B x 2 x 3 affine matrices -> B x height x width x 2 grids holding
-- (x', y') = theta * (x, y, 1), x first, as nn.GridSampler (and PyTorch's affine_grid)
-- reads them. alignCorners: -1 and 1 are the centres of the corner pixels (true, the
-- default, stnbhwd's convention) or their outer edges (false, PyTorch's default).
-- nn.AffineGridGenerator(depth, height, width, opts): the volumetric form, B x 3 x 4 ->
-- B x depth x height x width x 3 grids of (x', y', z') = theta * (x, y, z, 1).
local stn = require 'stn.base'
local S = require 'stn.spatial.common'
local checks = require 'stn.nn.checks'

local M, parent = stn.class('nn.AffineGridGenerator', 'nn.Module')
M.halfTypes = true -- runs on Half and BFloat16 too (through the Float kernels: docs/spatial_transformer.md)
local NAME = 'nn.AffineGridGenerator'

function M:__init(a, b, c, d)
  parent.__init(self)
  local opts
  if type(c) == 'number' then -- (depth, height, width, opts)
    opts = d
  else
    if d ~= nil then S.fail(NAME, 'expected (height, width[, opts]) or (depth, height, width[, opts])') end
    opts = c
  end
  self.alignCorners = S.grid_options(NAME, opts)
  if type(c) == 'number' then
    self.depth = S.grid_size(NAME, 'depth', a, self.alignCorners)
    self.height = S.grid_size(NAME, 'height', b, self.alignCorners)
    self.width = S.grid_size(NAME, 'width', c, self.alignCorners)
  else
    self.height = S.grid_size(NAME, 'height', a, self.alignCorners)
    self.width = S.grid_size(NAME, 'width', b, self.alignCorners)
  end
end

-- theta B x 3 x 4 (or 3 x 4), for the volumetric form.
local function theta3(x)
  local t, batched = S.batch(NAME, 'theta', x, 3, 'B x 3 x 4')
  if t:size(2) ~= 3 or t:size(3) ~= 4 then S.fail(NAME, 'theta must be B x 3 x 4 (or 3 x 4), got %s', S.shape(x)) end
  return t, batched
end

function M:updateOutput(input)
  local align = self.alignCorners and 1 or 0
  if not self.depth then return S.grid_forward(self, NAME, input, S.C.STN_GRID_XY, align) end
  local theta, batched = theta3(input)
  S.check(S.C.stn_affine_grid3d_forward(S.ctx, theta, self.output, self.depth, self.height, self.width, align), NAME)
  self.output = S.unbatch(self.output, batched)
  return self.output
end

function M:updateGradInput(input, gradOutput)
  local align = self.alignCorners and 1 or 0
  if not self.depth then return S.grid_backward(self, NAME, input, gradOutput, S.C.STN_GRID_XY, align) end
  local theta, batched = theta3(input)
  local g = S.batch(NAME, 'gradOutput', gradOutput, 5, 'B x D x H x W x 3')
  if g:size(1) ~= theta:size(1) or g:size(2) ~= self.depth or g:size(3) ~= self.height or g:size(4) ~= self.width
      or g:size(5) ~= 3 then
    S.fail(NAME, 'gradOutput must be %dx%dx%dx%dx3, got %s', theta:size(1), self.depth, self.height, self.width,
      S.shape(gradOutput))
  end
  S.check(S.C.stn_affine_grid3d_backward(S.ctx, g, self.gradInput, align), NAME)
  self.gradInput = S.unbatch(self.gradInput, batched)
  return self.gradInput
end

-- stn.load's check (nn/checks.lua): the flag, and sizes the constructor would take.
function M:checkLoaded()
  local least = checks.loaded_oneof(self, 'alignCorners', { true, false }) and 2 or 1
  if self.depth ~= nil then checks.loaded_int(self, 'depth', least) end
  checks.loaded_int(self, 'height', least); checks.loaded_int(self, 'width', least)
end

function M:__tostring()
  if self.depth then
    return ('%s(%d, %d, %d, alignCorners=%s)'):format(NAME, self.depth, self.height, self.width,
      tostring(self.alignCorners))
  end
  return ('%s(%d, %d, alignCorners=%s)'):format(NAME, self.height, self.width, tostring(self.alignCorners))
end

return M
