-- nn.AffineGridGenerator(height, width, {alignCorners = true}): the BCHW family's grid
-- generator. B x 2 x 3 affine matrices -> B x height x width x 2 grids holding
-- (x', y') = theta * (x, y, 1), x first, as nn.GridSampler (and PyTorch's affine_grid)
-- reads them. alignCorners: -1 and 1 are the centres of the corner pixels (true, the
-- default, stnbhwd's convention) or their outer edges (false, PyTorch's default).
local stn = require 'stn.base'
local S = require 'stn.spatial.common'
local checks = require 'stn.nn.checks'

local M, parent = stn.class('nn.AffineGridGenerator', 'nn.Module')
local NAME = 'nn.AffineGridGenerator'

function M:__init(height, width, opts)
  parent.__init(self)
  opts = opts or {}
  if type(opts) ~= 'table' then S.fail(NAME, 'options must be a table, got %s', type(opts)) end
  self.alignCorners = S.align_corners(NAME, opts)
  local least = self.alignCorners and 2 or 1
  local why = self.alignCorners and ' with alignCorners (the grid divides by size - 1)' or ''
  self.height = S.size(NAME, 'height', height, least, why)
  self.width = S.size(NAME, 'width', width, least, why)
end

function M:updateOutput(input)
  return S.grid_forward(self, NAME, input, S.C.STN_GRID_XY, self.alignCorners and 1 or 0)
end

function M:updateGradInput(input, gradOutput)
  return S.grid_backward(self, NAME, input, gradOutput, S.C.STN_GRID_XY, self.alignCorners and 1 or 0)
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
