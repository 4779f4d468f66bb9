-- stn.image: image helpers in the spirit of Torch7's image package. Each part lives
-- in its own file under stn/image/ and adds its functions here.
local image = {}

for name, f in pairs(require 'stn.image.gaussian') do image[name] = f end

return image
