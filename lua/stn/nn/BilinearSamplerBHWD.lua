-- nn.BilinearSamplerBHWD(): stnbhwd's sampler. {images B x H x W x C, grid B x H' x W' x 2
-- holding (y, x)} -> B x H' x W' x C; grid value v is pixel (v + 1)(size - 1)/2 (corners
-- aligned), bilinear interpolation, neighbours outside the image count as 0.
-- gradInput = {gradImages, gradGrid}; setImageGradient(false) skips gradImages.
local stn = require 'stn'
local S = require 'stn.spatial'
local C, ctx = S.C, S.ctx

local M, parent = stn.class('nn.BilinearSamplerBHWD', 'nn.Module')
local NAME = 'nn.BilinearSamplerBHWD'
local LAYOUT = 'B x H x W x C'

function M:__init()
  parent.__init(self)
  self.gradInput = { stn.Tensor(), stn.Tensor() }
  self.imageGradient = true
end

-- Whether backward computes the gradient w.r.t. the images (not needed when the
-- images are the network's input); without it gradInput[1] is left empty.
function M:setImageGradient(on)
  self.imageGradient = on and true or false
  return self
end

function M:updateOutput(input)
  local images, grid, batched = S.sampler_input(NAME, input, LAYOUT)
  S.check(C.stn_bilinear_sampler_bhwd_forward(ctx, images, grid, self.output), NAME)
  self.output = S.unbatch(self.output, batched)
  return self.output
end

function M:updateGradInput(input, gradOutput)
  local images, grid, batched = S.sampler_input(NAME, input, LAYOUT)
  local g = S.batch(NAME, 'gradOutput', gradOutput, 4, "B x H' x W' x C")
  -- (clearState leaves gradInput an empty table)
  local gi, gg = self.gradInput[1] or self.output:new(), self.gradInput[2] or self.output:new()
  if not self.imageGradient then gi = gi:new() end
  S.check(C.stn_bilinear_sampler_bhwd_backward(ctx, images, grid, g, gi, gg, self.imageGradient and 1 or 0), NAME)
  self.gradInput = { self.imageGradient and S.unbatch(gi, batched) or gi, S.unbatch(gg, batched) }
  return self.gradInput
end

function M:__tostring()
  return NAME .. (self.imageGradient and '' or '(no image gradient)')
end

return M
