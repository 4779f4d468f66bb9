-- nn.GridSampler{alignCorners = true, padding = 'zeros'}: the BCHW bilinear sampler.
-- {images B x C x H x W, grid B x H' x W' x 2 holding (x, y)} -> B x C x H' x W'.
-- alignCorners: -1 and 1 are the centres of the corner pixels (true, the default, as
-- stnbhwd) or their outer edges (false, PyTorch's default); padding: 'zeros' (outside
-- counts as 0) or 'border' (the edge value). gradInput = {gradImages, gradGrid};
-- imageGradient = false (or setImageGradient(false)) skips gradImages.
local stn = require 'stn.base'
local S = require 'stn.spatial.common'
local checks = require 'stn.nn.checks'
local C, ctx = S.C, S.ctx

local M, parent = stn.class('nn.GridSampler', 'nn.Module')
local NAME = 'nn.GridSampler'
local LAYOUT = 'B x C x H x W'
local PADDING = { zeros = 0, border = 1 }

-- The C sampler's descriptor for this module's options.
local function desc(self)
  return S.sampler_desc('bchw', 'xy', self.alignCorners, PADDING[self.padding])
end

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

M.setImageGradient = S.set_image_gradient

function M:updateOutput(input)
  local images, grid, batched = S.sampler_input(NAME, input, LAYOUT)
  S.check(C.stn_sampler_forward(ctx, desc(self), images, grid, self.output), NAME)
  self.output = S.unbatch(self.output, batched)
  return self.output
end

function M:updateGradInput(input, gradOutput)
  return S.sampler_backward(self, NAME, LAYOUT, "B x C x H' x W'", input, gradOutput, function(images, grid, g, gi, gg)
    return C.stn_sampler_backward(ctx, desc(self), images, grid, g, gi, gg)
  end)
end

-- stn.load's check (nn/checks.lua): options the constructor would take.
function M:checkLoaded()
  checks.loaded_oneof(self, 'alignCorners', { true, false })
  checks.loaded_oneof(self, 'padding', { 'zeros', 'border' })
end

function M:__tostring()
  return ('%s(alignCorners=%s, padding=%s%s)'):format(NAME, tostring(self.alignCorners), self.padding,
    self.imageGradient and '' or ', no image gradient')
end

return M
