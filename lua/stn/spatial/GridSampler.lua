-- nn.GridSampler{mode = 'bilinear', padding = 'zeros', alignCorners = true, antialias = false}:
-- the BCHW sampler. {images B x C x H x W, grid B x H' x W' x 2 holding (x, y)} -> B x C x H' x W',
-- or {B x C x D x H x W, B x D' x H' x W' x 3 holding (x, y, z)} -> B x C x D' x H' x W'.
-- mode: 'bilinear' (the default), 'nearest' (no grid gradient: it is 0) or 'bicubic'
-- (PyTorch's A = -0.75 kernel); padding: 'zeros' (outside counts as 0), 'border' (the
-- edge value) or 'reflection' (reflected about the borders); alignCorners: -1 and 1 are
-- the centres of the corner pixels (true, the default, as stnbhwd) or their outer edges
-- (false, PyTorch's default); antialias: average over the grid's footprint where it
-- shrinks the image. gradInput = {gradImages, gradGrid}; imageGradient = false (or
-- setImageGradient(false)) skips gradImages. The exact formulas: docs/spatial_transformer.md.
local stn = require 'stn.base'
local S = require 'stn.spatial.common'
local V = require 'stn.spatial.volumetric'
local checks = require 'stn.nn.checks'
local C, ctx = S.C, S.ctx

local M, parent = stn.class('nn.GridSampler', 'nn.Module')
M.halfTypes = true -- runs on Half and BFloat16 too (through the Float kernels: docs/spatial_transformer.md)
local NAME = 'nn.GridSampler'
local LAYOUT = 'B x C x H x W'
local MODE = { bilinear = 0, nearest = 1, bicubic = 2 }
local PADDING = { zeros = 0, border = 1, reflection = 2 }
local KNOWN = { 'alignCorners', 'antialias', 'imageGradient', 'mode', 'padding' }

-- The C sampler's descriptor for this module's options (modules saved before `mode`
-- and `antialias` existed read as bilinear without antialiasing).
local function desc(self)
  return S.sampler_desc('bchw', 'xy', self.alignCorners, PADDING[self.padding], MODE[self.mode or 'bilinear'],
    self.antialias)
end

-- opts[key], one of the names of `values` (a name -> code table, listed in `order`).
local function choice(opts, key, values, order, default)
  local v = opts[key]
  if v == nil then return default end
  if type(v) ~= 'string' or values[v] == nil then
    local names = {}
    for i, n in ipairs(order) do names[i] = ("'%s'"):format(n) end
    S.fail(NAME, '%s must be %s, got %s', key, table.concat(names, ', ', 1, #names - 1) .. ' or ' .. names[#names],
      type(v) == 'string' and ("'%s'"):format(v) or tostring(v))
  end
  return v
end

local function boolean(opts, key, default)
  local v = opts[key]
  if v == nil then return default end
  if type(v) ~= 'boolean' then S.fail(NAME, '%s must be true or false, got %s', key, tostring(v)) end
  return v
end

function M:__init(opts)
  parent.__init(self)
  opts = opts or {}
  if type(opts) ~= 'table' then S.fail(NAME, 'options must be a table, got %s', type(opts)) end
  S.check_keys(NAME, opts, KNOWN)
  self.mode = choice(opts, 'mode', MODE, { 'bilinear', 'nearest', 'bicubic' }, 'bilinear')
  self.padding = choice(opts, 'padding', PADDING, { 'zeros', 'border', 'reflection' }, 'zeros')
  self.alignCorners = S.align_corners(NAME, opts)
  self.antialias = boolean(opts, 'antialias', false)
  self.imageGradient = boolean(opts, 'imageGradient', true)
  self.gradInput = { stn.Tensor(), stn.Tensor() }
end

M.setImageGradient = S.set_image_gradient

-- Volumetric input (5-D images: {B x C x D x H x W, B x D' x H' x W' x 3}, grid (x, y, z))
-- goes to the 5-D sampler (stn.spatial.volumetric): 'bilinear' is trilinear there; bicubic
-- and antialias are refused by the C side, naming them. 4-D images are always the 2-D
-- form (B x C x H x W): a volume must come with its batch dimension here (images and grid
-- both 5-D; anything else is checked as the 2-D form).
local function volumetric(input)
  return type(input) == 'table' and S.is_tensor(input[1]) and input[1]:dim() == 5 and S.is_tensor(input[2])
    and input[2]:dim() == 5
end

function M:updateOutput(input)
  if volumetric(input) then
    self.output = V.forward(NAME, desc(self), input, self.output)
    return self.output
  end
  local images, grid, batched = S.sampler_input(NAME, input, LAYOUT)
  S.check(C.stn_sampler_forward(ctx, desc(self), images, grid, self.output), NAME)
  self.output = S.unbatch(self.output, batched)
  return self.output
end

function M:updateGradInput(input, gradOutput)
  if volumetric(input) then
    local images = input[1]
    local gi, gg = self.gradInput[1] or images.new(), self.gradInput[2] or images.new()
    if not self.imageGradient then gi = gi.new() end
    local gi_out, gg_out = V.backward(NAME, desc(self), input, gradOutput, self.imageGradient and gi or nil, gg)
    self.gradInput = { gi_out or gi, gg_out }
    return self.gradInput
  end
  return S.sampler_backward(self, NAME, LAYOUT, "B x C x H' x W'", input, gradOutput, function(images, grid, g, gi, gg)
    return C.stn_sampler_backward(ctx, desc(self), images, grid, g, gi, gg)
  end)
end

-- stn.load's check (nn/checks.lua): options the constructor would take (mode and
-- antialias may be absent: modules saved before they existed).
function M:checkLoaded()
  checks.loaded_oneof(self, 'alignCorners', { true, false })
  checks.loaded_oneof(self, 'padding', { 'zeros', 'border', 'reflection' })
  if self.mode ~= nil then checks.loaded_oneof(self, 'mode', { 'bilinear', 'nearest', 'bicubic' }) end
  if self.antialias ~= nil then checks.loaded_oneof(self, 'antialias', { true, false }) end
end

function M:__tostring()
  return ('%s(mode=%s, padding=%s, alignCorners=%s%s%s)'):format(NAME, self.mode or 'bilinear', self.padding,
    tostring(self.alignCorners), self.antialias and ', antialias' or '',
    self.imageGradient and '' or ', no image gradient')
end

return M
