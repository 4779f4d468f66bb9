-- nn.BilinearSamplerBHWD(): stnbhwd's sampler. {images B x H x W x C, grid B x H' x W' x 2
-- holding (y, x)} -> B x H' x W' x C; grid value v is pixel (v + 1)(size - 1)/2 (corners
-- aligned), bilinear interpolation, neighbours outside the image count as 0.
-- gradInput = {gradImages, gradGrid}; setImageGradient(false) skips gradImages.
local stn = require 'stn.base'
local S = require 'stn.spatial.common'
local C, ctx = S.C, S.ctx

local M, parent = stn.class('nn.BilinearSamplerBHWD', 'nn.Module')
M.halfTypes = true -- runs on Half and BFloat16 too (through the Float kernels: docs/spatial_transformer.md)
local NAME = 'nn.BilinearSamplerBHWD'
local LAYOUT = 'B x H x W x C'
-- stnbhwd's sampler: channels last, (y, x) grid, corners aligned, zeros outside
local DESC = S.sampler_desc('bhwc', 'yx', true, 0)

function M:__init()
  parent.__init(self)
  self.gradInput = { stn.Tensor(), stn.Tensor() }
  self.imageGradient = true
end

M.setImageGradient = S.set_image_gradient

function M:updateOutput(input)
  local images, grid, batched = S.sampler_input(NAME, input, LAYOUT)
  S.check(C.stn_sampler_forward(ctx, DESC, images, grid, self.output), NAME)
  self.output = S.unbatch(self.output, batched)
  return self.output
end

function M:updateGradInput(input, gradOutput)
  return S.sampler_backward(self, NAME, LAYOUT, "B x H' x W' x C", input, gradOutput, function(images, grid, g, gi, gg)
    return C.stn_sampler_backward(ctx, DESC, images, grid, g, gi, gg)
  end)
end

function M:__tostring()
  return NAME .. (self.imageGradient and '' or '(no image gradient)')
end

return M
