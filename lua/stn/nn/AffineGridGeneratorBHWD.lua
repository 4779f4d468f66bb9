-- nn.AffineGridGeneratorBHWD(height, width): stnbhwd's grid generator. B x 2 x 3 affine
-- matrices -> B x height x width x 2 grids holding (y', x') = theta * (y, x, 1), y first,
-- with y = -1 + 2(i-1)/(height-1), x = -1 + 2(j-1)/(width-1) for output pixel (i, j).
local stn = require 'stn'
local S = require 'stn.spatial'
local C, ctx = S.C, S.ctx

local M, parent = stn.class('nn.AffineGridGeneratorBHWD', 'nn.Module')
local NAME = 'nn.AffineGridGeneratorBHWD'
local WHY = ' (the grid divides by size - 1)'

function M:__init(height, width)
  parent.__init(self)
  self.height = S.size(NAME, 'height', height, 2, WHY)
  self.width = S.size(NAME, 'width', width, 2, WHY)
end

function M:updateOutput(input)
  local theta, batched = S.theta(NAME, input)
  S.check(C.stn_affine_grid_forward(ctx, theta, self.output, self.height, self.width, 0, 1), NAME)
  self.output = S.unbatch(self.output, batched)
  return self.output
end

function M:updateGradInput(input, gradOutput)
  local theta, batched = S.theta(NAME, input)
  local g = S.batch(NAME, 'gradOutput', gradOutput, 4, 'B x H x W x 2')
  if g:size(1) ~= theta:size(1) or g:size(2) ~= self.height or g:size(3) ~= self.width or g:size(4) ~= 2 then
    S.fail(NAME, 'gradOutput must be %dx%dx%dx2, got %s', theta:size(1), self.height, self.width, S.shape(gradOutput))
  end
  S.check(C.stn_affine_grid_backward(ctx, g, self.gradInput, 0, 1), NAME)
  self.gradInput = S.unbatch(self.gradInput, batched)
  return self.gradInput
end

function M:__tostring()
  return ('%s(%d, %d)'):format(NAME, self.height, self.width)
end

return M
