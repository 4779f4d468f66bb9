-- nn.AffineGridGeneratorBHWD(height, width): stnbhwd's grid generator. B x 2 x 3 affine
-- matrices -> B x height x width x 2 grids holding (y', x') = theta * (y, x, 1), y first,
-- with y = -1 + 2(i-1)/(height-1), x = -1 + 2(j-1)/(width-1) for output pixel (i, j).
local stn = require 'stn.base'
local S = require 'stn.spatial.common'
local checks = require 'stn.nn.checks'

local M, parent = stn.class('nn.AffineGridGeneratorBHWD', 'nn.Module')
M.halfTypes = true -- runs on Half and BFloat16 too (through the Float kernels: docs/spatial_transformer.md)
local NAME = 'nn.AffineGridGeneratorBHWD'
local WHY = ' (the grid divides by size - 1)'

function M:__init(height, width)
  parent.__init(self)
  self.height = S.size(NAME, 'height', height, 2, WHY)
  self.width = S.size(NAME, 'width', width, 2, WHY)
end

function M:updateOutput(input)
  return S.grid_forward(self, NAME, input, S.C.STN_GRID_YX, 1)
end

function M:updateGradInput(input, gradOutput)
  return S.grid_backward(self, NAME, input, gradOutput, S.C.STN_GRID_YX, 1)
end

-- stn.load's check (nn/checks.lua): sizes the constructor would take.
function M:checkLoaded()
  checks.loaded_int(self, 'height', 2); checks.loaded_int(self, 'width', 2)
end

function M:__tostring()
  return ('%s(%d, %d)'):format(NAME, self.height, self.width)
end

return M
