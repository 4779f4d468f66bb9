-- The volumetric (5-D) sampler for nn.GridSampler: {images B x C x D x H x W, grid
-- B x D' x H' x W' x 3 holding (x, y, z)} -> B x C x D' x H' x W' (the C entry points
-- stn_sampler3d_forward/backward, docs/spatial_transformer.md "Volumetric sampling").
-- The module builds the descriptor (S.sampler_desc('bchw', 'xy', ...), with its mode and
-- padding; 'bilinear' is trilinear here) and calls
--   V.forward(name, desc, input, output) -> output (unbatched when the input was)
--   V.backward(name, desc, input, gradOutput, gradImages or nil, gradGrid) -> gi, gg
-- An unbatched input (C x D x H x W with D' x H' x W' x 3) is a batch of one. Checks and
-- messages as common.lua's 2-D sampler helpers; the C side refuses bicubic and antialias.
local ffi = require 'ffi'
local S = require 'stn.spatial.common'

local V = {}
V.LAYOUT = 'B x C x D x H x W'
V.GRID_LAYOUT = "B x D' x H' x W' x 3"
V.OUT_LAYOUT = "B x C x D' x H' x W'"

V.MODES = { bilinear = 0, nearest = 1, bicubic = 2 }
V.PADDINGS = { zeros = 0, border = 1, reflection = 2 }

-- The descriptor of a volumetric call: mode 'bilinear' (trilinear) or 'nearest' (the C
-- side refuses 'bicubic' by name), padding 'zeros', 'border' or 'reflection'.
function V.desc(mode, padding, alignCorners)
  return ffi.new('stn_sampler_desc', 0, 0, alignCorners and 1 or 0, V.PADDINGS[padding], V.MODES[mode], 0)
end

-- Whether a sampler input is volumetric: its images have 5 dimensions (4 unbatched)
-- and its grid ends in 3; GridSampler may route on it.
function V.is_volumetric(input)
  if type(input) ~= 'table' or not S.is_tensor(input[1]) or not S.is_tensor(input[2]) then return false end
  local g = input[2]
  return g:dim() >= 4 and g:size(g:dim()) == 3
end

-- The table {images, grid} of a volumetric sampler, both batched (5-D) or both not (4-D).
function V.input(name, input)
  return S.sampler_input(name, input, V.LAYOUT, 5, V.GRID_LAYOUT, 3)
end

function V.forward(name, desc, input, output)
  local images, grid, batched = V.input(name, input)
  S.check(S.C.stn_sampler3d_forward(S.ctx, desc, images, grid, output), name)
  return S.unbatch(output, batched)
end

-- gradImages nil: not computed (returned as nil).
function V.backward(name, desc, input, gradOutput, gradImages, gradGrid)
  local images, grid, batched = V.input(name, input)
  local g = S.batch(name, 'gradOutput', gradOutput, 5, V.OUT_LAYOUT)
  S.check(S.C.stn_sampler3d_backward(S.ctx, desc, images, grid, g, gradImages, gradGrid), name)
  return gradImages and S.unbatch(gradImages, batched) or nil, S.unbatch(gradGrid, batched)
end

return V
