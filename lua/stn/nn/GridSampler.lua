-- nn.GridSampler{alignCorners = true, padding = 'zeros'}: the BCHW bilinear sampler.
-- {images B x C x H x W, grid B x H' x W' x 2 holding (x, y)} -> B x C x H' x W'.
-- alignCorners: -1 and 1 are the centres of the corner pixels (true, the default, as
-- stnbhwd) or their outer edges (false, PyTorch's default); padding: 'zeros' (outside
-- counts as 0) or 'border' (the edge value). gradInput = {gradImages, gradGrid};
-- imageGradient = false (or setImageGradient(false)) skips gradImages.
local stn = require 'stn'
local S = require 'stn.spatial'
local C, ctx = S.C, S.ctx

local M, parent = stn.class('nn.GridSampler', 'nn.Module')
local NAME = 'nn.GridSampler'
local LAYOUT = 'B x C x H x W'
local PADDING = { zeros = 0, border = 1 }

function M:__init(opts)
  parent.__init(self)
  opts = opts or {}
  if type(opts) ~= 'table' then S.fail(NAME, 'options must be a table, got %s', type(opts)) end
  self.alignCorners = S.align_corners(NAME, opts)
  self.padding = opts.padding or 'zeros'
  if PADDING[self.padding] == nil then
    S.fail(NAME, "padding must be 'zeros' or 'border', got %s", tostring(opts.padding))
  end
  self.imageGradient = opts.imageGradient ~= false
  self.gradInput = { stn.Tensor(), stn.Tensor() }
end

-- Whether backward computes the gradient w.r.t. the images (not needed when the
-- images are the network's input); without it gradInput[1] is left empty.
function M:setImageGradient(on)
  self.imageGradient = on and true or false
  return self
end

function M:updateOutput(input)
  local images, grid, batched = S.sampler_input(NAME, input, LAYOUT)
  S.check(C.stn_grid_sampler_forward(ctx, images, grid, self.output, self.alignCorners and 1 or 0,
    PADDING[self.padding]), NAME)
  self.output = S.unbatch(self.output, batched)
  return self.output
end

function M:updateGradInput(input, gradOutput)
  local images, grid, batched = S.sampler_input(NAME, input, LAYOUT)
  local g = S.batch(NAME, 'gradOutput', gradOutput, 4, "B x C x H' x W'")
  -- (clearState leaves gradInput an empty table)
  local gi, gg = self.gradInput[1] or self.output:new(), self.gradInput[2] or self.output:new()
  if not self.imageGradient then gi = gi:new() end
  S.check(C.stn_grid_sampler_backward(ctx, images, grid, g, gi, gg, self.imageGradient and 1 or 0,
    self.alignCorners and 1 or 0, PADDING[self.padding]), NAME)
  self.gradInput = { self.imageGradient and S.unbatch(gi, batched) or gi, S.unbatch(gg, batched) }
  return self.gradInput
end

function M:__tostring()
  return ('%s(alignCorners=%s, padding=%s%s)'):format(NAME, tostring(self.alignCorners), self.padding,
    self.imageGradient and '' or ', no image gradient')
end

return M
