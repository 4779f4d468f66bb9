-- stn.spatial: the spatial transformer's Lua side. The modules live in this folder
-- (stn/spatial/<Name>.lua) and are reached as stn.nn.<Name> (docs/spatial_transformer.md);
-- common.lua holds what they share. Public here: the samplers' coordinate map.
local Tensor = require 'stn.Tensor'
local is_integer = require('stn.integer').is_integer
local is_tensor = Tensor._private.is_tensor
local errors = require 'stn.errors'

local spatial = {}

local NAME = 'spatial.gridToPixel'
local float = Tensor._private.to_float

-- The pixel coordinate (0-based) that grid value v stands for along an axis of `size`
-- pixels, as the samplers compute it (csrc/spatial/coords.h): (v + 1) * scale - shift,
-- rounded to float at each step, with scale = (size - 1)/2 and shift = 0 when
-- alignCorners (the default, as the modules'), else size/2 and 1/2. v: a number (gives
-- a number) or a tensor (gives a new tensor of its type, v unchanged).
function spatial.gridToPixel(v, size, alignCorners)
  if type(v) ~= 'number' and not is_tensor(v) then
    errors.fail(NAME, 'v must be a number or a tensor, got %s', type(v))
  end
  if type(size) ~= 'number' or not is_integer(size) or size < 1 or size > 2 ^ 31 - 1 then
    errors.fail(NAME, 'size must be an integer of at least 1, got %s', tostring(size))
  end
  if alignCorners == nil then alignCorners = true end
  if type(alignCorners) ~= 'boolean' then
    errors.fail(NAME, 'alignCorners must be true or false, got %s', tostring(alignCorners))
  end
  local scale = float(alignCorners and (size - 1) * 0.5 or size * 0.5)
  local shift = alignCorners and 0 or 0.5
  if type(v) == 'number' then return float(float(float(float(v) + 1) * scale) - shift) end
  return v:clone():add(1):mul(scale):add(-shift)
end

return spatial
