-- Points given to the drawing functions (stn.image.drawPoints, stn.data.drawPolygon): a
-- list of {x, y} or an n x 2 tensor, as the float array (x, y, x, y, ...) C takes.
-- Not merged into stn.image: a helper of its parts and of stn.data.
local ffi = require 'ffi'
local P = require('stn.Tensor')._private

local M = {}

-- The float xy array, the point count and what must stay alive while C reads the array;
-- fail(what, msg) raises the caller's error (the C functions refuse non-finite ones).
function M.xy(what, points, fail)
  if P.is_tensor(points) then
    if points:dim() ~= 2 or points:size(2) ~= 2 then
      fail(what, 'points must be n x 2 (x, y), got ' .. P.shape_str(points))
    end
    local keep = points:float():contiguous()
    return keep:data(), points:size(1), keep
  end
  if type(points) ~= 'table' then
    fail(what, 'points must be a list of {x, y} or an n x 2 tensor, got a ' .. type(points))
  end
  local n = #points
  local xy = ffi.new('float[?]', math.max(2 * n, 1))
  for k = 1, n do
    local p = points[k]
    if type(p) ~= 'table' or type(p[1]) ~= 'number' or type(p[2]) ~= 'number' then
      fail(what, ('point %d must be {x, y}, got %s'):format(k, tostring(p)))
    end
    xy[2 * k - 2], xy[2 * k - 1] = p[1], p[2]
  end
  return xy, n, xy
end

return M
