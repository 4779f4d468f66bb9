-- stn.image: pictures for display and their files. Its parts live in submodules,
-- each a table of functions merged here on load: io (PNG, GIF, PPM files), draw
-- (un-normalizing, upscaling, composition, dots, text) and, where present, gaussian
-- (smoothing kernels). A picture is a CPU float tensor C x H x W with values 0..255.
local image = {}

for _, part in ipairs { 'io', 'draw', 'gaussian' } do
  local name = 'stn.image.' .. part
  if package.searchpath(name, package.path) then
    for k, v in pairs(require(name)) do
      if image[k] ~= nil then error('stn: image: ' .. name .. ' and another part both define ' .. k, 0) end
      image[k] = v
    end
  end
end

return image
